import sys

from arthur_desktop.cli.main import main

sys.exit(main())
