"""The host executor (tinycc._host) and its kernels, at every instruction-set level this CPU has,
against the NumPy reference interpreter.

Single-op graphs are lowered with the op table (OpDef.lower -> KernelCall), placed naively in
an arena (every tensor at its own offset, no reuse), run by the Executor with the portable C
kernels and with the x86-64 versions of each level (tinycc.isa), and compared with
tinycc.interpreter.run: integers bit for bit, float32 within the error bound of their arithmetic.
The whole shared models run the same way. The constructor's validation is tested to reject bad
plans, and random parameters never make a kernel touch memory outside its buffers.
"""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from shared_models import FLOAT_MODELS, INT8_MODELS, model_path  # TINYCC_MODELS or ../shared/models

from tinycc import _host  # a missing extension is a broken install, not a reason to skip
from tinycc import backend_host, isa
from tinycc import kernels as kt
from tinycc import fixedpoint as fx
from tinycc import tolerance
from tinycc import ops as optable
from tinycc.errors import UnsupportedError
from tinycc.ir import Graph, Quant, Tensor
from tinycc.ops.conv import ConvOptions
from tinycc.ops import elementwise
from tinycc.ops.elementwise import BinaryOptions
from tinycc.ops.fully_connected import FCOptions
from tinycc.ops.pool import PoolOptions
from tinycc.ops.softmax import SoftmaxOptions, softmax_s8


# ---- the implementations every check runs: each instruction-set level this CPU supports ----------
#
# "portable" is the kernel ABI as lowered by the op table (the C kernels every target shares);
# each other level runs the host backend's choice for it (backend_host.host_call: the x86-64
# versions with their constants prepared), so every SIMD path this CPU offers is checked.
LEVELS = isa.cpu_levels()


# ---- a naive plan: every non-constant tensor at its own 64-byte aligned arena offset --------

def naive_plan(graph, level="portable"):
    offsets, size = {}, 0
    for t in graph.tensors():
        if not t.is_const:
            offsets[t.name] = size
            size += (t.nbytes + 63) // 64 * 64
    steps, consts = [], []
    for op in graph.ops():
        opdef = optable.get(op.kind)
        opdef.check_support(op, graph)
        for call in opdef.lower(op, graph):
            call = backend_host.host_call(call, level)
            k = isa.impl(call.kernel).kernel
            bufs, inames, fnames = k.bufs, k.iparams, k.fparams
            assert set(call.params) == set(inames), (call.kernel, sorted(call.params), inames)
            assert set(call.fparams) == set(fnames), (call.kernel, sorted(call.fparams), fnames)
            assert len(call.bufs) == len(bufs)
            sb = []
            for b in call.bufs:
                if isinstance(b, str):
                    sb.append((-1, offsets[b], graph.tensor(b).nbytes))
                else:
                    a = np.ascontiguousarray(b).reshape(-1).view(np.uint8)
                    consts.append(a)
                    sb.append((len(consts) - 1, 0, a.nbytes))
            steps.append((call.kernel, sb, [call.params[k] for k in inames], [call.fparams[k] for k in fnames]))
    return size, steps, consts, offsets


def run_host(graph, inputs, level="portable"):
    size, steps, consts, offsets = naive_plan(graph, level)
    ex = _host.Executor(size, steps, consts, level)
    assert ex.arena.ctypes.data % 64 == 0 and ex.arena.nbytes == size
    for name, x in zip(graph.inputs, inputs):
        t = graph.tensor(name)
        ex.arena[offsets[name]:offsets[name] + t.nbytes] = np.ascontiguousarray(x, t.dtype).reshape(-1).view(np.uint8)
    ex.run()
    outs = []
    for name in graph.outputs:
        t = graph.tensor(name)
        outs.append(ex.arena[offsets[name]:offsets[name] + t.nbytes].view(t.dtype).reshape(t.shape).copy())
    return outs


def check(graph, inputs):
    want, bounds = tolerance.bounds(graph, inputs)
    for level in LEVELS:
        got = run_host(graph, inputs, level)
        for w, g, b in zip(want, got, bounds):
            assert w.dtype == g.dtype and w.shape == g.shape
            if w.dtype == np.float32:
                mm = tolerance.compare(g, w, b)
                assert mm is None, f"{level}: {mm}"
            else:
                np.testing.assert_array_equal(g, w, err_msg=level)


def rand_input(graph, rng):
    out = []
    for name in graph.inputs:
        t = graph.tensor(name)
        if t.dtype in (np.int8, np.int16):
            info = np.iinfo(t.dtype)
            out.append(rng.integers(info.min, info.max + 1, t.shape).astype(t.dtype))
        else:
            out.append(rng.standard_normal(t.shape).astype(np.float32))
    return out


# ---- graph builders ---------------------------------------------------------------------------

def q(scale, zp=0, axis=0):
    scale = np.atleast_1d(np.asarray(scale, np.float32))
    zp = np.broadcast_to(np.atleast_1d(np.asarray(zp, np.int64)), scale.shape).copy()
    return Quant(scale, zp, axis)


def act_tensor(g, name, shape, dtype, scale=None, zp=0):
    """int8 with (scale, zp), int16 with scale / 256 and zero point 0 (16x8), float32."""
    if dtype == np.int16:
        scale, zp = scale / 256, 0
    return g.add_tensor(Tensor(name, tuple(shape), np.dtype(dtype),
                               q(scale, zp) if dtype in (np.int8, np.int16) else None))


def const(g, name, data, quant=None):
    data = np.asarray(data)
    data.setflags(write=False)
    return g.add_tensor(Tensor(name, tuple(data.shape), data.dtype, quant, data))


def finish(g, op_kind, ins, out, options):
    g.add_op(op_kind, ins, [out], options)
    g.outputs = [out]
    shape = optable.get(op_kind).shapes(g.ops()[0], g)[0]
    g.tensor(out).shape = tuple(int(d) for d in shape)
    return g


def conv_graph(rng, dtype, depthwise, shape, oc_or_dm, k, stride, dilation, padding, act, bias=True):
    """int8, float32 or 16x8 (int16 activations; an int64 bias, for a convolution now and then an
    int32 one)."""
    n, h, w, c = shape
    kh, kw = k
    g = Graph("t")
    quant = dtype in (np.int8, np.int16)
    bias_dtype = np.int32
    if dtype == np.int16 and (depthwise or rng.random() < 0.7):
        bias_dtype = np.int64
    act_tensor(g, "x", shape, dtype, 0.05, int(rng.integers(-20, 20)))
    if depthwise:
        dm = oc_or_dm
        oc = c * dm
        wshape = (1, kh, kw, oc)
        axis = 3
    else:
        dm = 1
        oc = oc_or_dm
        wshape = (oc, kh, kw, c)
        axis = 0
    if quant:
        wq = q(rng.uniform(0.002, 0.02, oc), 0, axis)
        const(g, "w", rng.integers(-127, 128, wshape).astype(np.int8), wq)
        if bias:
            const(g, "b", rng.integers(-3000, 3000, oc).astype(bias_dtype),
                  q(0.05 * wq.scale.astype(np.float64), 0))
        act_tensor(g, "y", (1, 1, 1, 1), dtype, 0.08, int(rng.integers(-10, 10)))
    else:
        const(g, "w", rng.standard_normal(wshape).astype(np.float32))
        if bias:
            const(g, "b", rng.standard_normal(oc).astype(np.float32))
        act_tensor(g, "y", (1, 1, 1, 1), np.float32)
    g.inputs = ["x"]
    opts = ConvOptions(padding, stride[0], stride[1], dilation[0], dilation[1], act, dm)
    return finish(g, "DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", ["x", "w", "b" if bias else None], "y", opts)


