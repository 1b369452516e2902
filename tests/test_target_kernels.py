"""Every kernel of the emulated C targets on single-op cases, run under QEMU.

For each target configuration (Cortex-M55 on mps3-an547; Cortex-M4 on mps2-an386, whose DSP kernels
serve the Cortex-M7 and Cortex-M33 too; RV64GCV at VLEN 128 and 256) one program
holds every case: the kernel the target's table chooses (its vector kernel, or the portable one
where the table allows it) is called on the case's buffers as the code generator would call it,
constants prepared by the target's ``prepare`` table and placed in flash, directly and through
tc_run_streamed (row by row, forward and reverse). The program dumps each case's whole arena;
the output must equal what the host executor's kernel produces for the same call (the host
kernels are checked against the NumPy reference and TFLite Micro elsewhere), and every other
arena byte (inputs, guard bytes around the output and the scratch) must be unchanged.

Cases: odd shapes (channels that are no multiple of the vector length, 1-pixel images, stride
2 SAME, dilation, depth multiplier), random geometries, and random extreme per-channel
multipliers, shifts and biases; the Cortex-M4 pooling and ADD kernels' paths (channel counts 1 to
9 and 4k + 1..3, windows and rows over 256 taps at the int8 extremes, ADD rows of every length,
broadcast, extreme rescaling, every pair of int8 inputs), unaligned buffers (skew), an output over
its input (alias), and row-streamed kernels with the fused ADD of their rows (epilogue). int8 byte
for byte; float32 to 1e-5 (FMA contraction differs between compilers). A missing cross compiler or
QEMU fails these tests.

The Cortex-M4 depthwise kernel has its own program of many random single-op graphs (padding SAME,
VALID and explicit, strides, dilations, depth multipliers 1 to 3, odd channel counts, extreme zero
points, per-channel multipliers from 2^-21 to 4), plain and row-streamed, checked against the
reference interpreter (NumPy, itself checked against TFLite Micro).
"""
import dataclasses
import os
import pathlib
import tempfile

import numpy as np
import pytest

from tinycc import _host, interpreter, tolerance
from tinycc import kernels as kt
from tinycc import ops as optable
from tinycc.ops import elementwise
from tinycc.backend_c import C_TARGETS, GENERIC, TARGETS_DIR, CProgram, _kernel_files, library_sources
from tinycc.ctarget import RUNNERS
from tinycc.errors import UnsupportedError
from tinycc.ops.conv import ConvOptions

import test_c_kernels as tck
from test_host_kernels import ADD_CASES, CONV_CASES, POOL_CASES, act_tensor, const, conv_graph, fc_graph, finish, q
from test_host_kernels import rand_input

#: (target, VLEN, optimization): the Cortex-M4 kernels take other code paths at -Os (one GEMM for every
#: requantization form, no 3x3 depthwise path), so they are built both ways
CONFIGS = [("cortex-m55", 128, "-O2"), ("cortex-m4", 128, "-O2"), ("cortex-m4", 128, "-Os"), ("rv64gcv", 128, "-O2"),
           ("rv64gcv", 256, "-O2")]
GUARD = 64
FILL = 0xA5


@dataclasses.dataclass
class Case:
    kernel: str
    bufs: list       # np.ndarray per buffer; the output's entry is None
    out_index: int
    out_nbytes: int
    params: dict
    fparams: dict
    stream: tuple = None  # (delay, reverse) to run through tc_run_streamed
    what: str = ""
    bound: object = None  # a float32 output's error bound (tinycc.tolerance)
    skew: int = 0    # bytes past the 64-byte alignment of every activation buffer (unaligned operands)
    alias: int = None  # the input buffer the output is written over (in place), else its own
    # a streamed case's fused ADD: (other (int8, the output's size), add_s8's iparams from act_min on,
    # conv_first, other is the output buffer itself)
    epilogue: tuple = None


# ---- the cases ------------------------------------------------------------------------------------------

def _case(g, inputs, what, stream=None, tweak=None):
    """The single kernel call of a one-op graph as a Case (its inputs and constants as arrays)."""
    op = g.ops()[0]
    optable.get(op.kind).check_support(op, g)
    (call,) = optable.get(op.kind).lower(op, g)
    values = dict(zip(g.inputs, inputs))
    bufs, out_index, out_nbytes = [], None, 0
    for i, b in enumerate(call.bufs):
        if isinstance(b, str) and b in g.outputs:
            out_index, out_nbytes = i, g.tensor(b).nbytes
            bufs.append(None)
        elif isinstance(b, str) and b in values:
            bufs.append(np.ascontiguousarray(values[b], g.tensor(b).dtype))
        else:
            bufs.append(np.ascontiguousarray(g.tensor(b).data if isinstance(b, str) else b))
    if stream is not None and call.params.get("n", 1) != 1:
        stream = None  # rows are streamed for one image (the planner streams batch-1 ops only)
    bound = tolerance.bounds(g, list(inputs))[1][0] if g.tensor(g.outputs[0]).dtype == np.float32 else None
    case = Case(call.kernel, bufs, out_index, out_nbytes, dict(call.params), dict(call.fparams), stream, what, bound)
    if tweak is not None:
        tweak(case)
    return case


def _extreme_requant(rng, right_only=False):
    """Replace a case's per-channel multipliers, shifts and biases by random extremes; right_only:
    every shift negative (the form some targets requantize with a shorter sequence, e.g. the
    Cortex-M4's tc_dsp_scale), else left shifts and zero shifts among them."""
    def tweak(case):
        n = case.bufs[4].size
        case.bufs[4] = rng.choice([0, 1, 1 << 30, (1 << 31) - 1, 1518500250, 1073741825],
                                  n).astype(np.int32)
        case.bufs[5] = rng.choice([-31, -20, -9, -1] if right_only else [-31, -20, -9, -1, 0, 1, 5, 12],
                                  n).astype(np.int32)
        case.bufs[3] = rng.integers(-(1 << 31), 1 << 31, n, dtype=np.int64).astype(np.int32)
    return tweak


