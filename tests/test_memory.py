"""Memory planning with fusion, aliases and in-place operators: valid plans, honest passes,
and a checker that catches broken in-place plans."""
import copy
import dataclasses

import numpy as np
import pytest

import tinycc
from tinycc import compiler, interpreter, passes, planner, scheduler
from tinycc.errors import PlanError
from tinycc.ops import InPlace
from tinycc.testing import ModelBuilder

from shared_models import ALL_MODELS, INT8_MODELS, model_path


def planned(name, **kw):
    g = compiler.frontend(model_path(name))
    passes.run_passes(g)
    order = scheduler.schedule(g)
    return g, order, planner.plan(g, order, **kw)


@pytest.mark.parametrize("name", [m for m in ALL_MODELS if "float32" not in m])
def test_inplace_plan_is_never_larger_than_without(name):
    g, order, mp = planned(name)
    _, _, plain = planned(name, inplace=False)
    assert mp.arena_bytes <= plain.arena_bytes


def test_resnet_fuses_each_residual_add_and_runs_them_in_place():
    g, order, mp = planned("pretrainedResnet_quant")
    adds = [op for op in order if op.kind == "ADD"]
    assert len(adds) == 3 and all("fused_into" in a.attrs for a in adds)
    assert all(a.id in mp.inplace for a in adds)
    # a fused ADD runs right after its producer
    pos = {op.id: i for i, op in enumerate(order)}
    assert all(pos[a.attrs["fused_into"]] == pos[a.id] - 1 for a in adds)


def test_checker_rejects_inplace_with_wrong_offset():
    g, order, mp = planned("kws_ref_model")
    op_id, ip = next((k, v) for k, v in mp.inplace.items() if v.rows)
    broken = copy.deepcopy(mp)
    op = next(o for o in order if o.id == op_id)
    broken.buffers[broken.storage[op.outputs[0]]].offset += 16
    with pytest.raises(PlanError):
        planner.check(g, order, broken)


def test_checker_rejects_an_inplace_option_the_op_does_not_have():
    g, order, mp = planned("vww_96_int8")
    op_id = next(k for k, v in mp.inplace.items() if v.rows and v.delay == 1)
    broken = copy.deepcopy(mp)
    broken.inplace[op_id] = dataclasses.replace(broken.inplace[op_id], delay=0, scratch=0)
    with pytest.raises(PlanError, match="in place in a way its op does not allow"):
        planner.check(g, order, broken)


def test_checker_rejects_overwriting_a_tensor_still_needed():
    g, order, mp = planned("pretrainedResnet_quant")
    # op 1 reads the first block's input, which the residual ADD still needs
    op = order[1]
    broken = copy.deepcopy(mp)
    broken.inplace[op.id] = InPlace(0, 0, 1, False, 2 * 32 * 16, True)
    with pytest.raises(PlanError, match="still needed|does not allow"):
        planner.check(g, order, broken)


def _quantize_roundtrip_model():
    mb = ModelBuilder()
    x = mb.input("x", (1, 8), "int8", scale=0.1, zero_point=3)
    f = mb.tensor("f", (1, 8), "float32")
    q = mb.tensor("q", (1, 8), "int8", scale=0.1, zero_point=3)
    y = mb.tensor("y", (1, 8), "int8", scale=0.2, zero_point=-1)
    mb.op("DEQUANTIZE", [x], [f])
    mb.op("QUANTIZE", [f], [q])
    mb.op("QUANTIZE", [q], [y])
    mb.output(y)
    return mb.build()


def test_cancel_quantize_pairs_removes_the_round_trip_and_keeps_outputs():
    g = compiler.frontend(_quantize_roundtrip_model())
    before = g.copy()
    assert len(g.ops()) == 3
    assert passes.cancel_quantize_pairs(g) is True
    assert [op.kind for op in g.ops()] == ["QUANTIZE"]
    assert passes.cancel_quantize_pairs(g) is False
    x = np.arange(-128, 128, 32).astype(np.int8).reshape(1, 8)
    np.testing.assert_array_equal(interpreter.run(before, [x])[0], interpreter.run(g, [x])[0])
    m = tinycc.compile(_quantize_roundtrip_model())
    np.testing.assert_array_equal(m(x), interpreter.run(before, [x])[0])


def test_fold_constants_evaluates_constant_subgraphs():
    mb = ModelBuilder()
    x = mb.input("x", (1, 4), "float32")
    c = mb.const("c", np.arange(4, dtype=np.float32).reshape(2, 2))
    cr = mb.tensor("cr", (1, 4), "float32")
    y = mb.tensor("y", (1, 4), "float32")
    mb.op("RESHAPE", [c], [cr], new_shape=[1, 4])
    mb.op("ADD", [x, cr], [y])
    mb.output(y)
    data = mb.build()
    g = compiler.frontend(data)
    before = g.copy()
    assert passes.fold_constants(g) is True
    assert [op.kind for op in g.ops()] == ["ADD"] and g.tensor("cr").is_const
    assert passes.fold_constants(g) is False
    x = np.array([[1, 2, 3, 4]], np.float32)
    np.testing.assert_array_equal(interpreter.run(before, [x])[0], interpreter.run(g, [x])[0])
    np.testing.assert_array_equal(tinycc.compile(data)(x), x + np.arange(4, dtype=np.float32))


def test_alias_and_fusion_passes_report_their_annotations():
    g = compiler.frontend(model_path("pretrainedResnet_quant"))
    assert passes.alias_reshapes(g) is True and passes.alias_reshapes(g) is False
    assert sum(bool(op.attrs.get("alias")) for op in g.ops()) == 1
    assert passes.fuse_add_into_producer(g) is True and passes.fuse_add_into_producer(g) is False
    assert sum("epilogue" in op.attrs for op in g.ops()) == 3


@pytest.mark.parametrize("name", INT8_MODELS)
def test_report_memory_fields(name):
    m = tinycc.compile(model_path(name))
    assert m.program.executor.scratch_nbytes == 0, "every kernel's scratch must be planned in the arena"
    rep = m.report()
    assert rep["arena_bytes"] >= max(t["offset"] + t["size"] for t in rep["tensors"])
    assert 0 <= rep["peak_op"] < len(rep["ops"])
    for t in rep["tensors"]:
        assert {"offset", "size", "first_op", "last_op"} <= set(t) and t["first_op"] <= t["last_op"]


def test_plot_writes_svg_and_png(tmp_path):
    from tinycc.plot import write
    rep = tinycc.compile(model_path("kws_ref_model")).report()
    write(rep, str(tmp_path / "p.svg"))
    write(rep, str(tmp_path / "p.png"))
    assert (tmp_path / "p.svg").read_text().startswith("<svg")
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_executor_rejects_a_scratch_buffer_smaller_than_the_step_needs():
    from tinycc import _host, backend_host
    m = tinycc.compile(model_path("kws_ref_model"))
    steps, consts = backend_host.pack(m.graph, m.plan, m.program.calls)
    i = next(i for i, st in enumerate(steps) if st[5] is not None)
    space, off, nbytes = steps[i][5]
    steps[i] = steps[i][:5] + ((space, off, nbytes - 16),)
    with pytest.raises(ValueError, match=f"step {i} .*scratch"):
        _host.Executor(m.plan.arena_bytes, steps, consts)
