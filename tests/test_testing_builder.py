"""tinycc.testing.ModelBuilder writes valid .tflite files: tinycc loads them, TFLite Micro
runs them, and tinycc's reference interpreter agrees with TFLite Micro (int8 bit-exact)."""
import zlib

import numpy as np
import pytest
import tflite

from tinycc import interpreter, ir, tflite_reader, tolerance
from tinycc.testing import (OPS, ModelBuilder, bias_for, dscnn_float_model, dscnn_model, quantize,
                            quantize_weights_per_channel, save)

from tflite_micro.python.tflite_micro import runtime  # noqa: E402  (the oracle; missing = fail)


# ---- harness ------------------------------------------------------------------------------------

def random_input(rng, shape, dtype):
    if np.dtype(dtype) == np.int8:
        return rng.integers(-128, 128, shape).astype(np.int8)
    return rng.normal(0.0, 2.0, shape).astype(np.float32)


def check(data: bytes, seed: int = 0, trials: int = 3, inputs=None):
    """Load with tinycc, verify the IR, run TFLM and the reference interpreter; compare."""
    graph = tflite_reader.load(data)
    ir.verify(graph)
    tflm = runtime.Interpreter.from_bytes(data, arena_size=10 * len(data) + (4 << 20))
    rng = np.random.default_rng(seed)
    results = []
    for trial in range(trials):
        if inputs is not None and trial < len(inputs):
            xs = inputs[trial]
        else:
            xs = [random_input(rng, graph.tensor(n).shape, graph.tensor(n).dtype) for n in graph.inputs]
        for i, x in enumerate(xs):
            tflm.set_input(x, i)
        tflm.invoke()
        want = [tflm.get_output(i) for i in range(len(graph.outputs))]
        got, bounds = tolerance.bounds(graph, xs)
        for w, g, b in zip(want, got, bounds):
            assert w.dtype == g.dtype and w.shape == g.shape, (w.dtype, w.shape, g.dtype, g.shape)
            if w.dtype == np.float32:
                mm = tolerance.compare(g, w, b)
                assert mm is None, str(mm)
            else:
                if not np.array_equal(w, g):
                    diff = np.argwhere(w != g)
                    pytest.fail(f"int mismatch at {len(diff)} of {w.size} elements, first {diff[0].tolist()}: "
                                f"TFLM {w[tuple(diff[0])]} tinycc {g[tuple(diff[0])]}")
        results.append(want)
    return graph, results


def weights(rng, shape, axis, per_channel=True, dtype="int8"):
    """Random int8 weights (per-channel or per-tensor scales) or float32 weights."""
    w = rng.normal(0.0, 0.5, shape)
    if dtype == "float32":
        return w.astype(np.float32), None
    q, scales = quantize_weights_per_channel(w, axis)
    if not per_channel:
        s = np.float32(np.abs(w).max() / 127)
        q, scales = np.clip(np.round(w / s), -127, 127).astype(np.int8), np.array([s], np.float32)
    return q, scales


def add_weighted(mb, rng, kind, x, x_scale, w_shape, axis, out_shape, out_q, per_channel=True,
                 bias=True, **opts):
    """One CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED with random weights."""
    dt = "int8" if x_scale is not None else "float32"
    wq, ws = weights(rng, w_shape, axis, per_channel, dt)
    units = w_shape[axis]
    if dt == "int8":
        w = mb.const("w", wq, scale=ws, zero_point=0, axis=axis if ws.size > 1 else 0)
        bq, bs = bias_for(rng.normal(0, 1.0, units), x_scale, ws)
        b = mb.const("b", bq, scale=bs, zero_point=0) if bias else None
        y = mb.tensor("y", out_shape, "int8", *out_q)
    else:
        w = mb.const("w", wq)
        b = mb.const("b", rng.normal(0, 1.0, units).astype(np.float32)) if bias else None
        y = mb.tensor("y", out_shape, "float32")
    mb.op(kind, [x, w, b], [y], **opts)
    mb.output(y)
    return y


