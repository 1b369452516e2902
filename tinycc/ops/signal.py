"""TFLite Micro's signal library: the custom operators of its audio front ends (Signal*).

A keyword-spotting front end (``audio_preprocessor_int8.tflite``) turns 480 int16 samples into 40
log-mel features: window -> FFT auto scale -> real FFT (int16, kiss_fft's fixed-point arithmetic) ->
energy -> mel filter bank (uint64) -> square root -> spectral subtraction (a noise estimate kept
from one invocation to the next) -> PCAN gain control -> log. Every op is integer arithmetic;
the references below follow TFLite Micro's code operation by operation, its wraps and truncations
included (C integer promotion: an int16 sum is computed in int and stored back wrapped), so
results are bit-exact.

TFLite Micro keeps the spectral subtraction's noise estimate in its persistent area; tinycc models
it as a variable tensor the frontend adds to the op (``OpDef.hidden_state``): it lives in the
state part of the arena, is zero after a reset and carries over between invocations, like an
LSTM's state. Where TFLite Micro's behaviour is undefined (a shift by 32 or more, a filter bank
table pointing outside its input, an FFT length with a prime factor above 5, for which its
generic butterfly has no scratch) tinycc refuses the model or defines the result (stated below).
"""
from __future__ import annotations

import functools
import math
from dataclasses import make_dataclass

import numpy as np

from ..errors import ModelFormatError
from . import KernelCall, OpDef, T, bounds, register

_U32, _U64 = (1 << 32) - 1, (1 << 64) - 1


def _w16(x):
    """int16 wrap of int64 values (C's conversion of an int result to int16_t)."""
    return ((np.asarray(x, np.int64) + 32768) & 0xFFFF) - 32768


def _w32(x):
    return ((np.asarray(x, np.int64) + (1 << 31)) & _U32) - (1 << 31)


def _msb32(x):
    """MostSignificantBit32 as TFLite Micro's GCC builds compute it: 32 - clz(x), and 32 for 0."""
    x = np.asarray(x, np.int64) & _U32
    bits = np.zeros(x.shape, np.int64)
    for b in range(32):
        bits = np.where(x >> b != 0, b + 1, bits)
    return np.where(x == 0, 32, bits)


def _parser(name, fields):
    """An options class with ``fields`` (flexbuffer key -> type) and its parser: every key must be
    present in the operator's custom options (TFLite Micro reads them by position in the sorted map)."""
    cls = make_dataclass(name, [(k, t) for k, t in fields.items()], frozen=True)

    def parse(where, o):
        if not isinstance(o, dict) or any(k not in o for k in fields):
            got = sorted(o) if isinstance(o, dict) else o
            raise ModelFormatError(f"{where}: its custom options must be a flexbuffer map with the keys "
                                   f"{', '.join(sorted(fields))}; got {got!r}")
        try:
            return cls(**{k: t(o[k]) for k, t in fields.items()})
        except (TypeError, ValueError):
            raise ModelFormatError(f"{where}: custom options {o!r} do not have the types "
                                   f"{ {k: t.__name__ for k, t in fields.items()} }") from None
    return parse


def _signal(name, **kw) -> OpDef:
    """A signal op's OpDef: every one reads and writes raw integers (no quantization), exact on exact
    inputs (an inexact input, from a float op before it, can move its integer results anywhere)."""
    return OpDef(name, raw=True, error=bounds.unbounded, **kw)


def _dt(graph, op, i, out=False):
    t = T(graph, op, i, out)
    return None if t is None else t.dtype.name


def _range(op, key, lo, hi):
    return lo <= getattr(op.options, key) <= hi


def _same_shape(op, graph):
    return [tuple(T(graph, op, 0).shape)]


def _flat(graph, op, i, out=False):
    return T(graph, op, i, out).size


# ---- SignalWindow: x * w >> shift, saturated, the window repeated over the input ------------------

def _window_ref(op, graph, ins):
    x, w = ins[0].astype(np.int64), ins[1].astype(np.int64)
    y = (x.reshape(-1, w.size) * w) >> op.options.shift
    return [np.clip(y, -32768, 32767).astype(np.int16).reshape(ins[0].shape)]


