"""The weights a .keras file's network would allocate, counted from config.json.

Keras builds every layer from the config before it reads a single weight, so
this count is what bounds the memory a file can ask for. It starts from the
model's declared input (an InputLayer's `batch_shape`, a Sequential's
`build_input_shape`) and follows the graph through each layer's rule in
`layer_rules`. It never trusts the shapes a file states elsewhere, which an
attacker writes: a tensor's `shape` is ignored, and a layer's `build_config`
(which Keras does build from) must be a shape the layer is really given.
Kinds without a rule, and settings the rules do not cover, are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mnist_core.errors import MnistError
from mnist_core.models.layer_rules import MERGES, RULES, Shape, Unfollowable
from mnist_core.models.layer_settings import (
    bounded,
    check_entry,
    check_fresh,
    check_settings,
    declared_shape,
    input_shape,
)

MAX_LAYERS = 300  # in all, nested models' included; the shipped pair has 31
MAX_CALLS = 1000  # layer calls in all
MAX_DEPTH = 8  # models inside models
# The modules and registered names honest Keras 3 files give each kind.
MODELS = {
    "Functional": ("keras.src.models.functional", "Functional"),
    "Sequential": ("keras", None),
}


class UnknownKind(ValueError):
    """A layer kind without a rule."""


def config_params(config: dict, name: str = "model") -> int:
    """Numbers the network in `config` (a parsed config.json) would allocate,
    counted from shapes traced from its declared input.

    Raises:
        MnistError: a layer kind the count cannot check, or a network whose
            shapes cannot be followed from its input (or too many layers).
    """
    counter = _Counter()
    try:
        counter.model(config)
    except UnknownKind as exc:
        raise MnistError(
            "{name} uses a {kind} layer, which this app cannot check before "
            "loading; it checks models made of these layers: {kinds}. It was "
            "not loaded.",
            name=name,
            kind=str(exc),
            kinds=", ".join(["InputLayer", *RULES, *MODELS]),
        ) from None
    except (Unfollowable, KeyError, TypeError, AttributeError) as exc:
        reason = str(exc) if isinstance(exc, Unfollowable) else "a malformed config"
        raise MnistError(
            "{name} cannot be checked before loading: {reason}. It was not loaded.",
            name=name,
            reason=reason,
        ) from None
    return counter.params


@dataclass
class _Graph:
    """A model's declared input shapes and the output shapes traced from them."""

    inputs: list[Shape]
    outputs: list[Shape]


@dataclass
class _Layer:
    """One layer entry: what it is, and what it was given on each call."""

    name: str
    kind: str
    entry: dict
    shape: Shape | None = None  # an InputLayer's
    graph: _Graph | None = None  # a nested model's, traced from its own input
    given: list[list[Shape]] = field(default_factory=list)
    weights: int = 0  # the most any call builds (a second shape fails in Keras)


