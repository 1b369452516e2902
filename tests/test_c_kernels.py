"""The portable C kernels (targets/generic) against the Cython host executor.

The C files are compiled with gcc into a shared library (pytest's tmp dir) and called through
ctypes on exactly the plans the host executor runs: the same arena bytes (garbage plus the
inputs), the same constants, the same parameters. int8 results must be identical byte for byte
over the whole arena; float32 results identical too (any NaN matching any NaN), except the outputs
of the kernels whose host build sums in another order and contracts multiply-adds into FMA
(conv2d_f32, dwconv2d_f32, fc_f32), which must agree within the error bound of their arithmetic
(tinycc.tolerance: twice gamma_n times the sum of |products|), on any CPU. Each kernel call gets a scratch buffer of exactly the bytes the executor's validation
asks for (NULL when none), filled with garbage and followed by canary bytes that must survive.

Cases: single-op graphs built with the helpers of test_host_kernels (odd shapes, channels that
are no multiple of 4/8/16, 1-pixel images, stride 2 SAME, dilation, depth multiplier, broadcast
ADD, softmax rows 1 and 37, QUANTIZE with NaN / inf / halves), the fixed-point extremes of
test_host_kernels, random parameters of every kernel (extreme multipliers, shifts and biases),
tc_run_streamed against the executor's streamed steps (delays 0..2 and oh, reverse, in place,
fused ADD epilogue), memory safety with guard pages (in a subprocess), and the -Werror builds
with gcc, clang-19 and arm-none-eabi-gcc. A missing compiler fails, it does not skip.
"""
import ctypes
import os
import pathlib
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from tinycc import _host, tolerance
from tinycc import ops as optable
from tinycc.errors import UnsupportedError
from tinycc.ir import Graph
from tinycc.ops.elementwise import BinaryOptions
from tinycc.ops.pool import PoolOptions
from tinycc.ops.softmax import SoftmaxOptions

import test_host_kernels as thk
import test_streaming as tst
from test_host_kernels import (ADD_CASES, CONV_CASES, POOL_CASES, SOFTMAX_PARAMS, act_tensor, conv_graph, fc_graph,
                               finish, naive_plan, rand_input)

ROOT = pathlib.Path(__file__).resolve().parent.parent
GENERIC = ROOT / "targets" / "generic"
SOURCES = sorted(GENERIC.glob("*.c"))

#: the kernels of the C ABI (the op table's lowering emits only these; the host executor's own
#: *_packed kernels, over weights the host backend packs, are not part of it)
C_KERNELS = ("conv2d_s8", "dwconv2d_s8", "fc_s8", "avgpool_s8", "maxpool_s8", "add_s8", "softmax_s8", "copy",
             "quantize_f32_s8", "requantize_s8", "dequantize_s8_f32", "conv2d_f32", "dwconv2d_f32", "fc_f32",
             "avgpool_f32", "maxpool_f32", "add_f32", "softmax_f32")
C_STREAMABLE = tuple(k for k in C_KERNELS if k in _host.STREAMABLE)
#: the portable kernels the host executor calls itself (no Cython twin to compare with: the
#: differential op tests check them through the host executor against TFLite Micro)
SHARED_KERNELS = tuple(sorted(p.stem[3:] for p in SOURCES if "tinycc: shared with the host executor" in p.read_text()))

#: the kernels whose host build (-O3 -march=native) may contract a * b + c into an FMA: their
#: float32 outputs are compared to 1e-6, everything else byte for byte
FMA_KERNELS = frozenset({"conv2d_f32", "dwconv2d_f32", "fc_f32"})


# ---- the library ----------------------------------------------------------------------------------

