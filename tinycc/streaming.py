"""Block streaming: a chain of sliding-window ops runs row band by row band (``tc_run_chain``), so
that no intermediate tensor of the chain exists whole.

Each intermediate lives in a line buffer holding the rows its consumer's window still needs (a 3x3
depthwise convolution: 3 rows of the 1x1 expansion before it, not the whole 112x112x96 tensor). No
row is computed twice, so the results are those of the unchained ops, bit for bit; the price is one
kernel call per row and the moves of the kept rows when a line buffer is full.

The facts come from the tables: the op table's ``rows`` (``OpDef.rows`` -> ``ops.Rows``: which input
rows each output row reads) and the kernel table's ``Stream`` (the parameters a row call rewrites).
``passes.stream_blocks`` marks chains (``op.attrs["chain"]`` = the first member's id); the scheduler
runs a chain as one unit; the planner gives it one scratch buffer, at its last member (the largest
kernel scratch first, then the line buffers: ``layout``); ``planner.check`` re-derives the line
buffers' bytes; both backends emit one ``tc_run_chain`` per chain.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ops as optable
from . import planner
from .errors import PlanError

ALIGN = 64  # every line buffer starts on a 64-byte boundary of the scratch
MAX_CHAIN = 16  # TC_MAX_CHAIN of tinycc_kernels.h


def rows(op, graph):
    """The op's ``ops.Rows`` when it can be a chain member (one output, batch 1), else None."""
    if len(op.outputs) != 1 or op.attrs.get("alias"):
        return None
    return optable.get(op.kind).rows(op, graph)


def can_link(graph, a, b) -> bool:
    """Can a's output stream into b, row band by row band (b reads it as its input 0 and is its only
    reader; it is no graph output; b's every output row reads at least one of its rows)?"""
    t = a.outputs[0]
    ra, rb = rows(a, graph), rows(b, graph)
    return (ra is not None and rb is not None and "epilogue" not in a.attrs and "fused_into" not in b.attrs
            and t not in graph.outputs and b.inputs[0] == t and [c.id for c in graph.consumers(t)] == [b.id]
            and graph.tensor(t).dtype in (np.int8, np.float32) and rb.covered and ra.out_row == rb.in_row)


def worth(graph, a, b) -> bool:
    """Stream a's output into b when it is larger than a's input or b's output: an expansion (1x1 up to
    6x the channels, a first convolution from 3 channels) or a tensor a reduction follows. Streaming
    then removes a peak; between two tensors no larger it would only cost time."""
    size = lambda n: graph.tensor(n).nbytes  # noqa: E731
    return size(a.outputs[0]) > min(size(a.inputs[0]), size(b.outputs[0]))


def mark(graph, rule) -> bool:
    """Mark as chains the runs of ops linked where ``can_link`` and ``rule(graph, a, b)`` hold (at most
    MAX_CHAIN ops each; ``op.attrs["chain"]`` = the first member's id); unmark the rest. Returns
    whether any mark changed."""
    link = {}  # member id -> next member
    for a in graph.ops():
        readers = graph.consumers(a.outputs[0]) if len(a.outputs) == 1 else []
        if len(readers) == 1 and can_link(graph, a, readers[0]) and rule(graph, a, readers[0]):
            link[a.id] = readers[0]
    heads = set(link) - {b.id for b in link.values()}
    want = {}
    for op in graph.ops():
        if op.id in heads or (op.id in link and op.id not in want):
            chain = [op]
            while chain[-1].id in link and len(chain) < MAX_CHAIN:
                chain.append(link[chain[-1].id])
            if len(chain) > 1:
                want.update({m.id: op.id for m in chain})
    modified = False
    for op in graph.ops():
        if op.attrs.get("chain") != want.get(op.id):
            modified = True
            if op.id in want:
                op.attrs["chain"] = want[op.id]
            else:
                del op.attrs["chain"]
    return modified


def members(graph) -> dict:
    """first member's id -> the chain's ops in order."""
    out = {}
    for op in graph.ops():  # topological: members in chain order
        if "chain" in op.attrs:
            out.setdefault(op.attrs["chain"], []).append(op)
    return out


