"""双随机助手 (shuangsuiji): the double-random, one-public inspection assistant."""

__version__ = "0.1.0"