def conv_cases(depthwise, rng):
    out = []
    for i, (shape, oc, k, stride, dil, pad, act) in enumerate(CONV_CASES):
        for dm in ((1, 2, 3) if depthwise else (oc,)):
            g = conv_graph(rng, np.int8, depthwise, shape, dm, k, stride, dil, pad, act, bias=i % 3 != 1)
            out.append(_case(g, rand_input(g, rng), f"case {i} dm {dm}", stream=(i % 3, bool(i % 2))))
    extra = [((1, 1, 1, 33), 19, (1, 1), (1, 1), (1, 1), "VALID", "NONE"),
             ((1, 5, 5, 16), 16, (1, 1), (1, 1), (1, 1), "VALID", "RELU"),
             ((1, 6, 5, 64), 64, (1, 1), (1, 1), (1, 1), "SAME", "RELU6"),
             ((1, 7, 6, 65), 5, (1, 1), (2, 2), (1, 1), "SAME", "NONE"),
             ((1, 9, 7, 32), 31, (3, 3), (2, 2), (1, 1), "SAME", "RELU"),
             ((1, 49, 10, 1), 64, (10, 4), (2, 2), (1, 1), "SAME", "RELU"),
             ((1, 12, 12, 3), 8, (3, 3), (2, 2), (1, 1), "SAME", "RELU6"),
             ((1, 4, 4, 129), 3, (3, 3), (1, 1), (2, 2), "SAME", "NONE")]
    for i, (shape, oc, k, stride, dil, pad, act) in enumerate(extra):
        for dm in ((1, 2) if depthwise else (oc,)):
            if depthwise and dm * shape[3] > 200:
                continue
            g = conv_graph(rng, np.int8, depthwise, shape, dm, k, stride, dil, pad, act)
            out.append(_case(g, rand_input(g, rng), f"extra {i} dm {dm}", stream=(i % 2, bool(i % 3 == 1))))
    ran = 0
    while ran < 30:
        g = tck.random_conv(rng, np.int8, depthwise)
        if g is None:
            continue
        tweak = _extreme_requant(rng, right_only=ran % 3 == 1) if ran % 3 < 2 else None
        out.append(_case(g, rand_input(g, rng), f"random {ran}", stream=(ran % 3, bool(ran % 2)) if ran % 2 else None,
                         tweak=tweak))
        ran += 1
    return out


def fc_cases(rng):
    out = []
    shapes = [((1, 1), 1), ((1, 17), 3), ((3, 37), 10), ((2, 640), 128), ((1, 1000), 1), ((1, 64), 12),
              ((1, 250), 33), ((4, 16), 16), ((1, 15), 4), ((2, 33), 5),
              # deep rows with few outputs: the Cortex-M4 widens them in chunks of 512 (micro_speech's 4000 x 4;
              # a tail of 6 values, an odd channel count)
              ((1, 4000), 4), ((3, 1030), 5), ((1, 513), 2), ((2, 2047), 7)]
    shapes += [((int(rng.integers(1, 4)), int(rng.integers(1, 300))), int(rng.integers(1, 40))) for _ in range(20)]
    for i, (in_shape, units) in enumerate(shapes):
        g = fc_graph(rng, np.int8, in_shape, units, ["NONE", "RELU", "RELU6"][i % 3], bias=i % 4 != 2)
        out.append(_case(g, rand_input(g, rng), f"fc {in_shape} {units}", tweak=_extreme_requant(rng, i % 4 == 1)
                         if i % 4 in (1, 3) else None))
    return out


def pool_cases(kind, rng):
    out = []
    cases = list(POOL_CASES) + [((1, 1, 1, 37), (1, 1), (1, 1), "SAME", "RELU"),
                                ((1, 7, 7, 3), (7, 7), (2, 2), "SAME", "NONE"),
                                ((1, 12, 12, 33), (3, 3), (2, 2), "SAME", "RELU6")]
    while len(out) < len(cases) + 15:
        if len(out) < len(cases):
            shape, k, stride, pad, act = cases[len(out)]
        else:
            shape = (1, int(rng.integers(1, 12)), int(rng.integers(1, 12)), int(rng.choice([1, 3, 5, 8, 17, 33, 64])))
            k = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
            stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
            pad = ["SAME", "VALID"][rng.integers(2)]
            act = ["NONE", "RELU", "RELU6"][rng.integers(3)]
        try:
            g = tck.pool_graph(np.int8, kind, shape, k, stride, pad, act, int(rng.integers(-128, 128)))
        except (UnsupportedError, ValueError):
            continue
        i = len(out)
        out.append(_case(g, rand_input(g, rng), f"{kind} {shape} {k} {stride} {pad}", stream=(i % 2, bool(i % 3 == 0))))
    return out


def _extreme_input(value):
    """Replace a case's input by one value everywhere (int8 extremes: the int16 partial sums of a large
    average pooling window at their limits)."""
    def tweak(case):
        case.bufs[0] = np.full_like(case.bufs[0], value)
    return tweak


