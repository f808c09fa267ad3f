"""Does test-time augmentation lift the shipped model on pen-written digits?

    python -m bench.experiments.augmented_reading [--model models/mnist_cnn.keras]

Draws every UNIPEN digit on the canvas as `handwriting-eval` does (the same
drawings), prepares it with the Draw page's pipeline, then reads the 28x28
inputs with the model alone and with the probabilities averaged over variants
of each input: shifted one pixel (4 or 8 directions), strokes one pixel
thicker, one pixel thinner, or both. Prints the accuracy of each reading,
overall and per institution. The model never trained on these writers; no
variant is fitted to them, so no cross-validation is needed.
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy import ndimage

from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.data.pen_digits import (
    draw_like_a_person,
    load_samples,
    sample_rng,
)
from mnist_core.drawing.preprocess import prepare_image
from mnist_core.errors import EmptyImageError
from mnist_core.models.storage import load_model
from mnist_core.reading.classifier import Classifier
from tests.support.datasets import DEFAULT_HANDWRITING

SHIFTS_4 = [(1, 0), (-1, 0), (0, 1), (0, -1)]
SHIFTS_8 = SHIFTS_4 + [(1, 1), (-1, -1), (1, -1), (-1, 1)]


def prepared_inputs(samples) -> np.ndarray:
    """Each sample as `handwriting-eval` draws it and the Draw page hands it
    to the network (28x28); a drawing with no digit in it is left blank."""
    blank = np.zeros((28, 28), np.float32)
    inputs = []
    for sample in samples:
        try:
            drawing = draw_like_a_person(sample, sample_rng(sample, 0))
            inputs.append(prepare_image(drawing).pixels)
        except EmptyImageError:
            inputs.append(blank)
    return np.stack(inputs).astype(np.float32)


def shifted(x: np.ndarray, dx: int, dy: int) -> np.ndarray:
    return np.roll(np.roll(x, dy, axis=1), dx, axis=2)


def variants(x: np.ndarray) -> dict[str, list[np.ndarray]]:
    thick = np.stack([ndimage.grey_dilation(a, size=(2, 2)) for a in x])
    thin = np.stack([ndimage.grey_erosion(a, size=(2, 2)) for a in x])
    return {
        "the model alone": [x],
        "+ 4 shifts": [x] + [shifted(x, dx, dy) for dx, dy in SHIFTS_4],
        "+ 8 shifts": [x] + [shifted(x, dx, dy) for dx, dy in SHIFTS_8],
        "+ thicker": [x, thick],
        "+ thinner": [x, thin],
        "+ thicker + thinner": [x, thick, thin],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(SHIPPED_MODEL_PATH))
    args = parser.parse_args()
    samples = load_samples(DEFAULT_HANDWRITING)
    classifier = Classifier(load_model(args.model).model)
    x = prepared_inputs(samples)
    labels = np.array([s.label for s in samples])
    insts = np.array([s.inst for s in samples])
    for name, inputs in variants(x).items():
        mean = np.mean([classifier.probabilities(v) for v in inputs], axis=0)
        right = mean.argmax(axis=1) == labels
        per_inst = ", ".join(
            f"{inst} {right[insts == inst].mean():.2%}" for inst in sorted(set(insts))
        )
        print(f"{name:22} {right.mean():.2%} ({len(inputs)} passes; {per_inst})")


if __name__ == "__main__":
    main()
