"""Static memory planning: lifetimes over the schedule, in-place decisions, arena offsets,
and an independent checker.

Storage. Every activation tensor lives in one arena at an offset fixed at compile time.
Variable tensors (op state such as an LSTM's hidden and cell state) live there too, for the
whole program: nothing else ever shares their bytes, so they survive from one invocation to
the next as long as the arena does.
Zero-copy aliases (a RESHAPE output) share their source's storage; the output of a
producer whose ADD is fused into it is never stored (it streams through a row ring).

Time is doubled (as in Vela): op i occupies times 2i and 2i+1. Outputs are live from
2i+1; inputs stay live through 2i+1, so an op never overwrites what it still reads —
unless the op table says it can (``OpDef.inplace``) and the planner uses it: then the
output is placed at a fixed distance below the dying input (``out = in - delta``) and
the two overlap by declaration. Scratch (row rings, accumulators) is a buffer live at
its op only, in the same arena.

Placement. Storages linked by in-place decisions form rigid groups (relative offsets
fixed). Groups are placed largest first, each at the lowest offset where none of its
members collides with an already placed buffer live at the same time; small problems
try every group order. In-place links that make a group drift (delta != 0) are dropped
one by one while that lowers the arena.

``check`` re-derives everything from the schedule and the op table and verifies that no
two buffers live at the same time share a byte, except an in-place pair exactly as its
op allows.
"""
from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from typing import Callable, Optional

from . import ops as optable
from . import streaming
from .errors import PlanError
from .ir import Graph

EXACT_GROUPS = 7  # try every placement order up to this many groups


@dataclass
class Buffer:
    name: str
    size: int
    start: int  # first time it holds live data (doubled time axis)
    end: int    # last time it is read
    offset: int = -1
    members: tuple = ()  # tensors stored here (aliases share one buffer)

    def overlaps_in_time(self, other: "Buffer") -> bool:
        return self.start <= other.end and other.start <= self.end

    def overlaps_in_space(self, other: "Buffer") -> bool:
        return self.offset < other.offset + other.size and other.offset < self.offset + self.size


@dataclass
class MemoryPlan:
    buffers: dict = field(default_factory=dict)  # storage name -> Buffer (incl. "<op id>:scratch")
    storage: dict = field(default_factory=dict)  # tensor name -> storage name ("" when not stored)
    inplace: dict = field(default_factory=dict)  # op id -> InPlace used
    arena_bytes: int = 0
    alignment: int = 16

    def offset(self, tensor: str) -> int:
        return self.buffers[self.storage[tensor]].offset

    def scratch(self, op) -> Optional[Buffer]:
        return self.buffers.get(f"{op.id}:scratch")

    def state_bytes(self, graph) -> int:
        """The bottom of the arena holding the variable (state) tensors and nothing else (``check``
        proves it); 0 without state."""
        return max((align(self.offset(n) + graph.tensor(n).nbytes, self.alignment) for n in graph.states()),
                   default=0)


def align(n: int, a: int) -> int:
    return (n + a - 1) // a * a


# ---- storage and lifetimes ----------------------------------------------------------------

def storage_map(graph: Graph) -> dict:
    """tensor -> storage name: aliases resolve to their source, fused intermediates to ""."""
    st = {t.name: t.name for t in graph.tensors() if not t.is_const}
    for op in graph.ops():  # topological: a chain of aliases resolves front to back
        if op.attrs.get("alias"):
            st[op.outputs[0]] = st[op.inputs[0]]
        if "epilogue" in op.attrs:
            st[op.outputs[0]] = ""
    for chain in streaming.members(graph).values():
        for op in chain[:-1]:
            st[op.outputs[0]] = ""  # in a line buffer of the chain's scratch
    return st


def run_times(schedule: list) -> list:
    """The schedule position each op runs at: its own, but the last member's for a member of a
    streamed chain (the whole chain runs as one step: it reads its input and writes its output
    there)."""
    last = {op.attrs["chain"]: i for i, op in enumerate(schedule) if "chain" in op.attrs}
    return [last[op.attrs["chain"]] if "chain" in op.attrs else i for i, op in enumerate(schedule)]


