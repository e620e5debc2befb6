"""``python -m srfacts`` and the ``srfacts`` command (``console``).

The command line's modules are imported with the cyclic garbage collector paused: importing
makes many objects that reference counting frees, and each collector pass meanwhile walks every
young object to find nothing (about 1% of a lookup's start-up). It runs again before the command,
with what the imports made frozen (``gc.freeze``): modules, classes and functions live as long as
the process, so no later pass walks them again (2% of a lookup's instructions).
"""

import gc
from typing import NoReturn


def console() -> NoReturn:
    """Import the command line with the collector paused, freeze what it made, then run it
    (``srfacts.cli.entry.console``)."""
    running = gc.isenabled()
    gc.disable()
    try:
        from srfacts.cli.entry import console as run
    finally:
        gc.freeze()
        if running:
            gc.enable()
    run()


if __name__ == "__main__":
    console()
