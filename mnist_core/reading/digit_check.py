"""Does a drawing look like a digit at all? The model's evidence and the ink's.

A classifier always names one of ten digits, even for a scribble. This check
asks how far the drawing is from every digit the model has seen, at four depths
of the network: at each, the activations (pooled over the picture) are compared
with each digit's average by a Mahalanobis distance (Lee et al., 2018), with
the spread measured on MNIST's training digits and the pen digits (at the
deepest layer also with each digit's own spread). Two facts about the ink join
them: a stroke far broader than a pen's (a patch coloured in) and far more ink
than a digit holds (a scribble). Each of the seven scores is put on the scale
of real digits (log, then z); a weighted sum of them is the evidence, the
weights learned (a logistic regression, none below zero) from real digits
against practice non-digits (data.practice_non_digits). The line is the sum
that only REFUSED_SHARE of the dev pen digits exceed, as the Draw page draws
them. The non-digits it is measured on (data.non_digits) choose nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from mnist_core.constants import NUM_CLASSES
from mnist_core.errors import Message

# The shipped architectures' layers, shallow to deep, whose activations are compared.
LAYERS = ("conv1_relu", "conv2_relu", "pool2", "dense_bn")
# The Gaussians compared: (layer, whether each digit has its own covariance).
# The deepest layer is compared both ways: one shared spread, and each digit's own.
GAUSSIANS = ((0, False), (1, False), (2, False), (3, False), (3, True))
REFUSED_SHARE = 0.004  # real dev pen digits the line may refuse (the aim: < 0.5 %)
SHRINKAGE = 1e-2  # ridge on each covariance, as a share of its mean variance
CLASS_SHRINKAGE = 5e-2  # the same for one digit's own (fewer samples: more ridge)
# L2 penalty on the scores' weights, the strongest of the three tried (0.002,
# 0.007, 0.02; docs/not-a-digit.md): the practice drawings are no one's.
WEIGHT_RIDGE = 0.02
NOT_A_DIGIT = Message(
    "That does not look like a digit. Draw one digit, 0 to 9, large, in the middle."
)


def check_path(model_path: str | Path) -> Path:
    """Where a model file's digit check is kept: beside it."""
    return Path(model_path).with_suffix(".digits.npz")


def load_check_for(model_path: str | Path) -> DigitCheck | None:
    """The digit check fitted for this model file, or None if it has none."""
    path = check_path(model_path)
    return DigitCheck.load(path) if path.exists() else None


def ink_scores(pixels: np.ndarray, stroke_ratios: np.ndarray) -> np.ndarray:
    """(N, 2): stroke width over the drawing's size, and ink pixels in 28x28."""
    ink = (np.asarray(pixels).reshape(len(pixels), -1) > 0.5).sum(axis=1)
    return np.column_stack([stroke_ratios, ink]).astype(np.float64)


@dataclass(frozen=True)
class DigitCheck:
    """Per Gaussian (GAUSSIANS): each digit's mean activation and a precision
    matrix, shared or each digit's own; then how real digits' scores spread,
    each score's weight, and the line."""

    centres: tuple[np.ndarray, ...]  # per Gaussian (10, D)
    precisions: tuple[np.ndarray, ...]  # per Gaussian (D, D) or (10, D, D)
    mean: np.ndarray  # of the log scores of real digits
    scale: np.ndarray
    weights: np.ndarray  # (7,) per score, none negative
    threshold: float

    def distances(self, features: list[np.ndarray]) -> np.ndarray:
        """(N, Gaussians): each drawing's distance to its nearest digit, per
        Gaussian; `features` are the pooled activations of LAYERS
        (Classifier.layer_features)."""
        out = []
        for (layer, _), centres, precision in zip(
            GAUSSIANS, self.centres, self.precisions, strict=True
        ):
            x = np.asarray(features[layer], np.float64)
            squared = np.full(len(x), np.inf)
            for k, centre in enumerate(centres):
                gap = x - centre
                p = precision[k] if precision.ndim == 3 else precision
                squared = np.minimum(squared, ((gap @ p) * gap).sum(axis=1))
            out.append(np.sqrt(np.maximum(squared, 0.0)))
        return np.column_stack(out)

    def raw_scores(
        self, features: list[np.ndarray], pixels: np.ndarray, stroke_ratios
    ) -> np.ndarray:
        """(N, 7): the Gaussians' distances, then the ink's two scores."""
        return np.column_stack(
            [self.distances(features), ink_scores(pixels, np.asarray(stroke_ratios))]
        )

    def standard(self, raw_scores: np.ndarray) -> np.ndarray:
        """(N, 7) raw scores on the scale of real digits (log, then z)."""
        return (np.log1p(np.maximum(raw_scores, 0.0)) - self.mean) / self.scale

    def evidence(self, raw_scores: np.ndarray) -> np.ndarray:
        """(N, 7) raw scores -> one number each; above `threshold`: no digit."""
        return self.standard(raw_scores) @ self.weights

    def score(
        self, features: list[np.ndarray], pixels: np.ndarray, stroke_ratios
    ) -> np.ndarray:
        return self.evidence(self.raw_scores(features, pixels, stroke_ratios))

    def save(self, path: str | Path) -> None:
        arrays = {f"centres{i}": c for i, c in enumerate(self.centres)}
        arrays |= {f"precision{i}": p for i, p in enumerate(self.precisions)}
        np.savez_compressed(
            path,
            mean=self.mean,
            scale=self.scale,
            weights=self.weights,
            threshold=np.float64(self.threshold),
            **{k: v.astype(np.float32) for k, v in arrays.items()},
        )

    @classmethod
    def load(cls, path: str | Path) -> DigitCheck:
        with np.load(path) as data:
            made = range(len(GAUSSIANS))
            return cls(
                tuple(data[f"centres{i}"].astype(np.float64) for i in made),
                tuple(data[f"precision{i}"].astype(np.float64) for i in made),
                data["mean"],
                data["scale"],
                data["weights"],
                float(data["threshold"]),
            )


