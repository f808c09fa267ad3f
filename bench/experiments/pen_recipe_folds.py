"""A recipe's pen-digit cross-validation, without training its final model.

    python -m bench.experiments.pen_recipe_folds [--copies 2] [--epochs N]
        [--learn-from K]
        [--only syn val]

The shipped model's recipe (models/mnist_cnn.json) plus the pen digits of
every institution but one, each drawn `--copies` times; one model per
institution left out, which then reads that institution's writers. These are
the folds `handwriting-eval --cross-validate` trains for a model made with
`train --pen-digits … --pen-copies N` and that recipe (the same drawings,
seeds and training), printed one JSON line per fold as each finishes, the
hardest institutions first: about 8 minutes a fold on 2 cores.

`--epochs` shortens the recipe; `--copies 0` is the same recipe on MNIST
alone, the baseline: one model, trained once, reads every institution.
`--learn-from K` trains each fold on K of the other institutions (chosen at
random, the same choice every run): does a new institution gain more when
more institutions are learned from?
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.data.mnist import load_mnist
from mnist_core.data.pen_digits import (
    PenDigits,
    load_samples,
    render_pen_digits,
)
from mnist_core.models.card import read_metadata
from mnist_core.reading.classifier import Classifier
from mnist_core.reading.handwriting import evaluate_handwriting
from mnist_core.training.config import (
    config_from_record,
    with_overrides,
)
from mnist_core.training.loop import train
from tests.support.datasets import DEFAULT_HANDWRITING

HARDEST_FIRST = ["syn", "val", "apb", "apa", "app", "ced", "ibm"]


def learned_from(pen: PenDigits, left_out: str, count: int | None) -> PenDigits:
    """The pen digits of `count` institutions other than `left_out` (all if
    None), the same ones every run."""
    rest = pen.without(left_out)
    if count is None:
        return rest
    rng = np.random.default_rng(sum(map(ord, left_out)))
    chosen = rng.choice(sorted(set(rest.groups.tolist())), count, replace=False)
    keep = np.isin(rest.groups, chosen)
    return rest.where(keep)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--learn-from", type=int, help="K other institutions")
    parser.add_argument("--only", nargs="*", default=HARDEST_FIRST)
    args = parser.parse_args()
    record = read_metadata(SHIPPED_MODEL_PATH)
    config = with_overrides(config_from_record(record["config"]), epochs=args.epochs)
    samples = load_samples(DEFAULT_HANDWRITING)
    pen = render_pen_digits(samples, args.copies, config.seed) if args.copies else None
    data = load_mnist()
    print(config, f"pen copies {args.copies}", flush=True)
    result, digits, right = None, 0, 0
    for group in args.only:
        start = time.perf_counter()
        taught = None if pen is None else learned_from(pen, group, args.learn_from)
        if taught is not None:
            result = train(config, data, pen=taught)
        elif result is None:  # MNIST alone: every fold's model is the same
            result = train(config, data)
        left_out = [s for s in samples if s.inst == group]
        report = evaluate_handwriting(Classifier(result.model), left_out, seed=0)
        fold = {
            "without": group,
            "digits": len(left_out),
            "learned_from": [] if taught is None else sorted(set(taught.groups)),
            "right": int((report.predictions == report.labels).sum()),
            "accuracy": round(report.accuracy, 4),
            "mnist": round(result.test_accuracy, 4),
            "train_seconds": round(result.train_seconds),
            "wall_seconds": round(time.perf_counter() - start),
        }
        print(json.dumps(fold), flush=True)
        digits, right = digits + fold["digits"], right + fold["right"]
    print(json.dumps({"digits": digits, "right": right, "accuracy": right / digits}))


if __name__ == "__main__":
    main()
