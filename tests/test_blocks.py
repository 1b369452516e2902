"""Block streaming (tinycc/streaming.py, tc_run_chain): chains of sliding-window ops run row band by
row band, their intermediates in line buffers.

Checked here: the stream_blocks pass (what it marks, idempotence, unchanged semantics); random chains
of convolutions, depthwise convolutions and pooling (kernel sizes, strides, dilations, SAME / VALID /
explicit padding, int8 and float32, a global average pooling at the end as a running sum) streamed
by force against the reference at every ISA level, and in place over their input; MobileNetV2- and
MCUNet-style networks, DS-CNN-L and mobilenet_v2 224 against TFLite Micro on the host and the C
targets; the executor's and the checker's refusals of broken chains.
"""
import copy

import numpy as np
import pytest

from tinycc import _host, backend_c, backend_host, compiler, interpreter, passes, planner, scheduler, streaming, tolerance
from tinycc import kernels as kt
from tinycc import ops as optable
from tinycc.errors import PlanError, UnsupportedError
from tinycc.ir import Graph
from tinycc.ops.conv import ConvOptions
from tinycc.ops.pool import PoolOptions
from tinycc.ctarget import CTargetModel
from tinycc.runtime import CompiledModel
from tinycc.testing import dscnn_model, inverted_residual_model
from tinycc.verify import verify

from shared_models import MODELS
from test_host_kernels import LEVELS, act_tensor, const, q, rand_input

MCUNET = dict(size=144, expansion=[1, 3, 4, 5, 6, 3, 6], kernel=[3, 5, 7, 3, 5, 7, 3])
NETWORKS = {"mbv2_96": dict(), "mbv2_96_pad": dict(explicit_pad=True), "mcunet_144": MCUNET,
            "mbv2_128_x3": dict(size=128, width=0.5, expansion=3)}


def chained(model_or_graph, heads=None, level="portable", patches=None, target="host"):
    """A host CompiledModel (or a C target's model) with the chains marked by stream_blocks (``heads``
    None) or every chainable run of ops marked (``heads="all"``), kept whether or not they lower the
    arena; ``patches(chain)``: (stripes, band) to run a patchable chain in, or None."""
    g = compiler.frontend(model_or_graph) if not isinstance(model_or_graph, Graph) else model_or_graph.copy()
    source = g.copy()
    passes.run_passes(g)
    if heads == "all":
        for a in g.ops():
            readers = g.consumers(a.outputs[0]) if len(a.outputs) == 1 else []
            if len(readers) == 1 and streaming.can_link(g, a, readers[0]):
                head = a.attrs.get("chain", a.id)
                a.attrs["chain"] = readers[0].attrs["chain"] = head
    else:
        passes.stream_blocks(g)
    for chain in streaming.members(g).values() if patches else ():
        if streaming.patchable(g, chain) and patches(chain) and patches(chain)[0] <= streaming.rows(chain[-1], g).ow:
            chain[-1].attrs["patch"] = patches(chain)
    order = scheduler.schedule(g)
    if target != "host":
        mp = planner.plan(g, order, 16, rows=True,
                          kernel_scratch=lambda op, v=(): backend_c.kernel_scratch(op, g, target, False, v))
        return CTargetModel(g, order, mp, target, source=source)
    mp = planner.plan(g, order, 16, rows=True,
                      kernel_scratch=lambda op, v=(): backend_host.kernel_scratch(op, g, level=level, variants=v))
    return CompiledModel(g, order, mp, "host", source=source, isa=level)


def n_chains(m):
    return len(streaming.members(m.graph))


# ---- the pass -------------------------------------------------------------------------------------

