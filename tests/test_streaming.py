"""Row streaming in the host executor: steps with ``stream = (delay, epilogue[, reverse])``.

A streamed convolution / depthwise convolution / pooling computes one output row at a time
into a ring in scratch and writes output row q only after rows 0..q + delay are computed, so
its output may overlap its own input. Checked here: streamed == plain kernel bit for bit
(int8 and float32) when nothing overlaps; in place (input at offset delta above the output
in one buffer) == the reference on a copy of the input; the fused ADD epilogue (output
exactly over the other ADD operand) == conv then ADD; validation; memory safety under
random parameters (guard pages, in a subprocess).
"""

import numpy as np
import pytest

from tinycc import _host
from tinycc import backend_host, isa
from tinycc import kernels as kt
from tinycc import interpreter, tolerance
from tinycc import ops as optable
from tinycc.errors import UnsupportedError
from tinycc.ir import Graph
from tinycc.ops.elementwise import BinaryOptions
from tinycc.ops.pool import PoolOptions

from test_host_kernels import LEVELS, act_tensor, conv_graph, finish  # shared with the kernel tests

ADD_S8_PARAMS = kt.row_iparams(kt.get("add_s8"))


# ---- plans with explicit placement ------------------------------------------------------------

@pytest.fixture(params=LEVELS)
def host(request):
    """Run a test with the kernels of every instruction-set level this CPU has ("portable": as
    lowered, the C kernels every target shares): the value is the level."""
    return request.param


def lowered(graph, level="portable"):
    """[(kernel, bufs (tensor name or constant array), iparams, fparams, params dict)] per kernel call,
    as the host backend runs them at ``level`` (portable: as lowered by the op table)."""
    calls = []
    for op in graph.ops():
        opdef = optable.get(op.kind)
        opdef.check_support(op, graph)
        for call in opdef.lower(op, graph):
            call = backend_host.host_call(call, level)
            k = isa.impl(call.kernel).kernel
            inames, fnames = k.iparams, k.fparams
            calls.append((call.kernel, call.bufs, [call.params[k] for k in inames],
                          [call.fparams[k] for k in fnames], call.params))
    return calls


def build(graph, calls, place, arena_nbytes, streams=None):
    """An Executor for the calls with the arena tensors at `place` offsets.

    streams[i] is None or (delay, epilogue[, reverse]); an epilogue's other_buf may be a tensor name."""
    steps, consts = [], []

    def buf(b):
        if isinstance(b, str):
            return (-1, place[b], graph.tensor(b).nbytes)
        a = np.ascontiguousarray(b).reshape(-1).view(np.uint8)
        consts.append(a)
        return (len(consts) - 1, 0, a.nbytes)
    for i, (kernel, bufs, ip, fp, _) in enumerate(calls):
        stream = streams[i] if streams else None
        if stream is not None and stream[1] is not None:
            ep = list(stream[1])
            ep[1] = buf(ep[1])
            stream = (stream[0], tuple(ep)) + tuple(stream[2:])
        steps.append((kernel, [buf(b) for b in bufs], ip, fp, stream))
    return _host.Executor(arena_nbytes, steps, consts)


def naive_place(graph):
    place, size = {}, 0
    for t in graph.tensors():
        if not t.is_const:
            place[t.name] = size
            size += (t.nbytes + 63) // 64 * 64
    return place, size


def put(ex, graph, place, name, x):
    t = graph.tensor(name)
    ex.arena[place[name]:place[name] + t.nbytes] = np.ascontiguousarray(x, t.dtype).reshape(-1).view(np.uint8)


def get(ex, graph, place, name):
    t = graph.tensor(name)
    return ex.arena[place[name]:place[name] + t.nbytes].view(t.dtype).reshape(t.shape).copy()


def rand(t, rng):
    if t.dtype == np.int8:
        return rng.integers(-128, 128, t.shape).astype(np.int8)
    return rng.standard_normal(t.shape).astype(np.float32)


