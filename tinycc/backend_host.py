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
from .ops import KernelCall

ARENA = -1


def _extension():
    try:
        from . import _host
    except ImportError as e:  # pragma: no cover - only when the package was not built
        raise PlanError("the tinycc._host extension is not built; install tinycc with "
                        "'pip install .' (it compiles the Cython kernels)") from e
    return _host


# the ADD parameters a fused epilogue takes (the geometry comes from the producer's row)
_EPILOGUE_PARAMS = ("act_min", "act_max", "in1_off", "in2_off", "out_off", "left_shift", "m1", "s1", "m2", "s2",
                    "mo", "so")


# ---- the host's fast kernels: weights packed at compile time ------------------------------------

def _pad_rows(a: np.ndarray, rows: int) -> np.ndarray:
    """a with zero rows appended along axis 0 up to ``rows``."""
    out = np.zeros((rows,) + a.shape[1:], a.dtype)
    out[:a.shape[0]] = a
    return out


def pack_gemm_s8(w2: np.ndarray) -> np.ndarray:
    """int8 weights [oc, K] -> the layout of conv2d_s8_packed / fc_s8_packed (kernels_pyx/fast_s8.h):
    blocks of PACK_BLOCK output channels, k in pairs: packed[b, kp, j, t] = w[b * 16 + j, 2 * kp + t],
    zero past oc and K."""
    nr = _extension().PACK_BLOCK
    oc, k = w2.shape
    nb, k2 = -(-oc // nr), k + k % 2
    wp = np.zeros((nb * nr, k2), np.int8)
    wp[:oc, :k] = w2
    return np.ascontiguousarray(wp.reshape(nb, nr, k2 // 2, 2).transpose(0, 2, 1, 3))


def pack_gemm_f32(w2: np.ndarray) -> np.ndarray:
    """float32 weights [oc, K] -> the layout of conv2d_f32_packed / fc_f32_packed (fast_f32.h):
    packed[b, k, j] = w[b * 16 + j, k], zero past oc."""
    nr = _extension().PACK_BLOCK
    oc, k = w2.shape
    nb = -(-oc // nr)
    return np.ascontiguousarray(_pad_rows(w2.astype(np.float32), nb * nr).reshape(nb, nr, k).transpose(0, 2, 1))


#: plain kernel -> its fast kernel with packed weights (same buffers and parameters)
_PACKED = {"conv2d_s8": "conv2d_s8_packed", "fc_s8": "fc_s8_packed",
           "conv2d_f32": "conv2d_f32_packed", "fc_f32": "fc_f32_packed"}


def host_kernel(call: KernelCall) -> KernelCall:
    """The call the host executor runs for a lowered call: the fast kernel with its weights packed
    when there is one and the weights are constants within its limits, else the call as lowered
    (the op table's lowering is the ABI shared with the C targets; this packing is the host's own)."""
    fast = _PACKED.get(call.kernel)
    if fast is None or not all(isinstance(b, np.ndarray) for b in call.bufs[2:]):
        return call
    ext = _extension()
    _, inames, fnames = ext.KERNELS[fast]
    if not ext.accepts(fast, [call.params[n] for n in inames], [call.fparams[n] for n in fnames]):
        return call  # beyond the fast kernel's limits (kh * kw * c too large)
    oc = call.params["units" if call.kernel.startswith("fc") else "oc"]
    w2 = np.asarray(call.bufs[2]).reshape(oc, -1)  # [oc, K]: OHWI weights, k in (ky, kx, c) order
    ocp = -(-oc // ext.PACK_BLOCK) * ext.PACK_BLOCK
    extra = [_pad_rows(np.asarray(b).reshape(-1), ocp) for b in call.bufs[3:]]  # bias (mult, shift)
    w = pack_gemm_s8(w2) if call.kernel.endswith("_s8") else pack_gemm_f32(w2)
    return KernelCall(fast, call.bufs[:2] + [w] + extra, dict(call.params), dict(call.fparams))


def lower(graph, schedule, plan, host_kernels: bool = False) -> list:
    """Kernel calls of the schedule, in order: (op, call, stream). Aliases run no kernel; a fused
    ADD runs inside its producer's call as an epilogue; ops placed in place by the plan stream
    their rows. ``stream`` is None or (delay, epilogue, reverse). The calls are the op table's
    (the ABI shared with the C targets), or with ``host_kernels`` the host executor's own fast
    kernels where it has them (``host_kernel``)."""
    specialize = host_kernel if host_kernels else (lambda call: call)
    by_id = {op.id: op for op in schedule}
    calls = []
    for op in schedule:
        if op.attrs.get("alias") or "fused_into" in op.attrs:
            continue
        opdef = optable.get(op.kind)
        for call in map(specialize, opdef.lower(op, graph)):
            stream = None
            ip = plan.inplace.get(op.id)
            if ip is not None and ip.rows:
                stream = (ip.delay, None, ip.reverse)
            if "epilogue" in op.attrs:
                add_id, k = op.attrs["epilogue"]
                add = by_id[add_id]
                (acall,) = optable.get(add.kind).lower(add, graph)
                call.bufs[1] = add.outputs[0]  # the producer writes the sum
                epilogue = (acall.kernel, add.inputs[1 - k], [acall.params[n] for n in _EPILOGUE_PARAMS
                                                              if n in acall.params],
                            [acall.fparams[n] for n in ("act_min", "act_max") if n in acall.fparams], k == 0)
                stream = (0, epilogue, False)
            calls.append((op, call, stream))
    return calls


def kernel_scratch(op, graph, per_call=None) -> int:
    """Bytes of scratch the kernels of an op need ahead of any row ring (accumulators); the
    planner places them in the arena. ``per_call(kernel, iparams, fparams, params)`` gives one
    call's bytes: by default the host executor's own computation."""
    if op.attrs.get("alias") or "fused_into" in op.attrs:
        return 0
    ext = _extension()
    if per_call is None:
        per_call = lambda kernel, ip, fp, params: ext.kernel_scratch(kernel, ip, fp)  # noqa: E731
    need = 0
    # as lowered: the host executor's packed kernels need no scratch of their own either
    for call in optable.get(op.kind).lower(op, graph):
        _, inames, fnames = ext.KERNELS[call.kernel]
        need = max(need, per_call(call.kernel, [int(call.params[n]) for n in inames],
                                  [float(call.fparams[n]) for n in fnames], dict(call.params)))
    return need


def pack(graph, plan, calls, signatures):
    """Kernel calls -> (steps, consts) in the executor's format."""
    steps, consts = [], []

    def buf(b):
        if isinstance(b, str) and graph.tensor(b).is_const:
            b = graph.tensor(b).data  # an operand folded to a constant
        if isinstance(b, str):
            return (ARENA, plan.offset(b), graph.tensor(b).nbytes)
        arr = np.ascontiguousarray(b)
        consts.append(arr.view(np.uint8).reshape(-1) if arr.size else np.zeros(1, np.uint8))
        return (len(consts) - 1, 0, arr.nbytes)
    for op, call, stream in calls:
        if call.kernel not in signatures:
            raise PlanError(f"{op.where()}: the host backend has no kernel {call.kernel!r}")
        buf_names, inames, fnames = signatures[call.kernel]
        if len(call.bufs) != len(buf_names):
            raise PlanError(f"{op.where()}: kernel {call.kernel} takes {len(buf_names)} buffers, got {len(call.bufs)}")
        if set(call.params) != set(inames) or set(call.fparams) != set(fnames):
            raise PlanError(f"{op.where()}: kernel {call.kernel} parameters {sorted(call.params)} + "
                            f"{sorted(call.fparams)} do not match its signature {inames} + {fnames}")
        if stream is not None and stream[1] is not None:
            kind, other, ips, fps, first = stream[1]
            stream = (stream[0], (kind, buf(other), ips, fps, first), stream[2])
        sc = plan.scratch(op)
        steps.append((call.kernel, [buf(b) for b in call.bufs], [int(call.params[n]) for n in inames],
                      [float(call.fparams[n]) for n in fnames], stream,
                      (ARENA, sc.offset, sc.size) if sc is not None else None))
    return steps, consts


class HostProgram:
    """A compiled host program: the executor plus where each graph input/output lives."""

    def __init__(self, graph, schedule, plan):
        ext = _extension()
        self.calls = lower(graph, schedule, plan, host_kernels=True)
        steps, consts = pack(graph, plan, self.calls, ext.KERNELS)
        self._program = (plan.arena_bytes, steps, consts)
        try:
            self.executor = ext.Executor(plan.arena_bytes, steps, consts)
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
