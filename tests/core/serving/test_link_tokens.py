"""The token a page writes into its link: real ones are known, made-up ones not."""

import os

from mnist_core.serving.link_tokens import deployment_secret, is_genuine, make_token


def test_a_token_is_known_under_its_secret_only():
    token = make_token(b"one deployment")
    assert is_genuine(token, b"one deployment")
    assert not is_genuine(token, b"another deployment")


def test_made_up_and_altered_tokens_are_not_genuine():
    token = make_token(b"s")
    nonce, mac = token.split(".")
    altered = nonce[:-1] + ("0" if nonce[-1] != "0" else "1") + "." + mac
    for made_up in ("", "x", "abc.def", "deadbeef", altered, token + "0", None):
        assert not is_genuine(made_up, b"s"), made_up


def test_tokens_tell_nothing_apart_from_being_genuine():
    # Issue #37: a run's token told a client which replica it was on. Two
    # tokens of one deployment share nothing a client could compare.
    first, second = make_token(b"s"), make_token(b"s")
    assert first != second
    assert first.split(".")[0] != second.split(".")[0]


def test_the_secret_survives_a_restart_and_is_private(tmp_path):
    made = deployment_secret(folder=tmp_path)
    assert deployment_secret(folder=tmp_path) == made  # a restart reads it back
    mode = os.stat(tmp_path / "link-secret").st_mode & 0o777
    assert mode == 0o600
    assert deployment_secret("from the operator", tmp_path) == b"from the operator"


def test_an_unwritable_data_folder_still_gives_a_secret(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert len(deployment_secret(folder=blocked / "data")) >= 32
