"""`python -m arthur_desktop`, and the entry point of the bundle (packaging/arthur-desktop.spec)."""

import os
import sys

from arthur_desktop import bundle

SOAK_DRIVER = "--soak-driver"


def run() -> int:
    if bundle.is_bundle():
        bundle.give_children_the_users_environment(os.environ, bundle.bundle_folder())
    if sys.argv[1:2] == [SOAK_DRIVER]:
        # Undocumented: benchmarks/soak.py drives the window through it, in a venv or in the installed bundle.
        from arthur_desktop.soak_driver import run_from_arguments

        return run_from_arguments(sys.argv[2:])
    from arthur_desktop.cli.main import main

    return main()


sys.exit(run())