def test_stream_blocks_marks_expansions_and_is_idempotent():
    g = compiler.frontend(inverted_residual_model(**NETWORKS["mbv2_96"]))
    passes.run_passes(g)
    before = g.copy()
    assert passes.stream_blocks(g) is True
    assert passes.stream_blocks(g) is False
    chains = list(streaming.members(g).values())
    kinds = [tuple(op.kind for op in c) for c in chains]
    # every expansion 1x1 -> depthwise -> projection is one chain, and so is the stem -> first block
    assert kinds.count(("CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D")) >= 10, kinds
    for c in chains:
        for a in c[:-1]:  # what is streamed is larger than what comes in or what goes out
            assert g.tensor(a.outputs[0]).nbytes > min(g.tensor(c[0].inputs[0]).nbytes,
                                                      g.tensor(c[-1].outputs[0]).nbytes)
    rng = np.random.default_rng(0)
    x = rand_input(before, rng)
    for a, b in zip(interpreter.run(before, x), interpreter.run(g, x)):  # annotations only
        np.testing.assert_array_equal(a, b)


# ---- random chains, streamed by force ---------------------------------------------------------------

def random_chain(rng, dtype):
    """2-4 sliding-window ops in a row on a small random image (now and then an NCHW input transposed
    first): int8 or float32 convolutions (1x1 to 5x5, strides 1-2, dilation 1-2, SAME / VALID /
    explicit padding), depthwise convolutions (depth multiplier 1-2) and average / max pooling."""
    g = Graph("chain")
    quant = dtype == np.int8
    h, w, c = int(rng.integers(5, 24)), int(rng.integers(3, 12)), int(rng.choice([1, 3, 8, 16]))
    zp = int(rng.integers(-20, 20))
    act_tensor(g, "t0", (1, h, w, c), dtype, 0.05, zp)
    g.inputs = ["t0"]
    if rng.random() < 0.25:  # an NCHW input transposed first, as PyTorch conversions do
        act_tensor(g, "nchw", (1, c, h, w), dtype, 0.05, zp)
        const(g, "perm", np.array([0, 2, 3, 1], np.int32))
        g.add_op("TRANSPOSE", ["nchw", "perm"], ["t0"])
        g.inputs = ["nchw"]
    for j in range(int(rng.integers(2, 5))):
        x = g.tensor(f"t{j}")
        _, h, w, c = x.shape
        kind = str(rng.choice(["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D"],
                              p=[0.4, 0.35, 0.1, 0.15]))
        k = int(rng.choice([1, 3, 3, 5])) if kind != "AVERAGE_POOL_2D" else 2
        k = min(k, h, w)
        s = int(rng.choice([1, 1, 2]))
        y = f"t{j + 1}"
        if "POOL" in kind:
            opts = PoolOptions(str(rng.choice(["SAME", "VALID"])), s, s, k, k, "NONE")
            act_tensor(g, y, (1, 1, 1, 1), dtype, x.quant.scale[0] if quant else None,
                       int(x.quant.zero_point[0]) if quant else 0)
            ins = [x.name]
        else:
            d = 2 if k == 3 and s == 1 and h > 6 and w > 6 and rng.random() < 0.2 else 1
            pad = str(rng.choice(["SAME", "VALID", "EXPLICIT"]))
            pads = tuple(int(v) for v in rng.integers(0, k, 4)) if pad == "EXPLICIT" else ()
            dm = int(rng.choice([1, 2])) if kind == "DEPTHWISE_CONV_2D" and c < 8 else 1
            oc = c * dm if kind == "DEPTHWISE_CONV_2D" else int(rng.choice([4, 8, 24, 48]))
            wshape = (1, k, k, oc) if kind == "DEPTHWISE_CONV_2D" else (oc, k, k, c)
            axis = 3 if kind == "DEPTHWISE_CONV_2D" else 0
            if quant:
                wq = q(rng.uniform(0.002, 0.02, oc), 0, axis)
                const(g, f"w{j}", rng.integers(-127, 128, wshape).astype(np.int8), wq)
                const(g, f"b{j}", rng.integers(-3000, 3000, oc).astype(np.int32),
                      q(x.quant.scale[0] * wq.scale.astype(np.float64), 0))
            else:
                const(g, f"w{j}", rng.standard_normal(wshape).astype(np.float32))
                const(g, f"b{j}", rng.standard_normal(oc).astype(np.float32))
            act_tensor(g, y, (1, 1, 1, 1), dtype, float(rng.uniform(0.05, 0.4)), int(rng.integers(-30, 30)))
            opts = ConvOptions(pad, s, s, d, d, str(rng.choice(["NONE", "RELU", "RELU6"])), dm, pads)
            ins = [x.name, f"w{j}", f"b{j}"]
        op = g.add_op(kind, ins, [y], opts)
        shape = tuple(int(v) for v in optable.get(kind).shapes(op, g)[0])
        if min(shape) < 1:
            g.remove_op(op)
            g.remove_dead_tensors()
            break
        g.tensor(y).shape = shape
    if rng.random() < 0.3:  # a global average pooling at the end: a running reduction in a chain
        x = g.tensor(g.ops()[-1].outputs[0])
        y = "pooled"
        act_tensor(g, y, (1, 1, 1, x.shape[3]), dtype, x.quant.scale[0] if quant else None,
                   int(x.quant.zero_point[0]) if quant else 0)
        g.add_op("AVERAGE_POOL_2D", [x.name], [y], PoolOptions("VALID", 1, 1, x.shape[1], x.shape[2], "NONE"))
    g.outputs = [g.ops()[-1].outputs[0]]
    return g


