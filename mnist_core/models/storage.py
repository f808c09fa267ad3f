"""Save and load models with a metadata sidecar; loading is always `safe_mode`."""

from __future__ import annotations

import datetime as dt
import io
import json
import platform
import re
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

import mnist_core
from mnist_core.constants import INPUT_SHAPE, NUM_CLASSES
from mnist_core.errors import MnistError
from mnist_core.models.architectures import count_flops
from mnist_core.models.card import metadata_path, read_metadata
from mnist_core.models.cost import check_cost
from mnist_core.models.model_files import MODEL_SUFFIX, ModelFile, read_model_file


@dataclass(frozen=True)
class LoadedModel:
    """A model and what its sidecar says about it (empty if there is none)."""

    model: keras.Model
    metadata: dict
    path: Path


def _inference_copy(model: keras.Model) -> keras.Model:
    # Rebuilt from its config, the copy is uncompiled and carries no optimizer
    # state (two thirds of an Adam-trained file). clone_model would compile it.
    clone = keras.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    return clone


def describe(model: keras.Model, extra: dict) -> dict:
    """The sidecar's content: `extra` plus size, creation time and versions."""
    return {
        **extra,
        "architecture": model.name,
        "params": int(model.count_params()),
        "flops_per_image": count_flops(model),
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "versions": {
            "mnist_core": mnist_core.__version__,
            "keras": keras.__version__,
            "tensorflow": tf.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
        },
    }


def save_model(model: keras.Model, path: str | Path, metadata: dict) -> Path:
    """Write `path` (.keras, weights and architecture only) and its .json sidecar."""
    path = Path(path)
    if path.suffix != MODEL_SUFFIX:
        raise MnistError(
            "Model files must end in {suffix}; got {name}.",
            suffix=MODEL_SUFFIX,
            name=path.name,
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    _inference_copy(model).save(path)
    metadata_path(path).write_text(json.dumps(describe(model, metadata), indent=2))
    return path


def model_bytes(model: keras.Model) -> bytes:
    """The .keras file of `model` (weights and architecture only), made in
    memory: for a download, never written where a web server could serve it."""
    from keras.src.saving import saving_lib  # the public save takes paths only

    buffer = io.BytesIO()
    saving_lib.save_model(_inference_copy(model), buffer)
    return buffer.getvalue()


def load_model(path: str | Path) -> LoadedModel:
    """Load a .keras model through the guarded door, safe_mode on, and check it
    maps 28x28x1 images to 10 probabilities.

    Raises:
        MnistError: missing, too large, unsafe (e.g. a Lambda layer), beyond
            an MNIST model's size or cost per image, or of the wrong shape.
    """
    path = Path(path)
    model = _load_checked(read_model_file(path))
    return LoadedModel(model, read_metadata(path), path)


def load_uploaded_model(data: bytes, name: str) -> keras.Model:
    """A model from an uploaded file's bytes, checked like load_model; it is
    read from memory and never written anywhere a web server could serve it."""
    return _load_checked(read_model_file(data, name))


def _load_checked(file: ModelFile) -> keras.Model:
    # Keras's public load_model takes only paths; its saving library reads a
    # file object the same way, so the checked bytes never touch the disk.
    from keras.src.saving import saving_lib

    try:
        model = saving_lib.load_model(
            io.BytesIO(file.data), compile=False, safe_mode=True
        )
    except Exception as exc:  # Keras raises many types for bad files
        raise MnistError(
            "{name} could not be loaded as a safe Keras model ({reason}). "
            "Use a .keras file saved by Keras 3 without Lambda or custom layers.",
            name=file.name,
            reason=_first_line(exc),
        ) from exc
    check_model_shape(model, file.name)
    check_cost(model, file.name)  # before its first prediction
    make_names_usable(model)
    check_probabilities(model, file.name)
    return model


# TensorFlow runs each layer inside a name scope of the layer's name and
# refuses any other character ("my model" failed the first prediction).
SCOPE_CHARACTER = re.compile(r"[^A-Za-z0-9_.\-]")


def make_names_usable(model: keras.Model) -> None:
    """Rename the model and its layers where a name holds a character
    TensorFlow's name scopes refuse (a space, an accent): each becomes "_"."""
    for layer in model._flatten_layers(include_self=True, recursive=True):
        usable = SCOPE_CHARACTER.sub("_", layer.name).lstrip("_-") or "layer"
        if usable != layer.name:
            layer.name = usable


def check_model_shape(model: keras.Model, name: str) -> None:
    """Refuse a model that does not take 28x28x1 images to 10 class scores."""
    inputs = getattr(model, "inputs", None) or []
    outputs = getattr(model, "outputs", None) or []
    in_shape = tuple(inputs[0].shape[1:]) if len(inputs) == 1 else None
    out_shape = tuple(outputs[0].shape[1:]) if len(outputs) == 1 else None
    if in_shape != INPUT_SHAPE or out_shape != (NUM_CLASSES,):
        raise MnistError(
            "{name} takes {inputs} to {outputs}; an MNIST model must take "
            "{expected} images to {classes} class probabilities.",
            name=name,
            inputs=in_shape,
            outputs=out_shape,
            expected=INPUT_SHAPE,
            classes=NUM_CLASSES,
        )


def check_probabilities(model: keras.Model, name: str) -> None:
    """Refuse a model whose outputs are not probabilities (no softmax at the end):
    its confidence, "not sure" and top-two would all be meaningless."""
    rng = np.random.default_rng(0)
    probe = rng.random((4, *INPUT_SHAPE), dtype=np.float32)
    out = np.asarray(model(probe, training=False), dtype=np.float64)
    if not (np.all(out >= -1e-6) and np.allclose(out.sum(axis=1), 1.0, atol=1e-3)):
        raise MnistError(
            "{name} gives scores that are not probabilities: its last layer needs "
            'activation="softmax".',
            name=name,
        )


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
