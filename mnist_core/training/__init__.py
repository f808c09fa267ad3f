"""Training a network: settings, the loop, its callbacks, evaluation, fine-tuning.

`config` imports no TensorFlow, so pages that only show settings stay light.
"""
