"""Entry point for ``python -m asyncio_lens`` and ``python path/to/asyncio_lens``.

The debug adapter runs the bundled package by its path (as debugpy runs its launcher), so
that nothing is added to ``PYTHONPATH`` and inherited by the program's own subprocesses.
Then ``sys.path[0]`` is this folder; point it at the folder that holds the package until
the launcher replaces it with the script's folder.
"""

import os
import sys

if sys.version_info < (3, 10):
    sys.stderr.write(
        "asyncio-lens: Python %d.%d is too old; Asyncio Lens needs Python 3.10 or newer.\n" % sys.version_info[:2]
    )
    sys.exit(2)

if not __package__:
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

from asyncio_lens._cli import main  # noqa: E402  (needs the sys.path fix above)

__all__ = []

if __name__ == "__main__":
    sys.exit(main())
