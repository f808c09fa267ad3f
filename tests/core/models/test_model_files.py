"""Hostile model files are refused from their headers, before Keras allocates."""

import copy
import io
import json
import time
import tracemalloc
import zipfile

import h5py
import keras
import numpy as np
import pytest
from keras import layers

from mnist_core.constants import SHIPPED_MODEL_PATH
from mnist_core.errors import MnistError
from mnist_core.models.architectures import build_model
from mnist_core.models.catalog import ARCHITECTURES
from mnist_core.models.config_count import MAX_LAYERS, config_params
from mnist_core.models.ensemble import average_models
from mnist_core.models.layer_rules import RULES
from mnist_core.models.model_files import MAX_PARAMS, read_model_file
from mnist_core.models.storage import load_uploaded_model

pytestmark = pytest.mark.slow  # builds Keras models


def members_of(model: keras.Model) -> dict[str, bytes]:
    """The members of `model`'s .keras file, saved in memory as the app does."""
    from keras.src.saving import saving_lib

    saved = io.BytesIO()
    saving_lib.save_model(model, saved)
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture(scope="module")
def honest():
    """The members of a real, small .keras file."""
    model = build_model("small")
    return members_of(model), model.count_params()


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
    assert config_params(checked.config) == params


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
    # The last Dense: no later layer's build_config tells of the change.
    dense_layers(config)[-1]["config"]["units"] = 100_000  # ~13 million weights
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


# --- The network's own size, counted from its declared input (issue #37) ---


def reader(body) -> keras.Model:
    """A model of `body` (a function of the input tensor) with a softmax head."""
    inputs = keras.Input((28, 28, 1))
    x = layers.Flatten()(body(inputs))
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))


def with_config(members: dict[str, bytes], edit) -> bytes:
    """The archive of `members` with its config.json changed by `edit`."""
    config = json.loads(members["config.json"])
    edit(config)
    return archive({**members, "config.json": json.dumps(config).encode()})


def never_loaded(monkeypatch) -> None:
    """Fail the test if a file gets past the door into Keras."""
    from keras.src.saving import saving_lib

    def load(*args, **kwargs):
        raise AssertionError("a refused file reached Keras")

    monkeypatch.setattr(saving_lib, "load_model", load)


@pytest.fixture(scope="module")
def reported():
    """Issue #37's model: Input(28, 28, 1), Flatten, Dense(4), Dense(10)."""
    inputs = keras.Input((28, 28, 1))
    x = layers.Dense(4)(layers.Flatten()(inputs))
    return members_of(keras.Model(inputs, layers.Dense(10, activation="softmax")(x)))


def dense_layers(config: dict) -> list[dict]:
    return [e for e in config["config"]["layers"] if e["class_name"] == "Dense"]


def dense(config: dict) -> dict:
    """The first Dense layer's settings."""
    return dense_layers(config)[0]["config"]


def widened(units: int):
    """The reported edit: the first Dense made `units` wide, and both Dense
    layers' build_config deleted (the old count read the input from it)."""

    def edit(config: dict) -> None:
        first, second = dense_layers(config)
        first["config"]["units"] = units
        del first["build_config"], second["build_config"]

    return edit


@pytest.mark.parametrize(
    "units, params", [(1_000_000, "795,000,010"), (200_000, "159,000,010")]
)
def test_the_reported_wide_dense_without_build_configs_is_refused(
    reported, monkeypatch, units, params
):
    data = with_config(reported, widened(units))
    assert len(data) < 20_000  # 3,190 numbers stored; Keras would build 784 x units
    never_loaded(monkeypatch)
    message = f"{params} parameters; this app loads models of up to {MAX_PARAMS:,}"
    refused_quickly_and_small(data, "wide.keras", message)


def test_a_forged_tensor_shape_cannot_lower_the_count(reported, monkeypatch):
    def edit(config: dict) -> None:
        widened(1_000_000)(config)
        tensor = dense_layers(config)[0]["inbound_nodes"][0]["args"][0]
        tensor["config"]["shape"] = [None, 1]  # Keras links the real tensor instead

    never_loaded(monkeypatch)
    data = with_config(reported, edit)
    refused_quickly_and_small(data, "forged.keras", "795,000,010 parameters")


@pytest.mark.parametrize(
    "units, built_for",
    [(1_000_000, [None, 1]), (4, [None, 10_000_000])],  # to hide, or to build big
)
def test_a_forged_build_config_is_refused(reported, monkeypatch, units, built_for):
    def edit(config: dict) -> None:
        dense(config)["units"] = units
        # Keras builds the layer from this before any call.
        dense_layers(config)[0]["build_config"] = {"input_shape": built_for}

    never_loaded(monkeypatch)
    data = with_config(reported, edit)
    refused_quickly_and_small(data, "forged.keras", r"is built for \[None, ")


