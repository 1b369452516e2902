"""The memory planner and its independent checker."""
import copy

import pytest

from tinycc import compiler, passes, planner, scheduler
from tinycc.errors import PlanError

from shared_models import INT8_MODELS, model_path
from synthetic_models import SYNTHETIC, mnist_resnet, residual_blocks


def planned(name, inplace=True):
    g = compiler.frontend(SYNTHETIC[name]() if name in SYNTHETIC else model_path(name))
    passes.run_passes(g)
    order = compiler.schedule(g)
    return g, order, planner.plan(g, order, inplace=inplace)


def live_max(g, order, mp):
    """The most activation bytes live at one op, recomputed here from the schedule."""
    most = 0
    for i, op in enumerate(order):
        live = {mp.storage[n] for n in op.inputs + op.outputs if n is not None and not g.tensor(n).is_const}
        live |= {b.name for b in mp.buffers.values() if b.start <= 2 * i + 1 <= b.end}
        live.discard("")
        most = max(most, sum(mp.buffers[n].size for n in live))
    return most


@pytest.mark.parametrize("name", INT8_MODELS)
def test_plan_without_inplace_is_not_below_the_live_bytes_lower_bound(name):
    g, order, mp = planned(name, inplace=False)
    planner.check(g, order, mp)
    assert live_max(g, order, mp) <= mp.arena_bytes
    _, _, inplace = planned(name)
    assert inplace.arena_bytes <= mp.arena_bytes


def test_chain_of_equal_activations_takes_two_slots():
    """dscnn_16x8: nine 16,000-byte activations in a chain (16x8 convolutions do not run in place);
    placing equal sizes in schedule order packs them into two slots, the lower bound (in name order
    first fit needed three)."""
    g, order, mp = planned("dscnn_16x8")
    planner.check(g, order, mp)
    assert mp.arena_bytes == live_max(g, order, mp) == 32000


def test_checker_rejects_overlapping_live_buffers():
    g, order, mp = planned("kws_ref_model", inplace=False)
    broken = copy.deepcopy(mp)
    op = order[1]  # the first depthwise conv: its input and output are live together
    broken.buffers[op.outputs[0]].offset = broken.buffers[op.inputs[0]].offset
    with pytest.raises(PlanError, match="overlap in the arena while both are live"):
        planner.check(g, order, broken)


def test_checker_rejects_buffer_outside_arena_and_misalignment():
    g, order, mp = planned("kws_ref_model")
    broken = copy.deepcopy(mp)
    broken.arena_bytes = 64
    with pytest.raises(PlanError, match="outside"):
        planner.check(g, order, broken)
    broken = copy.deepcopy(mp)
    next(iter(broken.buffers.values())).offset = 3
    with pytest.raises(PlanError, match="misaligned"):
        planner.check(g, order, broken)


def test_checker_rejects_missing_buffer():
    g, order, mp = planned("kws_ref_model")
    broken = copy.deepcopy(mp)
    broken.buffers.pop(order[2].outputs[0])
    with pytest.raises(PlanError, match="does not fit|no storage"):
        planner.check(g, order, broken)


@pytest.mark.parametrize("alignment", [1, 4, 64])
def test_alignment_is_honoured(alignment):
    g = compiler.frontend(model_path("pretrainedResnet_quant"))
    order = compiler.schedule(g)
    mp = planner.plan(g, order, alignment)
    assert all(b.offset % alignment == 0 for b in mp.buffers.values())
    with pytest.raises(PlanError, match="power of two"):
        planner.plan(g, order, 3)


def test_checker_rejects_a_schedule_that_reads_before_writing():
    g, order, mp = planned("kws_ref_model")
    with pytest.raises(PlanError, match="reads .* before any op writes it"):
        planner.check(g, [order[1], order[0]] + order[2:], mp)