def conv_out(size, k, stride, dilation, padding):
    eff = (k - 1) * dilation + 1
    return -(-size // stride) if padding == "SAME" else (size - eff + stride) // stride


# ---- CONV_2D / DEPTHWISE_CONV_2D ------------------------------------------------------------------

CONV_CASES = [
    # in shape, out channels, kernel, padding, stride, dilation, activation, per_channel, bias
    ((1, 8, 8, 3), 16, (3, 3), "SAME", (1, 1), (1, 1), "RELU6", True, True),
    ((1, 1, 1, 3), 17, (3, 3), "SAME", (1, 1), (1, 1), "NONE", True, True),
    ((1, 9, 7, 17), 8, (3, 3), "SAME", (2, 2), (1, 1), "NONE", True, True),
    ((1, 10, 10, 4), 5, (3, 3), "VALID", (1, 1), (2, 2), "RELU", True, True),
    ((1, 12, 9, 2), 3, (5, 3), "VALID", (2, 1), (1, 1), "RELU_N1_TO_1", False, True),
    ((2, 6, 6, 3), 4, (1, 1), "SAME", (1, 1), (1, 1), "NONE", True, False),
    ((1, 49, 10, 1), 8, (10, 4), "SAME", (2, 2), (1, 1), "RELU", True, True),
]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}-{c[3]}-s{c[4]}-d{c[5]}-{c[6]}")
def test_conv2d(case, dtype):
    shape, oc, (kh, kw), padding, stride, dilation, act, per_channel, bias = case
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    mb = ModelBuilder()
    xq = (0.05, -3) if dtype == "int8" else ()
    x = mb.input("x", shape, dtype, *xq)
    oh = conv_out(shape[1], kh, stride[0], dilation[0], padding)
    ow = conv_out(shape[2], kw, stride[1], dilation[1], padding)
    add_weighted(mb, rng, "CONV_2D", x, xq[0] if xq else None, (oc, kh, kw, shape[3]), 0,
                 (shape[0], oh, ow, oc), (0.2, 5), per_channel, bias,
                 padding=padding, stride=stride, dilation=dilation, activation=act)
    check(mb.build())


DW_CASES = [
    # in shape, depth multiplier, kernel, padding, stride, dilation, activation
    ((1, 8, 8, 3), 2, (3, 3), "SAME", (1, 1), (1, 1), "RELU6"),
    ((1, 1, 1, 17), 1, (3, 3), "SAME", (1, 1), (1, 1), "NONE"),
    ((1, 9, 9, 8), 1, (3, 3), "SAME", (2, 2), (1, 1), "RELU"),
    ((1, 10, 10, 4), 1, (3, 3), "VALID", (1, 1), (2, 2), "NONE"),
    ((1, 7, 5, 3), 3, (2, 4), "VALID", (1, 2), (1, 1), "NONE"),
    ((1, 25, 5, 64), 1, (3, 3), "SAME", (1, 1), (1, 1), "RELU"),
]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("case", DW_CASES, ids=lambda c: f"{c[0]}-dm{c[1]}-{c[2]}-{c[3]}-s{c[4]}-d{c[5]}-{c[6]}")
def test_depthwise_conv2d(case, dtype):
    shape, dm, (kh, kw), padding, stride, dilation, act = case
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    mb = ModelBuilder()
    xq = (0.05, 7) if dtype == "int8" else ()
    x = mb.input("x", shape, dtype, *xq)
    oc = shape[3] * dm
    oh = conv_out(shape[1], kh, stride[0], dilation[0], padding)
    ow = conv_out(shape[2], kw, stride[1], dilation[1], padding)
    add_weighted(mb, rng, "DEPTHWISE_CONV_2D", x, xq[0] if xq else None, (1, kh, kw, oc), 3,
                 (shape[0], oh, ow, oc), (0.1, -10), True, True, padding=padding, stride=stride,
                 dilation=dilation, activation=act, depth_multiplier=dm)
    check(mb.build())


# ---- FULLY_CONNECTED -------------------------------------------------------------------------

