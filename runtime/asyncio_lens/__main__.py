"""Entry point for ``python -m asyncio_lens``."""

import sys

from asyncio_lens._cli import main

__all__ = []

if __name__ == "__main__":
    sys.exit(main())
