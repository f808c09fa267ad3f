"""The command line: `python -m mnist_core train | evaluate | classify |
handwriting-eval | average`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.errors import MnistError

EXIT_FAILED = 1  # some input could not be handled
EXIT_ERROR = 2  # the command as a whole could not run
# handwriting-eval's --samples when the command line names none.
HANDWRITING_PATH_ENV = "MNIST_HANDWRITING_PATH"
# Other writers, never trained or tuned on: the second yardstick of
# --cross-validate (UNIPEN's unipen-digits-test.json.gz in a dev checkout).
HANDWRITING_TEST_ENV = "MNIST_HANDWRITING_TEST_PATH"
NO_SAMPLES = (
    "handwriting-eval needs pen-written digits (a unipen-digits JSON file): pass "
    f"--samples FILE or set ${HANDWRITING_PATH_ENV}."
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
    p.add_argument(
        "--pen-digits",
        type=Path,
        help="also learn from these pen-written digits (unipen-digits JSON)",
    )
    p.add_argument(
        "--pen-copies",
        type=int,
        default=2,
        help="how many times each pen digit is drawn (pen, size, place vary)",
    )
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
        default=None,
        help=f"unipen-digits JSON (default: ${HANDWRITING_PATH_ENV})",
    )
    hw.add_argument("--limit", type=int, help="only the first N samples")
    hw.add_argument("--seed", type=int, default=0, help="pen widths and positions")
    hw.add_argument(
        "--record",
        action="store_true",
        help="store the results in the model's metadata sidecar",
    )
    hw.add_argument(
        "--cross-validate",
        action="store_true",
        help="train the model's recipe once per institution left out and read "
        "the left-out writers (a model trained on MNIST alone needs no training)",
    )
    hw.add_argument(
        "--test",
        type=Path,
        default=None,
        help="with --cross-validate, also read these other writers with the "
        f"model as given (default: ${HANDWRITING_TEST_ENV}; never train on them)",
    )
    hw.add_argument("--data", help="MNIST for --cross-validate (default: $MNIST_PATH)")
    av = commands.add_parser(
        "average", help="join models into one whose answer is their average"
    )
    av.add_argument("models", nargs="+", type=Path, help="two or more .keras models")
    av.add_argument("--out", type=Path, required=True, help="the joined model (.keras)")
    av.add_argument("--data", help="MNIST to measure it on (default: $MNIST_PATH)")
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
    pen, about_pen = _pen_digits(args, config.seed)
    result = train(config, data, listener=_print_epoch, pen=pen)
    if args.out:
        save_model(result.model, args.out, {**result.metadata(), **about_pen})
        print(f"saved: {args.out}")
    print(f"loss: {result.test_loss:.4f} accuracy: {result.test_accuracy:.4f}")
    print(f"train_seconds: {result.train_seconds:.1f}")
    return 0


def _pen_digits(args: argparse.Namespace, seed: int):
    """The pen digits `train` was asked to learn from, and what the sidecar says
    of them; (None, {}) without --pen-digits."""
    if args.pen_digits is None:
        return None, {}
    from mnist_core.data.pen_digits import load_samples, render_pen_digits

    if not 1 <= args.pen_copies <= 20:
        raise MnistError("--pen-copies must be between 1 and 20.")
    samples = load_samples(args.pen_digits)
    pen = render_pen_digits(samples, args.pen_copies, seed)
    print(f"pen digits: {len(pen.y)} drawings of {len(samples)} samples", flush=True)
    return pen, {"pen_digits": {"file": args.pen_digits.name, **pen.about()}}


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
    from mnist_core.reading.digit_check import load_check_for
    from mnist_core.reading.image_files import read_image

    path = _model_or_shipped(args.model)
    classifier = Classifier(load_model(path).model, digit_check=load_check_for(path))
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
    from mnist_core.data.pen_digits import load_samples
    from mnist_core.models.card import ModelCard, metadata_path, record_metadata
    from mnist_core.models.storage import load_model
    from mnist_core.reading.classifier import Classifier
    from mnist_core.reading.digit_check import load_check_for
    from mnist_core.reading.handwriting import evaluate_handwriting

    samples_path = _samples_path(args.samples)  # before the slow model load
    path = _model_or_shipped(args.model)
    loaded = load_model(path)
    card = ModelCard.from_metadata(loaded.metadata)
    samples = load_samples(samples_path)[: args.limit]
    if args.cross_validate:
        result = _cross_validate(loaded, card, samples, args)
        result = _with_test_writers(loaded, result, args)
        print("\n".join(result.lines()))
        summary = result.summary()
    else:
        classifier = Classifier(loaded.model, card.temperature, load_check_for(path))
        report = evaluate_handwriting(classifier, samples, seed=args.seed)
        print("\n".join(report.lines()))
        if card.pen_digits:
            print(LEARNED_FROM_THEM)
        summary = report.summary()
    if args.record:
        if card.pen_digits and not args.cross_validate:
            raise MnistError(LEARNED_FROM_THEM + " Nothing was recorded.")
        record_metadata(path, "handwriting", summary)
        print(f"recorded in: {metadata_path(path)}")
    return 0


def _samples_path(given: Path | None) -> Path:
    """--samples, else $MNIST_HANDWRITING_PATH (a shipped CLI has no dev path)."""
    if given is not None:
        return given
    if os.environ.get(HANDWRITING_PATH_ENV):
        return Path(os.environ[HANDWRITING_PATH_ENV])
    raise MnistError(NO_SAMPLES)


def _with_test_writers(loaded, result, args: argparse.Namespace):
    """The cross-validation, and the test file's writers read by the model as
    given (trained on every dev digit), when a test file is named."""
    from mnist_core.data.pen_digits import load_samples
    from mnist_core.reading.classifier import Classifier
    from mnist_core.training.cross_validation import BothYardsticks, read_test_writers

    path = args.test or os.environ.get(HANDWRITING_TEST_ENV)
    if not path:
        return result
    test = read_test_writers(
        Classifier(loaded.model), load_samples(path), result.temperature, args.seed
    )
    return BothYardsticks(result, test)


LEARNED_FROM_THEM = (
    "note: this model learned from pen-written digits, so these numbers are not "
    "about new writers; --cross-validate measures its recipe on writers left out."
)


def _cross_validate(loaded, card, samples, args: argparse.Namespace):
    """Left-out-writer numbers for the model's own training recipe; for an
    averaged model, its pen-trained member's recipe, joined each time with
    the members that learned from MNIST alone."""
    from mnist_core.data.mnist import load_mnist
    from mnist_core.data.pen_digits import render_pen_digits
    from mnist_core.reading.classifier import Classifier
    from mnist_core.reading.handwriting import evaluate_handwriting
    from mnist_core.training.config import config_from_record
    from mnist_core.training.cross_validation import cross_validate, unseen_writers

    if not card.pen_digits:
        report = evaluate_handwriting(Classifier(loaded.model), samples, args.seed)
        return unseen_writers(report)
    recipe, join = card, None
    if card.members:
        recipe, join = _pen_member(loaded, card)
    config = config_from_record(recipe.config)
    pen = render_pen_digits(samples, recipe.pen_digits["copies"], config.seed)
    data = load_mnist(args.data)
    return cross_validate(config, data, samples, pen, args.seed, log=print, join=join)


def _pen_member(loaded, card):
    """An averaged model's one pen-trained member's card, and how a model
    trained by its recipe takes its place among the other members."""
    from mnist_core.models.ensemble import average_models, members_of

    slots = [i for i, member in enumerate(card.members) if member.pen_digits]
    if len(slots) != 1:
        raise MnistError(
            "--cross-validate retrains one member that learned from pen digits; "
            "this model has {count}.",
            count=len(slots),
        )
    members, slot = members_of(loaded.model), slots[0]

    def join(trained):
        return average_models([*members[:slot], trained, *members[slot + 1 :]])

    return card.members[slot], join


def run_average(args: argparse.Namespace) -> int:
    import shutil

    from mnist_core.data.mnist import load_mnist
    from mnist_core.models.card import read_metadata
    from mnist_core.models.ensemble import average_models
    from mnist_core.models.storage import load_model, save_model
    from mnist_core.reading.digit_check import check_path
    from mnist_core.training.evaluation import evaluate

    if len(args.models) < 2:
        raise MnistError("average needs two or more models; got {count}.",
                         count=len(args.models))  # fmt: skip
    joined = average_models([load_model(path).model for path in args.models])
    loss, accuracy = evaluate(joined, load_mnist(args.data))
    members = [_as_member(read_metadata(path)) for path in args.models]
    about = {"members": members, "test_loss": loss, "test_accuracy": accuracy}
    pen = next((m["pen_digits"] for m in members if m.get("pen_digits")), None)
    save_model(joined, args.out, about | ({"pen_digits": pen} if pen else {}))
    # The first member keeps its layers' names: its digit check still applies.
    if check_path(args.models[0]).exists():
        shutil.copyfile(check_path(args.models[0]), check_path(args.out))
    print(f"saved: {args.out}")
    print(f"loss: {loss:.4f} accuracy: {accuracy:.4f}")
    return 0


# What a member's sidecar says that stays true inside the joined model (its
# numbers on pen digits are its own, not the average's).
MEMBER_FACTS = ("architecture", "config", "pen_digits", "test_accuracy",
                "train_seconds", "data_fingerprint", "created")  # fmt: skip


def _as_member(metadata: dict) -> dict:
    return {key: metadata[key] for key in MEMBER_FACTS if key in metadata}


COMMANDS = {
    "train": run_train,
    "evaluate": run_evaluate,
    "classify": run_classify,
    "handwriting-eval": run_handwriting_eval,
    "average": run_average,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except MnistError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ERROR