CONV_CASES = [
    # shape, oc (conv) / dm (depthwise), kernel, stride, dilation, padding, activation
    ((1, 1, 1, 1), 1, (1, 1), (1, 1), (1, 1), "VALID", "NONE"),
    ((1, 1, 1, 3), 5, (3, 3), (1, 1), (1, 1), "SAME", "RELU"),
    ((1, 7, 9, 3), 4, (3, 3), (2, 2), (1, 1), "SAME", "RELU6"),
    ((2, 8, 8, 17), 3, (3, 2), (1, 2), (2, 2), "SAME", "NONE"),
    ((1, 9, 7, 17), 17, (1, 1), (1, 1), (1, 1), "VALID", "RELU"),
    ((1, 10, 6, 1), 2, (4, 3), (2, 1), (1, 1), "VALID", "RELU_N1_TO_1"),
    ((1, 6, 6, 8), 2, (5, 5), (3, 3), (1, 1), "SAME", "NONE"),
    ((1, 12, 11, 2), 3, (3, 3), (1, 1), (3, 2), "VALID", "NONE"),
    ((1, 7, 9, 5), 16, (3, 3), (1, 1), (1, 1), "SAME", "RELU"),  # one block of 16: 4 pixels a store, a last short tile
    # 64 channels and more (the AVX-512 depthwise kernel's blocks), a partial last block
    ((1, 6, 7, 70), 1, (3, 3), (1, 1), (1, 1), "SAME", "RELU6"),
    ((1, 9, 8, 130), 1, (5, 5), (2, 2), (1, 1), "SAME", "NONE"),
    ((2, 5, 5, 64), 1, (3, 3), (1, 1), (2, 2), "VALID", "RELU"),
    # 8, 16, 32 channels (the AVX-512 depthwise kernel's 64 / c pixels at a time), rows not a multiple of them
    ((2, 7, 13, 16), 1, (3, 3), (1, 1), (1, 1), "SAME", "RELU6"),
    ((1, 9, 11, 8), 1, (3, 3), (2, 2), (1, 1), "SAME", "NONE"),
    ((1, 8, 7, 32), 1, (5, 3), (2, 2), (1, 1), "VALID", "RELU"),
    ((1, 9, 10, 16), 1, (3, 3), (1, 1), (2, 2), "SAME", "NONE"),
    # 16 or 32 channels past the last block of 64 (64 / 16, 64 / 32 pixels at a time), strides 1 to 3
    ((1, 7, 9, 80), 1, (3, 3), (1, 1), (1, 1), "SAME", "RELU6"),
    ((1, 11, 10, 96), 1, (3, 3), (2, 2), (1, 1), "SAME", "NONE"),
    ((2, 9, 11, 144), 1, (3, 3), (3, 3), (1, 1), "VALID", "RELU"),
    # 3x3 with rows dilated only (the AVX-512 depthwise kernel's three row pointers, dw = 1)
    ((1, 9, 8, 96), 1, (3, 3), (1, 1), (2, 1), "SAME", "RELU6"),
    ((2, 6, 5, 64), 1, (3, 3), (2, 2), (1, 1), "SAME", "NONE"),  # (taps past each edge, under masks)
]


@pytest.mark.parametrize("dtype", [np.int8, np.float32], ids=["s8", "f32"])
@pytest.mark.parametrize("depthwise", [False, True], ids=["conv", "dwconv"])
@pytest.mark.parametrize("case", CONV_CASES, ids=[str(i) for i in range(len(CONV_CASES))])
def test_conv(dtype, depthwise, case):
    shape, oc, k, stride, dil, pad, act = case
    if depthwise:
        oc = 2 if oc % 2 == 0 else 1  # depth multiplier
    rng = np.random.default_rng(hash((depthwise, str(dtype), str(case))) % 2**32)
    g = conv_graph(rng, dtype, depthwise, shape, oc, k, stride, dil, pad, act, bias=case[0][3] != 1)
    for _ in range(2):
        check(g, rand_input(g, rng))


def fc_graph(rng, dtype, in_shape, units, act, keep=False, bias=True):
    g = Graph("t")
    depth = in_shape[-1]
    quant = dtype in (np.int8, np.int16)
    act_tensor(g, "x", in_shape, dtype, 0.04, int(rng.integers(-30, 30)))
    if quant:
        wq = q(rng.uniform(0.002, 0.02, units), 0)
        const(g, "w", rng.integers(-127, 128, (units, depth)).astype(np.int8), wq)
        if bias:
            const(g, "b", rng.integers(-5000, 5000, units).astype(np.int64 if dtype == np.int16 else np.int32),
                  q(0.04 * wq.scale.astype(np.float64)))
        # an output scale that keeps most sums inside the int8 range (a few sigma): a fixed one saturates
        # every output of a deep layer, and a kernel summing the wrong values would go unseen
        act_tensor(g, "y", (1,), dtype, 0.04 * float(np.median(wq.scale)) * 74 * 74 * np.sqrt(depth) / 40,
                   int(rng.integers(-10, 10)))
    else:
        const(g, "w", rng.standard_normal((units, depth)).astype(np.float32))
        if bias:
            const(g, "b", rng.standard_normal(units).astype(np.float32))
        act_tensor(g, "y", (1,), np.float32)
    g.inputs = ["x"]
    return finish(g, "FULLY_CONNECTED", ["x", "w", "b" if bias else None], "y", FCOptions(act, keep))


@pytest.mark.parametrize("dtype", [np.int8, np.float32], ids=["s8", "f32"])
@pytest.mark.parametrize("in_shape,units,act,keep", [
    ((1, 1), 1, "NONE", False), ((1, 17), 3, "RELU", False), ((3, 37), 10, "NONE", False),
    ((2, 2, 640), 128, "RELU6", True), ((1, 1000), 1, "NONE", False)])
def test_fc(dtype, in_shape, units, act, keep):
    rng = np.random.default_rng(units * 7 + len(in_shape))
    g = fc_graph(rng, dtype, in_shape, units, act, keep, bias=units != 3)
    for _ in range(2):
        check(g, rand_input(g, rng))


@pytest.mark.parametrize("dtype", [np.int8, np.float32], ids=["s8", "f32"])
def test_fc_past_every_simd_panel(dtype):
    """K beyond the SIMD kernels' panels (VNNI 8192 bytes, AVX2 4096 pairs, float 2048): each level
    runs the next implementation whose limits the call fits, with constants laid out for it."""
    rng = np.random.default_rng(5)
    g = fc_graph(rng, dtype, (2, 9001), 5, "NONE")
    check(g, rand_input(g, rng))


POOL_CASES = [
    ((1, 1, 1, 1), (1, 1), (1, 1), "VALID", "NONE"),
    ((1, 5, 5, 3), (2, 2), (2, 2), "SAME", "NONE"),
    ((2, 7, 9, 17), (3, 3), (2, 2), "SAME", "RELU"),
    ((1, 25, 5, 64), (25, 5), (1, 1), "VALID", "NONE"),  # KWS's global pool
    ((1, 6, 8, 4), (3, 2), (1, 3), "VALID", "RELU6"),
]


