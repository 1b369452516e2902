"""How far two correct implementations of a model may differ: error bounds from the arithmetic.

Integer models are compared bit for bit. Float32 results depend on summation order, FMA
contraction and library functions, so they are compared within a bound derived from the
computation itself (``tinycc/ops/bounds.py``): ``bounds`` runs the reference interpreter and,
beside each value, each op's error rule from the op table, giving for every output element a
bound on how far any correct float32 implementation may be from the exact result. Two
implementations agree when they are within twice that bound of each other (``compare``).

The bound does not depend on the CPU, on the output's magnitude or on a tuned constant: a sum of n
products may be off by gamma_n times the sum of their absolute values, and nothing else.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from . import ops as optable
from .errors import TinyccError
from .interpreter import initial_state
from .ir import Graph


def initial_error_state(graph: Graph) -> dict:
    """Error bounds of the variable tensors before the first run: the initial state is exact."""
    return {name: np.zeros(graph.tensor(name).shape) for name in graph.states()}


def bounds(graph: Graph, inputs: list, state: dict = None, error_state: dict = None, observed: dict = None,
           checks: list = None):
    """Run the reference interpreter with error bounds: (outputs, bounds), each a list in graph output
    order. ``state`` / ``error_state`` carry variable tensors and their bounds across calls (updated in
    place, as ``interpreter.run`` updates ``state``).

    ``observed``: tensor name -> (a, b), the values two implementations computed for it (e.g. TFLite
    Micro's intermediate tensors and tinycc's). For each observed tensor the bound its op derives from
    its inputs is appended to ``checks`` as (op, name, bound) (``compare(a, b, bound)`` then checks it),
    and from then on the tensor counts as b with error |a - b|: every op is bounded from the two
    implementations' actual inputs, so bounds do not compound through the network."""
    values = dict(initial_state(graph) if state is None else state)
    errors = dict(initial_error_state(graph) if error_state is None else error_state)
    for name, x in zip(graph.inputs, inputs):
        t = graph.tensor(name)
        values[name] = np.asarray(x, dtype=t.dtype).reshape(t.shape)
        errors[name] = np.zeros(t.shape)
    for t in graph.tensors():
        if t.is_const:
            values[t.name] = t.data
            errors[t.name] = np.zeros(t.shape)
    for op in graph.ops():
        opdef = optable.get(op.kind)
        xs = [values[n] if n is not None else None for n in op.inputs]
        es = [errors[n] if n is not None else None for n in op.inputs]
        ys = opdef.reference(op, graph, xs)
        if not any(np.asarray(y).dtype == np.float32 for y in ys) and not any(np.any(e) for e in es if e is not None):
            eys = [np.zeros(np.shape(y)) for y in ys]  # integer arithmetic on exact inputs: exact
        elif opdef.error is None:
            raise TinyccError(f"{op.where()}: the op table has no float error rule for {op.kind}")
        else:
            eys = [np.asarray(e, np.float64) for e in opdef.error(op, graph, xs, es, ys)]
        if opdef.unwritten is not None:  # TFLite Micro leaves these elements as they were: any value
            eys = [np.where(np.reshape(u, np.shape(y)), np.inf, e) for u, y, e in zip(opdef.unwritten(op, graph), ys, eys)]
        for k, (y, e) in zip(opdef.state, list(zip(ys, eys))[len(op.outputs):]):
            if state is not None:
                state[op.inputs[k]] = y
            if error_state is not None:
                error_state[op.inputs[k]] = e
        for name, y, e in zip(op.outputs, ys, eys):
            values[name], errors[name] = y, np.broadcast_to(e, np.shape(y))
            if observed is not None and name in observed:
                a, b = (np.asarray(v).reshape(np.shape(y)) for v in observed[name])
                if checks is not None:
                    checks.append((op, name, errors[name]))
                values[name] = b.astype(y.dtype)
                with np.errstate(invalid="ignore"):
                    d = np.abs(a.astype(np.float64) - b.astype(np.float64))
                errors[name] = np.where(np.isnan(d), np.where(np.isnan(a) == np.isnan(b), 0.0, np.inf), d)
    return [values[n] for n in graph.outputs], [errors[n] for n in graph.outputs]


@dataclass
class Mismatch:
    """Where ``got`` is further from ``want`` than two correct implementations may be."""
    count: int  # elements out of bound
    size: int
    index: tuple  # the first such element
    got: float
    want: float
    allowed: float

    def __str__(self):
        return (f"{self.count} of {self.size} elements differ by more than the error bound, first at "
                f"{list(self.index)}: {self.got!r} vs {self.want!r} (allowed {self.allowed:.3g})")


def compare(got, want, bound) -> Mismatch | None:
    """None when ``got`` and ``want`` (two implementations' outputs) agree: integers equal wherever the
    bound is 0, every element within 2 x ``bound`` (NaN matching NaN, infinities equal)."""
    got, want, bound = np.asarray(got), np.asarray(want), np.asarray(bound, np.float64)
    bound = bound.reshape(want.shape) if bound.size == want.size else np.broadcast_to(bound, want.shape)
    g, w = got.astype(np.float64), want.astype(np.float64)
    with np.errstate(invalid="ignore"):
        diff = np.abs(g - w)
        ok = (g == w) | (np.isnan(g) & np.isnan(w)) | (diff <= 2.0 * bound) | np.isinf(bound)
    if ok.all():
        return None
    bad = np.argwhere(~ok)
    i = tuple(int(v) for v in bad[0])
    return Mismatch(len(bad), want.size, i, got[i].item(), want[i].item(), 2.0 * float(bound[i]))


def relative_spread(bound, want) -> float:
    """The largest bound relative to the output's range: how loose a comparison is (for reports)."""
    span = float(np.ptp(want)) if np.size(want) else 0.0
    b = float(np.max(bound, initial=0.0))
    return b / span if span > 0 else (0.0 if b == 0 else math.inf)