FC_CASES = [
    # in shape, units, per_channel, keep_num_dims, activation, bias
    ((1, 16), 10, False, False, "RELU", True),
    ((1, 64), 12, True, False, "NONE", True),
    ((4, 8), 3, True, False, "RELU6", True),
    ((1, 3, 5), 7, False, True, "NONE", True),
    ((2, 3, 4), 5, True, False, "NONE", False),
    ((1, 1), 1, True, False, "NONE", True),
]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("case", FC_CASES, ids=lambda c: f"{c[0]}-{c[1]}-pc{int(c[2])}-keep{int(c[3])}-{c[4]}")
def test_fully_connected(case, dtype):
    shape, units, per_channel, keep, act, bias = case
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    mb = ModelBuilder()
    xq = (0.1, -5) if dtype == "int8" else ()
    x = mb.input("x", shape, dtype, *xq)
    depth = shape[-1]
    out_shape = shape[:-1] + (units,) if keep else (int(np.prod(shape)) // depth, units)
    add_weighted(mb, rng, "FULLY_CONNECTED", x, xq[0] if xq else None, (units, depth), 0, out_shape,
                 (0.15, 3), per_channel, bias, activation=act, keep_num_dims=keep)
    check(mb.build())


# ---- pooling ------------------------------------------------------------------------------------

POOL_CASES = [
    # kind, in shape, filter, padding, stride, activation
    ("AVERAGE_POOL_2D", (1, 8, 8, 3), (2, 2), "VALID", (2, 2), "NONE"),
    ("AVERAGE_POOL_2D", (1, 7, 9, 5), (3, 3), "SAME", (2, 2), "NONE"),
    ("AVERAGE_POOL_2D", (1, 25, 5, 64), (25, 5), "VALID", (1, 1), "NONE"),
    ("AVERAGE_POOL_2D", (1, 1, 1, 17), (1, 1), "SAME", (1, 1), "RELU6"),
    ("AVERAGE_POOL_2D", (2, 6, 5, 4), (3, 2), "SAME", (1, 2), "RELU"),
    ("MAX_POOL_2D", (1, 8, 8, 3), (2, 2), "VALID", (2, 2), "NONE"),
    ("MAX_POOL_2D", (1, 7, 9, 5), (3, 3), "SAME", (1, 1), "RELU"),
    ("MAX_POOL_2D", (1, 1, 1, 3), (1, 1), "VALID", (1, 1), "NONE"),
    ("MAX_POOL_2D", (1, 10, 6, 17), (3, 2), "SAME", (2, 3), "RELU6"),
]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: f"{c[0]}-{c[1]}-{c[2]}-{c[3]}-s{c[4]}-{c[5]}")
def test_pool(case, dtype):
    kind, shape, filt, padding, stride, act = case
    mb = ModelBuilder()
    q = (0.05, -20) if dtype == "int8" else ()
    x = mb.input("x", shape, dtype, *q)
    oh = conv_out(shape[1], filt[0], stride[0], 1, padding)
    ow = conv_out(shape[2], filt[1], stride[1], 1, padding)
    y = mb.tensor("y", (shape[0], oh, ow, shape[3]), dtype, *q)
    mb.op(kind, [x], [y], padding=padding, stride=stride, filter=filt, activation=act)
    mb.output(y)
    check(mb.build())


# ---- ADD ------------------------------------------------------------------------------------

ADD_CASES = [
    # shape a, shape b, scale a, zp a, scale b, zp b, scale out, zp out, activation, b constant
    ((1, 4, 4, 8), (1, 4, 4, 8), 0.05, -3, 0.05, -3, 0.1, 0, "NONE", False),
    ((1, 4, 4, 8), (1, 1, 1, 8), 0.05, 10, 0.02, -7, 0.08, -20, "RELU", False),
    ((1, 1, 1, 8), (1, 4, 4, 8), 0.3, 0, 0.01, 5, 0.25, 3, "RELU6", False),
    ((2, 3, 1, 5), (1, 1, 4, 5), 0.1, -128, 0.07, 127, 0.05, -1, "NONE", False),
    ((1, 5, 5, 3), (3,), 0.04, 2, 0.5, 0, 0.2, -100, "NONE", True),
    ((1, 17), (1, 17), 0.01, 0, 0.5, 0, 0.01, 0, "RELU_N1_TO_1", False),
]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("case", ADD_CASES, ids=lambda c: f"{c[0]}+{c[1]}-{c[8]}-const{int(c[9])}")
def test_add(case, dtype):
    sa, sb, qa, za, qb, zb, qo, zo, act, b_const = case
    rng = np.random.default_rng(zlib.crc32(repr(case).encode()))
    mb = ModelBuilder()
    quant = dtype == "int8"
    a = mb.input("a", sa, dtype, *((qa, za) if quant else ()))
    if b_const:
        bval = random_input(rng, sb, dtype)
        b = mb.const("b", bval, *((qb, zb) if quant else ()))
    else:
        b = mb.input("b", sb, dtype, *((qb, zb) if quant else ()))
    y = mb.tensor("y", np.broadcast_shapes(sa, sb), dtype, *((qo, zo) if quant else ()))
    mb.op("ADD", [a, b], [y], activation=act)
    mb.output(y)
    check(mb.build())


