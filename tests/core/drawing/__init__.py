"""Tests of mnist_core.drawing."""
