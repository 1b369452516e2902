"""The kernel table: every C kernel's ABI in one place.

A kernel is one C function of ``targets/generic`` (and of a target's directory where it has a
faster version with the same ABI)::

    void tc_<name>(void *const *buf, const int32_t *ip, const float *fp, void *scratch);

``buf`` holds its buffers, ``ip`` its integer parameters (int32) and ``fp`` its float parameters
(float32), each in the order of its ``Kernel`` entry here. From this table come:

- ``targets/generic/tc_abi.h`` (``c_header()``, checked current by a test): the prototypes and,
  per kernel, the index names the C code addresses its buffers and parameters by
  (``TCB_CONV2D_S8_IN``, ``TCP_CONV2D_S8_OH``, ``TCF_CONV2D_F32_ACT_MIN``);
- the host executor's validation: ``Kernel.validate`` computes from the parameters exactly how
  many bytes each buffer's kernel touches and the scratch it needs, and rejects parameters the
  kernel does not handle, so a kernel never reads or writes outside its buffers;
- the row-streaming layout (``Stream``): which parameters ``tc_run_streamed`` rewrites per row;
- the lowering's and the C backend's calls (parameters by name).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1
SIZE_LIMIT = 1 << 62  # any byte count or index product above this is rejected as overflow
FLT_MAX = 3.4028234663852886e38


class KernelParamError(ValueError):
    """A kernel call's parameters are invalid (the message says which and why)."""


@dataclass(frozen=True)
class Buf:
    """A buffer operand: its name, element size (its alignment) and whether the kernel writes it."""
    name: str
    esize: int = 1
    out: bool = False


@dataclass(frozen=True)
class Stream:
    """How ``tc_run_streamed`` runs the kernel one output row at a time: it sets ``oh`` to 1 and
    ``pt`` to ``pt - r * sh`` for row r; ``ch`` is the output's channel count (bytes per output
    row: ow * ch * esize). Streamed calls need n = 1. ``planar``: the kernel reads its input as NCHW
    channel planes (a transpose): it only heads a streamed chain (tc_chain's in_c)."""
    ch: str
    esize: int
    planar: bool = False


@dataclass(frozen=True)
class Kernel:
    name: str
    bufs: tuple
    iparams: tuple
    fparams: tuple = ()
    check: Callable = None  # (p, f) -> ([bytes touched per buffer], scratch bytes); raises KernelParamError
    stream: Optional[Stream] = None
    shifts: Optional[str] = None  # the iparam giving how many per-channel shifts buffer "shift" holds
    doc: str = ""
    inplace: str = ""  # which aliasing of output and input the kernel allows (documentation)

    @property
    def outputs(self) -> tuple:
        return tuple(i for i, b in enumerate(self.bufs) if b.out)

    def params(self, iparams, fparams) -> tuple[dict, dict]:
        """The parameter values by name, checked to be int32 / float32 numbers."""
        if len(iparams) != len(self.iparams):
            raise KernelParamError(f"expects {len(self.iparams)} iparams ({', '.join(self.iparams)}), "
                                   f"got {len(iparams)}")
        if len(fparams) != len(self.fparams):
            raise KernelParamError(f"expects {len(self.fparams)} fparams ({', '.join(self.fparams) or 'none'}), "
                                   f"got {len(fparams)}")
        p, f = {}, {}
        for k, v in zip(self.iparams, iparams):
            try:
                v = int(v.__index__())
            except (AttributeError, TypeError):
                raise KernelParamError(f"iparam {k} must be an integer, got {v!r}") from None
            if not I32_MIN <= v <= I32_MAX:
                raise KernelParamError(f"iparam {k} = {v} is outside the int32 range")
            p[k] = v
        for k, v in zip(self.fparams, fparams):
            try:
                v = float(v)
            except (TypeError, ValueError):
                raise KernelParamError(f"fparam {k} must be a float, got {v!r}") from None
            if math.isnan(v) or (math.isfinite(v) and abs(v) > FLT_MAX):
                raise KernelParamError(f"fparam {k} = {v} is not a float32 value")
            f[k] = v
        return p, f

    def validate(self, iparams, fparams) -> tuple[dict, dict, list, int]:
        """(iparams by name, fparams by name, bytes each buffer is touched, scratch bytes)."""
        p, f = self.params(list(iparams), list(fparams))
        needs, scratch = self.check(p, f)
        return p, f, needs, scratch

    def scratch(self, iparams, fparams) -> int:
        """Scratch bytes a call needs of its own (before any row ring), rounded up to 64."""
        return (self.validate(iparams, fparams)[3] + 63) // 64 * 64

    def accepts(self, iparams, fparams) -> bool:
        try:
            self.validate(iparams, fparams)
        except KernelParamError:
            return False
        return True


# ---- checks: the bytes a kernel touches, from its parameters --------------------------------------

def _prod(*xs):
    r = 1
    for x in xs:
        r *= x
        if r > SIZE_LIMIT:
            raise KernelParamError(f"size product {' * '.join(map(str, xs))} overflows 64-bit arithmetic")
    return r


def _dims(p, *names):
    for k in names:
        if p[k] < 1:
            raise KernelParamError(f"{k} = {p[k]} must be >= 1")


def _rng(p, name, lo, hi):
    if not lo <= p[name] <= hi:
        raise KernelParamError(f"{name} = {p[name]} must be in [{lo}, {hi}]")


def _act(p, bits=8):
    lo, hi = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    _rng(p, "act_min", lo, hi)
    _rng(p, "act_max", lo, hi)
    if p["act_min"] > p["act_max"]:
        raise KernelParamError(f"act_min = {p['act_min']} > act_max = {p['act_max']}")


def _act_f32(f):
    if f["act_min"] > f["act_max"]:
        raise KernelParamError(f"act_min = {f['act_min']} > act_max = {f['act_max']}")


def _zp(p, *names, bits=8):
    for k in names:
        _rng(p, k, -(1 << (bits - 1)), (1 << (bits - 1)) - 1)


def _shift(p, *names):
    for k in names:
        _rng(p, k, -31, 31)


def _esize(p, allowed):
    if p["esize"] not in allowed:
        raise KernelParamError(f"esize = {p['esize']} must be {', '.join(map(str, allowed[:-1]))} or {allowed[-1]}")


def conv(p, f, es, depthwise):
    """The geometry of the convolutions: bytes of in, out, weights and the per-channel buffers."""
    _dims(p, "n", "h", "w", "c", "oh", "ow", "oc", "kh", "kw", "sh", "sw", "dh", "dw")
    _rng(p, "pt", 0, I32_MAX)
    _rng(p, "pl", 0, I32_MAX)
    # the kernels compute oy * sh - pt + ky * dh in 64 bits
    _prod(p["oh"], p["sh"]) + _prod(p["kh"], p["dh"])
    _prod(p["ow"], p["sw"]) + _prod(p["kw"], p["dw"])
    if depthwise:
        _dims(p, "dm")
        if p["oc"] != _prod(p["c"], p["dm"]):
            raise KernelParamError(f"oc = {p['oc']} must equal c * dm = {p['c']} * {p['dm']}")
    if es == 1:
        _act(p)
        _zp(p, "in_zp", "out_zp")
    elif es == 4:
        _act_f32(f)
    we = 4 if es == 4 else 1
    nx = _prod(p["n"], p["h"], p["w"], p["c"], es)
    ny = _prod(p["n"], p["oh"], p["ow"], p["oc"], es)
    nw = _prod(p["kh"], p["kw"], p["oc"], we) if depthwise else _prod(p["oc"], p["kh"], p["kw"], p["c"], we)
    nb = _prod(p["oc"], 4)
    return [nx, ny, nw, nb, nb, nb] if es < 4 else [nx, ny, nw, nb]


