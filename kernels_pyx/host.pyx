# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# cython: nonecheck=False, overflowcheck=False, embedsignature=True
"""tinycc._host: the host executor.

``Executor(arena_nbytes, steps, consts)`` takes a kernel plan (one step per kernel call:
kernel name, buffers, integer and float parameters), validates every step once, and then
``run()`` executes the whole plan in one call with the GIL released and no Python between
kernels. Kernel semantics are those of the NumPy reference in ``tinycc/ops``; int8 kernels
are bit-exact with it (and so with TFLite Micro).

Safety contract: the constructor computes, from each step's parameters, exactly how many
bytes each kernel touches in each buffer and rejects the step unless that fits the buffer,
the buffer fits its space (the arena or a constant array), the parameters are sane (sizes >=
1, strides >= 1, shifts in range, ...), 4-byte operands are 4-byte aligned, and the output is
in the arena. After that the kernels check nothing per element and never touch memory
outside their buffers. Buffers may overlap (the planner decides what may run in place); the
kernels stay memory-safe whatever the overlap, and compute the right result in place (output
at exactly the input's offset) for: copy (any overlap), requantize_s8, quantize_f32_s8,
softmax_s8, softmax_s16, softmax_f32, and add_s8 / add_f32 when the aliased input is not broadcast. Not
in place: convolutions, fully connected, pooling, dequantize_s8_f32 (but see streaming).

int32 and float32 buffers must be 4-byte aligned (arena offsets multiple of 4).

Fast kernels. Besides the kernels of the op table's lowering (the ABI shared with the C
targets), ``*_packed`` kernels take the same buffers and parameters with the weights packed by
tinycc/backend_host.py (``host_kernel``) in the layout their inner loops want; they and the
depthwise convolutions (depth multiplier 1) and the contiguous ADDs run C code with AVX2
intrinsics (fast_s8.h, fast_f32.h; portable C when built without AVX2 or after
``set_simd(False)``). Their inner loops may keep a few KB of work space on the stack (a panel
of converted input rows, prepared constants); that is host-only and not part of the arena.
``run_batch`` runs many samples in one call, ``run_io`` one sample with little Python around it.

Row streaming. A step may be ``(name, bufs, iparams, fparams, stream)``. ``stream`` is None
or ``(delay, epilogue)`` or ``(delay, epilogue, reverse)``, allowed for the kernels in
``STREAMABLE`` (convolutions, depthwise convolutions, pooling) with n = 1, 0 <= delay <= oh.
The step then computes its output row by row (a few rows per kernel call, see run_streamed)
into a ring of ``delay + 1`` rows in scratch, and writes output row q only once rows 0..q +
delay are computed; so the output may
overlap the input whenever the bytes of rows 0..q are no longer read by rows q + delay + 1
onward (the planner proves that). With ``reverse`` (default False) the rows run from the
last to the first: row q is written once rows oh - 1..q - delay are computed, for an output
that overlaps the input from above. ``epilogue`` is None or ``(add_kernel, other_buf,
add_iparams, add_fparams, conv_first)``: a fused elementwise ADD of the same shape, applied
as each row is written: out[q] = ADD(row q, other[q]) (``conv_first``) or ADD(other[q], row
q). ``add_kernel`` is
"add_s8" for the int8 kernels (add_iparams: act_min, act_max, in1_off, in2_off, out_off,
left_shift, m1, s1, m2, s2, mo, so; no fparams) or "add_f32" (no iparams; add_fparams:
act_min, act_max); ``other_buf`` is (space, offset, nbytes) holding the oh * ow * channels
output-typed elements, and may be the output itself (row q of other is read just before
output row q is written). A streamed step needs the kernel's scratch, rounded up to 64
bytes, plus ``(delay + 1) * ow * channels * element size``; the results are bit for bit
those of the plain kernel (then the ADD kernel).
"""
from libc.stdint cimport (int8_t, int16_t, int32_t, int64_t, uint8_t, uint32_t, uint64_t, uintptr_t,
                          INT32_MIN, INT32_MAX)
from libc.string cimport memcpy, memmove, memset
from libc.stdlib cimport calloc, free
from libc.math cimport floor, fabs, expf
cimport numpy as cnp

import math
import operator

import numpy as np

cnp.import_array()

