"""C backends: the planned graph as a self-contained C library for a microcontroller.

The output directory holds ``model.h`` (the invoke function, arena size and alignment,
input/output shapes and quantization), ``model.c`` (constant weights in flash, one kernel
call per step at fixed arena offsets), the kernel sources the model needs, and
``tinycc.mk`` and ``CMakeLists.txt`` (the source list and flags for a firmware build: a Make
fragment, a CMake static library). No malloc, no stdio.

A library written with a name (``write(dir, name="kws")``) prefixes everything it exports:
``kws_invoke``, ``KWS_ARENA_SIZE``, the Make variables, the CMake target; the kernel files
(``tc_*``) stay as they are, the same for every model of a target, so several models link into one
program with each kernel defined once.

A target is a small subclass: which directory each kernel comes from (a table; a kernel
missing from the table is a hard error, and using the portable kernel on a vector target
is allowed only where the table says so) and the compiler flags.
"""
from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import os
import pathlib
import re

import numpy as np

from . import kernels as kt
from . import ops as optable
from . import streaming
from .backend_host import lower
from .backend_host import kernel_scratch as host_kernel_scratch
from .errors import PlanError, UnsupportedError

def _targets_dir() -> pathlib.Path:
    """targets/: installed with the package (tinycc/targets), or the source tree's (editable)."""
    here = pathlib.Path(__file__).resolve().parent
    for d in (here / "targets", here.parent / "targets"):
        if (d / "generic" / "tinycc_kernels.h").is_file():
            return d
    raise PlanError("the C kernels (targets/) are missing from this installation")


TARGETS_DIR = _targets_dir()
_CTYPES = {np.dtype(np.int8): "int8_t", np.dtype(np.int32): "int32_t", np.dtype(np.float32): "float",
           np.dtype(np.uint8): "uint8_t", np.dtype(np.int16): "int16_t", np.dtype(np.uint16): "uint16_t",
           np.dtype(np.int64): "int64_t", np.dtype(np.uint32): "uint32_t", np.dtype(np.uint64): "uint64_t"}
GENERIC = "generic"
DEFAULT_NAME = "tinycc"  # the prefix of a library written without a name: tinycc_invoke, TINYCC_ARENA_SIZE
DEFAULT_CMAKE_TARGET = "tinycc_model"


def library_name(name) -> str:
    """The prefix of a library's exported symbols: ``name`` checked (a C identifier, starting with a
    letter, outside the kernels' tc* namespace), or the default."""
    if name is None:
        return DEFAULT_NAME
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or name.lower().startswith("tc"):
        raise UnsupportedError(f"library name {name!r}: give a C identifier starting with a letter (the prefix "
                               f"of kws_invoke, KWS_ARENA_SIZE...); names starting with 'tc' are the kernels'")
    return name


# ---- constant preparation: layout transforms a target's kernels want -------------------------

def _wrap32(a) -> np.ndarray:
    return ((np.asarray(a, np.int64) + 2 ** 31) % 2 ** 32 - 2 ** 31).astype(np.int32)


def fold_input_zero_point(call):
    """bias[o] - in_zp * sum(w[o]) (wrapped to int32) in place of the bias: the kernel then sums
    x * w directly and counts a padded tap as x = in_zp (so it adds in_zp * w for it)."""
    p = call.params
    oc = p["units"] if call.kernel.startswith("fc") else p["oc"]
    w = np.asarray(call.bufs[2], np.int64)
    wsum = w.reshape(-1, oc).sum(0) if call.kernel.startswith("dwconv") else w.reshape(oc, -1).sum(1)
    bias = _wrap32(np.asarray(call.bufs[3], np.int64).reshape(-1) - p["in_zp"] * wsum)
    return dataclasses.replace(call, bufs=call.bufs[:3] + [bias] + call.bufs[4:])


def _m55_requant_params(call, oc, n):
    """Cortex-M55: bias (zero point folded), mult, left shift (>= 0), right shift (<= 0) per
    channel, padded with zeros to n channels: a (4, n) int32 array."""
    call = fold_input_zero_point(call)
    shift = np.asarray(call.bufs[5], np.int64).reshape(-1)
    rows = [call.bufs[3], call.bufs[4], np.clip(shift, 0, 31), -np.clip(-shift, 0, 31)]
    out = np.zeros((4, n), np.int32)
    for i, r in enumerate(rows):
        out[i, :oc] = np.asarray(r, np.int64).reshape(-1)
    return out