def _conv(es, depthwise):
    def check(p, f):
        scratch = _prod(p["oc"], 4) if depthwise else 0
        return conv(p, f, es, depthwise), scratch
    return check


def fc(p, f, es):
    _dims(p, "batches", "depth", "units")
    nx = _prod(p["batches"], p["depth"], es)
    ny = _prod(p["batches"], p["units"], es)
    nw = _prod(p["units"], p["depth"], es)
    nb = _prod(p["units"], 4)
    if es == 1:
        _act(p)
        _zp(p, "in_zp", "out_zp")
        return [nx, ny, nw, nb, nb, nb]
    _act_f32(f)
    return [nx, ny, nw, nb]


def pool(p, f, es, is_max):
    _dims(p, "n", "h", "w", "c", "oh", "ow", "kh", "kw", "sh", "sw")
    _rng(p, "pt", 0, I32_MAX)
    _rng(p, "pl", 0, I32_MAX)
    # every window must cover at least one input pixel (windows move monotonically, so the
    # first and the last one decide)
    if p["pt"] >= p["kh"] or p["pl"] >= p["kw"]:
        raise KernelParamError(f"padding (pt={p['pt']}, pl={p['pl']}) must be smaller than the window "
                               f"({p['kh']}x{p['kw']})")
    if _prod(p["oh"] - 1, p["sh"]) - p["pt"] >= p["h"] or _prod(p["ow"] - 1, p["sw"]) - p["pl"] >= p["w"]:
        raise KernelParamError(f"the last {p['oh']}x{p['ow']} output window starts outside the "
                               f"{p['h']}x{p['w']} input")
    if es < 4 and not is_max and min(p["kh"], p["h"]) * min(p["kw"], p["w"]) > (1 << 23):
        raise KernelParamError("the pooling window is too large for the int32 sum")
    return [_prod(p["n"], p["h"], p["w"], p["c"], es), _prod(p["n"], p["oh"], p["ow"], p["c"], es)]


def _pool(es, is_max):
    def check(p, f):
        _act(p) if es == 1 else _act_f32(f)
        return pool(p, f, es, is_max), _prod(p["c"], 4)
    return check


def _transpose_nchw(es):
    def check(p, f):
        if p["kh"] != 1 or p["kw"] != 1:
            raise KernelParamError(f"a transpose reads 1x1 windows, got {p['kh']}x{p['kw']}")
        return pool(p, f, es, True), 0  # the input's bytes are the same in NCHW
    return check


def broadcast(p, es):
    """ADD's broadcast geometry (d0..d5 output dims, a0..a5 / b0..b5 input element strides)."""
    d = [p[f"d{i}"] for i in range(6)]
    _dims(p, *[f"d{i}" for i in range(6)])
    for k in [f"a{i}" for i in range(6)] + [f"b{i}" for i in range(6)]:
        _rng(p, k, 0, I32_MAX)
    need1 = (sum(_prod(d[i] - 1, p[f"a{i}"]) for i in range(6)) + 1) * es
    need2 = (sum(_prod(d[i] - 1, p[f"b{i}"]) for i in range(6)) + 1) * es
    return [need1, need2, _prod(*d, es)]


def add_q(p, bits):
    """The int8 / int16 ADD rescale parameters."""
    _act(p, bits)
    lim = 1 << (bits - 1)
    _rng(p, "in1_off", -2 * lim + 1 if bits == 8 else -lim, 2 * lim - 1 if bits == 8 else lim)
    _rng(p, "in2_off", -2 * lim + 1 if bits == 8 else -lim, 2 * lim - 1 if bits == 8 else lim)
    _zp(p, "out_off", bits=bits)
    _rng(p, "left_shift", 0, 31 if bits == 8 else 15)


def row_iparams(k) -> tuple:
    """An ADD-family kernel's iparams but its 6-D geometry: what it takes as a fused epilogue, whose
    geometry is the row it applies to."""
    return tuple(n for n in k.iparams if n[0] not in "dab" or not n[1:].isdigit())


def _add_lin(p):
    """add_s8's linear form: 15-bit low parts, high parts whose int16 pair products and sums stay
    within 32 bits."""
    _rng(p, "lin", 0, 1)
    for k in ("lin_a0", "lin_b0", "lin_c0"):
        _rng(p, k, 0, (1 << 15) - 1)
    for k in ("lin_a1", "lin_b1"):
        _rng(p, k, -(1 << 15), (1 << 15) - 1)
    _rng(p, "lin_c1", -(1 << 30), 1 << 30)
    _rng(p, "lin_shift", 0, 30)


def _add(es):
    def check(p, f):
        if es == 1:
            add_q(p, 8)
            for k in ("m1", "m2", "mo"):
                _rng(p, k, 0, I32_MAX)
            _shift(p, "s1", "s2", "so")
            _add_lin(p)
        else:
            _act_f32(f)
        return broadcast(p, es), 0
    return check


def _softmax(es):
    def check(p, f):
        _dims(p, "outer", "depth")
        n = _prod(p["outer"], p["depth"], es)
        if es == 1:
            _rng(p, "mult", 0, I32_MAX)
            _rng(p, "left_shift", 0, 31)
            _rng(p, "diff_min", I32_MIN, 0)
            # every diff the kernel scales (diff_min <= diff <= 0, diff >= -255) times
            # 2**left_shift must fit int32
            if min(-p["diff_min"], 255) << p["left_shift"] > (1 << 31):
                raise KernelParamError(f"diff_min = {p['diff_min']} with left_shift = {p['left_shift']} "
                                       f"overflows the int32 scaled difference")
        elif not math.isfinite(f["beta"]):
            raise KernelParamError(f"beta = {f['beta']} must be finite")
        return [n, n], 0
    return check


def _copy(p, f):
    _rng(p, "nbytes", 0, I32_MAX)
    return [p["nbytes"], p["nbytes"]], 0


def _positive_scale(f):
    if not (math.isfinite(f["scale"]) and f["scale"] > 0):
        raise KernelParamError(f"scale = {f['scale']} must be finite and > 0")


def _quantize(p, f):
    _rng(p, "size", 0, I32_MAX)
    _zp(p, "zp")
    _positive_scale(f)
    return [_prod(p["size"], 4), p["size"]], 0


def _requantize(p, f):
    _rng(p, "size", 0, I32_MAX)
    _zp(p, "in_zp", "out_zp")
    _rng(p, "mult", 0, I32_MAX)
    _shift(p, "shift")
    return [p["size"], p["size"]], 0


def _dequantize(p, f):
    _rng(p, "size", 0, I32_MAX)
    _zp(p, "zp")
    _positive_scale(f)
    return [p["size"], _prod(p["size"], 4)], 0


ND = 6


