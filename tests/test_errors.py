"""Bad input gets a clear tinycc error: never a crash, a hang or a silent wrong answer."""
import struct

import numpy as np
import pytest
import tflite

import tinycc
from tinycc import tflite_reader

from shared_models import model_path


def model_bytes(name="kws_ref_model"):
    return bytearray(model_path(name).read_bytes())


def patch_u32(data, pos, value):
    struct.pack_into("<I", data, pos, value & 0xFFFFFFFF)
    return bytes(data)


def parsed(data):
    m = tflite.Model.GetRootAsModel(bytes(data), 0)
    return m, m.Subgraphs(0)


def test_not_a_flatbuffer(tmp_path):
    for content in (b"", b"hello world, not a model", bytes(range(256)) * 4):
        p = tmp_path / "bad.tflite"
        p.write_bytes(content)
        with pytest.raises(tinycc.ModelFormatError, match="not a TFLite model"):
            tinycc.compile(p)


def test_missing_file():
    with pytest.raises(tinycc.ModelFormatError, match="cannot read model"):
        tinycc.compile("/nonexistent/model.tflite")


@pytest.mark.parametrize("keep", [9, 100, 1000, 0.5, 0.9, 0.999])
def test_truncated_model(keep):
    data = model_bytes()
    n = int(len(data) * keep) if isinstance(keep, float) else keep
    with pytest.raises(tinycc.ModelFormatError):
        tinycc.compile(bytes(data[:n]))


def test_operator_input_tensor_index_out_of_range():
    data = model_bytes()
    m, sg = parsed(data)
    op = sg.Operators(0)
    pos = op._tab.Vector(op._tab.Offset(6))  # Operator.inputs
    with pytest.raises(tinycc.ModelFormatError, match=r"operator #0 \(CONV_2D\) input refers to tensor 9999"):
        tinycc.compile(patch_u32(data, pos, 9999))


def test_tensor_buffer_index_out_of_range():
    data = model_bytes()
    m, sg = parsed(data)
    w = sg.Tensors(sg.Operators(0).Inputs(1))
    pos = w._tab.Pos + w._tab.Offset(8)  # Tensor.buffer
    with pytest.raises(tinycc.ModelFormatError, match="uses buffer 123456"):
        tinycc.compile(patch_u32(data, pos, 123456))


def test_buffer_length_past_end_of_file():
    data = model_bytes()
    m, sg = parsed(data)
    w = sg.Tensors(sg.Operators(0).Inputs(1))
    buf = m.Buffers(w.Buffer())
    pos = buf._tab.Vector(buf._tab.Offset(4)) - 4  # the length prefix of Buffer.data
    with pytest.raises(tinycc.ModelFormatError, match="corrupt model"):
        tinycc.compile(patch_u32(data, pos, 0x7FFFFFF0))


def test_shape_and_buffer_size_mismatch():
    data = model_bytes()
    m, sg = parsed(data)
    w = sg.Tensors(sg.Operators(0).Inputs(1))
    pos = w._tab.Vector(w._tab.Offset(4))  # Tensor.shape[0]
    with pytest.raises(tinycc.ModelFormatError, match="needs .* bytes but its buffer holds"):
        tinycc.compile(patch_u32(data, pos, 65))


def test_activation_shape_inconsistent_with_op():
    data = model_bytes()
    m, sg = parsed(data)
    out = sg.Tensors(sg.Operators(0).Outputs(0))
    pos = out._tab.Vector(out._tab.Offset(4)) + 4  # output H
    with pytest.raises(tinycc.ModelFormatError, match="inconsistent model.*output shape"):
        tinycc.compile(patch_u32(data, pos, 24))


def test_unsupported_operator_names_op_index_and_supported_list():
    data = model_bytes()
    m, _ = parsed(data)
    for i in range(m.OperatorCodesLength()):
        oc = m.OperatorCodes(i)
        if oc.BuiltinCode() == tflite.BuiltinOperator.SOFTMAX:
            break
    # turn SOFTMAX into LSTM (not supported) in both the deprecated int8 and the int32 code fields
    o_dep, o_new = oc._tab.Offset(4), oc._tab.Offset(10)
    if o_dep:
        data[oc._tab.Pos + o_dep] = tflite.BuiltinOperator.LSTM
    if o_new:
        struct.pack_into("<i", data, oc._tab.Pos + o_new, tflite.BuiltinOperator.LSTM)
    with pytest.raises(tinycc.UnsupportedError) as e:
        tinycc.compile(bytes(data))
    msg = str(e.value)
    assert "operator #12 (LSTM) is not supported" in msg and "CONV_2D" in msg and "SOFTMAX" in msg