def reduces(graph, op) -> bool:
    """Is ``op`` a global average pooling (one output pixel whose window is all of its input, int8 or
    float32)? At the end of a chain it runs as a running sum over its input's rows, one at a time,
    instead of holding them all in a line buffer."""
    if op.kind != "AVERAGE_POOL_2D" or rows(op, graph) is None:
        return False
    from .ops.pool import geometry
    g = geometry(op, graph)
    return g["oh"] == g["ow"] == 1 and g["kh"] >= g["h"] and g["kw"] >= g["w"] and g["pt"] == g["pl"] == 0


def reduction(graph, chain) -> int:
    """tc_chain's ``reduce``: 0, or 1 (int8) / 2 (float32) when the chain ends in a global average
    pooling run as a running sum."""
    if not reduces(graph, chain[-1]):
        return 0
    return 1 if graph.tensor(chain[-1].outputs[0]).dtype == np.int8 else 2


def line_buffers(graph, chain) -> list:
    """(rows, bytes per row) of each line buffer: the output of every member but the last, as many
    rows as its consumer's window spans (no more than it has); one row into a running reduction."""
    out = []
    for a, b in zip(chain, chain[1:]):
        r = rows(b, graph)
        out.append((1 if b is chain[-1] and reduction(graph, chain) else min(r.span, r.h), r.in_row))
    return out


