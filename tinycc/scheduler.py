"""Memory-aware scheduling: the op order that minimises peak live activation bytes.

Fused ops (an ADD fused into its producer) are scheduled as one unit. For a chain there
is one order; for graphs with branches (residual blocks, concatenations) a best-first
search over the sets of executed units finds the order with the least peak (states
are bounded; past the bound, the units in source order as far as their dependencies allow: a
fused unit runs where its last operand is ready).
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

    start = frozenset()
    best = {start: 0}
    heap = [(0, 0, start, ())]
    states = 0
    while heap:
        peak, _, done, order = heapq.heappop(heap)
        if len(done) == n:
            return list(order)
        states += 1
        if states > MAX_STATES:
            break
        live = live_after(done)
        base = sum(size[t] for t in live)
        for i in range(n):
            if i in done or not deps[i] <= done:
                continue
            step = base + sum(size[t] for t in writes[i] if t in size)
            nxt = done | {i}
            p = max(peak, step)
            if p < best.get(nxt, float("inf")):
                best[nxt] = p
                heapq.heappush(heap, (p, -len(nxt), nxt, order + (i,)))
    return _topological(deps)


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
