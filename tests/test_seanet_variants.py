"""The operator variants SEANet's 16x8 layers and Keras's flatten use, bit-exact with TFLite Micro on
the host and on the portable C target:

- QUANTIZE int32 -> int16 and int16 -> int32 (SEANet's quantize layers);
- TRANSPOSE_CONV 16x8 (int16 activations, int8 weights, int64 bias) whose output_shape operand is a
  graph input (SEANet's five decoder layers): TFLite Micro ignores its values, and so does tinycc,
  which still lists it among the model's inputs;
- SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE (Keras's flatten with a dynamic batch), folded to a
  constant shape, in a small int8 and a float32 convolutional network.
"""
import numpy as np
import pytest

import tinycc
from tinycc.oracle import TFLM, random_inputs
from tinycc.verify import verify

from shared_models import MODELS
from synthetic_models import keras_flatten

SEANET = MODELS / "tflm" / "seanet"
QUANTIZE = [f"quantize_quantize{i}" for i in range(2)]
TRANSPOSE_CONV = [f"transpose_conv_transpose_conv{i}" for i in range(5)]
SAMPLES = 3


def seanet(name):
    p = SEANET / f"{name}.tflite"
    if not p.exists():  # a missing model is a broken checkout, not a reason to skip
        raise FileNotFoundError(f"SEANet model {p} not found; set TINYCC_MODELS to the models directory")
    return p


def _inputs(m, seed):
    """SAMPLES random input lists; a TRANSPOSE_CONV's output_shape input gets the output's shape
    once and random int32 values otherwise (TFLite Micro ignores them)."""
    rng = np.random.default_rng(seed)
    samples = [random_inputs(m.inputs, rng) for _ in range(SAMPLES)]
    for i, info in enumerate(m.inputs):
        if info.dtype == np.int32 and tuple(info.shape) == (4,) and len(m.inputs) > 1:
            samples[0][i] = np.array(m.outputs[0].shape, np.int32)
    return samples


def _check(model, target, float_tol=False):
    if float_tol:  # float32: layer by layer against TFLite Micro, within each op's error bound
        lines = []
        assert verify(model, target=target, samples=SAMPLES, reference=False, out=lines.append), lines
        return tinycc.compile(model, target=target)
    m = tinycc.compile(model, target=target)
    oracle = TFLM(model, len(m.outputs))
    samples = _inputs(m, 5)
    if target == "host":
        got = [m(xs if len(xs) > 1 else xs[0]) for xs in samples]
    else:  # one build, one run of all samples
        got = m.run_sequence([xs if len(xs) > 1 else xs[0] for xs in samples])
    for k, (xs, y) in enumerate(zip(samples, got)):
        np.testing.assert_array_equal(y, oracle(xs)[0], err_msg=f"sample {k} on {target}")
    return m


@pytest.mark.parametrize("target", ["host", "c"])
@pytest.mark.parametrize("name", QUANTIZE + TRANSPOSE_CONV)
def test_seanet_layer_bit_exact(name, target):
    m = _check(seanet(name), target)
    if name.startswith("transpose_conv"):
        # the output_shape operand stays a model input (int32 [4]) whose values are ignored
        assert [(tuple(i.shape), np.dtype(i.dtype)) for i in m.inputs][0] == ((4,), np.dtype(np.int32))
        assert len(m.inputs) == 2


@pytest.mark.parametrize("target", ["host", "c"])
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_keras_flatten_shape_folds_and_matches(dtype, target):
    m = _check(keras_flatten(dtype), target, float_tol=dtype == "float32")
    kinds = [op.kind for op in m.graph.ops()]
    assert kinds == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED"], kinds
    assert "fold_constants" in m.passes_applied
