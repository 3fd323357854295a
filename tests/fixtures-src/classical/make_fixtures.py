# Needs Debian's scikit-learn:  apt-get install -y python3-sklearn   (made with 1.2.1, NumPy 1.24.2, SciPy 1.10.1)
"""Reference fits of scikit-learn's classical models for Neurite.Classical's parity tests.

    /usr/bin/python3 tests/fixtures-src/classical/make_fixtures.py

Data, exactly as Neurite holds it:
  iris     src/Neurite/Resources/iris.csv, features parsed as float32 like Datasets.Iris() (then widened to float64)
  digits   src/Neurite/Resources/digits.csv.gz, pixel counts 0..16 (exact in float32)
  regression  generated here (seed 20260402) and written to Fixtures/classical/regression.csv, 4 decimals,
              so C# and NumPy parse the same doubles
Split: a permutation by np.random.RandomState(0); the first 20 % of it are the test rows. The row indices are
written with the results, so the tests never re-derive them.

Writes tests/Neurite.Tests/Fixtures/classical/{iris,digits,regression}.json, per model its settings,
fitted coefficients, probabilities on the first PROBA_ROWS test rows (predictions and the score on all test rows).
Settings chosen so that each comparison is well posed (a unique optimum, solved to convergence):
  LogisticRegression   multinomial (more than two classes): solver='newton-cg', tol=1e-8, C as named. Not lbfgs:
                       SciPy's L-BFGS-B stops on its relative-decrease test (ftol = 64·ε, which sklearn sets)
                       long before tol, e.g. on Iris with max|∇f| = 3e-3 after 103 iterations.
                       binary (one sigmoid, sklearn's default for two classes): solver='newton-cg', tol=1e-6
                       (at 1e-8 its line search gives up in float64 on this problem; lbfgs stops at max|∇f| 1e-3).
                       Each fit's max|∇f| of f = C·Σ log-loss + ½‖W‖² is computed here, stored as "grad_inf" and
                       must be below 1e-5 (the penalty makes the Hessian ≥ I on the weights, so they are then
                       within about 1e-5 of the optimum), so a fixture is the optimum, not where a solver gave up.
  LinearDiscriminantAnalysis  solver='lsqr' (no shrinkage): coef_ = lstsq(Σ_w, μ_kᵀ), the equations Neurite
                       solves; the default 'svd' works in a whitened basis of its own (same classes, other rounding)
  QuadraticDiscriminantAnalysis  reg_param as named
  GaussianNB var_smoothing, BernoulliNB alpha/binarize, MultinomialNB alpha as named; Ridge solver='cholesky'
sklearn is needed only to regenerate; Neurite's tests read the JSON.
"""
import gzip
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..", "..")
RES = os.path.join(ROOT, "src", "Neurite", "Resources")
OUT = os.path.join(ROOT, "tests", "Neurite.Tests", "Fixtures", "classical")
PROBA_ROWS = 30


def iris():
    with open(os.path.join(RES, "iris.csv")) as f:
        f.readline()
        rows = [line.strip().split(",") for line in f if line.strip()]
    x = np.array([[np.float32(v) for v in r[:4]] for r in rows], dtype=np.float32).astype(np.float64)
    y = np.array([int(r[4]) for r in rows])
    return x, y


def digits():
    with gzip.open(os.path.join(RES, "digits.csv.gz"), "rt") as f:
        rows = [line.strip().split(",") for line in f if line.strip()]
    x = np.array([[float(v) for v in r[:64]] for r in rows], dtype=np.float64)
    y = np.array([int(r[64]) for r in rows])
    return x, y


def regression():
    rng = np.random.RandomState(20260402)
    n, w, b = 150, np.array([1.5, -2.0, 0.5, 0.0]), 3.0
    x = np.round(rng.normal(0, 1, (n, 4)) * np.array([1.0, 2.0, 0.5, 3.0]), 4)
    y = np.round(x @ w + b + rng.normal(0, 0.5, n), 4)
    with open(os.path.join(OUT, "regression.csv"), "w") as f:
        f.write("x0,x1,x2,x3,y\n")
        for xi, yi in zip(x, y):
            f.write(",".join(f"{v:.4f}" for v in xi) + f",{yi:.4f}\n")
    # read back exactly as written
    data = np.loadtxt(os.path.join(OUT, "regression.csv"), delimiter=",", skiprows=1)
    return data[:, :4], data[:, 4]


def split(n):
    perm = np.random.RandomState(0).permutation(n)
    k = n // 5
    return sorted(perm[k:].tolist()), sorted(perm[:k].tolist())


def r(a, digits=12):
    """Rounded to 12 significant digits: far below the tests' 1e-4, and half the bytes."""
    return np.vectorize(lambda v: float(f"{v:.{digits}g}"))(np.asarray(a, dtype=np.float64)).tolist()


def logistic_gradient(model, x, y):
    """max |∇f| of f = C·Σ −log P(y|x) + ½‖W‖² (intercepts not penalised) at the fitted coefficients."""
    w, b = model.coef_, model.intercept_
    z = x @ w.T + b
    if w.shape[0] == 1:  # binary: P(class 1) = σ(z)
        r = (1 / (1 + np.exp(-z[:, 0])) - (y == model.classes_[1]))[:, None]
    else:
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        r = p / p.sum(axis=1, keepdims=True)
        r[np.arange(len(y)), np.searchsorted(model.classes_, y)] -= 1
    return max(np.abs(model.C * r.T @ x + w).max(), np.abs(model.C * r.sum(axis=0)).max())