@pytest.mark.parametrize("dtype", [np.int8, np.float32], ids=["s8", "f32"])
@pytest.mark.parametrize("kind", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
@pytest.mark.parametrize("case", POOL_CASES, ids=[str(i) for i in range(len(POOL_CASES))])
def test_pool(dtype, kind, case):
    shape, k, stride, pad, act = case
    rng = np.random.default_rng(len(kind) + shape[3])
    g = Graph("t")
    act_tensor(g, "x", shape, dtype, 0.07, 3)
    act_tensor(g, "y", (1, 1, 1, 1), dtype, 0.07, 3)
    g.inputs = ["x"]
    finish(g, kind, ["x"], "y", PoolOptions(pad, stride[0], stride[1], k[0], k[1], act))
    for _ in range(2):
        check(g, rand_input(g, rng))


ADD_CASES = [
    ((1,), (1,)),
    ((1, 5, 5, 17), (1, 5, 5, 17)),
    ((1, 4, 3, 17), (17,)),
    ((2, 1, 3, 1), (1, 4, 1, 5)),
    ((3, 1, 2, 1, 4, 1), (1, 2, 1, 3, 1, 5)),
    ((1,), (2, 3, 7)),
    ((4, 1), (1,)),
]


@pytest.mark.parametrize("kind", ["ADD", "SUB"])
@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.float32], ids=["s8", "s16", "f32"])
@pytest.mark.parametrize("act", ["NONE", "RELU"])
@pytest.mark.parametrize("shapes", ADD_CASES, ids=[str(i) for i in range(len(ADD_CASES))])
def test_add(kind, dtype, act, shapes):
    rng = np.random.default_rng(sum(map(len, shapes)))
    g = Graph("t")
    act_tensor(g, "a", shapes[0], dtype, 0.05, -7)
    act_tensor(g, "b", shapes[1], dtype, 0.11, 12)
    act_tensor(g, "y", (1,), dtype, 0.13, -3)
    g.inputs = ["a", "b"]
    finish(g, kind, ["a", "b"], "y", BinaryOptions(act))
    for _ in range(2):
        check(g, rand_input(g, rng))


@pytest.mark.parametrize("dtype", [np.int8, np.float32], ids=["s8", "f32"])
@pytest.mark.parametrize("shape,scale,beta", [
    ((1, 1), 0.1, 1.0), ((1, 37), 0.1, 1.0), ((3, 37), 0.5, 1.0), ((2, 5, 12), 1 / 16, 0.7),
    ((1, 10), 1.0, 1.0), ((4, 1), 0.05, 2.0), ((1, 1000), 0.02, 1.0)])
def test_softmax(dtype, shape, scale, beta):
    rng = np.random.default_rng(shape[-1])
    g = Graph("t")
    act_tensor(g, "x", shape, dtype, scale, 5)
    act_tensor(g, "y", shape, dtype, 1 / 256, -128)
    g.inputs = ["x"]
    finish(g, "SOFTMAX", ["x"], "y", SoftmaxOptions(beta))
    for _ in range(3):
        check(g, rand_input(g, rng))
    # equal values everywhere (the largest sums of exponentials)
    x = np.full(shape, 17, np.int8 if dtype == np.int8 else np.float32)
    check(g, [x])


@pytest.mark.parametrize("src,dst", [("f32", "s8"), ("s8", "s8"), ("s8", "f32")])
@pytest.mark.parametrize("shape", [(1,), (3, 17), (2, 5, 7, 3)])
def test_quantize(src, dst, shape):
    rng = np.random.default_rng(len(shape))
    g = Graph("t")
    dt = {"f32": np.float32, "s8": np.int8}
    act_tensor(g, "x", shape, dt[src], 0.03, 9)
    act_tensor(g, "y", shape, dt[dst], 0.021, -17)
    g.inputs = ["x"]
    finish(g, "DEQUANTIZE" if dst == "f32" else "QUANTIZE", ["x"], "y", None)
    inputs = rand_input(g, rng)
    if src == "f32":
        inputs = [inputs[0] * 2]  # some values saturate
    check(g, inputs)
    if src == "f32":  # exact halves: round half away from zero
        x = (np.arange(np.prod(shape), dtype=np.float32).reshape(shape) - 40.0 + 0.5) * np.float32(0.021)
        check(g, [x])


def test_reshape_copy():
    g = Graph("t")
    act_tensor(g, "x", (2, 3, 5), np.int8, 0.1, 0)
    act_tensor(g, "y", (6, 5), np.int8, 0.1, 0)
    g.inputs = ["x"]
    from tinycc.ops.shape import ReshapeOptions
    finish(g, "RESHAPE", ["x"], "y", ReshapeOptions((6, 5)))
    check(g, rand_input(g, np.random.default_rng(0)))


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.float32], ids=["s8", "s16", "f32"])
@pytest.mark.parametrize("shape", [(1, 3, 7, 37), (2, 3, 4, 16), (1, 3, 1, 5), (1, 4, 3, 17)])
def test_transpose_nchw(dtype, shape):
    """TRANSPOSE (0, 2, 3, 1), NCHW -> NHWC: three int8 planes by copy_nd's byte shuffles (16 pixels at a
    time and the rest), the others by its portable walk."""
    g = Graph("t")
    act_tensor(g, "x", shape, dtype, 0.1, 0)
    const(g, "perm", np.array([0, 2, 3, 1], np.int32))
    act_tensor(g, "y", (1,), dtype, 0.1, 0)
    g.inputs = ["x"]
    finish(g, "TRANSPOSE", ["x", "perm"], "y", None)
    check(g, rand_input(g, np.random.default_rng(0)))


# ---- the fixed-point ports against tinycc/fixedpoint.py on extreme values ---------------------

def _run_kernel(name, inputs, out_nbytes, iparams, fparams=()):
    """One step: the inputs (byte arrays) and the output each at its own arena offset."""
    offs, size = [], 0
    for a in list(inputs) + [np.zeros(out_nbytes, np.uint8)]:
        offs.append(size)
        size += (a.nbytes + 63) // 64 * 64
    bufs = [(-1, o, a.nbytes) for o, a in zip(offs, inputs)] + [(-1, offs[-1], out_nbytes)]
    ex = _host.Executor(size, [(name, bufs, list(iparams), list(fparams))], [])
    for o, a in zip(offs, inputs):
        ex.arena[o:o + a.nbytes] = a.reshape(-1).view(np.uint8)
    ex.run()
    return ex.arena[offs[-1]:offs[-1] + out_nbytes].copy()


@pytest.mark.parametrize("mult,shift", [(1073741824, 0), (2147483647, -31), (1518500250, 5), (1, 31),
                                        (2147483647, 31), (1895147668, -1), (0, 0), (1342177280, -13)])
@pytest.mark.parametrize("in_zp,out_zp", [(0, 0), (-128, 127), (127, -128)])
def test_requantize_extremes(mult, shift, in_zp, out_zp):
    x = np.arange(-128, 128, dtype=np.int8)
    got = _run_kernel("requantize_s8", [x], x.size, [x.size, in_zp, out_zp, mult, shift]).view(np.int8)
    want = fx.multiply_by_quantized_multiplier(x.astype(np.int64) - in_zp, mult, shift) + out_zp
    np.testing.assert_array_equal(got, np.clip(want, -128, 127))


SOFTMAX_PARAMS = [p for p in [(1677721600, 23, -248), (1073741824, 27, -15), (1073741824, 19, -3968),
                               (2147483647, 0, -(1 << 31)), (1, 31, 0), (1500000000, 25, -62)]
                  if min(-p[2], 255) << p[1] <= 1 << 31]  # the executor rejects the others