def prepare_m55_gemm(call):
    """Cortex-M55 conv2d_s8 / fc_s8 (targets/cortex-m55/tc_mve.h, tc_mve_gemm_row): weights as
    [oc/4][K/16][4][16] (4 output channels per block, each 16-byte chunk of their rows together,
    K = kh*kw*c padded with zeros to a multiple of 16, oc padded to a multiple of 4 with zero
    rows); the bias buffer holds per block of 4 channels bias (zero point folded), mult, left
    shift, right shift (4 each); mult and shift buffers unused (one zero)."""
    oc = call.params["units"] if call.kernel.startswith("fc") else call.params["oc"]
    w = np.asarray(call.bufs[2], np.int8).reshape(oc, -1)
    oc4, nk = -(-oc // 4) * 4, -(-w.shape[1] // 16)
    packed = np.zeros((oc4, nk * 16), np.int8)
    packed[:oc, :w.shape[1]] = w
    packed = packed.reshape(oc4 // 4, 4, nk, 16).transpose(0, 2, 1, 3).reshape(-1)
    rq = _m55_requant_params(call, oc, oc4).reshape(4, oc4 // 4, 4).transpose(1, 0, 2).reshape(-1)
    unused = np.zeros(1, np.int32)
    return dataclasses.replace(call, bufs=call.bufs[:2] + [packed, rq, unused, unused])


def prepare_m55_dw(call):
    """Cortex-M55 dwconv2d_s8 (targets/cortex-m55/tc_dwconv2d_s8.c): weights [oc8/8][kh*kw][8]
    (oc padded to a multiple of 8 with zeros); the bias buffer holds per group of 8 channels bias
    (zero point folded), mult, left shift, right shift, each as even channels then odd ones
    (8 each); mult and shift buffers unused (one zero)."""
    oc = call.params["oc"]
    oc8 = -(-oc // 8) * 8
    w = np.asarray(call.bufs[2], np.int8).reshape(-1, oc)
    wp = np.zeros((w.shape[0], oc8), np.int8)
    wp[:, :oc] = w
    wp = wp.reshape(-1, oc8 // 8, 8).transpose(1, 0, 2).reshape(-1)
    rq = _m55_requant_params(call, oc, oc8).reshape(4, oc8 // 8, 8)[:, :, [0, 2, 4, 6, 1, 3, 5, 7]]
    rq = rq.transpose(1, 0, 2).reshape(-1)
    unused = np.zeros(1, np.int32)
    return dataclasses.replace(call, bufs=call.bufs[:2] + [wp, rq, unused, unused])


def scratch_m55_conv(p) -> int:
    """Cortex-M55 conv2d_s8: kh*kw*c bytes to gather a receptive field that is not one
    contiguous run of the input inside the image (none for 1x1 / full-width kernels that never
    leave the image)."""
    contiguous = (p["kw"] == 1 or p["dw"] == 1) and (p["kh"] == 1 or p["dh"] * p["w"] == p["kw"])
    inside = (p["pt"] <= 0 and p["pl"] <= 0 and (p["oh"] - 1) * p["sh"] - p["pt"] + (p["kh"] - 1) * p["dh"] < p["h"]
              and (p["ow"] - 1) * p["sw"] - p["pl"] + (p["kw"] - 1) * p["dw"] < p["w"])
    return 0 if contiguous and inside else p["kh"] * p["kw"] * p["c"]


def _rv64gcv_prepare(call, transpose: bool):
    """RV64GCV conv2d_s8 / dwconv2d_s8 / fc_s8 (targets/rv64gcv/tc_rvv.h): zero point folded into
    the bias; GEMM weights transposed to [kh][kw][c][oc] ([depth][units]); the shift buffer
    replaced by left[oc] | right[oc] | rpos[oc] (TFLite's shift split, rpos = -(right > 0))."""
    call = fold_input_zero_point(call)
    oc = call.params["units"] if call.kernel.startswith("fc") else call.params["oc"]
    w = np.asarray(call.bufs[2], np.int8)
    if transpose:
        w = np.ascontiguousarray(w.reshape(oc, -1).T)
    shift = np.asarray(call.bufs[5], np.int64).reshape(-1)
    left, right = np.clip(shift, 0, 31), np.clip(-shift, 0, 31)
    q = np.concatenate([left, right, -(right > 0).astype(np.int64)]).astype(np.int32)
    return dataclasses.replace(call, bufs=call.bufs[:2] + [w.reshape(-1), call.bufs[3], call.bufs[4], q])


def prepare_rv64gcv_gemm(call):
    return _rv64gcv_prepare(call, True)


def prepare_rv64gcv_dw(call):
    return _rv64gcv_prepare(call, False)


def scratch_rv64gcv_conv(p) -> int:
    """RV64GCV conv2d_s8 (targets/rv64gcv/tc_conv2d_s8.c) when a tap can leave the image: the
    output row's kh padded input rows (kh*Wp*c bytes) when at most 1024, else kw*c bytes of the
    input zero point."""
    inside = (p["pt"] <= 0 and p["pl"] <= 0 and (p["oh"] - 1) * p["sh"] - p["pt"] + (p["kh"] - 1) * p["dh"] < p["h"]
              and (p["ow"] - 1) * p["sw"] - p["pl"] + (p["kw"] - 1) * p["dw"] < p["w"])
    stage = p["kh"] * ((p["ow"] - 1) * p["sw"] + (p["kw"] - 1) * p["dw"] + 1) * p["c"]
    return 0 if inside else (stage if stage <= 1024 and p["pl"] >= 0 else p["kw"] * p["c"])


def _m4_requant(call, oc: int, padded: int):
    """The Cortex-M4 kernels' requantization (targets/cortex-m4/tc_dsp.h, tc_dsp_requant): the flags
    word (1: fast, no channel shifts left, every channel right by 1 to 23, no negative multiplier)
    and per channel (``padded`` >= oc of them, the extra ones zero) with right and left TFLite's shift
    split (0..31 each) mult, left, right, (1 << right) - 1, or when fast mult, right - 1 and the
    int64 2^30 + 2^(30 + right) + out_zp * 2^(31 + right) as two words (low, high). Returns (flags,
    int64 [padded, 4])."""
    shift = np.broadcast_to(np.asarray(call.bufs[5], np.int64).reshape(-1), (oc,))
    mult = np.broadcast_to(np.asarray(call.bufs[4], np.int64).reshape(-1), (oc,))
    left, right = np.clip(shift, 0, 31), np.clip(-shift, 0, 31)
    fast = bool(np.all(left == 0) and np.all((right >= 1) & (right <= 23)) and np.all(mult >= 0))
    rec = np.zeros((padded, 4), np.int64)
    if fast:
        zp = np.int64(call.params["out_zp"])
        c = (np.int64(1) << 30) + (np.int64(1) << (30 + right)) + zp * (np.int64(1) << (31 + right))
        rec[:oc] = np.stack([mult, right - 1, _wrap32(c & 0xFFFFFFFF), c >> 32], 1)
    else:
        rec[:oc] = np.stack([mult, left, right, (np.int64(1) << right) - 1], 1)
    return int(fast), rec


def prepare_m4_dw(call):
    """Cortex-M4/M7/M33 dwconv2d_s8 (targets/cortex-m4/tc_dwconv2d_s8.c): int32 weight words, for
    each group of 4 channels (dm == 1: oc // 4 groups) and each tap (w[c0] | w[c2] << 16),
    (w[c1] | w[c3] << 16) as int16 lanes, then each remaining channel's (every channel's when dm > 1)
    taps one word each; the bias buffer holds the flags word (_m4_requant), then per group of 4
    channels (the last padded with zeros) the 4 biases and the 4 channels' requantization records
    (20 words); the input zero point stays (the kernel subtracts it: a tap outside the image
    contributes nothing); mult and shift buffers unused (one zero)."""
    p = call.params
    oc, taps = p["oc"], p["kh"] * p["kw"]
    groups = oc // 4 if p["dm"] == 1 else 0
    w = np.asarray(call.bufs[2], np.int64).reshape(taps, oc)
    lanes = w[:, :groups * 4].reshape(taps, groups, 2, 2).transpose(1, 0, 3, 2) & 0xFFFF  # [g][tap][c0 c2 | c1 c3]
    words = _wrap32(lanes[..., 0] | lanes[..., 1] << 16).reshape(-1)
    tail = np.ascontiguousarray(w[:, groups * 4:].T).reshape(-1).astype(np.int32)
    ng = -(-oc // 4)
    flags, rec = _m4_requant(call, oc, ng * 4)
    bias = np.zeros((ng, 4), np.int64)
    bias.reshape(-1)[:oc] = np.asarray(call.bufs[3], np.int64).reshape(-1)
    rq = np.concatenate([[flags], np.concatenate([bias, rec.reshape(ng, 16)], 1).reshape(-1)]).astype(np.int32)
    unused = np.zeros(1, np.int32)
    return dataclasses.replace(call, bufs=call.bufs[:2] + [np.concatenate([words, tail]), rq, unused, unused])


def _m4_pack_gemm(w, oc: int) -> np.ndarray:
    """The weights [oc][K] as tc_dsp_dot_2x2 / tc_dsp_dot_1x2 read them (prepare_m4_gemm)."""
    w = np.asarray(w, np.int8).reshape(oc, -1)
    oc2, kq = -(-oc // 2) * 2, -(-w.shape[1] // 4)
    packed = np.zeros((oc2, kq * 4), np.int8)
    packed[:oc, :w.shape[1]] = w
    return packed.reshape(oc2 // 2, 2, kq, 4)[:, :, :, [0, 2, 1, 3]].transpose(0, 2, 1, 3).reshape(-1)


def prepare_m4_gemm(call):
    """Armv7E-M DSP conv2d_s8 / fc_s8 (targets/cortex-m4/tc_dsp.h, tc_dsp_gemm): weights as
    [oc/2][Kp/4][2][4] (output channels in pairs, an odd count padded with a zero channel; each row
    of K = kh*kw*c weights padded with zeros to Kp, a multiple of 4; every 4 weights w0 w1 w2 w3
    stored as w0 w2 w1 w3, so that SXTB16 and SXTB16 ROR #8 of one word give (w0, w1) and
    (w2, w3)); the bias buffer holds the flags word (_m4_requant), then per pair of channels
    bias[2] and the two channels' requantization records (10 words); mult and shift buffers unused
    (one zero)."""
    oc = call.params["units"] if call.kernel.startswith("fc") else call.params["oc"]
    oc2 = -(-oc // 2) * 2
    packed = _m4_pack_gemm(call.bufs[2], oc)
    flags, rec = _m4_requant(call, oc, oc2)
    bias = np.zeros(oc2, np.int64)
    bias[:oc] = np.asarray(call.bufs[3], np.int64).reshape(-1)
    pairs = np.concatenate([bias.reshape(-1, 2), rec.reshape(-1, 8)], 1).reshape(-1)
    rq = np.concatenate([[flags], pairs]).astype(np.int32)
    unused = np.zeros(1, np.int32)
    return dataclasses.replace(call, bufs=call.bufs[:2] + [packed, rq, unused, unused])


def prepare_m4_conv_s16(call):
    """Armv7E-M DSP conv_s16 (targets/cortex-m4/tc_conv_s16.c): a convolution's or fully connected
    layer's weights (dm 0) packed as prepare_m4_gemm's (depthwise weights stay [kh][kw][oc]); the bias
    buffer holds a flags word (1: wide and every M below within int32, the kernel's SMLAL form), a
    zero, then per output channel a requantization record of 4 int32 words. Wide (int64 bias): with
    TFLite's 64-bit MultiplyByQuantizedMultiplier's reduced multiplier red = round(mult / 2^16) (0x7FFF
    from 0x7FFF0000 on), its shift total = 15 - shift (1..62) and up = max(32 - total, 0), the int64
    K = (bias * red + 2^(total - 1)) << up as two words (low, high), the low word of the int64
    M = red << up, then max(total - 32, 0) | (M's high word) << 8. Narrow (int32 bias): bias, 0, mult,
    right shift | left shift << 8 (TFLite's shift split). The mult and shift buffers unused (one
    zero)."""
    p = call.params
    oc = p["oc"]
    bias = np.asarray(call.bufs[3], np.int64).reshape(-1)
    mult = np.broadcast_to(np.asarray(call.bufs[4], np.int64).reshape(-1), (oc,))
    shift = np.broadcast_to(np.asarray(call.bufs[5], np.int64).reshape(-1), (oc,))
    rec, fast = [], bool(p["wide"])
    for b, m, s in zip(bias.tolist(), mult.tolist(), shift.tolist()):
        if p["wide"]:
            red = (m + (1 << 15)) >> 16 if m < 0x7FFF0000 else 0x7FFF
            total = min(max(15 - s, 1), 62)
            up = max(32 - total, 0)
            k, mm = (b * red + (1 << (total - 1))) << up, red << up
            fast = fast and -(1 << 31) <= mm < (1 << 31)
            rec.append([k, k >> 32, mm, max(total - 32, 0) | (mm >> 32) << 8])
        else:
            rec.append([b, 0, m, min(max(-s, 0), 31) | min(max(s, 0), 31) << 8])
    rq = _wrap32(np.array([int(fast), 0] + [v & 0xFFFFFFFF for r in rec for v in r], np.int64))
    w = _m4_pack_gemm(call.bufs[2], oc) if p["dm"] == 0 else np.asarray(call.bufs[2], np.int8).reshape(-1)
    unused = np.zeros(1, np.int32)
    return dataclasses.replace(call, bufs=call.bufs[:2] + [w, rq, unused, unused])


def scratch_m4_conv(p) -> int:
    """Armv7E-M DSP conv2d_s8: two GEMM rows of Kp int16 (K = kh*kw*c rounded up to a multiple
    of 4)."""
    return 2 * 2 * (-(-p["kh"] * p["kw"] * p["c"] // 4) * 4)


def scratch_m4_conv_s16(p) -> int:
    """Armv7E-M DSP conv_s16: a convolution's or fully connected layer's two GEMM rows (as conv2d_s8's);
    none for depthwise layers."""
    return 0 if p["dm"] else scratch_m4_conv(p)


M4_FC_CHUNK = 512  # targets/cortex-m4/tc_fc_s8.c's TC_FC_CHUNK


def scratch_m4_fc(p) -> int:
    """Armv7E-M DSP fc_s8: one GEMM row of Kp int16 per batch, two at most; or, when less, a row in
    chunks (M4_FC_CHUNK int16 and an int32 sum per output channel of an even count), as the kernel
    chooses."""
    whole = min(p["batches"], 2) * 2 * (-(-p["depth"] // 4) * 4)
    chunked = 2 * M4_FC_CHUNK + 4 * (p["units"] + p["units"] % 2)
    return chunked if chunked < whole else whole


def _round64(n: int) -> int:
    return (n + 63) & ~63


class CTarget:
    """Portable C99."""
    name = "c"
    #: kernel -> the targets/ subdirectory implementing it; None = every kernel is generic
    kernels: dict = {}
    #: kernels this target runs with the portable implementation on purpose
    generic_fallback: frozenset = frozenset()
    #: kernel -> function(KernelCall with constant operands as arrays) -> the call this target's
    #: kernel takes (e.g. fold_input_zero_point, weights packed in its layout); same buffer count
    prepare: dict = {}
    #: kernel -> function(params dict) -> scratch bytes this target's kernel needs (when more than
    #: the portable kernel's); the planner reserves it in the arena
    scratch: dict = {}
    cflags = "-std=c99 -O2"
    #: every kernel the portable one (targets/generic) by design: the portable C target, and a core
    #: whose own kernels are still to come (no fallbacks to list: there is nothing else to use)
    all_generic = True

    def kernel_scratch(self, kernel: str, ip: list, fp: list, params: dict) -> int:
        """Scratch bytes of one call on this target (64-byte multiple when nonzero)."""
        need = kt.get(kernel).scratch(ip, fp)
        if self.kernel_source(kernel) != GENERIC and kernel in self.scratch:
            need = max(need, _round64(int(self.scratch[kernel](params))))
        return need

    #: every kernel portable (the same core without its vector kernels: the baseline they are
    #: measured against)
    portable_only = False

    def portable(self) -> "CTarget":
        """This target with the portable kernel for everything."""
        t = copy.copy(self)
        t.kernels, t.prepare, t.scratch, t.portable_only = {}, {}, {}, True
        return t

    def kernel_source(self, kernel: str) -> str:
        """The directory implementing a kernel on this target (a missing rule is an error)."""
        if kernel in self.kernels:
            return self.kernels[kernel]
        if self.all_generic or self.portable_only or kernel in self.generic_fallback:
            return GENERIC
        raise UnsupportedError(f"target {self.name} has no kernel {kernel!r} and no rule allowing the "
                               f"portable one")

    def prepare_call(self, call, graph=None):
        """The call as this target's kernel takes it (its constants transformed by ``prepare``)."""
        fn = self.prepare.get(call.kernel)
        if fn is None or self.kernel_source(call.kernel) == GENERIC:
            return call
        bufs = [graph.tensor(b).data if isinstance(b, str) and graph is not None and graph.tensor(b).is_const else b
                for b in call.bufs]
        if any(isinstance(b, str) for b in bufs[2:]):
            raise PlanError(f"target {self.name}: kernel {call.kernel} needs constant weights")
        new = fn(dataclasses.replace(call, bufs=bufs))
        if len(new.bufs) != len(call.bufs):
            raise PlanError(f"target {self.name}: preparing {call.kernel} changed its buffer count")
        return new

    #: a CMake toolchain file template shared by a family of cross targets (targets/<dir>/<file>, its
    #: @TARGET@ and @ARCH_FLAGS@ filled in), when the target has no toolchain.cmake of its own
    toolchain_template = None

    def toolchain_cmake(self):
        """The library's toolchain.cmake for this cross target (None: the host compiler builds it)."""
        own = TARGETS_DIR / self.name / "toolchain.cmake"
        if own.is_file():
            return own.read_text()
        if self.toolchain_template is None:
            return None
        arch = " ".join(f for f in self.cflags.split() if not f.startswith(("-std=", "-O")))
        return (TARGETS_DIR / self.toolchain_template).read_text().replace("@TARGET@", self.name) \
            .replace("@ARCH_FLAGS@", arch)

    def report_fallbacks(self, used: set) -> list:
        return sorted(k for k in used if not self.all_generic and self.kernel_source(k) == GENERIC)


def c_target(name: str, portable: bool = False) -> CTarget:
    if name not in C_TARGETS:
        raise UnsupportedError(f"unknown C target {name!r}; targets: {', '.join(C_TARGETS)}")
    return C_TARGETS[name].portable() if portable else C_TARGETS[name]


#: kernels every vector target runs with the portable implementation (data movement, table
#: lookups, ops rare in TinyML models): listed once here, added to each target's generic_fallback
PORTABLE_EVERYWHERE = frozenset({"copy_nd", "fill", "lut_s8", "transpose_nchw_s8", "transpose_nchw_f32"}) | frozenset({
    # reductions, resizes, matmuls
    "reduce_s8", "reduce_f32", "argminmax_s8", "argminmax_f32", "resize_nearest", "resize_bilinear_s8",
    "resize_bilinear_f32", "batch_matmul_s8", "batch_matmul_f32", "transpose_conv_s8", "transpose_conv_f32",
    "log_softmax_s8", "l2norm_s8", "l2norm_f32", "lstm_s8", "lstm_s16", "lstm_f32",
    "convert_s16", "requantize_s16", "pool_s16", "add_s16", "sigmoid_tanh_s16", "binary_s16",
    "relu_s16", "log_softmax_f32", "reduce_s16", "batch_matmul_s16", "transpose_conv_s16", "softmax_s8_s16",
    "softmax_s16", "unary_s16", "svdf_s8", "svdf_s16", "svdf_f32",
}) | frozenset({  # elementwise
    "unary_f32", "binary_s8", "binary_f32", "binary_s32", "cast"}) | frozenset(  # the signal library's
    k for name in optable.CUSTOM for k in optable.get(name).kernels)


class CortexM55(CTarget):
    """Cortex-M55/M85 with Helium (MVE). Vector kernels are chosen in ``kernels``."""
    name = "cortex-m55"
    all_generic = False
    kernels = {"conv2d_s8": "cortex-m55", "dwconv2d_s8": "cortex-m55", "fc_s8": "cortex-m55",
               "avgpool_s8": "cortex-m55", "conv_s16": "cortex-m55"}
    prepare = {"conv2d_s8": prepare_m55_gemm, "dwconv2d_s8": prepare_m55_dw, "fc_s8": prepare_m55_gemm}
    scratch = {"conv2d_s8": scratch_m55_conv, "dwconv2d_s8": lambda p: (p["oc"] + 7) // 8 * 8}
    generic_fallback = frozenset(_k for _k in (
        "maxpool_s8", "add_s8", "softmax_s8", "copy",
        "quantize_f32_s8", "requantize_s8", "dequantize_s8_f32", "conv2d_f32", "dwconv2d_f32", "fc_f32",
        "avgpool_f32", "maxpool_f32", "add_f32", "softmax_f32")) | PORTABLE_EVERYWHERE
    cflags = "-std=c99 -mcpu=cortex-m55 -mthumb -mfloat-abi=hard -O2"
    toolchain_template = "cortex-m/toolchain.cmake.in"


class RV64GCV(CTarget):
    """RV64GC with the V extension (RVV 1.0), any VLEN."""
    name = "rv64gcv"
    all_generic = False
    kernels = {"conv2d_s8": "rv64gcv", "dwconv2d_s8": "rv64gcv", "fc_s8": "rv64gcv", "avgpool_s8": "rv64gcv",
               "maxpool_s8": "rv64gcv", "conv_s16": "rv64gcv"}
    prepare = {"conv2d_s8": prepare_rv64gcv_gemm, "dwconv2d_s8": prepare_rv64gcv_dw, "fc_s8": prepare_rv64gcv_gemm}
    scratch = {"conv2d_s8": scratch_rv64gcv_conv}
    generic_fallback = frozenset(_k for _k in (
        "add_s8", "softmax_s8", "copy", "quantize_f32_s8", "requantize_s8",
        "dequantize_s8_f32", "conv2d_f32", "dwconv2d_f32", "fc_f32", "avgpool_f32", "maxpool_f32", "add_f32",
        "softmax_f32")) | PORTABLE_EVERYWHERE
    cflags = "-std=c99 --target=riscv64-linux-gnu -march=rv64gcv -O2"


class CortexM4(CTarget):
    """Cortex-M4 (Armv7E-M with the DSP extension, FPv4-SP single-precision FPU). Its DSP (packed
    16-bit SIMD) kernels are in targets/cortex-m4, shared with the Cortex-M7 and Cortex-M33:
    convolution, depthwise and fully connected layers, int8 and 16x8 (conv_s16; weights prepared at
    compile time), max and average pooling (4 channels a word) and int8 ADD (contiguous rows, one
    SMMLAR a rounding stage; its tc_add_row.h also serves the fused ADD of row streaming). Every other
    kernel is the portable one (targets/generic) built for this core, listed in generic_fallback."""
    name = "cortex-m4"
    all_generic = False
    kernels = {"conv2d_s8": "cortex-m4", "fc_s8": "cortex-m4", "dwconv2d_s8": "cortex-m4", "conv_s16": "cortex-m4",
               "avgpool_s8": "cortex-m4", "maxpool_s8": "cortex-m4", "add_s8": "cortex-m4"}
    prepare = {"conv2d_s8": prepare_m4_gemm, "fc_s8": prepare_m4_gemm, "dwconv2d_s8": prepare_m4_dw,
               "conv_s16": prepare_m4_conv_s16}
    scratch = {"conv2d_s8": scratch_m4_conv, "fc_s8": scratch_m4_fc, "conv_s16": scratch_m4_conv_s16}
    generic_fallback = frozenset(_k for _k in (
        "softmax_s8", "copy",
        "quantize_f32_s8", "requantize_s8", "dequantize_s8_f32", "conv2d_f32", "dwconv2d_f32", "fc_f32",
        "avgpool_f32", "maxpool_f32", "add_f32", "softmax_f32")) | PORTABLE_EVERYWHERE
    cflags = "-std=c99 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2"
    toolchain_template = "cortex-m/toolchain.cmake.in"  # the Cortex-M7 and Cortex-M33 too, with their flags


class CortexM7(CortexM4):
    """Cortex-M7: the Cortex-M4's instruction set (Armv7E-M with DSP) on a dual-issue pipeline, FPv5
    with double precision; its own tuning flags, the Cortex-M4's kernels."""
    name = "cortex-m7"
    cflags = "-std=c99 -mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16 -O2"


class CortexM33(CortexM4):
    """Cortex-M33: Armv8-M mainline with the DSP extension (the Cortex-M4's SIMD instructions) and
    FPv5 single precision; its own tuning flags, the Cortex-M4's kernels."""
    name = "cortex-m33"
    cflags = "-std=c99 -mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16 -O2"


C_TARGETS = {t.name: t for t in (CTarget(), CortexM4(), CortexM7(), CortexM33(), CortexM55(), RV64GCV())}


def kernel_scratch(op, graph, target: str, portable: bool = False, variants=()) -> int:
    """Scratch bytes of an op's kernels on a C target (the planner reserves them); ``variants`` as
    backend_host.kernel_scratch's."""
    return host_kernel_scratch(op, graph, c_target(target, portable).kernel_scratch, variants=variants)


def _local_includes(text: str) -> list:
    """The names in a C file's #include "..." lines."""
    return re.findall(r'^\s*#\s*include\s*"([^"]+)"', text, re.M)


def companion_sources(directory: pathlib.Path) -> set:
    """The .c files of ``directory`` that its headers name (``_named_sources``): shared code, no
    kernel."""
    return {n for h in directory.glob("*.h") for n in _named_sources(h.read_text())}


@functools.lru_cache(maxsize=None)
def _kernel_files(directory: pathlib.Path) -> dict:
    """kernel name -> the .c file in ``directory`` defining tc_<kernel> (read once per directory;
    callers do not change it)."""
    found = {}
    shared = companion_sources(directory)
    for f in sorted(directory.glob("*.c")):
        if f.name in shared:
            continue
        for m in re.finditer(r"^void\s+tc_(\w+)\s*\(", f.read_text(), re.M):
            found[m.group(1)] = f
    return found


def _digest(arr: np.ndarray) -> str:
    """A constant array's identity (dtype and bytes): equal arrays are emitted once."""
    return hashlib.sha1(arr.dtype.str.encode() + arr.tobytes()).hexdigest()


def _named_sources(text: str) -> list:
    """The sources a header names in its "tinycc-source: NAME.c" lines: code that the kernels
    including it share, compiled once beside them."""
    return re.findall(r"tinycc-source:\s*(\S+\.c)", text)


def library_sources(target: str, dirs: list, sources: dict) -> dict:
    """{file name: text} of the kernel sources (name -> path) and what they need: the headers they
    include, transitively, found in ``dirs`` (the last one that has it: a target's header over
    generic's), and the sources those headers name (``_named_sources``, beside the header)."""
    files = {name: path.read_text() for name, path in sources.items()}
    pending = ["tinycc_kernels.h"] + [n for t in list(files) for n in _local_includes(files[t])]
    while pending:
        name = pending.pop()
        if name in files:
            continue
        found = [TARGETS_DIR / d / name for d in dirs if (TARGETS_DIR / d / name).is_file()]
        if not found:
            raise UnsupportedError(f"target {target}: no header {name} in targets/{', '.join(map(str, dirs))}")
        files[name] = found[-1].read_text()
        pending += _local_includes(files[name])
        for src in _named_sources(files[name]):
            if src not in files:
                files[src] = (found[-1].parent / src).read_text()
                pending += _local_includes(files[src])
    return files


class CProgram:
    """Generates the C library of a planned graph for a target."""

    def __init__(self, graph, schedule, plan, target: str, portable: bool = False):
        self.target = c_target(target, portable)
        self.graph, self.schedule, self.plan = graph, schedule, plan
        self.signatures = {n: ([b.name for b in k.bufs], k.iparams, k.fparams) for n, k in kt.KERNELS.items()}
        self.calls = [(op, self._prepare(call), stream) for op, call, stream in lower(graph, schedule, plan)]
        self._consts = {}  # digest -> (c name, array)
        self._cprefix = "tc"  # the constant arrays' names: tc_c0... (static), <name>_c0... in a named library
        self._apart, self._base = frozenset(), 0  # files(state_apart=...): the state kept apart, its bytes

    def _prepare(self, call):
        if isinstance(call, streaming.ChainCall):
            return dataclasses.replace(call, links=[(o, self.target.prepare_call(c, self.graph)) for o, c in call.links])
        return self.target.prepare_call(call, self.graph)

    # -- constants ---------------------------------------------------------------------------
    def _const(self, arr) -> str:
        arr = np.ascontiguousarray(arr)
        if arr.dtype not in _CTYPES:
            raise PlanError(f"no C type for constant of dtype {arr.dtype}")
        key = _digest(arr)
        if key not in self._consts:
            self._consts[key] = (f"{self._cprefix}_c{len(self._consts)}", arr)
        return self._consts[key][0]

    @staticmethod
    def _array(ctype, name, values, fmt) -> str:
        vals = [fmt(v) for v in values] or ["0"]
        lines = [",".join(vals[i:i + 24]) for i in range(0, len(vals), 24)]
        return f"static const {ctype} {name}[{len(vals)}] TC_ALIGN(16) = {{\n  " + ",\n  ".join(lines) + "\n};"

    @staticmethod
    def _int64(v) -> str:
        return "(-9223372036854775807LL - 1)" if v == -(1 << 63) else f"{v}LL"

    @staticmethod
    def _float(v) -> str:
        v = float(np.float32(v))
        if v == float("inf"):
            return "3.40282347e+38f"
        if v == float("-inf"):
            return "-3.40282347e+38f"
        return f"{v:.9g}f" if ("e" in f"{v:.9g}" or "." in f"{v:.9g}") else f"{v:.1f}f"

    def op_weights(self) -> dict:
        """op id -> bytes of the constant arrays its kernel calls take on this target (as that
        target's kernels read them: packed, with their requantization records), an array several
        calls share counted at the first; together the library's weights."""
        seen, out = set(), {}
        for op, call in streaming.kernel_calls(self.calls):
            for b in call.bufs:
                if isinstance(b, str) and self.graph.tensor(b).is_const:
                    b = self.graph.tensor(b).data
                if b is None or isinstance(b, str):
                    continue
                a = np.ascontiguousarray(b)
                key = _digest(a)
                if key not in seen:
                    seen.add(key)
                    out[op.id] = out.get(op.id, 0) + max(a.nbytes, a.itemsize)  # an empty array is one element
        return out

    # -- emission ----------------------------------------------------------------------------
    def _ref(self, b) -> str:
        """A buffer as a tc_ref initializer: {constant array, 0}, {NULL, arena offset}, or {NULL, -1}
        (none: a line buffer tc_run_chain provides)."""
        if b is None:
            return "{NULL, -1}"
        if isinstance(b, str) and self.graph.tensor(b).is_const:
            b = self.graph.tensor(b).data
        if isinstance(b, str) and b in self._apart:
            return f"{{tc_state, {self.plan.offset(b)}}}"
        if isinstance(b, str):
            return f"{{NULL, {self.plan.offset(b) - self._base}}}"
        return f"{{{self._const(b)}, 0}}"

    def _operands(self, call, sfx="", line_buffers=()) -> list:
        """Declarations of a call's parameter arrays ip<sfx>, fp<sfx> and its buffers' tc_refs o<sfx>
        (those at ``line_buffers`` none: a chain provides them), all static const: the step's code is
        just its call."""
        _, inames, fnames = self.signatures[call.kernel]
        ip = [int(call.params[n]) for n in inames]
        fp = [float(call.fparams[n]) for n in fnames]
        refs = ", ".join(self._ref(None if i in line_buffers else b) for i, b in enumerate(call.bufs))
        lines = [f"    static const int32_t ip{sfx}[{len(ip)}] = {{{', '.join(map(str, ip))}}};"]
        if fp:
            lines.append(f"    static const float fp{sfx}[{len(fp)}] = {{{', '.join(self._float(v) for v in fp)}}};")
        lines.append(f"    static const tc_ref o{sfx}[{len(call.bufs)}] = {{{refs}}};")
        return lines

    def _stream_struct(self, call, delay, epilogue, reverse) -> list:
        """Declarations of ``st``, the tc_stream of a row-streamed call or of a chain's fused ADD."""
        _, inames, fnames = self.signatures[call.kernel]
        ip = [int(call.params[n]) for n in inames]
        fp = [float(call.fparams[n]) for n in fnames]
        p = dict(zip(inames, ip))
        rb = p["ow"] * p[kt.get(call.kernel).stream.ch] * kt.get(call.kernel).stream.esize
        kscratch = self.target.kernel_scratch(call.kernel, ip, fp, dict(call.params))
        lines, epi, first, other, eip, efp = [], 0, 0, self._ref(None), "NULL", "NULL"
        if epilogue is not None:
            kind, other_name, e_ip, e_fp, conv_first = epilogue
            epi, first = (1 if kind == "add_s8" else 2), int(conv_first)
            other = self._ref(other_name)
            if e_ip:
                lines.append(f"    static const int32_t eip[{len(e_ip)}] = {{{', '.join(map(str, e_ip))}}};")
                eip = "eip"
            if e_fp:
                lines.append(f"    static const float efp[{len(e_fp)}] = "
                             f"{{{', '.join(self._float(v) for v in e_fp)}}};")
                efp = "efp"
        n = call.kernel.upper()
        lines.append(f"    static const tc_stream st = {{{delay}, {int(reverse)}, TCN_{n}_IPARAMS, TCN_{n}_BUFS, "
                     f"TCP_{n}_OH, TCP_{n}_PT, TCP_{n}_SH, {rb}, {kscratch}, {epi}, {first}, {other}, {eip}, "
                     f"{efp}}};")
        return lines

    def _step(self, k, op, call, stream) -> list:
        sc = self.plan.scratch(op)
        scratch = f"A + {sc.offset - self._base}" if sc is not None else "NULL"
        if isinstance(call, streaming.ChainCall):
            return self._chain(op, call, stream[1], scratch)
        lines = [f"  /* {op.where()}: {call.kernel} */", "  {"] + self._operands(call)
        fpn = "fp" if call.fparams else "NULL"
        lines.append(f"    void *b[{len(call.bufs)}];")
        bufs = f"tc_bind(b, o, {len(call.bufs)}, A)"
        if stream is None:
            lines.append(f"    tc_{call.kernel}({bufs}, ip, {fpn}, {scratch});")
        else:
            lines += self._stream_struct(call, *stream)
            lines.append(f"    tc_run_streamed(tc_{call.kernel}, {bufs}, ip, {fpn}, {scratch}, &st, A);")
        lines.append("  }")
        return lines

    def _chain(self, op, chain, epilogue, scratch) -> list:
        """One tc_run_chain call: a streamed chain of ops (tinycc/streaming.py)."""
        n = len(chain.links)
        lines = [f"  /* {', '.join(o.where() for o, _ in chain.links)}: streamed block */", "  {"]
        entries = []
        for j, (o, c) in enumerate(chain.links):
            lines += self._operands(c, str(j), {0} if j == n - 1 else {1} if j == 0 else {0, 1})
            K = c.kernel.upper()
            st = kt.get(c.kernel).stream
            rb = c.params["ow"] * c.params[st.ch] * st.esize
            dh, dw = (f"TCP_{K}_DH", f"TCP_{K}_DW") if "dh" in c.params else ("-1", "-1")
            cap, ring = (chain.caps[j], chain.rings[j]) if j < n - 1 else (0, 0)
            entries.append(f"{{tc_{c.kernel}, o{j}, ip{j}, {f'fp{j}' if c.fparams else 'NULL'}, TCN_{K}_IPARAMS, "
                           f"TCN_{K}_BUFS, TCP_{K}_H, TCP_{K}_OH, TCP_{K}_PT, TCP_{K}_SH, TCP_{K}_KH, {dh}, "
                           f"TCP_{K}_W, TCP_{K}_OW, TCP_{K}_PL, TCP_{K}_SW, TCP_{K}_KW, {dw}, {rb}, {cap}, {ring}}}")
        lines.append(f"    static const tc_chain_link L[{n}] = {{\n      " + ",\n      ".join(entries) + "};")
        if chain.delay is not None:
            lines += self._stream_struct(chain.links[-1][1], chain.delay, epilogue, False)
        first = chain.links[0][1]
        stripes, band, in_cap, in_ring = chain.patch or (1, 0, 0, 0)
        in_px = first.params["c"] * kt.get(first.kernel).stream.esize
        in_c = first.params["c"] if kt.get(first.kernel).stream.planar else 0  # an NCHW input
        lines.append(f"    static const tc_chain ch = {{{n}, L, {'&st' if chain.delay is not None else 'NULL'}, {chain.slot}, "
                     f"{chain.reduce}, {stripes}, {band}, {in_cap}, {in_ring}, {in_px}, {in_c}}};")
        lines += [f"    tc_run_chain(&ch, A, {scratch});", "  }"]
        return lines

    def files(self, name: str = None, state_apart: bool = False) -> dict:
        """{file name: text} of the library; ``name``: the prefix of its exported symbols and macros
        (default tinycc_invoke, TINYCC_ARENA_SIZE...; see ``library_name``). ``state_apart``: the
        model's state (the bottom of the planned arena, ``MemoryPlan.state_bytes``) in a static array
        of model.c instead of the arena, whose <NAME>_ARENA_SIZE bytes are then free between invokes
        (another model may use them)."""
        g, plan = self.graph, self.plan
        self._apart = frozenset(g.states()) if state_apart else frozenset()
        self._base = plan.state_bytes(g) if state_apart else 0  # arena offsets in the library: planned - base
        p = library_name(name)
        self._cprefix, cmake_target = ("tc", DEFAULT_CMAKE_TARGET) if name is None else (p, p)
        self._consts = {}
        used = sorted({c.kernel for _, c in streaming.kernel_calls(self.calls)})
        body = []
        for k, (op, call, stream) in enumerate(self.calls):
            body += [f"  TC_PROFILE_MARK({k});"] + self._step(k, op, call, stream)
        ins = [g.tensor(n) for n in g.inputs]
        outs = [g.tensor(n) for n in g.outputs]
        consts = [self._array(_CTYPES[a.dtype], name, a.ravel().tolist(),
                              self._float if a.dtype == np.float32 else self._int64 if a.dtype == np.int64 else str)
                  for name, a in self._consts.values()]
        model_c = ["/* Generated by tinycc for target %s. */" % self.target.name,
                   '#include <string.h>', '#include "model.h"', '#include "tinycc_kernels.h"', "",
                   "/* -DTINYCC_PROFILE: a call of the harness's tc_profile_mark before each step (per-step",
                   "   instruction counts, tinycc run --profile); otherwise nothing */",
                   "#ifdef TINYCC_PROFILE", "void tc_profile_mark(int step);",
                   "#define TC_PROFILE_MARK(k) tc_profile_mark(k)", "#else", "#define TC_PROFILE_MARK(k) ((void)0)",
                   "#endif", ""] + consts + ([
            "",
            f"/* the model's state, apart from the arena ({self._base} bytes) */",
            f"static uint64_t tc_state[{max(self._base, 8) // 8}];"] if state_apart and g.states() else []) + [
            ""] + ([  # a model of streamed chains only binds no call's buffers itself
            "/* A call's buffers: its tc_refs resolved against the arena. */",
            "static void *const *tc_bind(void **b, const tc_ref *r, int n, uint8_t *A)",
            "{",
            "  int i;",
            "  for (i = 0; i < n; i++)",
            "    b[i] = tc_ref_at(&r[i], A);",
            "  return b;",
            "}",
            ""] if any(not isinstance(c, streaming.ChainCall) for _, c, _ in self.calls) else []) + [
            f"void {p}_invoke_io(const void *const *inputs, void *const *outputs, uint8_t *arena)",
            "{",
            "  uint8_t *const A = arena;"]
        for i, t in enumerate(ins):
            model_c.append(f"  if (inputs && inputs[{i}]) memcpy(A + {plan.offset(t.name) - self._base}, inputs[{i}], "
                           f"{t.nbytes});")
        model_c += body
        for i, t in enumerate(outs):
            model_c.append(f"  if (outputs && outputs[{i}]) memcpy(outputs[{i}], A + {plan.offset(t.name) - self._base}, "
                           f"{t.nbytes});")
        model_c += ["}", "", f"void {p}_reset(uint8_t *arena)", "{"]
        where = "(uint8_t *)tc_state" if state_apart else "arena"
        for name in g.states():
            t = g.tensor(name)
            model_c.append(f"  memset({where} + {plan.offset(name)}, {t.initial_fill & 0xFF}, {t.nbytes}); "
                           f"/* state {name} */")
        model_c += ["  (void)arena;"] if state_apart or not g.states() else []
        model_c += ["}", "",
                    f"void {p}_invoke(const void *input, void *output, uint8_t *arena)", "{",
                    "  const void *in[1]; void *out[1];", "  in[0] = input; out[0] = output;",
                    f"  {p}_invoke_io(in, out, arena);" if len(ins) == 1 and len(outs) == 1
                    else f"  (void)in; (void)out; (void)arena; /* several inputs or outputs: use {p}_invoke_io */",
                    "}", ""]
        model_h = self._header(ins, outs, p, state_apart)
        files = {"model.c": "\n".join(model_c), "model.h": model_h}
        sources = {}
        for kernel in used:
            d = TARGETS_DIR / self.target.kernel_source(kernel)
            table = _kernel_files(d)
            if kernel not in table:
                raise UnsupportedError(f"target {self.target.name}: targets/{d.name} has no tc_{kernel}")
            sources[table[kernel].name] = table[kernel]
        runners = {"run_chain" if isinstance(c, streaming.ChainCall) else "run_streamed"
                   for _, c, s in self.calls if s is not None}
        for runner in sorted(runners):
            f = _kernel_files(TARGETS_DIR / GENERIC).get(runner)
            if f is None:
                raise UnsupportedError(f"targets/generic has no tc_{runner}")
            sources[f.name] = f
        # a target's header of a generic header's name replaces it (cortex-m4's tc_add_row.h): its
        # directory is searched whether or not the model uses one of its kernels, so that a target's
        # kernel files are the same in every library
        dirs = [GENERIC] + sorted(({self.target.kernel_source(k) for k in used} | set(self.target.kernels.values()))
                                  - {GENERIC})
        files.update(library_sources(self.target.name, dirs, sources))
        sources = sorted(f for f in files if f.endswith(".c") and f != "model.c")
        files["tinycc.mk"] = self._make_fragment(p.upper(), sources)
        files["CMakeLists.txt"] = self._cmake_lists(cmake_target, sources)
        toolchain = self.target.toolchain_cmake()
        if toolchain is not None:
            files["toolchain.cmake"] = toolchain
        self.kernels_used = used
        self.fallbacks = self.target.report_fallbacks(set(used))
        return files

    def _make_fragment(self, P: str, kernels: list) -> str:
        """tinycc.mk: the sources and flags for a Makefile, its variables prefixed like the macros
        (<P>_KERNELS names the kernel files, to build those two models share once)."""
        return (f"# Generated by tinycc: add these to your firmware build.\n"
                f"{P}_DIR ?= $(dir $(lastword $(MAKEFILE_LIST)))\n"
                f"{P}_KERNELS := {' '.join(kernels)}\n"
                f"{P}_SRCS := $(addprefix $({P}_DIR),model.c $({P}_KERNELS))\n"
                f"{P}_CFLAGS := {self.target.cflags} -fno-strict-aliasing -I$({P}_DIR)\n"
                f"{P}_LDLIBS := -lm\n")

    def _cmake_lists(self, lib: str, kernels: list) -> str:
        """CMakeLists.txt: the library as a static library target ``lib`` (add_subdirectory it and link
        the target; several models' libraries link into one program, each kernel taken once)."""
        flags = " ".join(f for f in self.target.cflags.split() if not f.startswith("-std="))
        srcs = "\n  ".join(["model.c"] + kernels)
        return (f"# Generated by tinycc for target {self.target.name}: the model library as the static library\n"
                f"# target {lib}. add_subdirectory() this directory, then target_link_libraries(app PRIVATE {lib}).\n"
                f"cmake_minimum_required(VERSION 3.10...3.31)\n"
                f"project({lib} LANGUAGES C)\n\n"
                f"add_library({lib} STATIC\n  {srcs})\n"
                f"target_include_directories({lib} PUBLIC ${{CMAKE_CURRENT_SOURCE_DIR}})\n"
                f"set_target_properties({lib} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)\n"
                f"if(CMAKE_C_COMPILER_ID MATCHES \"GNU|Clang\")\n"
                f"  target_compile_options({lib} PRIVATE {flags} -fno-strict-aliasing)\n"
                f"  target_link_libraries({lib} PUBLIC m)\n"
                f"endif()\n")

    def _header(self, ins, outs, p: str = DEFAULT_NAME, state_apart: bool = False) -> str:
        plan = self.plan
        P = p.upper()
        state = plan.state_bytes(self.graph)
        lines = ["/* Generated by tinycc: the model's C interface. */", f"#ifndef {P}_MODEL_H",
                 f"#define {P}_MODEL_H", "#include <stdint.h>", "",
                 "#ifdef __cplusplus", 'extern "C" {', "#endif", "",
                 f"#define {P}_ARENA_SIZE {plan.arena_bytes - self._base}",
                 f"#define {P}_ARENA_ALIGN {max(plan.alignment, 16)}",
                 f"#define {P}_NUM_INPUTS {len(ins)}", f"#define {P}_NUM_OUTPUTS {len(outs)}",
                 f"#define {P}_HAS_STATE {int(bool(self.graph.states()))}",
                 f"#define {P}_STATE_SIZE {state} /* bytes of state, "
                 + ("none: the arena holds nothing between invokes */" if not state else
                    "kept apart in the library: the arena holds nothing between invokes */" if state_apart else
                    "at the start of the arena */"),
                 f"#define {P}_STATE_IN_ARENA {int(bool(state) and not state_apart)}"]
        for kind, ts in (("INPUT", ins), ("OUTPUT", outs)):
            for i, t in enumerate(ts):
                sfx = "" if i == 0 else str(i)
                lines += [f"#define {P}_{kind}{sfx}_BYTES {t.nbytes}",
                          f"#define {P}_{kind}{sfx}_OFFSET {plan.offset(t.name) - self._base} /* in the arena */",
                          f"#define {P}_{kind}{sfx}_SHAPE {{{', '.join(map(str, t.shape))}}}",
                          f"#define {P}_{kind}{sfx}_RANK {len(t.shape)}",
                          f"#define {P}_{kind}{sfx}_TYPE {_CTYPES.get(np.dtype(t.dtype), 'uint8_t')}"]
                if kind == "INPUT" and any(t.name == nhwc for _, nhwc in getattr(self.graph, "nhwc_inputs", ())):
                    lines += [f"#define {P}_{kind}{sfx}_LAYOUT_NHWC 1 /* the model's NCHW input, passed in NHWC "
                              f"(input_layout nhwc) */"]
                if t.quant is not None:
                    lines += [f"#define {P}_{kind}{sfx}_SCALE {self._float(t.scale)}",
                              f"#define {P}_{kind}{sfx}_ZERO_POINT {t.zero_point}"]
        if len(ins) > 1 or len(outs) > 1:
            lines += [f"#define {P}_INPUT_BYTES_LIST {{{', '.join(str(t.nbytes) for t in ins)}}}",
                      f"#define {P}_OUTPUT_BYTES_LIST {{{', '.join(str(t.nbytes) for t in outs)}}}",
                      f"#define {P}_INPUTS_TOTAL_BYTES {sum(t.nbytes for t in ins)}",
                      f"#define {P}_OUTPUTS_TOTAL_BYTES {sum(t.nbytes for t in outs)}"]
        lines += ["",
                  f"/* Run the model. arena: {P}_ARENA_SIZE bytes aligned to {P}_ARENA_ALIGN. A NULL input",
                  f"   means the caller already wrote it at {P}_INPUT_OFFSET in the arena; a NULL output",
                  f"   means it is read from {P}_OUTPUT_OFFSET. */",
                  f"/* Put the model's state ({P}_HAS_STATE: e.g. an LSTM's hidden and cell state, kept from",
                  "   one invoke to the next) to its initial value: call it once before the first invoke and",
                  f"   whenever a new sequence starts. With {P}_STATE_IN_ARENA the arena must keep its contents",
                  "   between invokes; otherwise (no state, or the state kept apart: tinycc compile",
                  "   --state-apart) the arena holds nothing from one invoke to the next, and another model",
                  "   that never runs at the same time may share it. */",
                  f"void {p}_reset(uint8_t *arena);",
                  f"void {p}_invoke(const void *input, void *output, uint8_t *arena);",
                  f"void {p}_invoke_io(const void *const *inputs, void *const *outputs, uint8_t *arena);",
                  "", "#ifdef __cplusplus", "}", "#endif", "", "#endif", ""]
        return "\n".join(lines)

    def write(self, out_dir, name: str = None, state_apart: bool = False) -> list:
        os.makedirs(out_dir, exist_ok=True)
        written = []
        for fname, text in self.files(name, state_apart).items():
            with open(os.path.join(out_dir, fname), "w") as f:
                f.write(text)
            written.append(fname)
        return written