def dsp_pool_cases(kind, rng):
    """The Cortex-M4 pooling kernels' paths: channel counts 1 to 9, multiples of 4 and 4k + 1..3 (the
    last group of 4 overlapping the one before, fewer than 4 one at a time), windows of more than 256
    taps and rows wider than 256 (the average's int16 runs), extreme inputs, every activation, zero
    points at the extremes, unaligned buffers, row-streamed forward and reverse."""
    out = []
    shapes = [((1, 5, 6, c), (3, 3), (2, 2), "SAME") for c in range(1, 10)]
    shapes += [((1, 4, 5, c), (2, 2), (1, 2), "VALID") for c in (12, 13, 14, 15, 16, 31)]
    shapes += [((1, 20, 20, 5), (20, 20), (1, 1), "VALID"), ((1, 2, 300, 6), (2, 300), (1, 1), "VALID"),
               ((1, 17, 17, 8), (17, 16), (1, 1), "VALID"), ((1, 3, 3, 256), (3, 3), (1, 1), "VALID"),
               ((2, 7, 7, 7), (4, 4), (3, 3), "SAME")]
    acts = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]
    for i, (shape, k, stride, pad) in enumerate(shapes):
        zp = [-128, 127, 0, int(rng.integers(-128, 128))][i % 4]
        g = tck.pool_graph(np.int8, kind, shape, k, stride, pad, acts[i % 4], zp)
        tweak = _extreme_input([-128, 127][i % 2]) if k[0] * k[1] > 256 and i % 3 else None
        out.append(_case(g, rand_input(g, rng), f"dsp {kind} {shape} {k} {stride} {pad}",
                         stream=(i % 3, bool(i % 2)) if i % 4 else None, tweak=tweak))
        out[-1].skew = i % 4
    return out


def _add_q(rng, mode):
    """Replace an ADD case's rescaling by random extremes (mode 0: TFLite's form, left shift 20 and one
    input's multiplier 0.5, the other's, the output's and the shifts anywhere near the Cortex-M4 fast
    form's limits; 1: anything the kernel table allows), and its linear form by theirs (or none)."""
    def tweak(case):
        p = case.params
        mults = [0, 1, 1 << 30, (1 << 31) - 1, 1518500250, 1073741825, int(rng.integers(0, 1 << 31))]
        for m, sh in (("m1", "s1"), ("m2", "s2"), ("mo", "so")):
            p[m] = int(rng.choice(mults))
            p[sh] = int(rng.integers(-31, 32)) if mode else int(rng.choice([0, -1, -2, -5, -21, -22, -23, -31, 1]))
        p["left_shift"] = int(rng.integers(0, 32)) if mode else 20
        if not mode:
            half = ["m1", "m2", None][int(rng.integers(3))]  # None: both inputs' multipliers 0.5
            for m in ([half] if half else ["m1", "m2"]):
                p[m], p["s" + m[1]] = 1 << 30, 0
        p.update(elementwise.add_linear(p, p["act_min"], p["act_max"]))
    return tweak


def add_cases(rng):
    out = []
    cases = [(s, (0.05, 0.11, 0.13), (-7, 12, -3)) for s in ADD_CASES] + [
        (((1, 5, 5, 33), (1, 5, 5, 33)), (0.02, 0.5, 0.1), (127, -128, 0))]
    for _ in range(15):
        cases.append((tck.random_broadcast_shapes(rng), tuple(float(10 ** rng.uniform(-3, 1)) for _ in range(3)),
                      tuple(int(v) for v in rng.integers(-128, 128, 3))))
    for shapes, scales, zps in cases:
        try:
            g = tck.add_graph(np.int8, shapes, scales, zps, "RELU")
        except (UnsupportedError, ValueError):
            continue
        out.append(_case(g, rand_input(g, rng), f"add {shapes}"))
    # the Cortex-M4's add_s8: rows of every length around its words of 4, broadcast and not, unaligned,
    # in place, extreme rescaling (fast form and not), every activation
    acts = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]
    for i in range(24):
        n = [1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 1000][i % 12]
        shapes = [((1, n), (1, n)), ((3, n), (n,)), ((n, 1), (n, 3))][i % 3]
        scales = tuple(float(10 ** rng.uniform(-3, 0)) for _ in range(3))
        zps = tuple(int(v) for v in rng.choice([-128, 127, 0, int(rng.integers(-128, 128))], 3))
        g = tck.add_graph(np.int8, shapes, scales, zps, acts[i % 4])
        case = _case(g, rand_input(g, rng), f"dsp add {shapes} {i}", tweak=_add_q(rng, i % 4 == 3) if i % 2 else None)
        case.skew = i % 4
        case.alias = 0 if i % 3 == 0 and i % 2 == 0 else None
        out.append(case)
    # every pair of int8 inputs (a rounding tie in one input's rescaling rarely reaches the output)
    pairs = np.arange(-128, 128, dtype=np.int8)
    for i, scales in enumerate([(0.02, 0.05, 0.04), (0.05, 0.05, 0.1), (0.3, 0.01, 0.2), (0.1, 0.07, 0.9)]):
        g = tck.add_graph(np.int8, ((1, 65536), (1, 65536)), scales, (3, -128, -5), "NONE")
        out.append(_case(g, [np.tile(pairs, 256)[None], np.repeat(pairs, 256)[None]], f"dsp add pairs {scales}",
                         tweak=_add_q(rng, 0) if i == 3 else None))
    return out


ADD_S8_Q = kt.row_iparams(kt.get("add_s8"))  # a fused ADD's parameters


