"""Learn my style at once: each writer's first corrections, then the rest read.

    python -m bench.experiments.style_memory [--model models/mnist_cnn.keras]
        [--dev PATH] [--test PATH] [--corrections 3] [--min-digits 20]
        [--grid] [--spaces]

For each writer with at least `--min-digits` digits, in the dev file and in the
test file, the digits are drawn as the Draw page gets them (`draw_like_a_person`,
seed 0) and read in the writer's order, as a user would write them: whenever
the reading (with the corrections so far) is wrong and the writer has given
fewer than `--corrections`, the drawing becomes a correction. Every other digit
of the writer is read twice, by the model alone ("before") and with the
corrections given until then ("after").

Then MNIST's 10,000 test digits are read with each writer's corrections stored
(one writer at a time) against none: corrections far from a digit must not
change its reading.

`--grid` prints the same on the dev file and MNIST's first 10,000 training
digits for a grid of SIMILAR_ABOVE x STRENGTH: they are chosen there; the test
file and MNIST's test digits are only reported on.

`--spaces` compares, on the same dev writers and MNIST training digits, other
spaces to measure "close" in than the raw hidden features: centred (minus the
mean of MNIST's training digits 10,000-19,999), the pre-activation centred, and
the pre-activation whitened by its within-digit spread (the shipped
architectures' `dense_bn` layer).
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from pathlib import Path

import keras
import numpy as np

from mnist_core.constants import PROJECT_ROOT, SHIPPED_MODEL_PATH
from mnist_core.data.mnist import load_mnist
from mnist_core.data.pen_digits import draw_like_a_person, load_samples, sample_rng
from mnist_core.drawing.preprocess import prepare_image
from mnist_core.errors import EmptyImageError
from mnist_core.models.card import read_metadata
from mnist_core.models.storage import load_model
from mnist_core.reading.classifier import Classifier
from mnist_core.reading.style_memory import (
    SIMILAR_ABOVE,
    STRENGTH,
    StyleMemory,
    blend,
    unit_features,
)

DATASETS = PROJECT_ROOT.parent / "shared" / "datasets"


def read_file(memory: StyleMemory, path: Path) -> dict:
    """Every sample drawn (seed 0) and read once: features, probabilities."""
    samples = load_samples(path)
    pixels, drawn = [], []
    for sample in samples:
        try:
            prepared = prepare_image(draw_like_a_person(sample, sample_rng(sample, 0)))
        except EmptyImageError:
            pixels.append(np.zeros((28, 28), np.float32))
            drawn.append(False)
            continue
        pixels.append(prepared.pixels)
        drawn.append(True)
    features, probabilities = memory.read(np.stack(pixels))
    return {
        "labels": np.array([s.label for s in samples]),
        "writers": np.array([s.writer for s in samples]),
        "drawn": np.array(drawn),
        "features": features,
        "probabilities": probabilities,
        "pixels": np.stack(pixels),
    }


def replay(data: dict, corrections: int, min_digits: int, **params) -> dict:
    """Each writer in order: before/after per digit read, corrections given."""
    by_writer = defaultdict(list)
    for i, writer in enumerate(data["writers"]):
        by_writer[writer].append(i)
    out = {"before": [], "after": [], "writer": [], "given": {}}
    for writer, order in by_writer.items():
        if len(order) < min_digits:
            continue
        examples, labels = [], []
        for i in order:
            label, p = data["labels"][i], data["probabilities"][i : i + 1]
            drawn = data["drawn"][i]
            own = drawn and int(np.argmax(p)) == label
            if examples:
                p = blend(
                    p, data["features"][i : i + 1], np.stack(examples),
                    np.array(labels), **params,
                )  # fmt: skip
            right = drawn and int(np.argmax(p)) == label
            if not right and drawn and len(examples) < corrections:
                examples.append(data["features"][i])
                labels.append(label)
                continue
            out["before"].append(own)
            out["after"].append(right)
            out["writer"].append(writer)
        out["given"][writer] = (np.array(examples), np.array(labels))
    return {k: np.array(v) if k != "given" else v for k, v in out.items()}


def lines(name: str, result: dict) -> list[str]:
    before, after, writers = result["before"], result["after"], result["writer"]
    corrected = np.isin(writers, [w for w, (_, y) in result["given"].items() if len(y)])
    n_writers = len(result["given"])
    n_corrected = sum(1 for _, y in result["given"].values() if len(y))
    return [
        f"{name}: {n_writers} writers, {len(before)} digits read after their "
        f"corrections: before {before.mean():.2%} ({(~before).sum()} wrong), "
        f"after {after.mean():.2%} ({(~after).sum()} wrong)",
        f"  the {n_corrected} writers who had mistakes ({corrected.sum()} digits): "
        f"before {before[corrected].mean():.2%}, after {after[corrected].mean():.2%}",
        f"  fixed {(after & ~before).sum()}, broken {(before & ~after).sum()}",
    ]


def mnist_check(memory: StyleMemory, x: np.ndarray, y: np.ndarray, given: dict,
                name: str = "MNIST test", **params) -> list[str]:  # fmt: skip
    features, probabilities = memory.read(x / 255.0)
    base = probabilities.argmax(axis=1) == y
    broken, fixed, worst = [], [], 1.0
    for examples, labels in given.values():
        if not len(labels):
            continue
        blended = blend(probabilities, features, examples, labels, **params)
        right = blended.argmax(axis=1) == y
        broken.append(int((base & ~right).sum()))
        fixed.append(int((right & ~base).sum()))
        worst = min(worst, float(right.mean()))
    return [
        f"{name}, no corrections: {base.mean():.2%}",
        f"  with one writer's corrections stored, each of {len(broken)} writers: "
        f"lowest {worst:.2%}; broken: max {max(broken, default=0)}, total "
        f"{sum(broken)}; fixed: total {sum(fixed)} (over all writers)",
    ]


def feature_spaces(model, x_fit: np.ndarray, y_fit: np.ndarray) -> dict:
    """name -> function (N, 28, 28) -> unit features, each fitted on x_fit."""
    inside = keras.Model(
        model.inputs,
        [model.get_layer("dense_bn").output, model.get_layer("dense_relu").output],
    )

    def both(x):
        parts = [inside(x[i : i + 1000, ..., None].astype(np.float32), training=False)
                 for i in range(0, len(x), 1000)]  # fmt: skip
        return [np.concatenate([p[k].numpy() for p in parts]) for k in (0, 1)]

    pre, post = both(x_fit)
    mu_pre, mu_post = pre.mean(0), post.mean(0)
    centres = np.stack([pre[y_fit == k].mean(0) for k in range(10)])
    gaps = pre - centres[y_fit]
    cov = gaps.T @ gaps / len(gaps)
    cov += 1e-2 * np.trace(cov) / len(cov) * np.eye(len(cov))
    values, vectors = np.linalg.eigh(cov)
    white = vectors / np.sqrt(values)
    return {
        "raw": lambda x: unit_features([both(x)[1]]),
        "centred": lambda x: unit_features([both(x)[1] - mu_post]),
        "pre-activation centred": lambda x: unit_features([both(x)[0] - mu_pre]),
        "pre-activation whitened": lambda x: unit_features(
            [(both(x)[0] - mu_pre) @ white]
        ),
    }


def compare_spaces(model, dev: dict, data, common: dict) -> None:
    """Fixed/broken on the dev writers and MNIST train[:10000] per space and line."""
    x, y = data.x_train[:10000] / 255.0, data.y_train[:10000]
    spaces = feature_spaces(model, data.x_train[10000:20000] / 255.0,
                            data.y_train[10000:20000])  # fmt: skip
    pixels = dev["pixels"]
    for name, space in spaces.items():
        in_space = dev | {"features": space(pixels)}
        mnist_features = space(x)
        mnist_probabilities = model.predict(x[..., None], verbose=0, batch_size=1000)
        base = mnist_probabilities.argmax(1) == y
        lines_ = (0.0, 0.2, 0.4, 0.6) if "whitened" in name else (0.5, 0.7, 0.8, 0.9)
        for similar_above in lines_:
            params = {"similar_above": similar_above, "strength": STRENGTH}
            result = replay(in_space, **common, **params)
            before, after = result["before"], result["after"]
            broken = [
                int((base & ~(blend(mnist_probabilities, mnist_features, e, lab,
                                    **params).argmax(1) == y)).sum())
                for e, lab in result["given"].values() if len(lab)
            ]  # fmt: skip
            print(f"{name}, line {similar_above}: dev fixed "
                  f"{(after & ~before).sum()}, broken {(before & ~after).sum()}; "
                  f"MNIST train[:10000] broken: max {max(broken)}, "
                  f"total {sum(broken)}", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=SHIPPED_MODEL_PATH)
    parser.add_argument(
        "--dev", type=Path, default=DATASETS / "unipen-digits-dev.json.gz"
    )
    parser.add_argument(
        "--test", type=Path, default=DATASETS / "unipen-digits-test.json.gz"
    )
    parser.add_argument("--corrections", type=int, default=3)
    parser.add_argument("--min-digits", type=int, default=20)
    parser.add_argument("--grid", action="store_true")
    parser.add_argument("--spaces", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    memory = StyleMemory(Classifier(load_model(args.model).model))
    dev = read_file(memory, args.dev)
    common = {"corrections": args.corrections, "min_digits": args.min_digits}
    data = load_mnist(os.environ.get("MNIST_PATH"))
    if args.spaces:
        compare_spaces(memory.model, dev, data, common)
        return
    if args.grid:  # chosen on the dev file and MNIST's training digits
        x, y = data.x_train[:10000], data.y_train[:10000]
        for similar_above in (0.75, 0.8, 0.85, 0.9):
            for strength in (2.0, 4.0, 8.0, 16.0):
                params = {"similar_above": similar_above, "strength": strength}
                result = replay(dev, **common, **params)
                print(f"similar_above={similar_above} strength={strength}")
                print("\n".join(lines("  dev", result)))
                given = result["given"]
                report = mnist_check(
                    memory, x, y, given, "MNIST train[:10000]", **params
                )
                print("\n".join(report))
        return
    params = {"similar_above": SIMILAR_ABOVE, "strength": STRENGTH}
    print(f"model {args.model}, similar_above={SIMILAR_ABOVE}, strength={STRENGTH}")
    if read_metadata(args.model).get("pen_digits"):
        print("note: this model learned from the dev file's writers: its dev lines "
              "are not about new writers (the test file's are)")  # fmt: skip
    result = replay(dev, **common, **params)
    given = dict(result["given"])
    report = lines("dev", result)
    test = read_file(memory, args.test)
    result = replay(test, **common, **params)
    given.update(result["given"])
    report += lines("test", result)
    report += mnist_check(memory, data.x_test, data.y_test, given, **params)
    print("\n".join(report))
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
