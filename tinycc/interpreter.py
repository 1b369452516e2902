"""The reference interpreter: runs the IR op by op with each op's NumPy semantics.

This is the executable specification. It is slow and simple on purpose; the
Cython executor and the emitted C are checked against it, and it against TFLite
Micro.
"""
import numpy as np

from . import ops as optable
from .ir import Graph


def initial_state(graph: Graph) -> dict:
    """The values of the graph's variable tensors before the first run (and after a reset)."""
    return {name: graph.tensor(name).initial_value() for name in graph.states()}


def run(graph: Graph, inputs: list, state: dict = None, capture: dict = None) -> list:
    """Run the graph on a list of input arrays (graph input order); return the outputs.
    ``state`` holds the variable tensors (``initial_state``); ops that keep state update it.
    ``capture``, when given, receives every computed tensor by name."""
    values = dict(initial_state(graph) if state is None else state)
    for name, x in zip(graph.inputs, inputs):
        t = graph.tensor(name)
        values[name] = np.asarray(x, dtype=t.dtype).reshape(t.shape)
    for t in graph.tensors():
        if t.is_const:
            values[t.name] = t.data
    for op in graph.ops():
        ins = [values[n] if n is not None else None for n in op.inputs]
        opdef = optable.get(op.kind)
        outs = opdef.reference(op, graph, ins)
        for k, y in zip(opdef.state, outs[len(op.outputs):]):
            if state is not None and k < len(op.inputs) and op.inputs[k] is not None:
                state[op.inputs[k]] = y
        for name, y in zip(op.outputs, outs):
            t = graph.tensor(name)
            assert y.dtype == t.dtype and y.shape == tuple(t.shape), (op.where(), y.dtype, y.shape, t.shape)
            values[name] = y
            if capture is not None:
                capture[name] = y
    return [values[n] for n in graph.outputs]
