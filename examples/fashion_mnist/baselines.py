#!/usr/bin/python3
"""sklearn baselines on Fashion-MNIST, with settings from the grid that the
Debian package dataset-fashion-mnist ships
(/usr/share/doc/dataset-fashion-mnist/benchmark/baselines.json).

Each setting below picks one value per grid key of its classifier, and the
script checks that every value picked is in that grid. It adds settings the
grid leaves open (max_iter, n_jobs) and random_state=0 wherever the
classifier has one, so that a rerun gives the same accuracies. Every setting
trains on all 60,000 training images (784 intensities in [0, 1], unscaled
otherwise) and is scored on the 10,000 test images; fit and predict are timed
separately, in wall-clock seconds.

The subset, about 10-15 minutes on 2 cores:
  LogisticRegression   C=1.0, multinomial, l2 (lbfgs, max_iter=200)
  MLPClassifier        relu and tanh, one hidden layer of 100 (adam,
                       max_iter=30 epochs)
  SGDClassifier        hinge (the default l2 penalty, max_iter=1000, tol=1e-3)
  Perceptron           l2 (max_iter=1000, tol=1e-3)
  GaussianNB           uniform priors
  DecisionTreeClassifier  gini, best split, max_depth 10 and 50
  RandomForestClassifier  gini, max_depth 50, 100 trees (n_jobs=2)
  KNeighborsClassifier    5 neighbours, distance weights, p=2 (n_jobs=2)

Left out as too slow on 2 cores with 60,000 images: SVC (kernel SVMs),
GaussianProcessClassifier and GradientBoostingClassifier. Also left out:
PassiveAggressiveClassifier, ExtraTreeClassifier and LinearSVC (close
relatives of settings above), and the other values of each grid.

The results go to baselines_results.json (--out) and a Markdown table is
printed. --only NAME runs the settings of one classifier and merges them into
an existing results file.

usage: /usr/bin/python3 examples/fashion_mnist/baselines.py [--only NAME] [--out PATH]
"""
import argparse
import ast
import json
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fmnist import fashion_mnist  # noqa: E402

GRID = "/usr/share/doc/dataset-fashion-mnist/benchmark/baselines.json"
HERE = os.path.dirname(os.path.abspath(__file__))

# (classifier, values from the grid, settings the grid leaves open); one line
# per setting, fastest first.
RUNS = [
    ("GaussianNB", {"priors": [0.1] * 10}, {}),
    ("SGDClassifier", {"loss": "hinge"}, {"max_iter": 1000, "tol": 1e-3}),
    ("Perceptron", {"penalty": "l2"}, {"max_iter": 1000, "tol": 1e-3}),
    ("DecisionTreeClassifier", {"criterion": "gini", "splitter": "best", "max_depth": 10}, {}),
    ("DecisionTreeClassifier", {"criterion": "gini", "splitter": "best", "max_depth": 50}, {}),
    ("LogisticRegression", {"penalty": "l2", "C": 1.0, "multi_class": "multinomial"},
     {"solver": "lbfgs", "max_iter": 200}),
    ("MLPClassifier", {"activation": "relu", "hidden_layer_sizes": "(100,)"}, {"max_iter": 30}),
    ("MLPClassifier", {"activation": "tanh", "hidden_layer_sizes": "(100,)"}, {"max_iter": 30}),
    ("RandomForestClassifier", {"criterion": "gini", "max_depth": 50, "n_estimators": 100}, {"n_jobs": 2}),
    ("KNeighborsClassifier", {"n_neighbors": 5, "weights": "distance", "p": 2}, {"n_jobs": 2}),
]


def estimator_class(name):
    from sklearn import ensemble, linear_model, naive_bayes, neighbors, neural_network, tree
    for module in (linear_model, naive_bayes, tree, ensemble, neural_network, neighbors):
        if hasattr(module, name):
            return getattr(module, name)
    raise KeyError(name)


def check_in_grid(grid, name, picked):
    """Every value picked must be one the grid lists for that key."""
    allowed = {}
    for group in grid["classifiers"][name]:
        for key, values in group.items():
            allowed.setdefault(key, []).extend(values)
    for key, value in picked.items():
        if key not in allowed or value not in allowed[key]:
            sys.exit(f"{name}: {key}={value!r} is not in the grid of {GRID} ({allowed.get(key)})")


