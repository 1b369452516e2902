"""Static memory planning: lifetimes over the schedule, arena offsets, and an independent checker.

Time is doubled (as in Vela): op i occupies times 2*i and 2*i+1. Its outputs are
live from 2*i+1; its inputs stay live through 2*i+1, so an op never writes over
what it still reads. (An op declared in-place will end an input at 2*i instead.)
Every activation buffer lives in one arena at an offset fixed at compile time.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import PlanError
from .ir import Graph


@dataclass
class Buffer:
    name: str
    size: int
    start: int  # first time the buffer holds live data (doubled time axis)
    end: int    # last time it is read
    offset: int = -1

    def overlaps_in_time(self, other: "Buffer") -> bool:
        return self.start <= other.end and other.start <= self.end

    def overlaps_in_space(self, other: "Buffer") -> bool:
        return self.offset < other.offset + other.size and other.offset < self.offset + self.size


@dataclass
class MemoryPlan:
    buffers: dict = field(default_factory=dict)  # name -> Buffer
    arena_bytes: int = 0
    alignment: int = 16

    def offset(self, name: str) -> int:
        return self.buffers[name].offset


def align(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def lifetimes(graph: Graph, schedule: list) -> dict:
    """Live range of every non-constant tensor over the schedule (doubled time)."""
    last = 2 * len(schedule)
    bufs = {}
    for name in graph.inputs:
        t = graph.tensor(name)
        bufs[name] = Buffer(name, t.nbytes, 0, 0)
    for i, op in enumerate(schedule):
        for name in op.outputs:
            bufs[name] = Buffer(name, graph.tensor(name).nbytes, 2 * i + 1, 2 * i + 1)
        for name in op.inputs:
            if name is not None and name in bufs:
                bufs[name].end = max(bufs[name].end, 2 * i + 1)
            elif name is not None and not graph.tensor(name).is_const:
                raise PlanError(f"{op.where()} reads {name!r} before it is written")
    for name in graph.outputs:
        bufs[name].end = last
    return bufs


def place_greedy_by_size(bufs: list, alignment: int) -> int:
    """Largest first; each buffer goes in the lowest aligned gap free for its whole lifetime."""
    placed = []
    for b in sorted(bufs, key=lambda b: (-b.size, b.start, b.name)):
        busy = sorted((p.offset, p.offset + p.size) for p in placed if p.overlaps_in_time(b))
        offset = 0
        for lo, hi in busy:
            if offset + b.size <= lo:
                break
            offset = max(offset, align(hi, alignment))
        b.offset = offset
        placed.append(b)
    return max((align(b.offset + b.size, alignment) for b in placed), default=0)


def plan(graph: Graph, schedule: list, alignment: int = 16) -> MemoryPlan:
    if alignment < 1 or alignment & (alignment - 1):
        raise PlanError(f"alignment must be a power of two, got {alignment}")
    bufs = lifetimes(graph, schedule)
    arena = place_greedy_by_size(list(bufs.values()), alignment)
    result = MemoryPlan(bufs, arena, alignment)
    check(graph, schedule, result)
    return result


def check(graph: Graph, schedule: list, mp: MemoryPlan):
    """Independent check of a plan: from the schedule alone, find the tensors live at each
    op (written by it or earlier, read by it or later, graph outputs to the end) and verify
    that no two of them share an arena byte, and that every buffer is aligned and fits."""
    first, last = {n: 0 for n in graph.inputs}, {n: 0 for n in graph.inputs}
    for i, op in enumerate(schedule):
        for n in op.outputs:
            first[n] = last[n] = i
        for n in op.inputs:
            if n is not None and not graph.tensor(n).is_const:
                last[n] = i
    for n in graph.outputs:
        last[n] = len(schedule)
    if set(first) != set(mp.buffers):
        raise PlanError(f"memory plan covers the wrong tensors (missing {sorted(set(first) - set(mp.buffers))}, "
                        f"extra {sorted(set(mp.buffers) - set(first))})")
    for n in first:
        b, size = mp.buffers[n], graph.tensor(n).nbytes
        if b.size != size:
            raise PlanError(f"memory plan: {n!r} has {b.size} bytes, the tensor needs {size}")
        if b.offset < 0 or b.offset % mp.alignment or b.offset + size > mp.arena_bytes:
            raise PlanError(f"memory plan: {n!r} at offset {b.offset} (+{size}) is misaligned or outside "
                            f"the {mp.arena_bytes}-byte arena")
    for i in range(len(schedule) + 1):
        live = sorted((mp.buffers[n].offset, n) for n in first if first[n] <= i <= last[n] and mp.buffers[n].size)
        for (off_a, a), (off_b, b) in zip(live, live[1:]):
            end_a = off_a + mp.buffers[a].size
            if off_b < end_a:
                raise PlanError(f"memory plan: {a!r} [{off_a}, {end_a}) and {b!r} [{off_b}, "
                                f"{off_b + mp.buffers[b].size}) overlap in the arena while both are live "
                                f"at op {i}")
