"""Tests of mnist_core.reading."""
