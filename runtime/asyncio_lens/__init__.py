"""Asyncio Lens runtime: runs a Python program and reports its asyncio tasks.

Run ``python -m asyncio_lens run [--connect HOST:PORT] script.py [args...]`` (or
``-m module [args...]``). The program runs as ``python script.py`` would run it; the
runtime records every asyncio task and, with ``--connect``, reports them to a debug
adapter over JSON-RPC (see ``_server``). The package is stdlib only and imports
nothing heavy until it is used.
"""

import logging as _logging

__all__ = ["__version__"]

__version__ = "0.1.0"

_logger = _logging.getLogger(__name__)
_logger.addHandler(_logging.NullHandler())
# The runtime must never write to the program's stderr: a program that configures the
# root logger must not see our records.
_logger.propagate = False
