"""Models with state (variable tensors: an LSTM's hidden and cell state).

TFLite Micro keeps variable tensors from one invocation to the next until the interpreter is
reset; tinycc keeps them in the arena, planned for the whole program so nothing else ever
shares their bytes. These tests check the behaviour around that against TFLite Micro: calls in
a row, reset, batches, the plan, the C API, and the errors.
"""
import numpy as np
import pytest

import tinycc
from tinycc import _host, interpreter, planner, tolerance
from tinycc.errors import InputError, ModelFormatError
from tinycc.oracle import TFLM
from tinycc.testing import ModelBuilder

from opcases.lstm import lstm


def _model(seed=3, dtype="int8"):
    for s in range(seed, seed + 100):
        data, xs = lstm(np.random.default_rng(s), 5)
        if xs[0].dtype == np.dtype(dtype):
            return data, xs[0]
    raise AssertionError("no case of that dtype")


def _sequence(x, n):
    rng = np.random.default_rng(1)
    return [x] + [rng.permutation(x.reshape(-1)).reshape(x.shape) for _ in range(n - 1)]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_calls_carry_state_and_reset_restores_it(dtype):
    data, x = _model(dtype=dtype)
    m, oracle = tinycc.compile(data), TFLM(data)
    assert m.has_state
    xs = _sequence(x, 4)
    want = [oracle([v])[0] for v in xs]
    got = [m(v) for v in xs]
    state = [interpreter.initial_state(m.source), tolerance.initial_error_state(m.source)]
    bounds = [tolerance.bounds(m.source, [v], *state)[1][0] for v in xs]
    for w, g, b in zip(want, got, bounds):
        assert tolerance.compare(g, w, b) is None
    # the state matters: the same input gives a different output on a later call
    assert not np.array_equal(m(xs[0]), got[0])
    m.reset()
    oracle.reset()
    assert tolerance.compare(m(xs[0]), oracle([xs[0]])[0], bounds[0]) is None
    np.testing.assert_array_equal(m.run_sequence(xs)[-1], got[-1])  # run_sequence starts from a reset


def test_reference_interpreter_keeps_its_own_state():
    data, x = _model()
    m, oracle = tinycc.compile(data), TFLM(data)
    for v in _sequence(x, 3):
        np.testing.assert_array_equal(m.reference(v), oracle([v])[0])
    m.reset()
    oracle.reset()
    np.testing.assert_array_equal(m.reference(x), oracle([x])[0])


def test_run_batch_runs_the_samples_in_order():
    data, x = _model()
    m, oracle = tinycc.compile(data), TFLM(data)
    xs = _sequence(x, 5)
    got = m.run_batch(np.stack(xs))
    np.testing.assert_array_equal(got, np.stack([oracle([v])[0] for v in xs]))
    with pytest.raises(InputError, match="state.*threads must be 1"):
        m.run_batch(np.stack(xs), threads=2)


@pytest.mark.parametrize("plan", ["small", "fast"])
def test_state_is_planned_for_the_whole_program(plan):
    data, _ = _model()
    m = tinycc.compile(data, plan=plan)
    n = len(m.schedule)
    assert m.report()["state_bytes"] == sum(m.plan.buffers[m.plan.storage[s]].size for s in m.graph.states()) > 0
    for name in m.graph.states():
        b = m.plan.buffers[m.plan.storage[name]]
        assert (b.start, b.end) == (0, 2 * n)
        for other in m.plan.buffers.values():  # no other buffer ever shares its bytes
            if other is not b:
                assert not b.overlaps_in_space(other), (name, other.name)
    # the independent checker catches a plan that lets anything share a state's bytes
    h = m.plan.storage[m.graph.states()[0]]
    y = m.plan.storage[m.graph.outputs[0]]
    bad = planner.MemoryPlan(dict(m.plan.buffers), m.plan.storage, {}, m.plan.arena_bytes + 4096, m.plan.alignment)
    bad.buffers[y] = planner.Buffer(y, bad.buffers[y].size, 0, 0, bad.buffers[h].offset)
    with pytest.raises(tinycc.errors.PlanError, match="overlap"):
        planner.check(m.graph, m.schedule, bad)
    # ... and a plan whose state is not alone at the bottom of the arena (what a library keeping the
    # state apart relies on)
    assert max(m.plan.offset(s) for s in m.graph.states()) < min(
        b.offset for s, b in m.plan.buffers.items() if s not in {m.plan.storage[n] for n in m.graph.states()})
    up = planner.MemoryPlan(dict(m.plan.buffers), m.plan.storage, dict(m.plan.inplace), m.plan.arena_bytes + 4096,
                            m.plan.alignment)
    up.buffers[h] = planner.Buffer(h, up.buffers[h].size, 0, 2 * n, m.plan.arena_bytes + 1024)
    with pytest.raises(tinycc.errors.PlanError, match="state part"):
        planner.check(m.graph, m.schedule, up)


def test_c_library_resets_and_keeps_state(tmp_path):
    data, x = _model()
    m, oracle = tinycc.compile(data, target="c"), TFLM(data)
    files = m.write(str(tmp_path))
    h = (tmp_path / "model.h").read_text()
    c = (tmp_path / "model.c").read_text()
    assert "#define TINYCC_HAS_STATE 1" in h and "void tinycc_reset(uint8_t *arena);" in h
    assert c.count("/* state ") == 2 and "model.c" in files
    xs = _sequence(x, 3)
    want = [oracle([v])[0] for v in xs]
    for w, g in zip(want, [m(v) for v in xs]):  # each call replays the sequence since the reset
        np.testing.assert_array_equal(g, w)
    m.reset()
    np.testing.assert_array_equal(m(xs[0]), want[0])


def test_stateless_model_has_no_state():
    mb = ModelBuilder()
    x = mb.input("x", (1, 4), "float32")
    y = mb.tensor("y", (1, 4), "float32")
    mb.op("RELU", [x], [y])
    mb.output(y)
    m = tinycc.compile(mb.build(), target="c")
    assert not m.has_state and "#define TINYCC_HAS_STATE 0" in m.program.files()["model.h"]
    assert m.report()["state_bytes"] == 0


def test_variable_read_by_an_op_without_state_is_refused():
    mb = ModelBuilder()
    x = mb.input("x", (1, 4), "float32")
    v = mb.variable("v", (1, 4), "float32")
    y = mb.tensor("y", (1, 4), "float32")
    mb.op("ADD", [x, v], [y])
    mb.output(y)
    with pytest.raises(ModelFormatError, match="variable tensor 'v' must be the state operand"):
        tinycc.compile(mb.build())


def test_executor_refuses_state_outside_the_arena():
    from tinycc.backend_host import pack
    data, _ = _model()
    m = tinycc.compile(data)
    steps, consts = pack(m.graph, m.plan, m.program.calls)
    (step,) = [s for s in steps if s[0] == "lstm_s8"]
    bufs = list(step[1])
    bufs[2] = (len(consts), 0, bufs[2][2])  # the hidden state in a constant
    with pytest.raises(ValueError, match="buffer h is written and must be in the arena"):
        _host.Executor(m.arena_bytes, [(step[0], bufs) + tuple(step[2:])], consts + [np.zeros(bufs[2][2], np.uint8)])
    _host.Executor(m.arena_bytes, [step], consts)  # as planned: accepted