def compile_library(out_dir):
    cc = shutil.which("gcc")
    if cc is None:
        pytest.fail("gcc is not installed: the C kernels cannot be tested")
    lib = pathlib.Path(out_dir) / "libtinycc_kernels.so"
    cmd = [cc, "-std=c99", "-O2", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror", "-I", str(GENERIC),
           "-o", str(lib)] + [str(s) for s in SOURCES] + ["-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, f"{' '.join(cmd)}\n{r.stdout}{r.stderr}"
    return lib


class TcStream(ctypes.Structure):
    _fields_ = [("delay", ctypes.c_int32), ("reverse", ctypes.c_int32), ("pt_index", ctypes.c_int32),
                ("sh_index", ctypes.c_int32), ("rb", ctypes.c_int32), ("kscratch", ctypes.c_int32),
                ("epilogue", ctypes.c_int32), ("conv_first", ctypes.c_int32), ("other", ctypes.c_void_p),
                ("eip", ctypes.c_void_p), ("efp", ctypes.c_void_p)]


class CKernels:
    """The compiled kernels; every argument is passed as an address (int) or None (NULL)."""

    def __init__(self, path):
        self.path = str(path)
        self.lib = ctypes.CDLL(self.path)
        for name in C_KERNELS:
            f = getattr(self.lib, "tc_" + name)
            f.argtypes = [ctypes.c_void_p] * 4
            f.restype = None
        self.lib.tc_run_streamed.argtypes = [ctypes.c_void_p] * 5 + [ctypes.POINTER(TcStream)]
        self.lib.tc_run_streamed.restype = None

    def fn(self, name):
        return getattr(self.lib, "tc_" + name)

    def address(self, name):
        return ctypes.cast(self.fn(name), ctypes.c_void_p).value


@pytest.fixture(scope="module")
def ck(tmp_path_factory):
    return CKernels(compile_library(tmp_path_factory.mktemp("tc_kernels")))


def aligned(nbytes, align=64, skew=0):
    """A uint8 array of nbytes whose address is skew modulo align."""
    raw = np.zeros(nbytes + 2 * align, np.uint8)
    off = (skew - raw.ctypes.data) % align
    return raw[off:off + nbytes]


def _empty(nbytes):
    return aligned(nbytes, 16)


def call_step(ck, step, addr_of, scratch, alloc=_empty):
    """One executor step as a C call. addr_of((space, offset, nbytes)) -> address; scratch: address
    or None. The parameter and buffer arrays come from alloc(nbytes) (guarded in the fuzz tests);
    returns what must stay alive until the call is done."""
    name, bufs, ip, fp = step[:4]
    stream = step[4] if len(step) > 4 else None
    keep = []

    def arr(values, dtype):
        a = alloc(len(values) * np.dtype(dtype).itemsize).view(dtype)
        a[:] = values
        keep.append(a)
        return a.ctypes.data
    pbuf = arr([addr_of(b) for b in bufs], np.uintp)
    pip = arr(list(ip), np.int32) if len(ip) else None
    pfp = arr(list(fp), np.float32) if len(fp) else None
    if stream is None:
        ck.fn(name)(pbuf, pip, pfp, scratch)
        return keep
    delay, epilogue = stream[0], stream[1]
    reverse = bool(stream[2]) if len(stream) > 2 else False
    pt_index, sh_index, ch_index, e = _host._STREAM[name]
    st = TcStream(delay, int(reverse), pt_index, sh_index, ip[5] * ip[ch_index] * e,
                  _host.kernel_scratch(name, ip, fp), 0, 0, None, None, None)
    if epilogue is not None:
        kind, other, aip, afp, conv_first = epilogue
        st.epilogue = 1 if kind == "add_s8" else 2
        st.conv_first = int(bool(conv_first))
        st.other = addr_of(other)
        st.eip = arr(list(aip), np.int32) if len(aip) else None
        st.efp = arr(list(afp), np.float32) if len(afp) else None
    keep.append(st)
    ck.lib.tc_run_streamed(ck.address(name), pbuf, pip, pfp, scratch, ctypes.byref(st))
    return keep


def step_scratch(size, step, consts):
    """The exact scratch bytes the executor's validation asks for this step."""
    return _host.Executor(size, [step], consts).scratch_nbytes


CANARY = 64


def run_plan_c(ck, size, steps, consts, init, rng):
    """Run the steps with the C kernels over a copy of `init`; return the arena."""
    arena = aligned(size)
    arena[:] = init

    def addr_of(b):
        space, off, _ = b
        return (arena.ctypes.data if space == -1 else consts[space].ctypes.data) + off
    for step in steps:
        need = step_scratch(size, step, consts)
        sbuf = aligned(need + CANARY, 64, skew=4)  # only 4-byte aligned, as the ABI promises
        sbuf[:] = rng.integers(0, 256, sbuf.size)
        canary = sbuf[need:].copy()
        call_step(ck, step, addr_of, sbuf.ctypes.data if need else None)
        assert np.array_equal(sbuf[need:], canary), (step[0], "wrote past its scratch")
    return arena


def run_plan_host(size, steps, consts, init):
    ex = _host.Executor(size, steps, consts)
    ex.arena[:] = init
    ex.run()
    return ex.arena.copy()


def assert_same(got, want, steps, what="", exact=False, bounds=None):
    """Byte for byte, except the float32 outputs: a NaN matches a NaN whatever its sign and payload
    (the CPU's choice), and (unless exact) the outputs of FMA_KERNELS steps, whose summation order
    differs between the C and the host kernels, must lie within twice the error bound of their
    arithmetic: ``bounds`` maps the output's arena offset to its bound (tinycc.tolerance)."""
    floats = np.zeros(got.size, bool)
    regions = []
    for step in steps:
        if step[0].endswith("_f32"):
            space, off, n = step[1][1]
            floats[off:off + n] = True
            regions.append((step[0], off, n))
    bad = np.flatnonzero((got != want) & ~floats)
    assert bad.size == 0, f"{what}: {bad.size} bytes differ, first at {bad[0]}: got {got[bad[0]]}, want {want[bad[0]]}"
    for kernel, off, n in regions:
        g, w = got[off:off + n].view(np.float32), want[off:off + n].view(np.float32)
        if kernel in FMA_KERNELS and not exact:
            assert bounds is not None and off in bounds, f"{what}: no error bound given for {kernel}'s output"
            mm = tolerance.compare(g, w, bounds[off])
            assert mm is None, f"{what}: {mm}"
        else:
            same = (got[off:off + n].view(np.uint32) == want[off:off + n].view(np.uint32)) | (np.isnan(g) & np.isnan(w))
            assert same.all(), f"{what}: {kernel} output {np.flatnonzero(~same)[0]}: got {g[~same][0]}, want {w[~same][0]}"


def graph_bounds(g, inputs, place):
    """{arena offset: error bound} of the graph's outputs placed at ``place`` (tinycc.tolerance)."""
    _, bs = tolerance.bounds(g, inputs)
    return {place[n]: np.asarray(b).reshape(-1) for n, b in zip(g.outputs, bs)}


def compare_plan(ck, size, steps, consts, init, rng, what="", exact=False, bounds=None):
    want = run_plan_host(size, steps, consts, init)
    got = run_plan_c(ck, size, steps, consts, init, rng)
    assert_same(got, want, steps, what or str([s[0] for s in steps]), exact, bounds)
    return got


def compare_graph(ck, g, inputs, rng, exact=False):
    size, steps, consts, offsets = naive_plan(g)
    init = rng.integers(0, 256, size).astype(np.uint8)
    for name, x in zip(g.inputs, inputs):
        t = g.tensor(name)
        init[offsets[name]:offsets[name] + t.nbytes] = np.ascontiguousarray(x, t.dtype).reshape(-1).view(np.uint8)
    compare_plan(ck, size, steps, consts, init, rng, f"{[s[0] for s in steps]} {[g.tensor(n).shape for n in g.inputs]}",
                 exact, graph_bounds(g, inputs, offsets))


def dyadic(a, rng, step=0.25, top=4):
    """Float32 values that are multiples of `step` in [-top, top]: products and sums of a few
    thousand of them are exact in float32, so FMA or not, every summation order gives the same."""
    return (rng.integers(-int(top / step), int(top / step) + 1, np.shape(a)) * step).astype(np.float32)


def make_dyadic(g, rng):
    """The float32 constants of g replaced by dyadic values (in place)."""
    for t in g.tensors():
        if t.is_const and t.dtype == np.float32:
            d = dyadic(t.data, rng)
            d.setflags(write=False)
            t.data = d
    return g


def kernel_plan(name, inputs, out_nbytes, ip, fp=(), out_index=1):
    """A one-step plan: every input and the output at its own 64-byte aligned arena offset."""
    arrays = [np.ascontiguousarray(a).reshape(-1).view(np.uint8) for a in inputs]
    arrays.insert(out_index, np.zeros(out_nbytes, np.uint8))
    offs, size = [], 0
    for a in arrays:
        offs.append(size)
        size += (a.nbytes + 63) // 64 * 64
    init = np.zeros(max(size, 64), np.uint8)
    for o, a in zip(offs, arrays):
        init[o:o + a.nbytes] = a
    bufs = [(-1, o, a.nbytes) for o, a in zip(offs, arrays)]
    return init.size, [(name, bufs, list(ip), list(fp))], [], init


def compare_kernel(ck, rng, name, inputs, out_nbytes, ip, fp=(), out_index=1):
    size, steps, consts, init = kernel_plan(name, inputs, out_nbytes, ip, fp, out_index)
    garbage = rng.integers(0, 256, size).astype(np.uint8)
    out = steps[0][1][out_index]
    init[out[1]:out[1] + out[2]] = garbage[out[1]:out[1] + out[2]]
    compare_plan(ck, size, steps, consts, init, rng, f"{name} {list(ip)} {list(fp)}")


DTYPES = pytest.mark.parametrize("dtype", [np.int8, np.float32], ids=["s8", "f32"])


# ---- the library's shape ---------------------------------------------------------------------------

def test_every_kernel_in_its_own_file():
    """tc_<name> is defined in tc_<name>.c (what the code generator copies), once, for every kernel."""
    from tinycc.backend_c import _kernel_files
    table = _kernel_files(GENERIC)
    assert set(C_KERNELS) <= set(_host.KERNELS)
    assert len(C_STREAMABLE) == 8
    assert set(SHARED_KERNELS) <= set(_host.KERNELS)
    assert set(table) == set(C_KERNELS) | set(SHARED_KERNELS) | {"run_streamed"}
    for kernel, path in table.items():
        assert path.name == f"tc_{kernel}.c", (kernel, path)
    for path in SOURCES:
        assert len(re.findall(r"^void\s+tc_\w+\s*\(", path.read_text(), re.M)) == 1, path
        assert "#include <stdio.h>" not in path.read_text() and "malloc" not in path.read_text()
    header = (GENERIC / "tinycc_kernels.h").read_text()
    for name in C_KERNELS + SHARED_KERNELS:
        signature = rf"^void tc_{name}\(void \*const \*buf, const int32_t \*ip, const float \*fp, void \*scratch\);"
        assert re.search(signature, header, re.M), name
        assert f"tc_{name}.c" in header  # the file table at the top


def test_kernels_self_contained(tmp_path):
    """Each kernel file links alone (with the headers): the generator copies only the files a
    model uses. tc_run_streamed links with just the kernel it streams."""
    cc = shutil.which("gcc")
    if cc is None:
        pytest.fail("gcc is not installed")
    main = tmp_path / "main.c"
    for path in SOURCES:
        kernel = path.stem[3:]
        extra = [GENERIC / "tc_conv2d_s8.c"] if kernel == "run_streamed" else []
        calls = "tc_conv2d_s8(0, 0, 0, 0); tc_run_streamed(tc_conv2d_s8, 0, 0, 0, 0, 0);" \
            if kernel == "run_streamed" else f"tc_{kernel}(0, 0, 0, 0);"
        main.write_text('#include "tinycc_kernels.h"\nint main(int argc, char **argv)\n{\n  (void)argv;\n'
                        f'  if (argc > 99) {{ {calls} }}\n  return 0;\n}}\n')
        r = subprocess.run([cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I", str(GENERIC), "-o",
                            str(tmp_path / "a.out"), str(main), str(path)] + [str(e) for e in extra] + ["-lm"],
                           capture_output=True, text=True)
        assert r.returncode == 0, f"{path.name}:\n{r.stderr}"


# ---- -Werror builds -------------------------------------------------------------------------------

WARN = ["-std=c99", "-Wall", "-Wextra", "-Werror"]
BUILDS = {
    "gcc": ["gcc", "-O2"] + WARN,
    "gcc-pedantic-conversion": ["gcc", "-O2", "-pedantic", "-Wconversion", "-Wshadow", "-Wcast-align"] + WARN,
    "clang-19": ["clang-19", "-O2"] + WARN,
    "clang-19-pedantic-conversion": ["clang-19", "-O2", "-pedantic", "-Wconversion", "-Wshadow"] + WARN,
    "arm-none-eabi-gcc-Os": ["arm-none-eabi-gcc", "-mcpu=cortex-m55", "-mthumb", "-Os"] + WARN,
    "arm-none-eabi-gcc-hard-O2": ["arm-none-eabi-gcc", "-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=hard", "-O2",
                                  "-Wdouble-promotion", "-Wconversion"] + WARN,
}


@pytest.mark.parametrize("build", sorted(BUILDS))
def test_builds_warning_free(build, tmp_path):
    cmd = BUILDS[build]
    if shutil.which(cmd[0]) is None:
        pytest.fail(f"{cmd[0]} is not installed (bash targets/install_toolchains.sh)")
    for path in SOURCES:
        r = subprocess.run(cmd + ["-I", str(GENERIC), "-c", str(path), "-o", str(tmp_path / (path.stem + ".o"))],
                           capture_output=True, text=True)
        assert r.returncode == 0, f"{' '.join(cmd)} {path.name}:\n{r.stdout}{r.stderr}"


def test_no_float_no_libc_surprises(tmp_path):
    """Cortex-M55 soft-float objects: the int8 kernels (and tc_run_streamed built with
    -DTC_NO_FLOAT, without its add_f32 epilogue) call no floating-point helper; nothing calls
    malloc or stdio; only softmax_f32, lstm_f32 and log_softmax_f32 call libm (expf)."""
    cc, nm = "arm-none-eabi-gcc", "arm-none-eabi-nm"
    for tool in (cc, nm):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (bash targets/install_toolchains.sh)")
    float_files = {"quantize_f32_s8", "dequantize_s8_f32", "convert_s16", "run_streamed"}
    for path in SOURCES:
        kernel = path.stem[3:]
        obj = tmp_path / (path.stem + ".o")
        subprocess.run([cc, "-std=c99", "-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=soft", "-Os", "-I", str(GENERIC),
                        "-c", str(path), "-o", str(obj)], check=True)
        undefined = set(subprocess.run([nm, "-u", str(obj)], capture_output=True, text=True, check=True)
                        .stdout.split()) - {"U"}
        fp_helpers = {s for s in undefined if re.match(r"__aeabi_(f|d|[iu]2[fd]|[fd]2)", s) or "sf" in s or "df" in s}
        libm = undefined & {"expf", "exp", "floor", "floorf", "fabs", "fabsf", "roundf", "lrintf", "sqrtf", "logf"}
        assert not undefined & {"malloc", "free", "calloc", "printf", "fprintf", "puts", "abort"}, \
            (path.name, undefined)
        if kernel.endswith("_f32") or kernel in float_files:
            assert libm <= ({"expf"} if kernel in ("softmax_f32", "lstm_f32", "log_softmax_f32") else set()), \
                (path.name, libm)
        else:
            assert not fp_helpers and not libm, (path.name, fp_helpers, libm)
        allowed = {"memcpy", "memmove", "memset", "expf", "__aeabi_memcpy", "__aeabi_memmove", "__aeabi_memset",
                   "__aeabi_ldivmod", "__aeabi_uldivmod", "__aeabi_idiv", "__aeabi_idivmod"} | fp_helpers
        assert undefined <= allowed, (path.name, undefined - allowed)
    # tc_run_streamed without its add_f32 epilogue (-DTC_NO_FLOAT): no floating point at all
    obj = tmp_path / "nofloat.o"
    subprocess.run([cc, "-std=c99", "-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=soft", "-Os", "-DTC_NO_FLOAT",
                    "-Wall", "-Wextra", "-Werror", "-I", str(GENERIC), "-c", str(GENERIC / "tc_run_streamed.c"),
                    "-o", str(obj)], check=True)
    undefined = set(subprocess.run([nm, "-u", str(obj)], capture_output=True, text=True, check=True).stdout.split())
    assert undefined - {"U"} <= {"memcpy", "memset"}, undefined


# ---- single-op graphs -------------------------------------------------------------------------------

@DTYPES
@pytest.mark.parametrize("depthwise", [False, True], ids=["conv", "dwconv"])
def test_conv_cases(ck, dtype, depthwise):
    for i, case in enumerate(CONV_CASES):
        shape, oc, k, stride, dil, pad, act = case
        for dm in ((1, 2, 3) if depthwise else (oc,)):
            rng = np.random.default_rng(i * 10 + dm)
            g = conv_graph(rng, dtype, depthwise, shape, dm, k, stride, dil, pad, act, bias=i % 3 != 1)
            for _ in range(2):
                compare_graph(ck, g, rand_input(g, rng), rng)


def random_conv(rng, dtype, depthwise):
    n = int(rng.integers(1, 3))
    shape = (n, int(rng.integers(1, 10)), int(rng.integers(1, 10)), int(rng.choice([1, 2, 3, 5, 7, 9, 13, 17, 20])))
    k = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
    stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    dil = (int(rng.integers(1, 4)), int(rng.integers(1, 4))) if rng.random() < 0.5 else (1, 1)
    pad = ["SAME", "VALID"][rng.integers(2)]
    act = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"][rng.integers(4)]
    oc = int(rng.integers(1, 4)) if depthwise else int(rng.choice([1, 3, 4, 6, 8, 11, 16, 19]))
    try:
        g = conv_graph(rng, dtype, depthwise, shape, oc, k, stride, dil, pad, act, bias=rng.random() < 0.8)
        optable.get(g.ops()[0].kind).check_support(g.ops()[0], g)
        return g
    except (UnsupportedError, ValueError):
        return None


@DTYPES
@pytest.mark.parametrize("depthwise", [False, True], ids=["conv", "dwconv"])
@pytest.mark.parametrize("seed", range(3))
def test_conv_random(ck, dtype, depthwise, seed):
    rng = np.random.default_rng(1000 + seed * 7 + depthwise * 3 + (dtype == np.int8))
    ran = 0
    while ran < 40:
        g = random_conv(rng, dtype, depthwise)
        if g is None:
            continue
        compare_graph(ck, g, rand_input(g, rng), rng)
        ran += 1


@pytest.mark.parametrize("what", ["conv", "dwconv", "fc"])
def test_float_exact(ck, what):
    """conv2d_f32 / dwconv2d_f32 / fc_f32 on dyadic values (exact sums): byte for byte."""
    rng = np.random.default_rng(len(what))
    ran = 0
    while ran < 40:
        if what == "fc":
            g = fc_graph(rng, np.float32, (int(rng.integers(1, 4)), int(rng.integers(1, 200))),
                         int(rng.integers(1, 40)), ["NONE", "RELU", "RELU6"][rng.integers(3)], False)
        else:
            g = random_conv(rng, np.float32, what == "dwconv")
            if g is None:
                continue
        make_dyadic(g, rng)
        compare_graph(ck, g, [dyadic(x, rng) for x in rand_input(g, rng)], rng, exact=True)
        ran += 1


@DTYPES
def test_fc(ck, dtype):
    rng = np.random.default_rng(7)
    cases = [((1, 1), 1, "NONE", False), ((1, 17), 3, "RELU", False), ((3, 37), 10, "NONE", False),
             ((2, 2, 640), 128, "RELU6", True), ((1, 1000), 1, "NONE", False)]
    cases += [((int(rng.integers(1, 4)), int(rng.integers(1, 300))), int(rng.integers(1, 40)),
               ["NONE", "RELU", "RELU6"][rng.integers(3)], False) for _ in range(25)]
    for i, (in_shape, units, act, keep) in enumerate(cases):
        g = fc_graph(rng, dtype, in_shape, units, act, keep, bias=i % 4 != 2)
        for _ in range(2):
            compare_graph(ck, g, rand_input(g, rng), rng)


def pool_graph(dtype, kind, shape, k, stride, pad, act, zp=3):
    g = Graph("t")
    act_tensor(g, "x", shape, dtype, 0.07, zp)
    act_tensor(g, "y", (1, 1, 1, 1), dtype, 0.07, zp)
    g.inputs = ["x"]
    finish(g, kind, ["x"], "y", PoolOptions(pad, stride[0], stride[1], k[0], k[1], act))
    optable.get(kind).check_support(g.ops()[0], g)
    return g


@DTYPES
@pytest.mark.parametrize("kind", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
def test_pool(ck, dtype, kind):
    rng = np.random.default_rng(len(kind))
    cases = list(POOL_CASES) + [((1, 1, 1, 37), (1, 1), (1, 1), "SAME", "RELU"),
                                ((1, 7, 7, 3), (7, 7), (2, 2), "SAME", "NONE")]
    ran = 0
    while ran < len(cases) + 60:
        if ran < len(cases):
            shape, k, stride, pad, act = cases[ran]
        else:
            shape = (int(rng.integers(1, 3)), int(rng.integers(1, 12)), int(rng.integers(1, 12)),
                     int(rng.choice([1, 2, 3, 5, 8, 13, 17, 33])))
            k = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
            stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
            pad = ["SAME", "VALID"][rng.integers(2)]
            act = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"][rng.integers(4)]
        try:
            g = pool_graph(dtype, kind, shape, k, stride, pad, act, int(rng.integers(-128, 128)))
        except (UnsupportedError, ValueError):
            assert ran >= len(cases)
            continue
        x = rand_input(g, rng)
        compare_graph(ck, g, x, rng)
        if dtype == np.int8:  # the extremes: every average rounding and saturation
            for v in (-128, 127):
                compare_graph(ck, g, [np.full(g.tensor("x").shape, v, np.int8)], rng)
        ran += 1


def add_graph(dtype, shapes, scales, zps, act):
    g = Graph("t")
    act_tensor(g, "a", shapes[0], dtype, scales[0], zps[0])
    act_tensor(g, "b", shapes[1], dtype, scales[1], zps[1])
    act_tensor(g, "y", (1,), dtype, scales[2], zps[2])
    g.inputs = ["a", "b"]
    finish(g, "ADD", ["a", "b"], "y", BinaryOptions(act))
    optable.get("ADD").check_support(g.ops()[0], g)
    return g


def random_broadcast_shapes(rng):
    rank = int(rng.integers(1, 7))
    full = [int(rng.integers(1, 6)) for _ in range(rank)]
    a = [d if rng.random() < 0.6 else 1 for d in full]
    b = [d if rng.random() < 0.6 else 1 for d in full]
    a = a[int(rng.integers(0, rank)):] if rng.random() < 0.3 else a  # lower rank
    b = b[int(rng.integers(0, rank)):] if rng.random() < 0.3 else b
    return tuple(a) or (1,), tuple(b) or (1,)


@DTYPES
@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6"])
def test_add(ck, dtype, act):
    rng = np.random.default_rng(len(act) + (dtype == np.int8))
    cases = [(s, (0.05, 0.11, 0.13), (-7, 12, -3)) for s in ADD_CASES]
    for _ in range(40):
        scales = tuple(float(10 ** rng.uniform(-3, 1)) for _ in range(3))
        zps = tuple(int(v) for v in rng.integers(-128, 128, 3))
        cases.append((random_broadcast_shapes(rng), scales, zps))
    for shapes, scales, zps in cases:
        try:
            g = add_graph(dtype, shapes, scales, zps, act)
        except (UnsupportedError, ValueError):
            continue
        for _ in range(2):
            compare_graph(ck, g, rand_input(g, rng), rng)


@DTYPES
@pytest.mark.parametrize("shape,scale,beta", [
    ((1, 1), 0.1, 1.0), ((1, 37), 0.1, 1.0), ((37, 1), 0.3, 1.0), ((3, 37), 0.5, 1.0), ((2, 5, 12), 1 / 16, 0.7),
    ((1, 10), 1.0, 1.0), ((4, 1), 0.05, 2.0), ((1, 1000), 0.02, 1.0), ((2, 13), 0.9, 3.0), ((5, 37), 0.004, 0.5)])
def test_softmax(ck, dtype, shape, scale, beta):
    rng = np.random.default_rng(shape[-1])
    g = Graph("t")
    act_tensor(g, "x", shape, dtype, scale, 5)
    act_tensor(g, "y", shape, dtype, 1 / 256, -128)
    g.inputs = ["x"]
    finish(g, "SOFTMAX", ["x"], "y", SoftmaxOptions(beta))
    optable.get("SOFTMAX").check_support(g.ops()[0], g)
    for _ in range(3):
        compare_graph(ck, g, rand_input(g, rng), rng)
    for v in (17, -128, 127):
        compare_graph(ck, g, [np.full(shape, v, np.int8 if dtype == np.int8 else np.float32)], rng)


def quantize_graph(src, dst, shape, in_scale, in_zp, out_scale, out_zp):
    g = Graph("t")
    act_tensor(g, "x", shape, src, in_scale, in_zp)
    act_tensor(g, "y", shape, dst, out_scale, out_zp)
    g.inputs = ["x"]
    finish(g, "DEQUANTIZE" if dst == np.float32 else "QUANTIZE", ["x"], "y", None)
    optable.get(g.ops()[0].kind).check_support(g.ops()[0], g)
    return g


@pytest.mark.parametrize("src,dst", [(np.float32, np.int8), (np.int8, np.int8), (np.int8, np.float32)],
                         ids=["quantize", "requantize", "dequantize"])
def test_quantize(ck, src, dst):
    rng = np.random.default_rng(11)
    for shape in [(1,), (3, 17), (2, 5, 7, 3), (1000,)]:
        for _ in range(6):
            in_scale, out_scale = float(10 ** rng.uniform(-3, 1)), float(10 ** rng.uniform(-3, 1))
            zps = [int(v) for v in rng.integers(-128, 128, 2)]
            try:
                g = quantize_graph(src, dst, shape, in_scale, zps[0], out_scale, zps[1])
            except (UnsupportedError, ValueError):
                continue
            x = rand_input(g, rng)
            if src == np.float32:
                x = [x[0] * np.float32(out_scale * 100)]  # many values saturate
            compare_graph(ck, g, x, rng)
            if src == np.float32:  # exact halves, NaN, infinities, -0, denormals, huge values
                n = int(np.prod(shape))
                halves = (np.arange(n, dtype=np.float32) - n // 2 + 0.5) * np.float32(out_scale)
                compare_graph(ck, g, [halves.reshape(shape)], rng)
                with np.errstate(over="ignore"):
                    special = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-45, -1e-45, 3e38, -3e38, 0.5, -0.5, 1.5,
                                        -1.5, 2.5, -2.5, 127.5, -128.5, 0.49999997, -0.49999997, 511.99997,
                                        -511.99997, 512.0, -512.0, 1e9, -1e9], np.float32) * np.float32(out_scale)
                compare_graph(ck, g, [np.resize(special, shape)], rng)
            else:
                compare_graph(ck, g, [np.resize(np.arange(-128, 128, dtype=np.int8), shape)], rng)


def test_float_specials(ck):
    """NaN, infinities, -0 and denormals through the float32 kernels: the same bytes (NaN where
    the host has NaN; a max pool seeds with the window's first pixel, so a NaN there sticks)."""
    rng = np.random.default_rng(8)
    special = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e-45, -1e-40, 3e38, -3e38, 1.0, -2.5], np.float32)

    def sample(shape):
        x = rng.standard_normal(shape).astype(np.float32)
        mask = rng.random(shape) < 0.3
        x[mask] = rng.choice(special, int(mask.sum()))
        return x
    for kind in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        for shape, k, stride, pad in (((1, 5, 6, 3), (2, 2), (1, 1), "VALID"), ((2, 7, 5, 9), (3, 3), (2, 2), "SAME")):
            g = pool_graph(np.float32, kind, shape, k, stride, pad, "NONE")
            for _ in range(3):
                compare_graph(ck, g, [sample(shape)], rng)
    for shapes in (((3, 4, 5), (3, 4, 5)), ((2, 1, 5), (4, 1))):
        g = add_graph(np.float32, shapes, (1, 1, 1), (0, 0, 0), "RELU6")
        compare_graph(ck, g, [sample(shapes[0]), sample(shapes[1])], rng)
    for shape in ((4, 11), (1, 1)):
        g = Graph("t")
        act_tensor(g, "x", shape, np.float32)
        act_tensor(g, "y", shape, np.float32)
        g.inputs = ["x"]
        finish(g, "SOFTMAX", ["x"], "y", SoftmaxOptions(1.0))
        compare_graph(ck, g, [sample(shape)], rng)
    g = conv_graph(rng, np.float32, True, (1, 5, 5, 4), 2, (3, 3), (1, 1), (1, 1), "SAME", "NONE")
    compare_graph(ck, g, [sample((1, 5, 5, 4))], rng)