def _span(p, off, prefix, esize, what):
    """Bytes from the buffer start an affine walk over d0..d5 with element strides prefix0..5
    reaches (0 when it is empty); rejects walks that start before the buffer."""
    if any(p[f"d{i}"] == 0 for i in range(ND)):
        return 0
    lo = hi = p[off]
    for i in range(ND):
        step = (p[f"d{i}"] - 1) * p[f"{prefix}{i}"]
        lo, hi = lo + min(step, 0), hi + max(step, 0)
    if lo < 0:
        raise KernelParamError(f"the {what} walk starts {-lo} elements before its buffer")
    return _prod(hi + 1, esize)


def _copy_nd(p, f):
    _esize(p, (1, 2, 4, 8))
    for i in range(ND):
        _rng(p, f"d{i}", 0, I32_MAX)
    return [_span(p, "in_off", "a", p["esize"], "input"), _span(p, "out_off", "b", p["esize"], "output")], 0


def _fill(p, f):
    _esize(p, (1, 2, 4))
    _rng(p, "count", 0, I32_MAX)
    return [_prod(p["count"], p["esize"])], 0


def _lut(p, f):
    _rng(p, "size", 0, I32_MAX)
    return [p["size"], p["size"], 256], 0


REDUCE_GEOM = ("mode", "o0", "o1", "o2", "oa0", "oa1", "oa2", "r0", "r1", "r2", "ra0", "ra1", "ra2")


def _reduce(es, quant):
    def check(p, f):
        _rng(p, "mode", 0, 2 if quant else 3)
        for k in REDUCE_GEOM[1:]:
            _rng(p, k, 1 if k[-2] in "or" else 0, I32_MAX)
        if quant:
            _zp(p, "in_zp", "out_zp", bits=8 * es)
            _rng(p, "mult", 0, I32_MAX)
            _shift(p, "shift")
        span = 1 + sum(_prod(p[f"{g}{i}"] - 1, p[f"{g}a{i}"]) for g in "or" for i in range(3))
        return [_prod(span, es), _prod(p["o0"], p["o1"], p["o2"], es)], 0
    return check


def _argminmax(es):
    def check(p, f):
        _rng(p, "mode", 0, 1)
        _dims(p, "outer", "axis", "inner")
        return [_prod(p["outer"], p["axis"], p["inner"], es), _prod(p["outer"], p["inner"], 4)], 0
    return check


RESIZE_GEOM = ("n", "h", "w", "c", "oh", "ow")


def _resize(es, table_entries):
    """in, out, then the row and column tables (table_entries values of 4 bytes per row / column;
    resize_bilinear_f32: index tables, then float weight tables)."""
    def check(p, f):
        e = es
        if e is None:
            _esize(p, (1, 2, 4))
            e = p["esize"]
        _dims(p, *RESIZE_GEOM)
        need = [_prod(p["n"], p["h"], p["w"], p["c"], e), _prod(p["n"], p["oh"], p["ow"], p["c"], e),
                _prod(p["oh"], table_entries, 4), _prod(p["ow"], table_entries, 4)]
        if e == 4 and table_entries == 2:
            need += [_prod(p["oh"], 2, 4), _prod(p["ow"], 2, 4)]
        return need, 0
    return check


BMM_GEOM = ("b0", "b1", "b2", "la0", "la1", "la2", "ra0", "ra1", "ra2", "m", "k", "n", "lsi", "lsk", "rsk", "rsj")


def _batch_matmul(es):
    def check(p, f):
        _dims(p, "b0", "b1", "b2", "m", "k", "n")
        for k in ("la0", "la1", "la2", "ra0", "ra1", "ra2", "lsi", "lsk", "rsk", "rsj"):
            _rng(p, k, 0, I32_MAX)
        if es < 4:
            _zp(p, "lhs_zp", "rhs_zp", "out_zp")
            _rng(p, "mult", 0, I32_MAX)
            _shift(p, "shift")
        lhs = 1 + sum(_prod(p[f"b{i}"] - 1, p[f"la{i}"]) for i in range(3)) + _prod(p["m"] - 1, p["lsi"]) \
            + _prod(p["k"] - 1, p["lsk"])
        rhs = 1 + sum(_prod(p[f"b{i}"] - 1, p[f"ra{i}"]) for i in range(3)) + _prod(p["k"] - 1, p["rsk"]) \
            + _prod(p["n"] - 1, p["rsj"])
        return [_prod(lhs, es), _prod(rhs, es), _prod(p["b0"], p["b1"], p["b2"], p["m"], p["n"], es)], 0
    return check


TCONV_GEOM = ("n", "h", "w", "c", "oh", "ow", "oc", "kh", "kw", "sh", "sw", "pt", "pl")


def _transpose_conv(es):
    """es: activation element size (1 int8, 2 int16 with int8 weights and an int64 bias, 4 float32)."""
    def check(p, f):
        _dims(p, "n", "h", "w", "c", "oh", "ow", "oc", "kh", "kw", "sh", "sw")
        _rng(p, "pt", 0, I32_MAX)
        _rng(p, "pl", 0, I32_MAX)
        if es == 1:
            _act(p)
            _zp(p, "in_zp", "out_zp")
        elif es == 2:
            _act(p, 16)
        else:
            _act_f32(f)
        need = [_prod(p["n"], p["h"], p["w"], p["c"], es), _prod(p["n"], p["oh"], p["ow"], p["oc"], es),
                _prod(p["oc"], p["kh"], p["kw"], p["c"], 4 if es == 4 else 1), _prod(p["oc"], 8 if es == 2 else 4)]
        if es < 4:
            need += [_prod(p["oc"], 4), _prod(p["oc"], 4)]
        return need, 0
    return check


def _softmax_s8_s16(p, f):
    _rng(p, "outer", 0, I32_MAX)
    _rng(p, "depth", 0, I32_MAX)
    _rng(p, "mult", 0, I32_MAX)
    _rng(p, "left_shift", 0, 31)
    _rng(p, "diff_min", I32_MIN + 1, 0)
    n = _prod(p["outer"], p["depth"])
    return [n, _prod(n, 2)], 0


def _softmax_s16(p, f):
    """int16 -> int16 softmax with its two 513-entry tables."""
    _rng(p, "outer", 0, I32_MAX)
    _rng(p, "depth", 0, 65536)  # the sum of the row's exps fits int32
    _rng(p, "mult", 0, I32_MAX)
    _shift(p, "shift")
    n = _prod(p["outer"], p["depth"])
    return [_prod(n, 2), _prod(n, 2), 513 * 2, 513 * 2], 0


def _log_softmax_s8(p, f):
    _rng(p, "outer", 0, I32_MAX)
    _rng(p, "depth", 0, I32_MAX)
    _rng(p, "mult", 0, I32_MAX)
    _rng(p, "left_shift", 0, 31)
    _rng(p, "rev_div", 0, I32_MAX)
    _shift(p, "rev_shift")
    _rng(p, "diff_min", I32_MIN + 1, 0)
    return [_prod(p["outer"], p["depth"]), _prod(p["outer"], p["depth"])], 0


