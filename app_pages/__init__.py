"""The app's six pages, one script each: read widgets, call mnist_core, draw."""