def test_copy(ck):
    rng = np.random.default_rng(3)
    for n in (0, 1, 3, 64, 1000):
        compare_kernel(ck, rng, "copy", [rng.integers(-128, 128, n).astype(np.int8)], n, [n])


# ---- fixed-point extremes (the parameter sets of test_host_kernels) ------------------------------------

@pytest.mark.parametrize("mult,shift", [(1073741824, 0), (2147483647, -31), (1518500250, 5), (1, 31),
                                        (2147483647, 31), (1895147668, -1), (0, 0), (1342177280, -13),
                                        (2147483647, 0), (1073741824, -30)])
@pytest.mark.parametrize("in_zp,out_zp", [(0, 0), (-128, 127), (127, -128)])
def test_requantize_extremes(ck, mult, shift, in_zp, out_zp):
    x = np.arange(-128, 128, dtype=np.int8)
    compare_kernel(ck, np.random.default_rng(0), "requantize_s8", [x], x.size, [x.size, in_zp, out_zp, mult, shift])


@pytest.mark.parametrize("depth", [1, 2, 37, 600, 5000])
@pytest.mark.parametrize("mult,left_shift,diff_min", SOFTMAX_PARAMS)
def test_softmax_extremes(ck, depth, mult, left_shift, diff_min):
    rng = np.random.default_rng(depth)
    for x in (rng.integers(-128, 128, (2, depth)), np.full((2, depth), 5), np.array([[127] + [-128] * (depth - 1)] * 2),
              np.array([[-128] * depth, [127] * depth])):
        compare_kernel(ck, rng, "softmax_s8", [x.astype(np.int8)], x.size, [2, depth, mult, left_shift, diff_min])


