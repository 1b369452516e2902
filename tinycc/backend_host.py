"""Host backend: lowers the scheduled, planned graph to one Cython executor program.

Every op becomes one or more kernel calls (the op table's ``lower``); each call is
packed against the kernel signature exported by the compiled extension, so a
kernel the extension lacks, or a parameter name that does not match, is a hard
error at compile time. The executor re-validates every buffer range before it
accepts the program.
"""
from __future__ import annotations

import numpy as np

import dataclasses

from . import isa
from . import kernels as kt
from . import ops as optable
from . import streaming
from .errors import PlanError
from .ops import KernelCall

ARENA = -1


def _extension():
    try:
        from . import _host
    except ImportError as e:  # pragma: no cover - only when the package was not built
        raise PlanError("the tinycc._host extension is not built; install tinycc with "
                        "'pip install .' (it compiles the Cython kernels)") from e
    return _host


def host_call(call: KernelCall, level: str) -> KernelCall:
    """The call the host executor runs for a lowered call: the fastest implementation of its kernel at
    ``level`` (tinycc.isa) whose limits the call is within, with its constants prepared for it where
    it lays them out its own way; else the portable kernel as lowered (the ABI shared with the C
    targets)."""
    for impl in isa.candidates(call.kernel, level):
        if impl.isa == "portable":
            return call
        k = impl.kernel
        if impl.prepare is not None and not all(isinstance(b, np.ndarray) for b, kb in zip(call.bufs, k.bufs)
                                                if not kb.out and kb.name != "in"):
            continue  # weights not constants: nothing to lay out
        try:  # the limits depend on the parameters only: checked before anything is laid out
            impl.validate([call.params[n] for n in k.iparams], [call.fparams[n] for n in k.fparams])
        except kt.KernelParamError:
            continue
        return dataclasses.replace(impl.prepare(call) if impl.prepare else call, kernel=impl.name)


def lower(graph, schedule, plan, level: str = None) -> list:
    """Kernel calls of the schedule, in order: (op, call, stream). Aliases run no kernel; a fused
    ADD runs inside its producer's call as an epilogue; ops placed in place by the plan stream
    their rows. ``stream`` is None or (delay, epilogue, reverse); for a streamed chain (its last
    member's entry) ``call`` is a ``streaming.ChainCall`` and ``stream`` ("chain", epilogue). The
    calls are the op table's (the ABI shared with the C targets), or with ``level`` the host's
    implementations at that instruction-set level (``host_call``)."""
    specialize = (lambda call: host_call(call, level)) if level else (lambda call: call)
    by_id = {op.id: op for op in schedule}
    chains = streaming.members(graph)
    calls, links = [], []
    for op in schedule:
        if op.attrs.get("alias") or "fused_into" in op.attrs:
            continue
        opdef = optable.get(op.kind)
        for call in map(specialize, opdef.lower(op, graph)):
            stream = None
            ip = plan.inplace.get(op.id)
            if ip is not None and ip.rows:
                stream = (ip.delay, None, ip.reverse)
            epilogue = _epilogue(graph, by_id, op, call)
            if epilogue is not None:
                stream = (0, epilogue, False)
            if "chain" in op.attrs:
                links.append((op, call))
                chain = chains[op.attrs["chain"]]
                if op is not chain[-1]:
                    continue
                held = plan.inplace.get(op.id)
                rings, in_ring, slot = streaming.layout(graph, chain, plan.scratch(op).size,
                                                        streaming.out_rows(graph, chain, held))
                stripes, band = streaming.patch(chain)
                call = streaming.ChainCall(links, [n for n, _ in streaming.line_buffers(graph, chain)], rings, slot,
                                           streaming.flush_delay(graph, chain, held), streaming.reduction(graph, chain),
                                           (stripes, band, streaming.input_buffer(graph, chain)[0], in_ring)
                                           if stripes > 1 else None)
                stream, links = ("chain", epilogue), []
            calls.append((op, call, stream))
    return calls


def _epilogue(graph, by_id, op, call):
    """The fused ADD an op's call applies to each output row it writes (the call then writes the
    sum), as (add kernel, other operand, its iparams, its fparams, conv_first); None without one."""
    if "epilogue" not in op.attrs:
        return None
    add_id, k = op.attrs["epilogue"]
    add = by_id[add_id]
    (acall,) = optable.get(add.kind).lower(add, graph)
    call.bufs[1] = add.outputs[0]  # the producer writes the sum
    return (acall.kernel, add.inputs[1 - k], [acall.params[n] for n in kt.row_iparams(kt.get(acall.kernel))],
            [acall.fparams[n] for n in ("act_min", "act_max") if n in acall.fparams], k == 0)


