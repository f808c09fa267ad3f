"""The exported script runs on its own and trains the same network."""

import os
import re
import subprocess
import sys

import keras
import pytest

from mnist_core.errors import MnistError
from mnist_core.models.architectures import build_model
from mnist_core.training.config import TrainConfig
from mnist_core.training.script_export import training_script


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
    """The network's layers in order, without the exported script's augmentation."""
    kinds = [type(layer).__name__ for layer in model.layers]
    return [kind for kind in kinds if not kind.startswith("Random")]


def test_script_has_no_project_imports():
    source = training_script(TrainConfig(augment=True, schedule="onecycle"))
    imports = {
        line.split()[1]
        for line in source.splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imports == {"os", "keras", "numpy"}
    compile(source, "train_mnist.py", "exec")


def test_out_of_range_config_is_refused_before_writing_code():
    with pytest.raises(MnistError):
        training_script(TrainConfig(epochs=0))
