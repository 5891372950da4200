"""`python -m tuiconv` is the `tuiconv` command."""

import sys

from tuiconv.cli import main

sys.exit(main())
