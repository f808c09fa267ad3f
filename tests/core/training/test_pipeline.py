"""The training input pipeline: every image once per epoch, with its own label."""

import numpy as np

from mnist_core.training.pipeline import make_dataset

COUNT = 50  # image i is filled with the value i, and its label is i % 10


def marked_images():
    x = np.repeat(np.arange(COUNT, dtype=np.uint8), 28 * 28).reshape(COUNT, 28, 28)
    return x, (np.arange(COUNT) % 10).astype(np.uint8)


def one_epoch(ds) -> tuple[np.ndarray, np.ndarray]:
    """(the image number of each item, in order; its label) over one pass."""
    numbers, labels = [], []
    for images, one_hot in ds:
        assert images.shape[1:] == (28, 28, 1) and images.dtype == "float32"
        images = images.numpy()
        # Scaled to [0, 1] and one value per image, so the image number is readable.
        assert np.all(images == images[:, :1, :1, :])
        numbers += np.rint(images[:, 0, 0, 0] * 255).astype(int).tolist()
        labels += one_hot.numpy().argmax(axis=1).tolist()
    return np.array(numbers), np.array(labels)


def test_each_image_comes_once_per_epoch_with_its_own_label():
    x, y = marked_images()
    numbers, labels = one_epoch(make_dataset(x, y, 16, seed=3, training=True))
    assert sorted(numbers) == list(range(COUNT))
    np.testing.assert_array_equal(labels, numbers % 10)


def test_training_order_is_reshuffled_each_epoch_and_repeats_with_the_seed():
    x, y = marked_images()
    ds = make_dataset(x, y, 16, seed=3, training=True)
    first, second = one_epoch(ds)[0], one_epoch(ds)[0]
    assert not np.array_equal(first, second)
    again = one_epoch(make_dataset(x, y, 16, seed=3, training=True))[0]
    np.testing.assert_array_equal(first, again)


def test_test_data_keeps_its_order():
    x, y = marked_images()
    numbers, _ = one_epoch(make_dataset(x, y, 16))
    np.testing.assert_array_equal(numbers, np.arange(COUNT))


def test_a_dropped_dataset_lets_go_of_its_arrays():
    # Every training and every Teach makes new arrays; a server that kept
    # them all grew by each training's images (tensorflow/tensorflow#35084).
    import gc
    import weakref

    x, y = marked_images()
    ds = make_dataset(x, y, 16, training=True)
    assert len(one_epoch(ds)[0]) == COUNT
    gone = weakref.ref(x)
    del x, y, ds
    gc.collect()
    assert gone() is None
