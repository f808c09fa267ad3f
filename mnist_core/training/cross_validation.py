"""Honest numbers on pen-written digits: every writer is read by a model that
never learned from them.

The pen digits come from a handful of institutions, each with its own writers.
For each institution, a model is trained with the same recipe on MNIST and the
other institutions' digits, then reads the left-out institution's. Together
the left-out readings say how the recipe does on people it has never seen,
which is what a user is. The same readings calibrate the confidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mnist_core.data.mnist import MnistData
from mnist_core.data.pen_digits import PenDigits, Sample
from mnist_core.reading.calibration import with_temperature
from mnist_core.reading.classifier import Classifier
from mnist_core.reading.handwriting import (
    HandwritingReport,
    calibrate,
    evaluate_handwriting,
    join_reports,
)
from mnist_core.training.config import TrainConfig
from mnist_core.training.evaluation import evaluate_test_set
from mnist_core.training.loop import train

if TYPE_CHECKING:
    import keras

METHOD = "writers left out: one model per institution, trained without it"
UNSEEN = "writers left out: the model learned from MNIST alone"
DETAILS = ("digit ", "inst ", "confusion ")  # report lines kept as they are
# An institution of a handful of digits says little on its own: the lowest
# one named is among those with at least this many.
LOWEST_AMONG = 100


@dataclass(frozen=True)
class CrossValidation:
    """The left-out readings, raw and with calibrated confidence."""

    raw: HandwritingReport
    calibrated: HandwritingReport  # each fold's temperature fitted on the others
    temperature: float  # fitted on every left-out reading: for the final model
    mnist_accuracy: dict  # institution left out -> that model's MNIST accuracy
    method: str = METHOD

    def lines(self) -> list[str]:
        """What `handwriting-eval --cross-validate` prints."""
        raw, calibrated = self.raw, self.calibrated
        details = [line for line in calibrated.lines() if line.startswith(DETAILS)]
        return [
            f"method: {self.method}",
            f"samples: {len(raw.labels)}",
            f"accuracy: {raw.accuracy:.4f}",
            f"sure but wrong: {calibrated.sure_but_wrong:.4f} "
            f"(before calibration: {raw.sure_but_wrong:.4f})",
            f"calibration error: {calibrated.calibration_error:.4f} "
            f"(before: {raw.calibration_error:.4f}; "
            f"temperature {self.temperature:.3f})",
            *details,
            *(f"mnist without {g}: {a:.4f}" for g, a in self.mnist_accuracy.items()),
        ]

    def summary(self) -> dict:
        """For the model's sidecar: the numbers the app may claim."""
        return {
            **self.calibrated.summary(),
            "method": self.method,
            "temperature": round(self.temperature, 4),
            "calibration_error_before": round(self.raw.calibration_error, 4),
            "calibration_error_after": round(self.calibrated.calibration_error, 4),
        }


def cross_validate(
    config: TrainConfig,
    data: MnistData,
    samples: list[Sample],
    pen: PenDigits,
    seed: int = 0,
    log: Callable[[str], None] = lambda line: None,
    join: Callable[[keras.Model], keras.Model] | None = None,
) -> CrossValidation:
    """Train one model per institution left out and read its writers' digits.

    Args:
        pen: the training drawings of every sample (data.pen_digits); each
            fold trains on those of the other institutions only.
        seed: the evaluation drawings' pens and places, as handwriting-eval.
        join: what each fold's model becomes before it reads; for an averaged
            model, the fold's member joined with the members that learned
            from no pen digit (they need no fold of their own).
    """
    reports, mnist = [], {}
    for group in sorted({s.inst for s in samples}):
        result = train(config, data, pen=pen.without(group))
        reader = Classifier(result.model if join is None else join(result.model))
        left_out = [s for s in samples if s.inst == group]
        reports.append(evaluate_handwriting(reader, left_out, seed))
        mnist[group] = (
            result.test_accuracy
            if join is None
            else evaluate_test_set(reader.probabilities, data).accuracy
        )
        log(f"without {group}: {reports[-1].accuracy:.4f} on its {len(left_out)}")
    raw = join_reports(reports)
    return CrossValidation(raw, *calibrate(raw), mnist)


@dataclass(frozen=True)
class BothYardsticks:
    """A recipe judged two ways: the dev file's institutions, each left out in
    turn, and the test file's other institutions, read by the candidate
    trained on every dev digit (never trained or tuned on the test file)."""

    dev: CrossValidation
    test: HandwritingReport  # with the temperature fitted on the dev readings

    def lines(self) -> list[str]:
        """Side by side, after the dev lines: dev | test | the two pooled."""
        dev, test = self.dev.calibrated, self.test
        pooled = join_reports([dev, test])
        columns = (("dev, left out", dev), ("test file", test), ("pooled", pooled))

        def row(name: str, value) -> str:
            return f"{name}: " + " | ".join(value(report) for _, report in columns)

        def lowest(report: HandwritingReport) -> str:
            counts = Counter(report.insts.tolist())
            big = {
                inst: accuracy
                for inst, accuracy in report.accuracy_by(report.insts).items()
                if counts[inst] >= LOWEST_AMONG
            }
            if not big:
                return "-"
            inst, accuracy = min(big.items(), key=lambda kv: kv[1])
            return f"{inst} {accuracy:.4f}"

        return [
            *self.dev.lines(),
            row("yardstick", lambda r: f"{len(r.labels)} digits"),
            "columns: " + " | ".join(name for name, _ in columns),
            row("both accuracy", lambda r: f"{r.accuracy:.4f}"),
            row(f"both lowest institution (>= {LOWEST_AMONG} digits)", lowest),
            row("both sure but wrong", lambda r: f"{r.sure_but_wrong:.4f}"),
            row("both calibration error", lambda r: f"{r.calibration_error:.4f}"),
        ]

    def summary(self) -> dict:
        """The dev summary, with the test file's numbers under "test"."""
        test = self.test.summary()
        test["calibration_error"] = round(self.test.calibration_error, 4)
        return {**self.dev.summary(), "test": test}


def read_test_writers(
    classifier: Classifier, samples: list[Sample], temperature: float, seed: int = 0
) -> HandwritingReport:
    """The test file's writers, read by the candidate with the temperature
    fitted on the dev file's left-out readings."""
    report = evaluate_handwriting(classifier, samples, seed)
    scaled = with_temperature(report.probabilities, temperature)
    return HandwritingReport(report.labels, report.predictions, scaled, report.insts)


def unseen_writers(report: HandwritingReport) -> CrossValidation:
    """The same numbers for a model that learned from no pen-written digit:
    every writer is already left out, so no model need be trained."""
    return CrossValidation(report, *calibrate(report), {}, method=UNSEEN)