def epilogue_cases(rng):
    """Row-streamed convolutions and pooling with the fused ADD of their output rows (tc_stream.h's
    epilogue: the Cortex-M4 runs add_s8's DSP row there), the streamed output first or second, the
    other operand in its own buffer or the output itself, TFLite's rescaling or random extremes."""
    out = []
    makers = [lambda: conv_graph(rng, np.int8, False, (1, 6, 5, 16), 17, (1, 1), (1, 1), (1, 1), "VALID", "NONE"),
              lambda: conv_graph(rng, np.int8, False, (1, 7, 6, 5), 8, (3, 3), (1, 1), (1, 1), "SAME", "RELU"),
              lambda: conv_graph(rng, np.int8, True, (1, 7, 9, 12), 1, (3, 3), (2, 2), (1, 1), "SAME", "RELU6"),
              lambda: tck.pool_graph(np.int8, "AVERAGE_POOL_2D", (1, 8, 8, 7), (2, 2), (2, 2), "VALID", "NONE", -3),
              lambda: tck.pool_graph(np.int8, "MAX_POOL_2D", (1, 9, 7, 13), (3, 3), (1, 1), "SAME", "RELU", 5)]
    for i in range(10):
        g = makers[i % 5]()
        case = _case(g, rand_input(g, rng), f"epilogue {i}", stream=(i % 3, bool(i % 2)))
        shape = g.tensor(g.outputs[0]).shape
        scales = tuple(float(10 ** rng.uniform(-2, 0)) for _ in range(3))
        add = tck.add_graph(np.int8, (shape, shape), scales, tuple(int(v) for v in rng.integers(-128, 128, 3)),
                            ["NONE", "RELU"][i % 2])
        (call,) = optable.get("ADD").lower(add.ops()[0], add)
        if i % 4 == 3:
            _add_q(rng, i % 8 == 7)(call)
        other = rng.integers(-128, 128, case.out_nbytes).astype(np.int8)
        case.epilogue = (other, [int(call.params[k]) for k in ADD_S8_Q], bool(i % 2), i % 3 == 1)
        case.skew = i % 4
        out.append(case)
    return out


def other_cases(rng):
    out = []
    for shape in ((1, 1), (3, 37), (1, 10)):
        g = tck.Graph("t")
        tck.act_tensor(g, "x", shape, np.int8, 0.1, 5)
        tck.act_tensor(g, "y", shape, np.int8, 1 / 256, -128)
        g.inputs = ["x"]
        tck.finish(g, "SOFTMAX", ["x"], "y", tck.SoftmaxOptions(1.0))
        out.append(_case(g, rand_input(g, rng), f"softmax {shape}"))
    for src, dst in ((np.float32, np.int8), (np.int8, np.int8), (np.int8, np.float32)):
        for shape in ((1,), (3, 17), (2, 5, 7, 3)):
            g = tck.quantize_graph(src, dst, shape, 0.02, -3, 0.05, 7)
            out.append(_case(g, rand_input(g, rng), f"{g.ops()[0].kind} {shape}"))
    for n in (1, 3, 64, 100):
        out.append(Case("copy", [rng.integers(-128, 128, n).astype(np.int8), None], 1, n, {"nbytes": n}, {}, None,
                        f"copy {n}"))
    return out


def _extreme_requant_s16(rng, right_only=False):
    """conv_s16's extremes: per-channel multipliers (0x7FFF0000 and up: the reduced multiplier's
    saturation; negative ones), shifts (right_only: all negative, the Cortex-M4's SMLAL form; else left
    shifts too), int64 biases to the ends of the range, random activation bounds."""
    def tweak(case):
        n = case.bufs[4].size
        case.bufs[4] = rng.choice([0, 1, 1 << 30, (1 << 31) - 1, 0x7FFF0000, 0x7FFEFFFF, 0x7FFF7FFF, 1518500250,
                                   -(1 << 30), -(1 << 31)], n).astype(np.int32)
        case.bufs[5] = rng.choice([-31, -20, -17, -16, -9, -1] if right_only else [-31, -17, -15, -1, 0, 1, 14, 31],
                                  n).astype(np.int32)
        ends = np.array([-(1 << 63), (1 << 63) - 1, 0, 1 << 40, -(1 << 40)], np.int64)
        case.bufs[3] = np.where(rng.random(n) < 0.5, rng.choice(ends, n),
                                rng.integers(-(1 << 62), 1 << 62, n, dtype=np.int64))
        if rng.random() < 0.5:
            lo, hi = sorted(int(v) for v in rng.integers(-32768, 32768, 2))
            case.params.update(act_min=lo, act_max=hi)
    return tweak


def _pad(pt, pl):
    """Explicit padding: the kernel call's top and left padding replaced (the output size kept)."""
    def tweak(case):
        case.params.update(pt=pt, pl=pl)
    return tweak


def _saturate(case):
    """Every product x * w at its largest, (-32768) * (-128) = 2^22: sums that overflow int32 after 512
    of them; scaled by 2^-20 (multiplier 2^30, shift -19), so that a sum wrong by 2^32 shows."""
    case.bufs[0] = np.full_like(case.bufs[0], -32768)
    case.bufs[2] = np.full_like(case.bufs[2], -128)
    case.bufs[4] = np.full_like(case.bufs[4], 1 << 30)
    case.bufs[5] = np.full_like(case.bufs[5], -19)
    case.params.update(act_min=-32768, act_max=32767)


