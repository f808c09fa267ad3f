"""Who a visitor is, as far as fair shares go: the address they connect from.

Sessions are free to open, so one person's share is bounded by address. Behind
a reverse proxy every connection comes from the proxy; only when the operator
says the proxy is trusted (MNIST_TRUSTED_PROXY) is the address it saw read from
the last `X-Forwarded-For` entry, the one the proxy itself appended (nginx's
`$proxy_add_x_forwarded_for`); earlier entries are whatever the client sent.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

TRUSTED_PROXY_ENV = "MNIST_TRUSTED_PROXY"
IPV6_SHARE = 64  # one home or phone gets a whole /64: it counts as one client


def trusts_proxy(setting: str | None) -> bool:
    """Whether an operator's MNIST_TRUSTED_PROXY value says yes."""
    return (setting or "").strip().lower() in {"1", "true", "yes", "on"}


def client_address(
    remote_ip: str | None, headers: Mapping[str, str], trusted_proxy: bool
) -> str:
    """The address one share is counted against; "" when unknown (a local
    connection: Streamlit gives no address for localhost).

    Args:
        remote_ip: the connection's address (`st.context.ip_address`).
        headers: the request's headers (`st.context.headers`).
        trusted_proxy: read the proxy's `X-Forwarded-For` instead.
    """
    if trusted_proxy:
        forwarded = _header(headers, "X-Forwarded-For").split(",")[-1].strip()
        remote_ip = forwarded or remote_ip
    return _share(remote_ip or "")


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return ""


def _share(text: str) -> str:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text[:64]  # not an address (a test's name): kept as it is, short
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:  # ::ffff:a.b.c.d is that IPv4 address
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/{IPV6_SHARE}", strict=False))