def _rows(es, zp=False):
    """outer x depth in and out of es-byte elements (log softmax float32, L2 normalization)."""
    def check(p, f):
        _rng(p, "outer", 0, I32_MAX)
        _rng(p, "depth", 0, I32_MAX)
        if zp:
            _zp(p, "zp")
        return [_prod(p["outer"], p["depth"], es), _prod(p["outer"], p["depth"], es)], 0
    return check


LSTM_GEOM = ("batch", "time", "n_in", "units", "time_major")


def _lstm(es, quant):
    """in, out, the two states (written too), the stacked weights and biases; for int8 (es 1) and
    16x8 (es 2) the gate multipliers and shifts (8 each) and the 256-entry sigmoid table."""
    def check(p, f):
        _dims(p, "batch", "time", "n_in", "units")
        _rng(p, "time_major", 0, 1)
        if quant:
            _zp(p, "in_zp", "h_zp", bits=8 * es)
            for k in ("m_fc", "m_ig", "m_o"):
                _rng(p, k, 0, I32_MAX)
            _shift(p, "s_fc", "s_ig", "s_o")
            _rng(p, "tanh_mult", 0, 3)
            _rng(p, "tanh_shift", 0, 28)
            _rng(p, "clip", 0, 32767)
        seq = _prod(p["batch"], p["time"])
        we = 1 if quant else 4
        need = [_prod(seq, p["n_in"], es), _prod(seq, p["units"], es), _prod(p["batch"], p["units"], es),
                _prod(p["batch"], p["units"], 2 if quant else 4), _prod(4, p["units"], p["n_in"], we),
                _prod(4, p["units"], p["units"], we), _prod(4, p["units"], 8 if es == 2 else 4)]
        if quant:
            need += [8 * 4, 8 * 4, 256 * 2]
        return need, 0
    return check


SVDF_GEOM = ("batch", "n_in", "units", "rank", "memory")


def _svdf(es):
    """in, out, the activation state (written too), weights_feature, weights_time, bias. es: the
    element size of the state and weights_time (1 svdf_s8, 2 svdf_s16, 4 svdf_f32); input, output
    and weights_feature are int8 (float32 for svdf_f32)."""
    def check(p, f):
        _dims(p, *SVDF_GEOM)
        filters = _prod(p["units"], p["rank"])
        if es < 4:
            _zp(p, "in_zp", "out_zp")
            _zp(p, "state_zp", bits=8 * es)
            _rng(p, "m1", 0, I32_MAX)
            _rng(p, "m2", 0, I32_MAX)
            _shift(p, "s1", "s2")
        else:
            _act_f32(f)
        ae = 4 if es == 4 else 1
        return [_prod(p["batch"], p["n_in"], ae), _prod(p["batch"], p["units"], ae),
                _prod(p["batch"], filters, p["memory"], es), _prod(filters, p["n_in"], ae),
                _prod(filters, p["memory"], es), _prod(p["units"], 4)], 0
    return check


def _conv_s16(p, f):
    """16x8 convolution (dm 0), depthwise (dm >= 1) or fully connected (1x1): the geometry checks of
    the int8 convolutions, an int64 bias."""
    _rng(p, "dm", 0, I32_MAX)
    _rng(p, "wide", 0, 1)
    _act(p, 16)
    need = conv(dict(p, dm=max(p["dm"], 1)), f, 2, p["dm"] > 0)
    return [need[0], need[1], need[2], _prod(p["oc"], 8), need[4], need[5]], 0


def _pool_s16(p, f):
    """int16 average (mode 0) or max (1) pooling: the int8 pooling's geometry checks."""
    _rng(p, "mode", 0, 1)
    _act(p, 16)
    return pool(p, f, 2, p["mode"] == 1), 0


def _add_s16(p, f):
    """int16 ADD: the broadcast geometry of ADD, int16 offsets, a left shift of at most 15."""
    add_q(p, 16)
    for k in ("m1", "m2", "mo"):
        _rng(p, k, 0, I32_MAX)
    _shift(p, "s1", "s2", "so")
    return broadcast(p, 2), 0


def _sigmoid_tanh_s16(p, f):
    """int16 LOGISTIC (mode 0) / TANH (1): in, out, the 256-entry uint16 table."""
    _rng(p, "size", 0, I32_MAX)
    _rng(p, "mode", 0, 1)
    _rng(p, "mult", 0, 32767)
    _rng(p, "shift", 0, 31)
    return [_prod(p["size"], 2), _prod(p["size"], 2), 512], 0


def _relu_s16(p, f):
    """int16 RELU (mode 0), RELU6 (1), LEAKY_RELU (2)."""
    _rng(p, "size", 0, I32_MAX)
    _rng(p, "mode", 0, 2)
    _zp(p, "in_zp", "out_zp", "lo", "hi", bits=16)
    _rng(p, "m1", 0, I32_MAX)
    _rng(p, "m2", 0, I32_MAX)
    _shift(p, "s1", "s2")
    _rng(p, "neg", 0, 1)
    return [_prod(p["size"], 2), _prod(p["size"], 2)], 0


def _unary_s16(p, f):
    """int16 RSQRT (mode 0: the shift applies after TFLite's 2**20 scaling) or ABS (1)."""
    _rng(p, "size", 0, I32_MAX)
    _rng(p, "mode", 0, 1)
    _rng(p, "rescale", 0, 1)
    _rng(p, "mult", 0, I32_MAX)
    _rng(p, "shift", -11 if p["mode"] == 0 else -31, 31)
    return [_prod(p["size"], 2), _prod(p["size"], 2)], 0


def _convert_s16(p, f):
    """float32 -> int16 (mode 0) or int16 -> float32 (1)."""
    _rng(p, "mode", 0, 1)
    _rng(p, "size", 0, I32_MAX)
    _zp(p, "zp", bits=16)
    return [_prod(p["size"], 4 - 2 * p["mode"]), _prod(p["size"], 2 + 2 * p["mode"])], 0


def _requantize_s16(p, f):
    """int8 / int16 / int32 (in_bytes 1 / 2 / 4) -> int8 / int16 / int32 (out_bytes); each zero
    point in its tensor's range."""
    _rng(p, "size", 0, I32_MAX)
    for k in ("in", "out"):
        if p[f"{k}_bytes"] not in (1, 2, 4):
            raise KernelParamError(f"{k}_bytes = {p[k + '_bytes']} must be 1, 2 or 4")
        _zp(p, f"{k}_zp", bits=8 * p[f"{k}_bytes"])
    _rng(p, "mult", 0, I32_MAX)
    _shift(p, "shift")
    return [_prod(p["size"], p["in_bytes"]), _prod(p["size"], p["out_bytes"])], 0


def _unary_f32(p, f):
    _rng(p, "size", 0, I32_MAX)
    _rng(p, "op", 0, 16)
    return [_prod(p["size"], 4), _prod(p["size"], 4)], 0


def _binary(es):
    """binary_s8 / binary_s16 / binary_f32: ADD's geometry, an op code, the int rescale parameters."""
    def check(p, f):
        _rng(p, "op", 0, 7 if es == 4 else 5)
        if es == 4:
            _act_f32(f)
        else:
            add_q(p, 8 * es)
            for k in ("m1", "m2", "mo"):
                _rng(p, k, 0, I32_MAX)
            _shift(p, "s1", "s2", "so")
        return broadcast(p, es), 0
    return check


