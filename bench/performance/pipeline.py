"""The training input pipeline: speed and peak memory, before and after.

    python -m bench.performance.pipeline [--epochs 5] [--rounds 2]

Trains the fast preset's network (constant learning rate, no evaluation) with
three input pipelines, each in its own process so peak memory is its own:

- constants, autotuned: the images copied into TensorFlow constants and
  batched with tf.gather, tf.data's autotuner on (the project until 2026-11-27);
- gathered, autotuned: batches gathered from the NumPy arrays, autotuner on;
- project: mnist_core.training.pipeline.make_dataset as it is (gathered, autotuner off).

Prints each epoch's images/s, how many epochs ran below 70 % of the
fastest epoch seen, and the process's peak RSS. Rounds alternate the
variants so the noisy machine affects each alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = ("constants, autotuned", "gathered, autotuned", "project")


def constants_dataset(x, y, batch_size, seed):
    import tensorflow as tf

    from mnist_core.constants import NUM_CLASSES

    images, labels = tf.constant(x), tf.constant(y)
    ds = tf.data.Dataset.range(len(x)).shuffle(len(x), seed=seed)
    ds = ds.batch(batch_size)

    def load(index):
        batch = tf.cast(tf.gather(images, index), tf.float32)[..., None] / 255.0
        return batch, tf.one_hot(tf.gather(labels, index), NUM_CLASSES)

    return ds.map(load, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


def child(variant: str, epochs: int) -> None:
    """Runs in a fresh process; prints one JSON line."""
    import keras
    import tensorflow as tf

    from mnist_core.data.mnist import load_mnist
    from mnist_core.models.architectures import build_model
    from mnist_core.training.config import PRESETS
    from mnist_core.training.model_pool import compile_model, make_optimizer
    from mnist_core.training.pipeline import make_dataset

    data = load_mnist()
    preset = PRESETS["fast"]
    if variant == "constants, autotuned":
        ds = constants_dataset(data.x_train, data.y_train, preset.batch_size, 0)
    else:
        ds = make_dataset(data.x_train, data.y_train, preset.batch_size, training=True)
        if variant == "gathered, autotuned":
            options = tf.data.Options()
            options.autotune.enabled = True
            ds = ds.with_options(options)
    model = build_model(preset.arch)
    # A constant rate (no schedule callback to time); speed does not depend on it.
    compile_model(model, make_optimizer(preset.optimizer, 2e-3))
    rates = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            rates.append(len(data.x_train) / (time.perf_counter() - self.start))

    model.fit(ds, epochs=epochs, verbose=0, callbacks=[Clock()])
    print(json.dumps({"rates": rates, "peak_mb": _peak_rss_mb()}))


def _peak_rss_mb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def run(variant: str, epochs: int) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.performance.pipeline",
            "--child",
            variant,
            "--epochs",
            str(epochs),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", choices=VARIANTS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.epochs)
        return
    results = {variant: [] for variant in VARIANTS}
    for _ in range(args.rounds):
        for variant in VARIANTS:
            results[variant].append(run(variant, args.epochs))
    fastest = max(
        r for runs in results.values() for run_ in runs for r in run_["rates"]
    )
    for variant, runs in results.items():
        rates = [r for run_ in runs for r in run_["rates"]]
        slow = sum(r < 0.7 * fastest for r in rates)
        peaks = [run_["peak_mb"] for run_ in runs]
        print(
            f"{variant}: median {statistics.median(rates):.0f} images/s, "
            f"{slow} of {len(rates)} epochs below 70 % of the fastest, "
            f"peak RSS {statistics.median(peaks):.0f} MB "
            f"(epochs: {', '.join(f'{r:.0f}' for r in rates)})"
        )


if __name__ == "__main__":
    main()
