"""Tests of mnist_core.training."""