# ---- SOFTMAX --------------------------------------------------------------------------------

SOFTMAX_CASES = [
    # shape, input scale, input zp, beta
    ((1, 12), 0.1, 0, 1.0),
    ((1, 12), 0.02, -20, 1.0),
    ((2, 5, 10), 0.25, 30, 0.5),
    ((1, 1), 0.1, 0, 1.0),
    ((3, 17), 0.05, -128, 2.0),
    ((1, 100), 1.0, 0, 1.0),
]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("case", SOFTMAX_CASES, ids=lambda c: f"{c[0]}-s{c[1]}-z{c[2]}-b{c[3]}")
def test_softmax(case, dtype):
    shape, s, z, beta = case
    mb = ModelBuilder()
    quant = dtype == "int8"
    x = mb.input("x", shape, dtype, *((s, z) if quant else ()))
    y = mb.tensor("y", shape, dtype, *((1 / 256, -128) if quant else ()))
    mb.op("SOFTMAX", [x], [y], beta=beta)
    mb.output(y)
    check(mb.build(), trials=5)


# ---- RESHAPE ------------------------------------------------------------------------------

RESHAPE_CASES = [
    # in shape, out shape, new_shape option, shape operand
    ((1, 1, 1, 64), (1, 64), (1, 64), True),
    ((1, 2, 3, 4), (6, 4), (-1, 4), True),
    ((2, 3, 4), (1, 24), (1, 24), False),
    ((1, 16), (1, 4, 4, 1), None, True),
]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("case", RESHAPE_CASES, ids=lambda c: f"{c[0]}->{c[1]}-opt{c[2]}-operand{int(c[3])}")
def test_reshape(case, dtype):
    sin, sout, new_shape, operand = case
    mb = ModelBuilder()
    q = (0.1, 4) if dtype == "int8" else ()
    x = mb.input("x", sin, dtype, *q)
    y = mb.tensor("y", sout, dtype, *q)
    mb.op("RESHAPE", [x], [y], new_shape=new_shape, shape_input=operand)
    mb.output(y)
    graph, _ = check(mb.build())
    op = graph.ops()[0]
    assert (len(op.inputs) > 1 and op.inputs[1] is not None) == operand
    if new_shape is not None:
        assert op.options.new_shape == tuple(new_shape)


# ---- QUANTIZE / DEQUANTIZE --------------------------------------------------------------------

@pytest.mark.parametrize("shape,scale,zp", [((1, 10), 0.05, -3), ((2, 3, 4), 0.5, 0), ((1, 1), 1 / 3, 127),
                                            ((1, 4, 4, 3), 0.01, -128)])
def test_quantize_float_to_int8(shape, scale, zp):
    mb = ModelBuilder()
    x = mb.input("x", shape, "float32")
    y = mb.tensor("y", shape, "int8", scale, zp)
    mb.op("QUANTIZE", [x], [y])
    mb.output(y)
    rng = np.random.default_rng(0)
    # values on exact half steps exercise rounding; some far outside the range saturate
    halves = ((rng.integers(-300, 300, shape) + 0.5) * np.float32(scale)).astype(np.float32)
    check(mb.build(), inputs=[[halves]], trials=4)


REQUANT_CASES = [
    # in scale, in zp, out scale, out zp
    (0.05, -3, 0.1, 0),
    (0.1, 0, 0.05, 10),
    (0.02, 127, 0.02, -128),  # everything saturates at -128
    (0.02, 100, 0.025, -60),
    (0.3, -128, 0.007, 5),
    (0.05, 0, 0.05, 0),
]


