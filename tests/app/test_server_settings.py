"""Server settings a shared demo depends on: security, and no per-run cleanup
that makes every visitor wait."""

import tomllib

import keras
from streamlit.runtime.scriptrunner import script_runner

from app_ui.keras_session import STREAMLITS_CLEANUP, keep_keras_session
from mnist_core.constants import PROJECT_ROOT
from mnist_core.errors import UPLOAD_LIMIT_MB


def test_config_keeps_xsrf_on_and_skips_the_gc_after_every_run():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["runOnSave"] is False
    # A full collection after every script run took ~80 % of the server's time.
    assert config["runner"]["postScriptGC"] is False


def test_one_upload_limit_stated_once_and_hidden_error_details():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == UPLOAD_LIMIT_MB
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["fileWatcherType"] == "none"


def test_script_runs_no_longer_clear_the_keras_session(monkeypatch):
    calls = []
    monkeypatch.setattr(keras.backend, "clear_session", lambda: calls.append(1))
    # Whatever an earlier test installed, put it back afterwards.
    monkeypatch.setattr(script_runner, "_clean_problem_modules", STREAMLITS_CLEANUP)
    script_runner._clean_problem_modules()
    assert calls == [1]  # what Streamlit does on its own after every run
    keep_keras_session()
    script_runner._clean_problem_modules()
    assert calls == [1]  # and no longer does