@pytest.mark.parametrize("depth", [1, 2, 37, 600, 5000, 20000])
@pytest.mark.parametrize("mult,left_shift,diff_min", SOFTMAX_PARAMS)
def test_softmax_kernel_extremes(depth, mult, left_shift, diff_min):
    rng = np.random.default_rng(depth)
    for x in (rng.integers(-128, 128, (2, depth)), np.full((2, depth), 5), np.array([[127] + [-128] * (depth - 1)] * 2)):
        x = x.astype(np.int8)
        got = _run_kernel("softmax_s8", [x], x.size, [2, depth, mult, left_shift, diff_min]).view(np.int8)
        np.testing.assert_array_equal(got.reshape(x.shape), softmax_s8(x, mult, left_shift, diff_min))


@pytest.mark.parametrize("level", LEVELS)
def test_add_kernel_extremes(level):
    """Every input pair, extreme multipliers and shifts, and random ones (the SIMD versions'
    requantization has a one-rounding form for multipliers >= 0), at every level."""
    a = np.repeat(np.arange(-128, 128, dtype=np.int8), 256)
    b = np.tile(np.arange(-128, 128, dtype=np.int8), 256)
    name = isa.candidates("add_s8", level)[0].name
    rng = np.random.default_rng(3)
    cases = [dict(in1_off=128, in2_off=-127, out_off=127, left_shift=20, m1=1073741824, s1=0, m2=2147483647,
                  s2=-1, mo=1518500250, so=-19),
             dict(in1_off=-255, in2_off=255, out_off=-128, left_shift=31, m1=2147483647, s1=31, m2=1, s2=-31,
                  mo=2147483647, so=31),
             dict(in1_off=0, in2_off=0, out_off=0, left_shift=0, m1=0, s1=0, m2=1234567890, s2=7, mo=987654321,
                  so=-3)]
    cases += [dict(in1_off=int(rng.integers(-128, 129)), in2_off=int(rng.integers(-128, 129)),
                   out_off=int(rng.integers(-128, 128)), left_shift=int(rng.integers(0, 21)),
                   m1=int(rng.integers(0, 2 ** 31)), s1=int(rng.integers(-31, 32)), m2=int(rng.integers(0, 2 ** 31)),
                   s2=int(rng.integers(-31, 32)), mo=int(rng.integers(0, 2 ** 31)), so=int(rng.integers(-31, 32)))
              for _ in range(12)]
    # TFLite's regime (left shift 20, input multipliers in [2**30, 2**31) by 2**-r): the SIMD versions
    # rescale such int8 inputs in 32-bit lanes while 9 <= 11 + r <= 22
    # (and past it: left shifts to 24; multipliers whose product for x + off = +-1 lies one below or at a
    # rounding step of that form)

    def at_step(r, left, below, sign):
        s = 31 + r - left
        a, b = (1 << (30 - left)) + ((1 << (30 + r - left)) if r else 0), (1 << (31 - left)) if r else 0
        return 2 ** 30 + ((-1 - a if sign > 0 else a - b + 1) + (0 if below else 1) * sign) % (1 << s)
    cases += [dict(in1_off=int(rng.choice([-128, 128, rng.integers(-128, 129)])), in2_off=int(rng.integers(-128, 129)),
                   out_off=int(rng.integers(-128, 128)), left_shift=left,
                   m1=int(rng.choice([2 ** 30, at_step(r, left, True, 1), at_step(r, left, False, 1),
                                      at_step(r, left, True, -1), at_step(r, left, False, -1),
                                      rng.integers(2 ** 30, 2 ** 31)])), s1=-r,
                   m2=int(rng.integers(2 ** 30, 2 ** 31)), s2=-int(rng.integers(0, 14)),
                   mo=int(rng.integers(2 ** 30, 2 ** 31)), so=int(rng.integers(-24, 2)))
              for r in range(14) for left in (20, 20, 20, 20, 22, 23, 24)]
    # mirrored: both inputs rescaled alike, the output rescaling the identity (2**31 - 1, shift 0), so that
    # with x2 + off = -(x1 + off) the output is the two rescaled inputs' sum, each rounding step visible
    for r in range(14):
        for m in (at_step(r, 20, True, 1), at_step(r, 20, False, 1), at_step(r, 20, True, -1), at_step(r, 20, False, -1)):
            off = int(rng.integers(-128, 129))
            cases.append(dict(in1_off=off, in2_off=off, out_off=0, left_shift=20, m1=m, s1=-r, m2=m, s2=-r,
                              mo=2 ** 31 - 1, so=0))
    found = 0
    for p in cases:
        mbqm = fx.multiply_by_quantized_multiplier
        sa = mbqm((a.astype(np.int64) + p["in1_off"]) << p["left_shift"], p["m1"], p["s1"])
        sb = mbqm((b.astype(np.int64) + p["in2_off"]) << p["left_shift"], p["m2"], p["s2"])
        out = mbqm(sa + sb, p["mo"], p["so"]) + p["out_off"]
        # each case with its linear form (when add_linear finds one) and without, clamped to the whole
        # range and to a ReLU's
        for act_min in (-128, max(p["out_off"], -128)):
            lin = elementwise.add_linear(p, act_min, 127)
            found += lin["lin"]
            for lp in {lin["lin"]: lin, 0: dict.fromkeys(lin, 0)}.values():
                ip = [1, 1, 1, 1, 1, a.size] + [0] * 5 + [1] + [0] * 5 + [1] + [act_min, 127] + [p[k] for k in (
                    "in1_off", "in2_off", "out_off", "left_shift", "m1", "s1", "m2", "s2", "mo", "so")] + \
                    [lp[k] for k in kt.ADD_LIN]
                got = _run_kernel(name, [a, b], a.size, ip).view(np.int8)
                np.testing.assert_array_equal(got, np.clip(out, act_min, 127), err_msg=f"{p} {lp}")
    assert found > len(cases)  # the linear form is found in TFLite's regime at least


def test_conv_accumulator_wraps_like_reference():
    """A 1x1 conv over 70,000 channels of extreme values: the int32 sum wraps as the reference's."""
    c = 70000
    x = np.full(c, -128, np.int8)
    w = np.full(c, -128, np.int8)  # (x - 127) * w = 32640 each: 2.28e9 overflows int32
    bias = np.array([2 ** 31 - 1], np.int32)
    mult, shift = np.array([1073741824], np.int32), np.array([-24], np.int32)
    consts = [w.view(np.uint8), bias.view(np.uint8), mult.view(np.uint8), shift.view(np.uint8)]
    ip = [1, 1, 1, c, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, -128, 127, 127, 3]
    bufs = [(-1, 0, c), (-1, c + 64 - c % 64, 1), (0, 0, c), (1, 0, 4), (2, 0, 4), (3, 0, 4)]
    ex = _host.Executor(c + 128, [("conv2d_s8", bufs, ip, [])], consts)
    ex.arena[:c] = x.view(np.uint8)
    ex.run()
    acc = int(bias[0]) + int(((x.astype(np.int64) - 127) * w).sum())
    want = int(np.clip(fx.multiply_by_quantized_multiplier(acc, 1073741824, -24) + 3, -128, 127))
    assert ex.arena[bufs[1][1]:bufs[1][1] + 1].view(np.int8)[0] == want