S32_OPS = (0, 1, 2, 3, 4, 6, 8)  # binary.S32_CODES
CAST_BYTES = (1, 2, 4, 4, 4)  # cast's element size per type code


def _binary_s32(p, f):
    if p["op"] not in S32_OPS:
        raise KernelParamError(f"op = {p['op']} must be one of {', '.join(map(str, S32_OPS))}")
    _act(p, 32)
    return broadcast(p, 4), 0


def _cast(p, f):
    _rng(p, "size", 0, I32_MAX)
    _rng(p, "in_type", 0, len(CAST_BYTES) - 1)
    _rng(p, "out_type", 0, len(CAST_BYTES) - 1)
    return [_prod(p["size"], CAST_BYTES[p["in_type"]]), _prod(p["size"], CAST_BYTES[p["out_type"]])], 0


# signal library (TFLite Micro's audio front-end ops; tinycc/ops/signal.py)

def _window(p, f):
    _rng(p, "wsize", 1, I32_MAX)
    _rng(p, "size", 0, I32_MAX)
    _rng(p, "shift", 0, 31)
    if p["size"] % p["wsize"]:
        raise KernelParamError(f"size = {p['size']} must be a multiple of wsize = {p['wsize']}")
    return [2 * p["size"], 2 * p["size"], 2 * p["wsize"]], 0