class _Counter:
    """Walks a config once, adding up the weights Keras would build."""

    def __init__(self) -> None:
        self.layers = self.calls = self.params = self.depth = 0

    def model(self, entry: dict) -> _Graph:
        kind = _model_kind(entry)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Unfollowable(f"it nests models more than {MAX_DEPTH} deep")
        walk = self.functional if kind == "Functional" else self.sequential
        graph = walk(entry["config"])
        self.depth -= 1
        _check_built_as_given(entry, [graph.inputs], f"the {kind} model")
        return graph

    def layer(self, entry: dict) -> _Layer:
        self.layers += 1
        if self.layers > MAX_LAYERS:
            raise Unfollowable(f"it has more than {MAX_LAYERS} layers")
        kind, name = entry["class_name"], entry.get("name") or entry["config"]["name"]
        if not isinstance(name, str):
            raise Unfollowable(f"a layer is named {name!r}")
        if kind in MODELS:  # Keras builds it whole from its own input, uncalled
            check_fresh(entry, name)
            return _Layer(name, kind, entry, graph=self.model(entry))
        if kind != "InputLayer" and kind not in RULES:
            raise UnknownKind(kind)
        check_entry(entry, name)
        if kind == "InputLayer":
            return _Layer(name, kind, entry, shape=input_shape(entry["config"], name))
        check_settings(entry["config"], name)
        return _Layer(name, kind, entry)

    def call(self, layer: _Layer, inputs: list[Shape], listed: bool) -> list[Shape]:
        self.calls += 1
        if self.calls > MAX_CALLS:
            raise Unfollowable(f"it calls its layers more than {MAX_CALLS} times")
        layer.given.append(inputs)
        if layer.graph is not None:
            declared = [shape[1:] for shape in layer.graph.inputs]
            if [shape[1:] for shape in inputs] != declared:
                raise Unfollowable(f"model {layer.name!r} is given {inputs}")
            return layer.graph.outputs
        if layer.kind == "InputLayer" or listed != (layer.kind in MERGES):
            raise Unfollowable(f"layer {layer.name!r} is called on the wrong inputs")
        try:
            shape, weights = RULES[layer.kind](layer.entry["config"], inputs)
        except Unfollowable as exc:
            raise Unfollowable(f"layer {layer.name!r}: {exc}") from None
        layer.weights = max(layer.weights, weights)
        return [bounded(shape, f"the output of layer {layer.name!r}")]

    def finish(self, layers) -> None:
        """Add up the layers' weights, once each however often they were called."""
        for layer in layers:
            if layer.graph is None and layer.kind != "InputLayer":
                _check_built_as_given(layer.entry, layer.given, f"layer {layer.name!r}")
                self.params += layer.weights

    def sequential(self, config: dict) -> _Graph:
        layers = [self.layer(entry) for entry in config["layers"]]
        if layers and layers[0].kind == "InputLayer":
            inputs, rest = [layers[0].shape], layers[1:]
        elif config.get("build_input_shape") is not None:  # read only without one
            inputs = [declared_shape(config["build_input_shape"], "its input")]
            rest = layers
        else:
            raise Unfollowable(f"the Sequential model {config['name']!r} has no input")
        outputs = inputs
        for layer in rest:
            outputs = self.call(layer, outputs, listed=False)
            if len(outputs) != 1:
                raise Unfollowable(f"model {layer.name!r} has several outputs")
        self.finish(layers)
        return _Graph(inputs, outputs)

    def functional(self, config: dict) -> _Graph:
        layers: dict[str, _Layer] = {}
        for entry in config["layers"]:
            layer = self.layer(entry)
            if layer.name in layers:
                raise Unfollowable(f"two layers are called {layer.name!r}")
            layers[layer.name] = layer
        nodes = {e["name"]: _listed(e["inbound_nodes"]) for e in config["layers"]}
        made = self.trace(nodes, layers)
        self.finish(layers.values())
        inputs = _refs(config["input_layers"])
        if any(
            ref[0] not in layers or layers[ref[0]].kind != "InputLayer"
            for ref in inputs
        ):
            raise Unfollowable("its inputs are not Input layers")
        return _Graph(
            [_model_end(made, layers, ref) for ref in inputs],
            [_model_end(made, layers, ref) for ref in _refs(config["output_layers"])],
        )

    def trace(self, nodes: dict[str, list], layers: dict[str, _Layer]) -> dict:
        """The output shapes of every call, keyed (layer, call), in the order
        Keras makes them: a call waits until the calls feeding it are made."""
        made = {(n, 0): [lay.shape] for n, lay in layers.items() if lay.shape}
        progress = True
        while progress:
            progress = False
            for name, waiting in nodes.items():
                while waiting and (given := _inputs(waiting[0], made, layers)):
                    index = len(layers[name].given)
                    made[(name, index)] = self.call(layers[name], *given)
                    waiting.pop(0)
                    progress = True
        stuck = [name for name, waiting in nodes.items() if waiting]
        if stuck:
            raise Unfollowable(
                f"the input of layer {stuck[0]!r} does not lead back to an input"
            )
        return made


