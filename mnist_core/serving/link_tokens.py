"""The token a page writes into its own link when it makes a model (`?since=`).

A page opened from a link that carries one, whose session holds no model,
says that the model made from that link is not here (the page was reloaded,
opened anew, or the server restarted). The token must not be one anyone can
make up (`?since=x` made the page claim a lost model), and must not tell
which replica or which server run made it (a run's token told a client its
replica). So it is a random nonce and an HMAC of it under the deployment's
secret: every replica and every restart that shares the secret knows a real
token, and nothing else is in it.

The secret is MNIST_LINK_SECRET where the operator sets one (replicas on
several machines need the same), else a file made once in the data folder.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from mnist_core.constants import data_dir

LINK_SECRET_ENV = "MNIST_LINK_SECRET"
SECRET_FILE = "link-secret"
NONCE_HEX = 16
MAC_HEX = 24


def deployment_secret(setting: str | None = None, folder: Path | None = None) -> bytes:
    """The operator's secret, else this installation's own (made on first use,
    readable by the server's user only); a fresh one per process if the data
    folder cannot be written (tokens then last until a restart)."""
    if setting:
        return setting.encode()
    path = (folder or data_dir()) / SECRET_FILE
    try:
        return path.read_bytes()
    except OSError:
        pass
    made = secrets.token_hex(32).encode()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as out:
            out.write(made)
    except FileExistsError:  # another replica made it first: theirs counts
        return path.read_bytes()
    except OSError:
        pass
    return made


def make_token(secret: bytes) -> str:
    """A new token: a random nonce and its signature."""
    nonce = secrets.token_hex(NONCE_HEX // 2)
    return f"{nonce}.{_sign(secret, nonce)}"


def is_genuine(token: str | None, secret: bytes) -> bool:
    """Whether `token` was made by `make_token` under this secret."""
    nonce, _, mac = (token or "").partition(".")
    if len(nonce) != NONCE_HEX or len(mac) != MAC_HEX:
        return False
    return hmac.compare_digest(mac, _sign(secret, nonce))


def _sign(secret: bytes, nonce: str) -> str:
    return hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()[:MAC_HEX]