def test_an_entry_standing_for_an_earlier_layer_is_refused(reported, monkeypatch):
    def edit(config: dict) -> None:
        # An uncalled Dense of 10**6 units and the first Dense share an object
        # id: Keras hands back the wide one and builds it on the 784 inputs.
        first = dense_layers(config)[0]
        wide = copy.deepcopy(first) | {"name": "wide", "inbound_nodes": []}
        wide["config"] |= {"name": "wide", "units": 1_000_000}
        for entry in (wide, first):
            entry.pop("build_config")
            entry["shared_object_id"] = 7
        config["config"]["layers"].insert(1, wide)

    never_loaded(monkeypatch)
    data = with_config(reported, edit)
    refused_quickly_and_small(data, "alias.keras", "is shared or compiled")


def test_an_activation_that_is_a_layer_is_refused(reported, monkeypatch):
    def edit(config: dict) -> None:
        # Keras would take this Dense for the activation and build it on call.
        dense_layers(config)[0]["config"]["activation"] = {
            "module": "keras.layers",
            "class_name": "Dense",
            "config": {"units": 1_000_000},
            "registered_name": None,
        }

    never_loaded(monkeypatch)
    data = with_config(reported, edit)
    refused_quickly_and_small(data, "act.keras", "cannot be checked.*activation")


@pytest.mark.parametrize(
    "kind, body",
    [
        ("Embedding", lambda x: layers.Embedding(256, 4)(layers.Reshape((784,))(x))),
        ("Conv2DTranspose", lambda x: layers.Conv2DTranspose(4, 3)(x)),
        ("LSTM", lambda x: layers.LSTM(4)(layers.Reshape((28, 28))(x))),
    ],
)
def test_layer_kinds_the_count_cannot_follow_are_refused_by_kind(
    kind, body, monkeypatch
):
    data = archive(members_of(reader(body)))
    never_loaded(monkeypatch)
    message = (
        f"^other.keras uses a {kind} layer, which this app cannot check before "
        "loading; it checks models made of these layers: InputLayer, Dense, "
        ".*Concatenate, Functional, Sequential. It was not loaded.$"
    )
    refused_quickly_and_small(data, "other.keras", message)


def first_input(config: dict) -> dict:
    return dense_layers(config)[0]["inbound_nodes"][0]["args"][0]["config"]


def input_shape_is(shape: list):
    return lambda config: config["config"]["layers"][0]["config"].update(
        batch_shape=shape
    )


def looped(config: dict) -> None:
    # Flatten fed from the last Dense: no call can be made first.
    flatten = config["config"]["layers"][1]["inbound_nodes"][0]["args"][0]
    flatten["config"]["keras_history"] = [dense_layers(config)[1]["name"], 0, 0]


@pytest.mark.parametrize(
    "edit, reason",
    [
        (lambda c: first_input(c).update(keras_history=["elsewhere", 0, 0]), "from"),
        (lambda c: first_input(c).pop("keras_history"), "other than a traced tensor"),
        (looped, "does not lead back to an input"),
        (input_shape_is([None, 0, 28, 1]), "size 0, not a positive number"),
        (input_shape_is([None, 28.5, 28, 1]), "size 28.5, not a positive number"),
        (input_shape_is([None, 2**16, 2**16, 1]), "more than 2,147,483,648 numbers"),
        (lambda c: dense(c).update(units=True), "units is True, not a whole"),
        (lambda c: dense(c).update(input_shape=[10**6]), r"sets \['input_shape'\]"),
        (lambda c: dense(c).update(lora_rank=10**6), r"sets \['lora_rank'\]"),
        (lambda c: dense(c).update(dtype="int8_from_float32"), "has the dtype"),
    ],
    ids=[
        "unknown source", "untraced", "loop", "zero", "fraction", "huge", "bool",
        "legacy input", "lora", "quantized",
    ],
)  # fmt: skip
def test_a_graph_or_setting_the_count_cannot_follow_is_refused(reported, edit, reason):
    with pytest.raises(MnistError, match=f"^cut.keras cannot be checked.*{reason}"):
        read_model_file(with_config(reported, edit), "cut.keras")


@pytest.fixture(scope="module")
def stacked():
    """A Sequential model, built without keras.Input."""
    model = keras.Sequential([layers.Flatten(), layers.Dense(10, activation="softmax")])
    model.build((None, 28, 28, 1))
    return members_of(model), model.count_params()


def test_a_sequential_model_counts_from_its_input_layer_or_build_shape(stacked):
    members, params = stacked
    config = json.loads(members["config.json"])
    assert config_params(config) == params
    del config["config"]["layers"][0]  # the InputLayer: build_input_shape remains
    assert config_params(config) == params
    data = archive({**members, "config.json": json.dumps(config).encode()})
    assert load_uploaded_model(data, "stack.keras").count_params() == params


def test_a_sequential_model_without_an_input_shape_is_refused(stacked):
    def edit(config: dict) -> None:
        del config["config"]["layers"][0], config["config"]["build_input_shape"]

    with pytest.raises(MnistError, match="Sequential model 'sequential.*' has no"):
        read_model_file(with_config(stacked[0], edit), "bare.keras")


