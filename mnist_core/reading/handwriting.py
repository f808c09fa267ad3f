"""Evaluate on real pen-written digits, drawn as a person would on the canvas.

Each UNIPEN sample's strokes are scaled to a size people draw at, placed
somewhere on the 280x280 canvas, rendered with a round pen of a width the Draw
page allows, then go through exactly the app's pipeline (`Classifier.classify`).
Never train on this data: it stands for the users, who are other writers.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnist_core.constants import NUM_CLASSES
from mnist_core.errors import MnistError
from mnist_core.reading.strokes import CANVAS_SIZE, PEN_WIDTHS, render_strokes

HEIGHT_FRACTION = (0.5, 0.8)  # "about half to four fifths of the height"


@dataclass(frozen=True)
class Sample:
    label: int
    inst: str  # the institution that collected it
    strokes: list  # pen-down strokes in the unit box, y down


def load_samples(path: str | Path) -> list[Sample]:
    """Read the `{"samples": [{label, inst, strokes}, ...]}` JSON (gzipped or not)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        records = json.loads(text)["samples"]
        return [Sample(int(r["label"]), r["inst"], r["strokes"]) for r in records]
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise MnistError(
            "Cannot read handwriting samples from {path}: {reason}",
            path=path,
            reason=exc,
        ) from exc


def place_on_canvas(
    sample: Sample, rng: np.random.Generator, width: float | None = None
) -> tuple[list[np.ndarray], float]:
    """Strokes in canvas pixels at a human size and place, and the pen width."""
    height = rng.uniform(*HEIGHT_FRACTION) * CANVAS_SIZE
    width = rng.uniform(*PEN_WIDTHS) if width is None else width
    points = np.concatenate([np.asarray(s, float) for s in sample.strokes])
    low, high = points.min(axis=0), points.max(axis=0)
    scale = height / max(high[1] - low[1], (high[0] - low[0]), 1e-6)
    size = (high - low) * scale
    margin = width / 2 + 2
    free = np.maximum(CANVAS_SIZE - size - 2 * margin, 0)
    offset = margin + rng.uniform(0, 1, 2) * free - low * scale
    return [np.asarray(s, float) * scale + offset for s in sample.strokes], width


def draw_like_a_person(
    sample: Sample, rng: np.random.Generator, width: float | None = None
) -> np.ndarray:
    """The canvas (280, 280) uint8 image a person drawing this sample would make."""
    strokes, width = place_on_canvas(sample, rng, width)
    return render_strokes([list(map(tuple, s)) for s in strokes], width=width)


@dataclass(frozen=True)
class HandwritingReport:
    labels: np.ndarray
    predictions: np.ndarray  # -1 where the image was judged empty
    insts: np.ndarray

    @property
    def accuracy(self) -> float:
        return float(np.mean(self.labels == self.predictions))

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
            "by_inst": {
                k: round(v, 4) for k, v in self.accuracy_by(self.insts).items()
            },
        }

    def lines(self) -> list[str]:
        """The report as printed by `python -m mnist_core handwriting-eval`."""
        out = [f"samples: {len(self.labels)}", f"accuracy: {self.accuracy:.4f}"]
        out += [f"digit {d}: {a:.4f}" for d, a in self.accuracy_by(self.labels).items()]
        out += [f"inst {i}: {a:.4f}" for i, a in self.accuracy_by(self.insts).items()]
        out += [f"confusion {t} -> {p}: {n}" for t, p, n in self.confusions()]
        return out


def evaluate_handwriting(
    classifier, samples: list[Sample], seed: int = 0
) -> HandwritingReport:
    """Draw every sample on a canvas and classify it through the app's pipeline."""
    rng = np.random.default_rng(seed)
    predictions = []
    for sample in samples:
        prediction = classifier.classify(draw_like_a_person(sample, rng))
        predictions.append(-1 if prediction.digit is None else prediction.digit)
    labels = np.array([s.label for s in samples])
    assert labels.max(initial=0) < NUM_CLASSES
    return HandwritingReport(
        labels, np.array(predictions), np.array([s.inst for s in samples])
    )