def pool_graph(dtype, kind, shape, k, stride, pad, act="NONE"):
    g = Graph("t")
    act_tensor(g, "x", shape, dtype, 0.07, 3)
    act_tensor(g, "y", (1, 1, 1, 1), dtype, 0.07, 3)
    g.inputs = ["x"]
    finish(g, kind, ["x"], "y", PoolOptions(pad, stride[0], stride[1], k[0], k[1], act))
    optable.get(kind).check_support(g.ops()[0], g)
    return g


def geom(calls):
    """(oh, sh, pt, input row bytes, output row bytes) of the single sliding-window call."""
    kernel, _, _, _, p = calls[0]
    e = 1 if "_s8" in kernel else 4
    return p["oh"], p["sh"], p["pt"], p["w"] * p["c"] * e, p["ow"] * p.get("oc", p["c"]) * e


# ---- 1. streamed == plain, no overlap -----------------------------------------------------------

def random_geometry(rng):
    """A random conv / dwconv / pool graph (None when the filter does not fit)."""
    dtype = [np.int8, np.float32][rng.integers(2)]
    what = ["conv", "dwconv", "conv1x1", "pool"][rng.integers(4)]
    h, w = int(rng.integers(1, 13)), int(rng.integers(1, 10))
    stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    pad = ["SAME", "VALID"][rng.integers(2)]
    act = ["NONE", "RELU", "RELU6"][rng.integers(3)]
    try:
        if what == "pool":
            k = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
            kind = ["AVERAGE_POOL_2D", "MAX_POOL_2D"][rng.integers(2)]
            return pool_graph(dtype, kind, (1, h, w, int(rng.integers(1, 9))), k, stride, pad, act)
        if what == "conv1x1":  # channels growing or shrinking
            c = int(rng.integers(1, 33))
            g = conv_graph(rng, dtype, False, (1, h, w, c), int(rng.integers(1, 33)), (1, 1), stride, (1, 1),
                           pad, act)
        else:
            k = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
            dil = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
            dw = what == "dwconv"
            g = conv_graph(rng, dtype, dw, (1, h, w, int(rng.integers(1, 9))),
                           int(rng.integers(1, 3)) if dw else int(rng.integers(1, 12)), k, stride, dil, pad, act)
        optable.get(g.ops()[0].kind).check_support(g.ops()[0], g)
        return g
    except (UnsupportedError, ValueError):
        return None


def run_naive(graph, x, streams, garbage, host="portable"):
    calls = lowered(graph, host)
    place, size = naive_place(graph)
    ex = build(graph, calls, place, size, streams)
    ex.arena[:] = garbage[:size]
    put(ex, graph, place, "x", x)
    ex.run()
    return ex.arena.copy(), ex


@pytest.mark.parametrize("seed", range(8))
def test_streamed_equals_plain(seed, host):
    """Random geometries, every delay 0..2 and both directions: the whole arena ends up byte-identical."""
    rng = np.random.default_rng(seed)
    ran = 0
    while ran < 25:
        g = random_geometry(rng)
        if g is None:
            continue
        ran += 1
        x = rand(g.tensor("x"), rng)
        garbage = rng.integers(0, 256, 1 << 16).astype(np.uint8)
        want, plain = run_naive(g, x, None, garbage, host)
        oh = g.tensor("y").shape[1]
        for d in range(min(2, oh) + 1):
            for reverse in (False, True):
                got, ex = run_naive(g, x, [(d, None, reverse)], garbage, host)
                assert np.array_equal(got, want), (g.ops()[0].kind, g.tensor("x").shape, g.ops()[0].options, d)
                assert ex.scratch_nbytes == (plain.scratch_nbytes + 63) // 64 * 64 + (d + 1) * \
                    g.tensor("y").nbytes // oh
    # delay == oh (everything held back) is allowed too
    got, _ = run_naive(g, x, [(oh, None)], garbage, host)
    assert np.array_equal(got, want)


