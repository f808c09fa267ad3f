"""Shared fixtures: real MNIST ($MNIST_PATH or ../shared), small slices, a model."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from mnist_core.cli import HANDWRITING_PATH_ENV
from mnist_core.constants import DATA_DIR_ENV
from tests.support.datasets import DEFAULT_HANDWRITING, DEFAULT_MNIST

# The CLI's --samples default, for the tests that run handwriting-eval bare.
os.environ.setdefault(HANDWRITING_PATH_ENV, str(DEFAULT_HANDWRITING))
# What servers keep (the database, the link secret) goes to a folder of this
# test run, never to the checkout's data/; servers the tests start inherit it.
os.environ.setdefault(DATA_DIR_ENV, tempfile.mkdtemp(prefix="mnist-studio-data-"))


@pytest.fixture(scope="session")
def mnist_path() -> Path:
    if os.environ.get("MNIST_PATH"):
        return Path(os.environ["MNIST_PATH"])
    if DEFAULT_MNIST.exists():
        return DEFAULT_MNIST
    # A developer's machine without ../shared: Keras downloads and caches it once.
    import keras

    keras.datasets.mnist.load_data()
    return Path.home() / ".keras" / "datasets" / "mnist.npz"


@pytest.fixture(scope="session")
def mnist(mnist_path):
    from mnist_core.data.mnist import load_mnist

    return load_mnist(mnist_path)


@pytest.fixture(scope="session")
def small_mnist(mnist):
    """3,000 training and 1,000 test digits: enough to learn, quick to train on."""
    from mnist_core.data.mnist import MnistData

    return MnistData(
        mnist.x_train[:3000],
        mnist.y_train[:3000],
        mnist.x_test[:1000],
        mnist.y_test[:1000],
        source="first 3000/1000 of MNIST",
    )


@pytest.fixture(scope="session")
def trained(small_mnist):
    """A fast-architecture model trained briefly; shared by storage/inference tests."""
    from mnist_core.training.loop import train
    from tests.support.configs import BRIEF

    return train(BRIEF, small_mnist)


def pytest_collection_modifyitems(items):
    """A test that needs the trained model trains or loads Keras: it is slow."""
    for item in items:
        if "trained" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


def pytest_addoption(parser):
    """The curious visitor's walk (tests/e2e/test_curious_visitor.py): CI walks
    a fixed seed for a bounded number of steps; anyone may hunt with others."""
    parser.addoption("--visitor-seed", type=int, default=2026, help="walk's seed")
    parser.addoption("--visitor-steps", type=int, default=30, help="walk's length")
