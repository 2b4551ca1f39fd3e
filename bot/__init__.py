"""双随机助手 (shuangsuiji): the double-random, one-public inspection assistant."""

__version__ = "0.1.0"

import os as _os

# PTB 22.2+: opt in to RetryAfter.retry_after (and other periods) as timedelta, the future default.
_os.environ.setdefault("PTB_TIMEDELTA", "1")
