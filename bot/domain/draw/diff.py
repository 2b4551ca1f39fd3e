"""差异说明 (differences): where two JSON values differ, as readable paths."""

from __future__ import annotations

from typing import Any

_LABELS = ("entity", "item", "group", "key", "id")


def _label(value: Any) -> str:
    if isinstance(value, dict):
        parts = [f"{k}={value[k]}" for k in _LABELS if isinstance(value.get(k), str)]
        if parts:
            return " (" + ", ".join(parts) + ")"
    return ""


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def json_diff(recorded: Any, computed: Any, path: str = "", limit: int = 20) -> list[str]:
    """Up to `limit` lines "path: recorded X, re-computed Y" for every leaf that differs."""
    out: list[str] = []
    _walk(recorded, computed, path, out, limit)
    return out


def _walk(a: Any, b: Any, path: str, out: list[str], limit: int) -> None:
    if len(out) >= limit or a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                side = "missing from the record" if key not in a else "not produced by the re-run"
                out.append(f"{path}.{key}: {side}")
            else:
                _walk(a[key], b[key], f"{path}.{key}", out, limit)
            if len(out) >= limit:
                return
        return
    if isinstance(a, list) and isinstance(b, list) and _same_shape(a, b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _walk(x, y, f"{path}[{i}]{_label(x)}", out, limit)
            if len(out) >= limit:
                return
        return
    out.append(f"{path}: recorded {_short(a)}, re-computed {_short(b)}")


def _same_shape(a: list, b: list) -> bool:
    return len(a) == len(b) and all(isinstance(x, dict) for x in a + b)