def _random_cases(rng, dtype, n=60):
    """(trial, graph, input, the reference's outputs, their float bounds) of n random chains."""
    for trial in range(n):
        g = random_chain(rng, dtype)
        if len(g.ops()) >= 2:
            x = rand_input(g, rng)
            yield (trial, g, x) + tuple(tolerance.bounds(g, x))


def _matches(m, g, x, want, bounds, what):
    """m's outputs on x: int8 bit-exact with the reference's (want), float32 within its bounds and bit
    for bit the unchained kernels' at m's level."""
    got = m(x if len(x) > 1 else x[0])
    for w, y, b in zip(want, got if isinstance(got, list) else [got], bounds):
        if y.dtype == np.float32:
            assert tolerance.compare(y, w, b) is None, what
            np.testing.assert_array_equal(y, compiler.compile(g, plan="fast", isa=m.isa)(x[0]), err_msg=what)
        else:
            np.testing.assert_array_equal(y, w, err_msg=what)


@pytest.mark.parametrize("dtype", [np.int8, np.float32], ids=["int8", "float32"])
def test_random_chains_match_the_reference_at_every_level(dtype):
    """Streamed by force (every chainable link, whether or not it saves memory), at every ISA level:
    int8 bit-exact with the reference, float32 within its bound and bit for bit the unchained kernels
    at the same level; the chain's output in place over its input where the planner can put it."""
    streamed = inplace = reduced = nchw = 0
    for trial, g, x, want, bounds in _random_cases(np.random.default_rng(7 if dtype == np.int8 else 8), dtype):
        for level in LEVELS:
            m = chained(g, "all", level)
            if not n_chains(m):
                continue
            streamed += 1
            inplace += bool(m.plan.inplace)
            reduced += any(streaming.reduction(m.graph, c) for c in streaming.members(m.graph).values())
            nchw += any(c[0].kind == "TRANSPOSE" for c in streaming.members(m.graph).values())
            _matches(m, g, x, want, bounds, f"trial {trial} {level}")
    assert streamed >= 40 and inplace >= 5 and reduced >= 5 and nchw >= 5, (streamed, inplace, reduced, nchw)


def _random_patch(rng, g):
    def pick(chain):
        last = streaming.rows(chain[-1], g)
        if last.ow < 2:
            return None
        return int(rng.integers(2, min(last.ow, 5) + 1)), int(rng.integers(1, last.oh + 1))
    return pick


@pytest.mark.parametrize("dtype", [np.int8, np.float32], ids=["int8", "float32"])
def test_random_chains_in_patches_match_the_reference_at_every_level(dtype):
    """Streamed by force in patches (2-5 column stripes, bands of 1 row to all of them: seams
    recomputed), at every ISA level: int8 bit-exact with the reference, float32 within its bound and
    bit for bit the unchained kernels; in place over their input where the planner can put them; the
    line buffers no wider than the widest stripe's columns."""
    patched = inplace = nchw = 0
    for trial, g, x, want, bounds in _random_cases(np.random.default_rng(17 if dtype == np.int8 else 18), dtype):
        choice = _random_patch(np.random.default_rng(trial), g)
        for level in LEVELS:
            m = chained(g, "all", level, patches=choice)
            chains = [c for c in streaming.members(m.graph).values() if streaming.patch(c)[0] > 1]
            if not chains:
                continue
            patched += 1
            inplace += any(c[-1].id in m.plan.inplace for c in chains)
            nchw += any(c[0].kind == "TRANSPOSE" for c in chains)
            for c in chains:
                for (n, rb), op in zip(streaming.line_buffers(m.graph, c), c):
                    assert rb <= streaming.rows(op, m.graph).out_row
            _matches(m, g, x, want, bounds, f"trial {trial} {level}")
    assert patched >= 40 and inplace >= 5 and nchw >= 5, (patched, inplace, nchw)


