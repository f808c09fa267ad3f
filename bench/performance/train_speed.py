"""Training speed: the tutorial's plain `model.fit` against the project's path.

    python -m bench.performance.train_speed [--images 20000] [--repeats 3] [--seeds 3]

1. The recipe CNN trained the tutorial's way (float32 arrays in memory, one-hot
   labels, `model.fit(batch_size=128)`) and through `mnist_core.training.train`
   with the app's live-progress listener attached: images/s of each, alternated
   and repeated so the noisy machine affects both alike; the median ratio.
2. The fast preset: training seconds until the test accuracy first reaches 99.0 %
   and 99.3 % (checked after each epoch), median over seeds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

import keras

from mnist_core.data.mnist import MnistData, load_mnist, subsample
from mnist_core.models.architectures import build_model
from mnist_core.serving.jobs import TrainingJob
from mnist_core.training.config import PRESETS, TrainConfig
from mnist_core.training.loop import train
from mnist_core.training.model_pool import compile_model


def plain_fit(data: MnistData, images: int) -> float:
    """Images/s of one epoch of the tutorial's own code on `images` digits."""
    x, y = subsample(data.x_train, data.y_train, images, seed=0)
    x = x.astype("float32")[..., None] / 255
    y = keras.utils.to_categorical(y, 10)
    model = compile_model(build_model("recipe"), keras.optimizers.Adam())
    model.fit(x[:1280], y[:1280], batch_size=128, epochs=1, verbose=0)  # warm-up
    start = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    return images / (time.perf_counter() - start)


def project_fit(data: MnistData, images: int) -> float:
    """Images/s of one epoch through train(), listener as the Train page has it."""
    small = replace(data, x_test=data.x_test[:1000], y_test=data.y_test[:1000])
    config = TrainConfig(arch="recipe", epochs=1, train_size=images)
    train(replace(config, train_size=1280), small)  # warm-up, as above
    result = train(config, small, listener=TrainingJob(config=config).listen)
    return images / result.train_seconds


def compare_paths(data: MnistData, images: int, repeats: int) -> None:
    plain, ours = [], []
    for _ in range(repeats):
        plain.append(plain_fit(data, images))
        ours.append(project_fit(data, images))
        keras.backend.clear_session()
    ratios = [o / p for o, p in zip(ours, plain, strict=True)]
    print(
        f"plain model.fit: {statistics.median(plain):.0f} images/s "
        f"(runs: {', '.join(f'{v:.0f}' for v in plain)})"
    )
    print(
        f"mnist_core.train + live listener: {statistics.median(ours):.0f} images/s "
        f"(runs: {', '.join(f'{v:.0f}' for v in ours)})"
    )
    print(f"ratio (ours / plain), median: {statistics.median(ratios):.3f}")


def time_to_targets(data: MnistData, seeds: int) -> None:
    targets = {0.990: [], 0.993: []}
    for seed in range(seeds):
        result = train(replace(PRESETS["fast"], seed=seed), data)
        per_epoch = result.train_seconds / len(result.history)
        for target, times in targets.items():
            hit = next(
                (e.epoch for e in result.history if e.val_accuracy >= target), None
            )
            times.append(hit * per_epoch if hit else float("inf"))
        print(
            f"fast preset, seed {seed}: test accuracy {result.test_accuracy:.4f} "
            f"after {result.train_seconds:.1f} s"
        )
        keras.backend.clear_session()
    for target, times in targets.items():
        median = statistics.median(times)
        print(
            f"fast preset reaches {target:.1%}: median {median:.1f} s "
            f"(seeds: {', '.join(f'{t:.1f}' for t in times)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--skip-fast", action="store_true")
    args = parser.parse_args()
    data = load_mnist()
    compare_paths(data, args.images, args.repeats)
    if not args.skip_fast:
        time_to_targets(data, args.seeds)


if __name__ == "__main__":
    main()
