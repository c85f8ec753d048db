"""Fits the example model: a linear model of a flat's monthly rent, by ordinary least squares.

Standard library only, so it runs anywhere python3 does:

    python3 training/train.py            # writes model/linear.json
    python3 training/train.py --check    # exits 1 when model/linear.json is not what this script fits

The data is a small made-up sample; the point is a real model file that score.py loads, not the rent.
"""
import json
import os
import sys

FEATURES = ["floor_area_m2", "rooms", "distance_to_centre_km"]

# floor area (m²), rooms, distance to the centre (km) → monthly rent (EUR)
ROWS = [
    ([35, 1, 1.5], 905.0),
    ([48, 2, 4.0], 1021.0),
    ([52, 2, 0.8], 1219.0),
    ([60, 2, 6.5], 1066.0),
    ([65, 3, 2.0], 1398.0),
    ([72, 3, 9.0], 1205.0),
    ([80, 3, 3.5], 1510.0),
    ([85, 4, 12.0], 1346.0),
    ([95, 4, 5.0], 1716.0),
    ([110, 4, 1.2], 2034.0),
    ([120, 5, 7.5], 1949.0),
    ([140, 5, 15.0], 1977.0),
]

MODEL_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "model", "linear.json")


def solve(matrix, vector):
    """Gaussian elimination with partial pivoting: the normal equations are tiny."""
    n = len(vector)
    a = [row[:] + [vector[i]] for i, row in enumerate(matrix)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(a[r][col]))
        a[col], a[pivot] = a[pivot], a[col]
        for r in range(n):
            if r != col:
                factor = a[r][col] / a[col][col]
                a[r] = [x - factor * y for x, y in zip(a[r], a[col])]
    return [a[i][n] / a[i][i] for i in range(n)]


def fit(rows):
    """Least squares with an intercept: solves (XᵀX) w = Xᵀy."""
    x = [features + [1.0] for features, _ in rows]
    y = [target for _, target in rows]
    width = len(x[0])
    xtx = [[sum(r[i] * r[j] for r in x) for j in range(width)] for i in range(width)]
    xty = [sum(r[i] * t for r, t in zip(x, y)) for i in range(width)]
    *weights, bias = solve(xtx, xty)
    return {
        "features": FEATURES,
        "weights": [round(w, 4) for w in weights],
        "bias": round(bias, 4),
    }


def main(argv):
    model = fit(ROWS)
    if "--check" in argv:
        with open(MODEL_FILE, encoding="utf-8") as f:
            if json.load(f) != model:
                print("model/linear.json is not what training/train.py fits; run it again.", file=sys.stderr)
                return 1
        return 0
    # One field a line, lists on one line: the file reads like a model card and diffs cleanly.
    fields = ",\n".join(f"  {json.dumps(key)}: {json.dumps(value)}" for key, value in model.items())
    with open(MODEL_FILE, "w", encoding="utf-8") as f:
        f.write("{\n" + fields + "\n}\n")
    print(f"wrote {os.path.normpath(MODEL_FILE)}: {model}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
