"""The C kernels as a library: the files of targets/generic (and targets/x86_64), built and run on
their own, outside the host executor.

Each kernel is one file that links alone; the kernel ABI header (tc_abi.h) and the host's kernel
table (tc_host_table.h) are what tinycc/kernels.py and tinycc/isa.py generate; every file builds
warning-free (-Werror) with gcc, clang-19 and arm-none-eabi-gcc, pedantic and with -Wconversion;
the integer kernels call no floating-point helper and no libc beyond string.h, the float ones no
libm beyond expf. Random parameters of every kernel, plain and row-streamed through
tc_run_streamed, run on a separately compiled library (called through ctypes) with guard pages
around every input, the scratch and the parameter arrays (a read past them faults), and built with
-fsanitize=undefined (any undefined behaviour aborts); their results must equal the host
executor's on the same bytes (the same source, another compilation). A missing compiler fails,
it does not skip.
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

from tinycc import _host, isa
from tinycc import kernels as kt
from tinycc import ops as optable
from tinycc.errors import UnsupportedError
from tinycc.ir import Graph
from tinycc.ops.elementwise import BinaryOptions
from tinycc.ops.pool import PoolOptions
from tinycc.ops.softmax import SoftmaxOptions

import test_host_kernels as thk
from test_host_kernels import act_tensor, conv_graph, finish

ROOT = pathlib.Path(__file__).resolve().parent.parent
GENERIC = ROOT / "targets" / "generic"
SOURCES = sorted(GENERIC.glob("*.c"))

X86 = ROOT / "targets" / "x86_64"
X86_SOURCES = sorted(X86.glob("*.c"))

# ---- the library ----------------------------------------------------------------------------------

def compile_library(out_dir):
    cc = shutil.which("gcc")
    if cc is None:
        pytest.fail("gcc is not installed: the C kernels cannot be tested")
    lib = pathlib.Path(out_dir) / "libtinycc_kernels.so"
    cmd = [cc, "-std=c99", "-O2", "-fPIC", "-shared", "-Wall", "-Wextra", "-Werror", "-I", str(GENERIC), "-I",
           str(X86), "-o", str(lib)] + [str(s) for s in SOURCES + X86_SOURCES] + ["-lm"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    assert r.returncode == 0, f"{' '.join(cmd)}\n{r.stdout}{r.stderr}"
    return lib


class TcRef(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("off", ctypes.c_int32)]


class TcStream(ctypes.Structure):
    _fields_ = [(n, ctypes.c_int32) for n in ("delay", "reverse", "nip", "nbuf", "oh_index", "pt_index", "sh_index",
                                              "rb", "kscratch", "epilogue", "conv_first")] + \
        [("other", TcRef), ("eip", ctypes.c_void_p), ("efp", ctypes.c_void_p)]


class CKernels:
    """The compiled kernels; every argument is passed as an address (int) or None (NULL)."""

    def __init__(self, path):
        self.path = str(path)
        self.lib = ctypes.CDLL(self.path)
        for name in self.names():
            f = getattr(self.lib, isa.impl(name).symbol)
            f.argtypes = [ctypes.c_void_p] * 4
            f.restype = None
        self.lib.tc_run_streamed.argtypes = [ctypes.c_void_p] * 5 + [ctypes.POINTER(TcStream), ctypes.c_void_p]
        self.lib.tc_run_streamed.restype = None

    @staticmethod
    def names():
        """Every implementation in the library: each kernel, and its x86-64 versions this CPU runs."""
        return sorted(kt.KERNELS) + sorted(i.name for i in isa.SIMD.values() if i.isa in isa.cpu_levels())

    def fn(self, name):
        return getattr(self.lib, isa.impl(name).symbol)

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
    impl = isa.impl(name)
    k = impl.kernel
    p, f, _, kscratch = impl.validate(ip, fp)
    st = TcStream(delay, int(reverse), len(k.iparams), len(k.bufs), k.iparams.index("oh"), k.iparams.index("pt"),
                  k.iparams.index("sh"), p["ow"] * p[k.stream.ch] * k.stream.esize, kscratch, 0, 0, TcRef(None, -1), None,
                  None)
    if epilogue is not None:
        kind, other, aip, afp, conv_first = epilogue
        st.epilogue = 1 if kind == "add_s8" else 2
        st.conv_first = int(bool(conv_first))
        st.other = TcRef(addr_of(other), 0)
        st.eip = arr(list(aip), np.int32) if len(aip) else None
        st.efp = arr(list(afp), np.float32) if len(afp) else None
    keep.append(st)
    ck.lib.tc_run_streamed(ck.address(name), pbuf, pip, pfp, scratch, ctypes.byref(st), None)
    return keep


CANARY = 64


def dyadic(a, rng, step=0.25, top=4):
    """Float32 values that are multiples of `step` in [-top, top]: products and sums of a few
    thousand of them are exact in float32, so FMA or not, every summation order gives the same."""
    return (rng.integers(-int(top / step), int(top / step) + 1, np.shape(a)) * step).astype(np.float32)


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


# ---- the library's shape ---------------------------------------------------------------------------

def test_every_kernel_in_its_own_file():
    """tc_<name> is defined in tc_<name>.c (what the code generator copies), once, for every kernel."""
    from tinycc.backend_c import _kernel_files
    table = _kernel_files(GENERIC)
    assert set(table) == set(kt.KERNELS) | {"run_streamed", "run_chain"}
    for kernel, path in table.items():
        assert path.name == f"tc_{kernel}.c", (kernel, path)
    for path in SOURCES:
        assert len(re.findall(r"^void\s+tc_\w+\s*\(", path.read_text(), re.M)) == 1, path
        assert "#include <stdio.h>" not in path.read_text() and "malloc" not in path.read_text()


def test_generated_headers_are_current():
    """tc_abi.h is what the kernel table generates (`python -m tinycc.kernels`), tc_host_table.h what
    the table and the x86-64 versions generate (`python -m tinycc.isa`)."""
    assert (GENERIC / "tc_abi.h").read_text() == kt.c_header(), "python -m tinycc.kernels > targets/generic/tc_abi.h"
    assert (ROOT / "kernels_pyx" / "tc_host_table.h").read_text() == isa.host_table(), \
        "python -m tinycc.isa > kernels_pyx/tc_host_table.h"


def test_no_parameter_by_a_bare_index():
    """Kernels address their parameters and buffers by the table's index names (ip[TCP_...]),
    never by a literal number."""
    bare = re.compile(r"\b(ip|fp|buf|eip|efp)\s*\[\s*\d+\s*\]|\b(ip|eip)\s*\+\s*\d+\b")
    for path in SOURCES + X86_SOURCES + sorted((ROOT / "targets").glob("*/*.[ch]")):
        if path.name in ("tc_abi.h",):
            continue
        found = [m.group(0) for m in bare.finditer(path.read_text())]
        assert not found, f"{path.relative_to(ROOT)}: {found[:5]}"


def test_kernels_self_contained(tmp_path):
    """Each kernel file links alone (with the headers): the generator copies only the files a
    model uses. tc_run_streamed and tc_run_chain link with just the kernels they stream."""
    cc = shutil.which("gcc")
    if cc is None:
        pytest.fail("gcc is not installed")
    from tinycc.backend_c import companion_sources
    main = tmp_path / "main.c"
    shared = companion_sources(GENERIC)  # code the runners share (tc_stream.c): no kernel, linked with them
    for path in SOURCES:
        if path.name in shared:
            continue
        kernel = path.stem[3:]
        extra = [GENERIC / "tc_conv2d_s8.c"] + [GENERIC / n for n in sorted(shared)] \
            if kernel in ("run_streamed", "run_chain") else []
        calls = {"run_streamed": "tc_conv2d_s8(0, 0, 0, 0); tc_run_streamed(tc_conv2d_s8, 0, 0, 0, 0, 0, 0);",
                 "run_chain": "tc_conv2d_s8(0, 0, 0, 0); tc_run_chain(0, 0, 0);"}.get(kernel, f"tc_{kernel}(0, 0, 0, 0);")
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
    """Cortex-M55 soft-float objects: the int8 kernels (and tc_run_streamed and tc_run_chain built with
    -DTC_NO_FLOAT, without the add_f32 epilogue) call no floating-point helper; nothing calls
    malloc or stdio; only softmax_f32, lstm_f32 and log_softmax_f32 call libm (expf)."""
    cc, nm = "arm-none-eabi-gcc", "arm-none-eabi-nm"
    for tool in (cc, nm):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (bash targets/install_toolchains.sh)")
    float_files = {"quantize_f32_s8", "dequantize_s8_f32", "convert_s16", "run_streamed", "run_chain", "stream",
                   "cast"}
    for path in SOURCES:
        kernel = path.stem[3:]
        obj = tmp_path / (path.stem + ".o")
        subprocess.run([cc, "-std=c99", "-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=soft", "-Os", "-I", str(GENERIC),
                        "-c", str(path), "-o", str(obj)], check=True)
        undefined = set(subprocess.run([nm, "-u", str(obj)], capture_output=True, text=True, check=True)
                        .stdout.split()) - {"U"}
        fp_helpers = {s for s in undefined if re.match(r"__aeabi_(f|d|u?[il]2[fd]|[fd]2)", s) or "sf" in s or "df" in s}
        libm = undefined & {"expf", "exp", "floor", "floorf", "fabs", "fabsf", "roundf", "lrintf", "sqrtf", "logf"}
        assert not undefined & {"malloc", "free", "calloc", "printf", "fprintf", "puts", "abort"}, \
            (path.name, undefined)
        if kernel.endswith("_f32") or kernel in float_files:
            assert libm <= ({"expf"} if kernel in ("softmax_f32", "lstm_f32", "log_softmax_f32") else set()), \
                (path.name, libm)
        else:
            assert not fp_helpers and not libm, (path.name, fp_helpers, libm)
        allowed = {"memcpy", "memmove", "memset", "expf", "__aeabi_memcpy", "__aeabi_memmove", "__aeabi_memset",
                   "__aeabi_ldivmod", "__aeabi_uldivmod", "__aeabi_idiv", "__aeabi_idivmod"} | fp_helpers \
            | ({"tc_flush_row"} if kernel in ("run_streamed", "run_chain") else set())  # tc_stream.c's
        assert undefined <= allowed, (path.name, undefined - allowed)
    # the row runners without the add_f32 epilogue (-DTC_NO_FLOAT): no floating point at all
    for runner in ("run_streamed", "run_chain", "stream"):
        obj = tmp_path / "nofloat.o"
        subprocess.run([cc, "-std=c99", "-mcpu=cortex-m55", "-mthumb", "-mfloat-abi=soft", "-Os", "-DTC_NO_FLOAT",
                        "-Wall", "-Wextra", "-Werror", "-I", str(GENERIC), "-c", str(GENERIC / f"tc_{runner}.c"),
                        "-o", str(obj)], check=True)
        undefined = set(subprocess.run([nm, "-u", str(obj)], capture_output=True, text=True, check=True).stdout.split())
        assert undefined - {"U"} <= {"memcpy", "memset", "memmove", "tc_flush_row"}, (runner, undefined)


# ---- single-op graphs -------------------------------------------------------------------------------


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


def pool_graph(dtype, kind, shape, k, stride, pad, act, zp=3):
    g = Graph("t")
    act_tensor(g, "x", shape, dtype, 0.07, zp)
    act_tensor(g, "y", (1, 1, 1, 1), dtype, 0.07, zp)
    g.inputs = ["x"]
    finish(g, kind, ["x"], "y", PoolOptions(pad, stride[0], stride[1], k[0], k[1], act))
    optable.get(kind).check_support(g.ops()[0], g)
    return g


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


def quantize_graph(src, dst, shape, in_scale, in_zp, out_scale, out_zp):
    g = Graph("t")
    act_tensor(g, "x", shape, src, in_scale, in_zp)
    act_tensor(g, "y", shape, dst, out_scale, out_zp)
    g.inputs = ["x"]
    finish(g, "DEQUANTIZE" if dst == np.float32 else "QUANTIZE", ["x"], "y", None)
    optable.get(g.ops()[0].kind).check_support(g.ops()[0], g)
    return g



# ---- random parameters of every kernel (extreme multipliers, shifts, biases, zero points) -------------

def _needs(name, ip, fp):
    """The bytes each buffer needs (the kernel table's); None for invalid or huge."""
    try:
        needs = isa.impl(name).validate(ip, fp)[2]
    except kt.KernelParamError:
        return None
    return needs if max(needs, default=0) <= 1 << 20 else None


def _fill(k, b, n, rng, arr):
    """Random bytes; per-channel shifts in [-31, 31]; float32 operands of the float kernels as values
    (some huge for QUANTIZE)."""
    floats = b.esize == 4 and ("f32" in k.name) and b.name not in ("yidx", "xidx", "out")
    if b.name == "shift":
        arr[:] = rng.integers(-31, 32, n // 4).astype(np.int32).view(np.uint8)
    elif floats and k.name == "quantize_f32_s8":
        arr[:] = (rng.standard_normal(n // 4) * float(10 ** rng.uniform(-2, 4))).astype(np.float32).view(np.uint8)
    elif floats:
        arr[:] = dyadic(np.zeros(n // 4), rng).view(np.uint8)
    else:
        arr[:] = rng.integers(0, 256, n).astype(np.uint8)


def _fuzz_compare(ck, name, ip, fp, rng, stream_of=None, guarded=False):
    """Random buffers for (name, ip, fp); the host and the C kernel on the same bytes. With
    stream_of, a streamed step (stream_of(needs) -> stream or None); with guarded, every input,
    the scratch, and the parameter and buffer arrays sit flush against PROT_NONE pages."""
    needs = _needs(name, ip, fp)
    if needs is None:
        return False
    k = isa.impl(name).kernel
    pad = 64
    for at_end in ((True, False) if guarded else (True,)):
        keep = []

        def alloc(nbytes):
            if guarded:
                return thk._guarded(nbytes, at_end, keep)
            return aligned(nbytes)
        consts, bufs, arena_n = [], [], pad
        for j, (b, n) in enumerate(zip(k.bufs, needs)):
            if b.out:  # written buffers in the arena, pad bytes apart
                bufs.append((-1, arena_n, n))
                arena_n += -(-n // 16) * 16 + pad
                continue
            a = alloc(n)
            _fill(k, b, n, rng, a)
            consts.append(a)
            bufs.append((len(consts) - 1, 0, n))
        step = (name, bufs, ip, fp)
        if stream_of is not None:
            stream = stream_of(needs[1], alloc, consts)
            if stream is None:
                return False
            step = step + (stream,)
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
        same = (arena == want) | _both_nan(arena, want, k, bufs)
        assert same.all(), f"{name} ip={list(ip)} fp={list(fp)} stream={step[4:]}: byte {np.flatnonzero(~same)[0]} differs"
        del ex
    return True


def _both_nan(got, want, k, bufs):
    """Bytes of float32 outputs where both are NaN (the payload is the compiler's choice)."""
    mask = np.zeros(got.size, bool)
    for b, (space, off, n) in zip(k.bufs, bufs):
        if b.out and b.esize == 4 and "f32" in k.name:
            g, w = got[off:off + n].view(np.float32), want[off:off + n].view(np.float32)
            mask[off:off + n] = np.repeat(np.isnan(g) & np.isnan(w), 4)
    return mask


def _stream_maker(name, ip, rng):
    k = isa.impl(name).kernel
    e = k.stream.esize
    oh = ip[k.iparams.index("oh")]
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
                aip += [0] * len(kt.ADD_LIN)  # (no linear form: the generic kernel's arithmetic)
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
    for name in sorted(names or [n for n in CKernels.names() if not stream or isa.impl(n).kernel.stream]):
        ran[name] = 0
        for _ in range(n_per_kernel):
            ip, fp = thk._fuzz_params(name, rng)
            # the C ABI's float parameters are float32 (the lowering gives float32 values; the host
            # executor would use a double as given in dequantize_s8_f32)
            fp = [float(np.float32(v)) for v in fp]
            stream_of = None
            if stream:
                k = isa.impl(name).kernel
                ip = list(ip)
                ip[k.iparams.index("n")] = 1
                if ip[k.iparams.index("oh")] < 1:
                    continue
                stream_of = _stream_maker(name, ip, rng)
            ran[name] += _fuzz_compare(ckl, name, ip, fp, rng, stream_of, guarded)
    return ran


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
    _in_subprocess(f"test_c_kernels.fuzz_c({ck.path!r}, 60, 4242, guarded=True)")
    _in_subprocess(f"test_c_kernels.fuzz_c({ck.path!r}, 60, 2424, stream=True, guarded=True)")


def test_fuzz_undefined_behaviour(tmp_path):
    """The kernels built with -fsanitize=undefined (shifts, signed overflow, misaligned access,
    float -> int conversions out of range abort): random parameters, plain and streamed."""
    cc = shutil.which("gcc")
    if cc is None:
        pytest.fail("gcc is not installed")
    lib = tmp_path / "libtinycc_kernels_ubsan.so"
    subprocess.run([cc, "-std=c99", "-O1", "-fPIC", "-shared", "-fsanitize=undefined", "-fsanitize=float-cast-overflow",
                    "-fno-sanitize-recover=all", "-I", str(GENERIC), "-I", str(X86), "-o", str(lib)]
                   + [str(s) for s in SOURCES + X86_SOURCES] + ["-lm"], check=True)
    _in_subprocess(f"test_c_kernels.fuzz_c({str(lib)!r}, 100, 77)")
    _in_subprocess(f"test_c_kernels.fuzz_c({str(lib)!r}, 100, 78, stream=True)")
