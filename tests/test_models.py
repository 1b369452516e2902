"""The shared MLPerf Tiny models against TFLite Micro: int8 bit-exact, float32 layer by layer within
the error bound of each op's arithmetic (tinycc.verify)."""
import numpy as np
import pytest

import tinycc
from tinycc.oracle import TFLM, random_inputs
from tinycc.verify import verify

from shared_models import FLOAT_MODELS, HYBRID_MODELS, INT8_MODELS, model_path

SAMPLES = 100


@pytest.mark.parametrize("name", INT8_MODELS)
def test_int8_model_bit_exact_with_tflm(name):
    path = model_path(name)
    m = tinycc.compile(path)  # the host's "fast" plan
    small = tinycc.compile(path, plan="small")  # the device's plan, rows streamed in place
    oracle = TFLM(path, len(m.outputs))
    rng = np.random.default_rng(sum(map(ord, name)))
    outputs = set()
    for i in range(SAMPLES):
        xs = random_inputs(m.inputs, rng)
        want = oracle(xs)[0]
        got = m(xs[0])
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want, err_msg=f"{name}: Cython executor, sample {i}")
        if i < 25:  # the reference interpreter is slow; it is the spec, checked on a subset here
            np.testing.assert_array_equal(m.reference(xs[0]), want, err_msg=f"{name}: reference, sample {i}")
            np.testing.assert_array_equal(small(xs[0]), want, err_msg=f"{name}: small plan, sample {i}")
        outputs.add(got.tobytes())
    assert len(outputs) > 1, "random inputs should not all give the same output"


@pytest.mark.parametrize("name", INT8_MODELS)
def test_reference_interpreter_bit_exact_with_tflm(name):
    path = model_path(name)
    m = tinycc.compile(path)
    oracle = TFLM(path, len(m.outputs))
    rng = np.random.default_rng(7 + sum(map(ord, name)))
    for i in range(SAMPLES - 25):
        xs = random_inputs(m.inputs, rng)
        np.testing.assert_array_equal(m.reference(xs[0]), oracle(xs)[0], err_msg=f"{name}: sample {i}")


@pytest.mark.parametrize("name", FLOAT_MODELS)
def test_float_model_matches_tflm_layer_by_layer(name):
    lines = []
    assert verify(model_path(name), samples=4, seed=5, out=lines.append), "\n".join(lines)
    assert all("vs TFLite Micro (layer by layer)" in line for line in lines), lines


@pytest.mark.parametrize("name", HYBRID_MODELS)
def test_hybrid_model_is_refused_clearly(name):
    with pytest.raises(tinycc.UnsupportedError, match=r"operator #0 \(CONV_2D\).*hybrid"):
        tinycc.compile(model_path(name))
