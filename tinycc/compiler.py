"""The compile driver: the pipeline, one stage per line.

    frontend -> verify -> support check -> passes (verified after each) -> schedule
             -> memory plan (independently checked; the streamed blocks that pay kept) -> backend
"""
from __future__ import annotations

from . import ops as optable
from . import passes as graph_passes
from . import backend_c, backend_host, planner, scheduler, streaming, tflite_reader
from . import isa as isa_levels
from .errors import IRError, ModelFormatError, UnsupportedError
from .ir import Graph, verify

TARGETS = ("host", "c", "cortex-m4", "cortex-m7", "cortex-m33", "cortex-m55", "rv64gcv")


def frontend(model) -> Graph:
    """Read a .tflite model (path, bytes or an already-built Graph) and check it is well formed."""
    graph = model if isinstance(model, Graph) else tflite_reader.load(model)
    for op in graph.ops():
        optable.get_or_unsupported(op.kind, op.index).check_support(op, graph)
    try:
        verify(graph, after="frontend")
    except IRError as e:
        raise ModelFormatError(f"{graph.name}: inconsistent model: {e}") from None
    return graph


def schedule(graph: Graph) -> list:
    return scheduler.schedule(graph)


PLANS = ("auto", "small", "fast")
INPUT_LAYOUTS = ("model", "nhwc")


def compile(model, target: str = "host", alignment: int = 16, passes=None, vlen: int = 128,
            portable_kernels: bool = False, plan: str = "auto", isa: str = None, input_layout: str = "model",
            ram_budget: int = None):
    """Compile a TFLite model for a target: a CompiledModel (host) ready to call, or a
    CTargetModel (C targets) that writes the C library and runs it on the target (with
    ``portable_kernels``, the portable C kernels only, e.g. as the baseline of a vector target).

    ``plan``: "small" is the least-memory arena (convolutions and pooling may stream their rows
    over their own input, one kernel call per row), "fast" leaves row streaming out (whole-tensor
    kernel calls; a larger arena); "auto" is "fast" on the host and "small" on the C targets.

    ``isa`` (host): the x86-64 kernel variants to run, "portable", "avx2", "avxvnni" or
    "avx512vnni" (default: $TINYCC_ISA, else the best this CPU supports; tinycc.isa).

    ``input_layout``: "model" takes the inputs as the model declares them; "nhwc" takes an image
    input that the model transposes from NCHW first (PyTorch conversions) in NHWC instead, without
    the transpose (passes.nhwc_inputs; the report and the C header say so).

    ``ram_budget`` (bytes; the memory plans): among the plans tinycc can make, the fastest whose
    arena fits (the fewest blocks streamed); none fitting is a PlanError naming the smallest arena it
    reaches and the op at its peak. Without one, "small" is the smallest arena."""
    from .ctarget import CTargetModel
    from .runtime import CompiledModel
    if target not in TARGETS:
        raise UnsupportedError(f"unknown target {target!r}; targets: {', '.join(TARGETS)}")
    if plan not in PLANS:
        raise UnsupportedError(f"unknown plan {plan!r}; plans: {', '.join(PLANS)}")
    if alignment < 4:
        raise UnsupportedError(f"alignment {alignment}: the host kernels need arena offsets aligned to at "
                               f"least 4 bytes")
    rows = plan == "small" or (plan == "auto" and target != "host")
    if ram_budget is not None and (not rows or isinstance(ram_budget, bool) or not isinstance(ram_budget, int)
                                   or ram_budget < 0):
        raise UnsupportedError(f"ram_budget must be a number of bytes >= 0 with a memory plan (plan 'small', or "
                               f"'auto' on a C target), got {ram_budget!r} with plan {plan!r} on {target}")
    if input_layout not in INPUT_LAYOUTS:
        raise UnsupportedError(f"unknown input layout {input_layout!r}; one of {', '.join(INPUT_LAYOUTS)}")
    graph = frontend(model)
    if input_layout == "nhwc":
        if not graph_passes.nhwc_inputs(graph):
            raise UnsupportedError(f"{graph.name}: input_layout='nhwc' applies to an image input the model "
                                   f"transposes from NCHW to NHWC first (TRANSPOSE, perm 0,2,3,1); this model's "
                                   f"inputs {graph.inputs} are taken as they are")
        verify(graph, after="nhwc_inputs")
    source = graph.copy()
    if not rows:  # a fused residual ADD saves memory, not time: it runs its producer row by row
        passes = [p for p in (graph_passes.PASSES if passes is None else passes)
                  if p is not graph_passes.fuse_add_into_producer]
    applied = graph_passes.run_passes(graph, passes)
    if rows and graph_passes.stream_blocks(graph):  # so do streamed blocks: the memory plans' choice
        verify(graph, after="stream_blocks")
        applied.append("stream_blocks")
    level = isa_levels.resolve(isa) if target == "host" else None

    def plan_for(g):
        if target == "host":
            scratch = lambda op, v=(): backend_host.kernel_scratch(op, g, level=level, variants=v)  # noqa: E731
        else:
            scratch = lambda op, v=(): backend_c.kernel_scratch(op, g, target, portable_kernels, v)  # noqa: E731
        order = schedule(g)
        return order, planner.plan(g, order, alignment, kernel_scratch=scratch, rows=rows)
    if rows:  # the streamed blocks worth it (or the fewest that fit the budget)
        graph, order, memory = streaming.choose(graph, plan_for, ram_budget)
    else:
        order, memory = plan_for(graph)
    if target == "host":
        return CompiledModel(graph, order, memory, target, source=source, passes_applied=applied, isa=level)
    return CTargetModel(graph, order, memory, target, source=source, passes_applied=applied, vlen=vlen,
                        portable_kernels=portable_kernels)
