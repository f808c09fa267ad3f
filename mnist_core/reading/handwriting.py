"""How well a classifier reads pen-written digits drawn on the canvas.

Every sample is drawn as a person would (data.pen_digits) and read through
exactly the Draw page's pipeline (`Classifier.classify`). The numbers mean
something only for writers the model did not learn from: a model trained on
these digits is measured by training.cross_validation instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from mnist_core.constants import NUM_CLASSES
from mnist_core.data.pen_digits import Sample, draw_like_a_person, sample_rng
from mnist_core.reading.calibration import (
    expected_calibration_error,
    fit_temperature,
    with_temperature,
)
from mnist_core.reading.classifier import SURE_ABOVE, Classifier

NO_DIGIT = -1  # the prediction recorded for a drawing judged empty


@dataclass(frozen=True)
class HandwritingReport:
    """Every drawing's probabilities, its true digit and its writer's institution."""

    labels: np.ndarray  # (N,)
    predictions: np.ndarray  # (N,) the digit read; NO_DIGIT where judged empty
    # or not a digit
    probabilities: np.ndarray  # (N, 10); uniform where the drawing was judged empty
    insts: np.ndarray  # (N,)

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.labels == self.predictions))

    @property
    def sure_but_wrong(self) -> float:
        """Share of drawings read as a wrong digit at or above the "not sure" line."""
        sure = self.probabilities.max(axis=1) >= SURE_ABOVE
        read = self.predictions != NO_DIGIT
        return float(np.mean(sure & read & (self.predictions != self.labels)))

    @property
    def calibration_error(self) -> float:
        return expected_calibration_error(self.probabilities, self.labels)

    def accuracy_by(self, keys: np.ndarray) -> dict:
        return {
            k: float(np.mean(self.labels[keys == k] == self.predictions[keys == k]))
            for k in sorted(set(keys.tolist()))
        }

    def confusions(self, top: int = 10) -> list[tuple[int, int, int]]:
        """(true, predicted, count) of the commonest mistakes."""
        wrong = self.labels != self.predictions
        pairs = Counter(
            zip(
                self.labels[wrong].tolist(),
                self.predictions[wrong].tolist(),
                strict=True,
            )
        )
        return [(t, p, n) for (t, p), n in pairs.most_common(top)]

    def summary(self) -> dict:
        """Plain data for a model's sidecar and the app's claims."""
        return {
            "samples": len(self.labels),
            "accuracy": round(self.accuracy, 4),
            "sure_but_wrong": round(self.sure_but_wrong, 4),
            "by_inst": {
                k: round(v, 4) for k, v in self.accuracy_by(self.insts).items()
            },
        }

    def lines(self) -> list[str]:
        """The report as printed by `python -m mnist_core handwriting-eval`."""
        out = [f"samples: {len(self.labels)}", f"accuracy: {self.accuracy:.4f}"]
        out.append(f"sure but wrong: {self.sure_but_wrong:.4f}")
        out.append(f"judged no digit: {int(np.sum(self.predictions == NO_DIGIT))}")
        out.append(f"calibration error: {self.calibration_error:.4f}")
        out += [f"digit {d}: {a:.4f}" for d, a in self.accuracy_by(self.labels).items()]
        out += [f"inst {i}: {a:.4f}" for i, a in self.accuracy_by(self.insts).items()]
        out += [f"confusion {t} -> {p}: {n}" for t, p, n in self.confusions()]
        return out


def join_reports(reports: list[HandwritingReport]) -> HandwritingReport:
    """One report over several (e.g. every left-out institution's)."""
    return HandwritingReport(
        *(
            np.concatenate([getattr(r, name) for r in reports])
            for name in ("labels", "predictions", "probabilities", "insts")
        )
    )


def evaluate_handwriting(
    classifier: Classifier, samples: list[Sample], seed: int = 0
) -> HandwritingReport:
    """Draw every sample on a canvas and classify it through the app's pipeline."""
    uniform = (1.0 / NUM_CLASSES,) * NUM_CLASSES
    predictions, probabilities = [], []
    for sample in samples:
        drawing = draw_like_a_person(sample, sample_rng(sample, seed))
        prediction = classifier.classify(drawing)
        predictions.append(NO_DIGIT if prediction.digit is None else prediction.digit)
        probabilities.append(prediction.probabilities or uniform)
    return HandwritingReport(
        np.array([s.label for s in samples]),
        np.array(predictions),
        np.array(probabilities, np.float64).reshape(-1, NUM_CLASSES),
        np.array([s.inst for s in samples]),
    )


def calibrate(report: HandwritingReport) -> tuple[HandwritingReport, float]:
    """The readings with calibrated confidence, and the temperature for new
    writers (fitted on all of them).

    Each institution's confidence is scaled by a temperature fitted on the
    other institutions only, so the calibration too is measured on writers it
    was not fitted on.
    """
    scaled = report.probabilities.copy()
    for inst in sorted(set(report.insts.tolist())):
        here = report.insts == inst
        fit_on = ~here if (~here).any() else here
        temperature = fit_temperature(
            report.probabilities[fit_on], report.labels[fit_on]
        )
        scaled[here] = with_temperature(report.probabilities[here], temperature)
    calibrated = HandwritingReport(
        report.labels, report.predictions, scaled, report.insts
    )
    return calibrated, fit_temperature(report.probabilities, report.labels)
