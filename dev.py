#!/usr/bin/env python3
"""Bootstrap: make ./.venv, install the project into it when pyproject.toml changes, then run.

Usage:  python3 dev.py demo        run `shuangsuiji demo` (emulator, SQLite, no token, no network)
        python3 dev.py test        ruff + the whole pytest suite
        python3 dev.py CMD ...     any `shuangsuiji` subcommand
Needs only Python 3.11+; everything else comes from PyPI into .venv.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed"


def _ensure_venv() -> None:
    """Create the venv and (re)install the project when pyproject.toml changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be run by an older python3)
        sys.exit(f"dev.py: Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    if not (BIN / "python").exists():
        print("dev.py: creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("dev.py: installing the project and its dependencies into .venv ...", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(digest)


def main(argv: list[str]) -> int:
    _ensure_venv()
    py = str(BIN / "python")
    if argv[:1] == ["test"]:
        lint = subprocess.run([py, "-m", "ruff", "check", str(ROOT)], cwd=ROOT)
        if lint.returncode:
            return lint.returncode
        return subprocess.run([py, "-m", "pytest", *argv[1:]], cwd=ROOT).returncode
    return subprocess.run([py, "-m", "bot", *argv], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