def test_in_place_kernels():
    """The kernels the executor documents as in-place safe give the same result in place."""
    rng = np.random.default_rng(5)
    x8 = rng.integers(-128, 128, 96).astype(np.int8)
    xf = (rng.standard_normal(96) * 50).astype(np.float32)
    cases = [
        ("requantize_s8", x8, 96, [96, 3, -5, 1518500250, -2], []),
        ("softmax_s8", x8, 96, [4, 24, 1677721600, 23, -248], []),
        ("softmax_f32", xf, 384, [3, 32], [0.5]),
        ("quantize_f32_s8", xf, 96, [96, 7], [0.3]),
        ("copy", x8, 96, [96], []),
    ]
    for name, x, out_nbytes, ip, fp in cases:
        want = _run_kernel(name, [x], out_nbytes, ip, fp)
        ex = _host.Executor(x.nbytes, [(name, [(-1, 0, x.nbytes), (-1, 0, out_nbytes)], ip, fp)], [])
        ex.arena[:] = x.view(np.uint8)
        ex.run()
        np.testing.assert_array_equal(ex.arena[:out_nbytes], want, err_msg=name)
    # add: the output over the first (not broadcast) input; the second is broadcast
    a = rng.integers(-128, 128, 24).astype(np.int8)
    b = rng.integers(-128, 128, 6).astype(np.int8)
    q = dict(in1_off=5, in2_off=-3, out_off=2, left_shift=20, m1=1073741824, s1=-1, m2=1300000000, s2=-1,
             mo=1500000000, so=-18)
    lin = elementwise.add_linear(q, -128, 127)
    assert lin["lin"]  # (the x86-64 versions' runs by it)
    ip = [1, 1, 1, 1, 4, 6] + [0, 0, 0, 0, 6, 1] + [0, 0, 0, 0, 0, 1] + [-128, 127] + list(q.values()) + \
        [lin[k] for k in kt.ADD_LIN]
    want = _run_kernel("add_s8", [a, b], 24, ip)
    ex = _host.Executor(128, [("add_s8", [(-1, 0, 24), (-1, 64, 6), (-1, 0, 24)], ip, [])], [])
    ex.arena[:24] = a.view(np.uint8)
    ex.arena[64:70] = b.view(np.uint8)
    ex.run()
    np.testing.assert_array_equal(ex.arena[:24], want)


# ---- validation -------------------------------------------------------------------------------

def _conv_step(wbytes=3 * 3 * 3 * 4):
    ip = [1, 5, 5, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, -128, 127, 0, 0]
    consts = [np.zeros(wbytes, np.uint8), np.zeros(16, np.uint8), np.zeros(16, np.uint8), np.zeros(16, np.uint8)]
    bufs = [(-1, 0, 75), (-1, 128, 100), (0, 0, wbytes), (1, 0, 16), (2, 0, 16), (3, 0, 16)]
    return ("conv2d_s8", bufs, ip, []), consts


def test_valid_conv_step_accepted():
    step, consts = _conv_step()
    ex = _host.Executor(256, [step], consts)
    ex.run()
    assert ex.nsteps == 1


def test_rejects_unknown_kernel():
    with pytest.raises(ValueError, match=r"step 0 \(conv3d_s8\).*unknown kernel"):
        _host.Executor(64, [("conv3d_s8", [], [], [])], [])


def test_rejects_buffer_past_arena():
    with pytest.raises(ValueError, match=r"step 0 \(copy\).*outside the arena"):
        _host.Executor(64, [("copy", [(-1, 0, 32), (-1, 40, 32)], [32], [])], [])
    with pytest.raises(ValueError, match=r"step 1 \(copy\).*outside consts\[0\]"):
        _host.Executor(64, [("copy", [(-1, 0, 8), (-1, 8, 8)], [8], []),
                            ("copy", [(0, 4, 8), (-1, 8, 8)], [8], [])], [np.zeros(10, np.uint8)])


def test_rejects_conv_reading_past_weights():
    step, consts = _conv_step(wbytes=3 * 3 * 3 * 4 - 1)
    with pytest.raises(ValueError, match=r"step 0 \(conv2d_s8\): buffer w: .* touch 108 bytes"):
        _host.Executor(256, [step], consts)


def test_rejects_negative_dim():
    step, consts = _conv_step()
    step[2][1] = -5
    with pytest.raises(ValueError, match=r"step 0 \(conv2d_s8\): h = -5 must be >= 1"):
        _host.Executor(256, [step], consts)


@pytest.mark.parametrize("changes,message", [
    ({3: 4}, "buffer in: .* touch 100 bytes"),  # c = 4: the input needs 100 bytes
    ({9: 0}, "sh = 0 must be >= 1"),
    ({11: 0}, "dh = 0 must be >= 1"),
    ({13: -1}, r"pt = -1 must be in"),
    ({15: 100, 16: 50}, r"act_min = 100 > act_max = 50"),
    ({16: 128}, r"act_max = 128 must be in"),
    ({17: 300}, r"in_zp = 300 must be in"),
    ({0: 2 ** 40}, "outside the int32 range"),
    ({4: 6}, "buffer out: .* touch 120 bytes"),
    ({6: 5}, "buffer out: .* touch 125 bytes"),
    ({7: 4}, "buffer w: .* touch 144 bytes"),
])
def test_rejects_bad_conv_params(changes, message):
    step, consts = _conv_step()
    for index, value in changes.items():
        step[2][index] = value
    with pytest.raises(ValueError, match=message):
        _host.Executor(256, [step], consts)


def test_rejects_structural_problems():
    step, consts = _conv_step()
    with pytest.raises(ValueError, match="expects 6 buffers"):
        _host.Executor(256, [(step[0], step[1][:5], step[2], [])], consts)
    with pytest.raises(ValueError, match="expects 19 iparams"):
        _host.Executor(256, [(step[0], step[1], step[2][:-1], [])], consts)
    with pytest.raises(ValueError, match="expects 0 fparams"):
        _host.Executor(256, [(step[0], step[1], step[2], [1.0])], consts)
    bad = list(step[1])
    bad[1] = (0, 0, 100)  # output in a constant
    with pytest.raises(ValueError, match="is written and must be in the arena"):
        _host.Executor(256, [(step[0], bad, step[2], [])], [np.zeros(128, np.uint8)] + consts[1:])
    bad = list(step[1])
    bad[3] = (1, 1, 16)  # misaligned int32 bias
    with pytest.raises(ValueError, match="not 4-byte aligned"):
        _host.Executor(256, [(step[0], bad, step[2], [])], consts[:1] + [np.zeros(20, np.uint8)] + consts[2:])
    bad = list(step[1])
    bad[2] = (7, 0, 108)
    with pytest.raises(ValueError, match="space 7 does not exist"):
        _host.Executor(256, [(step[0], bad, step[2], [])], consts)
    shifts = np.array([0, 1, 40, 0], np.int32).view(np.uint8)
    with pytest.raises(ValueError, match=r"shifts outside \[-31, 31\]"):
        _host.Executor(256, [step], consts[:3] + [shifts])
    with pytest.raises(ValueError, match="C-contiguous"):
        _host.Executor(256, [step], consts[:3] + [np.zeros(32, np.uint8)[::2]])


