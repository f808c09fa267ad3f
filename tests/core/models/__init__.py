"""Tests of mnist_core.models."""
