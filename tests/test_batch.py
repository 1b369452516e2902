"""The calling API on the host: m(x) (its fast path included), m.run_batch(X, threads) against
per-sample calls and TFLite Micro, and the fast kernels' portable C code on whole models."""
import numpy as np
import pytest

import tinycc
from tinycc import isa
from tinycc.oracle import TFLM, random_inputs
from tinycc.testing import ModelBuilder

from shared_models import FLOAT_MODELS, INT8_MODELS, model_path


def batch(infos, n, rng):
    """n random samples per input, stacked: [array (n, *shape)] per input."""
    samples = [random_inputs(infos, rng) for _ in range(n)]
    return [np.stack([s[i] for s in samples]) for i in range(len(infos))]


@pytest.mark.parametrize("name", INT8_MODELS)
def test_run_batch_int8_equals_calls_and_tflm(name):
    path = model_path(name)
    m = tinycc.compile(path)
    oracle = TFLM(path, len(m.outputs))
    (X,) = batch(m.inputs, 12, np.random.default_rng(11))
    want = np.stack([oracle([x])[0] for x in X])
    np.testing.assert_array_equal(np.stack([m(x) for x in X]), want)
    for threads in (1, 2, 5):
        got = m.run_batch(X, threads=threads)
        assert got.shape == (12,) + m.outputs[0].shape and got.dtype == m.outputs[0].dtype
        np.testing.assert_array_equal(got, want, err_msg=f"{name}, {threads} threads")


@pytest.mark.parametrize("name", FLOAT_MODELS)
def test_run_batch_float_equals_calls(name):
    m = tinycc.compile(model_path(name))
    (X,) = batch(m.inputs, 6, np.random.default_rng(3))
    want = np.stack([m(x) for x in X])
    for threads in (1, 3):
        assert m.run_batch(X, threads=threads).tobytes() == want.tobytes()


def two_in_two_out():
    """x, z -> ADD(x, z), and y = FULLY_CONNECTED(x): two inputs, two outputs."""
    mb = ModelBuilder()
    x = mb.input("x", (1, 8), "int8", scale=0.05, zero_point=-3)
    z = mb.input("z", (1, 8), "int8", scale=0.07, zero_point=5)
    s = mb.tensor("s", (1, 8), "int8", scale=0.1, zero_point=1)
    w = mb.const("w", np.arange(-16, 16, dtype=np.int8).reshape(4, 8), scale=0.01, axis=0)
    y = mb.tensor("y", (1, 4), "int8", scale=0.2, zero_point=-2)
    mb.op("ADD", [x, z], [s])
    mb.op("FULLY_CONNECTED", [x, w, None], [y])
    mb.output(s, y)
    return mb.build()


def test_run_batch_several_inputs_and_outputs():
    data = two_in_two_out()
    m = tinycc.compile(data)
    oracle = TFLM(data, 2)
    X, Z = batch(m.inputs, 9, np.random.default_rng(5))
    want = [np.stack(o) for o in zip(*[oracle([x, z]) for x, z in zip(X, Z)])]
    for threads in (1, 4):
        got = m.run_batch([X, Z], threads=threads)
        assert isinstance(got, list) and len(got) == 2
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
        byname = m.run_batch({"z": Z, "x": X}, threads=threads)
        assert set(byname) == {o.name for o in m.outputs}
        np.testing.assert_array_equal(byname[m.outputs[1].name], want[1])
    for i in range(3):  # and calls one sample at a time, list and dict
        s, y = m([X[i], Z[i]])
        np.testing.assert_array_equal(s, want[0][i])
        np.testing.assert_array_equal(m({"x": X[i], "z": Z[i]})[m.outputs[1].name], want[1][i])


def test_run_batch_edge_cases_and_errors():
    m = tinycc.compile(model_path("ad01_int8"))
    shape = m.inputs[0].shape
    assert m.run_batch(np.zeros((0,) + shape, np.int8)).shape == (0,) + m.outputs[0].shape
    X = np.random.default_rng(0).integers(-128, 128, (3,) + shape).astype(np.int8)
    one = m.run_batch(X[:1], threads=8)  # more threads than samples
    np.testing.assert_array_equal(one[0], m(X[0]))
    # a non-contiguous batch is copied, not misread
    Xs = np.repeat(X, 2, axis=0)[::2]
    np.testing.assert_array_equal(m.run_batch(Xs), m.run_batch(X))
    with pytest.raises(tinycc.InputError, match="must be int8, got float32"):
        m.run_batch(X.astype(np.float32))
    with pytest.raises(tinycc.InputError, match=r"must have shape \(N, \*"):
        m.run_batch(X[0])
    with pytest.raises(tinycc.InputError, match="threads must be an integer >= 1"):
        m.run_batch(X, threads=0)
    m2 = tinycc.compile(two_in_two_out())
    with pytest.raises(tinycc.InputError, match="have 4 and 3 samples"):
        m2.run_batch([np.zeros((4, 1, 8), np.int8), np.zeros((3, 1, 8), np.int8)])


def test_call_fast_path():
    """m(x) for one input array: the same as the general path; the output is a copy, not the arena;
    non-contiguous inputs are read right; wrong inputs still raise."""
    m = tinycc.compile(model_path("kws_ref_model"))
    rng = np.random.default_rng(1)
    (x,) = random_inputs(m.inputs, rng)
    y = m(x)
    np.testing.assert_array_equal(m([x]), y)
    y2 = m(x)
    m(random_inputs(m.inputs, rng)[0])
    np.testing.assert_array_equal(y, y2)  # not overwritten by the next call
    big = np.repeat(x, 2, axis=-1)
    np.testing.assert_array_equal(m(big[..., ::2]), y)
    with pytest.raises(tinycc.InputError, match="must have shape"):
        m(x[0])
    with pytest.raises(tinycc.InputError, match="quantize_input"):
        m(x.astype(np.float32))


@pytest.mark.parametrize("level", isa.cpu_levels())
@pytest.mark.parametrize("name", INT8_MODELS)
def test_every_isa_level_bit_exact_with_tflm(name, level):
    """The whole models with the kernels of every instruction-set level this CPU has."""
    path = model_path(name)
    m = tinycc.compile(path, isa=level)
    assert m.isa == level
    oracle = TFLM(path, len(m.outputs))
    (X,) = batch(m.inputs, 4, np.random.default_rng(2))
    np.testing.assert_array_equal(m.run_batch(X), np.stack([oracle([x])[0] for x in X]))
