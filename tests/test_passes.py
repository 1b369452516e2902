"""Graph passes: honest modified flag, idempotence, unchanged outputs."""
import numpy as np
import pytest

from tinycc import compiler, interpreter
from tinycc.ir import Tensor, verify
from tinycc.oracle import random_inputs
from tinycc.passes import PASSES, eliminate_dead_ops, run_passes
from tinycc.runtime import _info

from shared_models import INT8_MODELS, model_path


def outputs(g, xs):
    return interpreter.run(g, xs)


@pytest.mark.parametrize("name", INT8_MODELS)
@pytest.mark.parametrize("p", PASSES, ids=lambda p: p.__name__)
def test_pass_is_idempotent_and_preserves_outputs(name, p):
    g = compiler.frontend(model_path(name))
    before = g.copy()
    n_before = len(g.g)
    modified = p(g)
    verify(g, after=p.__name__)
    if not modified:
        assert len(g.g) == n_before, "a pass that reports no change must not change the graph"
    assert p(g) is False, "a second run must change nothing"
    assert_same_outputs(before, g, 3)


def assert_same_outputs(before, after, trials):
    """The graph before and after a pass give the same outputs on random inputs."""
    rng = np.random.default_rng(0)
    for _ in range(trials):
        xs = random_inputs([_info(before.tensor(n)) for n in before.inputs], rng)
        for a, b in zip(outputs(before, xs), outputs(after, xs)):
            np.testing.assert_array_equal(a, b)


def test_dead_ops_are_removed():
    g = compiler.frontend(model_path("kws_ref_model"))
    n_ops = len(g.ops())
    # a dead branch: a copy of the first op writing a tensor nobody reads
    first = g.ops()[0]
    src = g.tensor(first.outputs[0])
    g.add_tensor(Tensor("dead", src.shape, src.dtype, src.quant))
    g.add_op(first.kind, first.inputs, ["dead"], first.options, index=99)
    verify(g)
    assert len(g.ops()) == n_ops + 1
    assert eliminate_dead_ops(g) is True
    assert len(g.ops()) == n_ops and "dead" not in g.g
    assert eliminate_dead_ops(g) is False


def test_pass_manager_reports_applied_passes():
    g = compiler.frontend(model_path("kws_ref_model"))
    assert run_passes(g) == ["alias_reshapes"]  # the RESHAPE becomes an alias; nothing else applies
    assert run_passes(g) == []


def test_fold_constants_folds_shape_of_an_activation_and_the_chain_it_feeds():
    """SHAPE reads only its input's static shape: folded although its input is an activation, and
    the STRIDED_SLICE and PACK after it fold in the same run, so RESHAPE gets a constant shape."""
    from synthetic_models import keras_flatten
    from tinycc.passes import fold_constants
    for dtype, want in (("int8", [1, -1]), ("float32", [1, 128])):
        g = compiler.frontend(keras_flatten(dtype))
        before = g.copy()
        assert fold_constants(g) is True
        verify(g, after="fold_constants")
        assert [op.kind for op in g.ops()] == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED"]
        shape = g.tensor(next(op for op in g.ops() if op.kind == "RESHAPE").inputs[1])
        assert shape.is_const and shape.data.tolist() == want
        assert fold_constants(g) is False
        assert_same_outputs(before, g, 2)


def test_shape_that_is_a_graph_output_is_not_folded():
    from tinycc.passes import fold_constants
    from tinycc.testing import ModelBuilder
    mb = ModelBuilder()
    x = mb.input("x", (2, 3), "float32")
    s = mb.tensor("s", (2,), "int32")
    mb.op("SHAPE", [x], [s])
    mb.output(s)
    g = compiler.frontend(mb.build())
    assert fold_constants(g) is False and [op.kind for op in g.ops()] == ["SHAPE"]


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_pad_folds_into_the_convolutions_that_read_it(dtype):
    """fold_pad on every PAD -> convolution arrangement (synthetic_models.PADDED_CONVS):
    folded exactly where the pad value is the zero point, only convolutions read the padded tensor
    and no filter row or column lies wholly in the padding (a padded tensor that is an output is
    still written); the compiled model matches TFLite Micro
    (layer by layer for floats) on the host and on the C targets."""
    from synthetic_models import PADDED_CONVS, padded_convs
    model = padded_convs(dtype)
    g, left = _fold_pads(model)
    assert left == {f"b{i}" for i, case in enumerate(PADDED_CONVS) if not case[-1] or case[5]}
    read = {op.inputs[0].split("/")[0] for op in g.ops() if "CONV" in op.kind and op.inputs[0].endswith("padded")}
    assert read == {f"b{i}" for i, case in enumerate(PADDED_CONVS) if not case[-1]}
    _verify_on(model, ("host", "c", "cortex-m55", "rv64gcv"))


def _fold_pads(model):
    """fold_pad on a model's graph (then dead ops removed), checked: the IR verifies, a second run
    changes nothing, the outputs stay the reference's. (The graph, the blocks whose PAD is left.)"""
    from tinycc.passes import fold_pad
    g = compiler.frontend(model)
    before = g.copy()
    assert fold_pad(g) is True
    eliminate_dead_ops(g)
    verify(g, after="fold_pad")
    assert fold_pad(g) is False
    assert_same_outputs(before, g, 2)
    return g, {op.outputs[0].split("/")[0] for op in g.ops() if op.kind in ("PAD", "PADV2")}


def _verify_on(model, targets):
    """The compiled model against TFLite Micro on each target."""
    from tinycc.verify import verify as verify_model
    for target in targets:
        lines = []
        assert verify_model(model, target=target, samples=2, out=lines.append), "\n".join(lines)


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_pad_folds_into_max_pooling_when_no_input_is_below_the_pad_value(dtype):
    """fold_pad into MAX_POOL_2D (synthetic_models.PADDED_MAXPOOLS): folded where the pad value is
    the type's least value, or no higher than the lower bound of the ReLU the input comes out of, and
    every window keeps an input; the compiled model matches TFLite Micro on the host and the C
    targets."""
    from synthetic_models import PADDED_MAXPOOLS, padded_maxpools
    model = padded_maxpools(dtype)
    _, left = _fold_pads(model)
    assert left == {f"b{i}" for i, case in enumerate(PADDED_MAXPOOLS) if not case[-1]}
    _verify_on(model, ("host", "c", "cortex-m4", "rv64gcv") if dtype != "float32" else ("host", "c"))
