"""Hostile model files are refused from their headers, before Keras allocates."""

import io
import json
import time
import tracemalloc
import zipfile

import h5py
import numpy as np
import pytest

from mnist_core.errors import MnistError
from mnist_core.models.architectures import build_model
from mnist_core.models.model_files import (
    MAX_PARAMS,
    config_params,
    read_model_file,
)
from mnist_core.models.storage import load_uploaded_model

pytestmark = pytest.mark.slow  # builds Keras models


@pytest.fixture(scope="module")
def honest():
    """The members of a real, small .keras file."""
    from keras.src.saving import saving_lib

    model, saved = build_model("small"), io.BytesIO()
    saving_lib.save_model(model, saved)
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    return members, model.count_params()


def archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buffer.getvalue()


def h5_declaring(shape: tuple[int, ...]) -> bytes:
    """An H5 file whose one weight declares `shape` but stores nothing."""
    buffer = io.BytesIO()
    with h5py.File(buffer, "w") as h5:
        h5.create_dataset("layers/dense/vars/0", shape=shape, dtype="float32")
    return buffer.getvalue()


def refused_quickly_and_small(data: bytes, name: str, message: str) -> None:
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(MnistError, match=message):
        load_uploaded_model(data, name)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # Refused from headers: nowhere near the gigabytes the file asks for.
    assert peak < 50 * 2**20, f"peak {peak / 2**20:.0f} MB"
    assert seconds < 30  # a generous ceiling: the bug took minutes or died


def test_an_honest_file_passes_and_counts_its_parameters(honest):
    members, params = honest
    checked = read_model_file(archive(members), "small.keras")
    assert checked.params == params
    assert config_params(checked.config) == pytest.approx(params, rel=0.01)


def test_a_padded_config_is_refused(honest):
    members, _ = honest
    config = json.loads(members["config.json"])
    config["padding"] = " " * (8 * 2**20)  # compresses to a few KB
    data = archive({**members, "config.json": json.dumps(config).encode()})
    assert len(data) < 2**20
    refused_quickly_and_small(data, "padded.keras", "more than 1024 KB")


def test_a_weight_declared_huge_but_never_stored_is_refused(honest):
    members, _ = honest
    data = archive({**members, "model.weights.h5": h5_declaring((2**28,))})
    assert len(data) < 2**20
    refused_quickly_and_small(data, "declared.keras", "268,435,456 parameters")


def test_a_tiny_file_describing_a_huge_network_is_refused(honest):
    members, _ = honest
    config = json.loads(members["config.json"])
    dense = next(
        layer for layer in config["config"]["layers"] if layer["class_name"] == "Dense"
    )
    dense["config"]["units"] = 100_000  # ~100 million weights
    data = archive({**members, "config.json": json.dumps(config).encode()})
    refused_quickly_and_small(data, "huge.keras", f"up to {MAX_PARAMS:,}")


def test_extra_or_many_members_are_refused(honest):
    members, _ = honest
    extra = {f"assets/{i}.bin": bytes(2**20) for i in range(8)}
    refused_quickly_and_small(
        archive({**members, **extra}), "many.keras", "is not a Keras model file"
    )


def test_members_that_unpack_too_large_are_refused(honest):
    members, _ = honest
    bomb = {**members, "metadata.json": bytes(80 * 2**20)}  # 80 MB of zeros
    refused_quickly_and_small(archive(bomb), "bomb.keras", "unpacks to more than")


def test_random_bytes_named_keras_are_not_a_model():
    noise = np.random.default_rng(0).bytes(4096)
    with pytest.raises(MnistError, match="noise.keras is not a Keras model file"):
        read_model_file(noise, "noise.keras")
