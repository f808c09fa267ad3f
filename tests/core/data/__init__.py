"""Tests of mnist_core.data."""
