"""The x86-64 SIMD versions of the hot kernels (targets/x86_64): their entries for tinycc.isa.

At the AVX2 level: convolution and fully connected as one GEMM over weights packed here (blocks
of 16 output channels, int8 weights in pairs of k for vpmaddwd; float32 weights by k for FMA),
depthwise convolution with depth multiplier 1, ADD, the float32 LSTM, and copy_nd's interleave of three int8 planes
(an RGB image's NCHW -> NHWC; its other walks run the portable code). The AVX-VNNI level has the same
kernels but copy_nd, packing and limits (the same code, its int8 dot products on vpdpwssd); the AVX-512 VNNI level its
own int8 GEMM, depthwise convolution and ADDs. Each has the ABI of its kernel; the
packed ones take their constants in the layout ``prepare`` gives, whose sizes the executor
checks (``sizes``). A call outside a version's limits (a panel too long, dm > 1) runs the
portable kernel instead (backend_host.host_call).
"""
from __future__ import annotations

import dataclasses
import platform

import numpy as np

from . import kernels as kt
from .isa import Impl, register

NR = 16  # output channels per packed block (targets/x86_64/tc_x86_s8.h TC_NR, tc_x86_f32.h TC_NR_F32)
KMAX_S8 = 4096  # the int8 GEMM's panel: K rounded up to even, at most this (TC_KMAX_S8)
KMAX_F32 = 2048  # the float32 GEMM's gathered panel (TC_KMAX_F32); a direct 1x1 convolution has no limit
DW_TAPS = 32  # the AVX2 int8 depthwise kernel's filters: at most this many taps (tc_x86_s8.h TC_DW_TAPS)
DW_TAPS_F32 = 64  # the float32 one's (tc_x86_f32.h TC_DW_TAPS_F32)


def _units(call) -> int:
    return call.params["units"] if call.kernel.startswith("fc") else call.params["oc"]


def _pad_rows(a: np.ndarray, rows: int) -> np.ndarray:
    out = np.zeros((rows,) + a.shape[1:], a.dtype)
    out[:a.shape[0]] = a
    return out