def lifetimes(graph: Graph, schedule: list, storage: dict) -> dict:
    """Live range and size of every storage over the schedule."""
    bufs = {}

    def touch(name, t):
        s = storage[name]
        if not s:
            return
        b = bufs.setdefault(s, Buffer(s, 0, t, t, members=()))
        b.start, b.end = min(b.start, t), max(b.end, t)
        b.size = max(b.size, graph.tensor(name).nbytes)
        if name not in b.members:
            b.members += (name,)
    for name in graph.inputs:
        touch(name, 0)
    for name in graph.states():  # state lives across invocations: never shared with anything
        touch(name, 0)
        touch(name, 2 * len(schedule))
    for i, (op, t) in enumerate(zip(schedule, run_times(schedule))):
        for name in op.outputs:  # a fused ADD's sum is written while its producer (op i-1) runs
            touch(name, 2 * i - 1 if "fused_into" in op.attrs else 2 * t + 1)
        for name in op.inputs:
            if name is not None and not graph.tensor(name).is_const:
                if storage.get(name, None) is None:
                    raise PlanError(f"{op.where()} reads {name!r}, which has no storage")
                touch(name, 2 * t + 1)
    for name in graph.outputs:
        touch(name, 2 * len(schedule))
    return bufs


# ---- in-place decisions --------------------------------------------------------------------

def candidates(graph: Graph, schedule: list, storage: dict, bufs: dict, rows: bool = True) -> list:
    """(op index, op, InPlace, input storage, output storage) the planner may use, best per op
    (without the row-streamed options unless ``rows``)."""
    out = []
    for i, op in enumerate(schedule):
        if op.attrs.get("alias") or "epilogue" in op.attrs or "fused_into" in op.attrs:
            continue  # a fused ADD's in-place option is _fused_links'
        chain = _chain_of(graph, op)
        if chain is not None and (op is not chain[-1] or streaming.reduction(graph, chain)):
            continue  # a chain's options are its last member's; a running reduction's output is one pixel
        y = storage[op.outputs[0]]
        if not y or len(op.outputs) != 1:
            continue
        best = None
        reads = chain[0].inputs if chain else op.inputs
        for ip in (streaming.inplace_options(graph, chain) if chain else optable.get(op.kind).inplace(op, graph)):
            if ip.rows and not rows:
                continue
            x = storage.get(reads[ip.input_index] or "", "")
            if not x or x == y or bufs[x].end != 2 * i + 1:
                continue  # the input must die here (a graph input lives in the arena too: it may)
            fp = optable.footprint(ip, bufs[x].size, bufs[y].size)
            key = (ip.delta != 0, fp)
            if best is None or key < best[0]:
                best = (key, ip, x)
        if best is not None and best[0][1] < bufs[best[2]].size + bufs[y].size:
            out.append((i, op, best[1], best[2], y))
    return out


def _chain_of(graph, op):
    """The streamed chain ``op`` belongs to (its ops in order), or None."""
    if "chain" not in op.attrs:
        return None
    return [m for m in graph.ops() if m.attrs.get("chain") == op.attrs["chain"]]


def allows(derived: list, ip) -> bool:
    """Is ``ip`` one of the op's in-place options? A forward option stays safe with the output
    placed further below the input (larger delta), a reverse one with it further above."""
    for d in derived:
        if (d.input_index, d.delay, d.reverse, d.rows, d.scratch) == \
                (ip.input_index, ip.delay, ip.reverse, ip.rows, ip.scratch):
            if ip.delta == d.delta or (ip.delta > d.delta if not d.reverse else ip.delta < d.delta):
                return True
    return False


# ---- placement ------------------------------------------------------------------------------

def _groups(bufs: dict, links: list) -> list:
    """Rigid groups: lists of (storage, relative offset) from the in-place links."""
    parent = {n: (n, 0) for n in bufs}  # name -> (root, offset relative to root)

    def find(n):
        r, off = parent[n]
        if r == n:
            return n, 0
        rr, roff = find(r)
        parent[n] = (rr, off + roff)
        return parent[n]
    for (_, _, ip, x, y) in links:
        rx, ox = find(x)
        ry, oy = find(y)
        if rx != ry:
            # y.offset = x.offset - delta  ->  ry + oy = rx + ox - delta
            parent[ry] = (rx, ox - ip.delta - oy)
    groups = {}
    for n in bufs:
        r, off = find(n)
        groups.setdefault(r, []).append((n, off))
    return list(groups.values())


