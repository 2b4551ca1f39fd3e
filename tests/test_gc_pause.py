"""暂停垃圾回收: the collector is off inside (nested) paused sections and back on after, even
when a section raises; a collector already off stays off."""

from __future__ import annotations

import gc

import pytest

from bot.services.gc_pause import paused_gc


def test_paused_sections_nest_and_restore_the_collector() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with pytest.raises(RuntimeError), paused_gc():
            raise RuntimeError("a failing draw")
        assert not gc.isenabled()  # the outer section is still running
    assert gc.isenabled()


def test_a_collector_already_off_stays_off() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