def test_rejects_bad_other_params():
    cases = [
        ("avgpool_s8", [(-1, 0, 25), (-1, 64, 9)], [1, 5, 5, 1, 3, 3, 2, 2, 2, 2, 2, 0, -128, 127], [],
         "padding .* must be smaller"),
        ("maxpool_s8", [(-1, 0, 25), (-1, 64, 16)], [1, 5, 5, 1, 4, 4, 2, 2, 2, 2, 0, 0, -128, 127], [],
         "output window starts outside"),
        ("softmax_s8", [(-1, 0, 10), (-1, 64, 10)], [1, 10, 1 << 30, 30, -300], [], "overflows"),
        ("softmax_s8", [(-1, 0, 10), (-1, 64, 10)], [1, 10, 1 << 30, 3, 5], [], "diff_min"),
        ("quantize_f32_s8", [(-1, 0, 40), (-1, 64, 10)], [10, 0], [0.0], "scale"),
        ("quantize_f32_s8", [(-1, 0, 40), (-1, 64, 10)], [11, 0], [0.5], "touch 44 bytes"),
        ("dwconv2d_s8", [(-1, 0, 8), (-1, 64, 8), (-1, 128, 8), (-1, 192, 8), (-1, 192, 8), (-1, 192, 8)],
         [1, 1, 1, 2, 1, 1, 3, 1, 1, 1, 1, 1, 1, 0, 0, -128, 127, 0, 0, 1], [], "must equal c \\* dm"),
        ("add_f32", [(-1, 0, 64), (-1, 64, 64), (-1, 128, 64)], [1] * 6 + [0] * 5 + [-1] + [0] * 6, [0.0, 1.0],
         "a5 = -1"),
        ("add_f32", [(-1, 0, 64), (-1, 64, 64), (-1, 128, 64)], [1] * 5 + [16] + [0] * 5 + [2] + [0] * 6,
         [0.0, 1.0], "buffer in1: .* touch 124 bytes"),
        ("fc_f32", [(-1, 0, 64), (-1, 64, 64), (-1, 128, 64), (-1, 192, 64)], [1, 16, 4], [2.0, 1.0],
         "act_min = 2.0 > act_max"),
        ("fc_f32", [(-1, 0, 64), (-1, 64, 64), (-1, 128, 64), (-1, 192, 64)], [1, 16, 4], [float("nan"), 1.0],
         "not a float32 value"),
        ("requantize_s8", [(-1, 0, 8), (-1, 64, 8)], [8, 0, 0, 1 << 30, 32], [], "shift = 32"),
        ("copy", [(-1, 0, 8), (-1, 64, 8)], [-1], [], "nbytes = -1"),
        ("copy", [(-1, 0, 8), (-1, 64, 8)], [1.5], [], "must be an integer"),
    ]
    for name, bufs, ip, fp, message in cases:
        with pytest.raises(ValueError, match=message):
            _host.Executor(256, [(name, bufs, ip, fp)], [])


def test_kernel_table():
    """Every kernel of the table is compiled into the extension (its portable C and each SIMD version
    registered); names of buffers and parameters are unique; every written buffer is the output or
    an op's state."""
    for name, k in kt.KERNELS.items():
        assert f"tc_{name}" in _host.SYMBOLS, name
        assert len({b.name for b in k.bufs}) == len(k.bufs) and len(set(k.iparams)) == len(k.iparams)
        assert len(set(k.fparams)) == len(k.fparams) <= 4 and k.outputs
    for impl in isa.SIMD.values():
        assert impl.symbol in _host.SYMBOLS, impl.symbol


@pytest.mark.skipif(not isa.SIMD, reason="no x86-64 versions on this machine")
def test_avxvnni_level():
    """The avxvnni level, checked without an AVX-VNNI CPU (test_conv and the others run it where the
    CPU has it): the AVX2 kernels under their own names (tc_x86_s8.h's dot products on vpdpwssd),
    each compiled into the extension and chosen first at its level, the AVX2 version next, with the
    same constants and limits (not run here: an executor refuses a level the CPU lacks); an
    avx512vnni run falls back on them only on a CPU that has AVX-VNNI as well."""
    mine = sorted(k for k, lv in isa.SIMD if lv == "avxvnni")
    # (copy_nd's AVX2 version has no dot products: it serves the level as it is)
    assert mine == sorted(k for k, lv in isa.SIMD if lv == "avx2" and k != "copy_nd")
    assert [i.isa for i in isa.candidates("copy_nd", "avxvnni")] == ["avx2", "portable"]
    assert {"conv2d_s8", "fc_s8", "dwconv2d_s8", "add_s8"} <= set(mine)
    for name in mine:
        impl = isa.SIMD[(name, "avxvnni")]
        assert impl.symbol == f"tc_{name}_avxvnni" and impl.symbol in _host.SYMBOLS
        assert [i.name for i in isa.candidates(name, "avxvnni")] == [f"{name}@avxvnni", f"{name}@avx2", name]
        assert isa.impl(f"{name}@avxvnni", "avxvnni") is impl
        with pytest.raises(kt.KernelParamError):
            isa.impl(f"{name}@avxvnni", "avx2")
        own = ["avx512vnni"] if (name, "avx512vnni") in isa.SIMD else []
        below = ["avxvnni"] if "avxvnni" in isa.cpu_levels() else []  # Zen 4, Ice Lake: none
        assert [i.isa for i in isa.candidates(name, "avx512vnni")] == own + below + ["avx2", "portable"]
    rng = np.random.default_rng(11)
    ran = set()
    for dtype in (np.int8, np.float32):
        for depthwise, case in ((False, CONV_CASES[3]), (True, CONV_CASES[6]),
                                (True, ((1, 6, 7, 24), 1, (3, 3), (2, 1), (1, 1), "SAME", "RELU6"))):
            g = conv_graph(rng, dtype, depthwise, *case)
            size, want, consts, _ = naive_plan(g, "avx2")
            size, got, consts2, _ = naive_plan(g, "avxvnni")
            assert [s[0] for s in got] == [s[0].replace("@avx2", "@avxvnni") for s in want]
            assert [s[1:] for s in got] == [s[1:] for s in want]
            assert all(np.array_equal(a, b) for a, b in zip(consts, consts2)) and len(consts) == len(consts2)
            for (name, _, ip, fp), (name2, *_) in zip(got, want):  # the same limits and prepared sizes
                assert isa.impl(name, "avxvnni").validate(ip, fp) == isa.impl(name2, "avx2").validate(ip, fp)
            _host.Executor(size, want, consts, "avx2")
            ran |= {s[0] for s in got}
    assert {f"{k}@avxvnni" for k in ("conv2d_s8", "dwconv2d_s8", "conv2d_f32", "dwconv2d_f32")} <= ran, ran


