"""The command line: `python -m mnist_core train | evaluate | classify`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mnist_core.constants import PROJECT_ROOT, SHIPPED_MODEL_PATH
from mnist_core.errors import MnistError

EXIT_FAILED = 1  # some input could not be handled
EXIT_ERROR = 2  # the command as a whole could not run
DEFAULT_HANDWRITING = (
    PROJECT_ROOT.parent / "shared" / "datasets" / "unipen-digits-dev.json.gz"
)


def _add_train(commands) -> None:
    from mnist_core.training.config import PRESETS, SETTINGS, TrainConfig

    p = commands.add_parser("train", help="train a model and report test loss/accuracy")
    p.add_argument(
        "--preset",
        choices=sorted(PRESETS),
        default="recipe",
        help="starting settings (default: recipe, the tutorial's)",
    )
    defaults = TrainConfig()
    for name, setting in SETTINGS.items():  # one flag per setting, from its field
        flag, default = "--" + name.replace("_", "-"), getattr(defaults, name)
        if isinstance(default, bool):
            kind = dict(action=argparse.BooleanOptionalAction)
        elif setting.choices:
            kind = dict(choices=setting.choices)
        else:
            kind = dict(type=type(default))
        p.add_argument(flag, default=None, help=setting.help, **kind)
    p.add_argument("--out", type=Path, help="save the model here (.keras)")
    p.add_argument("--data", help="mnist.npz or IDX folder (default: $MNIST_PATH)")


def _add_shipped_default_model(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--model",
        type=Path,
        default=None,
        help="a .keras model (default: the shipped model)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m mnist_core", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    _add_train(commands)
    ev = commands.add_parser("evaluate", help="test loss and accuracy of a model")
    ev.add_argument("--model", type=Path, required=True)
    ev.add_argument("--data")
    cl = commands.add_parser(
        "classify", help="classify image files, one JSON line each"
    )
    _add_shipped_default_model(cl)
    cl.add_argument("images", nargs="+", type=Path)
    hw = commands.add_parser(
        "handwriting-eval", help="accuracy on real pen-written digits (UNIPEN)"
    )
    _add_shipped_default_model(hw)
    hw.add_argument(
        "--samples",
        type=Path,
        default=DEFAULT_HANDWRITING,
        help="unipen-digits JSON (default: ../shared/datasets copy)",
    )
    hw.add_argument("--limit", type=int, help="only the first N samples")
    hw.add_argument("--seed", type=int, default=0, help="pen widths and positions")
    hw.add_argument(
        "--record",
        action="store_true",
        help="store the results in the model's metadata sidecar",
    )
    return parser


def _print_epoch(event) -> None:
    from mnist_core.training.events import EpochEvent

    if isinstance(event, EpochEvent):
        print(
            f"Epoch {event.epoch}/{event.epochs} - {event.elapsed:.1f}s - "
            f"loss: {event.loss:.4f} - accuracy: {event.accuracy:.4f} - "
            f"val_loss: {event.val_loss:.4f} - val_accuracy: {event.val_accuracy:.4f}",
            flush=True,
        )


def run_train(args: argparse.Namespace) -> int:
    from mnist_core.data.mnist import load_mnist
    from mnist_core.models.storage import save_model
    from mnist_core.training.config import PRESETS, SETTINGS, with_overrides
    from mnist_core.training.loop import train

    changes = {name: getattr(args, name) for name in SETTINGS}
    config = with_overrides(PRESETS[args.preset], **changes).validate()
    data = load_mnist(args.data)
    result = train(config, data, listener=_print_epoch)
    if args.out:
        save_model(result.model, args.out, result.metadata())
        print(f"saved: {args.out}")
    print(f"loss: {result.test_loss:.4f} accuracy: {result.test_accuracy:.4f}")
    print(f"train_seconds: {result.train_seconds:.1f}")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from mnist_core.data.mnist import load_mnist
    from mnist_core.models.storage import load_model
    from mnist_core.training.evaluation import evaluate

    loaded = load_model(args.model)
    loss, accuracy = evaluate(loaded.model, load_mnist(args.data))
    print(f"loss: {loss:.4f} accuracy: {accuracy:.4f}")
    return 0


def _model_or_shipped(path: Path | None) -> Path:
    if path is not None:
        return path
    if not SHIPPED_MODEL_PATH.is_file():
        raise MnistError(
            f"No model given and the shipped model {SHIPPED_MODEL_PATH} is missing. "
            "Pass --model, or train one: python -m mnist_core train --preset fast "
            f"--out {SHIPPED_MODEL_PATH}"
        )
    return SHIPPED_MODEL_PATH


def run_classify(args: argparse.Namespace) -> int:
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier
    from mnist_core.reading.image_files import read_image

    classifier = Classifier(load_model(_model_or_shipped(args.model)).model)
    failed = False
    for path in args.images:
        line: dict = {"file": str(path)}
        try:
            prediction = classifier.classify(read_image(path))
        except MnistError as exc:
            failed = True
            line["error"] = str(exc)
        else:
            line.update(
                digit=prediction.digit,
                confidence=round(prediction.confidence, 6),
                probabilities=[round(p, 6) for p in prediction.probabilities],
            )
            if prediction.reason:
                line["reason"] = str(prediction.reason)
        print(json.dumps(line), flush=True)
    return EXIT_FAILED if failed else 0


def run_handwriting_eval(args: argparse.Namespace) -> int:
    from mnist_core.models.card import metadata_path, record_metadata
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier
    from mnist_core.reading.handwriting import evaluate_handwriting, load_samples

    path = _model_or_shipped(args.model)
    classifier = Classifier(load_model(path).model)
    samples = load_samples(args.samples)[: args.limit]
    report = evaluate_handwriting(classifier, samples, seed=args.seed)
    print("\n".join(report.lines()))
    if args.record:
        record_metadata(path, "handwriting", report.summary())
        print(f"recorded in: {metadata_path(path)}")
    return 0


COMMANDS = {
    "train": run_train,
    "evaluate": run_evaluate,
    "classify": run_classify,
    "handwriting-eval": run_handwriting_eval,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except MnistError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
