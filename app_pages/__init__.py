"""The app's pages: UI only; everything they compute comes from mnist_core."""