def test_a_model_of_too_many_layers_is_refused(stacked):
    def edit(config: dict) -> None:
        layers_ = config["config"]["layers"]
        dropout = {"module": "keras.layers", "class_name": "Dropout"}
        layers_[1:1] = [
            dropout | {"config": {"name": f"drop{i}", "rate": 0.1}}
            for i in range(MAX_LAYERS)
        ]

    with pytest.raises(MnistError, match=f"more than {MAX_LAYERS} layers"):
        read_model_file(with_config(stacked[0], edit), "deep.keras")


@pytest.mark.parametrize("name", [*ARCHITECTURES, "averaged"])
def test_the_count_is_keras_own_for_every_shipped_network(name):
    if name == "averaged":
        model = average_models([build_model("small"), build_model("fast")])
    else:
        model = build_model(name)
    config = json.loads(members_of(model)["config.json"])
    assert config_params(config) == model.count_params()


def test_the_count_is_keras_own_for_the_shipped_model_file():
    with zipfile.ZipFile(SHIPPED_MODEL_PATH) as shipped:
        config = json.loads(shipped.read("config.json"))
    model = keras.saving.load_model(SHIPPED_MODEL_PATH, compile=False)
    assert config_params(config) == model.count_params()


def convolutions(x):
    x = layers.Conv2D(6, 3, strides=2, padding="same")(x)
    x = layers.Conv2D(4, (3, 2), dilation_rate=2, groups=2, use_bias=False)(x)
    x = layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same")(x)
    x = layers.SeparableConv2D(6, 3, depth_multiplier=2)(x)
    x = layers.BatchNormalization(center=False)(x)
    x = layers.AveragePooling2D(3, strides=1, padding="same")(x)
    return layers.GlobalMaxPooling2D()(layers.MaxPooling2D()(x))


def reshaping(x):
    x = layers.ZeroPadding2D(((1, 2), (0, 3)))(x)
    x = layers.Cropping2D(((2, 1), (1, 0)))(x)
    x = layers.UpSampling2D((1, 2))(x)
    x = layers.Conv2D(4, 5, strides=4)(x)
    x = layers.SpatialDropout2D(0.1)(layers.Permute((2, 1, 3))(x))
    x = layers.PReLU(shared_axes=[1, 2])(x)
    x = layers.LayerNormalization(axis=[1, 3])(x)
    x = layers.Dense(5)(layers.Reshape((-1, 8))(x))  # on the last axis only
    return layers.PReLU()(layers.LayerNormalization(center=False)(x))


def merges(x):
    a = layers.Conv2D(4, 3, padding="same")(x)
    b = layers.Conv2D(4, 1)(x)
    pooled = layers.GlobalAveragePooling2D(keepdims=True)(a)  # broadcasts
    x = layers.Concatenate()(
        [
            layers.Add()([a, b, pooled]),
            layers.Subtract()([a, b]),
            layers.Multiply()([a, pooled]),
            layers.Average()([a, b]),
            layers.Maximum()([a, b]),
            layers.Minimum()([a, b]),
        ]
    )
    for layer in (
        layers.Activation("relu"),
        layers.ReLU(max_value=6.0),
        layers.LeakyReLU(0.1),
        layers.ELU(),
        layers.Softmax(),
        layers.Rescaling(1 / 255, offset=0.5),
        layers.GaussianNoise(0.1),
        layers.Dropout(0.2),
    ):
        x = layer(x)
    return layers.GlobalAveragePooling2D()(layers.Concatenate(axis=1)([x, x]))


def nested(x):
    block = keras.Sequential(
        [keras.Input((28, 28, 4)), layers.Conv2D(4, 3, padding="same")], name="block"
    )
    start = keras.Input((28, 28, 4))
    branch = keras.Model(start, layers.BatchNormalization()(start), name="branch")
    x = block(branch(block(layers.Conv2D(4, 1)(x))))  # weights once, two calls
    shared = layers.Dense(8)
    x = layers.Dense(8)(layers.Flatten()(layers.MaxPooling2D(4)(x)))
    return shared(shared(x))


HONEST = {"convolutions": convolutions, "reshaping": reshaping, "merges": merges}
HONEST |= {"nested": nested}


@pytest.fixture(scope="module")
def honest_models():
    keras.utils.set_random_seed(0)
    return {
        name: (model := reader(body), members_of(model))
        for name, body in HONEST.items()
    }


@pytest.mark.parametrize("name", list(HONEST))
def test_an_honest_model_of_allowed_kinds_is_counted_exactly_and_loads(
    name, honest_models
):
    model, members = honest_models[name]
    assert config_params(json.loads(members["config.json"])) == model.count_params()
    loaded = load_uploaded_model(archive(members), f"{name}.keras")
    digits = np.random.default_rng(0).random((2, 28, 28, 1), dtype=np.float32)
    np.testing.assert_allclose(loaded(digits), model(digits), atol=1e-5)


def test_the_honest_models_try_every_allowed_kind(honest_models):
    def kinds(entry: dict) -> set[str]:
        inner = entry["config"].get("layers", [])
        return {entry["class_name"]}.union(*(kinds(layer) for layer in inner))

    tried = set().union(
        *(
            kinds(json.loads(members["config.json"]))
            for _, members in honest_models.values()
        )
    )
    assert set(RULES) <= tried