def c_window(op, graph):
    """int16 input, output and weights (1-D, constant), the input's size a multiple of the weights',
    shift 0..31"""
    return (_dt(graph, op, 0) == _dt(graph, op, 1) == _dt(graph, op, 0, True) == "int16"
            and T(graph, op, 1).is_const and len(T(graph, op, 1).shape) == 1 and T(graph, op, 1).size >= 1
            and _flat(graph, op, 0) % T(graph, op, 1).size == 0 and _range(op, "shift", 0, 31))


register(_signal("SignalWindow", parse=_parser("WindowOptions", {"shift": int}), shapes=_same_shape,
               reference=_window_ref, inputs=("input", "weights"), constraints=(c_window,), dtypes=("int16",),
               lower=lambda op, graph: [KernelCall("signal_window", [op.inputs[0], op.outputs[0], T(graph, op, 1).data],
                                                   {"size": _flat(graph, op, 0), "wsize": T(graph, op, 1).size,
                                                    "shift": op.options.shift})],
               kernels=("signal_window",), doc="TFLite Micro signal library: multiply by a window, shift, saturate"))


# ---- SignalFftAutoScale: shift left so the largest magnitude uses 15 bits --------------------------

def _max_abs16(x):
    """MaxAbs16: its loop, whose int16 maximum turns to -32768 on an input of -32768."""
    x = x.reshape(-1).astype(np.int64)
    if not np.any(x == -32768):
        return int(np.abs(x).max(initial=0))
    m = 0
    for v in x.tolist():
        if v > m:
            m = v
        elif -v > m:
            m = int(_w16(-v))
    return m


def _auto_scale_ref(op, graph, ins):
    bits = 16 - int(_msb32(_max_abs16(ins[0]))) - 1
    bits = max(bits, 0)
    return [_w16(ins[0].astype(np.int64) << bits).astype(np.int16), np.array(bits, np.int32).reshape(
        T(graph, op, 1, True).shape)]


def c_auto_scale(op, graph):
    """int16 input and output of one shape, an int32 scalar for the shift"""
    return (_dt(graph, op, 0) == _dt(graph, op, 0, True) == "int16" and _dt(graph, op, 1, True) == "int32"
            and T(graph, op, 1, True).size == 1)


register(_signal("SignalFftAutoScale", parse=lambda where, o: None, reference=_auto_scale_ref,
               shapes=lambda op, graph: [tuple(T(graph, op, 0).shape), tuple(T(graph, op, 1, True).shape)],
               outputs=("output", "scale_bits"), constraints=(c_auto_scale,), dtypes=("int16",),
               lower=lambda op, graph: [KernelCall("fft_auto_scale", [op.inputs[0], op.outputs[0], op.outputs[1]],
                                                   {"size": _flat(graph, op, 0)})],
               kernels=("fft_auto_scale",),
               doc="TFLite Micro signal library: scale int16 samples up to full range, output the shift"))


# ---- SignalRfft: kiss_fft's real FFT in 16-bit fixed point ----------------------------------------

def fft_factors(n: int) -> list:
    """kiss_fft's factorisation of a complex FFT length: fours first, then twos, then odd primes."""
    out, p = [], 4
    while True:
        while n % p:
            p = {4: 2, 2: 3}.get(p, p + 2)
            if p * p > n:
                p = n
        n //= p
        out.append((p, n))
        if n <= 1:
            return out


