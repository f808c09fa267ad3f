"""MNIST Studio's core: data, models, training, preprocessing, inference, storage.

Importing this package is cheap: modules that need TensorFlow (`models`,
`training`, `inference`, `storage`) import it themselves, so the app's first page
never pays for it.
"""

import os

# TensorFlow logs CPU-feature banners at import; users cannot act on them.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"
