"""The exported script runs on its own and trains the same network."""

import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest

from mnist_core.errors import MnistError
from mnist_core.models.architectures import build_model
from mnist_core.training.config import TrainConfig
from mnist_core.training.script_export import (
    LIBRARY_END,
    LIBRARY_START,
    training_script,
)


def run_script(source: str, folder, mnist_path) -> str:
    script = folder / "train_mnist.py"
    script.write_text(source)
    env = {**os.environ, "MNIST_PATH": str(mnist_path)}
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=folder,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    "config",
    [
        TrainConfig(arch="recipe", epochs=1, train_size=1000),
        TrainConfig(
            arch="fast",
            epochs=1,
            train_size=2000,
            batch_size=32,
            schedule="onecycle",
            learning_rate=4e-3,
            augment=True,
            optimizer="adamw",
        ),
        TrainConfig(
            arch="small", epochs=1, train_size=1000, batch_size=64, average_weights=True
        ),
    ],
    ids=["recipe", "fast-augmented-onecycle", "small-averaged"],
)
def test_exported_script_trains_and_prints_the_tutorial_lines(
    config, tmp_path, mnist_path
):
    source = training_script(config)
    assert ("use_ema=True" in source) == config.average_weights
    out = run_script(source, tmp_path, mnist_path)
    assert f"x_train shape: ({config.train_size}, 28, 28) first labels:" in out
    total = re.search(r"Total params: ([\d,]+)", out).group(1)
    assert int(total.replace(",", "")) == build_model(config.arch).count_params()
    loss = float(re.search(r"^loss: (\S+)$", out, re.M).group(1))
    accuracy = float(re.search(r"^accuracy: (\S+)$", out, re.M).group(1))
    assert loss > 0 and accuracy > 0.5
    exported = keras.saving.load_model(tmp_path / "mnist_model.keras")
    assert _layer_kinds(exported) == _layer_kinds(build_model(config.arch))


def _layer_kinds(model) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]


def _imports(source: str) -> set[str]:
    return {
        line.split()[1]
        for line in source.splitlines()
        if line.startswith(("import ", "from "))
    }


def test_script_has_no_project_imports():
    plain = training_script(TrainConfig(schedule="onecycle"))
    assert _imports(plain) == {"os", "keras", "numpy"}
    augmented = training_script(TrainConfig(augment=True, schedule="onecycle"))
    assert not any(name.startswith("mnist_core") for name in _imports(augmented))
    compile(augmented, "train_mnist.py", "exec")


def _library(source: str) -> dict:
    """Run the script's copy of the project's code alone; its names."""
    start = source.index(LIBRARY_START)
    end = source.index(LIBRARY_END)
    names: dict = {"__file__": "train_mnist.py"}
    exec(compile(source[start:end], "train_mnist.py", "exec"), names)
    return names


@pytest.mark.slow
def test_a_run_and_its_script_see_the_same_augmented_batches(mnist):
    from mnist_core.data.writing_styles import add_writing_styles
    from mnist_core.training.pipeline import make_dataset

    config = TrainConfig(augment=True, seed=7, batch_size=64)
    source = training_script(config)
    script = _library(source)
    # The script calls them with the run's seed and batch, as train() does.
    assert "add_writing_styles(x_train, y_train, 7)" in source
    assert "x_train, y_train, 64, seed=7, training=True, augment=True" in source
    x, y = mnist.x_train[:600], mnist.y_train[:600]
    ours = add_writing_styles(x, y, 7)
    theirs = script["add_writing_styles"](x, y, 7)
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])
    run = make_dataset(*ours, 64, seed=7, training=True, augment=True)
    copy = script["make_dataset"](*theirs, 64, seed=7, training=True, augment=True)
    for (a, la), (b, lb) in zip(run.take(3), copy.take(3), strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
        np.testing.assert_array_equal(la.numpy(), lb.numpy())


def test_out_of_range_config_is_refused_before_writing_code():
    with pytest.raises(MnistError, match="epochs must be between 1 and 30"):
        training_script(TrainConfig(epochs=0))
