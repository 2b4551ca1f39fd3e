"""抽查比例 as exact numbers: shares ("25%") and inspector ratios ("1:10", "5") read into Fractions.

Quotas are floors, so they round up; floats would break that (0.07 * 100 is 7.000000000000001, whose
ceiling is 8). Every ratio here is a `fractions.Fraction` parsed from the text the bureau wrote.
Pure: no I/O.
"""

from __future__ import annotations

import re
from fractions import Fraction

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[%％]\s*$")
_DECIMAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*$")
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_RATIO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)\s*$")


def ceil_fraction(value: Fraction) -> int:
    """The smallest integer not below `value` (exact: no float on the way)."""
    return -((-value.numerator) // value.denominator)


def _as_text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f'expected text such as "25%", got {value!r}')
    # repr() of a float is the shortest text that reads back as it, i.e. what was typed in YAML.
    return repr(value) if isinstance(value, float) else str(value)


def parse_share(value: object) -> Fraction:
    """A share of a population: "25%", "0.25" or "1/4"; must be above 0 and at most 100%."""
    text = _as_text(value)
    if m := _PERCENT.match(text):
        share = Fraction(m.group(1)) / 100
    elif m := _FRACTION.match(text):
        if int(m.group(2)) == 0:
            raise ValueError(f"share {text!r} divides by zero")
        share = Fraction(int(m.group(1)), int(m.group(2)))
    elif m := _DECIMAL.match(text):
        share = Fraction(m.group(1))
    else:
        raise ValueError(f'share {text!r} is not a percentage such as "25%", "0.25" or "1/4"')
    if not 0 < share <= 1:
        raise ValueError(f"share {text!r} must be above 0% and at most 100%")
    return share


def parse_multiple(value: object) -> Fraction:
    """Entities per inspector: "1:10" (inspectors : entities, 1：10 too) or a plain multiple "5"."""
    text = _as_text(value)
    if m := _RATIO.match(text):
        left, right = Fraction(m.group(1)), Fraction(m.group(2))
        if left == 0:
            raise ValueError(f"ratio {text!r} has zero inspectors on the left")
        multiple = right / left
    elif m := _DECIMAL.match(text):
        multiple = Fraction(m.group(1))
    else:
        raise ValueError(
            f'ratio {text!r} is not "1:10" (inspectors : entities) or a multiple such as "5"'
        )
    if multiple <= 0:
        raise ValueError(f"ratio {text!r} must be above zero")
    return multiple


def fraction_text(value: Fraction) -> str:
    """A Fraction as "n/d" (or "n" when whole), the form used in plan JSON."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


def percent_text(value: Fraction) -> str:
    """A share as a percentage for people, e.g. 1/2 -> "50%", 1/3 -> "33.33%"."""
    pct = value * 100
    if pct.denominator == 1:
        return f"{pct.numerator}%"
    return f"{float(pct):.2f}%".replace(".00%", "%")