def _rfft(p, f):
    n = p["fft_length"]
    _rng(p, "fft_length", 4, 1 << 16)
    _rng(p, "in_len", 1, n)
    _rng(p, "frames", 0, I32_MAX)
    half = n // 2
    if n % 2 or not _smooth(half):
        raise KernelParamError(f"fft_length = {n} must be even with fft_length / 2 a product of 2, 3 and 5")
    return [_prod(p["frames"], p["in_len"], 2), _prod(p["frames"], half + 1, 4), 4 * (half + half // 2)], 4 * half


def _smooth(n):
    """Is n a product of 2, 3 and 5 only (kiss_fft's radices)?"""
    for q in (2, 3, 5):
        while n % q == 0:
            n //= q
    return n == 1


def _energy(p, f):
    _rng(p, "size", 0, I32_MAX)
    _rng(p, "start", 0, p["size"])
    _rng(p, "end", p["start"], p["size"])
    return [_prod(p["size"], 4), _prod(p["size"], 4)], 0


def _filter_bank(p, f):
    _rng(p, "channels", 1, I32_MAX - 1)
    _rng(p, "in_size", 0, I32_MAX)
    _rng(p, "w_size", 0, I32_MAX)
    tab = _prod(p["channels"] + 1, 2)
    return [_prod(p["in_size"], 4), _prod(p["channels"], 8), _prod(p["w_size"], 2), _prod(p["w_size"], 2),
            tab, tab, tab], 0


def _spectral_subtraction(p, f):
    _rng(p, "channels", 0, I32_MAX)
    _rng(p, "smoothing_bits", 0, 31)
    _rng(p, "subtraction_bits", 0, 63)
    _rng(p, "clamping", 0, 1)
    n = _prod(p["channels"], 4)
    return [n, n, n, n], 0


def _sized(n_bufs, esizes, extra=(), **ranges):
    """A check for kernels over ``size`` elements: buffer k holds size * esizes[k] bytes, then the
    fixed byte counts ``extra``; ``ranges``: more parameters' bounds."""
    def check(p, f):
        _rng(p, "size", 0, I32_MAX)
        for k, (lo, hi) in ranges.items():
            _rng(p, k, lo, hi)
        return [_prod(p["size"], e) for e in esizes[:n_bufs]] + list(extra), 0
    return check


# ---- the table ------------------------------------------------------------------------------------

CONV_GEOM = ("n", "h", "w", "c", "oh", "ow", "oc", "kh", "kw", "sh", "sw", "dh", "dw", "pt", "pl")
POOL_GEOM = ("n", "h", "w", "c", "oh", "ow", "kh", "kw", "sh", "sw", "pt", "pl")
ADD_GEOM = tuple(f"d{i}" for i in range(6)) + tuple(f"a{i}" for i in range(6)) + tuple(f"b{i}" for i in range(6))
ACT = ("act_min", "act_max")
ADD_Q = ("in1_off", "in2_off", "out_off", "left_shift", "m1", "s1", "m2", "s2", "mo", "so")
#: add_s8's exact linear form, found at compile time (ops.elementwise.add_linear; lin = 0: none)
ADD_LIN = ("lin", "lin_a0", "lin_a1", "lin_b0", "lin_b1", "lin_c0", "lin_c1", "lin_shift")
COPY_ND = ("esize", "in_off", "out_off") + ADD_GEOM


def _io(ein, eout=None):
    return (Buf("in", ein), Buf("out", ein if eout is None else eout, True))


def _quant_conv_bufs(ein, ebias=4):
    return _io(ein) + (Buf("w", 1), Buf("bias", ebias), Buf("mult", 4), Buf("shift", 4))


_F32_CONV_BUFS = _io(4) + (Buf("w", 4), Buf("bias", 4))
_BIN = (Buf("in1"), Buf("in2"), Buf("out", 1, True))


def _bin(es):
    return tuple(Buf(b.name, es, b.out) for b in _BIN)


_TABLE = [
    Kernel("conv2d_s8", _quant_conv_bufs(1), CONV_GEOM + ACT + ("in_zp", "out_zp"), check=_conv(1, False),
           stream=Stream("oc", 1), shifts="oc",
               doc="CONV_2D int8 (NHWC); w [oc][kh][kw][c], bias / mult / shift per output channel"),
    Kernel("dwconv2d_s8", _quant_conv_bufs(1), CONV_GEOM + ACT + ("in_zp", "out_zp", "dm"), check=_conv(1, True),
           stream=Stream("oc", 1), shifts="oc",
               doc="DEPTHWISE_CONV_2D int8; w [kh][kw][oc], oc = c * dm; scratch oc * 4"),
    Kernel("fc_s8", _quant_conv_bufs(1), ("batches", "depth", "units") + ACT + ("in_zp", "out_zp"),
           check=lambda p, f: (fc(p, f, 1), 0), shifts="units", doc="FULLY_CONNECTED int8; w is [units][depth]"),
    Kernel("avgpool_s8", _io(1), POOL_GEOM + ACT, check=_pool(1, False), stream=Stream("c", 1),
           doc="AVERAGE_POOL_2D int8; scratch c * 4"),
    Kernel("maxpool_s8", _io(1), POOL_GEOM + ACT, check=_pool(1, True), stream=Stream("c", 1),
           doc="MAX_POOL_2D int8; scratch c * 4 (unused)"),
    Kernel("transpose_nchw_s8", _io(1), POOL_GEOM, check=_transpose_nchw(1), stream=Stream("c", 1, True),
           doc="TRANSPOSE perm (0, 2, 3, 1) of int8 NCHW as a 1x1 window (a streamed block's head)"),
    Kernel("transpose_nchw_f32", _io(4), POOL_GEOM, check=_transpose_nchw(4), stream=Stream("c", 4, True),
           doc="TRANSPOSE perm (0, 2, 3, 1) of float32 NCHW as a 1x1 window (a streamed block's head)"),
    Kernel("add_s8", _bin(1), ADD_GEOM + ACT + ADD_Q + ADD_LIN, check=_add(1),
        doc="ADD int8, broadcast over 6-D: out dense d0..d5, in1 / in2 element strides a0..a5 / b0..b5; lin_*: "
            "the same ADD as one exact linear form (ops.elementwise.add_linear; lin = 0: none)",
           inplace="output over an input that is not broadcast"),
    Kernel("softmax_s8", _io(1), ("outer", "depth", "mult", "left_shift", "diff_min"), check=_softmax(1),
           doc="SOFTMAX int8 over rows of depth", inplace="output over the input"),
    Kernel("copy", _io(1), ("nbytes",), check=_copy, doc="a byte copy (memmove)", inplace="any overlap"),
    Kernel("quantize_f32_s8", _io(4, 1), ("size", "zp"), ("scale",), check=_quantize,
           doc="QUANTIZE float32 -> int8 (round half away from zero, saturate; NaN -> -128)", inplace="output over "
               "the input"),
    Kernel("requantize_s8", _io(1), ("size", "in_zp", "out_zp", "mult", "shift"), check=_requantize,
           doc="QUANTIZE int8 -> int8", inplace="output over the input"),
    Kernel("dequantize_s8_f32", _io(1, 4), ("size", "zp"), ("scale",), check=_dequantize,
           doc="DEQUANTIZE int8 -> float32"),
    Kernel("conv2d_f32", _F32_CONV_BUFS, CONV_GEOM, ACT, check=_conv(4, False), stream=Stream("oc", 4),
           doc="CONV_2D float32"),
    Kernel("dwconv2d_f32", _F32_CONV_BUFS, CONV_GEOM + ("dm",), ACT, check=_conv(4, True), stream=Stream("oc", 4),
           doc="DEPTHWISE_CONV_2D float32; scratch oc * 4"),
    Kernel("fc_f32", _F32_CONV_BUFS, ("batches", "depth", "units"), ACT, check=lambda p, f: (fc(p, f, 4), 0),
           doc="FULLY_CONNECTED float32"),
    Kernel("avgpool_f32", _io(4), POOL_GEOM, ACT, check=_pool(4, False), stream=Stream("c", 4),
           doc="AVERAGE_POOL_2D float32; scratch c * 4"),
    Kernel("maxpool_f32", _io(4), POOL_GEOM, ACT, check=_pool(4, True), stream=Stream("c", 4),
           doc="MAX_POOL_2D float32; scratch c * 4"),
    Kernel("add_f32", _bin(4), ADD_GEOM, ACT, check=_add(4), doc="ADD float32, broadcast as add_s8",
           inplace="output over an input that is not broadcast"),
    Kernel("softmax_f32", _io(4), ("outer", "depth"), ("beta",), check=_softmax(4),
           doc="SOFTMAX float32 (expf)", inplace="output over the input"),
    Kernel("copy_nd", _io(1), COPY_ND, check=_copy_nd,
        doc="elements of esize bytes over a 6-D affine walk (offsets and strides in elements)"),
    Kernel("fill", (Buf("out", 1, True),), ("esize", "count", "value"), check=_fill, doc="count elements of value"),
    Kernel("lut_s8", _io(1) + (Buf("table"),), ("size",), check=_lut, doc="a 256-entry int8 table lookup",
           inplace="output over the input"),
    Kernel("unary_f32", _io(4), ("size", "op"), ("alpha",), check=_unary_f32,
        doc="float32 unary ops by op code (activations.F32_CODES)",
           inplace="output over the input"),
    Kernel("binary_s8", _bin(1), ADD_GEOM + ("op",) + ACT + ADD_Q, check=_binary(1),
           doc="int8 binary ops by op code (binary.CODES 0..5), broadcast as add_s8", inplace="output over an input "
               "that is not broadcast"),
    Kernel("binary_s16", _bin(2), ADD_GEOM + ("op",) + ACT + ADD_Q, check=_binary(2),
           doc="int16 SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, broadcast as add_s8", inplace="output over an "
               "input that is not broadcast"),
    Kernel("binary_f32", _bin(4), ADD_GEOM + ("op",), ACT, check=_binary(4),
           doc="float32 binary ops by op code (binary.CODES 0..7), broadcast as add_s8", inplace="output over an "
               "input that is not broadcast"),
    Kernel("reduce_s8", _io(1), REDUCE_GEOM + ("in_zp", "out_zp", "mult", "shift"), check=_reduce(1, True),
           doc="MEAN / SUM (mode 0: requantized sum), REDUCE_MAX (1), REDUCE_MIN (2) int8 over up to 3 reduced groups"
               " (sizes r0..r2, element strides ra0..ra2) for each of up to 3 kept groups (o0..o2, oa0..oa2); out "
               "dense [o0][o1][o2]"),
    Kernel("reduce_s16", _io(2), REDUCE_GEOM + ("in_zp", "out_zp", "mult", "shift"), check=_reduce(2, True),
           doc="MEAN / SUM / REDUCE_MAX / REDUCE_MIN int16, as reduce_s8"),
    Kernel("reduce_f32", _io(4), REDUCE_GEOM, check=_reduce(4, False),
        doc="reductions float32 as reduce_s8; mode 0: sum, 1: mean, 2: max, 3: min"),
    Kernel("argminmax_s8", _io(1, 4), ("mode", "outer", "axis", "inner"), check=_argminmax(1),
           doc="ARG_MAX (mode 1) / ARG_MIN (0): in int8 [outer][axis][inner] -> out int32 [outer][inner]"),
    Kernel("argminmax_f32", _io(4), ("mode", "outer", "axis", "inner"), check=_argminmax(4),
           doc="ARG_MAX (mode 1) / ARG_MIN (0): in float32 [outer][axis][inner] -> out int32 [outer][inner]"),
    Kernel("resize_nearest", _io(1) + (Buf("ytab", 4), Buf("xtab", 4)), ("esize",) + RESIZE_GEOM,
           check=_resize(None, 1),
               doc="NHWC nearest-neighbour resize (and GATHER) by tables: ytab oh input rows, xtab ow input columns "
                   "(int32)"),
    Kernel("resize_bilinear_s8", _io(1) + (Buf("ytab", 4), Buf("xtab", 4)), RESIZE_GEOM, check=_resize(1, 4),
           doc="RESIZE_BILINEAR int8: ytab oh x {y0 y1 wy0 wy1}, xtab ow x {x0 x1 wx0 wx1} int32 (10-bit weights)"),
    Kernel("resize_bilinear_f32", _io(4) + tuple(Buf(n, 4) for n in ("yidx", "xidx", "yw", "xw")), RESIZE_GEOM,
           check=_resize(4, 2),
               doc="RESIZE_BILINEAR float32: yidx oh x {y0 y1}, xidx ow x {x0 x1} int32; yw, xw {1 - d, d} float32"),
    Kernel("batch_matmul_s8", (Buf("lhs"), Buf("rhs"), Buf("out", 1, True)),
           BMM_GEOM + ("lhs_zp", "rhs_zp", "out_zp", "mult", "shift"), check=_batch_matmul(1),
           doc="BATCH_MATMUL int8, out dense [b0][b1][b2][m][n]; lhs (i, t) at batch offset + i * lsi + t * lsk, rhs "
               "(t, j) at batch offset + t * rsk + j * rsj; batch offsets i0 * la0 + ... (0: broadcast)"),
    Kernel("batch_matmul_s16", (Buf("lhs", 2), Buf("rhs", 2), Buf("out", 2, True)),
           BMM_GEOM + ("lhs_zp", "rhs_zp", "out_zp", "mult", "shift"), check=_batch_matmul(2),
           doc="BATCH_MATMUL int16 (zero points 0, int64 accumulation), as batch_matmul_s8"),
    Kernel("batch_matmul_f32", (Buf("lhs", 4), Buf("rhs", 4), Buf("out", 4, True)), BMM_GEOM,
           check=_batch_matmul(4), doc="BATCH_MATMUL float32"),
    Kernel("transpose_conv_s8", _quant_conv_bufs(1), TCONV_GEOM + ACT + ("in_zp", "out_zp"),
           check=_transpose_conv(1), shifts="oc",
               doc="TRANSPOSE_CONV int8 (gathered); w [oc][kh][kw][c]; pt, pl: the forward convolution's padding"),
    Kernel("transpose_conv_s16", (Buf("in", 2), Buf("out", 2, True), Buf("w", 1), Buf("bias", 8), Buf("mult", 4),
                                  Buf("shift", 4)), TCONV_GEOM + ACT, check=_transpose_conv(2), shifts="oc",
           doc="TRANSPOSE_CONV 16x8 (int64 bias and accumulation), as transpose_conv_s8"),
    Kernel("transpose_conv_f32", _F32_CONV_BUFS, TCONV_GEOM, ACT, check=_transpose_conv(4),
           doc="TRANSPOSE_CONV float32"),
    Kernel("log_softmax_s8", _io(1), ("outer", "depth", "mult", "left_shift", "rev_div", "rev_shift", "diff_min"),
           check=_log_softmax_s8, doc="LOG_SOFTMAX int8 over the last axis (output scale 16/256, zero point 127)"),
    Kernel("log_softmax_f32", _io(4), ("outer", "depth"), check=_rows(4), doc="LOG_SOFTMAX float32 over the last axis"),
    Kernel("l2norm_s8", _io(1), ("outer", "depth", "zp"), check=_rows(1, True),
        doc="L2_NORMALIZATION int8 over the last axis (output scale 1/128, zero point 0)"),
    Kernel("l2norm_f32", _io(4), ("outer", "depth"), check=_rows(4), doc="L2_NORMALIZATION float32"),
    Kernel("lstm_s8", _io(1) + (Buf("h", 1, True), Buf("c", 2, True), Buf("w"), Buf("r"), Buf("bias", 4),
                                Buf("mult", 4), Buf("shift", 4), Buf("table", 2)),
           LSTM_GEOM + ("in_zp", "h_zp", "m_fc", "s_fc", "m_ig", "s_ig", "m_o", "s_o", "tanh_mult", "tanh_shift",
                        "clip"), check=_lstm(1, True),
                            doc="UNIDIRECTIONAL_SEQUENCE_LSTM int8 (8x8->16); h and c are the state, read and updated"),
    Kernel("lstm_s16", _io(2) + (Buf("h", 2, True), Buf("c", 2, True), Buf("w"), Buf("r"), Buf("bias", 8),
                                 Buf("mult", 4), Buf("shift", 4), Buf("table", 2)),
           LSTM_GEOM + ("in_zp", "h_zp", "m_fc", "s_fc", "m_ig", "s_ig", "m_o", "s_o", "tanh_mult", "tanh_shift",
                        "clip"), check=_lstm(2, True),
                            doc="UNIDIRECTIONAL_SEQUENCE_LSTM 16x8 (int16 in, out and h, int64 bias), as lstm_s8"),
    Kernel("lstm_f32", _io(4) + (Buf("h", 4, True), Buf("c", 4, True), Buf("w", 4), Buf("r", 4), Buf("bias", 4)),
           LSTM_GEOM, ("cell_clip",), check=_lstm(4, False), doc="UNIDIRECTIONAL_SEQUENCE_LSTM float32"),
    Kernel("relu_s16", _io(2), ("size", "mode", "in_zp", "out_zp", "m1", "s1", "m2", "s2", "lo", "hi", "neg"),
           check=_relu_s16,
               doc="RELU / RELU6 / LEAKY_RELU int16; int16 RELU (mode 0), RELU6 (1), LEAKY_RELU (2)", inplace="output"
                   " over the input"),
    Kernel("conv_s16", _quant_conv_bufs(2, 8), CONV_GEOM + ("dm",) + ACT + ("wide",), check=_conv_s16, shifts="oc",
           doc="16x8 convolution (dm 0), depthwise (dm >= 1) or fully connected (1x1): int16 activations, int8 "
               "weights, int64 bias"),
    Kernel("convert_s16", (Buf("in", 2), Buf("out", 2, True)), ("mode", "size", "zp"), ("scale",),
           check=_convert_s16, doc="QUANTIZE float32 -> int16 (mode 0), DEQUANTIZE int16 -> float32 (1)"),
    Kernel("requantize_s16", (Buf("in", 1), Buf("out", 1, True)),
           ("size", "in_zp", "out_zp", "mult", "shift", "in_bytes", "out_bytes"), check=_requantize_s16,
           doc="QUANTIZE between int8, int16 and int32 (in_bytes, out_bytes: 1, 2 or 4)", inplace="output over the "
               "input when no wider"),
    Kernel("pool_s16", _io(2), POOL_GEOM + ACT + ("mode",), check=_pool_s16,
           doc="AVERAGE_POOL_2D (mode 0) / MAX_POOL_2D (1) int16"),
    Kernel("add_s16", _bin(2), ADD_GEOM + ACT + ADD_Q, check=_add_s16,
        doc="ADD int16 (left shift 15), broadcast as add_s8",
           inplace="output over an input that is not broadcast"),
    Kernel("sigmoid_tanh_s16", _io(2) + (Buf("table", 2),), ("size", "mode", "mult", "shift"),
           check=_sigmoid_tanh_s16, doc="LOGISTIC (mode 0) / TANH (1) int16 by TFLite's table interpolation",
           inplace="output over the input"),
    Kernel("softmax_s8_s16", _io(1, 2), ("outer", "depth", "mult", "left_shift", "diff_min"),
           check=_softmax_s8_s16, doc="SOFTMAX int8 -> int16 (scale 1/65536, zero point -32768)"),
    Kernel("softmax_s16", _io(2) + (Buf("exp_lut", 2), Buf("recip_lut", 2)), ("outer", "depth", "mult", "shift"),
           check=_softmax_s16,
               doc="SOFTMAX int16 -> int16 with TFLite's two 513-entry tables", inplace="output over the input"),
    Kernel("unary_s16", _io(2), ("size", "mode", "rescale", "mult", "shift"), check=_unary_s16,
           doc="RSQRT (mode 0) / ABS (1) int16", inplace="output over the input"),
    Kernel("svdf_s8", _io(1) + (Buf("state", 1, True), Buf("wf"), Buf("wt"), Buf("bias", 4)),
           SVDF_GEOM + ("in_zp", "state_zp", "out_zp", "m1", "s1", "m2", "s2"), check=_svdf(1),
           doc="SVDF: state [batch][units * rank][memory] read and updated; int8 in, out, wf, state and wt; int32 "
               "bias"),
    Kernel("svdf_s16", _io(1) + (Buf("state", 2, True), Buf("wf"), Buf("wt", 2), Buf("bias", 4)),
           SVDF_GEOM + ("in_zp", "state_zp", "out_zp", "m1", "s1", "m2", "s2"), check=_svdf(2),
           doc="SVDF as svdf_s8 with an int16 state and wt"),
    Kernel("svdf_f32", _io(4) + (Buf("state", 4, True), Buf("wf", 4), Buf("wt", 4), Buf("bias", 4)),
           SVDF_GEOM, ACT, check=_svdf(4), doc="SVDF float32; float32 SVDF"),
    Kernel("binary_s32", _bin(4), ADD_GEOM + ("op",) + ACT, check=_binary_s32,
           doc="int32 binary ops by op code (binary.S32_CODES: wrapping ADD, SUB, MUL, SQUARED_DIFFERENCE, "
               "truncating DIV, MAXIMUM, MINIMUM), broadcast as add_s8", inplace="output over an input that is not "
               "broadcast"),
    Kernel("cast", _io(1), ("size", "in_type", "out_type"), check=_cast,
           doc="CAST between int8 (type 0), int16 (1), int32 (2), uint32 (3) and float32 (4)"),
    Kernel("signal_window", _io(2) + (Buf("w", 2),), ("size", "wsize", "shift"), check=_window,
           doc="SignalWindow: out = sat16(in * w >> shift), w repeated every wsize elements"),
    Kernel("fft_auto_scale", _io(2) + (Buf("scale", 4, True),), ("size",),
           check=_sized(2, (2, 2), (4,)), doc="SignalFftAutoScale: out = in << scale, scale = 15 - bits of max |in|"),
    Kernel("rfft_s16", _io(2) + (Buf("tw", 2),), ("frames", "in_len", "fft_length"), check=_rfft,
           doc="SignalRfft int16: kiss_fftr in 16-bit fixed point per frame of in_len samples zero-padded to "
               "fft_length; tw: fft_length/2 twiddles then fft_length/4 super twiddles (re, im); scratch "
               "fft_length * 2"),
    Kernel("signal_energy", _io(2, 4), ("size", "start", "end"), check=_energy,
           doc="SignalEnergy: out[i] = re^2 + im^2 (uint32) for start <= i < end, else 0"),
    Kernel("filter_bank", (Buf("in", 4), Buf("out", 8, True), Buf("w", 2), Buf("uw", 2), Buf("fstart", 2),
                           Buf("wstart", 2), Buf("widths", 2)), ("channels", "in_size", "w_size"),
           check=_filter_bank, doc="SignalFilterBank: uint64 sums of uint32 inputs times int16 weights over "
                                   "channels + 1 bands, the first dropped"),
    Kernel("filter_bank_sqrt", (Buf("in", 8), Buf("out", 4, True), Buf("shift", 4)), ("size",),
           check=_sized(2, (8, 4), (4,)), doc="SignalFilterBankSquareRoot: rounded sqrt of uint64 >> shift[0] "
                                               "(0 for a shift outside 0..31)"),
    Kernel("spectral_subtraction", (Buf("in", 4), Buf("out", 4, True), Buf("noise", 4, True), Buf("state", 4, True)),
           ("channels", "smoothing", "one_minus_smoothing", "alt_smoothing", "alt_one_minus_smoothing",
            "smoothing_bits", "subtraction_bits", "min_signal_remaining", "clamping"), check=_spectral_subtraction,
           doc="SignalFilterBankSpectralSubtraction: updates the noise estimate state, copies it to noise; "
               "the uint32 constants passed with their bits in int32"),
    Kernel("pcan", (Buf("in", 4), Buf("out", 4, True), Buf("noise", 4), Buf("lut", 2)), ("size", "snr_shift"),
           check=_sized(3, (4, 4, 4), (250,), snr_shift=(0, 63)),
           doc="SignalPCAN: gain from the noise estimate through a 125-entry table, then PCAN shrink"),
    Kernel("filter_bank_log", _io(4, 2) + (Buf("lut", 2),), ("size", "out_scale", "correction_bits"),
           check=_sized(2, (4, 2), (260,), correction_bits=(0, 31)),
           doc="SignalFilterBankLog: min(32767, out_scale * ln(in << correction_bits)) in fixed point, 0 for <= 1"),
]

#: kernel name -> Kernel
KERNELS: dict[str, Kernel] = {k.name: k for k in _TABLE}
assert len(KERNELS) == len(_TABLE)

#: the kernels tc_run_streamed can run row by row
STREAMABLE = frozenset(k.name for k in _TABLE if k.stream is not None)

#: the most operands of any kernel (the executor's and the streamer's fixed arrays)
MAX_BUFS = max(len(k.bufs) for k in _TABLE)
MAX_IPARAMS = max(len(k.iparams) for k in _TABLE)
MAX_FPARAMS = max(len(k.fparams) for k in _TABLE)


def get(name: str) -> Kernel:
    try:
        return KERNELS[name]
    except KeyError:
        raise KernelParamError(f"unknown kernel {name!r}; known: {', '.join(sorted(KERNELS))}") from None


# ---- the C header ---------------------------------------------------------------------------------

def _c_name(s: str) -> str:
    return s.upper()


def c_header() -> str:
    """targets/generic/tc_abi.h: prototypes and index names of every kernel (generated)."""
    out = ["/* tinycc kernel ABI: generated from tinycc/kernels.py by `python -m tinycc.kernels > "
           "targets/generic/tc_abi.h`;",
           " * do not edit. Every kernel is tc_<name>(buf, ip, fp, scratch); the index names below say",
           " * which element of buf (TCB_), ip (TCP_) and fp (TCF_) holds which operand; TCN_ count them. */",
           "#ifndef TINYCC_TC_ABI_H", "#define TINYCC_TC_ABI_H", "", "#include <stdint.h>", "",
           f"#define TC_MAX_BUFS {MAX_BUFS}", f"#define TC_MAX_IPARAMS {MAX_IPARAMS}",
           f"#define TC_MAX_FPARAMS {MAX_FPARAMS}", ""]
    for k in _TABLE:
        n = _c_name(k.name)
        bufs = " ".join(f"{b.name}{'*' if b.out else ''}({b.esize})" for b in k.bufs)
        out.append(f"/* {k.name}: {k.doc}. buf: {bufs} (* written, (bytes per element)) */")
        out.append(f"void tc_{k.name}(void *const *buf, const int32_t *ip, const float *fp, void *scratch);")
        out.append("enum { " + ", ".join(f"TCB_{n}_{_c_name(b.name)}" for b in k.bufs) + f", TCN_{n}_BUFS }};")
        out.append("enum { " + ", ".join(f"TCP_{n}_{_c_name(p)}" for p in k.iparams) + f", TCN_{n}_IPARAMS }};")
        if k.fparams:
            out.append("enum { " + ", ".join(f"TCF_{n}_{_c_name(p)}" for p in k.fparams) + f", TCN_{n}_FPARAMS }};")
        out.append("")
    out.append("#endif")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    print(c_header(), end="")
