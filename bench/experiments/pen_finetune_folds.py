"""Does fine-tuning the shipped model on pen digits help writers it never saw?

    python -m bench.experiments.pen_finetune_folds [--variation none|strokes]
        [--copies 4]
        [--epochs 3] [--learning-rate 1e-3] [--only val syn …]

The shipped model learned from MNIST alone, so it has seen no pen-written
digit. For each institution, a copy of it trains a few more epochs (one-cycle
to `--learning-rate`, the shipped recipe's augmentation) on MNIST plus the
other six institutions' pen digits, drawn `--copies` times each; then the
copy, the shipped model and the two averaged read the left-out institution's
digits, drawn exactly as `handwriting-eval` draws them. One JSON line per fold
as it finishes, then the totals: about 2 minutes a fold on 2 cores.

`--variation strokes` also varies how every second training drawing is
written, not only where and how thick: each stroke of a multi-stroke digit
moves and turns a little on its own (a five's bar comes loose, a seven's bar
slides), and the whole trajectory bends along a smooth random field.
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np

from bench.experiments.augmented_reading import prepared_inputs
from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.data.mnist import load_mnist
from mnist_core.data.pen_digits import (
    PenDigits,
    Sample,
    draw_like_a_person,
    load_samples,
    render_pen_digits,
)
from mnist_core.data.writing_styles import add_writing_styles
from mnist_core.drawing.preprocess import prepare_image
from mnist_core.errors import EmptyImageError
from mnist_core.models.storage import load_model
from mnist_core.training.callbacks import (
    OneCycleScheduler,
    recalibrate_batch_norm,
)
from mnist_core.training.evaluation import evaluate
from mnist_core.training.model_pool import COMPILED_MODELS, copy_state
from mnist_core.training.pipeline import make_dataset
from tests.support.datasets import DEFAULT_HANDWRITING

HARDEST_FIRST = ["val", "syn", "ibm", "apb", "app", "ced", "apa"]
STROKE_MOVE = 0.08  # each stroke's own shift, a fraction of the digit's size
STROKE_TURN = math.radians(6)  # and its own turn (standard deviation)
BEND = 0.05  # the smooth field's amplitude, a fraction of the digit's size
BATCH, SEED = 256, 1


def written_differently(sample: Sample, rng: np.random.Generator) -> Sample:
    """The same digit as another hand might write it: bent, strokes loosened."""
    strokes = [np.asarray(s, float) for s in sample.strokes]
    points = np.concatenate(strokes)
    low = points.min(axis=0)
    size = max(float((points.max(axis=0) - low).max()), 1e-6)
    cycles = rng.uniform(0.4, 1.2, (2, 2))
    phase = rng.uniform(0, 2 * np.pi, (2, 2))
    amplitude = rng.normal(0, BEND * size, (2, 2))

    def bend(p: np.ndarray) -> np.ndarray:
        u = (p - low) / size  # x moves with height, y with width
        moved = p.copy()
        for j in range(2):
            moved[:, 0] += amplitude[0, j] * np.sin(
                2 * np.pi * cycles[0, j] * u[:, 1] + phase[0, j]
            )
            moved[:, 1] += amplitude[1, j] * np.sin(
                2 * np.pi * cycles[1, j] * u[:, 0] + phase[1, j]
            )
        return moved

    out = []
    for stroke in map(bend, strokes):
        if len(strokes) > 1:
            centre, angle = stroke.mean(axis=0), rng.normal(0, STROKE_TURN)
            cos, sin = math.cos(angle), math.sin(angle)
            turn = np.array([[cos, -sin], [sin, cos]])
            shift = rng.normal(0, STROKE_MOVE * size, 2)
            stroke = (stroke - centre) @ turn.T + centre + shift
        out.append(stroke.tolist())
    return Sample(sample.label, sample.inst, out)


def render_varied(samples: list[Sample], copies: int, seed: int) -> PenDigits:
    """Like render_pen_digits, every second copy written differently first:
    with every copy varied (and shifts of 0.12, bends of 0.07) the fine-tuned
    models read new writers worse (docs/log/2026-11-30.md)."""
    rng = np.random.default_rng(seed)
    x, y, groups = [], [], []
    for sample in samples:
        for copy in range(copies):
            written = written_differently(sample, rng) if copy % 2 else sample
            try:
                drawing = draw_like_a_person(written, rng)
                prepared = prepare_image(drawing)
            except EmptyImageError:
                continue
            x.append((prepared.pixels * 255).round().astype(np.uint8))
            y.append(sample.label)
            groups.append(sample.inst)
    return PenDigits(np.stack(x), np.array(y, np.uint8), np.array(groups), copies)


def fine_tuned(base, data, pen: PenDigits, epochs: int, learning_rate: float):
    """A copy of `base` trained `epochs` more on MNIST + `pen`."""
    x = np.concatenate([data.x_train, pen.x])
    y = np.concatenate([data.y_train, pen.y])
    x, y = add_writing_styles(x, y, SEED)
    batches = -(-len(x) // BATCH)
    model = base.__class__.from_config(base.get_config())
    copy_state(base, model)
    with COMPILED_MODELS.borrow(model, "adam", learning_rate) as twin:
        twin.fit(
            make_dataset(x, y, BATCH, seed=SEED, training=True, augment=True),
            epochs=epochs,
            callbacks=[OneCycleScheduler(batches, epochs, learning_rate)],
            verbose=0,
            shuffle=False,
        )
        recalibrate_batch_norm(twin, x, SEED)
        copy_state(twin, model)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variation", choices=("none", "strokes"), default="strokes")
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument("--only", nargs="*", default=HARDEST_FIRST)
    args = parser.parse_args()
    samples = load_samples(DEFAULT_HANDWRITING)
    render = render_varied if args.variation == "strokes" else render_pen_digits
    pen = render(samples, args.copies, SEED)
    data, shipped = load_mnist(), load_model(SHIPPED_MODEL_PATH).model
    print(vars(args), flush=True)
    totals = {"digits": 0, "tuned": 0, "shipped": 0, "averaged": 0}
    for group in args.only:
        start = time.perf_counter()
        model = fine_tuned(
            shipped, data, pen.without(group), args.epochs, args.learning_rate
        )
        left_out = [s for s in samples if s.inst == group]
        inputs = prepared_inputs(left_out)[..., None]
        labels = np.array([s.label for s in left_out])
        tuned = model.predict(inputs, batch_size=1024, verbose=0)
        alone = shipped.predict(inputs, batch_size=1024, verbose=0)
        right = {
            "tuned": int((tuned.argmax(1) == labels).sum()),
            "shipped": int((alone.argmax(1) == labels).sum()),
            "averaged": int(((tuned + alone).argmax(1) == labels).sum()),
        }
        fold = {"without": group, "digits": len(left_out), **right}
        fold["mnist_tuned"] = round(evaluate(model, data)[1], 4)
        fold["wall_seconds"] = round(time.perf_counter() - start)
        print(json.dumps(fold), flush=True)
        for key in totals:
            totals[key] += fold[key]
    digits = totals.pop("digits")
    print(json.dumps({k: round(v / digits, 4) for k, v in totals.items()}))


if __name__ == "__main__":
    main()