# ---- 2. in place: input at offset delta, output at 0, one buffer ----------------------------------

def in_place_delta(oh, sh, pt, irb, orb, d):
    """The smallest delta (multiple of 4) for which output rows 0..q, written once rows 0..q+d
    are computed, end below the first input byte rows q+d+1.. still read."""
    need = 0
    for q in range(oh):
        if q + d + 1 < oh:
            need = max(need, (q + 1) * orb - max(0, (q + d + 1) * sh - pt) * irb)
    return -(-need // 4) * 4


def smallest_in_place(oh, sh, pt, irb, orb):
    """(delay, delta) with the smallest delta over delays 0..2, ties to the smaller delay."""
    delta, d = min((in_place_delta(oh, sh, pt, irb, orb, d), d) for d in range(min(2, oh) + 1))
    return d, delta


def run_in_place(g, x, d, delta, epilogue=None, host="portable"):
    """The single op with its input at offset delta and its output at 0 of one arena."""
    calls = lowered(g, host)
    xt, yt = g.tensor("x"), g.tensor("y")
    size = (max(delta + xt.nbytes, yt.nbytes) + 63) // 64 * 64
    ex = build(g, calls, {"x": delta, "y": 0}, size, [(d, epilogue)])
    ex.arena[:] = np.random.default_rng(99).integers(0, 256, size).astype(np.uint8)
    put(ex, g, {"x": delta}, "x", x)
    ex.run()
    return get(ex, g, {"y": 0}, "y")


IN_PLACE_CASES = {
    # name: graph builder (rng, dtype) -> graph
    "kws_dw3x3_s1_same": lambda rng, dt: conv_graph(rng, dt, True, (1, 25, 5, 64), 1, (3, 3), (1, 1), (1, 1),
                                                    "SAME", "RELU"),
    "vww_conv3x3_s2_same": lambda rng, dt: conv_graph(rng, dt, False, (1, 96, 96, 3), 8, (3, 3), (2, 2), (1, 1),
                                                      "SAME", "RELU6"),
    "conv1x1_8to16_grow": lambda rng, dt: conv_graph(rng, dt, False, (1, 48, 48, 8), 16, (1, 1), (1, 1), (1, 1),
                                                     "VALID", "RELU"),
    "conv1x1_64to32_shrink": lambda rng, dt: conv_graph(rng, dt, False, (1, 12, 12, 64), 32, (1, 1), (1, 1),
                                                        (1, 1), "VALID", "NONE"),
    "strww_dw5x1_valid": lambda rng, dt: conv_graph(rng, dt, True, (1, 28, 1, 128), 1, (5, 1), (1, 1), (1, 1),
                                                    "VALID", "NONE"),
    "dw3x3_s2_dil2_same": lambda rng, dt: conv_graph(rng, dt, True, (1, 17, 9, 16), 2, (3, 3), (2, 1), (2, 2),
                                                     "SAME", "NONE"),
    "conv5x5_same_dil2": lambda rng, dt: conv_graph(rng, dt, False, (1, 14, 6, 4), 6, (5, 5), (1, 1), (2, 1),
                                                    "SAME", "NONE"),
    "maxpool2x2_s2": lambda rng, dt: pool_graph(dt, "MAX_POOL_2D", (1, 24, 24, 16), (2, 2), (2, 2), "VALID"),
    "avgpool3x3_s1_same": lambda rng, dt: pool_graph(dt, "AVERAGE_POOL_2D", (1, 13, 7, 8), (3, 3), (1, 1), "SAME"),
    "avgpool3x3_s2_same_odd": lambda rng, dt: pool_graph(dt, "AVERAGE_POOL_2D", (1, 15, 15, 12), (3, 3), (2, 2),
                                                         "SAME"),
    "kws_global_avgpool": lambda rng, dt: pool_graph(dt, "AVERAGE_POOL_2D", (1, 25, 5, 64), (25, 5), (1, 1),
                                                     "VALID"),
}


@pytest.mark.parametrize("dtype", [np.int8, np.float32], ids=["s8", "f32"])
@pytest.mark.parametrize("case", sorted(IN_PLACE_CASES))
def test_in_place(case, dtype, host):
    rng = np.random.default_rng(len(case))
    g = IN_PLACE_CASES[case](rng, dtype)
    x = rand(g.tensor("x"), rng)
    calls = lowered(g, host)
    oh, sh, pt, irb, orb = geom(calls)
    garbage = rng.integers(0, 256, 1 << 20).astype(np.uint8)
    want = run_naive(g, x, None, garbage, host)[1]
    want = get(want, g, naive_place(g)[0], "y")
    if dtype == np.int8:  # and the plain kernel is the reference, bit for bit
        np.testing.assert_array_equal(want, interpreter.run(g, [x])[0])
    for d in range(min(2, oh) + 1):
        delta = in_place_delta(oh, sh, pt, irb, orb, d)
        got = run_in_place(g, x, d, delta, host=host)
        assert got.tobytes() == want.tobytes(), (case, d, delta)
    d, delta = smallest_in_place(oh, sh, pt, irb, orb)
    assert delta <= max(0, g.tensor("y").nbytes - g.tensor("x").nbytes) + (d + 1) * orb


def test_in_place_deltas():
    """The smallest placements for the model-like cases, and that the overlap is real."""
    # KWS dw 3x3 SAME stride 1: one row of delay makes it free
    assert smallest_in_place(25, 1, 1, 5 * 64, 5 * 64) == (1, 0)
    assert in_place_delta(25, 1, 1, 5 * 64, 5 * 64, 0) == 5 * 64
    # VWW first conv 96x96x3 -> 48x48x8, stride 2 SAME (pt = 0): free without delay
    assert smallest_in_place(48, 2, 0, 96 * 3, 48 * 8) == (0, 0)
    # growing 1x1 8 -> 16 at 48x48: about out - in (18432); delay 2 saves 5 rows of input
    assert in_place_delta(48, 1, 0, 48 * 8, 48 * 16, 0) == 47 * 48 * 8
    assert smallest_in_place(48, 1, 0, 48 * 8, 48 * 16) == (2, 43 * 48 * 8)
    # shrinking 1x1 and VALID str_ww-like dw: free
    assert smallest_in_place(12, 1, 0, 12 * 64, 12 * 32) == (0, 0)
    assert smallest_in_place(24, 1, 0, 128, 128) == (0, 0)
    # with too small a delta the in-place result is wrong: the tests above do overlap
    rng = np.random.default_rng(0)
    g = IN_PLACE_CASES["kws_dw3x3_s1_same"](rng, np.int8)
    x = rand(g.tensor("x"), rng)
    want = interpreter.run(g, [x])[0]
    assert not np.array_equal(run_in_place(g, x, 0, 0), want)
    np.testing.assert_array_equal(run_in_place(g, x, 1, 0), want)


def test_reverse_in_place_growing(host):
    """Reverse streaming: a growing 1x1 conv with the output at the input's base (delta 0)."""
    rng = np.random.default_rng(4)
    for dtype in (np.int8, np.float32):
        g = conv_graph(rng, dtype, False, (1, 20, 7, 8), 16, (1, 1), (1, 1), (1, 1), "VALID", "NONE")
        x = rand(g.tensor("x"), rng)
        calls = lowered(g, host)
        want = run_naive(g, x, None, np.zeros(1 << 16, np.uint8), host)[1]
        want = get(want, g, naive_place(g)[0], "y")
        size = g.tensor("y").nbytes
        for d, reverse, ok in ((0, True, True), (2, True, True), (0, False, False)):
            ex = build(g, calls, {"x": 0, "y": 0}, size, [(d, None, reverse)])
            put(ex, g, {"x": 0}, "x", x)
            ex.run()
            got = get(ex, g, {"y": 0}, "y")
            assert (got.tobytes() == want.tobytes()) == ok, (dtype, d, reverse)


# ---- 3. the fused ADD epilogue ------------------------------------------------------------------

def conv_add_graph(rng, dtype, make, conv_first, act="NONE"):
    """x -> (conv / pool) -> y; z = ADD(y, o) (conv_first) or ADD(o, y)."""
    g = make(rng, dtype)
    yt = g.tensor("y")
    act_tensor(g, "o", yt.shape, dtype, 0.06, int(rng.integers(-20, 20)))
    act_tensor(g, "z", yt.shape, dtype, 0.11, int(rng.integers(-20, 20)))
    g.add_op("ADD", ["y", "o"] if conv_first else ["o", "y"], ["z"], BinaryOptions(act))
    g.inputs = ["x", "o"]
    g.outputs = ["z"]
    return g


def fused_epilogue(g, calls, conv_first):
    kernel, _, _, fp, p = calls[1]
    if kernel.partition("@")[0] == "add_s8":
        return ("add_s8", "o", [p[k] for k in ADD_S8_PARAMS], [], conv_first)
    return ("add_f32", "o", [], fp, conv_first)


EPILOGUE_CASES = ["kws_dw3x3_s1_same", "vww_conv3x3_s2_same", "conv1x1_64to32_shrink", "avgpool3x3_s1_same",
                  "maxpool2x2_s2", "dw3x3_s2_dil2_same"]


@pytest.mark.parametrize("dtype", [np.int8, np.float32], ids=["s8", "f32"])
@pytest.mark.parametrize("conv_first", [True, False], ids=["conv_first", "other_first"])
@pytest.mark.parametrize("case", EPILOGUE_CASES)
def test_epilogue(case, conv_first, dtype, host):
    rng = np.random.default_rng(len(case) + conv_first)
    g = conv_add_graph(rng, dtype, IN_PLACE_CASES[case], conv_first, "RELU" if conv_first else "NONE")
    x, o = rand(g.tensor("x"), rng), rand(g.tensor("o"), rng)
    calls = lowered(g, host)
    assert [c[0] for c in calls][1].partition("@")[0] in ("add_s8", "add_f32")
    # unfused, nothing shared: the two kernels one after the other
    place, size = naive_place(g)
    ex = build(g, calls, place, size)
    put(ex, g, place, "x", x)
    put(ex, g, place, "o", o)
    ex.run()
    want = get(ex, g, place, "z")
    (ref,), (bound,) = tolerance.bounds(g, [x, o])
    if dtype == np.int8:
        np.testing.assert_array_equal(want, ref)
    else:
        assert tolerance.compare(want, ref, bound) is None
    oh = g.tensor("y").shape[1]
    ep = fused_epilogue(g, calls, conv_first)
    zbytes = g.tensor("z").nbytes
    for d in range(min(2, oh) + 1):
        # fused, output exactly over `other` (in place); the conv's output tensor y never exists
        xoff = (zbytes + 63) // 64 * 64
        fplace = {"x": xoff, "y": 0, "o": 0, "z": 0}
        ex = build(g, calls[:1], fplace, xoff + g.tensor("x").nbytes, [(d, ep)])
        put(ex, g, fplace, "x", x)
        put(ex, g, fplace, "o", o)
        ex.run()
        assert get(ex, g, fplace, "z").tobytes() == want.tobytes(), (case, d)
        # fused, other in its own buffer, and the input in place under the output as well
        irb, orb = geom(calls)[3:]
        delta = in_place_delta(*geom(calls)[:3], irb, orb, d)
        ooff = (max(delta + g.tensor("x").nbytes, zbytes) + 63) // 64 * 64
        fplace = {"x": delta, "y": 0, "z": 0, "o": ooff}
        ex = build(g, calls[:1], fplace, ooff + zbytes, [(d, ep, False)])
        put(ex, g, fplace, "x", x)
        put(ex, g, fplace, "o", o)
        ex.run()
        assert get(ex, g, fplace, "z").tobytes() == want.tobytes(), (case, d, "in place over x")


# ---- 4. validation ------------------------------------------------------------------------------

def _conv_step():
    # 1x5x5x3 -> 1x5x5x4, 3x3 SAME
    ip = [1, 5, 5, 3, 5, 5, 4, 3, 3, 1, 1, 1, 1, 1, 1, -128, 127, 0, 0]
    consts = [np.zeros(108, np.uint8), np.zeros(16, np.uint8), np.zeros(16, np.uint8), np.zeros(16, np.uint8)]
    bufs = [(-1, 0, 75), (-1, 128, 100), (0, 0, 108), (1, 0, 16), (2, 0, 16), (3, 0, 16)]
    return "conv2d_s8", bufs, ip, [], consts


ADD_IP = [-128, 127, 0, 0, 0, 20, 1 << 30, 0, 1 << 30, 0, 1 << 30, -20] + [0] * len(kt.ADD_LIN)


@pytest.mark.parametrize("stream,message", [
    ((-1, None), r"stream delay = -1 must be in \[0, oh = 5\]"),
    ((6, None), r"stream delay = 6 must be in \[0, oh = 5\]"),
    ((1.5, None), "stream delay must be an integer"),
    (5, "stream must be None, \\(delay, epilogue\\)"),
    ((1,), "stream must be None, \\(delay, epilogue\\)"),
    ((1, None, 1), "stream reverse must be True or False"),
    ((1, ("add_s8", (-1, 256, 99), ADD_IP, [], True)), "buffer other: .* touch 100 bytes, but the buffer has 99"),
    ((1, ("add_s8", (-1, 450, 100), ADD_IP, [], True)), r"buffer other: bytes \[450, 550\) are outside the arena \(512 bytes\)"),
    ((1, ("add_s8", (5, 0, 100), ADD_IP, [], True)), "buffer other: space 5 does not exist"),
    ((1, ("add_f32", (-1, 256, 100), [], [0.0, 1.0], True)), "stream epilogue kernel must be 'add_s8', got 'add_f32'"),
    ((1, ("add_s8", (-1, 256, 100), ADD_IP[:-1], [], True)), f"stream epilogue add_s8 expects iparams .*got {len(ADD_IP) - 1} and 0"),
    ((1, ("add_s8", (-1, 256, 100), ADD_IP, [1.0], True)), f"stream epilogue add_s8 expects .*fparams \\(none\\), got {len(ADD_IP)} and 1"),
    ((1, ("add_s8", (-1, 256, 100), ADD_IP[:5] + [32] + ADD_IP[6:], [], True)), r"stream epilogue add_s8: left_shift = 32 must be in \[0, 31\]"),
    ((1, ("add_s8", (-1, 256, 100), [5, 4] + ADD_IP[2:], [], True)), "stream epilogue add_s8: act_min = 5 > act_max = 4"),
    ((1, ("add_s8", (-1, 256, 100), ADD_IP, [], 1)), "stream epilogue conv_first must be True or False"),
    ((1, ("add_s8", (-1, 256, 100), ADD_IP)), "stream epilogue must be None or"),
])
def test_rejects_bad_stream(stream, message):
    name, bufs, ip, fp, consts = _conv_step()
    with pytest.raises(ValueError, match=r"step 0 \(conv2d_s8\): " + message):
        _host.Executor(512, [(name, bufs, ip, fp, stream)], consts)


def test_rejects_stream_on_other_kernels_and_batches():
    name, bufs, ip, fp, consts = _conv_step()
    _host.Executor(512, [(name, bufs, ip, fp, (1, ("add_s8", (-1, 256, 100), ADD_IP, [], True)))], consts).run()
    _host.Executor(512, [(name, bufs, ip, fp, None)], consts).run()  # None: a plain step
    with pytest.raises(ValueError, match=r"step 0 \(fc_s8\): stream is only supported for avgpool_f32, "):
        _host.Executor(512, [("fc_s8", [(-1, 0, 4), (-1, 64, 4), (0, 0, 16), (1, 0, 16), (2, 0, 16), (3, 0, 16)],
                              [1, 4, 4, -128, 127, 0, 0], [], (0, None))], consts)
    with pytest.raises(ValueError, match=r"step 1 \(copy\): stream is only supported"):
        _host.Executor(512, [(name, bufs, ip, fp), ("copy", [(-1, 0, 4), (-1, 64, 4)], [4], [], (0, None))],
                       consts)
    b2 = [(-1, 0, 150), (-1, 256, 200)] + bufs[2:]
    with pytest.raises(ValueError, match=r"step 0 \(conv2d_s8\): stream needs n = 1, got n = 2"):
        _host.Executor(512, [(name, b2, [2] + ip[1:], fp, (0, None))], consts)
    _host.Executor(512, [(name, b2, [2] + ip[1:], fp, None)], consts).run()
    with pytest.raises(ValueError, match=r"a step must be \(kernel name, bufs, iparams, fparams\[, stream"):
        _host.Executor(512, [(name, bufs, ip)], consts)
    # float32: the other operand must be 4-byte aligned and add_f32's fparams valid
    fbufs = [(-1, 0, 300), (-1, 320, 400), (0, 0, 432), (1, 0, 16)]
    fconsts = [np.zeros(432, np.uint8), np.zeros(16, np.uint8)]
    fstep = ("conv2d_f32", fbufs, ip[:15], [-1.0, 1.0])
    _host.Executor(1024, [fstep + ((2, ("add_f32", (-1, 320, 400), [], [-1.0, 1.0], False)),)], fconsts).run()
    with pytest.raises(ValueError, match="buffer other: address 0x142 is not 4-byte aligned"):
        _host.Executor(1024, [fstep + ((2, ("add_f32", (-1, 322, 400), [], [-1.0, 1.0], False)),)], fconsts)
    with pytest.raises(ValueError, match=r"epilogue add_f32: act_min = 2.0 > act_max = 1.0"):
        _host.Executor(1024, [fstep + ((2, ("add_f32", (-1, 320, 400), [], [2.0, 1.0], False)),)], fconsts)
    with pytest.raises(ValueError, match=r"epilogue add_f32: fparam act_max = nan is not a float32 value"):
        _host.Executor(1024, [fstep + ((2, ("add_f32", (-1, 320, 400), [], [0.0, float("nan")], False)),)],
                       fconsts)


def test_scratch_sizing_and_streamable():
    assert kt.STREAMABLE == frozenset({"conv2d_s8", "dwconv2d_s8", "avgpool_s8", "maxpool_s8", "conv2d_f32",
                                       "dwconv2d_f32", "avgpool_f32", "maxpool_f32", "transpose_nchw_s8",
                                       "transpose_nchw_f32"})
    name, bufs, ip, fp, consts = _conv_step()
    assert _host.Executor(512, [(name, bufs, ip, fp)], consts).scratch_nbytes == 0
    # conv2d_s8 needs no scratch of its own: the ring starts at 0; rows are 5 * 4 bytes
    assert _host.Executor(512, [(name, bufs, ip, fp, (2, None))], consts).scratch_nbytes == 3 * 20
    # a max over steps; maxpool keeps c int32 accumulators (12 bytes), the ring goes at 64
    pool = ("maxpool_s8", [(-1, 0, 75), (-1, 128, 75)], [1, 5, 5, 3, 5, 5, 3, 3, 1, 1, 1, 1, -128, 127], [])
    assert _host.Executor(512, [pool], []).scratch_nbytes == 12
    assert _host.Executor(512, [pool + ((0, None),)], []).scratch_nbytes == 64 + 15
    assert _host.Executor(512, [pool + ((4, None),), (name, bufs, ip, fp, (1, None))], consts).scratch_nbytes \
        == 64 + 5 * 15


# ---- memory safety of streamed steps under random parameters (guard pages, subprocess) ------------

def _fuzz_stream_one(name, ip, fp, rng):
    import re
    from test_host_kernels import _guarded
    k = isa.impl(name).kernel
    bnames = [b.name for b in k.bufs]
    ip = list(ip)
    ip[k.iparams.index("n")] = 1
    needs = [0] * len(bnames)
    for _ in range(len(bnames) + 1):  # the bytes each buffer needs, from the errors
        try:
            _host.Executor(max(needs), [(name, [(-1, 0, n) for n in needs], ip, fp)], [])
            break
        except ValueError as e:
            m = re.search(r"buffer (\w+): the parameters make the kernel touch (\d+) bytes", str(e))
            if not m:
                return False
            needs[bnames.index(m.group(1))] = int(m.group(2))
            if int(m.group(2)) > 1 << 20:
                return False
    oh = ip[k.iparams.index("oh")]
    e = k.stream.esize
    delay = int(rng.integers(0, oh + 1))
    reverse = bool(rng.integers(2))
    for at_end in (True, False):
        keep, consts, bufs = [], [], []
        pad = 64
        arena_n = needs[1] + 2 * pad
        for j, (bname, n) in enumerate(zip(bnames, needs)):
            if j == 1:
                bufs.append((-1, pad, n))
                continue
            a = _guarded(n, at_end, keep)
            a[:] = rng.integers(-31, 32, n // 4).astype(np.int32).view(np.uint8) if bname == "shift" else \
                rng.integers(0, 256, n).astype(np.uint8)
            consts.append(a)
            bufs.append((len(consts) - 1, 0, n))
        epilogue = None
        if rng.random() < 0.5:
            other = _guarded(needs[1], at_end, keep)
            other[:] = rng.integers(0, 256, needs[1]).astype(np.uint8)
            consts.append(other)
            if e == 1:
                aip = [-128, 127] + [int(v) for v in rng.integers(-128, 128, 3)] + [int(rng.integers(0, 32))] + \
                    [int(v) for k in range(3) for v in (rng.integers(0, 2 ** 31), rng.integers(-31, 32))] + \
                    [0] * len(kt.ADD_LIN)  # (no linear form: the generic kernel's arithmetic)
                epilogue = ("add_s8", (len(consts) - 1, 0, needs[1]), aip, [], bool(rng.integers(2)))
            else:
                epilogue = ("add_f32", (len(consts) - 1, 0, needs[1]), [], [-1.0, 1.0], bool(rng.integers(2)))
        try:
            ex = _host.Executor(arena_n, [(name, bufs, ip, fp, (delay, epilogue, reverse))], consts)
        except ValueError:
            return False
        ex.arena[:] = rng.integers(0, 256, arena_n).astype(np.uint8)
        before = ex.arena.copy()
        ex.run()
        assert np.array_equal(ex.arena[:pad], before[:pad]), (name, ip, fp, delay, "wrote before its output")
        assert np.array_equal(ex.arena[pad + needs[1]:], before[pad + needs[1]:]), \
            (name, ip, fp, delay, "wrote past its output")
        del ex, consts, bufs
    return True


def test_fuzz_stream_memory_safety():
    from test_host_kernels import fuzz_in_subprocess
    fuzz_in_subprocess("test_host_kernels.fuzz(60, 4321, sorted(test_streaming.kt.STREAMABLE) + [i.name for i in "
                       "test_streaming.isa.SIMD.values() if i.kernel.name in test_streaming.kt.STREAMABLE and "
                       "i.isa in test_streaming.LEVELS], test_streaming._fuzz_stream_one)")
