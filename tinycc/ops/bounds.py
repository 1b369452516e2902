"""Float error rules: how far a correct float32 implementation of an op may be from the exact result.

Two correct float32 implementations of a model (TFLite Micro, tinycc's C kernels, its NumPy
reference, with or without FMA, in any summation order, on any CPU) need not agree bit for bit.
How far apart they may be follows from the arithmetic: a sum of n products computed in float32 in
any order is within gamma_n * sum |products| of the exact sum (gamma_n = n u / (1 - n u), u =
2**-24); a function with derivative at most L moves an input error e by at most L e; a correctly
rounded result is within u |y|, a library exp or log within a few ulp. Each op's ``error`` rule in
the op table applies this to one op: given the reference run's inputs ``xs``, their error bounds
``es`` (how far any correct implementation's inputs may be from the exact values: zero for
constants and model inputs) and the reference outputs ``ys``, it returns a bound for every output
(and every state the op updates). ``tinycc.tolerance`` runs the rules over a whole graph; two
implementations then agree within twice the bound.

Values any correct implementation computes from the same inputs alike (integer arithmetic, data
movement, comparisons) have error 0; an integer output whose inputs carry an error gets the bound
inf (anything may differ) unless its rule knows better (QUANTIZE). Magnitudes come from the
reference run plus twice the input error (both the exact and an implementation's input lie within
e of the exact value, so within 2e of the reference's). A rule with no way to bound its op returns
inf, never a guess.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

U = 2.0 ** -24  # float32 unit roundoff
TINY = 2.0 ** -126  # absolute slack of one operation whose result is subnormal
#: ulps a library exp / log / tanh / sqrt may be off (glibc, newlib and tinycc's own polynomials
#: are within 2; TFLite Micro's std:: functions within 1)
FUNC_ULPS = 4


def gamma(n) -> float:
    """Relative error bound of a float32 sum of n terms, in any order (Higham's gamma_n)."""
    nu = n * U
    return nu / (1.0 - nu) if nu < 0.5 else math.inf


def _is_float(x) -> bool:
    return x is not None and np.asarray(x).dtype == np.float32


def _f32(a):
    return np.asarray(np.minimum(a, np.finfo(np.float32).max), np.float32)


def _no_activation(op):
    """The op with its fused activation removed (activations are 1-Lipschitz clamps: an error bound
    of the unclamped result bounds the clamped one)."""
    o = op.options
    if o is not None and dataclasses.is_dataclass(o) and hasattr(o, "activation"):
        return dataclasses.replace(op, options=dataclasses.replace(o, activation="NONE"))
    return op


def clamped(op, pre, err, act=None):
    """The bound of a fused activation's output from that of its input ``pre`` (the reference's
    unclamped value): where every correct implementation's input (within 2 err of ``pre``) lies beyond
    a clamp bound, all of them output that bound exactly; elsewhere the clamp is 1-Lipschitz and its
    range bounds the difference."""
    from . import activation_range_f
    if act is None:
        act = getattr(op.options, "activation", "NONE") if op.options is not None else "NONE"
    if act == "NONE":
        return err
    lo, hi = activation_range_f(act)
    pre = np.asarray(pre, np.float64)
    settled = (pre + 2 * err < lo) | (pre - 2 * err > hi)
    return np.where(settled, 0.0, np.minimum(err, hi - lo))


def _ref(op, graph, ins):
    from . import get
    with np.errstate(all="ignore"):
        return get(op.kind).reference(op, graph, ins)


def _mag(x, e):
    """A bound of |value| of any correct implementation: |reference| + 2 e."""
    return np.abs(np.asarray(x, np.float64)) + 2.0 * e


def _integer_outputs(ys, es, out):
    """Integer outputs: exact when no input carries an error, else unbounded."""
    exact = all(not np.any(e) for e in es if e is not None)
    return [o if _is_float(y) else np.full(np.shape(y), 0.0 if exact else math.inf) for y, o in zip(ys, out)]


# ---- rules -----------------------------------------------------------------------------------------

def moves(op, graph, xs, es, ys):
    """Data movement: every output element is an input element or a constant, so its error is that
    element's: the op applied to the error arrays (integer operands such as indices unchanged). Integer
    data: an output element is exact unless it is a copy of an inexact one (found by changing the
    inexact input elements and seeing which outputs change; unbounded there)."""
    ins = [_f32(e) if _is_float(x) else x for x, e in zip(xs, es)]
    out = [np.asarray(v, np.float64) for v in _ref(op, graph, ins)]
    if any(_is_float(y) for y in ys) or all(not np.any(e) for e in es if e is not None):
        return _integer_outputs(ys, es, out)
    moved = [np.zeros(np.shape(y), bool) for y in ys]
    for delta in (1, 0x5A):  # two different changes: an element that copies one changes with one of them
        changed = [x if e is None or not np.any(e) or _is_float(x) else
                   np.where(np.asarray(e) > 0, np.asarray(x) ^ np.asarray(delta, np.asarray(x).dtype), x)
                   for x, e in zip(xs, es)]
        moved = [m | (np.asarray(a) != np.asarray(b)) for m, a, b in zip(moved, _ref(op, graph, changed), ys)]
    return [o if _is_float(y) else np.where(m, math.inf, 0.0) for y, o, m in zip(ys, out, moved)]


def exact(op, graph, xs, es, ys):
    """1-Lipschitz and exactly rounded (RELU, RELU6, ABS, NEG, MAXIMUM, MINIMUM): the largest
    input error, broadcast to the output."""
    errs = [e for x, e in zip(xs, es) if _is_float(x)]
    e = errs[0] if len(errs) == 1 else np.maximum(*np.broadcast_arrays(*errs[:2]))
    if op.kind in ("RELU", "RELU6") and _is_float(ys[0]):
        e = clamped(op, xs[0], e, op.kind)
    return _integer_outputs(ys, es, [np.broadcast_to(e, np.shape(y)).astype(np.float64) for y in ys])


def select(kind):
    """Each output is one of a set of inputs, chosen by comparing them (max pooling, REDUCE_MAX/MIN):
    the largest error in the set, computed by ``kind`` (a max-selecting op with the same options)."""
    def rule(op, graph, xs, es, ys):
        import copy
        as_max = copy.copy(op)
        as_max.kind = kind
        ins = [_f32(e) if _is_float(x) else x for x, e in zip(xs, es)]
        return _integer_outputs(ys, es, [np.asarray(v, np.float64) for v in _ref(as_max, graph, ins)])
    rule.__doc__ = f"the largest input error of each output's set (as {kind} selects)"
    return rule


def linear(terms, operands=(0,), bias=None):
    """A multilinear sum (convolution, matrix product, pooling average, MUL): the op is linear in each
    float operand of ``operands`` and adds operand ``bias``; ``terms(op, graph)`` is the most terms one
    output sums. Bound: sum over operands k of R(|others| + 2e, e_k) + e_bias + gamma_(terms+2) R(|all|
    + 2e), R the op without its activation."""
    def rule(op, graph, xs, es, ys):
        plain = _no_activation(op)
        mags = [_f32(_mag(x, e)) if _is_float(x) else x for x, e in zip(xs, es)]
        zero = [np.zeros_like(m) if _is_float(m) else m for m in mags]
        total = np.asarray(_ref(plain, graph, mags)[0], np.float64)
        err = gamma(terms(op, graph) + 2) * total + TINY * (terms(op, graph) + 2)
        pre = _ref(plain, graph, list(xs))[0] if plain is not op else None
        for k in operands:
            if k < len(es) and es[k] is not None and np.any(es[k]):
                ins = list(mags)
                ins[k] = _f32(es[k])
                if bias is not None and bias < len(ins) and ins[bias] is not None:
                    ins[bias] = zero[bias]
                err = err + np.asarray(_ref(plain, graph, ins)[0], np.float64)
        if bias is not None and bias < len(es) and es[bias] is not None and np.any(es[bias]):
            ins = list(zero)
            ins[bias] = _f32(es[bias])
            err = err + np.abs(np.asarray(_ref(plain, graph, ins)[0], np.float64))
        return _integer_outputs(ys, es, [err if pre is None else clamped(op, pre, err)])
    rule.__doc__ = "a multilinear sum: propagated errors plus gamma_n times the sum of |terms|"
    return rule


def add_sub(op, graph, xs, es, ys):
    """ADD / SUB: the sum of the input errors plus one rounding of |a| + |b|."""
    (a, b), (ea, eb) = xs[:2], es[:2]
    if not _is_float(ys[0]):
        return _integer_outputs(ys, es, [None])
    err = ea + eb + U * (_mag(a, ea) + _mag(b, eb)) + TINY
    err = clamped(op, _ref(_no_activation(op), graph, list(xs[:2]))[0], np.broadcast_to(err, np.shape(ys[0])))
    return [np.asarray(err, np.float64)]


def smooth(slope, ulps=0, jump=0.0, span=math.inf):
    """An elementwise function: ``slope(op, x, r)`` bounds |f'| on [x - r, x + r]; the result may be
    ``ulps`` ulp off (library functions) plus one rounding; ``jump`` is the largest step of a
    piecewise definition an input error may cross (TFLite's logistic switches formulas at -9 and
    16.6); ``span`` the width of the function's range (no two results differ by more)."""
    def rule(op, graph, xs, es, ys):
        if not _is_float(ys[0]):
            return _integer_outputs(ys, es, [None])
        x, e = np.asarray(xs[0], np.float64), es[0]
        with np.errstate(all="ignore"):
            s = np.where(e > 0, slope(op, x, 2.0 * e), 0.0)
            err = s * e + (ulps + 1) * U * (np.abs(np.asarray(ys[0], np.float64)) + s * 2.0 * e) + TINY \
                + np.where(e > 0, jump, 0.0)
        return [np.minimum(np.where(np.isnan(err), math.inf, err), span)]
    rule.__doc__ = "an elementwise function: slope times the input error, plus its ulps"
    return rule


def steps(points):
    """A step function (FLOOR, CEIL, ROUND): exact, but an input error that reaches a step (an
    integer, or a half for ROUND) can move the result by one per step crossed."""
    def rule(op, graph, xs, es, ys):
        x, e = np.asarray(xs[0], np.float64), 2.0 * es[0]
        lo, hi = np.floor((x - e) * points), np.floor((x + e) * points)
        with np.errstate(invalid="ignore"):
            return [np.where(e > 0, (hi - lo) / points + (hi > lo), 0.0)]
    rule.__doc__ = "a step function: one per step an input error can cross"
    return rule


def exact_output(op, graph, xs, es, ys):
    """Outputs that depend on the inputs' shapes only (SHAPE): exact."""
    return [np.zeros(np.shape(y)) for y in ys]


def unbounded(op, graph, xs, es, ys):
    """No useful bound: exact when the inputs are, otherwise anything."""
    exact_in = all(not np.any(e) for e in es if e is not None)
    floats = any(_is_float(y) for y in ys)
    return [np.full(np.shape(y), 0.0 if exact_in and not floats else math.inf) for y in ys]