@pytest.mark.parametrize("case", REQUANT_CASES, ids=str)
@pytest.mark.parametrize("shape", [(1, 16), (1, 3, 3, 17)])
def test_requantize_int8(case, shape):
    si, zi, so, zo = case
    mb = ModelBuilder()
    x = mb.input("x", shape, "int8", si, zi)
    y = mb.tensor("y", shape, "int8", so, zo)
    mb.op("QUANTIZE", [x], [y])
    mb.output(y)
    every = np.arange(-128, 128).astype(np.int8)
    every = np.resize(every, int(np.prod(shape))).reshape(shape)
    check(mb.build(), inputs=[[every]])


@pytest.mark.parametrize("shape,scale,zp", [((1, 10), 0.05, -3), ((2, 3, 4), 0.5, 0), ((1, 1), 1 / 3, 127)])
def test_dequantize(shape, scale, zp):
    mb = ModelBuilder()
    x = mb.input("x", shape, "int8", scale, zp)
    y = mb.tensor("y", shape, "float32")
    mb.op("DEQUANTIZE", [x], [y])
    mb.output(y)
    check(mb.build())


# ---- multi-op chains ------------------------------------------------------------------------

def test_float_in_float_out_chain():
    """QUANTIZE -> CONV_2D -> ADD (residual) -> MAX_POOL_2D -> DEQUANTIZE, two outputs."""
    rng = np.random.default_rng(3)
    mb = ModelBuilder()
    x = mb.input("x", (1, 6, 6, 4), "float32")
    xq = mb.tensor("xq", (1, 6, 6, 4), "int8", 0.05, 2)
    mb.op("QUANTIZE", [x], [xq])
    wq, ws = quantize_weights_per_channel(rng.normal(0, 0.3, (4, 3, 3, 4)), 0)
    bq, bs = bias_for(rng.normal(0, 0.1, 4), 0.05, ws)
    c = mb.tensor("c", (1, 6, 6, 4), "int8", 0.08, -10)
    mb.op("CONV_2D", [xq, mb.const("w", wq, ws, 0, 0), mb.const("b", bq, bs)], [c], activation="RELU")
    s = mb.tensor("s", (1, 6, 6, 4), "int8", 0.1, -5)
    mb.op("ADD", [xq, c], [s])
    p = mb.tensor("p", (1, 3, 3, 4), "int8", 0.1, -5)
    mb.op("MAX_POOL_2D", [s], [p], filter=2, stride=2)
    y = mb.tensor("y", (1, 3, 3, 4), "float32")
    mb.op("DEQUANTIZE", [p], [y])
    mb.output(y, s)
    graph, _ = check(mb.build())
    assert [op.kind for op in graph.ops()] == ["QUANTIZE", "CONV_2D", "ADD", "MAX_POOL_2D", "DEQUANTIZE"]


# ---- the file itself ------------------------------------------------------------------------

def simple_model():
    mb = ModelBuilder(description="unit")
    x = mb.input("x", (1, 4, 4, 2), "int8", 0.1, 1)
    w = mb.const("w", np.ones((3, 3, 3, 2), np.int8), scale=[0.01, 0.02, 0.03], axis=0)
    b = mb.const("b", np.array([1, 2, 3], np.int32), scale=[0.001, 0.002, 0.003])
    y = mb.tensor("y", (1, 2, 2, 3), "int8", 0.05, -128)
    mb.op("CONV_2D", [x, w, b], [y], padding="SAME", stride=(2, 2), dilation=(1, 1), activation="RELU6")
    mb.output(y)
    return mb.build()


