"""The graph IR: typed tensors and operators held in a networkx DiGraph.

Nodes are tensor names (kind "tensor") and operator ids (kind "op"); edges run
tensor -> op (the op reads it) and op -> tensor (the op writes it). The order of
an op's operands lives in ``Op.inputs``/``Op.outputs``; the edges carry the
topology that passes and the planner walk.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import networkx as nx
import numpy as np

from .errors import IRError

#: dtypes an IR tensor may have
DTYPES = (np.dtype(np.int8), np.dtype(np.int16), np.dtype(np.int32), np.dtype(np.int64),
          np.dtype(np.float32), np.dtype(np.uint8), np.dtype(np.bool_), np.dtype(np.uint32), np.dtype(np.uint64))
#: dtypes only the ops that list them in their OpDef.dtypes accept (the rest refuse them)
NARROW_DTYPES = (np.dtype(np.uint32), np.dtype(np.uint64))


@dataclass
class Quant:
    """Affine quantization: real = scale * (q - zero_point), per tensor or per channel."""
    scale: np.ndarray  # float32, length 1 or channels
    zero_point: np.ndarray  # int64, same length
    axis: int = 0

    @property
    def per_channel(self) -> bool:
        return self.scale.size > 1

    def __eq__(self, other):
        return (isinstance(other, Quant) and self.axis == other.axis
                and np.array_equal(self.scale, other.scale)
                and np.array_equal(self.zero_point, other.zero_point))


@dataclass(eq=False)
class Tensor:
    name: str
    shape: tuple
    dtype: np.dtype
    quant: Optional[Quant] = None
    data: Optional[np.ndarray] = None  # set for constants (weights, biases)
    index: int = -1  # index in the source model, for messages
    variable: bool = False  # state kept across invocations (e.g. an LSTM's hidden and cell state)

    @property
    def is_const(self) -> bool:
        return self.data is not None

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def scale(self) -> float:
        return float(self.quant.scale[0])

    @property
    def initial_fill(self) -> int:
        """Every element of a variable before the first invocation and after a reset (as TFLite
        Micro: the zero point for int8, zero otherwise)."""
        return self.zero_point if self.dtype == np.int8 and self.quant is not None else 0

    def initial_value(self) -> np.ndarray:
        return np.full(self.shape, self.initial_fill, self.dtype)

    @property
    def zero_point(self) -> int:
        return int(self.quant.zero_point[0])


@dataclass(eq=False)
class Op:
    id: str
    kind: str  # TFLite builtin name, e.g. "CONV_2D"
    inputs: list  # tensor names, None for an absent optional operand
    outputs: list
    options: Any = None  # the op's options dataclass (see tinycc.ops)
    index: int = -1  # operator index in the source model, for messages
    attrs: dict = field(default_factory=dict)  # facts added by passes (e.g. packed layouts)

    def where(self) -> str:
        return f"operator #{self.index} ({self.kind})" if self.index >= 0 else f"{self.id} ({self.kind})"


class Graph:
    """A model: tensors, ops, and the graph inputs and outputs."""

    def __init__(self, name: str = "model"):
        self.name = name
        self.g = nx.DiGraph()
        self.inputs: list[str] = []
        self.outputs: list[str] = []
        self._next_op = 0

    # -- construction -----------------------------------------------------------------
    def add_tensor(self, t: Tensor) -> Tensor:
        if t.name in self.g:
            raise IRError(f"duplicate tensor name {t.name!r}")
        self.g.add_node(t.name, kind="tensor", obj=t)
        return t

    def add_op(self, kind: str, inputs, outputs, options=None, index=-1, op_id=None) -> Op:
        op_id = op_id or f"op{self._next_op}_{kind.lower()}"
        self._next_op += 1
        op = Op(op_id, kind, list(inputs), list(outputs), options, index)
        self.g.add_node(op_id, kind="op", obj=op)
        self._connect(op)
        return op

    def _connect(self, op: Op):
        for name in op.inputs:
            if name is not None:
                self.g.add_edge(name, op.id)
        for name in op.outputs:
            self.g.add_edge(op.id, name)

    def remove_op(self, op: Op):
        self.g.remove_node(op.id)

    def rewire(self, op: Op, inputs=None, outputs=None):
        """Replace an op's operand lists, keeping the edges in step."""
        self.g.remove_edges_from(list(self.g.in_edges(op.id)) + list(self.g.out_edges(op.id)))
        if inputs is not None:
            op.inputs = list(inputs)
        if outputs is not None:
            op.outputs = list(outputs)
        self._connect(op)

    def remove_dead_tensors(self):
        for name in [n for n, d in self.g.nodes(data=True)
                     if d["kind"] == "tensor" and self.g.degree(n) == 0
                     and n not in self.inputs and n not in self.outputs]:
            self.g.remove_node(name)

    # -- queries ----------------------------------------------------------------------
    def tensor(self, name: str) -> Tensor:
        return self.g.nodes[name]["obj"]

    def tensors(self):
        return [d["obj"] for _, d in self.g.nodes(data=True) if d["kind"] == "tensor"]

    def ops(self) -> list[Op]:
        """Ops in execution order: topological, ties broken by source-model index."""
        def key(n):
            obj = self.g.nodes[n]["obj"]
            return (obj.index if isinstance(obj, Op) else -1, n)
        order = nx.lexicographical_topological_sort(self.g, key=key)
        return [self.g.nodes[n]["obj"] for n in order if self.g.nodes[n]["kind"] == "op"]

    def states(self) -> list[str]:
        """Names of the variable (state) tensors, in tensor order."""
        return [t.name for t in self.tensors() if t.variable]

    def producer(self, name: str) -> Optional[Op]:
        preds = list(self.g.predecessors(name))
        return self.g.nodes[preds[0]]["obj"] if preds else None

    def consumers(self, name: str) -> list[Op]:
        return [self.g.nodes[n]["obj"] for n in self.g.successors(name)]

    def copy(self) -> "Graph":
        import copy
        return copy.deepcopy(self)

    def __repr__(self):
        return f"Graph({self.name!r}, {len(self.ops())} ops, {len(self.tensors())} tensors)"


