"""Differential tests of every operator against TFLite Micro.

For each op of the op table, seed-driven random cases (tests/opcases: shapes with odd and 1-sized
dimensions, options, scales and zero points) are written as .tflite models with
tinycc.testing.ModelBuilder, run by TFLite Micro and by tinycc on the host (the NumPy reference
interpreter and the compiled Cython executor), and compared: integer outputs bit for bit, float32
within twice the error bound of the op's arithmetic (tinycc.tolerance). TINYCC_OP_CASES sets the cases per op (default 200).

A failing case is shrunk (the same seed with smaller dimensions) and the smallest failing model is
saved under tests/regressions/ (with the seed in its name); every model there is re-run by
test_regressions.
"""
import os
import pathlib

import numpy as np
import pytest

import tinycc
from tinycc import interpreter, tolerance
from tinycc import ops as optable
from tinycc.oracle import TFLM

from opcases import CASES

N_CASES = int(os.environ.get("TINYCC_OP_CASES", "200"))
SIZE = 8
REGRESSIONS = pathlib.Path(__file__).resolve().parent / "regressions"


def compare(want, got, what, bounds=None):
    """Integers bit for bit; float32 within twice the error bound of the op's arithmetic (its inputs are
    exact: a sum of n products may differ by gamma_n times the sum of |products|; tinycc.tolerance).
    Without ``bounds`` every output must be an integer."""
    if not isinstance(got, list):
        got = [got]
    assert len(want) == len(got), what
    if bounds is None:
        assert all(w.dtype != np.float32 for w in want), f"{what}: float outputs need their error bounds"
        bounds = [0.0] * len(want)
    for i, (w, g, b) in enumerate(zip(want, got, bounds)):
        assert w.dtype == g.dtype and w.shape == g.shape, f"{what} output {i}: TFLM {w.dtype}{w.shape}, " \
                                                          f"tinycc {g.dtype}{g.shape}"
        if w.dtype == np.float32:
            mm = tolerance.compare(g, w, b)
            assert mm is None, f"{what} output {i}: {mm}"
        elif not np.array_equal(w, g):
            bad = np.argwhere(w != g)
            raise AssertionError(f"{what} output {i}: {len(bad)} of {w.size} elements differ, first at "
                                 f"{bad[0].tolist()}: TFLM {w[tuple(bad[0])]}, tinycc {g[tuple(bad[0])]}")


def run_case(data, inputs, what):
    """TFLite Micro against tinycc's reference interpreter, the host executor on its fast plan, and
    the host executor on the device's plan (plan="small": rows streamed in place, fused residual
    ADDs) when that plan differs."""
    m = tinycc.compile(data)
    small = tinycc.compile(data, plan="small")
    small = small if small.plan.inplace or small.passes_applied != m.passes_applied else None
    for op in m.graph.ops():  # the op table declares every kernel a lowering emits
        declared = optable.get(op.kind).kernels
        for call in optable.get(op.kind).lower(op, m.graph):
            assert call.kernel in declared, f"{what}: {op.kind} lowered to {call.kernel}, not in {declared}"
    oracle = TFLM(data, len(m.outputs))
    state = [None, None]
    for call, xs in enumerate(calls(m, inputs)):
        if xs is None:  # a model with state: reset, then the sequence starts over
            oracle.reset()
            m.reset()
            if small is not None:
                small.reset()
            state = [None, None]
            continue
        if state[0] is None:
            state = [interpreter.initial_state(m.source), tolerance.initial_error_state(m.source)]
        want = oracle(xs)
        _, bounds = tolerance.bounds(m.source, list(xs), *state)
        compare(want, m.reference(list(xs)), f"{what} call {call} (reference interpreter)", bounds)
        compare(want, m(list(xs)), f"{what} call {call} (host executor)", bounds)
        if small is not None:
            compare(want, small(list(xs)), f"{what} call {call} (host executor, the device's plan)", bounds)


def calls(m, inputs):
    """The inputs of each call of a case: one call; for a model with state (an LSTM) three calls in a
    row (the state carries over), a reset (None), and the first input again."""
    if not m.has_state:
        return [inputs]
    return [inputs, [np.roll(x, 1) for x in inputs], inputs, None, inputs]


def _fails(gen, seed, size):
    rng = np.random.default_rng(seed)
    data, inputs = gen(rng, size)
    try:
        run_case(data, inputs, "")
    except AssertionError:
        return data
    return None


def shrink_and_save(op, gen, seed, size):
    """The smallest size at which the seed still fails; its model is saved as a regression."""
    data = None
    for s in range(size, 0, -1):
        d = _fails(gen, seed, s)
        if d is not None:
            data, size = d, s
    if data is None:
        return None
    REGRESSIONS.mkdir(exist_ok=True)
    path = REGRESSIONS / f"{op.lower()}_{gen.__name__}_seed{seed}_size{size}.tflite"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("op", sorted(CASES))
def test_op_differential(op):
    gens = CASES[op]
    for k in range(N_CASES):
        gen = gens[k % len(gens)]
        seed = sum(map(ord, op)) * 100003 + k
        rng = np.random.default_rng(seed)
        data, inputs = gen(rng, SIZE)
        try:
            run_case(data, inputs, f"{op} case {k} (seed {seed})")
        except AssertionError as e:
            saved = shrink_and_save(op, gen, seed, SIZE)
            raise AssertionError(f"{e}\nshrunk failing model saved as {saved}") from None


