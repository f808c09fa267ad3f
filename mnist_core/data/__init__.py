"""The digits a model learns from: MNIST, its statistics, augmentation, extra styles."""
