"""Loading MNIST from npz and IDX files, and every way a file can be wrong."""

import gzip

import numpy as np
import pytest

from mnist_core.data.mnist import (
    IDX_FILES,
    MnistData,
    fingerprint,
    load_mnist,
    subsample,
    to_model_input,
)
from mnist_core.errors import MnistError


def tiny_arrays(n_train=12, n_test=5, seed=0):
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }


def idx_bytes(array: np.ndarray) -> bytes:
    header = bytes([0, 0, 0x08, array.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.tobytes()


def write_idx_folder(folder, arrays, gz: bool):
    folder.mkdir(exist_ok=True)
    for key, name in IDX_FILES.items():
        raw = idx_bytes(arrays[key])
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(raw))
        else:
            (folder / name).write_bytes(raw)
    return folder


def assert_same(data: MnistData, arrays):
    for key, value in arrays.items():
        np.testing.assert_array_equal(getattr(data, key), value)
        assert getattr(data, key).dtype == np.uint8


def test_npz_in_keras_layout_loads(tmp_path):
    arrays = tiny_arrays()
    np.savez(tmp_path / "m.npz", **arrays)
    assert_same(load_mnist(tmp_path / "m.npz"), arrays)


@pytest.mark.parametrize("gz", [False, True], ids=["raw", "gzipped"])
def test_idx_folder_loads(tmp_path, gz):
    arrays = tiny_arrays()
    folder = write_idx_folder(tmp_path / "idx", arrays, gz)
    assert_same(load_mnist(folder), arrays)


def test_environment_variable_is_used_when_no_path_given(tmp_path, monkeypatch):
    arrays = tiny_arrays()
    np.savez(tmp_path / "env.npz", **arrays)
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "env.npz"))
    assert load_mnist().source.endswith("env.npz")


def test_explicit_path_beats_environment_variable(tmp_path, monkeypatch):
    np.savez(tmp_path / "a.npz", **tiny_arrays())
    monkeypatch.setenv("MNIST_PATH", str(tmp_path / "missing.npz"))
    assert load_mnist(tmp_path / "a.npz").source.endswith("a.npz")


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(MnistError, match="not found: .*nowhere.npz"):
        load_mnist(tmp_path / "nowhere.npz")


def test_truncated_npz_says_so(tmp_path):
    np.savez(tmp_path / "m.npz", **tiny_arrays())
    raw = (tmp_path / "m.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(MnistError, match="cut.npz.*truncated or corrupt"):
        load_mnist(tmp_path / "cut.npz")


def test_npz_without_expected_keys_lists_them(tmp_path):
    np.savez(tmp_path / "m.npz", images=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(MnistError, match="lacks x_train, y_train, x_test, y_test"):
        load_mnist(tmp_path / "m.npz")


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("x_train", np.zeros((12, 28, 27), np.uint8), r"shape \(12, 28, 27\)"),
        ("x_train", np.zeros((12, 28, 28), np.float32), "must be uint8"),
        ("y_test", np.full(5, 10, np.uint8), "labels must be 0-9, found 10"),
        ("y_train", np.zeros(11, np.uint8), "12 images but labels of shape"),
    ],
    ids=["wrong-shape", "float-pixels", "label-10", "count-mismatch"],
)
def test_wrong_arrays_are_refused_with_the_reason(tmp_path, key, value, message):
    arrays = tiny_arrays() | {key: value}
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(MnistError, match=message):
        load_mnist(tmp_path / "bad.npz")


def test_truncated_idx_file_is_named(tmp_path):
    folder = write_idx_folder(tmp_path / "idx", tiny_arrays(), gz=False)
    victim = folder / "t10k-images-idx3-ubyte"
    victim.write_bytes(victim.read_bytes()[:-100])
    with pytest.raises(MnistError, match="t10k-images-idx3-ubyte is truncated"):
        load_mnist(folder)


def test_idx_with_bad_header_is_refused(tmp_path):
    folder = write_idx_folder(tmp_path / "idx", tiny_arrays(), gz=False)
    (folder / "train-labels-idx1-ubyte").write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(MnistError, match="train-labels-idx1-ubyte is not an IDX"):
        load_mnist(folder)