def test_add_extremes(ck):
    rng = np.random.default_rng(1)
    a = np.repeat(np.arange(-128, 128, dtype=np.int8), 256)
    b = np.tile(np.arange(-128, 128, dtype=np.int8), 256)
    params = [(128, -127, 127, 20, 1073741824, 0, 2147483647, -1, 1518500250, -19),
              (-255, 255, -128, 31, 2147483647, 31, 1, -31, 2147483647, 31),
              (0, 0, 0, 0, 0, 0, 1234567890, 7, 987654321, -3),
              (255, 255, 127, 31, 2147483647, 31, 2147483647, 31, 2147483647, 31),
              (-255, -255, -128, 0, 2147483647, -31, 2147483647, -31, 1, -31)]
    for p in params:
        for act in ((-128, 127), (-5, 17)):
            ip = [1, 1, 1, 1, 1, a.size] + [0] * 5 + [1] + [0] * 5 + [1] + list(act) + list(p)
            compare_kernel(ck, rng, "add_s8", [a, b], a.size, ip, out_index=2)


def test_conv_accumulator_wraps(ck):
    """A 1x1 conv over 70,000 channels of extreme values: the int32 sum wraps as the host's."""
    c = 70000
    rng = np.random.default_rng(2)
    for xv, wv, zp, bias in ((-128, -128, 127, 2 ** 31 - 1), (127, 127, -128, -2 ** 31), (-128, 127, 127, 0)):
        x = np.full(c, xv, np.int8)
        w = np.full(c, wv, np.int8)
        for name, extra in (("conv2d_s8", []), ("dwconv2d_s8", None)):
            if extra is None:  # depthwise: one channel, a 1 x 70000 filter over a 1 x 70000 row
                ip = [1, 1, c, 1, 1, 1, 1, 1, c, 1, 1, 1, 1, 0, 0, -128, 127, zp, 3, 1]
            else:
                ip = [1, 1, 1, c, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, -128, 127, zp, 3]
            consts = [np.array([bias], np.int32), np.array([1073741824], np.int32), np.array([-24], np.int32)]
            compare_kernel(ck, rng, name, [x, w] + consts, 1, ip)
    x = np.full(c, -128, np.int8)
    compare_kernel(ck, rng, "fc_s8", [x, np.full(c, -128, np.int8), np.array([2 ** 31 - 1], np.int32),
                                      np.array([1073741824], np.int32), np.array([-24], np.int32)], 1,
                   [1, c, 1, -128, 127, 127, 3])


