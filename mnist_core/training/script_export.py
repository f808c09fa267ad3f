"""Write a standalone Keras script that reproduces a training run (Train page).

With augmentation on, the script carries the project's own augmentation code
(the extra writing styles, the random warps and thickness, the seeded input
pipeline), copied from its source, so a run and its script see the same
batches for the same seed.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable, Iterator
from types import ModuleType

from mnist_core.constants import MNIST_TRAIN_IMAGES
from mnist_core.training.averaging import EMA_MOMENTUM
from mnist_core.training.config import TrainConfig
from mnist_core.training.model_pool import OPTIMIZER_KINDS, optimizer_arguments

# The script's docstring, line by line (each line is translated whole).
DOCSTRING = (
    "Train a CNN on MNIST, as configured in MNIST Studio.",
    "",
    "Needs: pip install {needs}",
    "Run:   python {filename}",
    "MNIST is downloaded by Keras; set MNIST_PATH=/path/to/mnist.npz to use a "
    "local copy.",
)

HEADER = '''
"""

import os

import keras
import numpy as np
from keras import layers

keras.utils.set_random_seed({seed})  # same seed, same result

# 1. Load the data: 60,000 training and 10,000 test digits, 28x28 grey pixels.
if os.environ.get("MNIST_PATH"):
    with np.load(os.environ["MNIST_PATH"]) as f:
        x_train, y_train = f["x_train"], f["y_train"]
        x_test, y_test = f["x_test"], f["y_test"]
