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


def members(graph) -> dict:
    """first member's id -> the chain's ops in order."""
    out = {}
    for op in graph.ops():  # topological: members in chain order
        if "chain" in op.attrs:
            out.setdefault(op.attrs["chain"], []).append(op)
    return out


def line_buffers(graph, chain) -> list:
    """(rows, bytes per row) of each line buffer: the output of every member but the last, as many
    rows as its consumer's window spans (no more than it has)."""
    out = []
    for a, b in zip(chain, chain[1:]):
        r = rows(b, graph)
        out.append((min(r.span, r.h), r.in_row))
    return out


def _up(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def ring_bytes(graph, chain) -> int:
    """Scratch bytes of the line buffers and, when the last member has a fused ADD, its one-row slot."""
    slot = _up(rows(chain[-1], graph).out_row) if "epilogue" in chain[-1].attrs else 0
    return sum(_up(n * rb) for n, rb in line_buffers(graph, chain)) + slot


def layout(graph, chain, scratch_bytes: int) -> tuple:
    """(line buffer offsets, slot offset or -1) in a chain's scratch of ``scratch_bytes``: the line
    buffers and the slot at its end (each kernel's own scratch at its start)."""
    off = scratch_bytes - ring_bytes(graph, chain)
    offsets = []
    for n, rb in line_buffers(graph, chain):
        offsets.append(off)
        off += _up(n * rb)
    return offsets, (off if "epilogue" in chain[-1].attrs else -1)


@dataclass
class ChainCall:
    """A streamed chain as the backends emit it (``tc_run_chain``): per member its op and kernel call
    (the ``in`` of every member but the first and the ``out`` of every member but the last are line
    buffers: their tensors are not stored); the line buffers' rows and offsets in the chain's
    scratch; the fused ADD's row slot (-1: none)."""
    links: list
    caps: list
    rings: list
    slot: int


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


def choose(graph, plan_for) -> tuple:
    """Keep only the chains that lower the arena (each costs time): (graph, schedule, plan) with the
    smallest arena among all chains marked, none, and those whose ops would fit the all-chains
    arena unchained; on a tie the fewer chains. ``plan_for(graph)`` -> (schedule, plan)."""
    order, mp = plan_for(graph)
    chains = members(graph)
    if not chains:
        return graph, order, mp
    best = (graph, order, mp)
    fits = [h for h, c in chains.items() if _fits_unchained(graph, order, mp, c)]
    for drop in ([list(chains)] + ([fits] if fits and len(fits) < len(chains) else [])):
        g = graph.copy()
        unchain(g, set(drop))
        o, m = plan_for(g)
        if m.arena_bytes <= best[2].arena_bytes:
            best = (g, o, m)
            break
    return best


def kernel_calls(calls) -> list:
    """(op, kernel call) of every call of a lowered schedule (backend_host.lower), a chain's members
    one by one."""
    return [lc for op, call, _ in calls for lc in (call.links if isinstance(call, ChainCall) else [(op, call)])]