def test_in_place(ck):
    """The kernels documented as in-place safe give the host's result in place."""
    rng = np.random.default_rng(5)
    x8 = rng.integers(-128, 128, 96).astype(np.int8)
    xf = (rng.standard_normal(96) * 50).astype(np.float32)
    xf[:4] = [np.nan, np.inf, -np.inf, 0.5]
    cases = [
        ("requantize_s8", x8, 96, [96, 3, -5, 1518500250, -2], []),
        ("softmax_s8", x8, 96, [4, 24, 1677721600, 23, -248], []),
        ("softmax_f32", xf[4:], 368, [4, 23], [0.5]),
        ("quantize_f32_s8", xf, 96, [96, 7], [0.3]),
        ("copy", x8, 96, [96], []),
    ]
    for name, x, out_nbytes, ip, fp in cases:
        init = np.zeros(x.nbytes, np.uint8)
        init[:] = x.view(np.uint8)
        compare_plan(ck, x.nbytes, [(name, [(-1, 0, x.nbytes), (-1, 0, out_nbytes)], ip, fp)], [], init, rng, name)
    # copy with a partial overlap, both directions
    init = rng.integers(0, 256, 256).astype(np.uint8)
    for src, dst in ((0, 13), (13, 0), (64, 65)):
        compare_plan(ck, 256, [("copy", [(-1, src, 150), (-1, dst, 150)], [150], [])], [], init, rng, "copy overlap")
    # add: the output over the first (not broadcast) input; the second is broadcast
    a = rng.integers(-128, 128, 24).astype(np.int8)
    b = rng.integers(-128, 128, 6).astype(np.int8)
    for name, e, fp, extra in (("add_s8", 1, [], [-128, 127, 5, -3, 2, 20, 1073741824, -1, 1300000000, -1,
                                                 1500000000, -18]), ("add_f32", 4, [-1.5, 2.0], [])):
        ip = [1, 1, 1, 1, 4, 6] + [0, 0, 0, 0, 6, 1] + [0, 0, 0, 0, 0, 1] + extra
        init = np.zeros(128 * e, np.uint8)
        if e == 1:
            init[:24], init[64:70] = a.view(np.uint8), b.view(np.uint8)
        else:
            init[:96] = rng.standard_normal(24).astype(np.float32).view(np.uint8)
            init[256:280] = rng.standard_normal(6).astype(np.float32).view(np.uint8)
        for first in (True, False):  # out over in1, or over in2
            bufs = [(-1, 0, 24 * e), (-1, 64 * e, 6 * e), (-1, 0, 24 * e)]
            if not first:
                bufs[0], bufs[1] = bufs[1], bufs[0]
                ip2 = ip[:6] + ip[12:18] + ip[6:12] + ip[18:]
                if e == 1:
                    ip2[20], ip2[21] = ip[21], ip[20]
                    ip2[24:28] = ip[26:28] + ip[24:26]
            else:
                ip2 = ip
            compare_plan(ck, init.size, [(name, bufs, ip2, fp)], [], init, rng, f"{name} in place")


