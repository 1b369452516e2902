"""Float error bounds (tinycc.tolerance, the op table's error rules): every op has a rule, bounds
are sound (they hold between tinycc and TFLite Micro in the op tests and here against float64
arithmetic) and tight enough to catch a wrong kernel, and the layer-by-layer check anchors each
layer to the two implementations' actual inputs."""
import numpy as np
import pytest

import tinycc
from tinycc import ops as optable
from tinycc import tolerance
from tinycc.ops.bounds import gamma
from tinycc.testing import ModelBuilder

from shared_models import model_path


def test_every_op_has_an_error_rule():
    assert not [n for n, d in optable.table().items() if d.error is None]


def _fc_model(depth, units, seed=0):
    rng = np.random.default_rng(seed)
    mb = ModelBuilder()
    x = mb.input("x", (1, depth), "float32")
    y = mb.tensor("y", (1, units), "float32")
    w = mb.const("w", rng.standard_normal((units, depth)).astype(np.float32))
    b = mb.const("b", rng.standard_normal(units).astype(np.float32))
    mb.op("FULLY_CONNECTED", [x, w, b], [y])
    mb.output(y)
    return mb.build(), rng.standard_normal((1, depth)).astype(np.float32)


@pytest.mark.parametrize("depth", [1, 17, 640, 4096])
def test_dot_product_bound_holds_against_float64_and_is_gamma_n(depth):
    """The bound of a float32 dot product is gamma_(n+2) times the sum of |products| (plus |bias|),
    and the host executor's float32 result lies within it of the float64 result."""
    data, x = _fc_model(depth, 8)
    m = tinycc.compile(data)
    g = m.source
    w, b = (g.tensor(n).data.astype(np.float64) for n in g.ops()[0].inputs[1:])
    exact = x.astype(np.float64) @ w.T + b
    (_,), (bound,) = tolerance.bounds(g, [x])
    mags = np.abs(x.astype(np.float64)) @ np.abs(w).T + np.abs(b)
    np.testing.assert_allclose(bound, gamma(depth + 2) * mags, rtol=1e-6, atol=1e-30)
    assert np.all(np.abs(m(x) - exact) <= bound)


def test_compare():
    want = np.array([1.0, -2.0, np.nan, np.inf, 0.0], np.float32)
    bound = np.array([0.1, 0.1, 0.0, 0.0, 0.0])
    assert tolerance.compare(want + np.float32([0.19, -0.19, 0, 0, 0]), want, bound) is None
    mm = tolerance.compare(want + np.float32([0.0, 0.21, 0, 0, 0]), want, bound)
    assert mm is not None and mm.count == 1 and mm.index == (1,)
    assert tolerance.compare(np.array([1, 2], np.int8), np.array([1, 3], np.int8), 0.0).count == 1
    assert tolerance.compare(np.float32([np.nan]), np.float32([1.0]), 0.0) is not None
    assert tolerance.compare(np.float32([5.0]), np.float32([1.0]), np.inf) is None  # unbounded: anything


def test_integer_ops_on_exact_inputs_are_exact_and_inexact_ones_unbounded():
    g = tinycc.compile(str(model_path("kws_ref_model"))).source
    x = np.zeros(g.tensor(g.inputs[0]).shape, np.int8)
    (_,), (bound,) = tolerance.bounds(g, [x])
    assert not np.any(bound)


def test_layer_by_layer_bounds_stay_tight_where_end_to_end_ones_compound():
    """On a 28-layer float network the end-to-end worst-case bound says nothing (as large as the
    output's range), which is why verify checks each layer from the implementations' actual inputs:
    there every layer's bound is a small fraction of its values."""
    from tinycc.oracle import TFLM, random_inputs
    from tinycc.verify import trace_graph
    path = model_path("vww_96_float")
    m = tinycc.compile(path)
    g = m.source
    xs = random_inputs(m.inputs, np.random.default_rng(0))
    (y,), (end_to_end,) = tolerance.bounds(g, xs)
    assert end_to_end.max() >= 0.5 * np.ptp(y)
    oracle = TFLM(path, preserve=True)
    oracle(xs)
    trace = tinycc.compile(trace_graph(g))
    mine = dict(zip(trace.graph.outputs, trace(xs)))
    observed = {n: (mine[n], oracle.tensor(g.tensor(n).index)) for op in g.ops() for n in op.outputs}
    checks = []
    tolerance.bounds(g, xs, observed=observed, checks=checks)
    assert len(checks) == len(g.ops())
    for op, name, bound in checks:
        a, b = observed[name]
        assert tolerance.compare(a, b, bound) is None, (op.where(), name)
        assert bound.max() <= 1e-4 * max(np.abs(b).max(), 1.0), (op.where(), bound.max(), np.abs(b).max())
