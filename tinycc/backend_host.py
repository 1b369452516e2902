"""Host backend: lowers the scheduled, planned graph to one Cython executor program.

Every op becomes one or more kernel calls (the op table's ``lower``); each call is
packed against the kernel signature exported by the compiled extension, so a
kernel the extension lacks, or a parameter name that does not match, is a hard
error at compile time. The executor re-validates every buffer range before it
accepts the program.
"""
from __future__ import annotations

import numpy as np

from . import ops as optable
from .errors import PlanError

ARENA = -1


def _extension():
    try:
        from . import _host
    except ImportError as e:  # pragma: no cover - only when the package was not built
        raise PlanError("the tinycc._host extension is not built; install tinycc with "
                        "'pip install .' (it compiles the Cython kernels)") from e
    return _host


def lower(graph, schedule) -> list:
    """All kernel calls of the schedule, in order, tagged with the op they implement."""
    calls = []
    for op in schedule:
        for call in optable.get(op.kind).lower(op, graph):
            calls.append((op, call))
    return calls


def pack(graph, plan, calls, signatures):
    """Kernel calls -> (steps, consts) in the executor's format."""
    steps, consts = [], []
    for op, call in calls:
        if call.kernel not in signatures:
            raise PlanError(f"{op.where()}: the host backend has no kernel {call.kernel!r}")
        buf_names, inames, fnames = signatures[call.kernel]
        if len(call.bufs) != len(buf_names):
            raise PlanError(f"{op.where()}: kernel {call.kernel} takes {len(buf_names)} buffers, got {len(call.bufs)}")
        if set(call.params) != set(inames) or set(call.fparams) != set(fnames):
            raise PlanError(f"{op.where()}: kernel {call.kernel} parameters {sorted(call.params)} + "
                            f"{sorted(call.fparams)} do not match its signature {inames} + {fnames}")
        bufs = []
        for b in call.bufs:
            if isinstance(b, str):
                bufs.append((ARENA, plan.offset(b), graph.tensor(b).nbytes))
            else:
                arr = np.ascontiguousarray(b)
                consts.append(arr.view(np.uint8).reshape(-1) if arr.size else np.zeros(1, np.uint8))
                bufs.append((len(consts) - 1, 0, arr.nbytes))
        steps.append((call.kernel, bufs, [int(call.params[n]) for n in inames],
                      [float(call.fparams[n]) for n in fnames]))
    return steps, consts


class HostProgram:
    """A compiled host program: the executor plus where each graph input/output lives."""

    def __init__(self, graph, schedule, plan):
        ext = _extension()
        self.calls = lower(graph, schedule)
        steps, consts = pack(graph, plan, self.calls, ext.KERNELS)
        try:
            self.executor = ext.Executor(plan.arena_bytes, steps, consts)
        except ValueError as e:
            raise PlanError(f"host executor rejected the program: {e}") from None
        self.arena = self.executor.arena
        self.views = {}
        for name in graph.inputs + graph.outputs:
            t = graph.tensor(name)
            off = plan.offset(name)
            self.views[name] = self.arena[off:off + t.nbytes].view(t.dtype).reshape(t.shape)

    def run(self):
        self.executor.run()
