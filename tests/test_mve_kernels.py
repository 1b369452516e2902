"""The Cortex-M55 MVE kernels (targets/cortex-m55) on single-op models with awkward shapes, run
under QEMU and compared byte for byte with the host executor (itself checked against TFLite
Micro elsewhere): channel counts that are no multiple of the vector lengths (1, 3, 5, 17, 33),
1-pixel images, stride 2 SAME, dilation 2, depth multipliers 2 and 3, fully connected depths that
are no multiple of 16, and extreme per-channel multipliers and shifts. A missing Arm toolchain or
QEMU fails these tests. tests/test_target_kernels.py covers the same kernels at the call level."""
import numpy as np
import pytest

import tinycc
from tinycc.backend_c import C_TARGETS

from test_host_kernels import conv_graph, fc_graph, rand_input

CONV = [  # depthwise, shape, oc or dm, kernel, stride, dilation, padding, activation
    (False, (1, 6, 5, 1), 5, (3, 3), (1, 1), (1, 1), "SAME", "RELU"),
    (False, (1, 7, 6, 3), 17, (3, 3), (2, 2), (1, 1), "SAME", "NONE"),
    (False, (1, 5, 5, 33), 3, (1, 1), (1, 1), (1, 1), "VALID", "RELU6"),
    (False, (1, 1, 1, 17), 33, (1, 1), (1, 1), (1, 1), "SAME", "NONE"),
    (False, (1, 1, 1, 5), 4, (3, 3), (1, 1), (1, 1), "SAME", "RELU"),
    (False, (1, 9, 8, 5), 7, (3, 3), (1, 1), (2, 2), "SAME", "NONE"),
    (False, (1, 11, 4, 1), 9, (5, 4), (2, 2), (1, 1), "SAME", "RELU"),
    (False, (1, 8, 7, 20), 6, (2, 3), (2, 1), (1, 1), "VALID", "NONE"),
    (True, (1, 6, 5, 17), 1, (3, 3), (1, 1), (1, 1), "SAME", "RELU"),
    (True, (1, 7, 7, 33), 1, (3, 3), (2, 2), (1, 1), "SAME", "RELU6"),
    (True, (1, 1, 1, 5), 1, (3, 3), (1, 1), (1, 1), "SAME", "NONE"),
    (True, (1, 6, 6, 3), 2, (3, 3), (1, 1), (1, 1), "SAME", "NONE"),
    (True, (1, 5, 7, 5), 3, (3, 3), (2, 2), (1, 1), "SAME", "RELU"),
    (True, (1, 9, 9, 16), 1, (3, 3), (1, 1), (2, 2), "SAME", "NONE"),
    (True, (1, 8, 6, 24), 1, (5, 3), (1, 2), (1, 1), "VALID", "RELU"),
]
FC = [((1, 1), 1), ((1, 17), 5), ((2, 33), 7), ((3, 100), 12), ((1, 64), 16)]


def _extreme(g, rng):
    """Replace the op's per-channel multipliers and shifts by extremes (every weight tensor's scale
    is rewritten so that the effective multiplier spans TFLite's whole range)."""
    op = g.ops()[0]
    w = g.tensor(op.inputs[1])
    n = w.quant.scale.size if w.quant is not None and np.ndim(w.quant.scale) else 1
    scales = rng.choice([1e-9, 1e-6, 1e-3, 0.5, 30.0, 2000.0], n)
    w.quant.scale = np.asarray(scales, np.float32).reshape(np.shape(w.quant.scale))
    return g


def _check(g, rng):
    x = rand_input(g, rng)
    want = tinycc.compile(g)(x[0])
    m = tinycc.compile(g, target="cortex-m55")
    got = m(x[0])
    assert got.dtype == want.dtype and got.shape == want.shape
    bad = np.flatnonzero(got.reshape(-1) != want.reshape(-1))
    assert bad.size == 0, f"{bad.size} of {want.size} outputs differ, first at {bad[0]}"
    assert not m.report()["portable_fallbacks"] or set(m.report()["portable_fallbacks"]).isdisjoint(
        {"conv2d_s8", "dwconv2d_s8", "fc_s8"})


def test_mve_kernels_are_chosen():
    t = C_TARGETS["cortex-m55"]
    for k in ("conv2d_s8", "dwconv2d_s8", "fc_s8"):
        assert t.kernel_source(k) == "cortex-m55"


@pytest.mark.parametrize("i", range(len(CONV)))
def test_conv(i):
    rng = np.random.default_rng(100 + i)
    dwc, shape, ocdm, k, s, d, pad, act = CONV[i]
    g = conv_graph(rng, np.int8, dwc, shape, ocdm, k, s, d, pad, act, bias=i % 3 != 2)
    if i % 4 == 3:
        try:
            g = _extreme(g, rng)
        except AttributeError:
            pass  # no per-channel scale to rewrite in this graph: plain case
    _check(g, rng)


@pytest.mark.parametrize("i", range(len(FC)))
def test_fc(i):
    rng = np.random.default_rng(200 + i)
    in_shape, units = FC[i]
    g = fc_graph(rng, np.int8, in_shape, units, ["NONE", "RELU", "RELU6"][i % 3], bias=i % 2 == 0)
    _check(g, rng)