else:
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
'''

SUBSET = """order = np.random.default_rng({seed}).permutation(len(x_train))[:{size}]
x_train, y_train = x_train[np.sort(order)], y_train[np.sort(order)]
"""

SHOW = """print("x_train shape:", x_train.shape, "first labels:", y_train[:10])
"""

PREPARE = """
# 2. Prepare: add the channel axis (28x28 -> 28x28x1), scale 0-255 to 0-1,
#    and turn each label into a one-hot vector (3 -> [0,0,0,1,0,0,0,0,0,0]).
x_train = x_train.astype("float32")[..., None] / 255
x_test = x_test.astype("float32")[..., None] / 255
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

# 3. Build the network.
inputs = keras.Input(shape=(28, 28, 1))
"""

LIBRARY_START = (
    "# --- MNIST Studio's augmentation, copied from its source (mnist_core) ---"
)
LIBRARY_END = "# --- end of MNIST Studio's code ---"

AUGMENT = """
# The app's augmentation: styled copies of some 0s, 7s and 1s (slashed zeros,
# crossed sevens, flagged ones) join the training digits, then every batch is
# tilted, resized, sheared, shifted and thickened at random, seeded per batch.
x_train, y_train = add_writing_styles(x_train, y_train, {seed})
train_data = make_dataset(
    x_train, y_train, {batch}, seed={seed}, training=True, augment=True
)
"""

CONV = "x = layers.Conv2D({filters}, {size}{padding}, use_bias=False)({source})\n"
BN_RELU = 'x = layers.Activation("relu")(layers.BatchNormalization(momentum=0.9)(x))\n'
POOL_LINE = "x = layers.MaxPooling2D(2)(x)\n"
DENSE_BN = (
    """x = layers.Flatten()(x)
x = layers.Dense({dense}, use_bias=False)(x)
"""
    + BN_RELU
    + "x = layers.Dropout({dropout})(x)\n"
)


def _batch_norm_cnn(padding: str, dense: int, dropout: float, pool_first: bool) -> str:
    """The code of models/architectures.py's `_batch_norm_cnn`, `{source}` open."""
    tail = POOL_LINE + BN_RELU if pool_first else BN_RELU + POOL_LINE
    first = CONV.format(filters=24, size=5, padding=padding, source="{source}")
    second = CONV.format(filters=48, size=3, padding=padding, source="x")
    return first + tail + second + tail + DENSE_BN.format(dense=dense, dropout=dropout)


ARCHITECTURE_CODE = {
    "recipe": """x = layers.Conv2D(32, 3, activation="relu")({source})
x = layers.Conv2D(64, 3, activation="relu")(x)
x = layers.MaxPooling2D(2)(x)
x = layers.Dropout(0.25)(x)
x = layers.Flatten()(x)
x = layers.Dense(128, activation="relu")(x)
x = layers.Dropout(0.5)(x)
""",
    "fast": _batch_norm_cnn(
        ', padding="same"', dense=256, dropout=0.3, pool_first=False
    ),
    # Pooling before BatchNorm and ReLU: less work, as accurate (see
    # models/architectures.py).
    "small": _batch_norm_cnn("", dense=128, dropout=0.2, pool_first=True),
}

RECALIBRATE = """
# BatchNorm's running averages lag behind on short runs: measure them once on
# 2,000 training images (the app averages over 512, in chunks, to save memory).
for layer in model.layers:
    if isinstance(layer, layers.BatchNormalization):
        layer.momentum = 0.0
model(x_train[:2000], training=True)

"""

AVERAGE = """# Keep a moving average of the weights (about the last {steps} steps); fit
# puts it into the model when it ends. (The app's average also forgets its
# first steps sooner, which matters for runs of under ~200 steps.)
"""

SCHEDULE = """# Warm up for the first sixth of the steps, then decay along a cosine.
steps = -(-len(x_train) // {batch}) * {epochs}
learning_rate = keras.optimizers.schedules.CosineDecay(
    {lr} / 10, decay_steps=steps - steps // 6, alpha=0.01,
    warmup_target={lr}, warmup_steps=steps // 6)
"""

FIT = """
# 4. Compile: the loss to minimise, how to minimise it, what to report.
model.compile(loss="categorical_crossentropy", optimizer=optimizer,
              metrics=["accuracy"])
model.summary()

# 5. Train: {epochs} passes over the data, {batch} images per step.
{fit}

{recalibrate}# 6. Evaluate on the 10,000 test digits the network never trained on.
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print("loss:", loss)
print("accuracy:", accuracy)
model.save("mnist_model.keras")
"""


def _optimizer_call(name: str, lr: str, average_weights: bool) -> str:
    """The Keras call that builds the app's optimizer `name` (model_pool.py)."""
    arguments = optimizer_arguments(name, average_weights)
    written = [lr] + [f"{key}={value!r}" for key, value in arguments.items()]
    return f"keras.optimizers.{OPTIMIZER_KINDS[name][0].__name__}({', '.join(written)})"


PLAIN_FIT = """model.fit(x_train, y_train, batch_size={batch}, epochs={epochs},
          validation_data=(x_test, y_test))"""
AUGMENTED_FIT = (
    """model.fit(train_data, epochs={epochs}, validation_data=(x_test, y_test))"""
)


def _module_body(module: ModuleType) -> tuple[list[ast.stmt], str]:
    """(its imports of anything but mnist_core, the code after its imports)."""
    source = inspect.getsource(module)
    tree = ast.parse(source)
    imports = [
        node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    kept = [
        node
        for node in imports
        if not (
            isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith(("mnist_core", "__future__"))
        )
    ]
    body = source.splitlines()[imports[-1].end_lineno :]
    return kept, "\n".join(body).strip() + "\n"


def _merged(imports: list[ast.stmt]) -> list[str]:
    """One import line per module, names merged and sorted."""
    plain, named = set(), {}
    for node in imports:
        names = {a.name + (f" as {a.asname}" if a.asname else "") for a in node.names}
        if isinstance(node, ast.Import):
            plain |= names
        else:
            named.setdefault(node.module, set()).update(names)
    lines = [f"import {name}" for name in sorted(plain)]
    lines += [
        f"from {module} import {', '.join(sorted(names))}"
        for module, names in sorted(named.items())
    ]
    return lines


def project_code() -> str:
    """The project's augmentation and what it needs, as one block of code."""
    from mnist_core import constants, errors
    from mnist_core.data import augment, writing_styles
    from mnist_core.drawing import photos, preprocess
    from mnist_core.training import pipeline

    imports, bodies = [], []
    modules = (constants, errors, photos, preprocess, writing_styles, augment, pipeline)
    for module in modules:
        kept, body = _module_body(module)
        imports += kept
        bodies.append(f"# {module.__name__}\n{body}")
    return "\n".join([LIBRARY_START, *_merged(imports), "", *bodies, LIBRARY_END, ""])


Translate = Callable[[str], str]
WIDTH = 79  # a comment's lines, when a translation rewraps them
COMMENT = re.compile(r"^(?P<code>\S.*?)?(?P<mark>\s*# )(?P<text>.*)$")
NUMBERED = re.compile(r"\d\. ")  # "# 2. Prepare: ...", continued under its words


def _blocks(template: str) -> Iterator[tuple[str, list[str]]]:
    """("code", [line]) for lines of code, ("comment", lines) for a run of
    whole-line comments, ("inline", [line]) for code with a comment after it."""
    run: list[str] = []
    for line in template.split("\n"):
        match = COMMENT.match(line)
        if match and not match["code"]:
            run.append(line)
            continue
        if run:
            yield "comment", run
            run = []
        yield ("inline" if match else "code"), [line]
    if run:
        yield "comment", run


def _paragraph(lines: list[str]) -> str:
    """A run of comment lines as one sentence: its words, without the marks."""
    return " ".join(COMMENT.match(line)["text"].strip() for line in lines)


def _translated(template: str, translate: Translate | None) -> str:
    """`template` with its comments in the reader's language (before its
    fields are filled in: the translations keep the same fields)."""
    if translate is None:
        return template
    out = []
    for kind, lines in _blocks(template):
        if kind == "code":
            out += lines
        elif kind == "inline":
            match = COMMENT.match(lines[0])
            out.append(match["code"] + match["mark"] + translate(match["text"]))
        else:
            english = _paragraph(lines)
            text = translate(english)
            if text == english:
                out += lines
                continue
            mark = COMMENT.match(lines[0])["mark"]
            indent = "   " if NUMBERED.match(english) else ""  # under "2. "
            out += textwrap.wrap(
                text, WIDTH, initial_indent=mark, subsequent_indent=mark + indent
            )
    return "\n".join(out)


def comment_texts() -> list[str]:
    """Every comment and docstring line the script may hold, in English: the
    keys of their translations."""
    texts = [line for line in DOCSTRING if line]
    for template in TEMPLATES:
        for kind, lines in _blocks(template):
            if kind == "comment":
                texts.append(_paragraph(lines))
            elif kind == "inline":
                texts.append(COMMENT.match(lines[0])["text"])
    return texts


def training_script(
    config: TrainConfig,
    filename: str = "train_mnist.py",
    translate: Translate | None = None,
) -> str:
    """Python source, using only Keras and NumPy (and with augmentation on, the
    project's own augmentation, copied in), that trains like `config`.

    Args:
        translate: gives an English comment in the reader's language (the
            script is theirs); the code is the same in every language. The
            copied project code keeps its own English comments.
    """
    config.validate()
    say = (lambda text: text) if translate is None else translate

    def part(template: str) -> str:
        return _translated(template, translate)

    lr = repr(config.learning_rate)
    needs = "tensorflow keras numpy" + (" pillow scipy" if config.augment else "")
    doc = "\n".join(say(line) if line else line for line in DOCSTRING)
    header = '"""' + doc + part(HEADER)
    parts = [header.format(filename=filename, seed=config.seed, needs=needs)]
    if config.augment:
        parts.append("\n" + project_code())
    if config.train_size < MNIST_TRAIN_IMAGES:
        parts.append(SUBSET.format(seed=config.seed, size=config.train_size))
    parts.append(SHOW)
    if config.augment:
        parts.append(part(AUGMENT).format(seed=config.seed, batch=config.batch_size))
    parts.append(part(PREPARE))
    parts.append(ARCHITECTURE_CODE[config.arch].format(source="inputs"))
    parts.append(
        'outputs = layers.Dense(10, activation="softmax")(x)\n'
        "model = keras.Model(inputs, outputs)\n"
    )
    if config.schedule == "onecycle":
        parts.append(
            "\n"
            + part(SCHEDULE).format(
                batch=config.batch_size, epochs=config.epochs, lr=lr
            )
        )
        lr = "learning_rate"
    if config.average_weights:
        parts.append(part(AVERAGE).format(steps=round(1 / (1 - EMA_MOMENTUM))))
    optimizer = _optimizer_call(config.optimizer, lr, config.average_weights)
    parts.append(f"optimizer = {optimizer}\n")
    recalibrate = (
        "\n" if config.arch == "recipe" else part(RECALIBRATE)
    )  # BatchNorm nets
    fit = (AUGMENTED_FIT if config.augment else PLAIN_FIT).format(
        epochs=config.epochs, batch=config.batch_size
    )
    parts.append(
        part(FIT).format(
            epochs=config.epochs,
            batch=config.batch_size,
            recalibrate=recalibrate,
            fit=fit,
        )
    )
    return "".join(parts)


# Every template with comments, for comment_texts (and the Spanish catalog).
TEMPLATES = (HEADER, AUGMENT, PREPARE, SCHEDULE, AVERAGE, RECALIBRATE, FIT)
