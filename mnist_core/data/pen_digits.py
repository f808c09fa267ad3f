"""Pen-written digits (UNIPEN strokes), drawn on the canvas as a person would.

Each sample's strokes are scaled to a size people draw at, placed somewhere on
the 280x280 canvas and rendered with a round pen of a width the Draw page
allows. For training, the drawing then goes through exactly the Draw page's
preparation (`prepare_image`), so a model learns from what it will be shown.
Whatever is claimed about pen-written digits is measured on writers the model
did not learn from (training.cross_validation).
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnist_core.drawing.preprocess import prepare_image
from mnist_core.drawing.strokes import CANVAS_SIZE, PEN_WIDTHS, render_strokes
from mnist_core.errors import EmptyImageError, MnistError

HEIGHT_FRACTION = (0.5, 0.8)  # "about half to four fifths of the height"


@dataclass(frozen=True)
class Sample:
    label: int
    inst: str  # the institution that collected it
    strokes: list  # pen-down strokes in the unit box, y down
    writer: str = ""  # who wrote it ("inst/name"), where the file says


def load_samples(path: str | Path) -> list[Sample]:
    """Read the `{"samples": [{label, inst, strokes[, writer]}, ...]}` JSON
    (gzipped or not)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        records = json.loads(text)["samples"]
        return [
            Sample(int(r["label"]), r["inst"], r["strokes"], str(r.get("writer", "")))
            for r in records
        ]
    except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
        raise MnistError(
            "Cannot read handwriting samples from {path}: {reason}",
            path=path,
            reason=exc,
        ) from exc


def sample_rng(sample: Sample, seed: int) -> np.random.Generator:
    """A generator for this sample alone: it is drawn the same way whichever
    other samples are drawn with it (one institution, or the whole file), so
    models measured on different subsets read the very same drawings."""
    key = zlib.crc32(json.dumps(sample.strokes).encode())
    return np.random.default_rng([seed, key, sample.label])


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
class PenDigits:
    """Pen-written digits prepared like the Draw page's input, ready to train on."""

    x: np.ndarray  # uint8 (N, 28, 28)
    y: np.ndarray  # uint8 (N,)
    groups: np.ndarray  # (N,) the institution each came from
    copies: int = 1  # drawings made of each sample
    sources: np.ndarray | None = None  # (N,) which sample each was drawn from

    def where(self, keep: np.ndarray) -> PenDigits:
        """The drawings where `keep` (N,) is True."""
        sources = None if self.sources is None else self.sources[keep]
        return PenDigits(
            self.x[keep], self.y[keep], self.groups[keep], self.copies, sources
        )

    def without(self, group: str) -> PenDigits:
        """All but one institution's digits (its writers left out)."""
        return self.where(self.groups != group)

    def about(self) -> dict:
        """What a model trained on them learned from, for its sidecar: a model
        that says nothing of pen digits is taken to know none of the writers."""
        return {
            "samples": round(len(self.y) / self.copies)
            if self.sources is None
            else len(np.unique(self.sources)),
            "copies": self.copies,
            "institutions": sorted(set(self.groups.tolist())),
        }


def render_pen_digits(samples: list[Sample], copies: int, seed: int) -> PenDigits:
    """Each sample drawn `copies` times (pen width, size and place vary) and
    prepared by the Draw page's pipeline; drawings judged empty are skipped."""
    rng = np.random.default_rng(seed)
    x, y, groups, sources = [], [], [], []
    for index, sample in enumerate(samples):
        for _ in range(copies):
            try:
                prepared = prepare_image(draw_like_a_person(sample, rng))
            except EmptyImageError:
                continue
            x.append((prepared.pixels * 255).round().astype(np.uint8))
            y.append(sample.label)
            groups.append(sample.inst)
            sources.append(index)
    if not x:
        raise MnistError("The pen-digit file holds no digit that could be drawn.")
    return PenDigits(
        np.stack(x), np.array(y, np.uint8), np.array(groups), copies, np.array(sources)
    )