def test_unsupported_dtype():
    data = model_bytes()
    m, sg = parsed(data)
    t = sg.Tensors(sg.Inputs(0))
    o = t._tab.Offset(6)  # Tensor.type (int8 enum)
    data[t._tab.Pos + o] = 8  # COMPLEX64
    with pytest.raises(tinycc.UnsupportedError, match="dtype COMPLEX64"):
        tinycc.compile(bytes(data))


@pytest.mark.parametrize("kind,dtype,shapes", [("ADD", "uint32", [(4,), (4,)]), ("RESHAPE", "uint64", [(2, 2)]),
                                               ("STRIDED_SLICE", "uint32", [(4,)]), ("CAST", "uint64", [(4,)])])
def test_unsigned_dtypes_only_where_an_op_takes_them(kind, dtype, shapes):
    """uint32 / uint64 tensors (TFLite Micro's audio preprocessor) are read, and refused with the op's
    rule by every op but CAST (uint32 only)."""
    from tinycc.testing import ModelBuilder
    mb = ModelBuilder()
    xs = [mb.input(f"x{i}", s, dtype) for i, s in enumerate(shapes)]
    if kind == "RESHAPE":
        y = mb.tensor("y", (4,), dtype)
        mb.op(kind, xs, [y], new_shape=[4])
    elif kind == "STRIDED_SLICE":
        y = mb.tensor("y", (2,), dtype)
        mb.op(kind, xs + [mb.const(n, np.int32([v])) for n, v in (("b", 1), ("e", 3), ("s", 1))], [y])
    elif kind == "CAST":
        y = mb.tensor("y", (4,), "int32")
        mb.op(kind, xs, [y])
    else:
        y = mb.tensor("y", (4,), dtype)
        mb.op(kind, xs, [y])
    mb.output(y)
    with pytest.raises(tinycc.UnsupportedError, match=f"operator #0 \\({kind}\\) is not supported: .*{dtype}"):
        tinycc.compile(mb.build())


def test_several_subgraphs_refused():
    data = model_bytes()
    m, _ = parsed(data)
    pos = m._tab.Vector(m._tab.Offset(8)) - 4  # Model.subgraphs length
    with pytest.raises(tinycc.UnsupportedError, match="2 subgraphs"):
        tinycc.compile(patch_u32(data, pos, 2))


def test_unknown_target():
    with pytest.raises(tinycc.UnsupportedError, match="unknown target 'avr'"):
        tinycc.compile(model_path("kws_ref_model"), target="avr")


@pytest.fixture(scope="module")
def kws():
    return tinycc.compile(model_path("kws_ref_model"))


def test_wrong_input_shape(kws):
    with pytest.raises(tinycc.InputError, match=r"shape \(1, 49, 10, 1\), got \(1, 49, 10\)"):
        kws(np.zeros((1, 49, 10), np.int8))


def test_wrong_input_dtype_hints_quantize(kws):
    with pytest.raises(tinycc.InputError, match="must be int8, got float32.*quantize_input"):
        kws(np.zeros((1, 49, 10, 1), np.float32))


def test_wrong_input_count_and_names(kws):
    x = np.zeros((1, 49, 10, 1), np.int8)
    with pytest.raises(tinycc.InputError, match="takes 1 input"):
        kws([x, x])
    with pytest.raises(tinycc.InputError, match="unknown"):
        kws({"nope": x})
    name = kws.inputs[0].name
    out = kws({name: x})
    assert list(out) == [kws.outputs[0].name]