def test_file_structure(tmp_path):
    data = simple_model()
    assert data[4:8] == b"TFL3"
    m = tflite.Model.GetRootAsModel(data, 0)
    assert m.Version() == 3 and m.SubgraphsLength() == 1 and m.Description() == b"unit"
    assert m.Buffers(0).DataLength() == 0
    assert m.BuffersLength() == 3  # empty sentinel + weights + bias
    oc = m.OperatorCodes(0)
    assert oc.BuiltinCode() == tflite.BuiltinOperator.CONV_2D == oc.DeprecatedBuiltinCode()
    sg = m.Subgraphs(0)
    assert sg.InputsAsNumpy().tolist() == [0] and sg.OutputsAsNumpy().tolist() == [3]
    t = sg.Tensors(1)
    assert t.Name() == b"w" and t.Type() == tflite.TensorType.INT8 and t.Buffer() == 1
    q = t.Quantization()
    assert np.allclose(q.ScaleAsNumpy(), [0.01, 0.02, 0.03]) and q.ZeroPointAsNumpy().tolist() == [0, 0, 0]
    # constant data is 16-byte aligned within the file
    for i in (1, 2):
        buf = m.Buffers(i)
        off = buf._tab.Vector(buf._tab.Offset(4))
        assert off % 16 == 0
    op = sg.Operators(0)
    assert op.BuiltinOptionsType() == tflite.BuiltinOptions.Conv2DOptions
    o = tflite.Conv2DOptions()
    o.Init(op.BuiltinOptions().Bytes, op.BuiltinOptions().Pos)
    assert (o.Padding(), o.StrideH(), o.StrideW(), o.FusedActivationFunction()) == (0, 2, 2, 3)
    p = tmp_path / "m.tflite"
    save(data, p)
    assert p.read_bytes() == data
    g = tflite_reader.load(p)
    ir.verify(g)
    assert g.name == "m"
    check(data)


def test_options_round_trip():
    mb = ModelBuilder()
    x = mb.input("x", (1, 8, 9, 4), "float32")
    w = mb.const("w", np.zeros((1, 3, 3, 8), np.float32))
    y = mb.tensor("y", (1, 2, 3, 8), "float32")
    mb.op("DEPTHWISE_CONV_2D", [x, w, None], [y], padding="VALID", stride=(3, 2), dilation=(1, 2),
          activation="RELU", depth_multiplier=2)
    p = mb.tensor("p", (1, 1, 1, 8), "float32")
    mb.op("AVERAGE_POOL_2D", [y], [p], padding="VALID", filter=(2, 3), stride=(1, 3), activation="RELU6")
    r = mb.tensor("r", (2, 4), "float32")
    mb.op("RESHAPE", [p], [r], new_shape=(2, 4))
    f = mb.tensor("f", (2, 5), "float32")
    mb.op("FULLY_CONNECTED", [r, mb.const("fw", np.ones((5, 4), np.float32)), None], [f],
          activation="RELU_N1_TO_1")
    s = mb.tensor("s", (2, 5), "float32")
    mb.op("SOFTMAX", [f], [s], beta=0.25)
    mb.output(s)
    g = tflite_reader.load(mb.build())
    ir.verify(g)
    dw, pool, rs, fc, sm = g.ops()
    o = dw.options
    assert (o.padding, o.stride_h, o.stride_w, o.dilation_h, o.dilation_w, o.activation, o.depth_multiplier) == \
        ("VALID", 3, 2, 1, 2, "RELU", 2)
    assert dw.inputs[2] is None
    o = pool.options
    assert (o.padding, o.filter_h, o.filter_w, o.stride_h, o.stride_w, o.activation) == ("VALID", 2, 3, 1, 3, "RELU6")
    assert rs.options.new_shape == (2, 4) and g.tensor(rs.inputs[1]).data.tolist() == [2, 4]
    assert fc.options.activation == "RELU_N1_TO_1" and not fc.options.keep_num_dims
    assert sm.options.beta == 0.25


def test_builder_errors():
    mb = ModelBuilder()
    x = mb.input("x", (1, 4), "int8", 0.1, 0)
    with pytest.raises(ValueError, match="duplicate"):
        mb.tensor("x", (1, 4), "int8", 0.1, 0)
    with pytest.raises(ValueError, match="cannot write"):
        mb.op("NOT_AN_OP", [x], [x])
    with pytest.raises(ValueError, match="per-channel"):
        mb.const("w", np.zeros((3, 4), np.int8), scale=[0.1, 0.2], axis=0)
    with pytest.raises(ValueError, match="positive"):
        mb.tensor("t", (1,), "int8", 0.0, 0)
    with pytest.raises(ValueError, match="unsupported dtype"):
        mb.tensor("t", (1,), "float16")
    with pytest.raises(ValueError, match="activation"):
        mb.op("ADD", [x, x], [mb.tensor("y", (1, 4), "int8", 0.1, 0)], activation="SWISH")
    with pytest.raises(TypeError):
        mb.op("SOFTMAX", [x], [mb.tensor("z", (1, 4), "int8", 1 / 256, -128)], stride=2)
    other = ModelBuilder().input("x", (1, 4), "int8", 0.1, 0)
    with pytest.raises(ValueError, match="not a tensor of this"):
        mb.output(other)


