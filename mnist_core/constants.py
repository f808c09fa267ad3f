"""Facts about MNIST and the project's files, in one place."""

import os
from pathlib import Path

NUM_CLASSES = 10
IMAGE_SIZE = 28
INPUT_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)
MNIST_TRAIN_IMAGES = 60_000  # a training-set size of this many means "all of them"
# MNIST's digits were scaled so the longer side of the ink is 20 px, then centred
# by centre of mass in the 28x28 field (LeCun et al.).
DIGIT_BOX = 20
# Mean centre of mass of MNIST's training digits in array index coordinates,
# measured with scipy.ndimage.center_of_mass: (13.99, 14.00).
CENTRE_OF_MASS = (14.0, 14.0)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The model that ships with the repo, trained by `python -m mnist_core train`.
SHIPPED_MODEL_PATH = PROJECT_ROOT / "models" / "mnist_cnn.keras"
MNIST_PATH_ENV = "MNIST_PATH"

DATA_DIR_ENV = "MNIST_DATA_DIR"
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"


def data_dir() -> Path:
    """Where the server keeps what it must remember across restarts."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)
