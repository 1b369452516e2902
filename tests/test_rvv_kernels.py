"""RV64GCV's RVV kernels on shapes chosen for their code paths, under QEMU at VLEN 128 and 256,
byte for byte against the host executor (same harness as test_target_kernels: guard bytes,
direct and row-streamed calls): the conv2d GEMM block sizes (oc within e32 LMUL 2 / 4 / 8, and
a tail chunk), staged padded rows and the zero-point-buffer fallback beyond 1024 staged bytes,
dilation over staged rows, depthwise with more than 64 taps (general path), edge pixels, small
channel counts (several pixels per vector), depth multipliers, fc with long and odd depths,
extreme per-channel requantization, and pooling (average over more than 256 taps, channels
beyond one vector)."""
import numpy as np
import pytest

import test_c_kernels as tck
from test_host_kernels import conv_graph, fc_graph, rand_input
from test_target_kernels import FILL, _case, _extreme_requant, reference, run_program


def rvv_cases():
    rng = np.random.default_rng(7)
    out = []
    conv = [((1, 7, 9, 5), 7, (3, 3), (1, 1), (1, 1), "SAME", "RELU"),        # m2 blocks, staged
            ((1, 6, 14, 3), 13, (3, 3), (2, 2), (1, 1), "SAME", "NONE"),      # m4 (VLEN 128)
            ((1, 5, 5, 17), 40, (3, 3), (1, 1), (2, 2), "SAME", "RELU6"),     # m8 + tail, dilated staged
            ((1, 4, 5, 130), 9, (3, 3), (1, 1), (1, 1), "SAME", "NONE"),      # > 1024 staged: zpbuf
            ((1, 3, 4, 33), 70, (1, 1), (1, 1), (1, 1), "VALID", "NONE"),     # pointwise, 3 chunks
            ((1, 1, 1, 3), 5, (3, 3), (2, 2), (1, 1), "SAME", "RELU"),        # 1 pixel, all padding
            ((1, 9, 3, 2), 33, (5, 2), (2, 1), (1, 2), "SAME", "NONE")]
    for i, (shape, oc, k, stride, dil, pad, act) in enumerate(conv):
        g = conv_graph(rng, np.int8, False, shape, oc, k, stride, dil, pad, act)
        out.append(_case(g, rand_input(g, rng), f"conv {i}", stream=(i % 2, bool(i % 3 == 1)) if i % 2 else None,
                         tweak=_extreme_requant(rng) if i % 2 == 0 else None))
    dw = [((1, 10, 11, 5), 1, (9, 9), (1, 1), (1, 1), "SAME", "RELU"),       # 81 taps: general path
          ((1, 8, 8, 40), 1, (3, 3), (1, 1), (1, 1), "SAME", "NONE"),         # tail chunk, edges, pairs
          ((1, 7, 7, 3), 3, (3, 3), (2, 2), (1, 1), "SAME", "RELU6"),         # dm 3
          ((1, 9, 9, 33), 2, (3, 3), (1, 1), (2, 2), "SAME", "NONE"),         # dm 2, dilation
          ((1, 6, 5, 70), 1, (5, 3), (2, 1), (2, 1), "SAME", "NONE"),
          ((1, 1, 1, 17), 1, (3, 3), (1, 1), (1, 1), "SAME", "RELU"),
          ((1, 6, 11, 5), 1, (3, 3), (1, 1), (1, 1), "SAME", "NONE"),         # pixels side by side
          ((1, 5, 12, 16), 1, (3, 2), (1, 1), (1, 2), "VALID", "RELU"),
          ((1, 4, 40, 1), 1, (3, 3), (1, 1), (1, 1), "SAME", "NONE")]
    for i, (shape, dm, k, stride, dil, pad, act) in enumerate(dw):
        g = conv_graph(rng, np.int8, True, shape, dm, k, stride, dil, pad, act)
        out.append(_case(g, rand_input(g, rng), f"dw {i}", stream=(1, bool(i % 2)) if i % 3 == 1 else None,
                         tweak=_extreme_requant(rng) if i % 2 == 0 else None))
    for i, (in_shape, units) in enumerate([((1, 1000), 70), ((3, 37), 129), ((1, 5), 1), ((2, 256), 33)]):
        g = fc_graph(rng, np.int8, in_shape, units, ["NONE", "RELU", "RELU6"][i % 3])
        out.append(_case(g, rand_input(g, rng), f"fc {i}", tweak=_extreme_requant(rng) if i % 2 else None))
    pools = [((1, 20, 20, 5), (20, 20), (1, 1), "VALID"),   # 400 taps: int16 partial sums flushed
             ((1, 7, 9, 130), (3, 3), (2, 2), "SAME"), ((1, 5, 5, 1), (2, 3), (2, 1), "SAME")]
    for kind in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        for i, (shape, k, stride, pad) in enumerate(pools):
            g = tck.pool_graph(np.int8, kind, shape, k, stride, pad, ["NONE", "RELU", "RELU6"][i], -3)
            x = rand_input(g, rng)
            if i == 0:
                x = [np.full_like(x[0], -128 if kind == "AVERAGE_POOL_2D" else 127)]
                x[0][..., 1] = 127
                x[0][..., 2] = rng.integers(-128, 128, x[0][..., 2].shape)
            out.append(_case(g, x, f"{kind} {i}", stream=(i % 2, True) if i else None))
    return out


@pytest.mark.parametrize("vlen", [128, 256])
def test_rvv_kernels_on_odd_shapes(vlen):
    cases = rvv_cases()
    arenas, spans, _ = run_program(cases, "rv64gcv", vlen)
    failures = []
    for k, (case, arena, (pos, size, offs, sc_off, scratch)) in enumerate(zip(cases, arenas, spans)):
        expect = np.full(size, FILL, np.uint8)
        for i, (b, off) in enumerate(zip(case.bufs, offs)):
            if off is not None and i != case.out_index:
                expect[off:off + b.nbytes] = np.ascontiguousarray(b).reshape(-1).view(np.uint8)
        out_off = offs[case.out_index]
        expect[out_off:out_off + case.out_nbytes] = reference(case)
        mask = np.ones(size, bool)
        mask[sc_off:sc_off + scratch] = False
        bad = np.flatnonzero((arena != expect) & mask)
        if bad.size:
            failures.append(f"case {k} {case.what} (stream {case.stream}): {bad.size} bytes differ, first at {bad[0]}")
    assert not failures, "\n".join(failures)
