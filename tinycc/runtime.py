"""CompiledModel: the user-facing handle of a compiled model on the host."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import interpreter, streaming
from .backend_host import HostProgram
from .errors import InputError


def _restore(graph, schedule, plan, target, source, passes_applied):
    return CompiledModel(graph, schedule, plan, target, source=source, passes_applied=passes_applied)


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

    A model with state (``has_state``: an LSTM's hidden and cell state) keeps it from one
    call to the next, as TFLite Micro does until its interpreter is reset; ``reset()``
    restores the initial state (of the compiled program and of ``reference``).
    """

    def __init__(self, graph, schedule, plan, target, source=None, passes_applied=(), isa=None):
        self.graph = graph
        self.schedule = schedule
        self.plan = plan
        self.target = target
        self.source = source  # the graph as read, before passes: what `reference` runs
        self.passes_applied = list(passes_applied)
        self.inputs = [_info(graph.tensor(n)) for n in graph.inputs]
        self.outputs = [_info(graph.tensor(n)) for n in graph.outputs]
        self.program = HostProgram(graph, schedule, plan, isa)
        self.isa = self.program.level
        self._in_views = [self.program.views[n] for n in graph.inputs]
        self._out_views = [self.program.views[n] for n in graph.outputs]
        # the fast paths of __call__: one input and one output (input dtype, shape, arena offset, output
        # view), or a list of inputs ((dtype, shape) each, their offsets)
        self._fast = (self.inputs[0].dtype, self.inputs[0].shape, plan.offset(graph.inputs[0]), self._out_views[0]) \
            if len(self.inputs) == 1 and len(self.outputs) == 1 else None
        self._fast_many = ([(i.dtype, i.shape) for i in self.inputs], [plan.offset(n) for n in graph.inputs])
        self._batch_executors = [self.program.executor]  # one per thread of run_batch, made on demand
        self._reset_reference()

    def __reduce__(self):
        """Pickles by its graph, schedule and memory plan (the constants are in the graph); unpickled,
        it builds its executor again for the CPU it is loaded on (its own best instruction set, or
        $TINYCC_ISA) and starts from the initial state. So a validation set can be sharded over
        processes or machines (multiprocessing, Dask, Ray) with the model compiled once."""
        return (_restore, (self.graph, self.schedule, self.plan, self.target, self.source, self.passes_applied))

    def with_isa(self, isa: str) -> "CompiledModel":
        """The same compiled program run with another instruction set's kernels (one of
        ``tinycc.isa.cpu_levels()``), from the initial state; the graph and memory plan are shared."""
        return CompiledModel(self.graph, self.schedule, self.plan, self.target, source=self.source,
                             passes_applied=self.passes_applied, isa=isa)

    @property
    def has_state(self) -> bool:
        """Whether the model keeps state across calls (variable tensors, e.g. an LSTM's)."""
        return bool(self.graph.states())

    def reset(self):
        """Restore the initial state (zero point / zero) of every variable tensor."""
        self.program.reset()
        self._reset_reference()

    def _reset_reference(self):
        """The reference interpreter's own copy of the state, back to its initial value."""
        self._ref_state = interpreter.initial_state(self.source if self.source is not None else self.graph)

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
        fast = self._fast
        if fast is not None and type(x) is np.ndarray and x.dtype == fast[0] and x.shape == fast[1]:
            # the common case, with as little Python as possible: copy in, run, copy out
            return self.program.executor.run_io(x, fast[2], fast[3])
        if type(x) in (list, tuple):  # several arrays: the executor checks them (None: not as expected)
            ys = self.program.executor.run_many(x, self._fast_many[1], self._out_views, self._fast_many[0])
            if ys is not None:
                return ys[0] if len(ys) == 1 else ys
        xs = [self._check(i, v) for i, v in zip(self.inputs, self._arrange(x))]
        for view, v in zip(self._in_views, xs):
            view[...] = v
        self.program.run()
        return self._result(x, [v.copy() for v in self._out_views])

    def _result(self, x, ys):
        """Outputs as the caller gave the inputs: a dict by name, one array, or a list."""
        if isinstance(x, dict):
            return {o.name: y for o, y in zip(self.outputs, ys)}
        return ys[0] if len(ys) == 1 else ys

    def step_labels(self) -> list:
        """Per step of the plan (the order it runs them): (op(s), kernel(s)); a streamed chain
        names every op it covers."""
        out = []
        for op, call, _ in self.program.calls:
            links = call.links if isinstance(call, streaming.ChainCall) else [(op, call)]
            out.append((", ".join(f"#{o.index} {o.kind}" if o.index >= 0 else o.where() for o, _ in links),
                        " > ".join(c.kernel for _, c in links)))
        return out

    #: what profile() measures per step
    profile_unit = "ns"

    def profile(self, x, repeats: int = 20) -> list:
        """Run the plan ``repeats`` times on ``x`` timing each step (the executor's clock around each
        kernel call, the GIL released); the least nanoseconds of each step as [(label, ns)], label
        "op(s): kernel(s)" (step_labels). The model's state, if any, runs on from where it is."""
        xs = [self._check(i, v) for i, v in zip(self.inputs, self._arrange(x))]
        for view, v in zip(self._in_views, xs):
            view[...] = v
        seconds = self.program.executor.profile(repeats)
        self.last_profile_overhead = 0
        return [(f"{ops}: {kernels}", int(round(t * 1e9))) for (ops, kernels), t in zip(self.step_labels(), seconds)]

    def run_sequence(self, xs: list) -> list:
        """Reset, then one call per element of ``xs`` in order (a model with state carries it from
        one to the next); the list of results."""
        self.reset()
        return [self(x) for x in xs]

    def run_batch(self, x, threads: int = 1):
        """Run N samples: ``x`` has shape (N, *input shape) (a list of such arrays, or a dict by
        name, for several inputs); returns the outputs stacked the same way (a model with state
        runs them as N calls in order). The samples run in
        one call per thread without the GIL; with ``threads`` > 1 each thread has its own
        executor (its own arena, the same constants) and a contiguous share of the samples."""
        names = [i.name for i in self.inputs]
        xs = self._arrange(x)
        xs = [np.asarray(v) for v in xs]
        n = None
        for info, v in zip(self.inputs, xs):
            if v.dtype != info.dtype:
                raise InputError(f"input {info.name!r} must be {info.dtype.name}, got {v.dtype.name}")
            if v.shape[1:] != info.shape or v.ndim != len(info.shape) + 1:
                raise InputError(f"input {info.name!r} of run_batch must have shape (N, *{info.shape}), "
                                 f"got {v.shape}")
            if n is not None and v.shape[0] != n:
                raise InputError(f"the inputs of run_batch have {n} and {v.shape[0]} samples")
            n = v.shape[0]
        try:
            threads = int(threads)
        except (TypeError, ValueError):
            raise InputError(f"threads must be an integer >= 1, got {threads!r}") from None
        if threads < 1:
            raise InputError(f"threads must be an integer >= 1, got {threads}")
        if threads > 1 and self.has_state:
            raise InputError("the model keeps state from one sample to the next (variable tensors): its "
                             "samples run in order, so threads must be 1")
        xs = [np.ascontiguousarray(v) for v in xs]
        ys = [np.empty((n,) + o.shape, o.dtype) for o in self.outputs]
        threads = max(1, min(threads, n))
        while len(self._batch_executors) < threads:
            self._batch_executors.append(self.program.new_executor())
        in_offs = [self.plan.offset(nm) for nm in self.graph.inputs]
        out_offs = [self.plan.offset(nm) for nm in self.graph.outputs]

        def work(ex, lo, hi):
            ex.run_batch([(o, v[lo:hi]) for o, v in zip(in_offs, xs)],
                         [(o, y[lo:hi]) for o, y in zip(out_offs, ys)])
        bounds = [n * t // threads for t in range(threads + 1)]
        if threads == 1:
            work(self._batch_executors[0], 0, n)
        else:
            import threading
            pool = [threading.Thread(target=work, args=(self._batch_executors[t], bounds[t], bounds[t + 1]))
                    for t in range(threads)]
            for t in pool:
                t.start()
            for t in pool:
                t.join()
        return self._result(x, ys)

    def reference(self, x):
        """Run the NumPy reference interpreter on the model as read (the executable spec); it
        keeps its own copy of the model's state."""
        xs = [self._check(i, v) for i, v in zip(self.inputs, self._arrange(x))]
        outs = interpreter.run(self.source, xs, self._ref_state)
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