def sklearn_params(picked):
    """The grid writes tuples as strings ("(100,)")."""
    return {k: ast.literal_eval(v) if k == "hidden_layer_sizes" else v for k, v in picked.items()}


def run(name, picked, fixed, data):
    from sklearn.exceptions import ConvergenceWarning
    xtr, ytr, xte, yte = data
    cls = estimator_class(name)
    params = {**sklearn_params(picked), **fixed}
    if "random_state" in cls().get_params():
        params["random_state"] = 0
    model = cls(**params)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        t0 = time.perf_counter()
        model.fit(xtr, ytr)
        fit_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    predicted = model.predict(xte)
    predict_s = time.perf_counter() - t0
    converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)
    entry = {
        "classifier": name,
        "grid": picked,
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()},
        "accuracy": float(np.mean(predicted == yte)),
        "fit_s": round(fit_s, 2),
        "predict_s": round(predict_s, 2),
        "converged": converged,
    }
    n_iter = getattr(model, "n_iter_", None)
    if n_iter is not None:
        entry["n_iter"] = int(np.max(n_iter))
    return entry


def setting(entry):
    """A short description of a setting, for the table."""
    shown = {k: v for k, v in entry["params"].items() if k not in ("random_state", "n_jobs", "tol")}
    if shown.get("priors") == [0.1] * 10:
        shown["priors"] = "uniform"
    if "hidden_layer_sizes" in shown:
        shown["hidden_layer_sizes"] = "(" + ",".join(map(str, shown["hidden_layer_sizes"])) + ",)"
    return ", ".join(f"{k}={v}" for k, v in shown.items())


def table(entries):
    lines = ["| classifier | setting | test accuracy | fit | predict |", "|---|---|---|---|---|"]
    for e in entries:
        note = "" if e.get("converged", True) else " (not converged)"
        lines.append(f"| {e['classifier']} | {setting(e)}{note} | {100 * e['accuracy']:.2f}% "
                     f"| {e['fit_s']:.1f} s | {e['predict_s']:.1f} s |")
    return "\n".join(lines)


def main():
    import sklearn
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", metavar="NAME", help="run the settings of this classifier only")
    ap.add_argument("--out", default=os.path.join(HERE, "baselines_results.json"))
    args = ap.parse_args()

    with open(GRID) as f:
        grid = json.load(f)
    runs = [r for r in RUNS if args.only in (None, r[0])]
    if not runs:
        sys.exit(f"--only {args.only}: not one of {sorted({r[0] for r in RUNS})}")
    for name, picked, _ in runs:
        check_in_grid(grid, name, picked)

    results = {"entries": []}
    if args.only and os.path.exists(args.out):
        with open(args.out) as f:
            results = json.load(f)
    results.update({
        "grid": GRID,
        "sklearn": sklearn.__version__,
        "numpy": np.__version__,
        "cpu_count": os.cpu_count(),
        "train_images": 60000,
        "test_images": 10000,
    })

    data = fashion_mnist()
    for name, picked, fixed in runs:
        print(f"{name} {picked} ...", file=sys.stderr, flush=True)
        entry = run(name, picked, fixed, data)
        print(f"  {100 * entry['accuracy']:.2f}%  fit {entry['fit_s']:.1f} s  predict {entry['predict_s']:.1f} s",
              file=sys.stderr, flush=True)
        same = [i for i, e in enumerate(results["entries"])
                if e["classifier"] == name and e["grid"] == picked]
        if same:
            results["entries"][same[0]] = entry
        else:
            results["entries"].append(entry)
        # in the order of RUNS, whatever order --only filled them in
        order = {(n, json.dumps(p, sort_keys=True)): i for i, (n, p, _) in enumerate(RUNS)}
        results["entries"].sort(key=lambda e: order.get((e["classifier"], json.dumps(e["grid"], sort_keys=True)),
                                                        len(RUNS)))
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)
            f.write("\n")

    print(f"sklearn {results['sklearn']}, {results['cpu_count']} CPUs, 60,000 training and 10,000 test images\n")
    print(table(results["entries"]))


if __name__ == "__main__":
    main()
