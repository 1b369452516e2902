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
    reader; it is no graph output; b's every output row reads at least one of its rows, and b reads
    rows, not channel planes)?"""
    t = a.outputs[0]
    ra, rb = rows(a, graph), rows(b, graph)
    return (ra is not None and rb is not None and "epilogue" not in a.attrs and "fused_into" not in b.attrs
            and t not in graph.outputs and b.inputs[0] == t and [c.id for c in graph.consumers(t)] == [b.id]
            and graph.tensor(t).dtype in (np.int8, np.float32) and rb.covered and not rb.planar
            and ra.out_row == rb.in_row)


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


def patch(chain) -> tuple:
    """(stripes, band) of a chain run in patches (``chain[-1].attrs["patch"]``), else (1, 0)."""
    return tuple(chain[-1].attrs.get("patch", (1, 0)))


def stripe_cols(graph, chain, stripes: int) -> list:
    """Per column stripe of the last member's output (``stripes`` even stripes, as tc_run_chain cuts
    them), per member: (a, b, u, v), its output columns [a, b) and the input columns [u, v) they read
    (its receptive field in the stripe)."""
    rs = [rows(op, graph) for op in chain]
    out = []
    for s in range(stripes):
        a, b = s * rs[-1].ow // stripes, (s + 1) * rs[-1].ow // stripes
        cols = []
        for r in reversed(rs):
            u, v = r.cols(a, b)
            cols.append((a, b, u, v))
            a, b = u, v
        out.append(cols[::-1])
    return out


def line_buffers(graph, chain) -> list:
    """(rows, bytes per row) of each line buffer: the output of every member but the last, as many
    rows as its consumer's window spans (no more than it has); one row into a running reduction.
    In patches, as wide as the widest stripe's columns."""
    out = []
    for a, b in zip(chain, chain[1:]):
        r = rows(b, graph)
        out.append((1 if b is chain[-1] and reduction(graph, chain) else min(r.span, r.h), r.in_row))
    stripes = patch(chain)[0]
    if stripes > 1:
        cols = stripe_cols(graph, chain, stripes)
        out = [(n, max(c[j][1] - c[j][0] for c in cols) * rb // rows(chain[j], graph).ow)
               for j, (n, rb) in enumerate(out)]
    return out


def stripe_calls(graph, chain) -> list:
    """Per member, the parameter changes of its calls on each stripe's columns (one row, the rows
    of its line buffer; as tc_run_chain makes them): the planner sizes the kernels' scratch over
    them. Empty lists without patches."""
    stripes = patch(chain)[0]
    if stripes == 1:
        return [[] for _ in chain]
    caps = [input_buffer(graph, chain)[0]] + [n for n, _ in line_buffers(graph, chain)]
    out = [[] for _ in chain]
    for cols in stripe_cols(graph, chain, stripes):
        for j, (op, (a, b, u, v)) in enumerate(zip(chain, cols)):
            r = rows(op, graph)
            out[j].append(dict(h=min(caps[j], r.h), oh=1, pt=0, w=v - u, ow=b - a, pl=r.pl - a * r.sw + u))
    return out


def input_buffer(graph, chain) -> tuple:
    """(rows, bytes per row) of the line buffer a chain in patches copies its input's stripes into:
    as many rows as the first window spans, as wide as the widest stripe's input columns; (0, 0)
    without patches."""
    stripes = patch(chain)[0]
    if stripes == 1:
        return 0, 0
    r = rows(chain[0], graph)
    width = max(c[0][3] - c[0][2] for c in stripe_cols(graph, chain, stripes))
    return min(r.span, r.h), width * (r.in_row // r.w)


def patch_macs(graph, chain, stripes: int, band: int) -> int:
    """MACs the chain's members compute run in patches of ``stripes`` column stripes and bands of
    ``band`` rows (``stripes`` 1: unpatched), counting the rows and columns computed again at the
    seams: each band asks every member for the rows its windows reach, each stripe for the columns."""
    rs = [rows(op, graph) for op in chain]
    per_px = [optable.get(op.kind).macs(op, graph) / (r.oh * r.ow) for op, r in zip(chain, rs)]
    band = rs[-1].oh if stripes == 1 else band
    total = 0
    cols = stripe_cols(graph, chain, stripes) if stripes > 1 else [[(0, r.ow, 0, 0) for r in rs]]
    for q0 in range(0, rs[-1].oh, band):
        need = set(range(q0, min(rs[-1].oh, q0 + band)))
        counts = []
        for r in reversed(rs):
            counts.append(len(need))
            need = {i for q in need for i in range(*r.window(q))}
        counts = counts[::-1]
        total += sum(n * (c[j][1] - c[j][0]) * per_px[j] for c in cols for j, n in enumerate(counts))
    return int(round(total))


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
    order), each with a ring of delay + 1 output rows; none over an NCHW input (a transpose at its
    head: its rows are not contiguous)."""
    if rows(chain[0], graph).planar:
        return []
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


def flush_delay(graph, chain, inplace=None):
    """The output ring's delay (tc_chain's flush): None when rows go straight to the output; the
    in-place option's delay; for a fused ADD, 0 or its residual delay."""
    if reduction(graph, chain):
        return None
    if inplace is not None:
        return inplace.delay
    if "epilogue" in chain[-1].attrs:
        return residual_delay(graph, chain) or 0
    return None