def s16_cases(rng):
    """16x8 convolutions, depthwise and fully connected layers (conv_s16): channel counts around the
    vector lengths (tails), int64 and int32 biases. Then the Cortex-M4 kernel's paths: 1x1 layers run
    directly from the input pixel or not (padding), odd pixel counts (a pixel left over), sums of more
    than 504 products (its int32 chunks), depthwise channels in groups of 4 and tails, dilation,
    unaligned buffers, extreme requantization and random layers."""
    out = []
    shapes = [((1, 1, 1, 1), 1, (1, 1)), ((1, 5, 5, 7), 3, (3, 3)), ((1, 4, 6, 8), 9, (1, 1)),
              ((1, 6, 5, 17), 4, (3, 2)), ((2, 3, 3, 33), 5, (2, 2)), ((1, 3, 4, 64), 8, (1, 3)),
              ((1, 2, 2, 129), 2, (2, 2)), ((1, 17, 17, 3), 2, (17, 17))]  # the last: > 256 taps
    for i, (shape, oc, k) in enumerate(shapes):
        for depthwise in (False, True):
            dm = 1 if i % 2 == 0 or k[0] * k[1] > 256 else 2  # depth multiplier 1: blocks of channels
            g = conv_graph(rng, np.int16, depthwise, shape, dm if depthwise else oc, k, (1 + i % 2, 1), (1, 1),
                           ["SAME", "VALID"][i % 2], ["NONE", "RELU", "RELU6"][i % 3], bias=i % 3 != 1)
            out.append(_case(g, rand_input(g, rng), f"s16 {'dw' if depthwise else 'conv'} {shape} {k}"))
    for i, (in_shape, units) in enumerate([((1, 1), 1), ((1, 15), 4), ((3, 37), 10), ((2, 640), 16),
                                           ((1, 1000), 3), ((1, 8), 8), ((4, 17), 33)]):
        g = fc_graph(rng, np.int16, in_shape, units, ["NONE", "RELU", "RELU6"][i % 3], bias=i % 4 != 2)
        out.append(_case(g, rand_input(g, rng), f"s16 fc {in_shape} {units}"))
    # depthwise, shape, oc (conv) / dm (depthwise), kernel, stride, dilation, padding, activation, tweak,
    # skew
    layers = [(False, (1, 3, 5, 7), 5, (1, 1), (1, 1), (1, 1), "VALID", "RELU", None, 0),
              (False, (1, 5, 4, 9), 3, (1, 1), (2, 2), (1, 1), "SAME", "NONE", None, 2),
              (False, (1, 5, 5, 6), 4, (1, 1), (1, 1), (1, 1), "VALID", "RELU6", _pad(1, 2), 0),
              (False, (1, 3, 12, 64), 7, (3, 4), (1, 2), (1, 1), "VALID", "NONE", None, 2),
              (False, (1, 4, 9, 65), 6, (3, 3), (1, 1), (2, 1), "SAME", "RELU", None, 0),
              (False, (1, 8, 19, 2), 9, (7, 7), (1, 1), (1, 1), "SAME", "NONE", _pad(5, 6), 2),
              (False, (3, 1, 1, 510), 3, (1, 1), (1, 1), (1, 1), "VALID", "NONE", None, 2),
              (True, (1, 5, 5, 64), 1, (3, 3), (1, 1), (1, 1), "SAME", "RELU", None, 0),
              (True, (1, 6, 7, 66), 1, (3, 3), (2, 2), (1, 1), "SAME", "NONE", None, 2),
              (True, (1, 7, 6, 13), 1, (3, 3), (1, 1), (2, 2), "SAME", "RELU6", None, 2),
              (True, (2, 4, 5, 8), 1, (2, 3), (1, 2), (1, 1), "VALID", "NONE", _pad(1, 2), 0),
              (True, (1, 5, 6, 5), 3, (3, 3), (1, 1), (1, 1), "SAME", "RELU", None, 2),
              (True, (1, 3, 40, 4), 1, (1, 17), (1, 1), (1, 3), "SAME", "NONE", None, 0)]
    for i, (depthwise, shape, oc, k, stride, dil, pad, act, tweak, mis) in enumerate(layers):
        g = conv_graph(rng, np.int16, depthwise, shape, oc, k, stride, dil, pad, act, bias=i % 3 != 2)
        what = f"s16 {'dw' if depthwise else 'conv'} {shape} {oc} {k} {stride} {dil} {pad}"
        out.append(dataclasses.replace(_case(g, rand_input(g, rng), what, tweak=tweak), skew=mis))
    for i, (in_shape, units) in enumerate([((1, 600), 5), ((5, 33), 7), ((2, 9), 1)]):
        g = fc_graph(rng, np.int16, in_shape, units, "RELU", bias=i != 1)
        out.append(dataclasses.replace(_case(g, rand_input(g, rng), f"s16 fc {in_shape} {units}"), skew=2 * i))
    for i, (depthwise, shape, k) in enumerate([(False, (1, 2, 2, 300), (2, 2)), (True, (1, 1, 700, 5), (1, 600)),
                                               (False, (2, 1, 1, 1100), (1, 1))]):
        g = conv_graph(rng, np.int16, depthwise, shape, 1 if depthwise else 3, k, (1, 1), (1, 1), "VALID", "NONE")
        out.append(_case(g, rand_input(g, rng), f"s16 saturated {'dw' if depthwise else 'conv'} {shape} {k}",
                         tweak=_saturate))
    ran = 0
    while ran < 40:
        g = tck.random_conv(rng, np.int16, ran % 2 == 1)
        if g is None:
            continue
        tweak = _extreme_requant_s16(rng, right_only=ran % 4 < 2) if ran % 3 < 2 else None
        case = _case(g, rand_input(g, rng), f"s16 random {ran}", tweak=tweak)
        out.append(dataclasses.replace(case, skew=2 * (ran % 2)))
        ran += 1
    for i, (in_shape, units) in enumerate([((1, 300), 6), ((3, 700), 5), ((2, 64), 9), ((1, 40), 3)]):
        g = fc_graph(rng, np.int16, in_shape, units, "NONE", bias=i != 2)
        out.append(_case(g, rand_input(g, rng), f"s16 fc extreme {in_shape} {units}",
                         tweak=_extreme_requant_s16(rng, right_only=i % 2 == 0)))
    return out