cdef extern from "tinycc_kernels.h":
    ctypedef void (*tc_kernel_fn)(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil

cdef struct Step:
    int kind
    tc_kernel_fn cfn       # K_C_ABI: the portable C kernel (targets/generic) the step calls
    int32_t cip[32]        # K_C_ABI: its iparams and fparams as the C ABI takes them
    float cfp[4]
    char* buf[12]          # MAX_BUFS
    char* scratch          # the step's scratch in the arena, or NULL: the executor's own
    int64_t ip[32]
    double fp[4]
    # row streaming (see run_streamed); zero (calloc) for a step run as one kernel call
    int stream             # 1: run row by row through a ring in scratch
    int reverse            # rows from the last to the first
    int pt_index, sh_index  # where the kernel keeps pt and sh in ip (oh is ip[4])
    int64_t delay          # rows computed ahead of the row being flushed
    int64_t rb             # bytes per output row (ow * channels * element size)
    int64_t ring_off       # the ring's offset in scratch (after the kernel's own scratch)
    int epi_kind           # -1: no epilogue; K_ADD_S8 / K_ADD_F32: fused ADD on flush
    int conv_first         # the kernel's row is the ADD's input1 (else input2)
    char* other            # the ADD's other operand, oh rows of rb bytes
    int64_t eip[12]        # the ADD's iparams after its geometry
    double efp[2]          # the ADD's fparams

cdef struct AddS8Params:
    int32_t act_min, act_max, in1_off, in2_off, out_off
    int left_shift
    int32_t m1, m2, mo
    int l1, r1, l2, r2, lo, ro

include "fixedpoint.pxi"
include "kernels_fast.pxi"
include "kernels_s8.pxi"
include "kernels_f32.pxi"

# kernel ids, in the order of _SPECS below
cdef enum:
    K_CONV2D_S8, K_DWCONV2D_S8, K_FC_S8, K_AVGPOOL_S8, K_MAXPOOL_S8, K_ADD_S8, K_SOFTMAX_S8,
    K_COPY, K_QUANTIZE_F32_S8, K_REQUANTIZE_S8, K_DEQUANTIZE_S8_F32,
    K_CONV2D_F32, K_DWCONV2D_F32, K_FC_F32, K_AVGPOOL_F32, K_MAXPOOL_F32, K_ADD_F32, K_SOFTMAX_F32,
    K_CONV2D_S8_PACKED, K_FC_S8_PACKED, K_CONV2D_F32_PACKED, K_FC_F32_PACKED,
    K_C_ABI  # a kernel of targets/generic shared with the C targets (c_kernels.pxi)


cdef void run_kernel(Step* s, char* scratch) noexcept nogil:
    cdef int k = s.kind
    if k == K_CONV2D_S8:
        k_conv2d_s8(s, scratch)
    elif k == K_DWCONV2D_S8:
        k_dwconv2d_s8(s, scratch)
    elif k == K_FC_S8:
        k_fc_s8(s, scratch)
    elif k == K_AVGPOOL_S8:
        k_pool_s8(s, scratch, False)
    elif k == K_MAXPOOL_S8:
        k_pool_s8(s, scratch, True)
    elif k == K_ADD_S8:
        k_add_s8(s, scratch)
    elif k == K_SOFTMAX_S8:
        k_softmax_s8(s, scratch)
    elif k == K_COPY:
        k_copy(s, scratch)
    elif k == K_QUANTIZE_F32_S8:
        k_quantize_f32_s8(s, scratch)
    elif k == K_REQUANTIZE_S8:
        k_requantize_s8(s, scratch)
    elif k == K_DEQUANTIZE_S8_F32:
        k_dequantize_s8_f32(s, scratch)
    elif k == K_CONV2D_F32:
        k_conv2d_f32(s, scratch)
    elif k == K_DWCONV2D_F32:
        k_dwconv2d_f32(s, scratch)
    elif k == K_FC_F32:
        k_fc_f32(s, scratch)
    elif k == K_AVGPOOL_F32:
        k_pool_f32(s, scratch, False)
    elif k == K_MAXPOOL_F32:
        k_pool_f32(s, scratch, True)
    elif k == K_ADD_F32:
        k_add_f32(s, scratch)
    elif k == K_SOFTMAX_F32:
        k_softmax_f32(s, scratch)
    elif k == K_CONV2D_S8_PACKED:
        k_conv2d_s8_packed(s, scratch)
    elif k == K_FC_S8_PACKED:
        k_fc_s8_packed(s, scratch)
    elif k == K_CONV2D_F32_PACKED:
        k_conv2d_f32_packed(s, scratch)
    elif k == K_FC_F32_PACKED:
        k_fc_f32_packed(s, scratch)
    elif k == K_C_ABI:
        s.cfn(<void**>s.buf, s.cip, s.cfp, scratch)


cdef inline void flush_row(Step* s, Step* add, Py_ssize_t q, char* slot) noexcept nogil:
    """Output row q from its ring slot: a copy, or the fused ADD with row q of the other operand."""
    cdef char* dst = s.buf[1] + q * s.rb
    if s.epi_kind < 0:
        memcpy(dst, slot, <size_t>s.rb)
        return
    if s.conv_first:
        add.buf[0] = slot
        add.buf[1] = s.other + q * s.rb
    else:
        add.buf[0] = s.other + q * s.rb
        add.buf[1] = slot
    add.buf[2] = dst
    run_kernel(add, NULL)  # the ADD kernels use no scratch


cdef enum:
    STREAM_BATCH_BYTES = 16384  # rows a streamed step computes per kernel call: a host stack buffer
    STREAM_BATCH_ROWS = 8


cdef void run_streamed(Step* s, char* scratch) noexcept nogil:
    """A sliding-window kernel row by row (n == 1).

    Rows are processed in order (forward: 0, 1, ..., oh - 1; reverse: oh - 1, ..., 0); row r
    goes into ring slot r % (delay + 1) in scratch, and once it is there row r - delay (reverse:
    r + delay) is flushed to the output. So output row q is written only after rows 0..q + delay
    have been computed: it may overwrite input the later rows no longer read.

    The kernel computes up to STREAM_BATCH_ROWS consecutive rows per call (oh = k and pt - r * sh
    for its first row r, so its input rows are those of the full call) into a batch buffer on
    the stack, whose rows then enter the ring one by one: all the rows of a batch are computed
    before any of them is flushed, which only delays writes, so the in-place condition of the
    row-by-row order holds. (Rows longer than the buffer are computed one at a time, straight
    into their ring slot; so are the rows of a reverse step.) Every address stays inside the
    buffers the constructor validated for the full call: the ring is in scratch, row q of the
    output and of `other` are within their oh rows."""
    cdef Step row = s[0]
    cdef Step add
    cdef char batch[STREAM_BATCH_BYTES]
    cdef Py_ssize_t oh = s.ip[4], d = s.delay, i, r, q, j, k, first
    cdef Py_ssize_t nslot = s.delay + 1, rb = s.rb
    cdef Py_ssize_t nbatch = STREAM_BATCH_BYTES // rb
    cdef int64_t pt = s.ip[s.pt_index], sh = s.ip[s.sh_index]
    cdef char* ring = scratch + s.ring_off
    if nbatch > STREAM_BATCH_ROWS:
        nbatch = STREAM_BATCH_ROWS
    if s.reverse:
        nbatch = 1  # reverse (growing 1x1 convolutions): one row at a time, as the C runtime does
    row.stream = 0
    memset(&add, 0, sizeof(Step))
    if s.epi_kind >= 0:
        add.kind = s.epi_kind
        for j in range(6):
            add.ip[j] = 1        # d0..d5 = 1, ..., 1, ow * channels
            add.ip[6 + j] = 0    # input1 strides
            add.ip[12 + j] = 0   # input2 strides
        add.ip[5] = rb // (1 if s.epi_kind == K_ADD_S8 else 4)
        add.ip[11] = 1
        add.ip[17] = 1
        for j in range(12):
            add.ip[18 + j] = s.eip[j]
        add.fp[0] = s.efp[0]
        add.fp[1] = s.efp[1]
    i = 0  # rows processed so far
    while i < oh:
        k = oh - i
        if k > nbatch:
            k = nbatch if nbatch > 1 else 1
        first = oh - i - k if s.reverse else i  # the batch is rows first..first + k - 1
        row.ip[4] = k
        row.ip[s.pt_index] = pt - first * sh
        if nbatch <= 1:
            row.buf[1] = ring + (first % nslot) * rb
            run_kernel(&row, scratch)
        else:
            row.buf[1] = batch
            run_kernel(&row, scratch)
        for j in range(k):
            r = oh - 1 - (i + j) if s.reverse else i + j
            if nbatch > 1:
                memcpy(ring + (r % nslot) * rb, batch + (r - first) * rb, <size_t>rb)
            if i + j >= d:
                q = r + d if s.reverse else r - d
                flush_row(s, &add, q, ring + (q % nslot) * rb)
        i += k
    # then the rows still in the ring, in the same order
    i = oh - d
    if i < 0:
        i = 0
    while i < oh:
        q = oh - 1 - i if s.reverse else i
        flush_row(s, &add, q, ring + (q % nslot) * rb)
        i += 1


cdef void run_step(Step* s, char* scratch) noexcept nogil:
    if s.stream:
        run_streamed(s, scratch)
    else:
        run_kernel(s, scratch)


# ---- parameter validation (Python, runs once per step in the constructor) -----------------------

_I32_MIN = -(1 << 31)
_I32_MAX = (1 << 31) - 1
_SIZE_LIMIT = 1 << 62  # any byte count or index product above this is rejected as overflow
_FLT_MAX = 3.4028234663852886e38


class _Bad(Exception):
    """A step's parameters are invalid; the constructor turns it into a ValueError."""


def _prod(*xs):
    r = 1
    for x in xs:
        r *= x
        if r > _SIZE_LIMIT:
            raise _Bad(f"size product {' * '.join(map(str, xs))} overflows 64-bit arithmetic")
    return r


def _dims(p, *names):
    for k in names:
        if p[k] < 1:
            raise _Bad(f"{k} = {p[k]} must be >= 1")


def _rng(p, name, lo, hi):
    if not lo <= p[name] <= hi:
        raise _Bad(f"{name} = {p[name]} must be in [{lo}, {hi}]")


def _act_s8(p):
    _rng(p, "act_min", -128, 127)
    _rng(p, "act_max", -128, 127)
    if p["act_min"] > p["act_max"]:
        raise _Bad(f"act_min = {p['act_min']} > act_max = {p['act_max']}")


def _act_f32(f):
    if f["act_min"] > f["act_max"]:
        raise _Bad(f"act_min = {f['act_min']} > act_max = {f['act_max']}")


def _zp(p, *names):
    for k in names:
        _rng(p, k, -128, 127)


def _shift(p, *names):
    for k in names:
        _rng(p, k, -31, 31)


def _conv(p, f, quant, depthwise):
    _dims(p, "n", "h", "w", "c", "oh", "ow", "oc", "kh", "kw", "sh", "sw", "dh", "dw")
    _rng(p, "pt", 0, _I32_MAX)
    _rng(p, "pl", 0, _I32_MAX)
    # the kernels compute oy * sh - pt + ky * dh in 64 bits
    _prod(p["oh"], p["sh"]) + _prod(p["kh"], p["dh"])
    _prod(p["ow"], p["sw"]) + _prod(p["kw"], p["dw"])
    if depthwise:
        _dims(p, "dm")
        if p["oc"] != _prod(p["c"], p["dm"]):
            raise _Bad(f"oc = {p['oc']} must equal c * dm = {p['c']} * {p['dm']}")
    if quant:
        _act_s8(p)
        _zp(p, "in_zp", "out_zp")
    else:
        _act_f32(f)
    e = 1 if quant else 4
    nx = _prod(p["n"], p["h"], p["w"], p["c"], e)
    ny = _prod(p["n"], p["oh"], p["ow"], p["oc"], e)
    nw = _prod(p["kh"], p["kw"], p["oc"], e) if depthwise else _prod(p["oc"], p["kh"], p["kw"], p["c"], e)
    nb = _prod(p["oc"], 4)
    scratch = _prod(p["oc"], 4) if depthwise else 0
    if quant:
        return [nx, ny, nw, nb, nb, nb], scratch, p["oc"]
    return [nx, ny, nw, nb], scratch, p["oc"]


def _fc(p, f, quant):
    _dims(p, "batches", "depth", "units")
    e = 1 if quant else 4
    nx = _prod(p["batches"], p["depth"], e)
    ny = _prod(p["batches"], p["units"], e)
    nw = _prod(p["units"], p["depth"], e)
    nb = _prod(p["units"], 4)
    if quant:
        _act_s8(p)
        _zp(p, "in_zp", "out_zp")
        return [nx, ny, nw, nb, nb, nb], 0, p["units"]
    _act_f32(f)
    return [nx, ny, nw, nb], 0, p["units"]


#: output channels per block of packed weights, and the largest K of the fast kernels' panels
PACK_BLOCK = TC_NR
KMAX_S8 = TC_KMAX_S8
KMAX_F32 = TC_KMAX_F32


def _packed_weights(needs, quant, oc, K, direct):
    """The buffer sizes of a packed convolution / fully connected step (see fast_s8.h and fast_f32.h):
    weights in blocks of PACK_BLOCK output channels, bias (mult, shift) padded to whole blocks."""
    ocp = _prod((oc + PACK_BLOCK - 1) // PACK_BLOCK, PACK_BLOCK)
    if quant:
        K2 = K + K % 2
        if K2 > KMAX_S8:
            raise _Bad(f"kh * kw * c = {K} is larger than the packed kernel's panel ({KMAX_S8})")
        needs[2] = _prod(ocp, K2)
        needs[3] = needs[4] = needs[5] = _prod(ocp, 4)
    else:
        if K > KMAX_F32 and not direct:
            raise _Bad(f"kh * kw * c = {K} is larger than the packed kernel's panel ({KMAX_F32})")
        needs[2] = _prod(ocp, K, 4)
        needs[3] = _prod(ocp, 4)
    return needs, ocp


def _conv_packed(p, f, quant):
    needs, scratch, _ = _conv(p, f, quant, False)
    # a 1x1 float convolution whose pixels all read inside the input uses the input as its rows
    direct = p["kh"] == 1 and p["kw"] == 1 and p["pt"] == 0 and p["pl"] == 0 and \
        (p["oh"] - 1) * p["sh"] < p["h"] and (p["ow"] - 1) * p["sw"] < p["w"]
    needs, ocp = _packed_weights(needs, quant, p["oc"], _prod(p["kh"], p["kw"], p["c"]), direct)
    return needs, scratch, ocp if quant else 0


def _fc_packed(p, f, quant):
    needs, scratch, _ = _fc(p, f, quant)
    needs, ocp = _packed_weights(needs, quant, p["units"], p["depth"], True)
    return needs, scratch, ocp if quant else 0


def _pool(p, f, quant, is_max):
    _dims(p, "n", "h", "w", "c", "oh", "ow", "kh", "kw", "sh", "sw")
    _rng(p, "pt", 0, _I32_MAX)
    _rng(p, "pl", 0, _I32_MAX)
    # every window must cover at least one input pixel (windows move monotonically, so the
    # first and the last one decide)
    if p["pt"] >= p["kh"] or p["pl"] >= p["kw"]:
        raise _Bad(f"padding (pt={p['pt']}, pl={p['pl']}) must be smaller than the window "
                   f"({p['kh']}x{p['kw']})")
    if _prod(p["oh"] - 1, p["sh"]) - p["pt"] >= p["h"] or _prod(p["ow"] - 1, p["sw"]) - p["pl"] >= p["w"]:
        raise _Bad(f"the last {p['oh']}x{p['ow']} output window starts outside the "
                   f"{p['h']}x{p['w']} input")
    if quant:
        _act_s8(p)
        if not is_max and min(p["kh"], p["h"]) * min(p["kw"], p["w"]) > (1 << 23):
            raise _Bad("the pooling window is too large for the int32 sum")
    else:
        _act_f32(f)
    e = 1 if quant else 4
    return [_prod(p["n"], p["h"], p["w"], p["c"], e), _prod(p["n"], p["oh"], p["ow"], p["c"], e)], \
        _prod(p["c"], 4), 0


def _add(p, f, quant):
    d = [p[f"d{i}"] for i in range(6)]
    _dims(p, *[f"d{i}" for i in range(6)])
    for k in [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(6)]:
        _rng(p, k, 0, _I32_MAX)
    e = 1 if quant else 4
    need1 = (sum(_prod(d[i] - 1, p[f"a{i}"]) for i in range(6)) + 1) * e
    need2 = (sum(_prod(d[i] - 1, p[f"b{i}"]) for i in range(6)) + 1) * e
    ny = _prod(*d, e)
    if quant:
        _act_s8(p)
        _rng(p, "in1_off", -255, 255)
        _rng(p, "in2_off", -255, 255)
        _zp(p, "out_off")
        _rng(p, "left_shift", 0, 31)
        for k in ("m1", "m2", "mo"):
            _rng(p, k, 0, _I32_MAX)
        _shift(p, "s1", "s2", "so")
    else:
        _act_f32(f)
    return [need1, need2, ny], 0, 0


def _softmax(p, f, quant):
    _dims(p, "outer", "depth")
    n = _prod(p["outer"], p["depth"], 1 if quant else 4)
    if quant:
        _rng(p, "mult", 0, _I32_MAX)
        _rng(p, "left_shift", 0, 31)
        _rng(p, "diff_min", _I32_MIN, 0)
        # every diff the kernel scales (diff_min <= diff <= 0, diff >= -255) times
        # 2**left_shift must fit int32
        if min(-p["diff_min"], 255) << p["left_shift"] > (1 << 31):
            raise _Bad(f"diff_min = {p['diff_min']} with left_shift = {p['left_shift']} "
                       f"overflows the int32 scaled difference")
    elif not math.isfinite(f["beta"]):
        raise _Bad(f"beta = {f['beta']} must be finite")
    return [n, n], 0, 0


def _copy(p, f):
    _rng(p, "nbytes", 0, _I32_MAX)
    return [p["nbytes"], p["nbytes"]], 0, 0


def _positive_scale(f):
    if not (math.isfinite(f["scale"]) and f["scale"] > 0):
        raise _Bad(f"scale = {f['scale']} must be finite and > 0")


def _quantize(p, f):
    _rng(p, "size", 0, _I32_MAX)
    _zp(p, "zp")
    _positive_scale(f)
    return [_prod(p["size"], 4), p["size"]], 0, 0


def _requantize(p, f):
    _rng(p, "size", 0, _I32_MAX)
    _zp(p, "in_zp", "out_zp")
    _rng(p, "mult", 0, _I32_MAX)
    _shift(p, "shift")
    return [p["size"], p["size"]], 0, 0


def _dequantize(p, f):
    _rng(p, "size", 0, _I32_MAX)
    _zp(p, "zp")
    _positive_scale(f)
    return [p["size"], _prod(p["size"], 4)], 0, 0


_CONV_GEOM = ("n", "h", "w", "c", "oh", "ow", "oc", "kh", "kw", "sh", "sw", "dh", "dw", "pt", "pl")
_POOL_GEOM = ("n", "h", "w", "c", "oh", "ow", "kh", "kw", "sh", "sw", "pt", "pl")
_ADD_GEOM = tuple(f"d{i}" for i in range(6)) + tuple(f"a{i}" for i in range(6)) + tuple(f"b{i}" for i in range(6))
_S8_CONV_BUFS = ("in", "out", "w", "bias", "mult", "shift")
_F32_CONV_BUFS = ("in", "out", "w", "bias")
_ACT = ("act_min", "act_max")

# name: (kernel id, buffer names, element size of each buffer (alignment), index of the output
#        buffer (a tuple when the kernel writes several, e.g. an op's state), iparam names, fparam names, check(p, f) -> ([bytes per buffer], scratch bytes,
#        number of per-channel shifts in buffer "shift" (0: no such buffer)))
_SPECS = {
    "conv2d_s8": (K_CONV2D_S8, _S8_CONV_BUFS, (1, 1, 1, 4, 4, 4), 1,
                  _CONV_GEOM + _ACT + ("in_zp", "out_zp"), (), lambda p, f: _conv(p, f, True, False)),
    "dwconv2d_s8": (K_DWCONV2D_S8, _S8_CONV_BUFS, (1, 1, 1, 4, 4, 4), 1,
                    _CONV_GEOM + _ACT + ("in_zp", "out_zp", "dm"), (), lambda p, f: _conv(p, f, True, True)),
    "fc_s8": (K_FC_S8, _S8_CONV_BUFS, (1, 1, 1, 4, 4, 4), 1,
              ("batches", "depth", "units") + _ACT + ("in_zp", "out_zp"), (), lambda p, f: _fc(p, f, True)),
    "avgpool_s8": (K_AVGPOOL_S8, ("in", "out"), (1, 1), 1, _POOL_GEOM + _ACT, (),
                   lambda p, f: _pool(p, f, True, False)),
    "maxpool_s8": (K_MAXPOOL_S8, ("in", "out"), (1, 1), 1, _POOL_GEOM + _ACT, (),
                   lambda p, f: _pool(p, f, True, True)),
    "add_s8": (K_ADD_S8, ("in1", "in2", "out"), (1, 1, 1), 2,
               _ADD_GEOM + _ACT + ("in1_off", "in2_off", "out_off", "left_shift", "m1", "s1", "m2", "s2",
                                   "mo", "so"), (), lambda p, f: _add(p, f, True)),
    "softmax_s8": (K_SOFTMAX_S8, ("in", "out"), (1, 1), 1, ("outer", "depth", "mult", "left_shift", "diff_min"),
                   (), lambda p, f: _softmax(p, f, True)),
    "copy": (K_COPY, ("in", "out"), (1, 1), 1, ("nbytes",), (), _copy),
    "quantize_f32_s8": (K_QUANTIZE_F32_S8, ("in", "out"), (4, 1), 1, ("size", "zp"), ("scale",), _quantize),
    "requantize_s8": (K_REQUANTIZE_S8, ("in", "out"), (1, 1), 1, ("size", "in_zp", "out_zp", "mult", "shift"),
                      (), _requantize),
    "dequantize_s8_f32": (K_DEQUANTIZE_S8_F32, ("in", "out"), (1, 4), 1, ("size", "zp"), ("scale",), _dequantize),
    "conv2d_f32": (K_CONV2D_F32, _F32_CONV_BUFS, (4, 4, 4, 4), 1, _CONV_GEOM, _ACT,
                   lambda p, f: _conv(p, f, False, False)),
    "dwconv2d_f32": (K_DWCONV2D_F32, _F32_CONV_BUFS, (4, 4, 4, 4), 1, _CONV_GEOM + ("dm",), _ACT,
                     lambda p, f: _conv(p, f, False, True)),
    "fc_f32": (K_FC_F32, _F32_CONV_BUFS, (4, 4, 4, 4), 1, ("batches", "depth", "units"), _ACT,
               lambda p, f: _fc(p, f, False)),
    "avgpool_f32": (K_AVGPOOL_F32, ("in", "out"), (4, 4), 1, _POOL_GEOM, _ACT, lambda p, f: _pool(p, f, False, False)),
    "maxpool_f32": (K_MAXPOOL_F32, ("in", "out"), (4, 4), 1, _POOL_GEOM, _ACT, lambda p, f: _pool(p, f, False, True)),
    "add_f32": (K_ADD_F32, ("in1", "in2", "out"), (4, 4, 4), 2, _ADD_GEOM, _ACT, lambda p, f: _add(p, f, False)),
    "softmax_f32": (K_SOFTMAX_F32, ("in", "out"), (4, 4), 1, ("outer", "depth"), ("beta",),
                    lambda p, f: _softmax(p, f, False)),
    # the fast kernels: the parameters of the plain ones, weights packed by the host backend
    "conv2d_s8_packed": (K_CONV2D_S8_PACKED, _S8_CONV_BUFS, (1, 1, 1, 4, 4, 4), 1,
                         _CONV_GEOM + _ACT + ("in_zp", "out_zp"), (), lambda p, f: _conv_packed(p, f, True)),
    "fc_s8_packed": (K_FC_S8_PACKED, _S8_CONV_BUFS, (1, 1, 1, 4, 4, 4), 1,
                     ("batches", "depth", "units") + _ACT + ("in_zp", "out_zp"), (),
                     lambda p, f: _fc_packed(p, f, True)),
    "conv2d_f32_packed": (K_CONV2D_F32_PACKED, _F32_CONV_BUFS, (4, 4, 4, 4), 1, _CONV_GEOM, _ACT,
                          lambda p, f: _conv_packed(p, f, False)),
    "fc_f32_packed": (K_FC_F32_PACKED, _F32_CONV_BUFS, (4, 4, 4, 4), 1, ("batches", "depth", "units"), _ACT,
                      lambda p, f: _fc_packed(p, f, False)),
}

include "c_kernels.pxi"
_SPECS.update(_C_SPECS)
# the Step struct's arrays bound every kernel's operands
assert all(len(sp[1]) <= 12 and len(sp[4]) <= 32 and len(sp[5]) <= 4 for sp in _SPECS.values())

#: the kernels the executor runs by calling the portable C kernel of targets/generic
C_ABI_KERNELS = tuple(sorted(_C_SPECS))

#: kernel name -> (buffer names, iparam names, fparam names): the executor's ABI
KERNELS = {name: (spec[1], spec[4], spec[5]) for name, spec in _SPECS.items()}
#: kernel name -> the index of its output buffer
OUTPUT_INDEX = {name: spec[3] for name, spec in _SPECS.items()}


def _int(v, what):
    try:
        return operator.index(v)
    except TypeError:
        raise _Bad(f"{what} must be an integer, got {v!r}") from None


def _aligned_array(Py_ssize_t nbytes):
    """A zeroed uint8 array of nbytes whose data is 64-byte aligned (a view; it keeps its base)."""
    raw = np.zeros(nbytes + 64, np.uint8)
    off = (-raw.ctypes.data) % 64
    return raw[off:off + nbytes]


def _iparams(names, values):
    p = {}
    for k, v in zip(names, values):
        v = _int(v, f"iparam {k}")
        if not _I32_MIN <= v <= _I32_MAX:
            raise _Bad(f"iparam {k} = {v} is outside the int32 range")
        p[k] = v
    return p


def _fparams(names, values):
    f = {}
    for k, v in zip(names, values):
        try:
            v = float(v)
        except (TypeError, ValueError):
            raise _Bad(f"fparam {k} must be a float, got {v!r}") from None
        if math.isnan(v) or (math.isfinite(v) and abs(v) > _FLT_MAX):
            raise _Bad(f"fparam {k} = {v} is not a float32 value")
        f[k] = v
    return f


def _outs(out_index):
    return out_index if isinstance(out_index, tuple) else (out_index,)


def _buffer(bname, b, esize, need, is_out, arena_nbytes, spaces):
    """Validate one (space, offset, nbytes) buffer; return (space, address)."""
    try:
        space, off, nbytes = (operator.index(x) for x in b)
    except (TypeError, ValueError):
        raise _Bad(f"buffer {bname} must be (space, offset, nbytes) integers, got {b!r}") from None
    if space == -1:
        base, size, where = 0, arena_nbytes, "the arena"
    elif 0 <= space < len(spaces):
        base, size = spaces[space]
        where = f"consts[{space}]"
    else:
        raise _Bad(f"buffer {bname}: space {space} does not exist (-1 = arena, "
                   f"0..{len(spaces) - 1} = consts)")
    if off < 0 or nbytes < 0 or off + nbytes > size:
        raise _Bad(f"buffer {bname}: bytes [{off}, {off + nbytes}) are outside {where} "
                   f"({size} bytes)")
    if need > nbytes:
        raise _Bad(f"buffer {bname}: the parameters make the kernel touch {need} bytes, "
                   f"but the buffer has {nbytes}")
    if (base + off) % esize:
        raise _Bad(f"buffer {bname}: address {base + off:#x} is not {esize}-byte aligned")
    if is_out and space != -1:
        raise _Bad(f"buffer {bname} is the output and must be in the arena, not {where}")
    return space, base + off


#: kernel name -> (index of pt in iparams, index of sh in iparams, index of the channel count
#: of the output (oc or c) in iparams, element size): the kernels that accept a `stream`
_STREAM = {
    "conv2d_s8": (13, 9, 6, 1), "dwconv2d_s8": (13, 9, 6, 1),
    "avgpool_s8": (10, 8, 3, 1), "maxpool_s8": (10, 8, 3, 1),
    "conv2d_f32": (13, 9, 6, 4), "dwconv2d_f32": (13, 9, 6, 4),
    "conv2d_s8_packed": (13, 9, 6, 1), "conv2d_f32_packed": (13, 9, 6, 4),
    "avgpool_f32": (10, 8, 3, 4), "maxpool_f32": (10, 8, 3, 4),
}

#: the kernels whose steps may carry a `stream` (row streaming, optionally with a fused ADD)
STREAMABLE = frozenset(_STREAM)

_ADD_S8_PARAMS = ("act_min", "act_max", "in1_off", "in2_off", "out_off", "left_shift", "m1", "s1", "m2",
                  "s2", "mo", "so")


def _stream(name, ip, kscratch, stream, arena_nbytes, spaces):
    """Validate a step's `stream` = (delay, epilogue); return (its Step fields, scratch bytes)."""
    if name not in _STREAM:
        raise _Bad(f"stream is only supported for {', '.join(sorted(_STREAM))}")
    try:
        stream = tuple(stream)
        if len(stream) == 3:
            delay, epilogue, reverse = stream
        else:
            delay, epilogue = stream
            reverse = False
    except (TypeError, ValueError):
        raise _Bad(f"stream must be None, (delay, epilogue) or (delay, epilogue, reverse), got {stream!r}") from None
    if not isinstance(reverse, (bool, np.bool_)):
        raise _Bad(f"stream reverse must be True or False, got {reverse!r}")
    pt_index, sh_index, ch_index, e = _STREAM[name]
    n, oh, ow, ch = ip[0], ip[4], ip[5], ip[ch_index]
    if n != 1:
        raise _Bad(f"stream needs n = 1, got n = {n}")
    delay = _int(delay, "stream delay")
    if not 0 <= delay <= oh:
        raise _Bad(f"stream delay = {delay} must be in [0, oh = {oh}]")
    rb = _prod(ow, ch, e)
    ring_off = (kscratch + 63) // 64 * 64
    scratch = ring_off + _prod(delay + 1, rb)
    fields = dict(stream=1, reverse=int(bool(reverse)), pt_index=pt_index, sh_index=sh_index, delay=delay, rb=rb, ring_off=ring_off,
                  epi_kind=-1, conv_first=0, other=(None, 0), eip=[], efp=[])
    if epilogue is None:
        return fields, scratch
    try:
        add_kernel, other, add_ip, add_fp, conv_first = epilogue
    except (TypeError, ValueError):
        raise _Bad("stream epilogue must be None or (add_kernel, other_buf, add_iparams, add_fparams, "
                   f"conv_first), got {epilogue!r}") from None
    want = "add_s8" if e == 1 else "add_f32"
    if add_kernel != want:
        raise _Bad(f"stream epilogue kernel must be {want!r}, got {add_kernel!r}")
    inames = _ADD_S8_PARAMS if e == 1 else ()
    fnames = () if e == 1 else _ACT
    add_ip, add_fp = list(add_ip), list(add_fp)
    if len(add_ip) != len(inames):
        raise _Bad(f"stream epilogue {want} expects {len(inames)} iparams ({', '.join(inames) or 'none'}), "
                   f"got {len(add_ip)}")
    if len(add_fp) != len(fnames):
        raise _Bad(f"stream epilogue {want} expects {len(fnames)} fparams ({', '.join(fnames) or 'none'}), "
                   f"got {len(add_fp)}")
    if not isinstance(conv_first, (bool, np.bool_)):
        raise _Bad(f"stream epilogue conv_first must be True or False, got {conv_first!r}")
    try:
        p = _iparams(inames, add_ip)
        f = _fparams(fnames, add_fp)
        # the ADD of one output row: rank 1, ow * channels elements, unit strides
        for j in range(6):
            p[f"d{j}"], p[f"a{j}"], p[f"b{j}"] = 1, 0, 0
        p["d5"], p["a5"], p["b5"] = rb // e, 1, 1
        _add(p, f, e == 1)
    except _Bad as err:
        raise _Bad(f"stream epilogue {want}: {err}") from None
    space, addr = _buffer("other", other, e, _prod(oh, rb), False, arena_nbytes, spaces)
    fields.update(epi_kind=K_ADD_S8 if e == 1 else K_ADD_F32, conv_first=int(bool(conv_first)),
                  other=(space, addr), eip=[p[k] for k in inames], efp=[f[k] for k in fnames])
    return fields, scratch


cdef class Executor:
    """Runs a validated kernel plan over one arena; see the module docstring."""

    cdef Step* _steps
    cdef Py_ssize_t _nsteps
    cdef char* _scratch
    cdef char* _base       # the arena's first byte
    cdef Py_ssize_t _arena_nbytes
    cdef object _arena, _scratch_arr, _consts
    cdef readonly Py_ssize_t scratch_nbytes

    def __cinit__(self):
        self._steps = NULL
        self._nsteps = 0

    def __init__(self, arena_nbytes, steps, consts):
        if self._steps != NULL:
            raise RuntimeError("an Executor is initialised once")
        try:
            arena_nbytes = operator.index(arena_nbytes)
        except TypeError:
            raise ValueError(f"arena_nbytes must be an integer, got {arena_nbytes!r}") from None
        if not 0 <= arena_nbytes <= _SIZE_LIMIT:
            raise ValueError(f"arena_nbytes = {arena_nbytes} is out of range")
        consts = list(consts)
        steps = list(steps)
        spaces = []  # (address, nbytes) per const space
        for k, a in enumerate(consts):
            if not isinstance(a, np.ndarray):
                raise ValueError(f"consts[{k}] must be a numpy array, got {type(a).__name__}")
            if not a.flags.c_contiguous:
                raise ValueError(f"consts[{k}] must be C-contiguous")
            spaces.append((a.ctypes.data, a.nbytes))
        # validate everything before allocating anything (the arena's base is 64-byte aligned,
        # so validating arena offsets against base 0 checks their alignment)
        checked = [self._check(i, st, arena_nbytes, spaces, consts) for i, st in enumerate(steps)]
        # steps given their own scratch buffer in the arena do not use the executor's
        scratch_nbytes = max([c[4] for c in checked if c[6] is None], default=0)
        arena = _aligned_array(arena_nbytes)
        arena_addr = arena.ctypes.data

        self._steps = <Step*>calloc(max(len(checked), 1), sizeof(Step))
        if self._steps == NULL:
            raise MemoryError()
        cdef Step* s
        cdef Py_ssize_t i, j
        for i in range(len(checked)):
            kid, addrs, ip, fp, _, st, sc, name = checked[i]
            s = &self._steps[i]
            s.kind = kid
            if kid == K_C_ABI:
                s.cfn = _c_kernel(name)
                for j in range(len(ip)):
                    s.cip[j] = ip[j]
                for j in range(len(fp)):
                    s.cfp[j] = fp[j]
            if sc is not None:
                s.scratch = <char*><uintptr_t>(arena_addr + sc)
            for j in range(len(addrs)):
                s.buf[j] = <char*><uintptr_t>(addrs[j][1] + (arena_addr if addrs[j][0] == -1 else 0))
            for j in range(len(ip)):
                s.ip[j] = ip[j]
            for j in range(len(fp)):
                s.fp[j] = fp[j]
            if st is not None:
                s.stream = 1
                s.reverse = st["reverse"]
                s.pt_index = st["pt_index"]
                s.sh_index = st["sh_index"]
                s.delay = st["delay"]
                s.rb = st["rb"]
                s.ring_off = st["ring_off"]
                s.epi_kind = st["epi_kind"]
                s.conv_first = st["conv_first"]
                space, addr = st["other"]
                if space is not None:
                    s.other = <char*><uintptr_t>(addr + (arena_addr if space == -1 else 0))
                for j in range(len(st["eip"])):
                    s.eip[j] = st["eip"][j]
                for j in range(len(st["efp"])):
                    s.efp[j] = st["efp"][j]
        self._nsteps = len(checked)
        self._arena = arena
        self._base = <char*><uintptr_t>arena_addr
        self._arena_nbytes = arena_nbytes
        self._consts = consts  # keeps every constant array alive as long as the executor
        self._scratch_arr = _aligned_array(scratch_nbytes)
        self._scratch = <char*><uintptr_t>self._scratch_arr.ctypes.data
        self.scratch_nbytes = scratch_nbytes

    def _check(self, i, st, arena_nbytes, spaces, consts):
        """Validate step i; return (kernel id, buffer (space, address), iparams, fparams, scratch bytes,
        stream fields or None).

        The address of an arena buffer is its offset (the arena does not exist yet)."""
        name = "?"
        try:
            try:
                scratch_buf = None
                if len(st) == 6:
                    name, bufs, iparams, fparams, stream, scratch_buf = st
                elif len(st) == 5:
                    name, bufs, iparams, fparams, stream = st
                else:
                    name, bufs, iparams, fparams = st
                    stream = None
            except (TypeError, ValueError):
                raise _Bad("a step must be (kernel name, bufs, iparams, fparams[, stream[, scratch]])") from None
            if not isinstance(name, str) or name not in _SPECS:
                raise _Bad(f"unknown kernel {name!r}; known: {', '.join(sorted(_SPECS))}")
            kid, bnames, esizes, out_index, inames, fnames, check = _SPECS[name]
            bufs, iparams, fparams = list(bufs), list(iparams), list(fparams)
            if len(bufs) != len(bnames):
                raise _Bad(f"expects {len(bnames)} buffers ({', '.join(bnames)}), got {len(bufs)}")
            if len(iparams) != len(inames):
                raise _Bad(f"expects {len(inames)} iparams ({', '.join(inames)}), got {len(iparams)}")
            if len(fparams) != len(fnames):
                raise _Bad(f"expects {len(fnames)} fparams ({', '.join(fnames) or 'none'}), got {len(fparams)}")
            p = _iparams(inames, iparams)
            f = _fparams(fnames, fparams)
            needs, scratch, nshift = check(p, f)
            addrs = []
            for j, (b, bname, esize) in enumerate(zip(bufs, bnames, esizes)):
                space, addr = _buffer(bname, b, esize, needs[j], j in _outs(out_index), arena_nbytes, spaces)
                if bname == "shift" and space >= 0 and nshift:
                    off = addr - spaces[space][0]
                    vals = np.frombuffer(consts[space].reshape(-1).view(np.uint8), np.uint8,
                                         count=nshift * 4, offset=off).view(np.int32)
                    if vals.size and (vals.min() < -31 or vals.max() > 31):
                        raise _Bad(f"buffer shift holds shifts outside [-31, 31] "
                                   f"({int(vals.min())}..{int(vals.max())})")
                addrs.append((space, addr))
            ip = [p[k] for k in inames]
            fields = None
            if stream is not None:
                fields, scratch = _stream(name, ip, scratch, stream, arena_nbytes, spaces)
            sc = None
            if scratch_buf is not None:
                space, addr = _buffer("scratch", scratch_buf, 4, scratch, True, arena_nbytes, spaces)
                sc = addr
            return (kid, addrs, ip, [f[k] for k in fnames], scratch, fields, sc, name)
        except _Bad as e:
            raise ValueError(f"step {i} ({name}): {e}") from None

    def __dealloc__(self):
        if self._steps != NULL:
            free(self._steps)
            self._steps = NULL

    @property
    def arena(self):
        """The arena: a writable uint8 array, 64-byte aligned."""
        return self._arena

    @property
    def nsteps(self):
        return self._nsteps

    cdef void _run(self) noexcept nogil:
        cdef Py_ssize_t i
        for i in range(self._nsteps):
            run_step(&self._steps[i], self._steps[i].scratch if self._steps[i].scratch != NULL else self._scratch)

    def run(self):
        """Run every step in order, in one call, with the GIL released."""
        if self._steps == NULL:
            raise RuntimeError("Executor was not initialised")
        with nogil:
            self._run()

    def run_io(self, cnp.ndarray x, Py_ssize_t offset, cnp.ndarray out_view):
        """One sample with little overhead: the bytes of x (C-contiguous) into the arena at offset,
        run, return a copy of out_view (a view of the arena). The caller checks x's dtype and shape."""
        cdef Py_ssize_t nbytes = cnp.PyArray_NBYTES(x)
        if self._steps == NULL:
            raise RuntimeError("Executor was not initialised")
        if not cnp.PyArray_IS_C_CONTIGUOUS(x):
            x = np.ascontiguousarray(x)
        if offset < 0 or offset + nbytes > self._arena_nbytes:
            raise ValueError(f"run_io: bytes [{offset}, {offset + nbytes}) are outside the arena")
        memcpy(self._base + offset, cnp.PyArray_DATA(x), <size_t>nbytes)
        with nogil:
            self._run()
        return cnp.PyArray_NewCopy(out_view, cnp.NPY_CORDER)

    def run_batch(self, inputs, outputs):
        """Run the plan once per sample, in one call with the GIL released: before sample i, row i
        of each input array is copied into the arena at its offset; after it, the arena bytes at
        each output offset into row i of its output array.

        inputs, outputs: lists of (arena offset, array); every array C-contiguous with a first
        axis of the same length N (the samples) and rows of the bytes to copy; outputs writable.
        Returns N."""
        if self._steps == NULL:
            raise RuntimeError("Executor was not initialised")
        cdef Py_ssize_t n = -1, k, nin = len(inputs), nout = len(outputs), i
        cdef Py_ssize_t[16] ioff, iraw, irow, ooff, oraw, orow
        if nin > 16 or nout > 16:
            raise ValueError("run_batch takes at most 16 inputs and 16 outputs")
        for k, (off, a) in enumerate(list(inputs) + list(outputs)):
            if not isinstance(a, np.ndarray) or not a.flags.c_contiguous or a.ndim < 1:
                raise ValueError("run_batch arrays must be C-contiguous numpy arrays with a sample axis")
            if k >= nin and not a.flags.writeable:
                raise ValueError("run_batch output arrays must be writable")
            if n < 0:
                n = a.shape[0]
            if a.shape[0] != n:
                raise ValueError(f"run_batch arrays have {n} and {a.shape[0]} samples")
            row = a.nbytes // n if n else 0
            off = operator.index(off)
            if off < 0 or off + row > self._arena.nbytes:
                raise ValueError(f"run_batch: bytes [{off}, {off + row}) are outside the arena "
                                 f"({self._arena.nbytes} bytes)")
            if k < nin:
                ioff[k], iraw[k], irow[k] = off, a.ctypes.data, row
            else:
                ooff[k - nin], oraw[k - nin], orow[k - nin] = off, a.ctypes.data, row
        cdef char* arena = self._base
        with nogil:
            for i in range(n if n > 0 else 0):
                for k in range(nin):
                    memcpy(arena + ioff[k], <char*><uintptr_t>iraw[k] + i * irow[k], <size_t>irow[k])
                self._run()
                for k in range(nout):
                    memcpy(<char*><uintptr_t>oraw[k] + i * orow[k], arena + ooff[k], <size_t>orow[k])
        return max(n, 0)

    def __repr__(self):
        return f"<tinycc._host.Executor: {self._nsteps} steps, arena {self._arena.nbytes} bytes>"


def set_simd(on):
    """Use the AVX2 kernels (True, the default when the extension was built with AVX2) or the
    portable C ones (False, for tests); returns whether AVX2 is now in use. Affects every
    Executor; do not switch while one runs."""
    return bool(tc_set_simd(1 if on else 0))


def simd():
    """The instruction set the fast kernels use now: "avx2" or "portable"."""
    return "avx2" if tc_simd else "portable"


#: the fast kernels were compiled with AVX2 (the build machine has it and TINYCC_PORTABLE was not set)
HAVE_AVX2 = bool(TC_HAVE_AVX2)


def accepts(name, iparams, fparams):
    """Whether kernel `name` takes these parameters (the validation of a step without its buffers)."""
    kid, bnames, esizes, out_index, inames, fnames, check = _SPECS[name]
    try:
        check(_iparams(inames, list(iparams)), _fparams(fnames, list(fparams)))
    except _Bad:
        return False
    return True


def kernel_scratch(name, iparams, fparams):
    """Scratch bytes a kernel call needs of its own (before any row ring), rounded up to 64."""
    kid, bnames, esizes, out_index, inames, fnames, check = _SPECS[name]
    try:
        _, scratch, _ = check(_iparams(inames, list(iparams)), _fparams(fnames, list(fparams)))
    except _Bad as e:
        raise ValueError(f"{name}: {e}") from None
    return (scratch + 63) // 64 * 64
