"""The frontend reads what real converters write, as TFLite Micro does: each quirk as a small model,
run by tinycc and TFLite Micro (bit-exact), or refused with a message that says what and where."""
import numpy as np
import pytest

import tinycc
from tinycc.errors import ModelFormatError, UnsupportedError
from tinycc.oracle import TFLM, random_inputs
from tinycc.testing import ModelBuilder, bias_for, quantize_weights_per_channel


def conv_model(quirk=None, channels=4):
    """An int8 CONV_2D (per-channel weights) -> FULLY_CONNECTED model; ``quirk(mb, tensors)`` edits
    it as some converter would."""
    rng = np.random.default_rng(3)
    mb = ModelBuilder()
    x = mb.input("x", (1, 6, 6, 2), "int8", 0.05, -3)
    wq, ws = quantize_weights_per_channel(rng.normal(0, 0.4, (channels, 3, 3, 2)), 0)
    bq, bs = bias_for(rng.normal(0, 0.5, channels), 0.05, ws)
    w = mb.const("w", wq, scale=ws, zero_point=0, axis=0)
    b = mb.const("b", bq, scale=bs, zero_point=0)
    y = mb.tensor("y", (1, 6, 6, channels), "int8", 0.08, 5)
    mb.op("CONV_2D", [x, w, b], [y], padding="SAME", activation="RELU")
    flat = mb.tensor("flat", (1, 36 * channels), "int8", 0.08, 5)
    mb.op("RESHAPE", [y], [flat], new_shape=[1, 36 * channels])
    fw = mb.const("fw", rng.integers(-127, 128, (3, 36 * channels)).astype(np.int8), scale=0.01, zero_point=0)
    z = mb.tensor("z", (1, 3), "int8", 0.5, 0)
    mb.op("FULLY_CONNECTED", [flat, fw, None], [z])
    mb.output(z)
    if quirk is not None:
        quirk(mb, dict(x=x, w=w, b=b, y=y, flat=flat, fw=fw, z=z, ws=ws, bs=bs))
    return mb


def assert_bit_exact(data, reference_data=None, calls=4):
    m = tinycc.compile(data)
    oracle = TFLM(reference_data or data, len(m.outputs))
    rng = np.random.default_rng(0)
    for _ in range(calls):
        xs = random_inputs(m.inputs, rng)
        want = oracle(xs)
        got = m(xs if len(xs) > 1 else xs[0])
        got = got if isinstance(got, list) else [got]
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w)
    return m


QUIRKS = {
    # person_detect.tflite: biases carry the weights' quantized_dimension 3 on a 1-D tensor
    "bias axis 3 on a 1-D tensor": lambda mb, t: mb.raw_quantization(t["b"], t["bs"], 0, axis=3),
    # a per-tensor scale on the bias of per-channel weights (TFLite Micro never reads a bias's scale)
    "per-tensor bias scale": lambda mb, t: mb.raw_quantization(t["b"], t["bs"][:1], 0),
    # the same scale written once per channel
    "per-channel scales all equal": lambda mb, t: mb.raw_quantization(t["fw"], [0.01] * 3, [0] * 3, axis=0),
    # a dynamic batch in the shape signature, the shape itself static
    "shape signature": lambda mb, t: mb.shape_signature(t["x"], (-1, 6, 6, 2)),
}


@pytest.mark.parametrize("quirk", sorted(QUIRKS))
def test_converter_quirks_compile_and_match_tflm(quirk):
    assert_bit_exact(conv_model(QUIRKS[quirk]).build())


def test_redundant_quantization_on_float_tensors():
    mb = ModelBuilder()
    x = mb.input("x", (1, 5), "float32")
    y = mb.tensor("y", (1, 3), "float32")
    w = mb.const("w", np.arange(15, dtype=np.float32).reshape(3, 5) / 10)
    mb.raw_quantization(x, [0.1], [3])
    mb.raw_quantization(w, [0.1, 0.2, 0.3], [0, 0, 0], axis=7)
    mb.op("FULLY_CONNECTED", [x, w, None], [y])
    mb.output(y)
    m = tinycc.compile(mb.build())
    assert m.graph.tensor("x").quant is None and m.graph.tensor("w").quant is None


def test_buffers_after_the_flatbuffer():
    """Converters write constants after the flatbuffer (offset and size in the Buffer table) for large
    models. tinycc reads them; TFLite Micro does not (it silently reads zeros), so the oracle runs the
    same model with the constants inline."""
    mb = conv_model()
    external, inline = mb.build(external_buffers=True), mb.build()
    assert len(external) > len(inline) - 64 and external != inline
    assert_bit_exact(external, reference_data=inline)


def test_scales_fitting_no_axis_are_a_format_error():
    def bad(mb, t):
        mb.raw_quantization(t["w"], np.linspace(0.01, 0.02, 5), [0] * 5, axis=0)
    with pytest.raises(ModelFormatError, match=r"'w'.*5 channel scales"):
        tinycc.compile(conv_model(bad).build())


def test_missing_quantization_on_int8_activations():
    def bad(mb, t):
        mb._tensors[t["y"].index].scale = None
    with pytest.raises(UnsupportedError, match=r"operator #0 \(CONV_2D\).*scale and zero point"):
        tinycc.compile(conv_model(bad).build())


def test_custom_operators_are_named_with_their_index():
    mb = ModelBuilder()
    x = mb.input("x", (1, 8), "int8", 0.1, 0)
    y = mb.tensor("y", (1, 8), "int8", 0.1, 0)
    z = mb.tensor("z", (1, 8), "int8", 0.1, 0)
    mb.op("RELU", [x], [y])
    mb.custom_op("MyVendorOp", [y], [z])
    mb.output(z)
    with pytest.raises(UnsupportedError, match=r"custom operator 'MyVendorOp' \(operator #1\); tinycc supports "
                                               r"TFLite builtin operators \(\d+ of them.*custom ones: SignalEnergy"):
        tinycc.compile(mb.build())


def test_models_of_2_gib_and_more_are_refused_cleanly(tmp_path):
    path = tmp_path / "huge.tflite"
    with open(path, "wb") as f:  # a sparse file: no disk is used
        f.truncate(1 << 31)
    with pytest.raises(UnsupportedError, match="below 2 GiB"):
        tinycc.compile(path)