def float_cases(rng):
    out = []
    for depthwise in (False, True):
        for i, (shape, oc, k, stride, dil, pad, act) in enumerate(CONV_CASES[:5]):
            g = conv_graph(rng, np.float32, depthwise, shape, 2 if depthwise else oc, k, stride, dil, pad, act)
            out.append(_case(g, rand_input(g, rng), f"f32 conv {i}", stream=(i % 2, False)))
    g = fc_graph(rng, np.float32, (2, 37), 10, "RELU")
    out.append(_case(g, rand_input(g, rng), "f32 fc"))
    for kind in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        g = tck.pool_graph(np.float32, kind, (1, 7, 9, 17), (3, 3), (2, 2), "SAME", "NONE")
        out.append(_case(g, rand_input(g, rng), f"f32 {kind}", stream=(1, True)))
    g = tck.add_graph(np.float32, ((2, 1, 3, 5), (1, 4, 1, 5)), (1, 1, 1), (0, 0, 0), "RELU6")
    out.append(_case(g, rand_input(g, rng), "f32 add"))
    return out


def all_cases():
    rng = np.random.default_rng(2026)
    return (conv_cases(False, rng) + conv_cases(True, rng) + fc_cases(rng) + pool_cases("AVERAGE_POOL_2D", rng)
            + pool_cases("MAX_POOL_2D", rng) + dsp_pool_cases("AVERAGE_POOL_2D", rng)
            + dsp_pool_cases("MAX_POOL_2D", rng) + add_cases(rng) + epilogue_cases(rng) + other_cases(rng)
            + float_cases(rng) + s16_cases(rng))


# ---- the reference: the host executor on the same call ---------------------------------------------------

def _layout(case, target):
    """Arena offsets of the case's activation buffers, output and scratch, each followed by guard
    bytes; returns (offsets per buffer (None for constants), scratch offset, scratch bytes, size)."""
    k = kt.get(case.kernel)
    ip = [int(case.params[n]) for n in k.iparams]
    fp = [float(case.fparams[n]) for n in k.fparams]
    kscratch = target.kernel_scratch(case.kernel, ip, fp, case.params)
    scratch = kscratch
    if case.stream is not None:
        scratch = (kscratch + 63) // 64 * 64 + (case.stream[0] + 1) * _row_bytes(k, case.params)
    offs, size = [], 0
    for i, b in enumerate(case.bufs):
        if i == case.out_index and case.alias is not None:
            offs.append(None)  # placed below, over the input
        elif i == case.out_index or i < 2 or (case.kernel.startswith("add") and i < 3):
            n = case.out_nbytes if i == case.out_index else b.nbytes
            offs.append(size + case.skew)
            size += (n + case.skew + GUARD + 63) // 64 * 64
        else:
            offs.append(None)
    if case.alias is not None:
        offs[case.out_index] = offs[case.alias]
    if case.epilogue is not None:  # other's offset after the buffers' (zip(case.bufs, offs) leaves it out)
        if case.epilogue[3]:
            offs.append(offs[case.out_index])
        else:
            offs.append(size + case.skew)
            size += (case.out_nbytes + case.skew + GUARD + 63) // 64 * 64
    return offs, size, scratch, kscratch, ip, fp


def _row_bytes(k, p):
    return p["ow"] * p[k.stream.ch] * k.stream.esize


def _host_run(kernel, inputs, out_nbytes, ip, fp, out_index):
    size, steps, consts, init = tck.kernel_plan(kernel, inputs, out_nbytes, ip, fp, out_index)
    ex = _host.Executor(size, steps, consts)
    ex.arena[:] = init
    ex.run()
    space, off, n = steps[0][1][out_index]
    return ex.arena[off:off + n].copy()


def reference(case):
    """The output bytes of the host executor's kernel on the case (generic ABI, unprepared), then its
    fused ADD (the host's add_s8 on the whole output)."""
    k = kt.get(case.kernel)
    out = _host_run(case.kernel, [b for i, b in enumerate(case.bufs) if i != case.out_index], case.out_nbytes,
                    [case.params[n] for n in k.iparams], [case.fparams[n] for n in k.fparams], case.out_index)
    if case.epilogue is None:
        return out
    other, eip, conv_first, _ = case.epilogue
    n = case.out_nbytes
    geometry = [1] * 5 + [n] + [0] * 5 + [1] + [0] * 5 + [1]
    pair = [out.view(np.int8), other] if conv_first else [other, out.view(np.int8)]
    return _host_run("add_s8", pair, n, geometry + list(eip), [], 2)


# ---- the program under test --------------------------------------------------------------------------------

def _c_array(ctype, name, a):
    fmt = CProgram._float if a.dtype == np.float32 else CProgram._int64 if a.dtype == np.int64 else str
    return CProgram._array(ctype, name, a.ravel().tolist(), fmt)


_CTYPE = {np.dtype(np.int8): "int8_t", np.dtype(np.int16): "int16_t", np.dtype(np.int32): "int32_t",
          np.dtype(np.int64): "int64_t", np.dtype(np.float32): "float"}