def test_patch_macs_count_the_recomputed_seams():
    """A 1x1 convolution (4 -> 8 channels) into a 3x3 SAME depthwise convolution on a 8x16 image, in 2
    stripes: the depthwise stripes' columns [0, 8) and [8, 16) read the convolution's [0, 9) and
    [7, 16), so it computes 18 columns of 16; in bands of 4 rows it also computes rows [0, 5) and [3, 8),
    10 rows of 8. By hand: 2 * 8 * 32 = 512 MACs more, then (10 * 18 - 8 * 16) * 32 = 1,664."""
    rng = np.random.default_rng(0)
    g = Graph("seams")
    act_tensor(g, "x", (1, 8, 16, 4), np.int8, 0.05, 0)
    g.inputs = ["x"]
    wq = q(np.full(8, 0.01), 0, 0)
    const(g, "w0", rng.integers(-127, 128, (8, 1, 1, 4)).astype(np.int8), wq)
    const(g, "b0", np.zeros(8, np.int32), q(0.05 * wq.scale.astype(np.float64), 0))
    act_tensor(g, "y", (1, 8, 16, 8), np.int8, 0.1, 0)
    g.add_op("CONV_2D", ["x", "w0", "b0"], ["y"], ConvOptions("SAME", 1, 1, 1, 1, "NONE", 1, ()))
    const(g, "w1", rng.integers(-127, 128, (1, 3, 3, 8)).astype(np.int8), q(np.full(8, 0.01), 0, 3))
    const(g, "b1", np.zeros(8, np.int32), q(0.1 * np.full(8, 0.01), 0))
    act_tensor(g, "z", (1, 8, 16, 8), np.int8, 0.1, 0)
    g.add_op("DEPTHWISE_CONV_2D", ["y", "w1", "b1"], ["z"], ConvOptions("SAME", 1, 1, 1, 1, "NONE", 1, ()))
    g.outputs = ["z"]
    chain = g.ops()
    base = streaming.patch_macs(g, chain, 1, 0)
    assert base == 8 * 16 * 32 + 8 * 16 * 8 * 9
    assert streaming.patch_macs(g, chain, 2, 8) - base == 512
    assert streaming.patch_macs(g, chain, 2, 4) - base == 1664
    for band in (1, 4, 8):  # and they run so, bit-exact
        m = chained(g, "all", patches=lambda c: (2, band))
        assert streaming.patch(next(iter(streaming.members(m.graph).values()))) == (2, band)
        x = rand_input(g, rng)
        np.testing.assert_array_equal(m(x[0]), interpreter.run(g, x)[0])


# ---- networks against TFLite Micro ----------------------------------------------------------------

@pytest.mark.parametrize("name", NETWORKS)
def test_inverted_residual_networks_match_tflm(name):
    model = inverted_residual_model(**NETWORKS[name])
    m = compiler.compile(model, plan="small")
    assert n_chains(m) >= 1
    lines = []
    assert verify(model, plan="small", samples=2, out=lines.append), "\n".join(lines)


def test_residual_sum_written_over_the_block_input():
    """A residual block whose chain reads the block input x: the sum is written over x, the chain
    holding its output rows back until no later row reads those of x."""
    m = compiler.compile(inverted_residual_model(**MCUNET), plan="small")
    ops = {op.id: op for op in m.graph.ops()}
    held = [ip for op_id, ip in m.plan.inplace.items() if ip.rows and "fused_into" in ops[op_id].attrs]
    assert held and all(ip.delay >= 1 for ip in held)
    lines = []
    assert verify(inverted_residual_model(**MCUNET), plan="small", samples=1, out=lines.append), "\n".join(lines)


