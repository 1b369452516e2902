"""CompiledModel: the user-facing handle of a compiled model on the host."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import interpreter
from .backend_host import HostProgram
from .errors import InputError


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple
    dtype: np.dtype
    scale: float | None
    zero_point: int | None


def _info(t) -> TensorInfo:
    q = t.quant is not None
    return TensorInfo(t.name, tuple(t.shape), np.dtype(t.dtype), t.scale if q else None,
                      t.zero_point if q else None)


class CompiledModel:
    """``y = m(x)``: runs the compiled program bit-exactly on the host.

    ``x`` is one array (single-input models), a list in input order, or a dict by
    input name. Single-output models return an array; otherwise a list (or a dict
    when called with a dict).
    """

    def __init__(self, graph, schedule, plan, target, source=None, passes_applied=()):
        self.graph = graph
        self.schedule = schedule
        self.plan = plan
        self.target = target
        self.source = source  # the graph as read, before passes: what `reference` runs
        self.passes_applied = list(passes_applied)
        self.inputs = [_info(graph.tensor(n)) for n in graph.inputs]
        self.outputs = [_info(graph.tensor(n)) for n in graph.outputs]
        self.program = HostProgram(graph, schedule, plan)
        self._in_views = [self.program.views[n] for n in graph.inputs]
        self._out_views = [self.program.views[n] for n in graph.outputs]

    @property
    def arena_bytes(self) -> int:
        return self.plan.arena_bytes

    def _arrange(self, x) -> list:
        names = [i.name for i in self.inputs]
        if isinstance(x, dict):
            unknown = set(x) - set(names)
            missing = [n for n in names if n not in x]
            if unknown or missing:
                raise InputError(f"inputs by name: missing {missing}, unknown {sorted(unknown)}; "
                                 f"the model's inputs are {names}")
            return [x[n] for n in names]
        if isinstance(x, (list, tuple)):
            if len(x) != len(names):
                raise InputError(f"the model takes {len(names)} input(s) {names}, got {len(x)}")
            return list(x)
        if len(names) != 1:
            raise InputError(f"the model takes {len(names)} inputs {names}: pass a list or a dict")
        return [x]

    def _check(self, info: TensorInfo, x) -> np.ndarray:
        x = np.asarray(x)
        if x.dtype != info.dtype:
            hint = " (use m.quantize_input(x) to quantize float data)" if info.dtype == np.int8 and \
                x.dtype.kind == "f" else ""
            raise InputError(f"input {info.name!r} must be {info.dtype.name}, got {x.dtype.name}{hint}")
        if x.shape != info.shape:
            raise InputError(f"input {info.name!r} must have shape {info.shape}, got {x.shape}")
        return x

    def __call__(self, x):
        xs = [self._check(i, v) for i, v in zip(self.inputs, self._arrange(x))]
        for view, v in zip(self._in_views, xs):
            view[...] = v
        self.program.run()
        outs = [v.copy() for v in self._out_views]
        if isinstance(x, dict):
            return {o.name: y for o, y in zip(self.outputs, outs)}
        return outs[0] if len(outs) == 1 else outs

    def reference(self, x):
        """Run the NumPy reference interpreter on the model as read (the executable spec)."""
        xs = [self._check(i, v) for i, v in zip(self.inputs, self._arrange(x))]
        outs = interpreter.run(self.source, xs)
        return outs[0] if len(outs) == 1 else outs

    def quantize_input(self, x, index: int = 0) -> np.ndarray:
        """Float data -> the input's integer type, as TFLite QUANTIZE does."""
        info = self.inputs[index]
        x = np.asarray(x, np.float32)
        if info.scale is None:
            return x.astype(info.dtype)
        v = (x / np.float32(info.scale)).astype(np.float64)
        q = np.sign(v) * np.floor(np.abs(v) + 0.5) + info.zero_point
        lim = np.iinfo(info.dtype)
        return np.clip(q, lim.min, lim.max).astype(info.dtype)

    def dequantize_output(self, y, index: int = 0) -> np.ndarray:
        """An integer output -> float32 real values."""
        info = self.outputs[index]
        if info.scale is None:
            return np.asarray(y, np.float32)
        return (np.float32(info.scale) * (np.asarray(y).astype(np.float32) - info.zero_point)).astype(np.float32)

    def report(self) -> dict:
        from .report import report
        return report(self)

    def __repr__(self):
        return (f"<tinycc.CompiledModel {self.graph.name!r} target={self.target} ops={len(self.schedule)} "
                f"arena={self.arena_bytes} B>")
