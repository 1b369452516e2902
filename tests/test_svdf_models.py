"""SVDF on whole models: TFLite Micro's keyword_scrambled models (int16 input, QUANTIZE to int8, seven
SVDF layers with an int16 (keyword_scrambled) or int8 (keyword_scrambled_8bit) activation state,
FULLY_CONNECTED, SOFTMAX, QUANTIZE to int32) and long sequences of the SVDF op cases.

The models keep state: each test runs several invocations in a row, resets, and runs again; tinycc
(host executor, reference interpreter, the `c` target) must be bit-exact with TFLite Micro at every
call. Their weights are scrambled (full-range random), so the final output barely moves: the tests
also compare every SVDF layer's activation state after every call, and every SVDF and
FULLY_CONNECTED output (made extra graph outputs), with the tensors TFLite Micro keeps.
"""
import numpy as np
import pytest

import tinycc
from tinycc import interpreter, tflite_reader, tolerance
from tinycc.oracle import random_inputs

from opcases import CASES
from shared_models import model_path
from test_ops import compare

MODELS = ["tflm/keyword_scrambled", "tflm/keyword_scrambled_8bit"]
SEQUENCE = (4, 2)  # calls before and after the reset


class Oracle:
    """TFLite Micro keeping every tensor, so that intermediate and variable tensors can be read."""

    def __init__(self, data: bytes):
        from tflite_micro.python.tflite_micro import runtime
        self.ip = runtime.Interpreter.from_bytes(
            data, arena_size=10 * len(data) + (4 << 20),
            intrepreter_config=runtime.InterpreterConfig.kPreserveAllTensors)

    def __call__(self, xs):
        for i, x in enumerate(xs):
            self.ip.set_input(x, i)
        self.ip.invoke()

    def tensor(self, index):
        return np.asarray(self.ip.GetTensor(index, 0)["tensor_data"])

    def reset(self):
        self.ip.reset()


def _with_intermediates(path):
    """The model's graph with the outputs of its SVDF and FULLY_CONNECTED ops as extra graph outputs;
    (graph, [tensor index of every graph output])."""
    g = tflite_reader.load(open(path, "rb").read())
    for op in g.ops():
        if op.kind in ("SVDF", "FULLY_CONNECTED") and op.outputs[0] not in g.outputs:
            g.outputs.append(op.outputs[0])
    return g, [g.tensor(n).index for n in g.outputs]


def _inputs(m, n, seed):
    rng = np.random.default_rng(seed)
    return [random_inputs(m.inputs, rng) for _ in range(n)]


@pytest.mark.parametrize("name", MODELS)
def test_keyword_model_host(name):
    path = model_path(name)
    data = open(path, "rb").read()
    m = tinycc.compile(path)
    svdfs = [op for op in m.graph.ops() if op.kind == "SVDF"]
    assert len(svdfs) == 7 and m.has_state
    states = [op.inputs[4] for op in svdfs]
    oracle = Oracle(data)
    xs = _inputs(m, sum(SEQUENCE), 3)
    for call, x in enumerate(xs):
        if call == SEQUENCE[0]:
            m.reset()
            oracle.reset()
        oracle(x)
        want = [oracle.tensor(m.graph.tensor(n).index) for n in m.graph.outputs]
        what = f"{name} call {call}"
        compare(want, m(x), f"{what} (host executor)")
        compare(want, m.reference(x), f"{what} (reference interpreter)")
        for s in states:
            t = m.graph.tensor(s)
            tf = oracle.tensor(t.index).reshape(t.shape)
            np.testing.assert_array_equal(m.program.views[s], tf, err_msg=f"{what}: state {s} (host executor)")
            np.testing.assert_array_equal(m._ref_state[s], tf, err_msg=f"{what}: state {s} (reference)")


@pytest.mark.parametrize("target", ["host", "c"])
@pytest.mark.parametrize("name", MODELS)
def test_keyword_model_intermediates(name, target):
    """Every SVDF and FULLY_CONNECTED output at every call (on the c target each part of the sequence
    is one run of the library: tinycc_reset, then the calls in order)."""
    path = model_path(name)
    graph, indices = _with_intermediates(path)
    m = tinycc.compile(graph, target=target)
    oracle = Oracle(open(path, "rb").read())
    xs = _inputs(m, sum(SEQUENCE), 5)
    want = []
    for call, x in enumerate(xs):
        if call == SEQUENCE[0]:
            oracle.reset()
        oracle(x)
        want.append([oracle.tensor(i).reshape(m.outputs[k].shape) for k, i in enumerate(indices)])
    got = m.run_sequence(xs[:SEQUENCE[0]]) + m.run_sequence(xs[SEQUENCE[0]:])  # each starts from a reset
    for call, (w, g) in enumerate(zip(want, got)):
        compare(w, g, f"{name} on {target}, call {call}")