@functools.lru_cache(maxsize=None)
def twiddles(nfft: int) -> np.ndarray:
    """The constant table of the real FFT of length nfft: kiss_fft's ncfft = nfft/2 twiddles, then
    its ncfft/2 'super twiddles' of the real-to-complex split, as int16 (re, im) pairs: each
    floor(0.5 + 32767 cos(phase)) in double precision, as kiss_fftr_alloc computes them."""
    ncfft = nfft // 2
    phases = [-2 * math.pi * i / ncfft for i in range(ncfft)]
    phases += [-math.pi * ((i + 1) / ncfft + 0.5) for i in range(ncfft // 2)]
    tw = np.array([(math.floor(0.5 + 32767 * math.cos(p)), math.floor(0.5 + 32767 * math.sin(p)))
                   for p in phases], np.int16).reshape(-1)
    tw.setflags(write=False)  # cached: computed once per length
    return tw


class _Cpx:
    """int16 complex arrays (int64 storage) with kiss_fft's fixed-point macros."""

    @staticmethod
    def sround(x):
        return _w16(_w32(_w32(x) + (1 << 14)) >> 15)

    @classmethod
    def mul(cls, ar, ai, br, bi):  # C_MUL
        return cls.sround(ar * br - ai * bi), cls.sround(ar * bi + ai * br)

    @classmethod
    def fixdiv(cls, r, i, k):  # C_FIXDIV
        return cls.sround(r * (32767 // k)), cls.sround(i * (32767 // k))


def _butterfly(fr, fi, base, p, m, fstride, tw):
    """One kiss_fft radix-p stage on the blocks starting at ``base`` (array), m outputs apart."""
    c = _Cpx
    k = np.arange(m)
    idx = base[:, None] + k[None, :]
    F = [c.fixdiv(fr[idx + q * m], fi[idx + q * m], p) for q in range(p)]
    twr, twi = tw[0::2], tw[1::2]

    def t(q):
        j = q * k * fstride
        return twr[j][None, :], twi[j][None, :]

    def add(a, b):
        return _w16(a[0] + b[0]), _w16(a[1] + b[1])

    def sub(a, b):
        return _w16(a[0] - b[0]), _w16(a[1] - b[1])
    if p == 2:
        tt = c.mul(*F[1], *t(1))
        out = [add(F[0], tt), sub(F[0], tt)]
    elif p == 4:
        s0, s1, s2 = c.mul(*F[1], *t(1)), c.mul(*F[2], *t(2)), c.mul(*F[3], *t(3))
        s5, f0 = sub(F[0], s1), add(F[0], s1)
        s3, s4 = add(s0, s2), sub(s0, s2)
        out = [add(f0, s3), (_w16(s5[0] + s4[1]), _w16(s5[1] - s4[0])), sub(f0, s3),
               (_w16(s5[0] - s4[1]), _w16(s5[1] + s4[0]))]
    elif p == 3:
        e = twi[fstride * m]
        s1, s2 = c.mul(*F[1], *t(1)), c.mul(*F[2], *t(2))
        s3, s0 = add(s1, s2), sub(s1, s2)
        h = (_w16(F[0][0] - (s3[0] >> 1)), _w16(F[0][1] - (s3[1] >> 1)))
        s0 = (c.sround(s0[0] * e), c.sround(s0[1] * e))
        out = [add(F[0], s3), (_w16(h[0] - s0[1]), _w16(h[1] + s0[0])), (_w16(h[0] + s0[1]), _w16(h[1] - s0[0]))]
    else:  # p == 5
        ya, yb = (twr[fstride * m], twi[fstride * m]), (twr[2 * fstride * m], twi[2 * fstride * m])
        s0 = F[0]
        s1, s2, s3, s4 = (c.mul(*F[q], *t(q)) for q in range(1, 5))
        s7, s10, s8, s9 = add(s1, s4), sub(s1, s4), add(s2, s3), sub(s2, s3)

        def sm(a, b):
            return c.sround(a * b)
        f0 = (_w16(s0[0] + s7[0] + s8[0]), _w16(s0[1] + s7[1] + s8[1]))
        s5 = (_w16(s0[0] + sm(s7[0], ya[0]) + sm(s8[0], yb[0])), _w16(s0[1] + sm(s7[1], ya[0]) + sm(s8[1], yb[0])))
        s6 = (_w16(sm(s10[1], ya[1]) + sm(s9[1], yb[1])), _w16(-sm(s10[0], ya[1]) - sm(s9[0], yb[1])))
        s11 = (_w16(s0[0] + sm(s7[0], yb[0]) + sm(s8[0], ya[0])), _w16(s0[1] + sm(s7[1], yb[0]) + sm(s8[1], ya[0])))
        s12 = (_w16(-sm(s10[1], yb[1]) + sm(s9[1], ya[1])), _w16(sm(s10[0], yb[1]) - sm(s9[0], ya[1])))
        out = [f0, sub(s5, s6), add(s11, s12), sub(s11, s12), add(s5, s6)]
    for q, (r, i) in enumerate(out):
        fr[idx + q * m], fi[idx + q * m] = r, i


def rfft16(frame, nfft: int, tw: np.ndarray) -> np.ndarray:
    """kiss_fftr (FIXED_POINT 16) of one zero-padded int16 frame: nfft/2 + 1 int16 (re, im) pairs."""
    ncfft = nfft // 2
    x = np.zeros(nfft, np.int64)
    x[:frame.size] = frame
    factors = fft_factors(ncfft)
    # where the recursion's leaves put each input: output o = sum j_s m_s reads input sum j_s fstride_s
    src, fstride = np.zeros(1, np.int64), 1
    for p, m in factors:
        src = (src[:, None] + np.arange(p)[None, :] * fstride).reshape(-1)
        fstride *= p
    fr, fi = x[0::2][src].copy(), x[1::2][src].copy()
    strides = np.cumprod([1] + [p for p, _ in factors])
    for s in range(len(factors) - 1, -1, -1):
        p, m = factors[s]
        _butterfly(fr, fi, np.arange(strides[s]) * (p * m), p, m, int(strides[s]), tw)
    c = _Cpx
    out = np.zeros((ncfft + 1, 2), np.int64)
    dr, di = c.fixdiv(fr[0], fi[0], 2)
    out[0, 0], out[ncfft, 0] = _w16(dr + di), _w16(dr - di)
    k = np.arange(1, ncfft // 2 + 1)
    pk = c.fixdiv(fr[k], fi[k], 2)
    pnk = c.fixdiv(fr[ncfft - k], _w16(-fi[ncfft - k]), 2)
    f1 = (_w16(pk[0] + pnk[0]), _w16(pk[1] + pnk[1]))
    f2 = (_w16(pk[0] - pnk[0]), _w16(pk[1] - pnk[1]))
    st = tw[2 * ncfft:].reshape(-1, 2)
    t = c.mul(f2[0], f2[1], st[k - 1, 0], st[k - 1, 1])
    out[k, 0], out[k, 1] = _w16((f1[0] + t[0]) >> 1), _w16((f1[1] + t[1]) >> 1)
    out[ncfft - k, 0], out[ncfft - k, 1] = _w16((f1[0] - t[0]) >> 1), _w16((t[1] - f1[1]) >> 1)
    return out.reshape(-1)


def _rfft_geometry(op, graph):
    x = T(graph, op, 0)
    n_in = x.shape[-1] if x.shape else 1
    return dict(frames=x.size // max(n_in, 1), in_len=n_in, fft_length=op.options.fft_length)


def _rfft_ref(op, graph, ins):
    g = _rfft_geometry(op, graph)
    tw = twiddles(g["fft_length"]).astype(np.int64)
    frames = ins[0].reshape(g["frames"], g["in_len"])
    y = np.stack([rfft16(f.astype(np.int64), g["fft_length"], tw) for f in frames])
    return [y.astype(np.int16).reshape(T(graph, op, 0, True).shape)]


def _rfft_shapes(op, graph):
    x = T(graph, op, 0)
    return [tuple(x.shape[:-1]) + (2 * (op.options.fft_length // 2 + 1),)]


def c_rfft_type(op, graph):
    """the FFT type T must be int16 (TensorType 7) with int16 input and output (the int32 and float32
    FFTs are not supported)"""
    return op.options.T == 7 and _dt(graph, op, 0) == _dt(graph, op, 0, True) == "int16"


def c_rfft_length(op, graph):
    """fft_length must be even, at least 4 and its half a product of 2, 3 and 5 only (TFLite Micro's
    kiss_fft has no scratch for larger radices), with the input's last dimension (1..fft_length)
    zero-padded to it"""
    n, x = op.options.fft_length, T(graph, op, 0)
    if n < 4 or n % 2 or n > 1 << 16 or not x.shape or not 1 <= x.shape[-1] <= n:
        return False
    return all(p <= 5 for p, _ in fft_factors(n // 2))


register(_signal("SignalRfft", parse=_parser("RfftOptions", {"T": int, "fft_length": int}), shapes=_rfft_shapes,
               reference=_rfft_ref, constraints=(c_rfft_type, c_rfft_length), dtypes=("int16",),
               lower=lambda op, graph: [KernelCall("rfft_s16", [op.inputs[0], op.outputs[0],
                                                                twiddles(op.options.fft_length)],
                                                   _rfft_geometry(op, graph))],
               kernels=("rfft_s16",), macs=lambda op, graph: int(_rfft_geometry(op, graph)["frames"] * op.options.fft_length
                                                                 * max(1, math.log2(op.options.fft_length))),
               doc="TFLite Micro signal library: real FFT of int16 frames (kiss_fft fixed point), "
                   "fft_length/2 + 1 (re, im) pairs"))


# ---- SignalEnergy: re^2 + im^2 over [start_index, end_index) --------------------------------------

def _energy_ref(op, graph, ins):
    z = ins[0].astype(np.int64).reshape(-1, 2)
    y = np.zeros(z.shape[0], np.uint32)
    a, b = op.options.start_index, op.options.end_index
    y[a:b] = ((z[a:b, 0] ** 2 + z[a:b, 1] ** 2) & _U32).astype(np.uint32)
    return [y.reshape(T(graph, op, 0, True).shape)]


def _energy_unwritten(op, graph):
    n = T(graph, op, 0, True).size
    i = np.arange(n)
    return [(i < op.options.start_index) | (i >= op.options.end_index)]


def c_energy(op, graph):
    """int16 (re, im) pairs in, uint32 out (one per pair, 1-D), 0 <= start_index <= end_index <= the
    number of pairs (elements outside are 0; TFLite Micro leaves them unwritten)"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    return (x.dtype.name == "int16" and y.dtype.name == "uint32" and len(y.shape) == 1 and x.size == 2 * y.size
            and 0 <= op.options.start_index <= op.options.end_index <= y.size)


register(_signal("SignalEnergy", parse=_parser("EnergyOptions", {"start_index": int, "end_index": int}),
               shapes=lambda op, graph: [(T(graph, op, 0).size // 2,)], reference=_energy_ref,
               constraints=(c_energy,), dtypes=("int16", "uint32"), unwritten=_energy_unwritten,
               lower=lambda op, graph: [KernelCall("signal_energy", [op.inputs[0], op.outputs[0]],
                                                   {"size": T(graph, op, 0, True).size,
                                                    "start": op.options.start_index, "end": op.options.end_index})],
               kernels=("signal_energy",), doc="TFLite Micro signal library: energy of a spectrum's bins"))


# ---- SignalFilterBank: triangular (mel) channels accumulated in uint64 ----------------------------

_FB_TABLES = ("weights", "unweights", "channel_frequency_starts", "channel_weight_starts", "channel_widths")


def _filter_bank_ref(op, graph, ins):
    x = ins[0].astype(np.uint64).reshape(-1)
    w, uw = (ins[k].astype(np.int64).astype(np.uint64) for k in (1, 2))  # int16 * uint64: sign-extended
    fs, ws, wd = (ins[k].astype(np.int64) for k in (3, 4, 5))
    out, acc, unacc = [], np.uint64(0), np.uint64(0)
    with np.errstate(over="ignore"):
        for c in range(op.options.num_channels + 1):
            xs, wsl = x[fs[c]:fs[c] + wd[c]], slice(ws[c], ws[c] + wd[c])
            acc = acc + np.sum(w[wsl] * xs, dtype=np.uint64)
            unacc = np.sum(uw[wsl] * xs, dtype=np.uint64)
            out.append(acc)
            acc = unacc
    return [np.array(out[1:], np.uint64)]


def c_filter_bank(op, graph):
    """uint32 1-D input, uint64 output of num_channels; constant int16 weights and unweights of one
    size and int16 channel tables of num_channels + 1 entries, each channel's band inside the input
    and the weights"""
    x, y = T(graph, op, 0), T(graph, op, 0, True)
    tabs = [T(graph, op, k) for k in range(1, 6)]
    n = op.options.num_channels
    if not (x.dtype.name == "uint32" and y.dtype.name == "uint64" and len(x.shape) == 1 and n >= 1
            and tuple(y.shape) == (n,) and all(t.is_const and t.dtype.name == "int16" and len(t.shape) == 1
                                               for t in tabs)
            and tabs[0].size == tabs[1].size and all(t.size == n + 1 for t in tabs[2:])):
        return False
    fs, ws, wd = (t.data.astype(np.int64) for t in tabs[2:])
    return bool(np.all(fs >= 0) and np.all(ws >= 0) and np.all(wd >= 0) and np.all(fs + wd <= x.size)
                and np.all(ws + wd <= tabs[0].size))


register(_signal("SignalFilterBank", parse=_parser("FilterBankOptions", {"num_channels": int}),
               shapes=lambda op, graph: [(op.options.num_channels,)], reference=_filter_bank_ref,
               inputs=("input",) + _FB_TABLES, constraints=(c_filter_bank,), dtypes=("uint32", "uint64"),
               lower=lambda op, graph: [KernelCall("filter_bank", [op.inputs[0], op.outputs[0]]
                                                   + [T(graph, op, k).data for k in range(1, 6)],
                                                   {"channels": op.options.num_channels, "in_size": _flat(graph, op, 0),
                                                    "w_size": _flat(graph, op, 1)})],
               macs=lambda op, graph: 2 * _flat(graph, op, 1), kernels=("filter_bank",),
               doc="TFLite Micro signal library: mel filter bank over an energy spectrum (uint64 sums)"))


# ---- SignalFilterBankSquareRoot: rounded integer square root, shifted down -------------------------

def _sqrt_ref(op, graph, ins):
    shift = int(np.asarray(ins[1]).reshape(-1)[0])
    out = []
    for v in ins[0].reshape(-1).tolist():
        r = math.isqrt(v)
        if v - r * r > r and r != (0xFFFF if v >> 32 == 0 else _U32):  # Sqrt32 / Sqrt64's rounding step
            r += 1
        out.append(r >> shift if 0 <= shift < 32 else 0)
    return [np.array(out, np.uint32).reshape(T(graph, op, 0, True).shape)]


def c_sqrt(op, graph):
    """uint64 input, uint32 output of its shape, an int32 scalar shift (a shift outside 0..31 gives 0)"""
    return (_dt(graph, op, 0) == "uint64" and _dt(graph, op, 0, True) == "uint32" and _dt(graph, op, 1) == "int32"
            and T(graph, op, 1).size == 1)


register(_signal("SignalFilterBankSquareRoot", parse=lambda where, o: None, shapes=_same_shape, reference=_sqrt_ref,
               inputs=("input", "scale_bits"), constraints=(c_sqrt,), dtypes=("uint32", "uint64"),
               lower=lambda op, graph: [KernelCall("filter_bank_sqrt", [op.inputs[0], op.outputs[0], op.inputs[1]],
                                                   {"size": _flat(graph, op, 0)})],
               kernels=("filter_bank_sqrt",), doc="TFLite Micro signal library: square root of each channel, "
                                                 "rounded, shifted down by scale_bits"))


# ---- SignalFilterBankSpectralSubtraction: noise estimate (state) and subtraction --------------------

_SS_FIELDS = {"num_channels": int, "smoothing": int, "one_minus_smoothing": int, "alternate_smoothing": int,
              "alternate_one_minus_smoothing": int, "smoothing_bits": int, "spectral_subtraction_bits": int,
              "min_signal_remaining": int, "clamping": bool}
_SS_STATE = 1  # operand index of the noise estimate the frontend adds


def _ss_ref(op, graph, ins):
    o = op.options
    x = ins[0].astype(np.uint64).reshape(-1)
    est = ins[_SS_STATE].astype(np.uint64).reshape(-1)
    odd = np.arange(x.size) % 2 == 1
    s = np.where(odd, o.alternate_smoothing & _U32, o.smoothing & _U32).astype(np.uint64)
    oms = np.where(odd, o.alternate_one_minus_smoothing & _U32, o.one_minus_smoothing & _U32).astype(np.uint64)
    sb, ssb = np.uint64(o.smoothing_bits), np.uint64(o.spectral_subtraction_bits)
    up = (x << sb) & np.uint64(_U32)
    with np.errstate(over="ignore"):
        est = ((up * s + est * oms) >> ssb) & np.uint64(_U32)
        floor = ((x * np.uint64(o.min_signal_remaining & _U32)) >> ssb) & np.uint64(_U32)
    capped = np.minimum(est, up)
    if o.clamping:
        est = capped
    out = np.maximum((up - capped) >> sb, floor)
    y = out.astype(np.uint32)
    e = est.astype(np.uint32)
    return [y, e.copy(), e]


def c_spectral_subtraction(op, graph):
    """uint32 1-D input and outputs of num_channels, smoothing_bits 0..31, spectral_subtraction_bits
    0..63, the smoothing constants 0..2**32 - 1"""
    o = op.options
    ts = [T(graph, op, 0), T(graph, op, 0, True), T(graph, op, 1, True)]
    return (all(t.dtype.name == "uint32" and tuple(t.shape) == (o.num_channels,) for t in ts)
            and o.num_channels >= 1 and _range(op, "smoothing_bits", 0, 31)
            and _range(op, "spectral_subtraction_bits", 0, 63)
            and all(_range(op, k, 0, _U32) for k in ("smoothing", "one_minus_smoothing", "alternate_smoothing",
                                                      "alternate_one_minus_smoothing", "min_signal_remaining")))


def _ss_lower(op, graph):
    o = op.options

    def i32(v):  # the uint32 constants travel as the int32 parameter with the same bits
        return int(_w32(v))
    return [KernelCall("spectral_subtraction", [op.inputs[0], op.outputs[0], op.outputs[1], op.inputs[_SS_STATE]],
                       {"channels": o.num_channels, "smoothing": i32(o.smoothing),
                        "one_minus_smoothing": i32(o.one_minus_smoothing),
                        "alt_smoothing": i32(o.alternate_smoothing),
                        "alt_one_minus_smoothing": i32(o.alternate_one_minus_smoothing),
                        "smoothing_bits": o.smoothing_bits, "subtraction_bits": o.spectral_subtraction_bits,
                        "min_signal_remaining": i32(o.min_signal_remaining), "clamping": int(o.clamping)})]


register(_signal("SignalFilterBankSpectralSubtraction", parse=_parser("SpectralSubtractionOptions", _SS_FIELDS),
               shapes=lambda op, graph: [(op.options.num_channels,)] * 2, reference=_ss_ref, lower=_ss_lower,
               inputs=("input", "noise_estimate_state"), outputs=("output", "noise_estimate"),
               constraints=(c_spectral_subtraction,), dtypes=("uint32",), state=(_SS_STATE,),
               hidden_state=lambda o: [("noise_estimate_state", (o.num_channels,), np.uint32)],
               kernels=("spectral_subtraction",),
               doc="TFLite Micro signal library: subtract a running noise estimate (state: zero after a reset, "
                   "updated by every invocation)"))


# ---- SignalPCAN: per-channel automatic gain control ------------------------------------------------

_PCAN_LUT = 125  # WideDynamicFunction reads lut[4 * 32 - 6 + 2] at most


def _wide_dynamic(x, lut):
    x = x.astype(np.int64)
    lut = lut.astype(np.int64)
    interval = _msb32(np.maximum(x, 3))
    base = 4 * interval - 6
    frac = np.where(interval < 11, (x << np.maximum(11 - interval, 0)) & _U32, x >> np.maximum(interval - 11, 0)) & 0x3FF
    r = (lut[base + 2] * frac) >> 5
    r = _w32(r + _w32(lut[base + 1] * 32))
    r = _w32(r * frac)
    r = _w32(r + (1 << 14)) >> 15
    r = _w16(r + lut[base])
    return np.where(x <= 2, lut[np.minimum(x, 2)], r)


def _pcan_ref(op, graph, ins):
    x, est = ins[0].astype(np.uint64).reshape(-1), ins[1].reshape(-1)
    gain = (_wide_dynamic(est, ins[2].reshape(-1)) & _U32).astype(np.uint64)
    with np.errstate(over="ignore"):
        snr = ((x * gain) >> np.uint64(op.options.snr_shift)) & np.uint64(_U32)
    snr = snr.astype(np.int64)
    y = np.where(snr < (2 << 12), (snr * snr) >> 20, (snr >> 6) - 64)
    return [y.astype(np.uint32).reshape(T(graph, op, 0, True).shape)]


def c_pcan(op, graph):
    """uint32 input, noise estimate and output of one 1-D shape, a constant int16 gain table of at
    least 125 entries, snr_shift 0..63"""
    x, e, lut, y = T(graph, op, 0), T(graph, op, 1), T(graph, op, 2), T(graph, op, 0, True)
    return (x.dtype.name == e.dtype.name == y.dtype.name == "uint32" and len(x.shape) == 1
            and tuple(x.shape) == tuple(e.shape) == tuple(y.shape) and lut.is_const and lut.dtype.name == "int16"
            and lut.size >= _PCAN_LUT and _range(op, "snr_shift", 0, 63))


register(_signal("SignalPCAN", parse=_parser("PcanOptions", {"snr_shift": int}), shapes=_same_shape,
               reference=_pcan_ref, inputs=("input", "noise_estimate", "gain_lut"), constraints=(c_pcan,),
               dtypes=("uint32",),
               lower=lambda op, graph: [KernelCall("pcan", [op.inputs[0], op.outputs[0], op.inputs[1],
                                                            T(graph, op, 2).data.reshape(-1)[:_PCAN_LUT]],
                                                   {"size": _flat(graph, op, 0), "snr_shift": op.options.snr_shift})],
               kernels=("pcan",), doc="TFLite Micro signal library: per-channel energy normalization (PCAN gain "
                                      "control) with a noise estimate"))


# ---- SignalFilterBankLog: fixed-point natural log, scaled ---------------------------------------

LOG_LUT = np.array([
    0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646, 2797, 2944, 3087, 3224,
    3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934, 5001,
    5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507, 5533, 5557, 5578, 5595, 5610, 5622, 5631,
    5637, 5640, 5641, 5638, 5633, 5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332,
    5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341, 4264,
    4184, 4103, 4020, 3935, 3848, 3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659, 2549,
    2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224, 1094, 963, 830, 695, 559, 421, 282, 142, 0,
    0], np.int64)  # the log2 fraction's correction by 1/128 segments (TFLite Micro's log.cc table)


def log32(x, out_scale: int):
    """Log32: (out_scale * ln(x)) in 16.16 fixed point, for uint32 x >= 2 (int64 array)."""
    integer = _msb32(x) - 1
    frac = _w32(x - (np.int64(1) << integer))
    frac = np.where(integer < 16, frac << np.maximum(16 - integer, 0), frac >> np.maximum(integer - 16, 0))
    seg = frac >> 9
    c0, c1 = LOG_LUT[seg], LOG_LUT[seg + 1]
    rel = ((c1 - c0) * (frac - 512 * seg)) >> 16
    log2 = ((integer << 16) + ((frac + c0 + rel) & _U32)) & _U32
    loge = ((45426 * log2 + 32768) >> 16) & _U32
    return (((out_scale & _U32) * loge + 32768) & _U32) >> 16


def _log_ref(op, graph, ins):
    x = (ins[0].astype(np.int64).reshape(-1) << op.options.input_correction_bits) & _U32
    v = log32(np.maximum(x, 2), op.options.output_scale)
    y = np.where(x > 1, np.minimum(v, 32767), 0)
    return [y.astype(np.int16).reshape(T(graph, op, 0, True).shape)]


def c_log(op, graph):
    """uint32 input, int16 output of its shape, input_correction_bits 0..31"""
    return (_dt(graph, op, 0) == "uint32" and _dt(graph, op, 0, True) == "int16"
            and _range(op, "input_correction_bits", 0, 31) and _range(op, "output_scale", -(1 << 31), (1 << 31) - 1))


register(_signal("SignalFilterBankLog", parse=_parser("FilterBankLogOptions", {"input_correction_bits": int,
                                                                              "output_scale": int}),
               shapes=_same_shape, reference=_log_ref, constraints=(c_log,), dtypes=("uint32", "int16"),
               lower=lambda op, graph: [KernelCall("filter_bank_log", [op.inputs[0], op.outputs[0],
                                                                       LOG_LUT.astype(np.uint16)],
                                                   {"size": _flat(graph, op, 0), "out_scale": op.options.output_scale,
                                                    "correction_bits": op.options.input_correction_bits})],
               kernels=("filter_bank_log",), doc="TFLite Micro signal library: scaled natural log of each channel "
                                                 "(int16, saturated)"))
