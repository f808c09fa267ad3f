"""MNIST Studio's core, never importing streamlit; its rooms from the top down:

- `cli`: the command line (`python -m mnist_core`).
- `serving`: many users at once: the training queue, Ray trainings, links, limits.
- `training`: settings (TF-free), the loop, callbacks, evaluation, export.
- `reading`: any picture to a digit: preprocessing, classifier, explanations.
- `models`: architectures, their anatomy and cost, model files and storage.
- `data`: MNIST, its statistics, augmentation, pen digits, writing styles.

Importing this package is cheap: modules that need TensorFlow (most of `models`
and `training`, the classifier, augmentation) import it themselves, so the
app's first page never pays for it.
"""

import os

# TensorFlow logs CPU-feature banners at import; users cannot act on them.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"
