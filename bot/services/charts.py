"""进度图 (progress charts) as PNG with matplotlib's Agg backend: per target group the share of
its population inspected, against the minimum line (最低抽查比例).

Chinese labels need a CJK font. `cjk_font()` looks for one matplotlib knows, then for a font
file of Debian's fonts-wqy-microhei / fonts-noto-cjk (and a few others) on disk; without any, the
chart is drawn with ASCII labels (group ids, English words) and a warning is logged once, so a
machine without the fonts still gets a correct, readable chart.
"""

from __future__ import annotations

import glob
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

from bot.domain.compliance import GroupProgress, percent  # noqa: E402

log = logging.getLogger(__name__)

CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
CJK_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/**/*CJK*.tt[cf]",
    "/usr/share/fonts/**/*CJK*.otf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
BAR = "#3b7dd8"
BAR_SHORT = "#d9822b"
LINE = "#c0392b"


@cache
def cjk_font() -> str | None:
    """A font family that draws Chinese, registering a font file if needed; None if none."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in known:
            return family
    for pattern in CJK_FILES:
        for path in sorted(glob.glob(pattern, recursive=True)):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError) as exc:  # unreadable font file
                log.debug("font %s not usable: %s", path, exc)
    return None


_warned: list[bool] = []


def warn_no_cjk() -> None:
    """Say once per process that charts are drawn with ASCII labels."""
    if not _warned:
        _warned.append(True)
        log.warning(
            "no CJK font found (install fonts-wqy-microhei or fonts-noto-cjk): "
            "charts use ASCII labels"
        )


def _label(g: GroupProgress, cjk: bool, several_items: bool) -> str:
    """The group and its period; with several items, the item on a second line."""
    t = g.target
    name = f"{t.group_name} {t.period.label}" if cjk else f"{t.group_id} {t.period.label}"
    if several_items:
        name += "\n" + (t.item_name if cjk else t.item_id)
    return name


def _note(g: GroupProgress, cjk: bool) -> str:
    t = g.target
    if cjk:
        return f"{g.achieved}/{t.population}（最低 {t.minimum}，{percent(g.minimum_share)}）"
    return f"{g.achieved}/{t.population} (min {t.minimum}, {percent(g.minimum_share)})"


def progress_chart(groups: Sequence[GroupProgress], title: str, path: Path) -> Path:
    """Write the progress chart of `groups` to `path` (PNG); returns the path.

    One horizontal bar per group and period: the inspected share of its population, blue when the
    minimum is met, orange when not; a red tick marks the minimum share.
    """
    family = cjk_font()
    cjk = family is not None
    if not cjk:
        warn_no_cjk()
    several = len({g.target.item_id for g in groups}) > 1
    rows = list(groups) or []
    height = 1.6 + (0.75 if several else 0.55) * max(1, len(rows))
    fonts = {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"]}
    with plt.rc_context(fonts if family else {}):
        fig, ax = plt.subplots(figsize=(9.6, height), dpi=110)
        try:
            _draw(ax, rows, cjk, several)
            ax.set_title(title if cjk else _ascii(title), fontsize=12)
            fig.tight_layout()
            path.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, format="png")
        finally:
            plt.close(fig)
    return path


def _draw(ax, rows: list[GroupProgress], cjk: bool, several: bool) -> None:  # noqa: ANN001
    labels = [_label(g, cjk, several) for g in rows]
    values = [float(g.achieved_share or 0) * 100 for g in rows]
    colours = [BAR if g.met else BAR_SHORT for g in rows]
    ys = list(range(len(rows)))
    ax.barh(ys, values, color=colours, height=0.55)
    for y, g in zip(ys, rows, strict=True):
        line = float(g.minimum_share) * 100 if g.minimum_share is not None else 0.0
        if g.minimum_share is not None:
            ax.plot([line, line], [y - 0.38, y + 0.38], color=LINE, linewidth=2.2)
        right = min(max(values[y], line), 100) + 1.5  # past the bar and the line
        ax.text(right, y, _note(g, cjk), va="center", fontsize=8.5)
    ax.set_yticks(ys, labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 150)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("已检查占对象总数（%）" if cjk else "inspected share of the group (%)")
    if not rows:
        ax.text(50, 0, "无计划数据" if cjk else "no plan data", ha="center", va="center")
    ax.plot([], [], color=LINE, linewidth=2.2, label="最低抽查比例" if cjk else "minimum share")
    ax.legend(loc="lower right", fontsize=8)


def _ascii(text: str) -> str:
    """Drop characters the default font cannot draw (title fallback without a CJK font)."""
    kept = "".join(c for c in text if ord(c) < 128).strip()
    return kept or "Progress"