def test_residual_blocks_in_patches():
    """Every block of an MCUNet-style network forced into patches (3 stripes, bands of 2 rows), the
    residual blocks' sums fused and written over their input once a band is complete: bit-exact with
    the reference."""
    model = inverted_residual_model(**MCUNET)
    m = chained(model, patches=lambda c: (3, 2))
    chains = streaming.members(m.graph).values()
    fused = [c for c in chains if "epilogue" in c[-1].attrs and streaming.patch(c)[0] > 1]
    assert fused and any(c[-1].id in m.plan.inplace or c[-1].attrs["epilogue"][0] in m.plan.inplace for c in fused)
    g = compiler.frontend(model)
    x = rand_input(g, np.random.default_rng(4))
    np.testing.assert_array_equal(m(x[0]), interpreter.run(g, x)[0])


def test_blocks_joined_at_the_peak(monkeypatch):
    """person_detect: the candidate plans peak at its input and the 48x48x8 output of its first block;
    streaming.improve joins that block with the next, so the tensor is never stored and the arena
    shrinks below the input plus that tensor; bit-exact with TFLite Micro."""
    path = MODELS / "tflm" / "person_detect.tflite"
    with monkeypatch.context() as mp:
        mp.setattr(streaming, "improve", lambda candidate, plan_for, budget=None: candidate)
        plain = compiler.compile(path, plan="small")
    m = compiler.compile(path, plan="small")
    x = plain.graph.tensor(plain.graph.inputs[0])
    peak = max((t for t in plain.graph.tensors() if plain.plan.storage.get(t.name)), key=lambda t: t.nbytes)
    assert plain.plan.arena_bytes >= x.nbytes + peak.nbytes
    assert m.plan.storage.get(peak.name) == "" and m.plan.arena_bytes < x.nbytes + peak.nbytes
    lines = []
    assert verify(path, plan="small", samples=1, out=lines.append), "\n".join(lines)


def test_dscnn_streams_whole_into_its_pooling():
    """A DS-CNN (MLPerf KWS layout, 276 channels as DS-CNN-L) streams as one block from its first
    convolution through the global average pooling, a running sum: no activation is ever whole."""
    model = dscnn_model(channels=276)
    m = compiler.compile(model, plan="small")
    blocks = m.report()["streamed_blocks"]
    assert len(blocks) == 1 and len(blocks[0]) == 10
    largest = max(t.nbytes for t in m.graph.tensors() if not t.is_const)
    assert m.plan.arena_bytes < largest  # less than one whole 25x5x276 activation
    lines = []
    assert verify(model, plan="small", samples=2, out=lines.append), "\n".join(lines)


@pytest.mark.parametrize("target", ["c", "cortex-m55", "rv64gcv"])
def test_streamed_networks_on_the_c_targets(target):
    for model in (inverted_residual_model(**NETWORKS["mbv2_96_pad"]), inverted_residual_model(**MCUNET),
                  dscnn_model(channels=276)):
        lines = []
        assert verify(model, target=target, samples=1, out=lines.append), "\n".join(lines)


@pytest.mark.parametrize("target", ["c", "cortex-m55", "rv64gcv"])
def test_random_chains_in_patches_on_the_c_targets(target):
    """Random int8 chains forced into patches, compiled for a C target and run there (under QEMU for
    the cores): bit-exact with the reference."""
    rng = np.random.default_rng(27)
    ran = 0
    while ran < 4:
        g = random_chain(rng, np.int8)
        if len(g.ops()) < 2:
            continue
        m = chained(g, "all", patches=_random_patch(rng, g), target=target)
        if not any(streaming.patch(c)[0] > 1 for c in streaming.members(m.graph).values()):
            continue
        x = rand_input(g, rng)
        want = interpreter.run(g, x)
        np.testing.assert_array_equal(m(x[0]), want[0], err_msg=f"chain {ran} on {target}")
        ran += 1