def out_rows(graph, chain, inplace=None) -> int:
    """Rows of the chain's output ring: none when rows go straight to the output; else delay + 1, or
    in patches band + delay (a band's rows are written once all its stripes are); a running
    reduction's accumulators (4 bytes a channel) in their place."""
    if reduction(graph, chain):
        return 4 // graph.tensor(chain[-1].outputs[0]).dtype.itemsize
    d = flush_delay(graph, chain, inplace)
    stripes, band = patch(chain)
    return 0 if d is None else d + (band if stripes > 1 else 1)


def ring_bytes(graph, chain, nout: int) -> int:
    """Scratch bytes of the line buffers (an input one in patches) and an output ring of ``nout`` rows."""
    return (sum(_up(n * rb) for n, rb in line_buffers(graph, chain) + [input_buffer(graph, chain)])
            + _up(nout * rows(chain[-1], graph).out_row))


def layout(graph, chain, scratch_bytes: int, nout: int) -> tuple:
    """(line buffer offsets, input line buffer offset, output ring offset) in a chain's scratch of
    ``scratch_bytes``: the line buffers and the ring at its end (each kernel's own scratch at its start)."""
    off = scratch_bytes - ring_bytes(graph, chain, nout)
    offsets = []
    for n, rb in line_buffers(graph, chain) + [input_buffer(graph, chain)]:
        offsets.append(off)
        off += _up(n * rb)
    return offsets[:-1], offsets[-1], off


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
    patch: object = None  # None, or (stripes, band, input rows, input offset) as tc_chain's


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


MAX_EXTRA_MACS = 0.10  # patches may add at most this share of the model's MACs (recomputed seams)
STRIPES = (2, 3, 4, 6, 8)
BANDS = (1, 2, 3, 4, 6, 8, 12, 16)


def choose(graph, plan_for, budget=None) -> tuple:
    """The chains to stream: (graph, schedule, plan). Candidates: the chains marked
    (``passes.stream_blocks``), every chainable run of ops, none, and for each marking without the
    chains whose ops would fit its arena unchained. Without a ``budget``: the smallest arena, on a tie
    the fewer chains (each costs time: a kernel call per row, moves in the line buffers), then
    lowered at its peak while it shrinks (``improve``: blocks joined, or in patches within
    MAX_EXTRA_MACS more MACs). With one: the fewest chains whose arena fits it, else the smallest
    arena lowered so until it fits; none fitting is an error naming the smallest arena
    reached and where its peak is. ``plan_for(graph)`` -> (schedule, plan)."""
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
        return improve(min(candidates, key=lambda c: (c[2].arena_bytes, len(members(c[0])))), plan_for)
    fitting = [c for c in candidates if c[2].arena_bytes <= budget]
    if fitting:
        return min(fitting, key=lambda c: (len(members(c[0])), c[2].arena_bytes))
    g, order, mp = improve(min(candidates, key=lambda c: c[2].arena_bytes), plan_for, budget)
    if mp.arena_bytes <= budget:
        return g, order, mp
    i, top = planner.peak(mp, len(order))
    raise PlanError(f"{graph.name}: no plan fits the RAM budget of {budget:,} bytes; the smallest arena tinycc "
                    f"reaches is {mp.arena_bytes:,} bytes, {top:,} of them in use at op {i} ({order[i].where()}: "
                    f"{order[i].kind} {list(g.tensor(order[i].inputs[0]).shape)} -> "
                    f"{list(g.tensor(order[i].outputs[0]).shape)})")


def patchable(graph, chain) -> bool:
    """Can the chain run in patches (no running reduction; every member's output columns each read an
    input column)?"""
    return not reduction(graph, chain) and all(rows(op, graph).cols_covered for op in chain)