def test_two_input_calls_agree_and_check_their_inputs():
    """A list, a tuple and a dict of inputs (the list and tuple of arrays of the right dtype and shape
    take the executor's fast path) give the reference's result; a strided input is copied in order; a
    wrong dtype inside a list is still refused."""
    from tinycc.testing import ModelBuilder
    mb = ModelBuilder()
    a = mb.input("a", (1, 5, 7, 3), "int8", 0.05, -3)
    b = mb.input("b", (1, 5, 7, 3), "int8", 0.02, 10)
    y = mb.tensor("y", (1, 5, 7, 3), "int8", 0.07, 4)
    mb.op("SUB", [a, b], [y])
    mb.output(y)
    m = tinycc.compile(mb.build())
    rng = np.random.default_rng(5)
    xa = rng.integers(-128, 128, (1, 5, 7, 3)).astype(np.int8)
    xb = rng.integers(-128, 128, (1, 7, 5, 3)).astype(np.int8).transpose(0, 2, 1, 3)  # not C-contiguous
    want = m.reference([xa, xb])
    assert not np.array_equal(want, np.zeros_like(want))
    for got in (m([xa, xb]), m((xa, xb)), m({"a": xa, "b": xb})["y"]):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(tinycc.InputError, match="must be int8, got int16"):
        m([xa, xb.astype(np.int16)])


def test_frontend_accepts_bytes_and_paths_equally():
    a = tflite_reader.load(model_path("ad01_int8"))
    b = tflite_reader.load(model_path("ad01_int8").read_bytes())
    assert [o.kind for o in a.ops()] == [o.kind for o in b.ops()]


def _fc_16x8(out_scale, bias_dtype):
    from tinycc.testing import ModelBuilder
    mb = ModelBuilder("16x8 FC")
    x = mb.input("x", (1, 4), "int16", 0.5, 0)
    w = mb.const("w", np.ones((3, 4), np.int8), scale=np.array([0.5], np.float32), zero_point=0)
    b = mb.const("b", np.zeros(3, bias_dtype), scale=np.array([0.25], np.float32), zero_point=0)
    y = mb.tensor("y", (1, 3), "int16", out_scale, 0)
    mb.op("FULLY_CONNECTED", [x, w, b], [y])
    mb.output(y)
    return mb.build()


def test_broken_op_rule_names_the_op_its_index_and_the_rule():
    # 0.25 / 2**-20: a multiplier of 2**18, past TFLite's 64-bit rescale (shift <= 14)
    with pytest.raises(tinycc.UnsupportedError, match=r"operator #0 \(FULLY_CONNECTED\) is not supported: 16x8 "
                                                       r"with an int64 accumulator: .* shift of at most 14"):
        tinycc.compile(_fc_16x8(2.0 ** -20, np.int64))
    tinycc.compile(_fc_16x8(2.0 ** -20, np.int32))  # an int32 accumulator rescales with any shift
    tinycc.compile(_fc_16x8(2.0 ** -10, np.int64))


def _single(kind, x_spec, y_spec, **options):
    from tinycc.testing import ModelBuilder
    mb = ModelBuilder()
    x = mb.input("x", *x_spec)
    y = mb.tensor("y", *y_spec)
    mb.op(kind, [x], [y], **options)
    mb.output(y)
    return mb.build()


def test_rules_of_tflite_micro_refusals():
    """What TFLite Micro refuses, tinycc refuses at compile time with the rule: SHAPE to int64 (its
    SHAPE writes int32 only), QUANTIZE int32 -> int32 (not among its requantize pairs)."""
    with pytest.raises(tinycc.UnsupportedError, match=r"\(SHAPE\) is not supported: the output must be int32"):
        tinycc.compile(_single("SHAPE", ((2, 3), "int8", 0.1, 0), ((2,), "int64"), out_type="int64"))
    tinycc.compile(_single("SHAPE", ((2, 3), "int8", 0.1, 0), ((2,), "int32")))
    with pytest.raises(tinycc.UnsupportedError, match=r"\(QUANTIZE\) is not supported: QUANTIZE takes"):
        tinycc.compile(_single("QUANTIZE", ((4,), "int32", 1e-6, 0), ((4,), "int32", 1e-5, 0)))
    with pytest.raises(tinycc.UnsupportedError, match=r"input_scale / output_scale must be below 2\*\*31"):
        tinycc.compile(_single("QUANTIZE", ((4,), "int32", 1.0, 0), ((4,), "int16", 2.0 ** -32, 0)))
    tinycc.compile(_single("QUANTIZE", ((4,), "int32", 1.0, 0), ((4,), "int16", 2.0 ** -30, 0)))