def verify(graph: Graph, after: str = "frontend"):
    """Check the IR's invariants; raise IRError naming the pass that broke them."""
    from . import ops as optable  # the op table carries each op's shape rule

    def fail(msg):
        raise IRError(f"IR invalid after {after}: {msg}")

    g = graph.g
    if not nx.is_directed_acyclic_graph(g):
        fail("the graph has a cycle")
    for n, d in g.nodes(data=True):
        obj = d["obj"]
        if d["kind"] == "tensor":
            t: Tensor = obj
            if t.name != n:
                fail(f"tensor node {n!r} holds tensor {t.name!r}")
            if np.dtype(t.dtype) not in DTYPES:
                fail(f"tensor {n!r} has dtype {t.dtype}")
            if any((not isinstance(s, (int, np.integer))) or s < 0 for s in t.shape):
                fail(f"tensor {n!r} has shape {t.shape}")
            preds = list(g.predecessors(n))
            if len(preds) > 1:
                fail(f"tensor {n!r} has {len(preds)} producers")
            if t.is_const:
                if preds:
                    fail(f"constant {n!r} is written by {preds[0]}")
                if t.data.dtype != t.dtype or t.data.shape != tuple(t.shape):
                    fail(f"constant {n!r} data is {t.data.dtype}{t.data.shape}, tensor says {t.dtype}{t.shape}")
            elif t.variable:
                readers = [g.nodes[r]["obj"] for r in g.successors(n)]
                if preds or n in graph.inputs or n in graph.outputs:
                    fail(f"variable tensor {n!r} is written by an op or is a graph input/output")
                if len(readers) != 1 or not any(readers[0].inputs[k] == n
                                                for k in optable.get(readers[0].kind).state
                                                if k < len(readers[0].inputs)):
                    fail(f"variable tensor {n!r} must be the state operand of exactly one op that keeps "
                         f"state (read by {[r.where() for r in readers]})")
            elif not preds and n not in graph.inputs:
                fail(f"tensor {n!r} is neither constant, graph input, nor produced by an op")
            if t.dtype in (np.int8, np.int16) and not t.is_const and t.quant is None and not all(
                    optable.get(g.nodes[o]["obj"].kind).raw or optable.get(g.nodes[o]["obj"].kind).fusion == optable.INJECTIVE
                    for o in preds + list(g.successors(n))):
                fail(f"integer activation {n!r} has no quantization (only ops on raw integers, CAST, the signal "
                     f"ops and data movement read or write unquantized int8 and int16 tensors)")
            if t.quant is not None:
                q = t.quant
                if q.scale.shape != q.zero_point.shape or q.scale.size < 1:
                    fail(f"tensor {n!r}: scale and zero point lengths differ")
                if q.per_channel and (q.axis >= len(t.shape) or t.shape[q.axis] != q.scale.size):
                    fail(f"tensor {n!r}: {q.scale.size} channel scales for shape {t.shape} axis {q.axis}")
        else:
            op: Op = obj
            ins = [x for x in op.inputs if x is not None]
            if set(g.predecessors(n)) != set(ins) or set(g.successors(n)) != set(op.outputs):
                fail(f"{op.where()}: edges disagree with its operand lists")
            optable.get(op.kind).check_shapes(op, graph)
    for name in graph.inputs + graph.outputs:
        if name not in g:
            fail(f"graph input/output {name!r} is not a tensor")