def patch_options(graph, chain, held=None, allowance=float("inf")) -> list:
    """(scratch bytes of line buffers and ring, extra MACs, (stripes, band)) of the chain in each
    patching whose recomputed MACs stay within ``allowance``, the least bytes first (``held``: its
    in-place option)."""
    base = patch_macs(graph, chain, 1, 0)
    last = rows(chain[-1], graph)
    out = []
    saved = chain[-1].attrs.get("patch")
    try:
        for stripes in (s for s in STRIPES if s <= last.ow):
            for band in (b for b in BANDS if b < last.oh):
                chain[-1].attrs["patch"] = (stripes, band)
                extra = patch_macs(graph, chain, stripes, band) - base
                if extra <= allowance:
                    out.append((ring_bytes(graph, chain, out_rows(graph, chain, held)), extra, (stripes, band)))
    finally:
        if saved is None:
            chain[-1].attrs.pop("patch", None)
        else:
            chain[-1].attrs["patch"] = saved
    return sorted(out)


def _links(graph) -> set:
    """(a.id, b.id) of every link of the graph's chains."""
    return {(a.id, b.id) for c in members(graph).values() for a, b in zip(c, c[1:])}


def _spent(graph) -> int:
    """The MACs the graph's chains in patches compute again."""
    return sum(patch_macs(graph, c, *patch(c)) - patch_macs(graph, c, 1, 0)
               for c in members(graph).values() if patch(c)[0] > 1)


def _joined(graph, a, b):
    """A copy of the graph with a's output streamed into b, their chains joined (unpatched), or None
    when the joined chain would be longer than MAX_CHAIN."""
    g = graph.copy()
    keep = _links(graph) | {(a.id, b.id)}
    mark(g, lambda g_, x, y: (x.id, y.id) in keep)
    if _links(g) != keep:
        return None
    for op in members(g)[next(o for o in g.ops() if o.id == b.id).attrs["chain"]]:
        op.attrs.pop("patch", None)
    return g


def _patched(graph, chain, held, allowance, now):
    """A copy of the graph with ``chain`` in the patching of least scratch within ``allowance`` MACs,
    or None (none, or none with less scratch than ``now``)."""
    if "patch" in chain[-1].attrs or not patchable(graph, chain):
        return None
    options = [o for o in patch_options(graph, chain, held, allowance) if o[0] < now]
    if not options:
        return None
    g = graph.copy()
    next(o for o in g.ops() if o.id == chain[-1].id).attrs["patch"] = options[0][2]
    return g


def improve(candidate, plan_for, budget=None) -> tuple:
    """Lower the arena at its peak, step by step, while it shrinks (until it fits ``budget``): at the
    op of the peak, its block (or op) joined into one chain with the op that reads its output or the
    one that writes its input (the tensor between them then never exists whole), or its block run in
    patches (narrower line buffers: each stripe's columns, the seams computed again) within the model's
    allowance of recomputed MACs (MAX_EXTRA_MACS); each step the one of least arena."""
    g, order, mp = candidate
    total = sum(optable.get(op.kind).macs(op, g) for op in g.ops())
    while budget is None or mp.arena_bytes > budget:
        i, _ = planner.peak(mp, len(order))
        op = order[i]
        unit = members(g).get(op.attrs.get("chain")) or [op]
        trials = []
        readers = g.consumers(unit[-1].outputs[0]) if len(unit[-1].outputs) == 1 else []
        if len(readers) == 1 and can_link(g, unit[-1], readers[0]):
            trials.append(_joined(g, unit[-1], readers[0]))
        writer = g.producer(unit[0].inputs[0]) if unit[0].inputs and unit[0].inputs[0] is not None else None
        if writer is not None and len(writer.outputs) == 1 and can_link(g, writer, unit[0]):
            trials.append(_joined(g, writer, unit[0]))
        if len(unit) > 1:
            held = mp.inplace.get(unit[-1].id)
            trials.append(_patched(g, unit, held, MAX_EXTRA_MACS * total - _spent(g),
                                   ring_bytes(g, unit, out_rows(g, unit, held))))
        best = None
        for g2 in filter(None, trials):
            if _spent(g2) > MAX_EXTRA_MACS * total:
                continue
            order2, mp2 = plan_for(g2)
            if mp2.arena_bytes < (best or (None, None, mp))[2].arena_bytes:
                best = (g2, order2, mp2)
        if best is None:
            break
        g, order, mp = best
    return g, order, mp


def _without(graph, heads, plan_for) -> tuple:
    g = graph.copy()
    unchain(g, heads)
    return (g,) + tuple(plan_for(g))


def kernel_calls(calls) -> list:
    """(op, kernel call) of every call of a lowered schedule (backend_host.lower), a chain's members
    one by one."""
    return [lc for op, call, _ in calls for lc in (call.links if isinstance(call, ChainCall) else [(op, call)])]