def program(cases, target):
    """{file: text} of a program running every case; returns (files, per-case (offset, size) in the output)."""
    consts, body, spans, kernels, pos, arena = [], [], [], set(), 0, 64
    for k, case in enumerate(cases):
        prepared = target.prepare_call(optable.KernelCall(case.kernel, list(case.bufs), case.params, case.fparams))
        offs, size, scratch, kscratch, ip, fp = _layout(case, target)
        sc_off = size
        size += (scratch + GUARD + 63) // 64 * 64
        arena = max(arena, size)
        kernels.add(case.kernel)
        lines = [f"  /* case {k}: {case.kernel} {case.what} */", "  {",
                 f"    memset(A, {FILL}, {size});"]
        operands = []
        for i, (b, off) in enumerate(zip(prepared.bufs, offs)):
            if off is None and i != case.out_index:
                name = f"c{k}_{i}"
                consts.append(_c_array(_CTYPE[np.asarray(b).dtype], name, np.asarray(b)))
                operands.append(f"(void *){name}")
            else:
                if i != case.out_index:
                    name = f"c{k}_{i}"
                    consts.append(_c_array(_CTYPE[b.dtype], name, b))
                    lines.append(f"    memcpy(A + {off}, {name}, {b.nbytes});")
                operands.append(f"A + {off}")
        lines.append(f"    static const int32_t ip[{max(len(ip), 1)}] = {{{', '.join(map(str, ip)) or '0'}}};")
        if fp:
            lines.append(f"    static const float fp[{len(fp)}] = {{{', '.join(CProgram._float(v) for v in fp)}}};")
        lines.append(f"    void *const b[{len(operands)}] = {{{', '.join(operands)}}};")
        epi = "0, 0, {NULL, -1}, NULL"
        if case.epilogue is not None:
            other, eip, conv_first, _ = case.epilogue
            consts.append(_c_array("int8_t", f"c{k}_other", other))
            lines.append(f"    memcpy(A + {offs[-1]}, c{k}_other, {other.nbytes});")
            lines.append(f"    static const int32_t eip[{len(eip)}] = {{{', '.join(map(str, eip))}}};")
            epi = f"1, {int(conv_first)}, {{NULL, {offs[-1]}}}, eip"
        fpn = "fp" if fp else "NULL"
        sc = f"A + {sc_off}" if scratch else "NULL"
        if case.stream is None:
            lines.append(f"    tc_{case.kernel}(b, ip, {fpn}, {sc});")
        else:
            k, n = kt.get(case.kernel), case.kernel.upper()
            delay, reverse = case.stream
            lines.append(f"    const tc_stream st = {{{delay}, {int(reverse)}, TCN_{n}_IPARAMS, TCN_{n}_BUFS, "
                         f"TCP_{n}_OH, TCP_{n}_PT, TCP_{n}_SH, {_row_bytes(k, case.params)}, {kscratch}, {epi}, "
                         f"NULL}};")
            lines.append(f"    tc_run_streamed(tc_{case.kernel}, b, ip, {fpn}, {sc}, &st, A);")
        lines += [f"    memcpy(O + {pos}, A, {size});", "  }"]
        body += lines
        spans.append((pos, size, offs, sc_off, scratch))
        pos += size
    files = {"model.h": "\n".join([
        "#ifndef TINYCC_MODEL_H", "#define TINYCC_MODEL_H", "#include <stdint.h>",
        f"#define TINYCC_ARENA_SIZE {arena}", "#define TINYCC_ARENA_ALIGN 16", "#define TINYCC_INPUT_BYTES 1",
        f"#define TINYCC_OUTPUT_BYTES {pos}",
        "void tinycc_reset(uint8_t *arena);",
        "void tinycc_invoke(const void *input, void *output, uint8_t *arena);", "#endif", ""])}
    files["model.c"] = "\n".join(
        ["#include <string.h>", '#include "model.h"', '#include "tinycc_kernels.h"'] + consts
        + ["void tinycc_invoke(const void *input, void *output, uint8_t *arena)", "{",
           "  uint8_t *const A = arena;", "  uint8_t *const O = (uint8_t *)output;", "  (void)input;"]
        + body + ["}", "", "void tinycc_reset(uint8_t *arena) { (void)arena; }", ""])
    sources = {}
    for kernel in sorted(kernels) + ["run_streamed"]:
        f = _kernel_files(TARGETS_DIR / (target.kernel_source(kernel) if kernel != "run_streamed" else GENERIC))[kernel]
        sources[f.name] = f
    dirs = [GENERIC] + sorted(({target.kernel_source(k) for k in kernels} | set(target.kernels.values())) - {GENERIC})
    files.update(library_sources(target.name, dirs, sources))
    return files, spans


def run_program(cases, target_name, vlen):
    target = C_TARGETS[target_name]
    files, spans = program(cases, target)
    work = tempfile.mkdtemp(prefix="tinycc_kt_")
    for name, text in files.items():
        pathlib.Path(work, name).write_text(text)
    runner = RUNNERS[target_name](vlen)
    exe = runner.build(work, sorted(f for f in files if f.endswith(".c")))
    pathlib.Path(work, "input.bin").write_bytes(b"\0")
    runner.run(exe, work)
    out = np.fromfile(os.path.join(work, "output.bin"), np.uint8)
    return [out[p:p + n] for p, n, *_ in spans], spans, files


@pytest.fixture(scope="module")
def cases():
    return all_cases()


def arena_failures(cases, arenas, spans, wants) -> list:
    """What differs in each case's arena dump from the expected: the output bytes (``wants``), every
    other byte (inputs, guards) unchanged; the scratch not compared."""
    failures = []
    for k, (case, arena, want, (pos, size, offs, sc_off, scratch)) in enumerate(zip(cases, arenas, wants, spans)):
        expect = np.full(size, FILL, np.uint8)
        for i, (b, off) in enumerate(zip(case.bufs, offs)):
            if off is not None and i != case.out_index:
                expect[off:off + b.nbytes] = np.ascontiguousarray(b).reshape(-1).view(np.uint8)
        if case.epilogue is not None:
            expect[offs[-1]:offs[-1] + case.out_nbytes] = case.epilogue[0].view(np.uint8)
        out_off = offs[case.out_index]
        expect[out_off:out_off + case.out_nbytes] = want
        mask = np.ones(size, bool)
        mask[sc_off:sc_off + scratch] = False  # the scratch's contents are the kernel's business
        got = arena.copy()
        if case.kernel.endswith("f32") or case.kernel == "dequantize_s8_f32":
            g = got[out_off:out_off + case.out_nbytes].view(np.float32)
            w = want.view(np.float32)
            mm = tolerance.compare(g, w, case.bound if case.bound is not None else 0.0)
            if mm is not None:
                failures.append(f"case {k} {case.kernel} {case.what}: float output: {mm}")
            mask[out_off:out_off + case.out_nbytes] = False
        bad = np.flatnonzero((got != expect) & mask)
        if bad.size:
            where = "output" if out_off <= bad[0] < out_off + case.out_nbytes else "outside the output"
            failures.append(f"case {k} {case.kernel} {case.what} (stream {case.stream}): {bad.size} bytes differ, "
                            f"first at {bad[0]} ({where}): got {got[bad[0]]}, want {expect[bad[0]]}")
    return failures