def _precision(gaps: np.ndarray, shrinkage: float) -> np.ndarray:
    covariance = gaps.T @ gaps / len(gaps)
    ridge = shrinkage * np.trace(covariance) / len(covariance)
    return np.linalg.inv(covariance + ridge * np.eye(len(covariance)))


def fit_layers(
    features: list[np.ndarray], labels: np.ndarray
) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Each Gaussian's class means and (ridged) precision from real digits."""
    centres, precisions = [], []
    for layer, own in GAUSSIANS:
        x = np.asarray(features[layer], np.float64)
        means = np.stack([x[labels == k].mean(axis=0) for k in range(NUM_CLASSES)])
        gaps = x - means[labels]
        if own:
            precision = np.stack(
                [
                    _precision(gaps[labels == k], CLASS_SHRINKAGE)
                    for k in range(NUM_CLASSES)
                ]
            )
        else:
            precision = _precision(gaps, SHRINKAGE)
        precisions.append(precision)
        centres.append(means)
    return tuple(centres), tuple(precisions)


def fit_weights(real: np.ndarray, practice: np.ndarray) -> np.ndarray:
    """Each standard score's weight, none below zero: an L2-penalised logistic
    regression of practice non-digits (1) against real digits (0), each
    class counting as much as the other. A score can only add evidence."""
    columns = real.shape[1]

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, bias = params[:-1], params[-1]
        total, gradient = WEIGHT_RIDGE / 2 * w @ w, np.append(WEIGHT_RIDGE * w, 0.0)
        for x, label in ((real, 0.0), (practice, 1.0)):
            z = x @ w + bias
            # log(1 + e^z) - label * z, and its slope, stably
            total += np.mean(np.logaddexp(0.0, z) - label * z) / 2
            slope = (1.0 / (1.0 + np.exp(-z)) - label) / (2 * len(x))
            gradient += np.append(x.T @ slope, slope.sum())
        return float(total), gradient

    bounds = [(0.0, None)] * columns + [(None, None)]
    start = np.append(np.ones(columns), 0.0)
    fitted = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return fitted.x[:-1]


def fit_digit_check(
    train_features: list[np.ndarray],
    train_labels: np.ndarray,
    drawn: tuple[list[np.ndarray], np.ndarray, np.ndarray],
    practice: tuple[list[np.ndarray], np.ndarray, np.ndarray] | None = None,
    refused_share: float = REFUSED_SHARE,
) -> DigitCheck:
    """A check whose Gaussians come from `train_*` (MNIST and pen digits), its
    scale and its line from the real digits `drawn` as the Draw page draws
    them, and its weights from them against the `practice` non-digits (each:
    features, pixels, stroke ratios); without practice, every score weighs 1."""
    centres, precisions = fit_layers(train_features, train_labels)
    ones = np.ones(len(GAUSSIANS) + 2)
    half = DigitCheck(centres, precisions, np.zeros(1), np.ones(1), ones, 0.0)
    raw = half.raw_scores(*drawn)
    logs = np.log1p(np.maximum(raw, 0.0))
    mean, scale = logs.mean(axis=0), logs.std(axis=0) + 1e-9
    scaled = DigitCheck(centres, precisions, mean, scale, ones, 0.0)
    weights = ones
    if practice is not None:
        real = scaled.standard(raw)
        weights = fit_weights(real, scaled.standard(scaled.raw_scores(*practice)))
    check = DigitCheck(centres, precisions, mean, scale, weights, 0.0)
    line = float(np.quantile(check.evidence(raw), 1.0 - refused_share))
    return DigitCheck(centres, precisions, mean, scale, weights, line)
