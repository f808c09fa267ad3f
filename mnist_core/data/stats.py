"""Summaries of the dataset for the Dataset page: counts, means, histogram, 2-D map."""

from __future__ import annotations

import numpy as np

from mnist_core.constants import NUM_CLASSES

EMBED_METHODS = ("PCA", "t-SNE")


def page_count(count: int, per_page: int) -> int:
    """Pages needed to show `count` samples, at least one."""
    return max(1, -(-count // per_page))


def sample_page(
    y: np.ndarray, digit: int | None, page: int, per_page: int
) -> tuple[np.ndarray, int]:
    """Indices of the samples on `page` (1-based) of those labelled `digit`
    (all when None), and how many pages they fill; a page past the end shows
    the last one."""
    chosen = np.arange(len(y)) if digit is None else np.flatnonzero(y == digit)
    pages = page_count(len(chosen), per_page)
    page = min(max(page, 1), pages)
    return chosen[(page - 1) * per_page : page * per_page], pages


def background_share(x: np.ndarray) -> float:
    """The share of all pixels that are pure black background."""
    return float(np.mean(x == 0))


def class_counts(y: np.ndarray) -> np.ndarray:
    return np.bincount(y, minlength=NUM_CLASSES)


def mean_images(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(10, 28, 28) average image of each digit, in [0, 1]."""
    return np.stack([x[y == d].mean(axis=0) / 255.0 for d in range(NUM_CLASSES)])


def pixel_histogram(x: np.ndarray, bins: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Counts of pixel intensities 0-255 over every image given, and bin edges."""
    counts = np.bincount(x.ravel(), minlength=256)
    edges = np.linspace(0, 256, bins + 1).astype(int)
    return np.add.reduceat(counts, edges[:-1]), edges


def embed_2d(
    x: np.ndarray, y: np.ndarray, size: int = 2000, method: str = "PCA", seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A seeded subsample of `size` digits placed in 2-D; returns (coords, labels)."""
    order = np.random.default_rng(seed).permutation(len(x))[:size]
    flat = x[order].reshape(len(order), -1).astype(np.float32) / 255.0
    from sklearn.decomposition import PCA  # deferred: only this page needs it

    reduced = PCA(n_components=2 if method == "PCA" else 50, random_state=seed)
    coords = reduced.fit_transform(flat)
    if method == "t-SNE":
        from sklearn.manifold import TSNE

        coords = TSNE(2, init="pca", random_state=seed).fit_transform(coords)
    return coords, y[order]