def _consistent(group, bufs, allowed) -> bool:
    """Members of a group that are live together must not collide, except linked pairs."""
    for (a, oa), (b, ob) in itertools.combinations(group, 2):
        A, B = bufs[a], bufs[b]
        if A.overlaps_in_time(B) and oa < ob + B.size and ob < oa + A.size and frozenset((a, b)) not in allowed:
            return False
    return True


def _place(groups, bufs, alignment) -> int:
    placed = []  # (offset, size, start, end)
    offsets = {}
    for group in groups:
        lo = -min(off for _, off in group)
        cands = sorted({lo} | {align(max(lo, p[0] + p[1] - off), alignment) for p in placed for _, off in group})
        for base in cands:
            base = align(base, alignment)
            ok = True
            for n, off in group:
                b, o = bufs[n], base + off
                for (po, ps, pst, pen) in placed:
                    if o < po + ps and po < o + b.size and b.start <= pen and pst <= b.end:
                        ok = False
                        break
                if not ok:
                    break
            if ok:
                break
        for n, off in group:
            offsets[n] = base + off
            placed.append((base + off, bufs[n].size, bufs[n].start, bufs[n].end))
    for n, o in offsets.items():
        bufs[n].offset = o
    return max((align(b.offset + b.size, alignment) for b in bufs.values()), default=0)


def _arrange(bufs: dict, links: list, alignment: int, first=frozenset()) -> int:
    """Place every buffer (``first``: storages placed before the rest, at the bottom: the state)."""
    groups = _groups(bufs, links)
    # relative offsets must be aligned, or the link is unusable
    if any(off % alignment for g in groups for _, off in g):
        return -1
    allowed = {frozenset((x, y)) for (_, _, _, x, y) in links}
    if not all(_consistent(g, bufs, allowed) for g in groups):
        return -1

    def weight(g):  # largest first; equal sizes in schedule order (first fit then packs a chain of
        # same-size activations into two slots, where name order could need three)
        return (-max(bufs[n].size for n, _ in g), -sum(bufs[n].size for n, _ in g),
                min(bufs[n].start for n, _ in g), g[0][0])
    groups.sort(key=weight)
    head = [g for g in groups if all(n in first for n, _ in g)]
    groups = [g for g in groups if g not in head]
    if len(groups) <= EXACT_GROUPS:
        best = None
        for perm in itertools.permutations(groups):
            arena = _place(head + list(perm), bufs, alignment)
            if best is None or arena < best[0]:
                best = (arena, perm)
        return _place(head + list(best[1]), bufs, alignment)
    return _place(head + groups, bufs, alignment)


def plan(graph: Graph, schedule: list, alignment: int = 16, inplace: bool = True,
         kernel_scratch: Callable = lambda op, variants=(): 0, rows: bool = True) -> MemoryPlan:
    """Plan the arena; ``kernel_scratch(op, variants)`` is the backend's own scratch need per op (also
    called with the parameter changes of a patched chain's stripe calls). ``rows``
    allows the row-streamed in-place options (least memory; the kernels then run row by row)."""
    if alignment < 1 or alignment & (alignment - 1):
        raise PlanError(f"alignment must be a power of two, got {alignment}")
    storage = storage_map(graph)
    bufs = lifetimes(graph, schedule, storage)
    links = candidates(graph, schedule, storage, bufs, rows) if inplace else []
    links = [(i, op, dataclasses.replace(ip, delta=align(ip.delta, alignment)) if not ip.reverse else ip, x, y)
             for (i, op, ip, x, y) in links if ip.delta % alignment == 0 or not ip.reverse]
    used = {op.id: ip for (_, op, ip, _, _) in links}
    chains = streaming.members(graph)
    for i, op in enumerate(schedule):
        ring = used[op.id].scratch if op.id in used else 0
        if "epilogue" in op.attrs:
            ring = _epilogue_ring(op, graph)
        need = ring + kernel_scratch(op)
        if "chain" in op.attrs:  # one scratch for the chain, at its last member: kernels', then line buffers
            chain = chains[op.attrs["chain"]]
            if op is not chain[-1]:
                continue
            variants = streaming.stripe_calls(graph, chain)
            need = max(kernel_scratch(m, v) for m, v in zip(chain, variants)) + streaming.ring_bytes(
                graph, chain, streaming.out_rows(graph, chain, used.get(op.id)))
        if need:
            bufs[f"{op.id}:scratch"] = Buffer(f"{op.id}:scratch", align(need, alignment), 2 * i + 1, 2 * i + 1)
    links += _fused_links(graph, schedule, storage, bufs) if inplace else []
    # the state at the bottom of the arena (it is live all the time: no cost), so that a C library
    # can keep it apart and leave the rest shareable (MemoryPlan.state_bytes)
    state = frozenset(storage[n] for n in graph.states())
    arena = _arrange(bufs, links, alignment, state)
    improved = True
    while improved:  # drop links whose drift (or a chain's ring) costs more than their overlap saves
        improved = False
        for l in [l for l in links if l[2].delta != 0 or "chain" in l[1].attrs]:
            trial = [m for m in links if m is not l]
            a = _arrange(bufs, trial, alignment, state)
            if 0 <= a < arena or arena < 0:
                links, arena, improved = trial, a, True
                break
    if arena < 0:
        links = []
        arena = _arrange(bufs, links, alignment, state)
    _arrange(bufs, links, alignment, state)  # leave the offsets of the chosen arrangement in bufs
    result = MemoryPlan(bufs, storage, {op.id: ip for (_, op, ip, _, _) in links}, arena, alignment)
    check(graph, schedule, result)
    return result


