"""Summaries of the dataset for the Dataset page: counts, means, histogram, 2-D map."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mnist_core.constants import NUM_CLASSES

EMBED_METHODS = ("PCA", "t-SNE")
CHUNK = 2000  # images per step: ~1.6 M pixels, ~13 MB of counts at most


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
    return black_share(intensity_counts(x))


def black_share(counts: np.ndarray) -> float:
    """The share of pure black pixels among per-intensity `counts`."""
    return float(counts[0] / max(counts.sum(), 1))


def intensity_counts(x: np.ndarray) -> np.ndarray:
    """How many pixels have each intensity 0-255, counted a chunk at a time:
    a count over all 47 M training pixels at once would hold ~380 MB."""
    counts = np.zeros(256, np.int64)
    for start in range(0, len(x), CHUNK):
        counts += np.bincount(x[start : start + CHUNK].ravel(), minlength=256)
    return counts


def class_counts(y: np.ndarray) -> np.ndarray:
    return np.bincount(y, minlength=NUM_CLASSES)


def mean_images(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(10, 28, 28) average image of each digit, in [0, 1], summed a chunk at a
    time (no copy of a digit's images)."""
    sums = np.zeros((NUM_CLASSES, *x.shape[1:]), np.float64)
    for start in range(0, len(x), CHUNK):
        images, labels = x[start : start + CHUNK], y[start : start + CHUNK]
        for digit in range(NUM_CLASSES):
            sums[digit] += images[labels == digit].sum(axis=0, dtype=np.float64)
    counts = np.maximum(class_counts(y), 1).reshape(-1, 1, 1)
    return sums / counts / 255.0


def pixel_histogram(x: np.ndarray, bins: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Counts of pixel intensities 0-255 over every image given, and bin edges."""
    return bin_counts(intensity_counts(x), bins)


def bin_counts(counts: np.ndarray, bins: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Per-intensity counts grouped into `bins` equal bins, and their edges."""
    edges = np.linspace(0, 256, bins + 1).astype(int)
    return np.add.reduceat(counts, edges[:-1]), edges


@dataclass(frozen=True)
class SplitSummary:
    """What the Dataset page shows about a whole split: computed once per
    server and shared by every visitor (each array is small)."""

    counts: np.ndarray  # (10,) digits of each class
    means: np.ndarray  # (10, 28, 28) average image of each digit, in [0, 1]
    intensities: np.ndarray  # (256,) pixels of each intensity
    background: float  # share of pixels that are pure black

    def histogram(self, bins: int = 32) -> tuple[np.ndarray, np.ndarray]:
        return bin_counts(self.intensities, bins)


def summarize_split(x: np.ndarray, y: np.ndarray) -> SplitSummary:
    """The split's summary, in bounded memory (a chunk of images at a time)."""
    intensities = intensity_counts(x)
    means = mean_images(x, y)
    return SplitSummary(class_counts(y), means, intensities, black_share(intensities))


# A t-SNE of 2,000 digits took 84 times as long as its PCA step on a busy
# 2-core server (1.7 s, then 144 s; 2026-12-01): until this server has made
# one, its expected time is the PCA step's, times this range.
TSNE_PER_PCA = (40.0, 120.0)


def embed_2d(
    x: np.ndarray, y: np.ndarray, size: int = 2000, method: str = "PCA", seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A seeded subsample of `size` digits placed in 2-D; returns (coords, labels)."""
    flat, labels = embed_sample(x, y, size, seed)
    coords = pca(flat, 2 if method == "PCA" else 50, seed)
    if method == "t-SNE":
        coords = tsne(coords, seed)
    return coords, labels


def embed_sample(
    x: np.ndarray, y: np.ndarray, size: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """`size` seeded random digits as flat rows in [0, 1], and their labels."""
    order = np.random.default_rng(seed).permutation(len(x))[:size]
    return x[order].reshape(len(order), -1).astype(np.float32) / 255.0, y[order]


def pca(flat: np.ndarray, components: int, seed: int = 0) -> np.ndarray:
    from sklearn.decomposition import PCA  # deferred: only this page needs it

    return PCA(n_components=components, random_state=seed).fit_transform(flat)


def tsne(reduced: np.ndarray, seed: int = 0) -> np.ndarray:
    """The slow step (tens of seconds for 2,000 digits on 2 cores)."""
    from sklearn.manifold import TSNE

    return TSNE(2, init="pca", random_state=seed).fit_transform(reduced)