def test_damaged_gzip_is_refused(tmp_path):
    folder = write_idx_folder(tmp_path / "idx", tiny_arrays(), gz=True)
    victim = folder / "train-images-idx3-ubyte.gz"
    victim.write_bytes(victim.read_bytes()[:40])
    with pytest.raises(MnistError, match="train-images-idx3-ubyte.gz"):
        load_mnist(folder)


def test_idx_folder_missing_a_file_names_it(tmp_path):
    folder = write_idx_folder(tmp_path / "idx", tiny_arrays(), gz=False)
    (folder / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(MnistError, match="lacks t10k-labels-idx1-ubyte"):
        load_mnist(folder)


def test_real_mnist_matches_the_published_facts(mnist):
    assert mnist.x_train.shape == (60000, 28, 28)
    assert mnist.x_test.shape == (10000, 28, 28)
    assert mnist.x_train.dtype == np.uint8  # no float copy of the whole set
    assert mnist.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    counts = np.bincount(mnist.y_train, minlength=10).tolist()
    assert counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_fingerprint_changes_with_any_label():
    arrays = tiny_arrays()
    before = fingerprint(arrays["x_train"], arrays["y_train"])
    arrays["y_train"][0] = (arrays["y_train"][0] + 1) % 10
    assert fingerprint(arrays["x_train"], arrays["y_train"]) != before


def test_subsample_is_seeded_and_sized():
    arrays = tiny_arrays(n_train=100)
    x1, y1 = subsample(arrays["x_train"], arrays["y_train"], 30, seed=3)
    x2, _ = subsample(arrays["x_train"], arrays["y_train"], 30, seed=3)
    x3, _ = subsample(arrays["x_train"], arrays["y_train"], 30, seed=4)
    assert x1.shape == (30, 28, 28) and y1.shape == (30,)
    np.testing.assert_array_equal(x1, x2)
    assert not np.array_equal(x1, x3)


def test_model_input_is_scaled_with_a_channel_axis():
    x = np.array([[[0, 255] + [0] * 26] * 28], np.uint8)
    out = to_model_input(x)
    assert out.shape == (1, 28, 28, 1) and out.dtype == np.float32
    assert out.max() == 1.0 and out.min() == 0.0


def test_without_a_path_mnist_comes_from_keras_cache(monkeypatch, tmp_path, mnist_path):
    import shutil

    from mnist_core.data import mnist as module

    monkeypatch.delenv("MNIST_PATH", raising=False)
    monkeypatch.setattr(module, "KERAS_CACHE", tmp_path)
    shutil.copy(mnist_path, tmp_path / "mnist.npz")  # as Keras leaves it
    data = module.load_mnist()
    assert (
        data.x_train.shape == (60000, 28, 28) and data.source == "keras.datasets.mnist"
    )


def test_no_internet_is_said_plainly_without_errno(monkeypatch, tmp_path):
    from mnist_core.data import mnist as module

    def offline(*args, **kwargs):
        raise OSError("[Errno -2] Name or service not known")

    monkeypatch.delenv("MNIST_PATH", raising=False)
    monkeypatch.setattr(module, "KERAS_CACHE", tmp_path)
    monkeypatch.setattr(module.urllib.request, "urlopen", offline)
    with pytest.raises(MnistError) as caught:
        module.load_mnist()
    assert "no internet connection" in str(caught.value)
    assert "Errno" not in str(caught.value) and str(tmp_path) not in str(caught.value)
    assert list(tmp_path.iterdir()) == []  # nothing half-written is left


def test_a_download_with_the_wrong_checksum_is_not_kept(monkeypatch, tmp_path):
    import io

    from mnist_core.data import mnist as module

    monkeypatch.delenv("MNIST_PATH", raising=False)
    monkeypatch.setattr(module, "KERAS_CACHE", tmp_path)
    monkeypatch.setattr(
        module.urllib.request, "urlopen", lambda *a, **k: io.BytesIO(b"not mnist")
    )
    with pytest.raises(MnistError, match="could not be downloaded"):
        module.load_mnist()
    assert list(tmp_path.iterdir()) == []
