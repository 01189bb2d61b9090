"""IPython start-up file used by the test suite: every kernel started by the tests runs it.

It makes any attempt to reach a non-local address fail loudly, so a notebook that downloads
something fails its nbval run. Local (loopback, Unix-socket) traffic stays allowed: Jupyter's
kernel itself talks to the test runner over loopback.
"""

import ipaddress as _ipaddress
import socket as _socket

_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def _is_local(host) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode()
    host = str(host).strip("[]")
    if host in _LOCAL_NAMES:
        return True
    try:
        return _ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _refuse(what):
    raise OSError(f"relulab offline test: network access is blocked ({what})")


_orig_connect = _socket.socket.connect
_orig_connect_ex = _socket.socket.connect_ex
_orig_getaddrinfo = _socket.getaddrinfo


def _connect(self, address):
    if self.family in (_socket.AF_INET, _socket.AF_INET6) and not _is_local(address[0]):
        _refuse(f"connect to {address!r}")
    return _orig_connect(self, address)


def _connect_ex(self, address):
    if self.family in (_socket.AF_INET, _socket.AF_INET6) and not _is_local(address[0]):
        _refuse(f"connect to {address!r}")
    return _orig_connect_ex(self, address)


def _getaddrinfo(host, *args, **kwargs):
    if not _is_local(host):
        _refuse(f"name lookup of {host!r}")
    return _orig_getaddrinfo(host, *args, **kwargs)


_socket.socket.connect = _connect
_socket.socket.connect_ex = _connect_ex
_socket.getaddrinfo = _getaddrinfo
_socket.create_connection.__globals__["getaddrinfo"] = _getaddrinfo