def kernel_scratch(op, graph, per_call=None, level: str = None, variants=()) -> int:
    """Bytes of scratch the kernels of an op need ahead of any row ring (accumulators); the
    planner places them in the arena. ``per_call(kernel, iparams, fparams, params)`` gives one
    call's bytes: by default the kernel table's, for the host's implementation at ``level``.
    ``variants``: parameter changes the op is also called with (the stripes of a chain in patches);
    the most any of them needs."""
    if op.attrs.get("alias") or "fused_into" in op.attrs:
        return 0
    if per_call is None:
        def per_call(kernel, ip, fp, params):
            return isa.impl(kernel).validate(ip, fp)[3]
    need = 0
    for call in optable.get(op.kind).lower(op, graph):
        if level is not None:
            call = host_call(call, level)
        k = isa.impl(call.kernel).kernel
        for change in ({},) + tuple(variants):
            params = dict(call.params, **change)
            need = max(need, per_call(call.kernel, [int(params[n]) for n in k.iparams],
                                      [float(call.fparams[n]) for n in k.fparams], params))
    return (need + 63) // 64 * 64 if need else 0


def pack(graph, plan, calls):
    """Kernel calls -> (steps, consts) in the executor's format (a streamed chain: one step
    ("chain", links, flush, ring offset, reduce, scratch, patch), each link (kernel, bufs, iparams, fparams,
    line buffer rows, its offset in the scratch), a line buffer operand None; flush None or (delay,
    epilogue) as a stream's)."""
    steps, consts = [], []

    def buf(b):
        if b is None:
            return None
        if isinstance(b, str) and graph.tensor(b).is_const:
            b = graph.tensor(b).data  # an operand folded to a constant
        if isinstance(b, str):
            return (ARENA, plan.offset(b), graph.tensor(b).nbytes)
        arr = np.ascontiguousarray(b)
        consts.append(arr.view(np.uint8).reshape(-1) if arr.size else np.zeros(1, np.uint8))
        return (len(consts) - 1, 0, arr.nbytes)

    def packed(op, call, bufs=None):
        try:
            k = isa.impl(call.kernel).kernel
        except kt.KernelParamError as e:
            raise PlanError(f"{op.where()}: {e}") from None
        buf_names, inames, fnames = [b.name for b in k.bufs], k.iparams, k.fparams
        if len(call.bufs) != len(buf_names):
            raise PlanError(f"{op.where()}: kernel {call.kernel} takes {len(buf_names)} buffers, got {len(call.bufs)}")
        if set(call.params) != set(inames) or set(call.fparams) != set(fnames):
            raise PlanError(f"{op.where()}: kernel {call.kernel} parameters {sorted(call.params)} + "
                            f"{sorted(call.fparams)} do not match its signature {inames} + {fnames}")
        return (call.kernel, [buf(b) for b in (call.bufs if bufs is None else bufs)],
                [int(call.params[n]) for n in inames], [float(call.fparams[n]) for n in fnames])

    for op, call, stream in calls:
        if stream is not None and stream[1] is not None:
            kind, other, ips, fps, first = stream[1]
            stream = (stream[0], (kind, buf(other), ips, fps, first)) + stream[2:]
        sc = plan.scratch(op)
        own = (ARENA, sc.offset, sc.size) if sc is not None else None
        if isinstance(call, streaming.ChainCall):
            n = len(call.links)
            links = []
            for j, (o, c) in enumerate(call.links):  # a line buffer: no operand
                bufs = [None if (i == 0 and j > 0) or (i == 1 and j < n - 1) else b for i, b in enumerate(c.bufs)]
                links.append(packed(o, c, bufs) + ((call.caps[j], call.rings[j]) if j < n - 1 else (0, 0)))
            flush = None if call.delay is None else (call.delay, stream[1])
            steps.append(("chain", links, flush, call.slot, call.reduce, own, call.patch))
            continue
        steps.append(packed(op, call) + (stream, own))
    return steps, consts


class HostProgram:
    """A compiled host program: the executor plus where each graph input/output lives."""

    def __init__(self, graph, schedule, plan, level: str = None):
        ext = _extension()
        self.level = isa.resolve(level)
        self.calls = lower(graph, schedule, plan, self.level)
        steps, consts = pack(graph, plan, self.calls)
        self._program = (plan.arena_bytes, steps, consts, self.level)
        try:
            self.executor = ext.Executor(*self._program)
        except ValueError as e:
            raise PlanError(f"host executor rejected the program: {e}") from None
        self.arena = self.executor.arena
        self.views = {}
        self.states = {name: graph.tensor(name).initial_value() for name in graph.states()}
        for name in graph.inputs + graph.outputs + list(self.states):
            t = graph.tensor(name)
            off = plan.offset(name)
            self.views[name] = self.arena[off:off + t.nbytes].view(t.dtype).reshape(t.shape)
        self.reset()

    def reset(self):
        """Put every variable (state) tensor back to its initial value."""
        for name, value in self.states.items():
            self.views[name][...] = value

    def run(self):
        self.executor.run()

    def new_executor(self):
        """Another executor of the same program: its own arena, the same constant arrays."""
        return _extension().Executor(*self._program)
