"""AppTest helpers: every page reads MNIST from the test copy."""

import pytest
from streamlit.testing.v1 import AppTest

from mnist_core.constants import PROJECT_ROOT

ROUTER = PROJECT_ROOT / "streamlit_app.py"


@pytest.fixture(autouse=True)
def mnist_env(monkeypatch, mnist_path):
    monkeypatch.setenv("MNIST_PATH", str(mnist_path))


@pytest.fixture
def page():
    """Open the app through its router, go to one page and return the AppTest."""

    def open_page(
        name: str,
        timeout: float = 120,
        locale: str = "en-US",
        query: dict | None = None,
        **state,
    ) -> AppTest:
        at = AppTest.from_file(str(ROUTER), default_timeout=timeout)
        at.context["locale"] = locale  # what the browser's navigator.language says
        at.query_params.update(query or {})  # as if the page was opened from a link
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        return at if name == "home" else at.switch_page(f"app_pages/{name}.py").run()

    return open_page