def test_checker_rejects_a_fused_add_over_its_producers_input():
    """ADD(x, CONV(x)) with the ADD fused into the convolution: the sum must not be written over x,
    which the convolution still reads (a 3x3 window reads rows the epilogue has already passed)."""
    g = compiler.frontend(mnist_resnet())
    passes.run_passes(g)
    order = compiler.schedule(g)
    mp = planner.plan(g, order)
    add = next(op for op in order if op.kind == "ADD")
    assert "fused_into" in add.attrs and add.id not in mp.inplace
    broken = copy.deepcopy(mp)
    x = add.inputs[0]
    broken.buffers[mp.storage[add.outputs[0]]].offset = broken.buffers[mp.storage[x]].offset
    broken.inplace[add.id] = planner.optable.InPlace(0, 0)
    with pytest.raises(PlanError, match="which the op it is fused into still reads"):
        planner.check(g, order, broken)


def test_schedule_past_the_search_bound_respects_dependencies(monkeypatch):
    """Past the search's state bound the schedule falls back to source order, but never before an
    operand is ready: a fused ADD whose other operand comes later in the source waits for it."""
    g = compiler.frontend(residual_blocks())
    passes.run_passes(g)
    monkeypatch.setattr(scheduler, "MAX_STATES", 0)
    order = compiler.schedule(g)
    planner.check(g, order, planner.plan(g, order))


# ---- every other way a plan can be wrong, each refused by the checker ------------------------------

def _inplace_op(g, order, mp):
    """An op the plan runs in place (kws: a convolution streamed over its input)."""
    op_id = next(iter(mp.inplace))
    return next(op for op in order if op.id == op_id)


def test_checker_rejects_a_buffer_smaller_than_its_tensor():
    g, order, mp = planned("kws_ref_model")
    broken = copy.deepcopy(mp)
    name = order[2].outputs[0]
    broken.buffers[mp.storage[name]].size = g.tensor(name).nbytes - 1
    with pytest.raises(PlanError, match="does not fit its buffer"):
        planner.check(g, order, broken)


def test_checker_rejects_scratch_outside_the_arena():
    g, order, mp = planned("kws_ref_model")
    scratch = [b for b in mp.buffers.values() if b.name.endswith(":scratch")]
    assert scratch, "kws's plan has kernel scratch"
    broken = copy.deepcopy(mp)
    broken.buffers[scratch[0].name].offset = mp.arena_bytes
    with pytest.raises(PlanError, match="scratch of .* is outside the arena"):
        planner.check(g, order, broken)


def _rejects_broken_in_place(edit, match):
    """kws's plan with its first in-place op's decision edited by ``edit(plan, op)``: check refuses it."""
    g, order, mp = planned("kws_ref_model")
    op = _inplace_op(g, order, mp)
    broken = copy.deepcopy(mp)
    edit(broken, op)
    with pytest.raises(PlanError, match=match):
        planner.check(g, order, broken)


def test_checker_rejects_in_place_the_op_does_not_allow():
    def edit(mp, op):
        ip = mp.inplace[op.id]
        mp.inplace[op.id] = planner.optable.InPlace(ip.input_index, ip.delta + 4096)
    _rejects_broken_in_place(edit, "runs in place in a way its op does not allow")


def test_checker_rejects_in_place_at_the_wrong_offset():
    def edit(mp, op):
        mp.buffers[mp.storage[op.outputs[0]]].offset += 16
    _rejects_broken_in_place(edit, "in place needs its output at input offset")


def test_checker_rejects_overwriting_an_input_still_needed():
    """ADD(x, CONV(x)) in mnist_resnet, not fused: x is read by the ADD after the convolution, so
    the convolution may not stream its rows over it, even in a way the op allows."""
    g = compiler.frontend(mnist_resnet())
    passes.run_passes(g, [p for p in passes.PASSES if p is not passes.fuse_add_into_producer])
    order = compiler.schedule(g)
    mp = planner.plan(g, order)
    add = next(op for op in order if op.kind == "ADD")
    conv = next(op for op in order if op.outputs[0] in add.inputs and op.inputs[0] in add.inputs)
    ip = planner.optable.get(conv.kind).inplace(conv, g)[0]
    broken = copy.deepcopy(mp)
    x, y = conv.inputs[ip.input_index], conv.outputs[0]
    broken.arena_bytes += ip.delta  # room to put y's buffer delta bytes below x's
    broken.buffers[mp.storage[x]].offset += ip.delta
    broken.buffers[mp.storage[y]].offset = broken.buffers[mp.storage[x]].offset - ip.delta
    broken.inplace = {conv.id: ip}  # (the buffers moved: the plan's other in-place ops no longer hold)
    with pytest.raises(PlanError, match="which is still needed"):
        planner.check(g, order, broken)