@pytest.mark.parametrize("target,vlen,opt", CONFIGS, ids=[f"{t}-vlen{v}{o}" for t, v, o in CONFIGS])
def test_every_kernel_on_target(cases, target, vlen, opt, monkeypatch):
    monkeypatch.setenv("TINYCC_OPT", opt)
    arenas, spans, files = run_program(cases, target, vlen)
    kernels = {c.kernel for c in cases}
    assert {"conv2d_s8", "dwconv2d_s8", "fc_s8", "avgpool_s8", "maxpool_s8", "add_s8", "softmax_s8"} <= kernels
    failures = arena_failures(cases, arenas, spans, [reference(c) for c in cases])
    assert not failures, f"{target} vlen {vlen}: {len(failures)} of {len(cases)} cases fail:\n" + "\n".join(failures[:20])


# ---- the Cortex-M4 depthwise kernel against the reference interpreter -------------------------------------

def random_dw_graph(rng):
    """A random DEPTHWISE_CONV_2D int8 graph (None when its parameters are invalid): SAME, VALID or
    explicit padding, strides and dilations 1..3, dm 1..3, channel counts around multiples of 4,
    zero points often at the int8 extremes, per-channel multipliers from 2^-21 to 4 (TFLite shifts
    -20..+3)."""
    n = 1 if rng.random() < 0.8 else 2
    c = int(rng.choice([1, 2, 3, 4, 5, 7, 8, 12, 16, 17, 24, 33]))
    dm = int(rng.choice([1, 1, 1, 2, 3]))
    h, w = int(rng.integers(1, 12)), int(rng.integers(1, 12))
    k = (3, 3) if rng.random() < 0.5 else (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
    stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4))) if rng.random() < 0.5 else (1, 1)
    dil = (int(rng.integers(1, 4)), int(rng.integers(1, 4))) if rng.random() < 0.3 else (1, 1)
    pad = str(rng.choice(["SAME", "VALID", "EXPLICIT"]))
    pads = tuple(int(v) for v in rng.integers(0, 4, 4)) if pad == "EXPLICIT" else ()
    act = str(rng.choice(["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]))
    zps = [-128, 127, 0, int(rng.integers(-128, 128))]
    in_zp, out_zp = int(rng.choice(zps)), int(rng.choice(zps))
    oc = c * dm
    g = tck.Graph("t")
    in_scale, out_scale = 0.05, float(rng.choice([0.02, 0.08, 0.5]))
    act_tensor(g, "x", (n, h, w, c), np.int8, in_scale, in_zp)
    # effective multiplier in_scale * w_scale / out_scale = 2^e, e in [-21, 2], per channel
    e = rng.uniform(-21, 2, oc) if rng.random() < 0.5 else rng.uniform(-12, -6, oc)
    wq = q(out_scale * 2.0 ** e / in_scale, 0, 3)
    const(g, "w", rng.integers(-127, 128, (1, k[0], k[1], oc)).astype(np.int8), wq)
    bias = rng.random() < 0.8
    if bias:
        const(g, "b", rng.integers(-50000, 50000, oc).astype(np.int32), q(in_scale * wq.scale.astype(np.float64), 0))
    act_tensor(g, "y", (1, 1, 1, 1), np.int8, out_scale, out_zp)
    g.inputs = ["x"]
    opts = ConvOptions(pad, stride[0], stride[1], dil[0], dil[1], act, dm, pads)
    try:
        finish(g, "DEPTHWISE_CONV_2D", ["x", "w", "b" if bias else None], "y", opts)
        optable.get("DEPTHWISE_CONV_2D").check_support(g.ops()[0], g)
        if min(g.tensor("y").shape) < 1:
            return None
    except (UnsupportedError, ValueError):
        return None
    return g


@pytest.mark.parametrize("opt", ["-O2", "-Os"])
def test_cortex_m4_dwconv_against_reference(opt, monkeypatch):
    """Many random depthwise layers in one QEMU run on the Cortex-M4 (its DSP kernel), plain and
    streamed row by row, built at -O2 and at -Os; outputs equal the reference interpreter's, nothing
    else in the arena changes."""
    monkeypatch.setenv("TINYCC_OPT", opt)
    target = C_TARGETS["cortex-m4"]
    assert target.kernel_source("dwconv2d_s8") == "cortex-m4"
    rng = np.random.default_rng(404)
    cases, wants = [], []
    while len(cases) < 120:
        g = random_dw_graph(rng)
        if g is None:
            continue
        i = len(cases)
        x = rand_input(g, rng)
        o = g.ops()[0].options
        what = (f"{g.tensor('x').shape} k {g.tensor('w').shape[1:3]} s {o.stride_h},{o.stride_w} d {o.dilation_h},"
                f"{o.dilation_w} {o.padding}{o.pads} dm {o.depth_multiplier} {o.activation}")
        cases.append(_case(g, x, what, stream=(i % 3, bool(i % 2)) if i % 3 else None))
        wants.append(np.ascontiguousarray(interpreter.run(g, x)[0]).reshape(-1).view(np.uint8))
    arenas, spans, _ = run_program(cases, "cortex-m4", 128)
    failures = arena_failures(cases, arenas, spans, wants)
    assert not failures, f"{len(failures)} of {len(cases)} cases fail:\n" + "\n".join(failures[:20])
