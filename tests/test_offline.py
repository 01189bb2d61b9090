"""The offline guard really blocks the network, and the notebooks' kernels load it."""

import runpy
import socket

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from conftest import OFFLINE_STARTUP


def test_guard_blocks_remote_and_allows_loopback():
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo)
    try:
        runpy.run_path(str(OFFLINE_STARTUP))
        with pytest.raises(OSError, match="network access is blocked"):
            socket.getaddrinfo("pypi.org", 443)
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with pytest.raises(OSError, match="network access is blocked"):
            s.connect(("93.184.216.34", 80))
        s.close()
        with pytest.raises(OSError, match="network access is blocked"):
            socket.create_connection(("example.org", 80), timeout=1)
        # loopback still works: a listening socket on 127.0.0.1 accepts a connection
        srv = socket.socket()
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        c = socket.socket()
        c.connect(srv.getsockname())
        c.close()
        srv.close()
    finally:
        socket.socket.connect, socket.socket.connect_ex, socket.getaddrinfo = saved
        socket.create_connection.__globals__["getaddrinfo"] = saved[2]


def test_notebook_kernels_run_with_the_guard(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import urllib.request\nurllib.request.urlopen('http://example.org', timeout=2)")]
    client = NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError, match="network access is blocked"):
        client.execute()