def _model_kind(entry: dict) -> str:
    kind = entry["class_name"]
    if kind in RULES or kind == "InputLayer":
        raise Unfollowable(f"it holds a single {kind} layer, not a model")
    if kind not in MODELS:
        raise UnknownKind(kind)  # a model subclass: its code is not checked
    if (entry.get("module"), entry.get("registered_name")) != MODELS[kind]:
        raise Unfollowable(f"its {kind} model is not saved as Keras's own")
    return kind


def _listed(value) -> list:
    if not isinstance(value, list):
        raise Unfollowable(f"its graph holds {value!r} where Keras writes a list")
    return list(value)


def _check_built_as_given(entry: dict, given: list[list[Shape]], what: str) -> None:
    """Keras builds a layer from its `build_config` before any call: it must
    be a shape the layer is really given (the batch aside), or nothing."""
    build = entry.get("build_config")
    if not build:
        return
    if set(build) != {"input_shape"}:
        raise Unfollowable(f"{what} is built from {sorted(build)}")
    shape = build["input_shape"]
    if shape is None or any(_same(shape, inputs) for inputs in given):
        return
    raise Unfollowable(f"{what} is built for {shape}, not the shape it is given")


def _same(shape, inputs: list[Shape]) -> bool:
    """Whether a build_config's shape is that of `inputs`: one, or a list."""

    def one(value, traced: Shape) -> bool:
        return isinstance(value, list) and (
            len(value) == len(traced) and value[1:] == list(traced[1:])
        )

    if len(inputs) == 1 and one(shape, inputs[0]):
        return True
    return (
        isinstance(shape, list)
        and len(shape) == len(inputs)
        and all(one(value, traced) for value, traced in zip(shape, inputs, strict=True))
    )


def _is_ref(value) -> bool:
    """[layer name, call, output]: where Keras finds a tensor."""
    return (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and all(type(n) is int and n >= 0 for n in value[1:])
    )


def _refs(value) -> list[list]:
    """A model's input or output ends: one reference, or a list of them."""
    if _is_ref(value):
        return [value]
    if isinstance(value, list) and value and all(_is_ref(ref) for ref in value):
        return value
    raise Unfollowable(f"its inputs or outputs are {value!r}")


def _inputs(node, made: dict, layers: dict) -> tuple[list[Shape], bool] | None:
    """The shapes a call is given, and whether as a list; None if a call
    feeding it is not made yet."""
    if not isinstance(node, dict) or len(_listed(node.get("args"))) != 1:
        raise Unfollowable("a layer call is not one Keras 3 writes")
    _check_kwargs(node.get("kwargs") or {})
    arg = node["args"][0]
    listed = isinstance(arg, list)
    shapes = []
    for tensor in arg if listed else [arg]:
        name, index, output = _history(tensor)
        if name not in layers:
            raise Unfollowable(f"a layer takes its input from {name!r}, not a layer")
        outputs = made.get((name, index))
        if outputs is None:
            return None
        if output >= len(outputs):
            raise Unfollowable(f"layer {name!r} has no output {output}")
        shapes.append(outputs[output])
    return shapes, listed


def _history(tensor) -> list:
    """Where a tensor comes from; its stated `shape` is never read."""
    history = None
    if isinstance(tensor, dict) and tensor.get("class_name") == "__keras_tensor__":
        history = (tensor.get("config") or {}).get("keras_history")
    if not _is_ref(history):
        raise Unfollowable("a layer is given something other than a traced tensor")
    return history


def _check_kwargs(kwargs) -> None:
    # Allowed layers take options here (training, mask=None), never tensors.
    if not isinstance(kwargs, dict) or any(
        isinstance(value, dict | list) for value in kwargs.values()
    ):
        raise Unfollowable("a layer call passes more than its input")


def _model_end(made: dict, layers: dict[str, _Layer], ref: list) -> Shape:
    name, index, output = ref
    if name in layers and layers[name].kind == "Functional":
        index -= 1  # Keras numbers a nested Functional model's calls from 1 here
    outputs = made.get((name, index)) or []
    if output >= len(outputs):
        raise Unfollowable(f"its input or output {ref} is not a traced tensor")
    return outputs[output]
