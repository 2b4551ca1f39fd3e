"""`python -m bot` is the same as the `shuangsuiji` console command."""

import sys

from bot.cli import main

sys.exit(main())
