"""The GC hand-over of long collections (``_slices``)."""

import gc

from asyncio_lens._slices import settle_survivors


def test_settle_survivors_moves_young_objects_out_without_a_collection_and_leaves_a_programs_freeze():
    keep = [[i] for i in range(5000)]  # young, tracked, alive
    young = {id(o) for o in gc.get_objects(generation=0)}
    assert any(id(o) in young for o in keep)
    full = []

    def on_gc(phase, info):
        if phase == "start" and info["generation"] == 2:
            full.append(info)

    gc.callbacks.append(on_gc)
    try:
        assert settle_survivors() is True
    finally:
        gc.callbacks.remove(on_gc)
    assert full == []  # no full collection
    assert gc.get_freeze_count() == 0
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert all(id(o) in oldest for o in keep)

    gc.freeze()  # the program freezes objects of its own: they stay frozen
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert settle_survivors() is False
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