def _up(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


@dataclass(frozen=True)
class ChainRows:
    """A chain's ``ops.Rows`` as one op: the rows of its input each output row reads (its members'
    windows composed), so the row-streamed in-place rule (``ops.streaming_inplace``) applies to the
    whole chain. Input rows are read only while the first member computes its rows, each once, in
    order, so no input row before window(q)[0] is read once output row q is being computed."""
    links: tuple

    @property
    def oh(self) -> int:
        return self.links[-1].oh

    @property
    def in_row(self) -> int:
        return self.links[0].in_row

    @property
    def out_row(self) -> int:
        return self.links[-1].out_row

    def window(self, q: int) -> tuple:
        a, b = q, q + 1
        for r in reversed(self.links):
            a, b = r.window(a)[0], r.window(b - 1)[1]
        return a, b


def chain_rows(graph, chain) -> ChainRows:
    return ChainRows(tuple(rows(op, graph) for op in chain))


def inplace_options(graph, chain) -> list:
    """The chain's output over its input: the forward row-streamed options (a chain runs its rows in
    order), each with a ring of delay + 1 output rows."""
    return [ip for ip in optable.streaming_inplace(chain_rows(graph, chain)) if not ip.reverse]


def residual_delay(graph, chain):
    """The rows a chain ending in a fused ADD must hold back to write the sum over the ADD's other
    operand when that is the chain's own input (a residual block: output row q then overwrites input
    row q, which later rows must no longer read): the least delay whose forward option needs no
    offset, or None (never, or not such a chain)."""
    last = chain[-1]
    if "epilogue" not in last.attrs:
        return None
    add = next(op for op in graph.ops() if op.id == last.attrs["epilogue"][0])
    other = add.inputs[1 - last.attrs["epilogue"][1]]
    if other != chain[0].inputs[0] or graph.tensor(other).nbytes != graph.tensor(last.outputs[0]).nbytes:
        return None
    fits = [ip.delay for ip in inplace_options(graph, chain) if ip.delta == 0]
    return min(fits) if fits else None


def out_rows(graph, chain, inplace=None) -> int:
    """Rows of the chain's output ring: none when rows go straight to the output; delay + 1 for an
    in-place option; for a fused ADD, one, or its residual delay + 1; a running reduction's
    accumulators (4 bytes a channel) in their place."""
    if reduction(graph, chain):
        return 4 // graph.tensor(chain[-1].outputs[0]).dtype.itemsize
    if inplace is not None:
        return inplace.delay + 1
    if "epilogue" in chain[-1].attrs:
        return (residual_delay(graph, chain) or 0) + 1
    return 0


def ring_bytes(graph, chain, nout: int) -> int:
    """Scratch bytes of the line buffers and an output ring of ``nout`` rows."""
    return sum(_up(n * rb) for n, rb in line_buffers(graph, chain)) + _up(nout * rows(chain[-1], graph).out_row)


def layout(graph, chain, scratch_bytes: int, nout: int) -> tuple:
    """(line buffer offsets, output ring offset) in a chain's scratch of ``scratch_bytes``: the line
    buffers and the ring at its end (each kernel's own scratch at its start)."""
    off = scratch_bytes - ring_bytes(graph, chain, nout)
    offsets = []
    for n, rb in line_buffers(graph, chain):
        offsets.append(off)
        off += _up(n * rb)
    return offsets, off


@dataclass
class ChainCall:
    """A streamed chain as the backends emit it (``tc_run_chain``): per member its op and kernel call
    (the ``in`` of every member but the first and the ``out`` of every member but the last are line
    buffers: their tensors are not stored); the line buffers' rows and offsets in the chain's
    scratch; the output ring's offset and delay (``delay`` None: no ring, rows go straight out);
    ``reduce`` as tc_chain's (the accumulators at ``slot``)."""
    links: list
    caps: list
    rings: list
    slot: int
    delay: object = None
    reduce: int = 0


def unchain(graph, heads) -> None:
    """Run the chains starting at ``heads`` as separate ops again."""
    for op in graph.ops():
        if op.attrs.get("chain") in heads:
            del op.attrs["chain"]


def _fits_unchained(graph, schedule, mp, chain) -> bool:
    """Would the chain's ops, run one by one with their intermediates whole, stay within the arena
    of ``mp`` (the bytes live around the chain, plus each member's input and output)?"""
    pos = max(i for i, op in enumerate(schedule) if op is chain[-1])
    t = 2 * pos + 1
    scratch = f"{chain[-1].id}:scratch"
    live = sum(b.size for n, b in mp.buffers.items() if b.start <= t <= b.end and n != scratch)
    ends = graph.tensor(chain[0].inputs[0]).nbytes + graph.tensor(chain[-1].outputs[0]).nbytes
    around = live - ends
    need = max(graph.tensor(m.inputs[0]).nbytes + graph.tensor(m.outputs[0]).nbytes for m in chain)
    return around + need <= mp.arena_bytes


def choose(graph, plan_for, budget=None) -> tuple:
    """The chains to stream: (graph, schedule, plan). Candidates: the chains marked
    (``passes.stream_blocks``), every chainable run of ops, none, and for each marking without the
    chains whose ops would fit its arena unchained. Without a ``budget``: the smallest arena, on a tie
    the fewer chains (each costs time: a kernel call per row, moves in the line buffers). With one:
    the fewest chains whose arena fits it; none fitting is an error naming the smallest arena reached
    and where its peak is. ``plan_for(graph)`` -> (schedule, plan)."""
    every = graph.copy()
    candidates = []
    if mark(every, lambda g, a, b: True) or members(graph):
        for g in (graph, every):
            order, mp = plan_for(g)
            candidates.append((g, order, mp))
            chains = members(g)
            fits = {h for h, c in chains.items() if _fits_unchained(g, order, mp, c)}
            if fits and len(fits) < len(chains):
                candidates.append(_without(g, fits, plan_for))
        candidates.append(_without(graph, set(members(graph)), plan_for))
    else:
        candidates.append((graph,) + tuple(plan_for(graph)))
    if budget is None:
        return min(candidates, key=lambda c: (c[2].arena_bytes, len(members(c[0]))))
    fitting = [c for c in candidates if c[2].arena_bytes <= budget]
    if fitting:
        return min(fitting, key=lambda c: (len(members(c[0])), c[2].arena_bytes))
    g, order, mp = min(candidates, key=lambda c: c[2].arena_bytes)
    i, top = planner.peak(mp, len(order))
    raise PlanError(f"{graph.name}: no plan fits the RAM budget of {budget:,} bytes; the smallest arena tinycc "
                    f"reaches is {mp.arena_bytes:,} bytes, {top:,} of them in use at op {i} ({order[i].where()}: "
                    f"{order[i].kind} {list(g.tensor(order[i].inputs[0]).shape)} -> "
                    f"{list(g.tensor(order[i].outputs[0]).shape)})")


def _without(graph, heads, plan_for) -> tuple:
    g = graph.copy()
    unchain(g, heads)
    return (g,) + tuple(plan_for(g))


def kernel_calls(calls) -> list:
    """(op, kernel call) of every call of a lowered schedule (backend_host.lower), a chain's members
    one by one."""
    return [lc for op, call, _ in calls for lc in (call.links if isinstance(call, ChainCall) else [(op, call)])]
