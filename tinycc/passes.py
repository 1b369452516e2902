"""Graph passes. Each pass is a function (graph) -> bool "modified"; PASSES lists them in order.

The pass manager runs the list to a fixpoint and verifies the IR after every pass
that changed something, naming the pass that broke it.
"""
from __future__ import annotations

from .ir import Graph, verify


def eliminate_dead_ops(graph: Graph) -> bool:
    """Remove ops none of whose outputs is read or is a graph output."""
    modified = False
    changed = True
    while changed:
        changed = False
        for op in graph.ops():
            if not any(graph.consumers(o) or o in graph.outputs for o in op.outputs):
                graph.remove_op(op)
                changed = modified = True
        graph.remove_dead_tensors()
    return modified


PASSES = [eliminate_dead_ops]


def run_passes(graph: Graph, passes=None, max_rounds: int = 10) -> list[str]:
    """Run passes until none modifies the graph; return the names of passes that did."""
    passes = PASSES if passes is None else passes
    applied = []
    for _ in range(max_rounds):
        round_modified = False
        for p in passes:
            if p(graph):
                verify(graph, after=p.__name__)
                applied.append(p.__name__)
                round_modified = True
        if not round_modified:
            break
    return applied