def test_checker_rejects_a_fused_op_not_run_right_after_its_producer():
    """residual_blocks: a fused ADD moved to the end of the schedule (its inputs are all written by
    then) no longer runs with its producer."""
    g = compiler.frontend(residual_blocks())
    passes.run_passes(g)
    order = compiler.schedule(g)
    mp = planner.plan(g, order)
    i = next(k for k, op in enumerate(order) if "fused_into" in op.attrs)
    with pytest.raises(PlanError, match="fused into an op that does not run just before it"):
        planner.check(g, order[:i] + order[i + 1:] + [order[i]], mp)


def test_checker_rejects_an_unstored_tensor_that_is_not_a_fused_intermediate():
    g, order, mp = planned("kws_ref_model")
    broken = copy.deepcopy(mp)
    broken.storage[order[2].outputs[0]] = ""
    with pytest.raises(PlanError, match="is not stored but is not a fused intermediate"):
        planner.check(g, order, broken)


def _modeled_peak(g, order):
    """The most activation bytes live around one op of ``order``, recomputed here: a tensor lives from
    its producer (graph inputs: from the start) to its last reader (graph outputs: to the end)."""
    pos = {op.id: i for i, op in enumerate(order)}
    first, last = {}, {}
    for t in g.tensors():
        if t.is_const:
            continue
        p = g.producer(t.name)
        first[t.name] = -1 if p is None else pos[p.id]
        readers = [pos[r.id] for r in g.consumers(t.name)]
        last[t.name] = len(order) if t.name in g.outputs else max(readers, default=first[t.name])
    return max(sum(g.tensor(n).nbytes for n in first if first[n] <= i <= last[n]) for i in range(len(order)))


def test_schedule_of_independent_parts_and_cuts_is_optimal():
    """A model of independent parts (two inputs, two outputs, of different sizes) with a residual block
    in one: the scheduler, part by part and segment by segment between the cuts, finds an order with
    the least peak of every order the dependencies allow (all enumerated here)."""
    import itertools
    import numpy as np
    from tinycc.testing import ModelBuilder
    rng = np.random.default_rng(1)
    mb = ModelBuilder("parts")

    def conv(x, cin, cout, hw, name):
        y = mb.tensor(name, (1, hw, hw, cout), "int8", 0.1, 0)
        w = mb.const(name + "/w", rng.integers(-9, 9, (cout, 1, 1, cin)).astype(np.int8), np.full(cout, 0.01), 0)
        mb.op("CONV_2D", [x, w, None], [y], padding="SAME", stride=1)
        return y
    a = mb.input("a", (1, 8, 8, 4), "int8", 0.1, 0)
    a1 = conv(a, 4, 16, 8, "a1")
    a2 = conv(a1, 16, 2, 8, "a2")          # part a frees memory (a 4-channel input, a 2-channel output)
    b = mb.input("b", (1, 8, 8, 2), "int8", 0.1, 0)
    b1 = conv(b, 2, 8, 8, "b1")
    b2 = conv(b1, 8, 8, 8, "b2")
    b3 = conv(b1, 8, 8, 8, "b3")
    s = mb.tensor("s", (1, 8, 8, 8), "int8", 0.1, 0)
    mb.op("ADD", [b2, b3], [s])
    b4 = conv(s, 8, 12, 8, "b4")           # part b keeps more than it frees
    mb.output(a2, b4)
    g = compiler.frontend(mb.build())
    order = compiler.schedule(g)
    ops = g.ops()
    best = min(_modeled_peak(g, list(p)) for p in itertools.permutations(ops)
               if all(all(g.producer(n) is None or list(p).index(g.producer(n)) < list(p).index(op)
                          for n in op.inputs if n is not None and not g.tensor(n).is_const) for op in p))
    assert _modeled_peak(g, order) == best
