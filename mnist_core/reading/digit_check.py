"""Does a drawing look like a digit at all? The model's evidence and the ink's.

A classifier always names one of ten digits, even for a scribble. This check
asks how far the drawing is from every digit the model has seen, at four depths
of the network: at each, the activations (pooled over the picture) are compared
with each digit's average by a Mahalanobis distance (Lee et al., 2018), with
the spread measured on MNIST's training digits and the pen digits (at the
deepest layer also with each digit's own spread). Two facts
about the ink join them: a stroke far broader than a pen's (a patch coloured
in) and far more ink than a digit holds (a scribble). Each of the seven scores is
put on the scale of real digits (log, then z) and they are summed; the line is
the sum that only REFUSED_SHARE of the dev pen digits exceed, as the Draw page
draws them. Only real digits choose it (bench/not_a_digit.py), never the
non-digits it is measured on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

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
    and the line."""

    centres: tuple[np.ndarray, ...]  # per Gaussian (10, D)
    precisions: tuple[np.ndarray, ...]  # per Gaussian (D, D) or (10, D, D)
    mean: np.ndarray  # of the log scores of real digits
    scale: np.ndarray
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

    def evidence(self, raw_scores: np.ndarray) -> np.ndarray:
        """(N, 7) raw scores -> one number each; above `threshold`: no digit."""
        logs = np.log1p(np.maximum(raw_scores, 0.0))
        return ((logs - self.mean) / self.scale).sum(axis=1)

    def score(
        self, features: list[np.ndarray], pixels: np.ndarray, stroke_ratios
    ) -> np.ndarray:
        raw = np.column_stack(
            [self.distances(features), ink_scores(pixels, np.asarray(stroke_ratios))]
        )
        return self.evidence(raw)

    def save(self, path: str | Path) -> None:
        arrays = {f"centres{i}": c for i, c in enumerate(self.centres)}
        arrays |= {f"precision{i}": p for i, p in enumerate(self.precisions)}
        np.savez_compressed(
            path,
            mean=self.mean,
            scale=self.scale,
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


def fit_digit_check(
    train_features: list[np.ndarray],
    train_labels: np.ndarray,
    drawn_features: list[np.ndarray],
    drawn_pixels: np.ndarray,
    drawn_stroke_ratios: np.ndarray,
    refused_share: float = REFUSED_SHARE,
) -> DigitCheck:
    """A check from real digits only: the Gaussians from `train_*` (MNIST and
    pen digits), the scale and the line from the pen digits as drawn."""
    centres, precisions = fit_layers(train_features, train_labels)
    half = DigitCheck(centres, precisions, np.zeros(1), np.ones(1), 0.0)
    raw = np.column_stack(
        [half.distances(drawn_features), ink_scores(drawn_pixels, drawn_stroke_ratios)]
    )
    logs = np.log1p(np.maximum(raw, 0.0))
    mean, scale = logs.mean(axis=0), logs.std(axis=0) + 1e-9
    check = DigitCheck(centres, precisions, mean, scale, 0.0)
    line = float(np.quantile(check.evidence(raw), 1.0 - refused_share))
    return DigitCheck(centres, precisions, mean, scale, line)
