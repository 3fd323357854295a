namespace Neurite.Search;

/// <summary>The Nelder–Mead simplex method (reflection 1, expansion 2, contraction ½, shrink ½): derivative-free
/// minimisation, enough for the handful of GP hyper-parameters.</summary>
public static class NelderMead
{
    /// <summary>Minimises <paramref name="f"/> from <paramref name="start"/> with an initial simplex of edge <paramref name="step"/>;
    /// returns the best point and its value.</summary>
    public static (double[] Point, double Value) Minimize(Func<double[], double> f, double[] start, double step = 0.5, int iterations = 500, double tolerance = 1e-8)
    {
        int n = start.Length;
        var points = new double[n + 1][];
        var values = new double[n + 1];
        for (int i = 0; i <= n; i++)
        {
            points[i] = [.. start];
            if (i > 0) points[i][i - 1] += step;
            values[i] = f(points[i]);
        }
        for (int it = 0; it < iterations; it++)
        {
            Array.Sort(values, points);
            if (Math.Abs(values[n] - values[0]) <= tolerance * (Math.Abs(values[0]) + tolerance)) break;
            var centroid = new double[n];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) centroid[j] += points[i][j] / n;
            double[] Along(double t) => [.. centroid.Select((c, j) => c + t * (points[n][j] - c))];
            var reflected = Along(-1);
            double fr = f(reflected);
            if (fr < values[0])
            {
                var expanded = Along(-2);
                double fe = f(expanded);
                (points[n], values[n]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[n - 1]) (points[n], values[n]) = (reflected, fr);
            else
            {
                var contracted = fr < values[n] ? Along(-0.5) : Along(0.5);
                double fc = f(contracted);
                if (fc < Math.Min(fr, values[n])) (points[n], values[n]) = (contracted, fc);
                else
                    for (int i = 1; i <= n; i++)
                    {
                        points[i] = [.. points[i].Select((v, j) => points[0][j] + 0.5 * (v - points[0][j]))];
                        values[i] = f(points[i]);
                    }
            }
        }
        int best = Array.IndexOf(values, values.Min());
        return (points[best], values[best]);
    }
}
