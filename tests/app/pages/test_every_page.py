"""What every page does alike: stale links, missing MNIST, hostile links."""

import pytest


@pytest.mark.parametrize("name", ["train", "model"])
def test_a_link_from_before_a_restart_says_the_model_was_lost(page, name):
    from app_ui import common
    from mnist_core.serving.link_tokens import make_token

    made_before = make_token(common._link_secret())  # the secret outlives a restart
    at = page(name, query={"since": made_before})
    assert not at.exception
    assert any("a server restart loses it" in i.value for i in at.info)
    fresh = page(name)
    assert not any("server restart" in i.value for i in fresh.info)


@pytest.mark.parametrize("name", ["dataset", "prepare", "train"])
def test_without_mnist_the_pages_say_so_plainly(page, name, monkeypatch, tmp_path):
    from app_ui.common import get_data

    missing = tmp_path / "secret-folder" / "mnist.npz"
    monkeypatch.setenv("MNIST_PATH", str(missing))
    get_data.clear()
    try:
        at = page(name)
    finally:
        get_data.clear()
    assert not at.exception
    shown = " ".join(e.value for e in (*at.error, *at.markdown))
    assert "cannot load them right now" in shown and "Draw" in shown
    assert "secret-folder" not in shown and "Errno" not in shown
    assert "MNIST_PATH" in shown  # in the part for whoever runs the app


@pytest.mark.parametrize(
    "name, query",
    [
        ("train", {"epochs": "inf"}),
        ("train", {"epochs": "1e400"}),
        ("train", {"seed": "1e400"}),
        ("train", {"lr": "nan"}),
        ("dataset", {"page": "inf"}),
        ("dataset", {"index": "-inf"}),
        ("dataset", {"digit": "²"}),
    ],
)
def test_hostile_links_get_a_note_not_a_traceback(page, name, query):
    at = page(name, query=query)
    assert not at.exception
    assert any("From the link" in i.value for i in at.info)