def test_run_repeats_and_runs_in_threads():
    """run() twice gives the same result; executors run concurrently in threads (GIL released)."""
    import threading
    rng = np.random.default_rng(3)
    g = conv_graph(rng, np.int8, False, (1, 24, 24, 16), 32, (3, 3), (1, 1), (1, 1), "SAME", "NONE")
    size, steps, consts, offsets = naive_plan(g, LEVELS[-1])
    exs = [_host.Executor(size, steps, consts) for _ in range(3)]
    init = rng.integers(0, 256, size).astype(np.uint8)
    for ex in exs:
        ex.arena[:] = init
    exs[0].run()
    first = exs[0].arena.copy()
    exs[0].run()
    np.testing.assert_array_equal(first, exs[0].arena)
    threads = [threading.Thread(target=lambda ex=ex: [ex.run() for _ in range(5)]) for ex in exs[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for ex in exs[1:]:
        np.testing.assert_array_equal(first, ex.arena)


# ---- random geometries against the reference (hypothesis) -------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_conv_geometry(data):
    depthwise = data.draw(st.booleans(), "depthwise")
    dtype = data.draw(st.sampled_from([np.int8, np.float32]), "dtype")
    shape = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 9)), data.draw(st.integers(1, 9)),
             data.draw(st.one_of(st.integers(1, 6), st.sampled_from([64, 67, 129])), "channels"))
    k = (data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4)))
    stride = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    dil = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    pad = data.draw(st.sampled_from(["SAME", "VALID"]))
    act = data.draw(st.sampled_from(["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]))
    oc = data.draw(st.integers(1, 3) if depthwise else st.integers(1, 7))
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1)))
    try:
        g = conv_graph(rng, dtype, depthwise, shape, oc, k, stride, dil, pad, act)
        optable.get(g.ops()[0].kind).check_support(g.ops()[0], g)
    except (UnsupportedError, ValueError):
        return  # the filter does not fit the input
    check(g, rand_input(g, rng))


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_random_pool_geometry(data):
    dtype = data.draw(st.sampled_from([np.int8, np.float32]), "dtype")
    kind = data.draw(st.sampled_from(["AVERAGE_POOL_2D", "MAX_POOL_2D"]))
    shape = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 9)), data.draw(st.integers(1, 9)),
             data.draw(st.integers(1, 5)))
    opts = PoolOptions(data.draw(st.sampled_from(["SAME", "VALID"])), data.draw(st.integers(1, 3)),
                       data.draw(st.integers(1, 3)), data.draw(st.integers(1, 4)), data.draw(st.integers(1, 4)),
                       data.draw(st.sampled_from(["NONE", "RELU"])))
    g = Graph("t")
    act_tensor(g, "x", shape, dtype, 0.07, 3)
    act_tensor(g, "y", (1, 1, 1, 1), dtype, 0.07, 3)
    g.inputs = ["x"]
    try:
        finish(g, kind, ["x"], "y", opts)
        optable.get(kind).check_support(g.ops()[0], g)
    except (UnsupportedError, ValueError):
        return
    check(g, rand_input(g, np.random.default_rng(shape[1] * 10 + shape[2])))


# ---- memory safety: random parameters that pass validation never touch bytes outside buffers ---
#
# Each input buffer is a constant in its own mmap'd region flush against a PROT_NONE guard page
# (once against the page after it, once against the page before it), with exactly the bytes the
# validator demands; a kernel read out of bounds faults. The output lives in the arena between
# canary bytes that must survive. Runs in a subprocess so a fault fails one test, not the session.