# ---- random parameters of every kernel (extreme multipliers, shifts, biases, zero points) -------------

def _needs(name, ip, fp):
    """The bytes each buffer needs, learnt from the executor's errors; None for invalid or huge."""
    bnames, _, _ = _host.KERNELS[name]
    needs = [0] * len(bnames)
    for _ in range(len(bnames) + 1):
        try:
            _host.Executor(max(needs), [(name, [(-1, 0, n) for n in needs], ip, fp)], [])
            return needs
        except ValueError as e:
            m = re.search(r"buffer (\w+): the parameters make the kernel touch (\d+) bytes", str(e))
            if not m or int(m.group(2)) > 1 << 20:
                return None
            needs[bnames.index(m.group(1))] = int(m.group(2))
    return None


F32_BUFS = {  # which buffers hold float32 (filled with normal values; random bytes elsewhere)
    "conv2d_f32": (0, 2, 3), "dwconv2d_f32": (0, 2, 3), "fc_f32": (0, 2, 3), "avgpool_f32": (0,),
    "maxpool_f32": (0,), "add_f32": (0, 1), "softmax_f32": (0,)}


def _fill(name, bname, j, n, rng, arr):
    if bname == "shift":
        arr[:] = rng.integers(-31, 32, n // 4).astype(np.int32).view(np.uint8)
    elif j in F32_BUFS.get(name, ()):
        arr[:] = dyadic(np.zeros(n // 4), rng).view(np.uint8)
    elif name == "quantize_f32_s8" and rng.random() < 0.5:  # normal values, some huge
        arr[:] = (rng.standard_normal(n // 4) * float(10 ** rng.uniform(-2, 4))).astype(np.float32).view(np.uint8)
    else:
        arr[:] = rng.integers(0, 256, n).astype(np.uint8)


def _fuzz_compare(ck, name, ip, fp, rng, stream_of=None, guarded=False):
    """Random buffers for (name, ip, fp); the host and the C kernel on the same bytes. With
    stream_of, a streamed step (stream_of(needs) -> stream or None); with guarded, every input,
    the scratch, and the parameter and buffer arrays sit flush against PROT_NONE pages."""
    needs = _needs(name, ip, fp)
    if needs is None:
        return False
    bnames, _, _ = _host.KERNELS[name]
    out_index = len(bnames) - 1 if name.startswith("add") else 1
    pad = 64
    for at_end in ((True, False) if guarded else (True,)):
        keep = []

        def alloc(nbytes):
            if guarded:
                return thk._guarded(nbytes, at_end, keep)
            return aligned(nbytes)
        consts, bufs = [], []
        for j, (bname, n) in enumerate(zip(bnames, needs)):
            if j == out_index:
                bufs.append((-1, pad, n))
                continue
            a = alloc(n)
            _fill(name, bname, j, n, rng, a)
            consts.append(a)
            bufs.append((len(consts) - 1, 0, n))
        step = (name, bufs, ip, fp)
        if stream_of is not None:
            stream = stream_of(needs[out_index], alloc, consts)
            if stream is None:
                return False
            step = step + (stream,)
        arena_n = needs[out_index] + 2 * pad
        try:
            ex = _host.Executor(arena_n, [step], consts)
        except ValueError:
            return False
        init = rng.integers(0, 256, arena_n).astype(np.uint8)
        ex.arena[:] = init
        ex.run()
        want = ex.arena.copy()
        arena = aligned(arena_n)
        arena[:] = init

        def addr_of(b):
            space, off, _ = b
            return (arena.ctypes.data if space == -1 else consts[space].ctypes.data) + off
        need = ex.scratch_nbytes
        scratch = None
        if need:
            sbuf = alloc(need + (-need) % 4) if guarded else aligned(need + CANARY, 64, 4)
            sbuf[:] = rng.integers(0, 256, sbuf.size)
            canary = sbuf[need:].copy()
            scratch = sbuf.ctypes.data
        call_step(ck, step, addr_of, scratch, alloc)
        if need:
            assert np.array_equal(sbuf[need:], canary), (name, ip, fp, "wrote past its scratch")
        assert_same(arena, want, [step], f"{name} ip={list(ip)} fp={list(fp)} stream={step[4:]}", exact=True)
        del ex
    return True


def _stream_maker(name, ip, rng):
    e = 1 if name.endswith("s8") else 4
    oh = ip[4]
    delay = int(rng.integers(0, oh + 1)) if rng.random() < 0.3 else int(rng.integers(0, min(2, oh) + 1))
    reverse = bool(rng.integers(2))

    def make(out_nbytes, alloc, consts):
        epilogue = None
        if rng.random() < 0.6:
            other = alloc(out_nbytes)
            if e == 1:
                other[:] = rng.integers(0, 256, out_nbytes).astype(np.uint8)
                lo, hi = sorted(int(v) for v in rng.integers(-128, 128, 2))
                aip = [lo, hi] + [int(v) for v in rng.integers(-255, 256, 2)] + [int(rng.integers(-128, 128))] + \
                    [int(rng.integers(0, 32))] + [int(v) for _ in range(3) for v in (rng.integers(0, 2 ** 31),
                                                                                    rng.integers(-31, 32))]
                epilogue = ("add_s8", None, aip, [], bool(rng.integers(2)))
            else:
                other[:] = rng.standard_normal(out_nbytes // 4).astype(np.float32).view(np.uint8)
                lo, hi = sorted(float(v) for v in rng.uniform(-3, 3, 2))
                epilogue = ("add_f32", None, [], [lo, hi], bool(rng.integers(2)))
            consts.append(other)
            epilogue = (epilogue[0], (len(consts) - 1, 0, out_nbytes)) + epilogue[2:]
        return (delay, epilogue, reverse)
    return make


def fuzz_c(lib_path, n_per_kernel, seed, names=None, stream=False, guarded=False):
    """Random parameters (test_host_kernels._fuzz_params) for each kernel: the C kernel against the
    host executor; returns {kernel: runs}."""
    ckl = CKernels(lib_path)
    rng = np.random.default_rng(seed)
    ran = {}
    for name in sorted(names or (C_STREAMABLE if stream else C_KERNELS)):
        ran[name] = 0
        for _ in range(n_per_kernel):
            ip, fp = thk._fuzz_params(name, rng)
            # the C ABI's float parameters are float32 (the lowering gives float32 values; the host
            # executor would use a double as given in dequantize_s8_f32)
            fp = [float(np.float32(v)) for v in fp]
            stream_of = None
            if stream:
                ip = list(ip)
                ip[0] = 1
                if ip[4] < 1:
                    continue
                stream_of = _stream_maker(name, ip, rng)
            ran[name] += _fuzz_compare(ckl, name, ip, fp, rng, stream_of, guarded)
    return ran


@pytest.mark.parametrize("seed", range(3))
def test_fuzz_kernels(ck, seed):
    ran = fuzz_c(ck.path, 150, 100 + seed)
    assert all(v >= 10 for v in ran.values()), ran


@pytest.mark.parametrize("seed", range(3))
def test_fuzz_streamed(ck, seed):
    ran = fuzz_c(ck.path, 200, 200 + seed, stream=True)
    assert all(v >= 10 for v in ran.values()), ran


def _in_subprocess(call):
    code = ("import sys, json; sys.path.insert(0, %r); import test_c_kernels; print(json.dumps(%s))"
            % (os.path.dirname(os.path.abspath(__file__)), call))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=900)
    assert res.returncode == 0 and "runtime error" not in res.stderr, \
        f"crashed (exit {res.returncode}):\n{res.stdout[-2000:]}\n{res.stderr[-4000:]}"
    ran = __import__("json").loads(res.stdout.strip().splitlines()[-1])
    assert all(v >= 10 for v in ran.values()), ran


def test_fuzz_memory_safety(ck):
    """Guard pages around every input, the scratch, and the ip / fp / buf arrays (so tc_run_streamed
    may not read past the parameters of the kernel it streams)."""
    _in_subprocess(f"test_c_kernels.fuzz_c({ck.path!r}, 40, 4242, guarded=True)")
    _in_subprocess(f"test_c_kernels.fuzz_c({ck.path!r}, 60, 2424, stream=True, guarded=True)")


def test_fuzz_undefined_behaviour(tmp_path):
    """The kernels built with -fsanitize=undefined (shifts, signed overflow, misaligned access,
    float -> int conversions out of range abort): random parameters, plain and streamed."""
    cc = shutil.which("gcc")
    if cc is None:
        pytest.fail("gcc is not installed")
    lib = tmp_path / "libtinycc_kernels_ubsan.so"
    subprocess.run([cc, "-std=c99", "-O1", "-fPIC", "-shared", "-fsanitize=undefined", "-fsanitize=float-cast-overflow",
                    "-fno-sanitize-recover=all", "-I", str(GENERIC), "-o", str(lib)] + [str(s) for s in SOURCES]
                   + ["-lm"], check=True)
    _in_subprocess(f"test_c_kernels.fuzz_c({str(lib)!r}, 100, 77)")
    _in_subprocess(f"test_c_kernels.fuzz_c({str(lib)!r}, 100, 78, stream=True)")


# ---- tc_run_streamed on the streaming tests' plans ---------------------------------------------------

def stream_steps(graph, calls, place, streams=None):
    """(steps, consts) as test_streaming.build makes them."""
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
        steps.append((kernel, [buf(b) for b in bufs], ip, fp) + ((stream,) if stream is not None else ()))
    return steps, consts


def put(init, graph, place, name, x):
    t = graph.tensor(name)
    init[place[name]:place[name] + t.nbytes] = np.ascontiguousarray(x, t.dtype).reshape(-1).view(np.uint8)


@pytest.mark.parametrize("seed", range(4))
def test_streamed_random(ck, seed):
    """Random geometries, delays 0..2 and oh, both directions, nothing overlapping."""
    rng = np.random.default_rng(seed)
    ran = 0
    while ran < 15:
        g = tst.random_geometry(rng)
        if g is None:
            continue
        ran += 1
        calls = tst.lowered(g)
        place, size = tst.naive_place(g)
        init = rng.integers(0, 256, size).astype(np.uint8)
        x = tst.rand(g.tensor("x"), rng)
        put(init, g, place, "x", x)
        oh = g.tensor("y").shape[1]
        for d in sorted({0, 1, 2, oh} & set(range(oh + 1))):
            for reverse in (False, True):
                steps, consts = stream_steps(g, calls, place, [(d, None, reverse)])
                compare_plan(ck, size, steps, consts, init, rng, f"{calls[0][0]} d={d} reverse={reverse}",
                             bounds=graph_bounds(g, [x], place))


@DTYPES
@pytest.mark.parametrize("case", sorted(tst.IN_PLACE_CASES))
def test_streamed_in_place(ck, case, dtype):
    """Input at offset delta above the output in one buffer (the planner's in-place placement)."""
    rng = np.random.default_rng(len(case))
    g = tst.IN_PLACE_CASES[case](rng, dtype)
    x = tst.rand(g.tensor("x"), rng)
    calls = tst.lowered(g)
    oh, sh, pt, irb, orb = tst.geom(calls)
    xt, yt = g.tensor("x"), g.tensor("y")
    for d in range(min(2, oh) + 1):
        delta = tst.in_place_delta(oh, sh, pt, irb, orb, d)
        size = (max(delta + xt.nbytes, yt.nbytes) + 63) // 64 * 64
        init = rng.integers(0, 256, size).astype(np.uint8)
        put(init, g, {"x": delta}, "x", x)
        steps, consts = stream_steps(g, calls, {"x": delta, "y": 0}, [(d, None)])
        compare_plan(ck, size, steps, consts, init, rng, f"{case} d={d}", bounds=graph_bounds(g, [x], {"y": 0}))
    # reverse, output at the input's base (right for a growing 1x1 conv; for the others the
    # output overwrites input still to be read: still the same bytes as the host, but float32
    # rounding differences then feed back, so the FMA kernels are compared only where it is right)
    size = (max(xt.nbytes, yt.nbytes) + 63) // 64 * 64
    init = rng.integers(0, 256, size).astype(np.uint8)
    put(init, g, {"x": 0}, "x", x)
    plain_steps, plain_consts = stream_steps(g, calls, {"x": yt.nbytes + 64 - yt.nbytes % 64, "y": 0})
    plain_init = np.zeros(yt.nbytes + 64 - yt.nbytes % 64 + xt.nbytes, np.uint8)
    put(plain_init, g, {"x": yt.nbytes + 64 - yt.nbytes % 64}, "x", x)
    plain = run_plan_host(plain_init.size, plain_steps, plain_consts, plain_init)[:yt.nbytes]
    for d in range(min(2, oh) + 1):
        steps, consts = stream_steps(g, calls, {"x": 0, "y": 0}, [(d, None, True)])
        right = np.array_equal(run_plan_host(size, steps, consts, init)[:yt.nbytes], plain)
        if calls[0][0] in FMA_KERNELS and not right:
            continue
        compare_plan(ck, size, steps, consts, init, rng, f"{case} reverse d={d}", bounds=graph_bounds(g, [x], {"y": 0}))


@DTYPES
@pytest.mark.parametrize("conv_first", [True, False], ids=["conv_first", "other_first"])
@pytest.mark.parametrize("case", tst.EPILOGUE_CASES)
def test_streamed_epilogue(ck, case, conv_first, dtype):
    rng = np.random.default_rng(len(case) + conv_first)
    g = tst.conv_add_graph(rng, dtype, tst.IN_PLACE_CASES[case], conv_first, "RELU" if conv_first else "NONE")
    x, o = tst.rand(g.tensor("x"), rng), tst.rand(g.tensor("o"), rng)
    calls = tst.lowered(g)
    oh = g.tensor("y").shape[1]
    ep = tst.fused_epilogue(g, calls, conv_first)
    zbytes, xbytes = g.tensor("z").nbytes, g.tensor("x").nbytes
    irb, orb = tst.geom(calls)[3:]
    for d in range(min(2, oh) + 1):
        for reverse in (False, True):
            # output exactly over `other`; the conv's own output tensor never exists
            xoff = (zbytes + 63) // 64 * 64
            place = {"x": xoff, "y": 0, "o": 0, "z": 0}
            init = rng.integers(0, 256, xoff + xbytes).astype(np.uint8)
            put(init, g, place, "x", x)
            put(init, g, place, "o", o)
            steps, consts = stream_steps(g, calls[:1], place, [(d, ep, reverse)])
            compare_plan(ck, init.size, steps, consts, init, rng, f"{case} d={d} reverse={reverse} over other",
                         bounds=graph_bounds(g, [x, o], place))
        # other in its own buffer, the input in place under the output
        delta = tst.in_place_delta(*tst.geom(calls)[:3], irb, orb, d)
        ooff = (max(delta + xbytes, zbytes) + 63) // 64 * 64
        place = {"x": delta, "y": 0, "z": 0, "o": ooff}
        init = rng.integers(0, 256, ooff + zbytes).astype(np.uint8)
        put(init, g, place, "x", x)
        put(init, g, place, "o", o)
        steps, consts = stream_steps(g, calls[:1], place, [(d, ep, False)])
        compare_plan(ck, init.size, steps, consts, init, rng, f"{case} d={d} in place over x",
                     bounds=graph_bounds(g, [x, o], place))
