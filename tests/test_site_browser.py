"""The static site in a real browser: Debian's Chromium, headless, opens each page from disk,
renders it (a screenshot is saved), logs no console message, and shows the published rows.

Chromium is installed by .ci/run (apt-get install chromium); this test installs nothing and is
skipped only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib import image

from bot.services.publication import publish
from tests import publish_world as w
from tests.test_publication import env_for

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)
CONSOLE = re.compile(r":CONSOLE[:(\]]")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
]  # fmt: skip


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with its own profile folder; raises on a non-zero exit."""
    cmd = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def console_lines(stderr: str) -> list[str]:
    """Console messages the page produced (our pages have no script: any is a fault)."""
    return [line for line in stderr.splitlines() if CONSOLE.search(line)]


@pytest.fixture
async def site(db, tmp_path):
    world = await w.build(db)
    await w.add_draws(db, world)
    out = await publish(db, world.bureau_id, env_for(tmp_path, world))
    return out.site.root


@pytest.mark.parametrize("page", ["index.html", "results-2026Q3.html", "draws.html",
                                  "plan-2026.html"])  # fmt: skip
async def test_page_renders_without_console_messages(site, tmp_path, page):
    shot = tmp_path / f"{Path(page).stem}.png"
    url = (site / page).as_uri()
    done = chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,1600", url)
    assert console_lines(done.stderr) == []
    pixels = image.imread(shot)
    assert pixels.shape[:2] == (1600, 1200)
    assert len({tuple(p) for p in pixels[::40, ::40].reshape(-1, pixels.shape[2])}) > 5
    dom = chromium(tmp_path / "profile-dom", "--dump-dom", url)
    assert console_lines(dom.stderr) == []
    assert "“双随机、一公开”信息公开" in dom.stdout
    if page == "results-2026Q3.html":
        assert w.entity_name("G1") in dom.stdout and "发现违法行为已立案调查" in dom.stdout
        assert w.entity_name("G4") not in dom.stdout
    keep = Path(__file__).resolve().parent.parent / "var" / "screenshots"
    keep.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, keep / shot.name)  # for people to look at after a run


def test_console_messages_are_caught(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<script>console.error("坏")</script>', encoding="utf-8")
    done = chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert len(console_lines(done.stderr)) == 1