def test_patches_are_memory_safe(monkeypatch):
    """tc_run_chain in patches built with AddressSanitizer and UBSan (the c target, CFLAGS): random
    int8 and float32 chains (NCHW heads among them) and residual blocks forced into patches touch no
    memory outside the arena, the constants and the harness's buffers, do nothing undefined, and
    match the reference (int8 bit for bit, float32 within its bound)."""
    monkeypatch.setenv("CFLAGS", "-fsanitize=address,undefined -fno-sanitize-recover=all")
    rng = np.random.default_rng(99)
    ran = 0
    while ran < 8:
        dtype = np.float32 if ran % 3 == 0 else np.int8
        g = random_chain(rng, dtype)
        if len(g.ops()) < 2:
            continue
        m = chained(g, "all", patches=_random_patch(rng, g), target="c")
        if not any(streaming.patch(c)[0] > 1 for c in streaming.members(m.graph).values()):
            continue
        x = rand_input(g, rng)
        want, bounds = tolerance.bounds(g, x)
        got = m(x[0])
        if dtype == np.float32:
            assert tolerance.compare(got, want[0], bounds[0]) is None
        else:
            np.testing.assert_array_equal(got, want[0])
        ran += 1
    m = chained(inverted_residual_model(**MCUNET), patches=lambda c: (3, 2), target="c")
    x = rand_input(m.source, rng)
    np.testing.assert_array_equal(m(x[0]), interpreter.run(m.source, x)[0])


@pytest.mark.parametrize("target", ["host", "c", "cortex-m55", "rv64gcv"])
def test_mobilenet_v2_streamed_matches_tflm(target):
    """mobilenet_v2 224 as the model declares it (NCHW input): its input transpose heads the first
    streamed block (the transposed image never whole); bit-exact with TFLite Micro."""
    path = MODELS / "tflm" / "mobilenet_v2_quantized_1x3x224x224.tflite"
    m = compiler.compile(path, target=target, plan="small")
    assert any(c[0].kind == "TRANSPOSE" for c in streaming.members(m.graph).values())
    lines = []
    assert verify(path, target=target, samples=1, plan="small", out=lines.append), "\n".join(lines)


def test_ram_budget_takes_patches_only_when_nothing_else_fits(monkeypatch):
    """mobilenet_v2 224 (NHWC input): a budget the unpatched plans meet gets no patches; one only a
    patched plan meets gets it; below the smallest arena, the error names it."""
    path = MODELS / "tflm" / "mobilenet_v2_quantized_1x3x224x224.tflite"
    small = compiler.compile(path, plan="small", input_layout="nhwc")
    with monkeypatch.context() as mp:
        mp.setattr(streaming, "MAX_EXTRA_MACS", 0.0)  # no MACs to spend: no patches
        unpatched = compiler.compile(path, plan="small", input_layout="nhwc")
    assert small.report()["patches"] and not unpatched.report()["patches"]
    assert small.plan.arena_bytes < unpatched.plan.arena_bytes
    loose = compiler.compile(path, plan="small", input_layout="nhwc", ram_budget=unpatched.plan.arena_bytes)
    assert not loose.report()["patches"] and loose.plan.arena_bytes <= unpatched.plan.arena_bytes
    tight = compiler.compile(path, plan="small", input_layout="nhwc", ram_budget=unpatched.plan.arena_bytes - 1)
    assert tight.report()["patches"] and tight.plan.arena_bytes < unpatched.plan.arena_bytes
    with pytest.raises(PlanError, match=f"smallest arena tinycc reaches is {small.plan.arena_bytes:,} bytes"):
        compiler.compile(path, plan="small", input_layout="nhwc", ram_budget=small.plan.arena_bytes - 1)


@pytest.mark.parametrize("target", ["host", "c", "cortex-m55", "rv64gcv"])
def test_mobilenet_v2_in_patches_matches_tflm(target):
    """mobilenet_v2 224 taking NHWC input, its smallest plan: the first block (stem to the first
    projection) in patches; TFLite Micro's output for the same image in NCHW, bit for bit."""
    from tinycc.oracle import TFLM
    path = MODELS / "tflm" / "mobilenet_v2_quantized_1x3x224x224.tflite"
    m = compiler.compile(path, target=target, plan="small", input_layout="nhwc")
    rep = m.report()
    assert rep["patches"] and 0 < rep["extra_macs"] <= streaming.MAX_EXTRA_MACS * rep["macs"], rep["patches"]
    x = rand_input(m.graph, np.random.default_rng(5))[0]
    want = TFLM(path)([np.ascontiguousarray(x.transpose(0, 3, 1, 2))])[0]
    np.testing.assert_array_equal(m(x), want)