def test_op_table_covers_tinycc_ops():
    from tinycc import ops
    assert set(OPS) <= set(ops.supported())
    assert {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "MAX_POOL_2D", "ADD",
            "SOFTMAX", "RESHAPE", "QUANTIZE", "DEQUANTIZE"} <= set(OPS)


def test_quantization_helpers():
    rng = np.random.default_rng(0)
    w = rng.normal(0, 1, (5, 3, 3, 4))
    w[2] = 0
    q, s = quantize_weights_per_channel(w, 0)
    assert q.dtype == np.int8 and s.dtype == np.float32 and s.shape == (5,)
    assert np.abs(q).max() == 127 and q.min() >= -127 and s[2] == 1.0 and not q[2].any()
    assert np.allclose(q * s[:, None, None, None], w, atol=s.max() / 2 + 1e-6)
    q3, s3 = quantize_weights_per_channel(w, 3)
    assert s3.shape == (4,)
    b, bs = bias_for([0.5, -1.0, 0.0, 2.0], 0.1, s3)
    assert b.dtype == np.int32 and np.allclose(bs, np.float32(0.1) * s3)
    assert np.allclose(b * bs, [0.5, -1.0, 0.0, 2.0], atol=bs.max())
    assert quantize(np.array([0.0, 1.0, 100.0]), 0.1, -3).tolist() == [-3, 7, 127]


# ---- DS-CNN ---------------------------------------------------------------------------------

def test_dscnn_model():
    data = dscnn_model(seed=0)
    assert data == dscnn_model(seed=0) and data != dscnn_model(seed=1)
    graph = tflite_reader.load(data)
    ir.verify(graph)
    assert [op.kind for op in graph.ops()] == (["CONV_2D"] + ["DEPTHWISE_CONV_2D", "CONV_2D"] * 4
                                               + ["AVERAGE_POOL_2D", "RESHAPE", "FULLY_CONNECTED", "SOFTMAX"])
    x = graph.tensor(graph.inputs[0])
    y = graph.tensor(graph.outputs[0])
    assert x.shape == (1, 49, 10, 1) and x.dtype == np.int8
    assert y.shape == (1, 12) and y.zero_point == -128 and np.float32(y.scale) == np.float32(1 / 256)
    for op in graph.ops():
        if op.kind in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"):
            w, b = graph.tensor(op.inputs[1]), graph.tensor(op.inputs[2])
            assert w.dtype == np.int8 and w.quant.per_channel and b.dtype == np.int32
    _, results = check(data, seed=11, trials=20)
    outs = np.stack([r[0][0] for r in results])
    assert len({o.tobytes() for o in outs}) > 1, "the output is constant across inputs"
    assert len(set(outs.argmax(axis=1).tolist())) > 1, "every input gets the same class"


def test_dscnn_intermediates_not_saturated():
    """Every activation uses a good part of its int8 range on random inputs."""
    data = dscnn_model(seed=0)
    graph = tflite_reader.load(data)
    rng = np.random.default_rng(2)
    graph.outputs = [op.outputs[0] for op in graph.ops()]
    xs = [rng.integers(-128, 128, (1, 49, 10, 1)).astype(np.int8) for _ in range(4)]
    runs = [interpreter.run(graph, [x]) for x in xs]
    for i, name in enumerate(graph.outputs):
        vals = np.concatenate([r[i].ravel() for r in runs]).astype(np.int64)
        assert len(np.unique(vals)) >= 8, (name, np.unique(vals))
        assert np.mean(vals == 127) < 0.05, (name, "saturates")


def test_dscnn_float_model():
    check(dscnn_float_model(seed=0), trials=3)
