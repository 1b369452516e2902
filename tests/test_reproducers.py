"""Small models that reproduce what broke on real ones, checked against TFLite Micro on the host
(both plans) and on every C target: integers bit-exact, floats layer by layer (tinycc.verify).

- mnist_resnet: ADD(x, CONV(x)) with the ADD fused into the convolution (the sum was written over
  x while the convolution still read it: up to 255 off on the C targets);
- residual_blocks: every way a fused residual ADD can be connected (the other operand the
  producer's own input or another tensor, either operand order, activations on either side,
  CONV_2D and DEPTHWISE_CONV_2D), 24 blocks in one model (past the scheduler's search bound its
  fallback once ran a fused ADD before its other operand existed);
- float_io_int8_inside: float32 interface, int8 layers (verify compared it with LiteRT's int8
  kernels, which are not TFLite Micro's);
- detection_head: two outputs of different shapes.
"""
import pytest

import tinycc
from tinycc.verify import verify

from synthetic_models import RESIDUAL_BLOCKS, detection_head, float_io_int8_inside, mnist_resnet, residual_blocks

MODELS = {
    "mnist_resnet_int8": lambda: mnist_resnet("int8"), "mnist_resnet_float32": lambda: mnist_resnet("float32"),
    "residual_blocks_int8": lambda: residual_blocks("int8"),
    "residual_blocks_float32": lambda: residual_blocks("float32"),
    "float_io_int8_inside": float_io_int8_inside,
    "detection_head_int8": lambda: detection_head("int8"), "detection_head_float32": lambda: detection_head("float32"),
}
CONFIGS = [("host", "fast"), ("host", "small"), ("c", "auto"), ("cortex-m55", "auto"), ("rv64gcv", "auto")]


@pytest.mark.parametrize("target,plan", CONFIGS, ids=[f"{t}-{p}" for t, p in CONFIGS])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_reproducer_matches_tflm(name, target, plan):
    lines = []
    ok = verify(MODELS[name](), target=target, plan=plan, samples=2, reference=target == "host", out=lines.append)
    assert ok, "\n".join(lines)
    assert all("TFLite Micro" in line for line in lines)


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_every_residual_block_is_fused(dtype):
    """The reproducer exercises the fused path: every block's ADD runs inside its convolution (the
    device's plan; the host's fast plan leaves residual ADDs unfused)."""
    m = tinycc.compile(residual_blocks(dtype), plan="small")
    fused = [op for op in m.graph.ops() if op.kind == "ADD" and "fused_into" in op.attrs]
    assert len(fused) == len(RESIDUAL_BLOCKS)


@pytest.mark.parametrize("target", ["host", "c"])
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_nhwc_input_layout_drops_the_input_transpose(dtype, target):
    """input_layout="nhwc": the model's NCHW input transpose is gone, the compiled model takes the
    image in NHWC, and its outputs are TFLite Micro's for the same image in NCHW; the report and the
    C header say so. A model without such a transpose is refused with the reason."""
    import numpy as np
    from synthetic_models import nchw_input
    from tinycc import tolerance
    from tinycc.oracle import TFLM, random_inputs
    model = nchw_input(dtype)
    m = tinycc.compile(model, target=target, input_layout="nhwc")
    assert "TRANSPOSE" not in [op.kind for op in m.graph.ops()]
    assert m.inputs[0].shape == (1, 10, 9, 3) and m.report()["nhwc_inputs"] == ["nhwc"]
    rng = np.random.default_rng(2)
    for _ in range(2):
        x = random_inputs(m.inputs, rng)[0]
        want = TFLM(model)([np.ascontiguousarray(x.transpose(0, 3, 1, 2))])[0]
        got = m(x)
        if dtype == "int8":
            np.testing.assert_array_equal(got, want)
        else:
            _, bounds = tolerance.bounds(m.source, [x])
            assert tolerance.compare(got, want, bounds[0]) is None
    if target == "c":
        import tempfile
        with tempfile.TemporaryDirectory() as d:
            m.write(d)
            assert "TINYCC_INPUT_LAYOUT_NHWC 1" in open(f"{d}/model.h").read()
    with pytest.raises(tinycc.UnsupportedError, match="input_layout='nhwc' applies to"):
        tinycc.compile(mnist_resnet(), input_layout="nhwc")
