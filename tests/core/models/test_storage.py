"""Saving keeps what inference needs; loading is safe and checks the model's shape."""

import json
import tempfile
import zipfile

import h5py
import keras
import numpy as np
import pytest

from mnist_core.errors import MnistError
from mnist_core.models.card import metadata_path
from mnist_core.models.storage import load_model, load_uploaded_model, save_model


def test_round_trip_keeps_predictions_and_metadata(trained, small_mnist, tmp_path):
    path = save_model(trained.model, tmp_path / "m.keras", trained.metadata())
    loaded = load_model(path)
    x = small_mnist.x_test[:32, :, :, None] / 255.0
    np.testing.assert_allclose(
        loaded.model(x, training=False), trained.model(x, training=False), atol=1e-6
    )
    meta = json.loads(metadata_path(path).read_text())
    assert loaded.metadata == meta
    assert meta["architecture"] == "fast" and meta["config"]["epochs"] == 2
    assert meta["test_accuracy"] == pytest.approx(trained.test_accuracy)
    assert meta["data_fingerprint"] == trained.data_fingerprint
    assert {"keras", "tensorflow", "numpy", "python"} <= set(meta["versions"])
    assert meta["created"] and meta["params"] == trained.model.count_params()


def test_saved_file_carries_no_optimizer_state(trained, tmp_path):
    path = save_model(trained.model, tmp_path / "m.keras", {})
    with zipfile.ZipFile(path) as archive:
        archive.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5") as weights:
        stored = []
        weights.visititems(lambda name, obj: stored.append(name))
    assert not [name for name in stored if name.startswith("optimizer/vars/")]
    assert any(name.startswith("layers/") for name in stored)


def test_model_with_lambda_layer_is_refused(tmp_path):
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Lambda(lambda t: t * 2)(inputs)
    outputs = keras.layers.Dense(10)(keras.layers.Flatten()(x))
    keras.Model(inputs, outputs).save(tmp_path / "lambda.keras")
    with pytest.raises(MnistError, match="lambda.keras uses a Lambda layer, which"):
        load_model(tmp_path / "lambda.keras")


def test_model_of_the_wrong_shape_is_refused(tmp_path):
    inputs = keras.Input((32, 32, 3))
    outputs = keras.layers.Dense(10)(keras.layers.Flatten()(inputs))
    keras.Model(inputs, outputs).save(tmp_path / "cifar.keras")
    with pytest.raises(MnistError, match=r"takes \(32, 32, 3\)"):
        load_model(tmp_path / "cifar.keras")


def test_garbage_file_is_refused(tmp_path):
    (tmp_path / "junk.keras").write_bytes(b"not a zip at all")
    with pytest.raises(MnistError, match="junk.keras is not a Keras model file"):
        load_model(tmp_path / "junk.keras")


def test_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(
        MnistError, match="no model file called absent.keras: train one first"
    ):
        load_model(tmp_path / "absent.keras")


def test_wrong_suffix_is_refused(trained, tmp_path):
    with pytest.raises(MnistError, match="must end in .keras"):
        save_model(trained.model, tmp_path / "m.h5", {})


# --- Uploaded models ---


def test_an_uploaded_model_loads_from_its_bytes(trained, tmp_path):
    path = save_model(trained.model, tmp_path / "mine.keras", {})
    model = load_uploaded_model(path.read_bytes(), "mine.keras")
    x = np.zeros((1, 28, 28, 1), np.float32)
    np.testing.assert_allclose(model(x), trained.model(x, training=False), atol=1e-6)


def test_an_upload_leaves_no_file_behind(trained, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = save_model(trained.model, tmp_path / "mine.keras", {})
    load_uploaded_model(path.read_bytes(), "mine.keras")
    with pytest.raises(MnistError, match="junk.keras is not a Keras model file"):
        load_uploaded_model(b"junk", "junk.keras")
    assert list((tmp_path / "tmp").iterdir()) == []


def saved_bytes(model: keras.Model, tmp_path) -> bytes:
    model.save(tmp_path / "x.keras")
    return (tmp_path / "x.keras").read_bytes()


def test_an_uploaded_lambda_layer_is_refused_by_its_name(tmp_path):
    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Lambda(lambda t: t * 2)(inputs)
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(x))
    data = saved_bytes(keras.Model(inputs, outputs), tmp_path)
    with pytest.raises(MnistError, match="^evil.keras uses a Lambda layer, which"):
        load_uploaded_model(data, "evil.keras")


def test_an_uploaded_model_of_the_wrong_shape_is_refused(tmp_path):
    inputs = keras.Input((32, 32, 3))
    outputs = keras.layers.Dense(10, activation="softmax")(
        keras.layers.Flatten()(inputs)
    )
    data = saved_bytes(keras.Model(inputs, outputs), tmp_path)
    with pytest.raises(MnistError, match=r"^cifar.keras takes \(32, 32, 3\)"):
        load_uploaded_model(data, "cifar.keras")


def test_a_model_without_softmax_is_refused(tmp_path):
    inputs = keras.Input((28, 28, 1))
    outputs = keras.layers.Dense(10)(keras.layers.Flatten()(inputs))  # raw scores
    data = saved_bytes(keras.Model(inputs, outputs), tmp_path)
    with pytest.raises(MnistError, match='needs activation="softmax"'):
        load_uploaded_model(data, "logits.keras")


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"x", "model.h5", "must end in .keras; got model.h5"),
        (bytes(11 * 2**20), "big.keras", "big.keras is 11.0 MB; files up to 10 MB"),
    ],
)
def test_uploads_with_a_wrong_name_or_size_are_refused(data, name, message):
    with pytest.raises(MnistError, match=message):
        load_uploaded_model(data, name)


def test_model_bytes_load_back_to_the_same_answers(trained):
    from mnist_core.models.storage import model_bytes

    data = model_bytes(trained.model)
    again = load_uploaded_model(data, "mine.keras")
    probe = np.random.default_rng(1).random((3, 28, 28, 1), dtype=np.float32)
    expected = np.asarray(trained.model(probe, training=False))
    np.testing.assert_allclose(
        np.asarray(again(probe, training=False)), expected, atol=1e-6
    )


def test_a_model_whose_names_hold_spaces_loads_and_reads(tmp_path):
    # Issue #37: "my model" crashed the first prediction (TensorFlow's name
    # scopes take no space) with Streamlit's generic error box.
    from mnist_core.reading.classifier import Classifier

    inputs = keras.Input((28, 28, 1))
    x = keras.layers.Conv2D(4, 3, name="mi capa ñ")(inputs)
    outputs = keras.layers.Dense(10, activation="softmax")(keras.layers.Flatten()(x))
    model = keras.Model(inputs, outputs, name="my model")
    loaded = load_uploaded_model(saved_bytes(model, tmp_path), "my model.keras")
    digits = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
    probabilities = Classifier(loaded).probabilities(digits)
    np.testing.assert_allclose(probabilities, model(digits), atol=1e-5)
    assert loaded.name == "my_model"