def test_svdf_cases_long_sequences():
    """SVDF op cases over 10 calls in a row (the state fills its whole memory), a reset, 3 more."""
    for k in range(60):
        gen = CASES["SVDF"][k % len(CASES["SVDF"])]
        seed = 7001 + k
        data, _ = gen(np.random.default_rng(seed), 8)
        m = tinycc.compile(data)
        oracle = Oracle(data)
        state = [interpreter.initial_state(m.source), tolerance.initial_error_state(m.source)]
        for call, x in enumerate(_inputs(m, 13, seed)):
            if call == 10:
                m.reset()
                oracle.reset()
                state = [interpreter.initial_state(m.source), tolerance.initial_error_state(m.source)]
            oracle(x)
            want = [oracle.tensor(m.graph.tensor(n).index) for n in m.graph.outputs]
            _, bounds = tolerance.bounds(m.source, x if isinstance(x, list) else [x], *state)
            compare(want, m(x), f"SVDF case seed {seed} call {call} (host executor)", bounds)
            compare(want, m.reference(x), f"SVDF case seed {seed} call {call} (reference interpreter)", bounds)


def _svdf_model(x="int8", wf="int8", wt="int16", b="int32", state="int16", y="int8", variable=True, bias=True,
                b_scale=None, state_zp=0, activation="RELU", per_channel=False):
    """A one-SVDF model (batch 1, 5 inputs, 3 units of rank 2, memory 4) of the given operand types."""
    from tinycc.testing import ModelBuilder
    rng = np.random.default_rng(0)
    mb = ModelBuilder("SVDF refusal")

    def q(t, s, zp=0):
        return (s, zp) if t != "float32" else (None, 0)

    def const(name, shape, t, s):
        if t == "float32":
            return mb.const(name, rng.normal(0, 1, shape).astype(np.float32))
        lim = np.iinfo(t)
        data = rng.integers(lim.min + 1, lim.max, shape).astype(t)
        scale = (s * np.linspace(1.0, 1.5, shape[0])).astype(np.float32) if per_channel else s
        return mb.const(name, data, scale=scale, zero_point=0)
    xi = mb.input("x", (1, 5), x, *q(x, 0.05, 3))
    ops = [xi, const("wf", (6, 5), wf, 0.01), const("wt", (6, 4), wt, 0.002)]
    ops.append(const("b", (3,), b, b_scale or 0.004 * 0.002) if bias else None)
    ops.append((mb.variable if variable else mb.tensor)("s", (1, 24), state, *q(state, 0.004, state_zp)))
    yo = mb.tensor("y", (1, 3), y, *q(y, 0.1, -5))
    mb.op("SVDF", ops, [yo], rank=2, activation=activation)
    mb.output(yo)
    return mb.build()


@pytest.mark.parametrize("kwargs,rule", [
    (dict(x="int16", y="int16"), "TFLite Micro takes no int16 input"),
    (dict(x="float32", wt="float32", b="float32", state="float32", y="float32"), "hybrid"),
    (dict(wt="int8"), "int16 weights_time and activation_state (or int8 both)"),
    (dict(b="int64"), "int32 bias"),
    (dict(variable=False), "must be a variable tensor"),
    (dict(bias=False), "the bias operand is required"),
    (dict(b_scale=0.1), "the bias scale must equal"),
    (dict(activation="TANH"), "NONE, RELU, RELU_N1_TO_1 or RELU6"),
    (dict(state_zp=7), "zero point 0"),
    (dict(per_channel=True), "quantized per tensor"),
])
def test_svdf_refusals(kwargs, rule):
    from tinycc.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="SVDF") as e:
        tinycc.compile(_svdf_model(**kwargs))
    assert rule in " ".join(str(e.value).split()), str(e.value)


def test_svdf_variants_accepted():
    """The three variants TFLite Micro runs, on one model each (bit-exactness: the op cases)."""
    for kwargs in (dict(), dict(wt="int8", state="int8", state_zp=-9),
                   dict(x="float32", wf="float32", wt="float32", b="float32", state="float32", y="float32")):
        m = tinycc.compile(_svdf_model(**kwargs))
        assert m.has_state
