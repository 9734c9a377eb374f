"""Full collections are held off within a run, and the collector's thresholds are as before after it."""

from __future__ import annotations

import gc

import pytest

from casebook.core import heap


def test_full_collections_are_held_off_within_and_restored_after() -> None:
    before = gc.get_threshold()
    with heap.few_full_collections():
        young, middle, old = gc.get_threshold()
        assert (young, middle) == before[:2]
        assert old >= heap.FULL_AFTER
        with heap.few_full_collections():  # nested runs (a build inside serve) restore the outer setting
            pass
        assert gc.get_threshold() == (young, middle, old)
    assert gc.get_threshold() == before


def test_thresholds_are_restored_when_the_run_fails() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), heap.few_full_collections():
        raise RuntimeError("a content error")
    assert gc.get_threshold() == before
