"""Dataset summaries: counts, means, histogram, 2-D map."""

import numpy as np
import pytest

from mnist_core.data import stats


def test_counts_and_means_per_digit(mnist):
    x, y = mnist.x_test, mnist.y_test
    counts = stats.class_counts(y)
    assert counts.sum() == 10000 and counts[1] == np.sum(y == 1)
    means = stats.mean_images(x, y)
    assert means.shape == (10, 28, 28) and 0 <= means.min() and means.max() <= 1
    np.testing.assert_allclose(means[3], x[y == 3].mean(axis=0) / 255)


def test_histogram_counts_every_pixel(mnist):
    counts, edges = stats.pixel_histogram(mnist.x_test[:100], bins=16)
    assert counts.sum() == 100 * 784 and len(edges) == 17
    assert counts[0] == np.sum(mnist.x_test[:100] < 16)


def test_pca_map_is_seeded_and_separates_ones_from_zeros(mnist):
    coords, labels = stats.embed_2d(mnist.x_test, mnist.y_test, size=500)
    again, _ = stats.embed_2d(mnist.x_test, mnist.y_test, size=500)
    assert coords.shape == (500, 2)
    np.testing.assert_allclose(coords, again)
    zeros, ones = coords[labels == 0].mean(axis=0), coords[labels == 1].mean(axis=0)
    spread = coords.std(axis=0).mean()
    assert np.linalg.norm(zeros - ones) > spread  # PCA's first axis tells 0 from 1


def test_sample_page_filters_by_digit_and_pages():
    from mnist_core.data.stats import sample_page

    y = np.array([7, 1, 7, 7, 2, 7])
    assert sample_page(y, 7, 1, 2)[0].tolist() == [0, 2]
    assert sample_page(y, 7, 2, 2)[0].tolist() == [3, 5]
    assert sample_page(y, 7, 9, 2)[0].tolist() == [3, 5]  # past the end: the last
    shown, pages = sample_page(y, None, 1, 4)
    assert shown.tolist() == [0, 1, 2, 3] and pages == 2
    assert sample_page(y, 9, 1, 4)[0].tolist() == [] and sample_page(y, 9, 1, 4)[1] == 1


def test_background_share_counts_pure_black_only():
    from mnist_core.data.stats import background_share

    x = np.array([[[0, 0], [1, 255]]], np.uint8)
    assert background_share(x) == 0.5


def _neighbour_agreement(coords: np.ndarray, labels: np.ndarray) -> float:
    """Share of points whose nearest other point on the map is the same digit."""
    distances = np.linalg.norm(coords[:, None] - coords[None], axis=2)
    np.fill_diagonal(distances, np.inf)
    return float(np.mean(labels[distances.argmin(axis=1)] == labels))


@pytest.mark.slow  # t-SNE on 400 digits: tens of seconds on two cores
def test_tsne_map_keeps_each_digit_together_better_than_pca(mnist):
    x, y = mnist.x_test, mnist.y_test
    tsne, labels = stats.embed_2d(x, y, size=400, method="t-SNE")
    pca, _ = stats.embed_2d(x, y, size=400, method="PCA")
    assert tsne.shape == (400, 2) and np.isfinite(tsne).all()
    assert _neighbour_agreement(tsne, labels) > 0.8
    assert _neighbour_agreement(tsne, labels) > _neighbour_agreement(pca, labels) + 0.2