def classifier(name, model, settings, x, y, train, test, params):
    model.fit(x[train], y[train])
    entry = {"model": name, "settings": settings,
             "proba": r(model.predict_proba(x[test[:PROBA_ROWS]])),
             "predict": model.predict(x[test]).tolist(),
             "accuracy": float(model.score(x[test], y[test]))}
    for p in params:
        entry[p] = r(getattr(model, p))
    if isinstance(model, LogisticRegression):
        entry["grad_inf"] = float(logistic_gradient(model, x[train], y[train]))
        assert entry["grad_inf"] < 1e-5, (name, settings, entry["grad_inf"])
    return entry


def main():
    warnings.simplefilter("error")  # a convergence or collinearity warning would make a fixture meaningless
    os.makedirs(OUT, exist_ok=True)
    meta = {"sklearn": sklearn.__version__, "numpy": np.__version__}

    x, y = iris()
    train, test = split(len(y))
    models = [
        classifier("logreg", LogisticRegression(C=1.0, solver="newton-cg", tol=1e-8, max_iter=1000, multi_class="multinomial"),
                   {"C": 1.0}, x, y, train, test, ["coef_", "intercept_"]),
        classifier("logreg", LogisticRegression(C=0.05, solver="newton-cg", tol=1e-8, max_iter=1000, multi_class="multinomial"),
                   {"C": 0.05}, x, y, train, test, ["coef_", "intercept_"]),
        classifier("lda", LinearDiscriminantAnalysis(solver="lsqr"), {}, x, y, train, test, ["coef_", "intercept_", "means_", "priors_"]),
        classifier("qda", QuadraticDiscriminantAnalysis(reg_param=0.0), {"reg_param": 0.0}, x, y, train, test, ["means_", "priors_"]),
        classifier("qda", QuadraticDiscriminantAnalysis(reg_param=0.3), {"reg_param": 0.3}, x, y, train, test, ["means_", "priors_"]),
        classifier("gaussian-nb", GaussianNB(), {"var_smoothing": 1e-9}, x, y, train, test, ["theta_", "var_", "class_prior_"]),
        classifier("multinomial-nb", MultinomialNB(alpha=1.0), {"alpha": 1.0}, x, y, train, test, ["feature_log_prob_", "class_log_prior_"]),
    ]
    # binary: versicolor (1) against virginica (2), which overlap, so the optimum is finite even with little penalty
    both = [i for i in range(len(y)) if y[i] > 0]
    tr2, te2 = [i for i in train if y[i] > 0], [i for i in test if y[i] > 0]
    models.append(classifier("logreg-binary", LogisticRegression(C=10.0, solver="newton-cg", tol=1e-6, max_iter=1000),
                             {"C": 10.0}, x, y, tr2, te2, ["coef_", "intercept_"]))
    models.append(classifier("lda-binary", LinearDiscriminantAnalysis(solver="lsqr"), {}, x, y, tr2, te2, ["coef_", "intercept_"]))
    write("iris", {**meta, "train": train, "test": test, "binary_train": tr2, "binary_test": te2, "models": models})
    assert len(both) == 100

    x, y = digits()
    train, test = split(len(y))
    models = [
        classifier("logreg", LogisticRegression(C=0.1, solver="newton-cg", tol=1e-8, max_iter=1000, multi_class="multinomial"),
                   {"C": 0.1}, x, y, train, test, ["intercept_"]),
        classifier("lda", LinearDiscriminantAnalysis(solver="lsqr"), {}, x, y, train, test, ["intercept_"]),
        # sklearn warns "Variables are collinear" from the rank of the unregularised class covariances (constant
        # pixels); reg_param makes every one positive definite, so the fit is well defined.
        quiet(lambda: classifier("qda", QuadraticDiscriminantAnalysis(reg_param=0.1), {"reg_param": 0.1}, x, y, train, test, ["priors_"])),
        classifier("gaussian-nb", GaussianNB(var_smoothing=1e-2), {"var_smoothing": 1e-2}, x, y, train, test, ["class_prior_"]),
        classifier("bernoulli-nb", BernoulliNB(alpha=1.0, binarize=4.0), {"alpha": 1.0, "binarize": 4.0}, x, y, train, test, ["class_log_prior_"]),
        classifier("multinomial-nb", MultinomialNB(alpha=0.5), {"alpha": 0.5}, x, y, train, test, ["class_log_prior_"]),
    ]
    write("digits", {**meta, "train": train, "test": test, "models": models})

    x, y = regression()
    train, test = split(len(y))
    models = []
    for name, model, settings in [("linreg", LinearRegression(), {}),
                                  ("ridge", Ridge(alpha=1.0, solver="cholesky"), {"alpha": 1.0}),
                                  ("ridge", Ridge(alpha=25.0, solver="cholesky"), {"alpha": 25.0})]:
        model.fit(x[train], y[train])
        models.append({"model": name, "settings": settings, "coef_": r(model.coef_), "intercept_": r(model.intercept_),
                       "predict": r(model.predict(x[test])), "r2": float(model.score(x[test], y[test]))})
    # rank-deficient: a fifth column x0 + x1 (the tests add it the same way, in float64); lstsq's minimum-norm answer
    xc = np.column_stack([x, x[:, 0] + x[:, 1]])
    model = LinearRegression().fit(xc[train], y[train])
    assert model.rank_ == 4, model.rank_
    models.append({"model": "linreg", "settings": {"collinear": True}, "coef_": r(model.coef_), "intercept_": r(model.intercept_),
                   "predict": r(model.predict(xc[test])), "r2": float(model.score(xc[test], y[test])), "rank_": int(model.rank_)})
    write("regression", {**meta, "train": train, "test": test, "models": models})


def quiet(f):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Variables are collinear")
        return f()


def write(name, obj):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