# ---- refusals ---------------------------------------------------------------------------------------

def _chain_step(m):
    steps, consts = backend_host.pack(m.graph, m.plan, m.program.calls)
    k = next(i for i, s in enumerate(steps) if s[0] == "chain")
    return steps, consts, k


def test_executor_refuses_broken_chains():
    m = chained(inverted_residual_model(**NETWORKS["mbv2_96"]))
    steps, consts, k = _chain_step(m)
    _host.Executor(m.plan.arena_bytes, steps, consts)  # as packed: accepted

    def refused(edit, match):
        broken = copy.deepcopy(steps)
        step = list(broken[k])
        links = [list(l) for l in step[1]]
        edit(step, links)
        step[1] = [tuple(l) for l in links]
        broken[k] = tuple(step)
        with pytest.raises(ValueError, match=match):
            _host.Executor(m.plan.arena_bytes, broken, consts)

    refused(lambda s, L: L[0].__setitem__(4, 1), "line buffer holds 1 rows")  # a 3x3 window needs 3
    refused(lambda s, L: L[1].__setitem__(5, L[0][5]), "overlap")  # two line buffers at one offset
    refused(lambda s, L: L[0].__setitem__(5, 0), "inside the kernels' scratch|overlap")
    refused(lambda s, L: L[1].__setitem__(1, [L[0][1][0]] + list(L[1][1][1:])), "is a line buffer")
    def taller(s, L):  # link 1 reads one row more than link 0 writes
        ip = list(L[1][2])
        ip[kt.get(L[1][0]).iparams.index("h")] += 1
        L[1][2] = ip
    refused(taller, "does not read link")
    refused(lambda s, L: L.reverse(), "must be")  # the first link's input is a line buffer
    refused(lambda s, L: L.__delitem__(slice(1, None)), "2 to")
    refused(lambda s, L: s.__setitem__(4, 1), "global int8 average pooling|without a flush")  # not a reduction
    refused(lambda s, L: s.__setitem__(4, 3), "reduce must be")


def test_executor_refuses_broken_patches():
    m = chained(inverted_residual_model(**NETWORKS["mbv2_96"]), patches=lambda c: (4, 2))
    steps, consts, k = _chain_step(m)
    assert steps[k][6] is not None and steps[k][6][:2] == (4, 2)
    _host.Executor(m.plan.arena_bytes, steps, consts)  # as packed: accepted

    def refused(patch, match):
        broken = list(steps)
        broken[k] = tuple(steps[k][:6]) + (patch(list(steps[k][6])),)
        with pytest.raises(ValueError, match=match):
            _host.Executor(m.plan.arena_bytes, broken, consts)

    refused(lambda p: [1] + p[1:], "2 or more stripes")
    refused(lambda p: p[:1] + [0] + p[2:], "bands of 0 rows")
    refused(lambda p: [10 ** 6] + p[1:], "stripes of")
    refused(lambda p: p[:2] + [0] + p[3:], "input line buffer of 0 rows")
    refused(lambda p: p[:3] + [p[3] + 8], "64-byte aligned")
    refused(lambda p: p[:3] + [steps[k][1][0][5]], "overlap")  # over link 0's line buffer
    refused(lambda p: p[:3], "patch must be")


