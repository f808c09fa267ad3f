"""An address that names no page is told so, not silently shown Home."""

import pytest

from app_ui.navigation import PAGES, unknown_address


@pytest.mark.parametrize(
    "url, base, expected",
    [
        ("http://127.0.0.1:8501/nonexistent", "", "nonexistent"),
        ("http://127.0.0.1:8501/", "", None),
        ("http://127.0.0.1:8501", "", None),
        ("http://127.0.0.1:8501/draw", "", None),
        ("http://host/mnist/", "mnist", None),
        ("http://host/mnist", "/mnist/", None),
        ("http://host/mnist/train", "mnist", None),
        ("http://host/mnist/nope", "mnist", "nope"),
        (None, "", None),
    ],
)
def test_only_an_address_of_no_page_is_unknown(url, base, expected):
    assert unknown_address(url, base) == expected


def test_every_pages_own_address_is_known():
    for page in PAGES:
        if page.url_path:
            assert unknown_address(f"http://h/{page.url_path}") is None


def test_home_says_when_the_address_named_no_page():
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import ROUTER

    at = AppTest.from_file(str(ROUTER), default_timeout=60)
    at.context["url"] = "http://127.0.0.1:8501/nonexistent"
    at.run()
    assert not at.exception
    assert any("no page called nonexistent" in i.value for i in at.info)
    at.run()  # said once, not at every rerun
    assert not any("no page called" in i.value for i in at.info)
