"""Tests of mnist_core.serving."""