def pack_gemm_s8(call):
    """int8 weights [oc, K] -> blocks of NR output channels, k in pairs:
    packed[b, kp, j, t] = w[b * NR + j, 2 * kp + t] (zero past oc and K); bias, mult and shift padded
    to whole blocks."""
    oc = _units(call)
    w2 = np.asarray(call.bufs[2]).reshape(oc, -1)
    k = w2.shape[1]
    nb, k2 = -(-oc // NR), k + k % 2
    wp = np.zeros((nb * NR, k2), np.int8)
    wp[:oc, :k] = w2
    packed = np.ascontiguousarray(wp.reshape(nb, NR, k2 // 2, 2).transpose(0, 2, 1, 3))
    extra = [_pad_rows(np.asarray(b).reshape(-1), nb * NR) for b in call.bufs[3:]]
    return dataclasses.replace(call, bufs=call.bufs[:2] + [packed] + extra)


def pack_gemm_f32(call):
    """float32 weights [oc, K] -> blocks of NR output channels: packed[b, k, j] = w[b * NR + j, k];
    bias padded to whole blocks."""
    oc = _units(call)
    w2 = np.asarray(call.bufs[2], np.float32).reshape(oc, -1)
    nb = -(-oc // NR)
    packed = np.ascontiguousarray(_pad_rows(w2, nb * NR).reshape(nb, NR, -1).transpose(0, 2, 1))
    return dataclasses.replace(call, bufs=call.bufs[:2] + [packed, _pad_rows(np.asarray(call.bufs[3]).reshape(-1),
                                                                             nb * NR)])


VNNI_KMAX = 8192  # bytes of a VNNI panel row, each run rounded up to 4 (tc_x86_vnni.h TC_VNNI_KMAX)


def _wrap32(a) -> np.ndarray:
    return ((np.asarray(a, np.int64) + 2 ** 31) % 2 ** 32 - 2 ** 31).astype(np.int32)


def _vnni_runs(p) -> tuple[int, int]:
    """(runs, bytes per run) of a VNNI panel row: kh runs of kw * c taps (one run of K for a fully
    connected layer), each padded to a multiple of 4 bytes."""
    if "units" in p:
        return 1, p["depth"]
    return p["kh"], p["kw"] * p["c"]


def pack_vnni_s8(call):
    """int8 weights [oc, K] -> blocks of 16 output channels, 4 k per lane, each of the kh runs of
    kw * c taps padded to a multiple of 4 with zeros: packed[b, k4, j, t] = w[16 b + j, tap] where
    byte 4 k4 + t of the padded row holds that tap (0 past oc, in the padding and past K). The
    kernel multiplies these signed weights by the unsigned activations a + 128, so the bias comes
    corrected: bias - (in_zp + 128) * sum_k w, wrapped to int32; bias, mult and shift padded to
    whole blocks (targets/x86_64/tc_x86_vnni.h)."""
    oc = _units(call)
    runs, run = _vnni_runs(call.params)
    w2 = np.asarray(call.bufs[2]).reshape(oc, runs, run)
    nb, r4 = -(-oc // 16), -(-run // 4)
    wp = np.zeros((nb * 16, runs, r4 * 4), np.int8)
    wp[:oc, :, :run] = w2
    packed = np.ascontiguousarray(wp.reshape(nb, 16, runs * r4, 4).transpose(0, 2, 1, 3))
    bias = _wrap32(np.asarray(call.bufs[3], np.int64).reshape(-1)
                   - (call.params["in_zp"] + 128) * w2.astype(np.int64).reshape(oc, -1).sum(axis=1))
    extra = [_pad_rows(np.asarray(b).reshape(-1), nb * 16) for b in [bias] + list(call.bufs[4:])]
    return dataclasses.replace(call, bufs=call.bufs[:2] + [packed] + extra)


def _vnni_sizes(p, f, needs):
    oc = _conv_k(p)[0]
    runs, run = _vnni_runs(p)
    row, ocp = runs * -(-run // 4) * 4, -(-oc // 16) * 16
    if row > VNNI_KMAX:
        raise kt.KernelParamError(f"a panel row of {row} bytes ({runs} runs of {run} taps) is longer than the "
                                  f"VNNI kernel's ({VNNI_KMAX})")
    needs[2] = ocp * row
    needs[3] = needs[4] = needs[5] = ocp * 4
    return needs


DW_VNNI_TAPS = 64  # the VNNI depthwise kernel's filters: at most this many taps (tc_x86_vnni.h TC_DWV_TAPS)
DW_VNNI_NARROW = (8, 16, 32)  # fewer channels it takes, 64 / c pixels at a time (tc_vnni_dwconv_s8_narrow)
DW_VNNI_TAILS = (16, 32)  # channels past the last block of 64 it takes 64 / (c % 64) pixels at a time


def _dw_order(v: np.ndarray, nb: int) -> np.ndarray:
    """Per-channel values in the VNNI depthwise kernel's order: block of 64 channels, then q, 16 L + j
    holding channel 16 L + 4 q + j of the block (tc_x86_vnni.h); zero past c."""
    return np.ascontiguousarray(_pad_rows(v, nb * 64).reshape(nb, 4, 4, 4).transpose(0, 2, 1, 3).reshape(-1))


def pack_dw_vnni_s8(call):
    """Depthwise int8 weights [1, kh, kw, c] -> per block of 64 channels and group of 4 taps, four
    vectors of 64 bytes: packed[cb, g, q, L, j, t] = w[tap 4 g + t, channel 64 cb + 16 L + 4 q + j]
    (0 past the taps and past c); the bias corrected, bias - (in_zp + 128) * sum_t w, wrapped to
    int32; bias, mult and shift in the same channel order (tc_x86_vnni.h, tc_vnni_dwconv_s8). With c = 8,
    16 or 32, or 16 or 32 channels past the last block of 64, the kernel takes those 64 / (c % 64) pixels
    at a time (tc_vnni_dwconv_s8_narrow): the last block holds them repeated to fill 64."""
    p = call.params
    c, taps = p["c"], p["kh"] * p["kw"]
    w = np.asarray(call.bufs[2]).reshape(taps, c)
    per_channel = [np.asarray(b, np.int64).reshape(-1) for b in call.bufs[3:]]
    if c in DW_VNNI_NARROW or c % 64 in DW_VNNI_TAILS:  # the last block: its channels repeated to fill 64
        head, tail = c // 64 * 64, c % 64
        w = np.concatenate([w[:, :head], np.tile(w[:, head:], (1, 64 // tail))], axis=1)
        per_channel = [np.concatenate([b[:head], np.tile(b[head:], 64 // tail)]) for b in per_channel]
        c = head + 64
    nb, ng = -(-c // 64), -(-taps // 4)
    wp = np.zeros((ng * 4, nb * 64), np.int8)
    wp[:taps, :c] = w
    packed = np.ascontiguousarray(wp.reshape(ng, 4, nb, 4, 4, 4).transpose(2, 0, 4, 3, 5, 1))
    bias = _wrap32(per_channel[0] - (p["in_zp"] + 128) * w.astype(np.int64).sum(axis=0))
    extra = [_dw_order(b.astype(np.int32), nb) for b in [bias] + per_channel[1:]]
    return dataclasses.replace(call, bufs=call.bufs[:2] + [packed] + extra)


def _dw_vnni_sizes(p, f, needs):
    _dm1(p, f, needs)
    taps, nb = p["kh"] * p["kw"], -(-p["c"] // 64)
    if p["c"] < 64 and (p["c"] not in DW_VNNI_NARROW or p["sw"] not in (1, 2)):
        raise kt.KernelParamError(f"c = {p['c']}, stride {p['sw']}: the VNNI depthwise kernel takes 64 channels or "
                                  f"more, or {', '.join(map(str, DW_VNNI_NARROW))} at strides 1 and 2")
    if taps > DW_VNNI_TAPS:
        raise kt.KernelParamError(f"a filter of {taps} taps is larger than the VNNI depthwise kernel's "
                                  f"({DW_VNNI_TAPS})")
    needs[2] = nb * -(-taps // 4) * 256
    needs[3] = needs[4] = needs[5] = nb * 64 * 4
    return needs


def _conv_k(p) -> tuple[int, int]:
    """(output channels, K) of a convolution or fully connected call."""
    if "units" in p:
        return p["units"], p["depth"]
    return p["oc"], p["kh"] * p["kw"] * p["c"]


def _direct_f32(p) -> bool:
    """A 1x1 float convolution (or fully connected layer) whose pixels all read inside the input: its
    rows are the input itself, no panel."""
    if "units" in p:
        return True
    return p["kh"] == 1 and p["kw"] == 1 and p["pt"] == 0 and p["pl"] == 0 and \
        (p["oh"] - 1) * p["sh"] < p["h"] and (p["ow"] - 1) * p["sw"] < p["w"]


def _gemm_sizes(quant):
    def sizes(p, f, needs):
        oc, k = _conv_k(p)
        ocp = -(-oc // NR) * NR
        if quant:
            k2 = k + k % 2
            if k2 > KMAX_S8:
                raise kt.KernelParamError(f"K = {k} is larger than the packed kernel's panel ({KMAX_S8})")
            needs[2] = ocp * k2
            needs[3] = needs[4] = needs[5] = ocp * 4
        else:
            if k > KMAX_F32 and not _direct_f32(p):
                raise kt.KernelParamError(f"K = {k} is larger than the packed kernel's panel ({KMAX_F32})")
            needs[2] = ocp * k * 4
            needs[3] = ocp * 4
        return needs
    return sizes


def _dm1(p, f, needs):
    if p["dm"] != 1:
        raise kt.KernelParamError(f"dm = {p['dm']}: the x86-64 depthwise kernels take a depth multiplier of 1")
    return needs


def _dw_avx2(taps):
    """The AVX2 depthwise kernels: depth multiplier 1, channels in multiples of 8, at most ``taps``
    taps (others run the portable kernel)."""
    def sizes(p, f, needs):
        _dm1(p, f, needs)
        if p["c"] % 8 or p["kh"] * p["kw"] > taps:
            raise kt.KernelParamError(f"c = {p['c']}, {p['kh']}x{p['kw']} taps: the AVX2 depthwise kernel takes "
                                      f"channels in multiples of 8 and at most {taps} taps")
        return needs
    return sizes


def _lstm_gp(p) -> int:
    """The float LSTM kernel's gates per step, 4 units rounded up to a vector of 8 (tc_x86_f32.h)."""
    return -(-4 * p["units"] // 8) * 8


def pack_lstm_f32(call):
    """float32 LSTM weights [4, units, n_in] and recurrent weights [4, units, units] -> transposed, the
    4 units gates side by side and padded to gp: w_packed[i, g] = w[g, i] (g = gate units + unit);
    bias padded to gp (targets/x86_64/tc_x86_f32.h, tc_fast_lstm_f32)."""
    p = call.params
    g, gp = 4 * p["units"], _lstm_gp(p)

    def packed(a, n):
        out = np.zeros((n, gp), np.float32)
        out[:, :g] = np.asarray(a, np.float32).reshape(g, n).T
        return out
    w, r, b = call.bufs[4:7]
    bias = np.zeros(gp, np.float32)
    bias[:g] = np.asarray(b, np.float32).reshape(-1)
    return dataclasses.replace(call, bufs=call.bufs[:4] + [packed(w, p["n_in"]), packed(r, p["units"]), bias])


def _lstm_sizes(p, f, needs):
    gp = _lstm_gp(p)
    needs[4], needs[5], needs[6] = p["n_in"] * gp * 4, p["units"] * gp * 4, gp * 4
    return needs


X86_64 = platform.machine().lower() in ("x86_64", "amd64")

for _isa in ("avx2", "avxvnni") if X86_64 else ():  # avxvnni: the same code, its int8 products on vpdpwssd
    for _name, _quant in (("conv2d_s8", True), ("fc_s8", True), ("conv2d_f32", False), ("fc_f32", False)):
        register(Impl(kt.get(_name), _isa, prepare=pack_gemm_s8 if _quant else pack_gemm_f32,
                      sizes=_gemm_sizes(_quant), scratch=lambda p, f: 0))
    for _name, _taps in (("dwconv2d_s8", DW_TAPS), ("dwconv2d_f32", DW_TAPS_F32)):
        register(Impl(kt.get(_name), _isa, sizes=_dw_avx2(_taps), scratch=lambda p, f: 0))
    register(Impl(kt.get("add_s8"), _isa))
    if _isa == "avx2":  # NCHW -> NHWC of three planes by byte shuffles (tc_avx2.c); the rest portable
        register(Impl(kt.get("copy_nd"), _isa))
    register(Impl(kt.get("lstm_f32"), _isa, prepare=pack_lstm_f32, sizes=_lstm_sizes,
                  scratch=lambda p, f: _lstm_gp(p) * 4))
for _name in ("conv2d_s8", "fc_s8") if X86_64 else ():
    register(Impl(kt.get(_name), "avx512vnni", prepare=pack_vnni_s8, sizes=_vnni_sizes, scratch=lambda p, f: 0))
if X86_64:
    register(Impl(kt.get("dwconv2d_s8"), "avx512vnni", prepare=pack_dw_vnni_s8, sizes=_dw_vnni_sizes,
                  scratch=lambda p, f: 0))
    for _name in ("add_s8", "add_s16", "binary_s16"):  # binary_s16: SUB (its other ops: the portable code)
        register(Impl(kt.get(_name), "avx512vnni"))