def test_every_op_has_cases():
    assert set(optable.supported()) <= set(CASES), sorted(set(optable.supported()) - set(CASES))


def test_every_op_declares_its_kernels():
    from tinycc import kernels
    for name, d in optable.table().items():
        assert d.kernels and set(d.kernels) <= set(kernels.KERNELS), (name, d.kernels)


def test_supported_ops_doc_is_current():
    """docs/supported_ops.md is what `tinycc ops` prints (regenerate it after changing the op table)."""
    from tinycc.opdocs import supported_ops_markdown
    doc = pathlib.Path(__file__).resolve().parent.parent / "docs" / "supported_ops.md"
    assert doc.read_text() == supported_ops_markdown() + "\n", "run: tinycc ops > docs/supported_ops.md"


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*.tflite")), ids=lambda p: p.name)
def test_regressions(path):
    data = path.read_bytes()
    m = tinycc.compile(data)
    rng = np.random.default_rng(0)
    from tinycc.oracle import random_inputs
    for _ in range(3):
        xs = random_inputs(m.inputs, rng)
        run_case(data, xs, path.name)


@pytest.mark.parametrize("beta", [1.0, 0.37])
def test_softmax_int16_tables(beta):
    """Every entry and interpolation step of the int16 softmax's two tables (exp and 1 / (1 + x),
    which tinycc computes at compile time) against TFLite Micro: rows (32767, 32767 - k) for every
    k in 0..65535 put each difference on [-10, 0] once (beta 1) and their sums over [1, 2)."""
    from tinycc.testing import ModelBuilder
    n = 65536
    mb = ModelBuilder("int16 softmax table sweep")
    x = mb.input("x", (n, 2), "int16", 10 / 65535, 0)
    y = mb.tensor("y", (n, 2), "int16", 1 / 32768, 0)
    mb.op("SOFTMAX", [x], [y], beta=beta)
    mb.output(y)
    xs = np.stack([np.full(n, 32767), 32767 - np.arange(n)], axis=1).astype(np.int16)
    run_case(mb.build(), [xs], f"int16 softmax table sweep, beta {beta}")


def _preprocessor_models():
    """The builtin ops of TFLite Micro's audio preprocessor (audio_preprocessor_int8.tflite) between
    its Signal custom ops, with its constants: the spectrum's CAST uint32 -> int32, STRIDED_SLICE,
    CONCATENATION with zero bins and CAST back to uint32; the log-mel features' CAST int16 -> int32,
    MUL, ADD, DIV, ADD by int32 scalars, MINIMUM / MAXIMUM and CAST to int8 (and to float32 as in
    audio_preprocessor_float.tflite)."""
    from tinycc.testing import DTYPES, ModelBuilder

    def cast(mb, x, name, shape, src, dst):
        y = mb.tensor(name, shape, dst)
        mb.op("CAST", [x], [y], InDataType=DTYPES[src][0], OutDataType=DTYPES[dst][0])
        return y

    mb = ModelBuilder("preprocessor spectrum")
    e = mb.input("energy", (257,), "uint32")
    s = cast(mb, e, "s32", (257,), "uint32", "int32")
    sl = mb.tensor("slice", (236,), "int32")
    mb.op("STRIDED_SLICE", [s, mb.const("begin", np.int32([5])), mb.const("end", np.int32([241])),
                            mb.const("strides", np.int32([1]))], [sl])
    cat = mb.tensor("cat", (257,), "int32")
    mb.op("CONCATENATION", [mb.const("lo", np.zeros(5, np.int32)), sl, mb.const("hi", np.zeros(16, np.int32))],
          [cat], Axis=0)
    mb.output(cast(mb, cat, "u32", (257,), "int32", "uint32"))
    spectrum = mb.build()

    features = {}
    for out in ("int8", "float32"):
        mb = ModelBuilder(f"preprocessor features ({out})")
        x = mb.input("log_mel", (40,), "int16")
        if out == "float32":
            y = cast(mb, x, "f", (40,), "int16", "float32")
            z = mb.tensor("scaled", (40,), "float32")
            mb.op("MUL", [y, mb.const("k", np.float32(0.0390625))], [z])
            mb.output(z)
        else:
            y = cast(mb, x, "wide", (40,), "int16", "int32")
            for k, (kind, c) in enumerate((("MUL", 256), ("ADD", 333), ("DIV", 666), ("ADD", -128),
                                           ("MINIMUM", 127), ("MAXIMUM", -128))):
                z = mb.tensor(f"t{k}", (40,), "int32")
                mb.op(kind, [y, mb.const(f"c{k}", np.int32(c))], [z])
                y = z
            mb.output(cast(mb, y, "q", (40,), "int32", "int8"))
        features[out] = mb.build()
    return spectrum, features


def test_audio_preprocessor_builtin_ops():
    spectrum, features = _preprocessor_models()
    rng = np.random.default_rng(5)
    for k in range(4):
        e = rng.integers(0, 2 ** (8 * (k + 1)), 257, dtype=np.uint64).astype(np.uint32)
        run_case(spectrum, [e], f"preprocessor spectrum, {8 * (k + 1)}-bit energies")
        x = rng.integers(-32768, 32768, 40).astype(np.int16) if k == 3 else \
            rng.integers(0, 2 ** (13 + k), 40).astype(np.int16)
        for out, data in features.items():
            run_case(data, [x], f"preprocessor features to {out}, {k}")
