"""Checking tinycc against its oracle: TFLite Micro whenever it runs the model, LiteRT otherwise.

Integer outputs must be bit-exact. Float outputs are checked layer by layer: TFLite Micro keeps
every intermediate tensor (``kPreserveAllTensors``), tinycc runs a copy of the model whose
intermediate tensors are outputs too (its *trace*), and each op's output must lie within the error
bound that op's arithmetic allows given the two implementations' actual inputs (``tolerance``):
no tolerance is tuned, and errors cannot hide behind a bound compounded over the whole network.
The compiled model's own outputs must equal its trace's bit for bit (the same kernels on the same
inputs), so the fused, streamed and in-place program is what is checked.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from . import interpreter, tolerance
from .errors import TinyccError
from .ir import Graph


def trace_graph(graph: Graph) -> Graph:
    """A copy of ``graph`` whose every computed tensor is also an output (after the model's own)."""
    g = graph.copy()
    produced = [name for op in g.ops() for name in op.outputs]
    g.outputs = list(g.outputs) + [n for n in produced if n not in g.outputs]
    return g


def _is_float(a) -> bool:
    return np.asarray(a).dtype.kind == "f"


@dataclass
class Result:
    """One implementation's comparison with the oracle over a sequence of calls."""
    name: str
    calls: int = 0
    checked: int = 0  # tensors compared (outputs, or every layer's output)
    max_diff: float = 0.0  # largest |difference| of a float tensor
    max_allowed: float = 0.0  # the bound at that element (2 x the error bound)
    integer_mismatches: int = 0
    failures: list = field(default_factory=list)  # messages

    @property
    def ok(self) -> bool:
        return not self.failures

    def note(self, what: str, got, want, bound):
        self.checked += 1
        mm = tolerance.compare(got, want, bound)
        if _is_float(want):
            with np.errstate(invalid="ignore"):
                d = np.abs(np.asarray(got, np.float64) - np.asarray(want, np.float64))
            d = np.where(np.isnan(d), 0.0, d)
            if d.size and d.max() > self.max_diff:
                i = np.unravel_index(int(np.argmax(d)), d.shape)
                self.max_diff = float(d[i])
                self.max_allowed = 2 * float(np.broadcast_to(bound, d.shape)[i])
        elif mm is not None:
            self.integer_mismatches += mm.count
        if mm is not None and len(self.failures) < 5:
            self.failures.append(f"{what}: {mm}")

    def summary(self) -> str:
        if self.failures:
            return f"MISMATCH ({self.failures[0]})"
        parts = [f"{self.checked} tensors compared, integers bit-exact"]
        if self.max_diff or self.max_allowed:
            parts.append(f"largest float difference {self.max_diff:.3g} (allowed there {self.max_allowed:.3g})")
        return "OK (" + ", ".join(parts) + ")"


class Oracle:
    """TFLite Micro when it runs the model (its intermediate tensors kept), else LiteRT's reference
    kernels. ``name`` says which."""

    def __init__(self, model, graph: Graph):
        from .oracle import TFLM, LiteRT
        self.graph = graph
        try:
            self.impl, self.name, self.layers = TFLM(model, len(graph.outputs), preserve=True), "TFLite Micro", True
            self.impl([np.zeros(graph.tensor(n).shape, graph.tensor(n).dtype) for n in graph.inputs])
            self.impl.reset()
        except TinyccError:
            raise
        except Exception:  # TFLite Micro refuses the model (e.g. a hybrid float/int8 one)
            self.impl, self.name, self.layers = LiteRT(model, kernels="reference"), "LiteRT", False

    def __call__(self, xs) -> tuple[list, dict]:
        """(outputs, intermediate tensors by name when kept)."""
        outs = self.impl(xs)
        if not self.layers:
            return outs, {}
        tensors = {}
        for op in self.graph.ops():
            for name in op.outputs:
                t = self.graph.tensor(name)
                if t.index >= 0:
                    tensors[name] = self.impl.tensor(t.index)
        return outs, tensors


def verify(model, target: str = "host", samples: int = 10, seed: int = 0, reference: bool = True,
           out=print, vlen: int = 128, plan: str = "auto") -> bool:
    """Run tinycc (and its reference interpreter) and the oracle on the same random inputs, as one
    sequence of calls from a reset (models with state carry it, as TFLite Micro does); print one line
    per implementation; True when every comparison holds."""
    from . import compile
    from .oracle import random_inputs
    m = compile(model, target=target, vlen=vlen, plan=plan)
    graph = m.source
    oracle = Oracle(model, graph)
    floats = any(_is_float(np.zeros(0, o.dtype)) for o in m.outputs) or \
        any(t.dtype == np.float32 for t in graph.tensors() if not t.is_const)
    layers = floats and oracle.layers
    trace = compile(trace_graph(graph), target=target, vlen=vlen, plan=plan) if layers else None
    results = [Result(f"tinycc {target}")] + ([Result("reference interpreter")] if reference else [])
    rng = np.random.default_rng(seed)
    ref_state = interpreter.initial_state(graph)
    bound_state = [interpreter.initial_state(graph), tolerance.initial_error_state(graph)]
    n_out = len(graph.outputs)
    xs_all = [random_inputs(m.inputs, rng) for _ in range(samples)]
    ys_all = m.run_sequence(xs_all) if m.has_state else [m(xs) for xs in xs_all]
    traces = (trace.run_sequence(xs_all) if trace.has_state else [trace(xs) for xs in xs_all]) if trace else None
    for k, xs in enumerate(xs_all):
        want, tensors = oracle(xs)
        got = ys_all[k] if isinstance(ys_all[k], list) else [ys_all[k]]
        captured = {}
        ref = interpreter.run(graph, xs, ref_state, capture=captured) if reference else None
        if not layers:  # integer model (bit-exact), or an oracle without intermediate tensors
            _, bounds = tolerance.bounds(graph, xs, *bound_state)
            for r, outs in zip(results, (got, ref)):
                for i, (g, w, b) in enumerate(zip(outs, want, bounds)):
                    r.note(f"call {k} output {i}", g, w, b)
                r.calls += 1
            continue
        tr = traces[k]
        for i in range(n_out):  # the compiled program against its own trace: the same kernels
            if not np.array_equal(got[i], tr[i], equal_nan=_is_float(got[i])):
                results[0].failures.append(f"call {k} output {i}: the compiled model differs from its trace")
        runs = [(results[0], dict(zip(trace.graph.outputs, tr)))] + ([(results[1], captured)] if reference else [])
        for r, values in runs:
            checks = []
            observed = {n: (values[n], tensors[n]) for n in tensors if n in values}
            tolerance.bounds(graph, xs, dict(bound_state[0]), dict(bound_state[1]), observed, checks)
            for op, name, bound in checks:
                r.note(f"call {k} {op.where()} output {name!r}", observed[name][0], observed[name][1], bound)
            r.calls += 1
        tolerance.bounds(graph, xs, *bound_state)  # advance the state bounds
    base = os.path.basename(str(model)) if not isinstance(model, (bytes, bytearray, Graph)) else graph.name
    how = "layer by layer" if layers else ("bit-exact" if not floats else "within the derived error bound")
    ok = True
    for r in results:
        ok &= r.ok
        out(f"{base}: {r.name} vs {oracle.name} ({how}) on {samples} random input(s): {r.summary()}")
    return ok

