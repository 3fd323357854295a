namespace Neurite.Tests.Conv;

/// <summary>Convolution by its definition, four nested loops in double, as the reference for the im2col kernels.</summary>
internal static class Naive
{
    public static (double[] y, double[] dx, double[] dw, double[] db) Conv2d(double[] x, int[] xs, double[] w, int[] ws, double[] b, double[] gy,
        (int H, int W) s, (int H, int W) p, (int H, int W) d, int groups)
    {
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], o = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
        int oh = (h + 2 * p.H - d.H * (kh - 1) - 1) / s.H + 1, ow = (wd + 2 * p.W - d.W * (kw - 1) - 1) / s.W + 1;
        int og = o / groups;
        var y = new double[n * o * oh * ow];
        var dx = new double[x.Length];
        var dw = new double[w.Length];
        var db = new double[o];
        for (int i = 0; i < n; i++)
            for (int oc = 0; oc < o; oc++)
                for (int r = 0; r < oh; r++)
                    for (int q = 0; q < ow; q++)
                    {
                        int yi = ((i * o + oc) * oh + r) * ow + q;
                        double sum = b[oc], gv = gy[yi];
                        db[oc] += gv;
                        for (int ci = 0; ci < cg; ci++)
                            for (int a = 0; a < kh; a++)
                                for (int e = 0; e < kw; e++)
                                {
                                    int ih = r * s.H - p.H + a * d.H, iw = q * s.W - p.W + e * d.W;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
                                    int xi = ((i * c + oc / og * cg + ci) * h + ih) * wd + iw;
                                    int wi = ((oc * cg + ci) * kh + a) * kw + e;
                                    sum += w[wi] * x[xi];
                                    dx[xi] += w[wi] * gv;
                                    dw[wi] += x[xi] * gv;
                                }
                        y[yi] = sum;
                    }
        return (y, dx, dw, db);
    }
}
