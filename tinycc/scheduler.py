"""Memory-aware scheduling: the op order that minimises peak live activation bytes.

Fused ops (an ADD fused into its producer) are scheduled as one unit. For a chain there
is one order; for graphs with branches (residual blocks, concatenations) a best-first
search over the sets of executed units finds the order with the least peak, segment by segment
between the cuts (units every other unit runs before or after: what is live there does not depend
on the order before). States are bounded; past the bound, a segment's units in source order as far
as their dependencies allow (a fused unit runs where its last operand is ready).
"""
from __future__ import annotations

import heapq

from . import streaming
from .ir import Graph

MAX_STATES = 50_000


def units(graph: Graph) -> list:
    """Schedulable units in source order: lists of ops, a fused ADD joined to its producer, a streamed
    chain (tinycc/streaming.py) joined into one."""
    ops = graph.ops()
    by_id = {op.id: op for op in ops}
    chains = streaming.members(graph)
    out = []
    for op in ops:
        if "fused_into" in op.attrs or op.attrs.get("chain", op.id) != op.id:
            continue
        unit = list(chains.get(op.id, [op]))
        if "epilogue" in unit[-1].attrs:
            unit.append(by_id[unit[-1].attrs["epilogue"][0]])
        out.append(unit)
    return out


def _sizes(graph: Graph) -> dict:
    """Arena bytes per activation tensor as the scheduler models them (aliases are free)."""
    size = {}
    for t in graph.tensors():
        if not t.is_const:
            size[t.name] = t.nbytes
    for op in graph.ops():
        if op.attrs.get("alias"):
            size[op.outputs[0]] = 0
        if "epilogue" in op.attrs:
            size[op.outputs[0]] = 0  # streamed straight into the fused ADD
    for chain in streaming.members(graph).values():
        for op in chain[:-1]:
            size[op.outputs[0]] = 0  # in a line buffer of a few rows
    return size


def schedule(graph: Graph) -> list:
    us = units(graph)
    order = _search(graph, us)
    return [op for i in order for op in us[i]]


def _search(graph: Graph, us: list) -> list:
    size = _sizes(graph)
    n = len(us)
    produced_by = {}
    for i, u in enumerate(us):
        for op in u:
            for o in op.outputs:
                produced_by[o] = i
    reads = [{t for op in u for t in op.inputs if t is not None and t in size} for u in us]
    writes = [{o for op in u for o in op.outputs} for u in us]
    deps = [{produced_by[t] for t in reads[i] if t in produced_by and produced_by[t] != i} for i in range(n)]
    readers = {}
    for i in range(n):
        for t in reads[i] - writes[i]:
            readers.setdefault(t, set()).add(i)
    outputs = set(graph.outputs)
    variables = set(graph.states())  # state: live throughout
    if all(len(d) <= 1 for d in deps) and all(len(r) <= 1 for r in readers.values()):
        return _topological(deps)  # a chain: nothing to choose

    def live_after(done: frozenset) -> set:
        live = {t for t in graph.inputs if (readers.get(t, set()) - done) or t in outputs} | variables
        for i in done:
            for t in writes[i]:
                if (readers.get(t, set()) - done) or t in outputs:
                    live.add(t)
        return live

    def live_bytes(done: frozenset) -> int:
        return sum(size[t] for t in live_after(done))

    new_bytes = [sum(size[t] for t in writes[i] if t in size) for i in range(n)]  # what unit i writes

    def best_first(done0: frozenset, segment: set) -> list:
        """The order of ``segment``'s units (run after ``done0``) with the least peak, or None past
        the state bound."""
        goal = len(done0) + len(segment)
        best = {done0: 0}
        heap = [(0, 0, (), done0)]  # ties: the order nearest the source order first
        states = 0
        while heap:
            peak, _, order, done = heapq.heappop(heap)
            if len(done) == goal:
                return list(order)
            states += 1
            if states > MAX_STATES:
                return None
            base = live_bytes(done)
            for i in sorted(segment):
                if i in done or not deps[i] <= done:
                    continue
                step = base + new_bytes[i]
                nxt = done | {i}
                p = max(peak, step)
                if p < best.get(nxt, float("inf")):
                    best[nxt] = p
                    heapq.heappush(heap, (p, -len(nxt), order + (i,), nxt))
        return None

    topo = _topological(deps)
    anc = [0] * n
    for i in topo:
        for d in deps[i]:
            anc[i] |= anc[d] | (1 << d)
    desc = [0] * n
    for i in reversed(topo):
        for d in deps[i]:
            desc[d] |= desc[i] | (1 << i)

    def component_order(comp: set, done0: frozenset) -> list:
        """A connected part's order, segment by segment between its cuts: units every other unit of
        the part runs before or after (ResNet's block boundaries). What is live at a cut does not
        depend on the order before it, so the best order is each segment's best order in turn."""
        mask = sum(1 << i for i in comp)
        cuts = [i for i in topo if i in comp and (anc[i] | desc[i] | (1 << i)) & mask == mask]
        order, done = [], done0
        for c in cuts + [None]:
            segment = {i for i in comp if i not in done and i != c and (c is None or desc[i] >> c & 1)}
            if segment:
                part = best_first(done, segment)
                order += part if part is not None else [i for i in topo if i in segment]
                done = done | segment
            if c is not None:
                order.append(c)
                done = done | {c}
        return order

    # Independent parts (models with several inputs and outputs): each ordered on its own, then the
    # parts one after another: those that free memory first (by their own peak, least first), then
    # those that keep more than they free (by peak minus what they keep, largest first) -- the order
    # that minimises the largest of (what earlier parts kept + this part's peak).
    neighbours = [set(d) for d in deps]
    for i in range(n):
        for d in deps[i]:
            neighbours[d].add(i)
    parts, seen = [], set()
    for i in topo:
        if i in seen:
            continue
        comp, todo = set(), [i]
        while todo:
            j = todo.pop()
            if j not in comp:
                comp.add(j)
                todo += neighbours[j] - comp
        seen |= comp
        parts.append(comp)
    if len(parts) == 1:
        return component_order(parts[0], frozenset())

    def peak_of(order, done=frozenset()):
        """(the order's peak live bytes, what it leaves live)"""
        peak = 0
        for i in order:
            peak = max(peak, live_bytes(done) + new_bytes[i])
            done = done | {i}
        return peak, live_bytes(done)

    base = live_bytes(frozenset())
    orders = [component_order(comp, frozenset()) for comp in parts]
    ranked = []
    for order in orders:
        peak, left = peak_of(order)
        kept = left - base
        ranked.append(((0, peak - base) if kept <= 0 else (1, kept - (peak - base)), order))
    source = [i for order in orders for i in order]  # the parts in source order
    best = [i for _, order in sorted(ranked, key=lambda r: r[0]) for i in order]
    return best if peak_of(best)[0] < peak_of(source)[0] else source


def _topological(deps: list) -> list:
    """The units in source order, each delayed until the units it depends on have run."""
    waiting = [set(d) for d in deps]
    users = {}
    for i, d in enumerate(deps):
        for j in d:
            users.setdefault(j, []).append(i)
    ready = [i for i, d in enumerate(waiting) if not d]
    heapq.heapify(ready)
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for u in users.get(i, ()):
            waiting[u].discard(i)
            if not waiting[u]:
                heapq.heappush(ready, u)
    return order
