"""The shipped MNIST-only reader averaged with a pen-trained one, on both yardsticks.

    python -m bench.experiments.ensemble_folds [--epochs N] [--copies 2]
        [--only syn val]
        [--save artifacts/pen_member.keras] [--member artifacts/pen_member.keras]

First the pen member is trained on every dev institution (the shipped recipe,
models/mnist_cnn.json, plus the dev pen digits drawn `--copies` times) and the
average of it and the shipped model reads the test file's writers (never
trained on, never tuned by). Then, per dev institution left out, a pen member
trained without it; the average reads the left-out writers. One JSON line per
step, as each finishes: about 10-15 minutes a training on 2 cores. Each
fold's member is saved next to `--save` (pen_member-without-syn.keras, ...), so
other ways of joining the readers can be measured without training again;
`--member` reads the test file with an all-dev member saved before.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.data.mnist import load_mnist
from mnist_core.data.pen_digits import load_samples, render_pen_digits
from mnist_core.models.card import read_metadata
from mnist_core.models.ensemble import average_models
from mnist_core.models.storage import load_model, save_model
from mnist_core.reading.classifier import Classifier
from mnist_core.reading.handwriting import evaluate_handwriting
from mnist_core.training.config import (
    config_from_record,
    with_overrides,
)
from mnist_core.training.evaluation import evaluate_test_set
from mnist_core.training.loop import train
from tests.support.datasets import DEFAULT_HANDWRITING

TEST_FILE = DEFAULT_HANDWRITING.with_name("unipen-digits-test.json.gz")
HARDEST_FIRST = ["syn", "val", "apb", "apa", "app", "ced", "ibm"]


def readings(models: dict, samples, data) -> dict:
    """Each reader's accuracy and sure-but-wrong on `samples`, and on MNIST."""
    out = {}
    for name, model in models.items():
        classifier = Classifier(model)
        report = evaluate_handwriting(classifier, samples, seed=0)
        out[name] = {
            "accuracy": round(report.accuracy, 4),
            "wrong": int((report.predictions != report.labels).sum()),
            "sure_but_wrong": round(report.sure_but_wrong, 4),
            "by_inst": {
                k: round(v, 4) for k, v in report.accuracy_by(report.insts).items()
            },
            "mnist": round(
                evaluate_test_set(classifier.probabilities, data).accuracy, 4
            ),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--only", nargs="*", default=HARDEST_FIRST)
    parser.add_argument("--save", type=Path, default=Path("artifacts/pen_member.keras"))
    parser.add_argument(
        "--member", type=Path, help="an all-dev pen member saved before"
    )
    args = parser.parse_args()
    record = read_metadata(SHIPPED_MODEL_PATH)
    config = with_overrides(config_from_record(record["config"]), epochs=args.epochs)
    dev, test = load_samples(DEFAULT_HANDWRITING), load_samples(TEST_FILE)
    pen = render_pen_digits(dev, args.copies, config.seed)
    data = load_mnist()
    shipped = load_model(SHIPPED_MODEL_PATH).model
    print(config, f"pen copies {args.copies}", flush=True)
    start = time.perf_counter()
    if args.member:
        member_model = load_model(args.member).model
    else:
        member = train(config, data, pen=pen)
        save_model(member.model, args.save, member.metadata())
        member_model = member.model
    pair = average_models([load_model(SHIPPED_MODEL_PATH).model, member_model])
    step = {"step": "test file", "digits": len(test)}
    readers = {"shipped": shipped, "pen": member_model, "pair": pair}
    step |= readings(readers, test, data)
    step["wall_seconds"] = round(time.perf_counter() - start)
    print(json.dumps(step), flush=True)
    for group in args.only:
        start = time.perf_counter()
        member = train(config, data, pen=pen.without(group))
        fold_path = args.save.with_name(f"{args.save.stem}-without-{group}.keras")
        save_model(member.model, fold_path, member.metadata())
        pair = average_models([load_model(SHIPPED_MODEL_PATH).model, member.model])
        left_out = [s for s in dev if s.inst == group]
        step = {"step": f"without {group}", "digits": len(left_out)}
        step |= readings({"pen": member.model, "pair": pair}, left_out, data)
        step["wall_seconds"] = round(time.perf_counter() - start)
        print(json.dumps(step), flush=True)


if __name__ == "__main__":
    main()
