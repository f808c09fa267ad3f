"""The README's commands and links work: the scripts it runs exist and parse, and
its example links open without a note saying a value was replaced."""

import re
import subprocess
from urllib.parse import parse_qsl, urlsplit

import pytest

from mnist_core.constants import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text()
SCRIPTS = ["run.sh", ".ci/run"]


def link(path: str) -> dict[str, str]:
    """The query of the README's first example link to `path`."""
    match = re.search(rf"`(/{path}\?[^`]+)`", README)
    assert match, f"the README has no example link to /{path}"
    return dict(parse_qsl(urlsplit(match.group(1)).query))


@pytest.mark.parametrize("script", SCRIPTS)
def test_the_readme_runs_scripts_that_exist_and_parse(script):
    assert f"bash {script}" in README
    path = PROJECT_ROOT / script
    assert path.is_file()
    subprocess.run(["bash", "-n", str(path)], check=True)


def test_run_sh_asks_for_sudo_only_when_not_root():
    text = (PROJECT_ROOT / "run.sh").read_text()
    assert not re.search(r"^\s*sudo ", text, re.MULTILINE)  # never unconditionally
    assert '[ "$(id -u)" -ne 0 ]' in text
    assert 'streamlit run streamlit_app.py "$@"' in text


def test_the_readme_stays_small():
    assert len(README.encode()) < 16_000


def test_the_dataset_example_link_is_valid(mnist):
    from mnist_core.serving.links import view_from_query

    labels = {"train": mnist.y_train, "test": mnist.y_test}
    view, notes = view_from_query(link("dataset"), labels, per_page=40)  # GRID
    assert notes == []
    assert mnist.y_test[view.index] == view.digit


def test_the_train_example_link_is_valid():
    from mnist_core.serving.links import config_from_query
    from mnist_core.training.config import TrainConfig

    _, notes = config_from_query(link("train"), TrainConfig())
    assert notes == []