def _epilogue_ring(op, graph) -> int:
    y = graph.tensor(op.outputs[0])
    return y.shape[2] * y.shape[3] * y.dtype.itemsize if len(y.shape) == 4 else y.nbytes


def _reads_storage(op, graph, storage, s) -> bool:
    """Does ``op`` (or the streamed chain it ends) read any tensor stored in ``s`` (itself or an alias
    of it)?"""
    ops = _chain_of(graph, op) or [op]
    return any(n is not None and not graph.tensor(n).is_const and storage.get(n) == s for m in ops for n in m.inputs)


def _fused_links(graph, schedule, storage, bufs) -> list:
    """A fused ADD writes its sum over ``other`` when ``other`` dies there, as ``_fused_option`` allows
    (``ADD(x, CONV(x))``: the convolution still reads rows of x after the epilogue has written the sum
    of earlier rows; a streamed chain can hold its rows back)."""
    links = []
    by_id = {op.id: (i, op) for i, op in enumerate(schedule)}
    for i, op in enumerate(schedule):
        if "fused_into" not in op.attrs:
            continue
        producer = by_id[op.attrs["fused_into"]][1]
        k = producer.attrs["epilogue"][1]
        other = storage[op.inputs[1 - k]]
        y = storage[op.outputs[0]]
        ip = _fused_option(graph, producer, storage, other, k) if other else None
        if ip is not None and bufs[other].end == 2 * i + 1:
            links.append((i, op, ip, other, y))
    return links


def _fused_option(graph, producer, storage, other, k):
    """How a fused ADD may write its sum over storage ``other``: elementwise when its producer (or the
    producer's chain) does not read it; over a chain's own input (a residual block) with the chain's
    output rows held back by its residual delay (``streaming.residual_delay``); else not at all."""
    if not _reads_storage(producer, graph, storage, other):
        return optable.InPlace(1 - k, 0)
    chain = _chain_of(graph, producer)
    d = streaming.residual_delay(graph, chain) if chain else None
    return None if d is None else optable.InPlace(1 - k, 0, d, False, 0, True)