def _guarded(nbytes, at_end, keep):
    import ctypes
    import mmap
    page = mmap.PAGESIZE
    npages = max(1, (nbytes + page - 1) // page)
    mm = mmap.mmap(-1, (npages + 2) * page)
    buf = ctypes.c_char.from_buffer(mm)
    keep.append((mm, buf))
    base = ctypes.addressof(buf)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    for addr in (base, base + (npages + 1) * page):
        assert libc.mprotect(addr, page, 0) == 0  # PROT_NONE
    start = page + (npages * page - nbytes if at_end else 0)
    return np.frombuffer(mm, np.uint8, count=nbytes, offset=start)


def _fuzz_params(name, rng):
    r = lambda lo, hi: int(rng.integers(lo, hi + 1))  # noqa: E731
    simd = "@" in name
    k = isa.impl(name).kernel
    inames, fnames = k.iparams, k.fparams
    full, name = name, k.name
    p = {}
    for k in inames:
        if k in ("act_min",):
            p[k] = r(-128, 0)
        elif k in ("act_max",):
            p[k] = r(0, 127)
        elif k in ("time_major", "mode", "wide", "neg", "lin"):
            p[k] = r(0, 3) if k == "mode" else r(0, 1)
        elif k in ("in_bytes", "out_bytes"):
            p[k] = r(1, 2) if k == "in_bytes" else int(rng.choice([1, 2, 4]))
        elif k == "dm" and name == "conv_s16":
            p[k] = r(0, 3)
        elif k in ("tanh_mult", "tanh_shift"):
            p[k] = r(0, 3) if k == "tanh_mult" else r(0, 14)
        elif k in ("in_zp", "out_zp", "zp", "out_off", "h_zp"):
            p[k] = r(-128, 127)
        elif k in ("in1_off", "in2_off"):
            p[k] = r(-128, 128)
        elif k in ("mult", "m1", "m2", "mo"):
            p[k] = r(0, 2 ** 31 - 1)
        elif k in ("shift", "s1", "s2", "so"):
            p[k] = r(-31, 31)
        elif k == "left_shift":
            p[k] = r(0, 31) if name == "add_s8" else r(0, 15) if name == "add_s16" else r(0, 27)
        elif k == "diff_min":
            p[k] = -r(0, 300)
        elif k in ("pt", "pl"):
            p[k] = r(0, 4)
        elif k in ("in_off", "out_off"):
            p[k] = r(0, 200)
        elif k[0] in "ab" and k[1:].isdigit():
            p[k] = r(-2, 9) if name == "copy_nd" else r(0, 9)
        elif k in ("depth", "size", "nbytes"):
            p[k] = r(1, 70)
        else:
            p[k] = r(1, 5)
        if rng.random() < 0.03:  # now and then something invalid
            p[k] = int(rng.choice([0, -1, -7, 2 ** 31 - 1, 200, 40]))
    if name == "sigmoid_tanh_s16":  # an int16 input rescale
        p["mult"], p["shift"] = r(0, 32767), r(0, 20)
    if name == "unary_s16":  # RSQRT's shift applies after TFLite's 2**20 scaling
        p["mode"], p["rescale"], p["shift"] = r(0, 1), r(0, 1), r(-11, 31)
    if name == "rfft_s16" and rng.random() < 0.9:  # lengths kiss_fft takes, frames zero-padded to them
        p["fft_length"] = int(rng.choice([4, 6, 8, 10, 12, 16, 20, 24, 30, 40, 48, 60, 64]))
        p["in_len"] = r(1, p["fft_length"])
    if name == "signal_window" and rng.random() < 0.9:
        p["size"], p["shift"] = p["wsize"] * r(0, 4), r(0, 31)
    if name == "signal_energy" and rng.random() < 0.9:
        p["start"], p["end"] = sorted((r(0, max(p["size"], 0)), r(0, max(p["size"], 0))))
    if name == "spectral_subtraction":
        p["clamping"] = r(0, 1)
    if simd and name.startswith("dwconv") and rng.random() < 0.9:
        p["dm"] = 1  # the x86-64 versions take a depth multiplier of 1
    if simd and name.startswith("dwconv") and rng.random() < 0.9:  # the channels they take
        p["c"] = r(64, 140) if full == "dwconv2d_s8@avx512vnni" else 8 * r(1, 4)
    if (name.startswith("dwconv") or name == "conv_s16" and p["dm"]) and rng.random() < 0.9:
        p["oc"] = p["c"] * p["dm"]
    if full == "copy_nd@avx2" and rng.random() < 0.8:  # mostly its three planes interleaved (the rest: portable)
        p.update(esize=1, d4=3, b4=1, a5=1, b5=3, d5=r(1, 40))
        p["a4"] = r(p["d5"], 50)
    if name.startswith("transpose_nchw") and rng.random() < 0.9:  # mostly a transpose's 1x1 windows
        p["kh"] = p["kw"] = 1
    if ("pool" in name or name.startswith("transpose_nchw")) and rng.random() < 0.9:  # mostly windows that all cover the input
        for k, i, o, s_, pad in (("kh", "h", "oh", "sh", "pt"), ("kw", "w", "ow", "sw", "pl")):
            if min(p[k], p[i], p[s_]) >= 1:
                p[pad] = r(0, p[k] - 1)
                p[o] = r(1, (p[i] - 1 + p[pad]) // p[s_] + 1)
    f = {k: float(rng.uniform(-2, 0)) if k == "act_min" else float(rng.uniform(0, 2)) if k == "act_max"
         else float(rng.uniform(0.01, 2)) for k in fnames}
    return [p[k] for k in inames], [f[k] for k in fnames]


def _fuzz_one(name, ip, fp, rng):
    import re
    k = isa.impl(name).kernel
    bnames = [b.name for b in k.bufs]
    outs = k.outputs  # several for a kernel that updates state
    needs = [0] * len(bnames)
    for _ in range(len(bnames) + 1):  # learn the exact bytes each buffer needs from the errors
        try:
            _host.Executor(max(needs), [(name, [(-1, 0, n) for n in needs], ip, fp)], [])
            break
        except ValueError as e:
            m = re.search(r"buffer (\w+): the parameters make the kernel touch (\d+) bytes", str(e))
            if not m:
                return False  # invalid parameters: rejected, fine
            needs[bnames.index(m.group(1))] = int(m.group(2))
            if int(m.group(2)) > 1 << 20:
                return False  # valid but too big to bother
    for at_end in (True, False):
        keep, consts, bufs = [], [], []
        pad = 64
        at = {}  # output buffer -> its offset in the arena, each after pad canary bytes
        arena_n = pad
        for j in outs:
            at[j] = arena_n
            arena_n += -(-needs[j] // 16) * 16 + pad
        for j, (bname, n) in enumerate(zip(bnames, needs)):
            if j in at:
                bufs.append((-1, at[j], n))
                continue
            a = _guarded(n, at_end, keep)
            if bname == "shift":
                a[:] = rng.integers(-31, 32, n // 4).astype(np.int32).view(np.uint8)
            else:
                a[:] = rng.integers(0, 256, n).astype(np.uint8)
            consts.append(a)
            bufs.append((len(consts) - 1, 0, n))
        ex = _host.Executor(arena_n, [(name, bufs, ip, fp)], consts)
        ex.arena[:] = rng.integers(0, 256, arena_n).astype(np.uint8)
        before = ex.arena.copy()
        ex.run()
        written = np.zeros(arena_n, bool)
        for j in outs:
            written[at[j]:at[j] + needs[j]] = True
        assert np.array_equal(ex.arena[~written], before[~written]), (name, ip, fp, "wrote outside its outputs")
        del ex, consts, bufs
    return True


def fuzz(n_per_kernel, seed, names=None, one=None):
    """Run ``one(name, iparams, fparams, rng)`` on random parameters per kernel; count the runs."""
    one = one or _fuzz_one
    rng = np.random.default_rng(seed)
    ran = {}
    for name in sorted(names or kt.KERNELS):
        ran[name] = 0
        for _ in range(n_per_kernel):
            ip, fp = _fuzz_params(name, rng)
            ran[name] += one(name, ip, fp, rng)
    return ran


def fuzz_in_subprocess(call):
    """Evaluate ``call`` (a Python expression over this test directory's modules) in a fresh
    process, so that a memory error fails the test instead of killing pytest."""
    import json
    import subprocess
    import sys
    code = ("import sys, json; sys.path.insert(0, %r); import test_host_kernels, test_streaming; "
            "print(json.dumps(%s))" % (os.path.dirname(os.path.abspath(__file__)), call))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, f"fuzzing crashed (exit {res.returncode}):\n{res.stdout[-2000:]}\n{res.stderr[-4000:]}"
    ran = json.loads(res.stdout.strip().splitlines()[-1])
    # most random parameter sets are valid, so every kernel really ran
    assert all(v >= 10 for v in ran.values()), ran


def test_fuzz_memory_safety():
    fuzz_in_subprocess("test_host_kernels.fuzz(60, 1234)")


def test_fuzz_memory_safety_simd():
    """The x86-64 versions of every level this CPU has (their own constant layouts: the prepared
    sizes are what the executor checks)."""
    if not isa.SIMD:
        return
    fuzz_in_subprocess("test_host_kernels.fuzz(40, 5678, [i.name for i in test_host_kernels.isa.SIMD.values() "
                       "if i.isa in test_host_kernels.LEVELS])")


# ---- float32 LSTM: the regimes of its gates (saturated, linear, the tanh series near 0) ---------

LSTM_CASES = [  # batch, time, n_in, units, weight scale, time major, cell clip
    (1, 28, 28, 20, 1.0, False, 0.0),  # trained_lstm's shape
    (2, 5, 3, 1, 1.0, True, 0.0),
    (1, 6, 40, 64, 3.0, False, 0.0),  # 256 gates: blocks of 64, 32 and 8
    (3, 4, 7, 13, 0.02, True, 2.5),  # pre-activations near 0
    (1, 3, 16, 100, 40.0, False, 0.0),  # saturated: below -9 and above 16.6
    (2, 7, 9, 33, 5.0, False, 0.4),
]


@pytest.mark.parametrize("case", LSTM_CASES, ids=[f"b{c[0]}t{c[1]}i{c[2]}u{c[3]}s{c[4]}" for c in LSTM_CASES])
def test_lstm_f32(case):
    from tinycc import tflite_reader
    from tinycc.testing import ModelBuilder
    batch, time, n_in, units, scale, time_major, clip = case
    rng = np.random.default_rng(units)
    seq = (time, batch) if time_major else (batch, time)
    mb = ModelBuilder()
    x = mb.input("x", seq + (n_in,), "float32")
    ws, rs, bs = [], [], []
    for gate in ("input", "forget", "cell", "output"):
        ws.append(mb.const(f"w_{gate}", (rng.normal(0, scale / np.sqrt(n_in), (units, n_in))).astype(np.float32)))
        rs.append(mb.const(f"r_{gate}", (rng.normal(0, scale / np.sqrt(units), (units, units))).astype(np.float32)))
        bs.append(mb.const(f"b_{gate}", rng.normal(0, scale, units).astype(np.float32)))
    h = mb.variable("h", (batch, units), "float32")
    c = mb.variable("c", (batch, units), "float32")
    y = mb.tensor("y", seq + (units,), "float32")
    mb.op("UNIDIRECTIONAL_SEQUENCE_LSTM", [x] + ws + rs + [None] * 3 + bs + [None] * 2 + [h, c] + [None] * 4, [y],
          FusedActivationFunction=4, CellClip=clip, TimeMajor=time_major)
    mb.output(y)
    g = tflite_reader.load(mb.build())
    assert any(isa.impl(backend_host.host_call(call, lv).kernel).isa != "portable"
               for lv in LEVELS for call in optable.get(g.ops()[0].kind).lower(g.ops()[0], g)) or LEVELS == ("portable",)
    check(g, [rng.standard_normal(seq + (n_in,)).astype(np.float32)])


# ---- the shared models, whole, on a naive plan ----------------------------------------------

@pytest.mark.parametrize("model", INT8_MODELS + FLOAT_MODELS)
def test_model(model):
    from tinycc import tflite_reader
    g = tflite_reader.load(model_path(model))
    rng = np.random.default_rng(0)
    for _ in range(3):
        check(g, rand_input(g, rng))