def test_a_planar_transpose_only_heads_a_chain():
    """TRANSPOSE (0,2,3,1) after a convolution on a square image: its NCHW input rows are not the
    convolution's output rows, so it never links after it (its rows would match in bytes); the
    checker and the executor refuse such a chain made by hand."""
    rng = np.random.default_rng(5)
    g = Graph("planar")
    act_tensor(g, "x", (1, 6, 6, 6), np.int8, 0.05, 0)
    g.inputs = ["x"]
    const(g, "w", rng.integers(-127, 128, (6, 3, 3, 6)).astype(np.int8), q(np.full(6, 0.01), 0, 0))
    const(g, "b", np.zeros(6, np.int32), q(np.full(6, 0.0005), 0))
    act_tensor(g, "y", (1, 6, 6, 6), np.int8, 0.1, 0)
    g.add_op("CONV_2D", ["x", "w", "b"], ["y"], ConvOptions("SAME", 1, 1, 1, 1, "NONE", 1, ()))
    const(g, "perm", np.array([0, 2, 3, 1], np.int32))
    act_tensor(g, "z", (1, 6, 6, 6), np.int8, 0.1, 0)
    g.add_op("TRANSPOSE", ["y", "perm"], ["z"])
    g.outputs = ["z"]
    conv, tr = g.ops()
    assert streaming.rows(conv, g).out_row == streaming.rows(tr, g).in_row and not streaming.can_link(g, conv, tr)
    m = chained(g, "all")
    assert not n_chains(m)
    x = rand_input(g, rng)
    np.testing.assert_array_equal(m(x[0]), interpreter.run(g, x)[0])
    forced = g.copy()
    for op in forced.ops():
        op.attrs["chain"] = conv.id
    order = scheduler.schedule(forced)
    with pytest.raises(PlanError, match="cannot stream"):
        planner.plan(forced, order, 16, rows=True)


def test_checker_refuses_broken_chains():
    m = chained(inverted_residual_model(**NETWORKS["mbv2_96"]))
    g, order = m.graph, m.schedule
    last = next(c[-1] for c in streaming.members(g).values())
    broken = copy.deepcopy(m.plan)
    broken.buffers[f"{last.id}:scratch"].size = 64
    with pytest.raises(PlanError, match="line buffers"):
        planner.check(g, order, broken)
    patched = chained(inverted_residual_model(**NETWORKS["mbv2_96"]), patches=lambda c: (4, 2))
    chain = next(iter(streaming.members(patched.graph).values()))
    broken = copy.deepcopy(patched.plan)
    sc = broken.buffers[f"{chain[-1].id}:scratch"]
    sc.size = streaming.ring_bytes(patched.graph, chain, 0) // 2  # narrower line buffers, but not this narrow
    with pytest.raises(PlanError, match="line buffers"):
        planner.check(patched.graph, patched.schedule, broken)
    model = dscnn_model(channels=32)
    reduced = chained(model)
    g2 = reduced.graph
    chain = next(c for c in streaming.members(g2).values() if streaming.reduction(g2, c))
    chain[-1].attrs["patch"] = (2, 1)  # a running reduction cannot run in patches
    with pytest.raises(PlanError, match="cannot run in patches"):
        planner.check(g2, reduced.schedule, reduced.plan)
    moved = list(order)
    i = moved.index(last)
    head = streaming.members(g)[last.attrs["chain"]][0]
    moved.insert(moved.index(head), moved.pop(i - 1))  # a member out of its chain's run
    with pytest.raises(PlanError):
        planner.check(g, moved, m.plan)


def test_ram_budget_takes_the_fewest_blocks_that_fit_or_says_why_not():
    model = inverted_residual_model(**NETWORKS["mbv2_96"])
    smallest = compiler.compile(model, plan="small")
    unbounded = compiler.compile(model, plan="small", ram_budget=1 << 40)
    assert n_chains(unbounded) == 0 and unbounded.plan.arena_bytes > smallest.plan.arena_bytes
    fits = compiler.compile(model, plan="small", ram_budget=smallest.plan.arena_bytes)
    assert fits.plan.arena_bytes <= smallest.plan.arena_bytes and n_chains(fits) <= n_chains(smallest)
    with pytest.raises(PlanError, match=f"smallest arena tinycc reaches is {smallest.plan.arena_bytes:,} bytes"):
        compiler.compile(model, plan="small", ram_budget=smallest.plan.arena_bytes - 1)
    with pytest.raises(UnsupportedError, match="ram_budget"):
        compiler.compile(model, plan="fast", ram_budget=100000)
    lines = []
    assert verify(model, target="c", samples=1, out=lines.append), "\n".join(lines)  # the C targets' default plan