def peak(mp: MemoryPlan, n: int) -> tuple:
    """(op index, bytes): the op of an n-op schedule at which the arena is in use highest, and how high."""
    top = [0] * n
    for b in mp.buffers.values():
        for i in range(max(b.start - 1, 0) // 2, min(b.end // 2, n - 1) + 1):
            top[i] = max(top[i], b.offset + b.size)
    i = max(range(n), key=lambda i: top[i]) if n else 0
    return i, (top[i] if n else 0)


# ---- the checker ----------------------------------------------------------------------------

def _check_chains(graph: Graph, schedule: list, mp: MemoryPlan) -> list:
    """Streamed chains: members next to each other in the schedule, each reading the one before;
    the scratch at the last member holds, besides kernel scratch, at least the line buffers: per
    member but the last, the rows of its output its consumer's window spans (and one output row for
    a fused ADD). Returns the position each op runs at (a chain's at its last member)."""
    at = list(range(len(schedule)))
    spans = {}
    for i, op in enumerate(schedule):
        if "chain" in op.attrs:
            spans.setdefault(op.attrs["chain"], []).append(i)
    for head, idx in spans.items():
        chain = [schedule[i] for i in idx]
        if idx != list(range(idx[0], idx[-1] + 1)) or chain[0].id != head:
            raise PlanError(f"memory plan: the streamed chain of {chain[0].where()} is not contiguous in the schedule")
        need = 0
        reduce = streaming.reduces(graph, chain[-1])  # a running sum: one row in, c accumulators
        rs = [optable.get(op.kind).rows(op, graph) for op in chain]
        stripes, band = chain[-1].attrs.get("patch", (1, 0))
        row = [r.in_row if r is not None else 0 for r in rs]  # each member's input row bytes (the widest stripe's)
        if stripes > 1:
            if reduce or any(r is None or not r.cols_covered for r in rs) or stripes > rs[-1].ow or band < 1:
                raise PlanError(f"memory plan: the chain ending at {chain[-1].where()} cannot run in patches")
            row = [0] * len(chain)
            for s in range(stripes):  # each member's input columns, from the last member's stripe back
                a, b = s * rs[-1].ow // stripes, (s + 1) * rs[-1].ow // stripes
                for j in reversed(range(len(chain))):
                    a, b = rs[j].cols(a, b)
                    row[j] = max(row[j], (b - a) * (rs[j].in_row // rs[j].w))
            need += min(rs[0].span, rs[0].h) * row[0]
        for j, (a, b) in enumerate(zip(chain, chain[1:]), 1):
            r = rs[j]
            if r is None or b.inputs[0] != a.outputs[0] or not r.covered or r.planar:
                raise PlanError(f"memory plan: {b.where()} cannot stream from {a.where()} in a chain")
            need += r.in_row + 4 * graph.tensor(b.outputs[0]).shape[-1] if reduce and b is chain[-1] \
                else min(r.span, r.h) * row[j]
        held = mp.inplace.get(chain[-1].id) or mp.inplace.get((chain[-1].attrs.get("epilogue") or ("",))[0])
        rows_held = band if stripes > 1 else 1  # a band's rows wait for its last stripe
        if held is not None and held.rows:  # in place: the output rows held back
            need += (held.delay + rows_held) * rs[-1].out_row
        elif "epilogue" in chain[-1].attrs:
            need += rows_held * rs[-1].out_row
        sc = mp.buffers.get(f"{chain[-1].id}:scratch")
        if need and (sc is None or sc.size < need):
            raise PlanError(f"memory plan: the streamed chain ending at {chain[-1].where()} needs {need} bytes of "
                            f"line buffers, its scratch has {0 if sc is None else sc.size}")
        for i in idx:
            at[i] = idx[-1]
    return at


def check(graph: Graph, schedule: list, mp: MemoryPlan):
    """Independent check of a plan. From the schedule and the IR alone: which tensors are
    live at each op (written by it or earlier, read by it or later, graph outputs to the
    end); every stored tensor fits its buffer; buffers are aligned and inside the arena; no
    two buffers live at the same op share a byte, except an input and output of an op that
    the op table allows to run in place, placed exactly as it allows."""
    n = len(schedule)
    first, last = {}, {}
    for name in graph.inputs:
        first[name] = last[name] = 0
    pos = {op.id: i for i, op in enumerate(schedule)}
    written = set(graph.inputs) | set(graph.states())
    for i, op in enumerate(schedule):
        for name in op.inputs:
            if name is not None and not graph.tensor(name).is_const and name not in written:
                raise PlanError(f"schedule: {op.where()} reads {name!r} before any op writes it")
        written.update(op.outputs)
    at = _check_chains(graph, schedule, mp)
    for i, op in enumerate(schedule):
        t = at[i]
        for name in op.outputs:  # a fused ADD's sum is written while its producer runs
            first.setdefault(name, i - 1 if "fused_into" in op.attrs else t)
            last[name] = max(last.get(name, t), t)
        for name in op.inputs:
            if name is not None and not graph.tensor(name).is_const:
                last[name] = t
        if "fused_into" in op.attrs and pos.get(op.attrs["fused_into"]) != i - 1:
            raise PlanError(f"{op.where()} is fused into an op that does not run just before it")
    for name in graph.outputs:
        last[name] = n
    for name in graph.states():  # kept from one invocation to the next
        first[name], last[name] = 0, n
    live_at = {}
    for name in first:
        s = mp.storage.get(name)
        if s is None:
            raise PlanError(f"memory plan: tensor {name!r} has no storage")
        if s == "":
            producer = graph.producer(name)
            readers = graph.consumers(name)
            fused = producer is not None and len(readers) == 1 and name not in graph.outputs and (
                ("epilogue" in producer.attrs and readers[0].id == producer.attrs["epilogue"][0])
                or ("chain" in producer.attrs and readers[0].attrs.get("chain") == producer.attrs["chain"]
                    and readers[0].inputs[0] == name))
            if not fused:
                raise PlanError(f"memory plan: {name!r} is not stored but is not a fused intermediate")
            continue
        b = mp.buffers.get(s)
        size = graph.tensor(name).nbytes
        if b is None or b.size < size:
            raise PlanError(f"memory plan: {name!r} ({size} bytes) does not fit its buffer {s!r}")
        if b.offset < 0 or b.offset % mp.alignment or b.offset + b.size > mp.arena_bytes:
            raise PlanError(f"memory plan: {s!r} at offset {b.offset} (+{b.size}) is misaligned or outside "
                            f"the {mp.arena_bytes}-byte arena")
        for i in range(first[name], last[name] + 1):
            live_at.setdefault(i, set()).add(s)
    for i, op in enumerate(schedule):
        sc = mp.buffers.get(f"{op.id}:scratch")
        if sc is not None:
            if sc.offset < 0 or sc.offset + sc.size > mp.arena_bytes:
                raise PlanError(f"memory plan: scratch of {op.where()} is outside the arena")
            live_at.setdefault(i, set()).add(sc.name)
    allowed = {}
    for op_id, ip in mp.inplace.items():
        i = pos[op_id]
        op = schedule[i]
        chain = _chain_of(graph, op)
        x, y = (chain[0] if chain else op).inputs[ip.input_index], op.outputs[0]
        if "fused_into" in op.attrs:
            fo = _fused_option(graph, schedule[i - 1], mp.storage, mp.storage[x], 1 - ip.input_index)
            if fo is None:
                raise PlanError(f"memory plan: {op.where()} writes its sum over {x!r}, which the op it is fused "
                                f"into still reads")
            derived = [fo]
        else:
            derived = streaming.inplace_options(graph, chain) if chain else optable.get(op.kind).inplace(op, graph)
        if not allows(derived, ip):
            raise PlanError(f"memory plan: {op.where()} runs in place in a way its op does not allow")
        if last[x] != i or x in graph.outputs:
            raise PlanError(f"memory plan: {op.where()} overwrites {x!r}, which is still needed")
        if mp.offset(y) != mp.offset(x) - ip.delta:
            raise PlanError(f"memory plan: {op.where()} in place needs its output at input offset - {ip.delta}")
        pair = frozenset((mp.storage[x], mp.storage[y]))
        allowed[i] = pair
        if "fused_into" in op.attrs:
            allowed[i - 1] = pair
    for i in range(n + 1):
        live = sorted((mp.buffers[s].offset, s) for s in live_at.get(i, ()) if mp.buffers[s].size)
        for j, (off_a, a) in enumerate(live):
            end_a = off_a + mp.buffers[a].size
            for off_b, b in live[j + 1:]:
                if off_b >= end_a:
                    break
                if allowed.get(i) == frozenset((a, b)):
                    continue
                raise PlanError(f"memory plan: {a!r} [{off_a}, {end_a}) and {b!r} [{off_b}, "
                                f"{off_b + mp.buffers[b].size}) overlap in the arena while both are live "
                                f"at op {i}")
    state = {mp.storage[n] for n in graph.states()}  # the state alone at the bottom (a C library may keep
    #                                                  it apart: backend_c, state_apart)
    top = mp.state_bytes(graph)
    below = [s for s, b in mp.buffers.items() if s not in state and b.size and b.offset < top]
    if below:
        raise PlanError(f"memory plan: {below[0]!r} lies in the arena's state part (below {top} bytes, where "
                        f"only variable tensors may be)")
