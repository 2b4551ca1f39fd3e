"""规范序列化 (canonical serialisation): the one byte form that hashes and comparisons use.

Canonical JSON here is: UTF-8; object keys sorted by Unicode code point; no white space (separators
"," and ":"); strings as Python's json module writes them with ensure_ascii=False (only '"', '\\'
and control characters below U+0020 are escaped; \\b \\f \\n \\r \\t by name, the others as \\u00xx
in lower-case hex); only strings, integers, booleans, null, arrays and objects (no floats).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

_LEAVES = (str, int, bool, type(None))


def _no_floats(value: Any) -> None:
    """TypeError if a float hides anywhere in `value` (walked without recursion: a province's
    snapshot has hundreds of thousands of values)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            stack.extend(x for x in v.values() if not isinstance(x, _LEAVES))
        elif isinstance(v, list | tuple):
            stack.extend(x for x in v if not isinstance(x, _LEAVES))
        elif isinstance(v, float):
            raise TypeError("canonical JSON holds no floats: use integers or strings")


def canonical_json(value: Any, *, floats_excluded: bool = False) -> bytes:
    """The canonical UTF-8 bytes of a JSON value. `floats_excluded`: the caller's types already
    rule floats out (a snapshot's entities are strings by construction), so the walk is skipped."""
    if not floats_excluded:
        _no_floats(value)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """SHA-256 of some bytes, as 64 lower-case hex digits."""
    return hashlib.sha256(data).hexdigest()


def json_hash(value: Any, *, floats_excluded: bool = False) -> str:
    """SHA-256 (hex) of the canonical JSON of a value."""
    return sha256_hex(canonical_json(value, floats_excluded=floats_excluded))
