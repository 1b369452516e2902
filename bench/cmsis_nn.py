"""CMSIS-NN as the Cortex-M4 anchor, measured: a model built as a bare-metal program for the
Cortex-M4 (mps2-an386) in which every layer runs on Arm's CMSIS-NN int8 kernels, from a checkout the
user points to (CMSIS_NN_DIR; nothing of it is copied into this repository), counted exactly as
tinycc's own builds are (the harness of targets/cortex-m, its marks around the invoke, the same QEMU
plugin).

tinycc plans the model (target cortex-m4, plan "fast": whole-tensor calls; the portable kernels'
calls, so the constants are TFLite's: OHWI weights, int32 bias, per-channel multiplier and shift);
this module writes a model.c whose steps call CMSIS-NN at the same arena offsets (reshapes are
aliases in the plan) and builds it with the harness and CMSIS-NN's sources:

    CMSIS_NN_DIR=/path/to/CMSIS-NN python bench/cmsis_nn.py kws_ref_model vww_96_int8

prints the instructions per inference and checks the outputs are bit-exact with TFLite Micro;
bench/bench_targets.py uses ``CmsisNN`` for its cortex-m4 anchors when CMSIS_NN_DIR is set."""
import os
import pathlib
import sys
import tempfile

import numpy as np

import tinycc
from tinycc.backend_c import _CTYPES, TARGETS_DIR, CProgram
from tinycc.ctarget import CortexM4Runner, CTargetModel, ToolError, _run

#: CMSIS-NN's source directories the int8 layers need (their integer sources compiled whole: robust to
#: its file layout; the linker keeps what the model calls)
SOURCE_DIRS = ("ConvolutionFunctions", "FullyConnectedFunctions", "NNSupportFunctions", "PoolingFunctions",
               "SoftmaxFunctions", "BasicMathFunctions")


def _dims(*v) -> str:
    return "{" + ", ".join(str(int(x)) for x in v) + "}"


def _contiguous(d) -> list:
    s, out = 1, []
    for n in reversed(d):
        out.append(s)
        s *= n
    return out[::-1]


class _Steps:
    """model.c's steps: per step its parameter structs (file scope, shared by the reset
    that checks the scratch size and the invoke) and its CMSIS-NN call."""

    def __init__(self, model):
        self.m, self.graph, self.plan = model, model.graph, model.plan
        self.decls, self.sizes, self.body, self.scratch, self.n = [], [], [], 0, 0

    def buf(self, b, ctype="int8_t") -> str:
        """A buffer: NULL, an arena tensor, or a constant (CProgram's arrays: each emitted once)."""
        const = not isinstance(b, str) or self.graph.tensor(b).is_const
        if b is None or not const:
            return "NULL" if b is None else f"({ctype} *)(A + {self.plan.offset(b)})"
        return f"({ctype} *){self.m.program._const(self.graph.tensor(b).data if isinstance(b, str) else b)}"

    def quant(self, b) -> str:
        """Per-channel multiplier and shift (TFLite's, bufs 4 and 5) as CMSIS-NN's initializer."""
        return f"{{{self.buf(b[4], 'int32_t')}, {self.buf(b[5], 'int32_t')}}}"

    def add(self, call):
        k, p, b, s = call.kernel, call.params, call.bufs, f"{self.n}"
        x, y = self.buf(b[0]), self.buf(b[1])
        act = f"{{{p['act_min']}, {p['act_max']}}}" if "act_min" in p else ""
        if k in ("conv2d_s8", "dwconv2d_s8"):
            dw = k == "dwconv2d_s8"
            tiles = f"{{{p['sw']}, {p['sh']}}}, {{{p['pl']}, {p['pt']}}}, {{{p['dw']}, {p['dh']}}}, {act}"
            kind, fn = ("dw_conv", "arm_depthwise_conv_wrapper_s8") if dw else ("conv", "arm_convolve_wrapper_s8")
            self.decls += [f"static const cmsis_nn_{kind}_params p{s} = {{{-p['in_zp']}, {p['out_zp']}, "
                           f"{str(p['dm']) + ', ' if dw else ''}{tiles}}};",
                           f"static const cmsis_nn_dims i{s} = {_dims(p['n'], p['h'], p['w'], p['c'])}, "
                           f"f{s} = {_dims(1 if dw else p['oc'], p['kh'], p['kw'], p['oc'] if dw else p['c'])}, "
                           f"b{s} = {_dims(1, 1, 1, p['oc'])}, o{s} = {_dims(p['n'], p['oh'], p['ow'], p['oc'])};"]
            self.sizes.append(f"{fn}_get_buffer_size(&p{s}, &i{s}, &f{s}, &o{s})")
            self.call(f"{{ const cmsis_nn_per_channel_quant_params q = {self.quant(b)};\n"
                      f"    ok &= {fn}(&ctx, &p{s}, &q, &i{s}, {x}, &f{s}, {self.buf(b[2])}, &b{s}, "
                      f"{self.buf(b[3], 'int32_t')}, &o{s}, {y}) == ARM_CMSIS_NN_SUCCESS; }}")
            self.scratch = max(self.scratch, 4 * p["kh"] * p["kw"] * max(p["c"], p["oc"]) + 64)
        elif k == "fc_s8":
            mult, shift = (np.asarray(self.graph.tensor(v).data if isinstance(v, str) else v).ravel() for v in b[4:6])
            per_tensor = len(set(mult.tolist())) == 1 and len(set(shift.tolist())) == 1
            self.decls += [f"static const cmsis_nn_fc_params p{s} = {{{-p['in_zp']}, 0, {p['out_zp']}, {act}}};",
                           f"static const cmsis_nn_dims i{s} = {_dims(p['batches'], 1, 1, p['depth'])}, "
                           f"f{s} = {_dims(p['depth'], 1, 1, p['units'])}, b{s} = {_dims(1, 1, 1, p['units'])}, "
                           f"o{s} = {_dims(p['batches'], 1, 1, p['units'])};"]
            fn = "arm_fully_connected_s8" if per_tensor else "arm_fully_connected_per_channel_s8"
            q = (f"const cmsis_nn_per_tensor_quant_params q = {{{mult[0]}, {shift[0]}}};" if per_tensor
                 else f"const cmsis_nn_per_channel_quant_params q = {self.quant(b)};")
            self.call(f"{{ {q}\n    ok &= {fn}(&ctx, &p{s}, &q, &i{s}, {x}, &f{s}, {self.buf(b[2])}, &b{s}, "
                      f"{self.buf(b[3], 'int32_t')}, &o{s}, {y}) == ARM_CMSIS_NN_SUCCESS; }}")
        elif k in ("avgpool_s8", "maxpool_s8"):
            fn = "arm_avgpool_s8" if k == "avgpool_s8" else "arm_max_pool_s8"
            self.decls += [f"static const cmsis_nn_pool_params p{s} = {{{{{p['sw']}, {p['sh']}}}, "
                           f"{{{p['pl']}, {p['pt']}}}, {act}}};",
                           f"static const cmsis_nn_dims i{s} = {_dims(p['n'], p['h'], p['w'], p['c'])}, "
                           f"f{s} = {_dims(1, p['kh'], p['kw'], 1)}, o{s} = {_dims(p['n'], p['oh'], p['ow'], p['c'])};"]
            if k == "avgpool_s8":
                self.sizes.append(f"arm_avgpool_s8_get_buffer_size({p['ow']}, {p['c']})")
                self.scratch = max(self.scratch, 4 * p["ow"] * p["c"] + 64)
            self.call(f"ok &= {fn}(&ctx, &p{s}, &i{s}, {x}, &f{s}, &o{s}, {y}) == ARM_CMSIS_NN_SUCCESS;")
        elif k == "softmax_s8":
            self.call(f"arm_softmax_s8({x}, {p['outer']}, {p['depth']}, {p['mult']}, {p['left_shift']}, "
                      f"{p['diff_min']}, {y});")
        elif k == "add_s8":
            d = [p[f"d{i}"] for i in range(6)]  # bufs: in1, in2, out
            if any(n > 1 and not p[f"a{i}"] == p[f"b{i}"] == s for i, (n, s) in enumerate(zip(d, _contiguous(d)))):
                raise ToolError("CMSIS-NN's arm_elementwise_add_s8 has no broadcasting")
            self.call(f"ok &= arm_elementwise_add_s8({x}, {y}, {p['in1_off']}, {p['m1']}, {p['s1']}, "
                      f"{p['in2_off']}, {p['m2']}, {p['s2']}, {p['left_shift']}, {self.buf(b[2])}, {p['out_off']}, "
                      f"{p['mo']}, {p['so']}, {p['act_min']}, {p['act_max']}, {int(np.prod(d))}) "
                      f"== ARM_CMSIS_NN_SUCCESS;")
        else:
            raise ToolError(f"no CMSIS-NN call for tinycc kernel {k}")
        self.n += 1

    def call(self, text):
        self.body.append(f"  {text}")


def model_c(model) -> str:
    """The model.c of a CTargetModel (cortex-m4, plan fast, portable kernels) calling CMSIS-NN."""
    model.program._consts = {}
    st = _Steps(model)
    for op, call, stream in model.program.calls:
        if stream is not None or not hasattr(call, "kernel"):
            raise ToolError(f"{op.where()}: a streamed step (compile with plan='fast')")
        st.add(call)
    g, plan = model.graph, model.plan
    (inp,), (out,) = g.inputs, g.outputs
    size = max(st.scratch, 64)
    consts = [CProgram._array(_CTYPES[a.dtype], name, a.ravel().tolist(), str)
              for name, a in model.program._consts.values()]
    return "\n".join(
        ["/* Generated by bench/cmsis_nn.py: every layer on CMSIS-NN. */", "#include <string.h>",
         '#include "model.h"', '#include "arm_nnfunctions.h"', "#define TC_ALIGN(n) __attribute__((aligned(n)))", ""]
        + consts + st.decls + [
         f"static int8_t scratch[{size}] __attribute__((aligned(16)));", "",
         "/* the scratch each kernel asks for (outside the counted invoke, as TFLite Micro's Prepare) */",
         "void tinycc_reset(uint8_t *arena)", "{", "  (void)arena;"] +
        [f"  if ({e} > {size}) __builtin_trap();" for e in st.sizes] + ["}", "",
         "void tinycc_invoke(const void *input, void *output, uint8_t *arena)", "{",
         "  uint8_t *const A = arena;", f"  const cmsis_nn_context ctx = {{scratch, {size}}};", "  int ok = 1;",
         f"  memcpy(A + {plan.offset(inp)}, input, {g.tensor(inp).nbytes});"] + st.body + [
         "  if (!ok) __builtin_trap(); /* a CPU fault: QEMU exits with status 3 */",
         f"  memcpy(output, A + {plan.offset(out)}, {g.tensor(out).nbytes});", "}",
         "", "void tinycc_invoke_io(const void *const *in, void *const *out, uint8_t *arena)",
         "{", "  tinycc_invoke(in[0], out[0], arena);", "}", ""])


class CmsisNN(CTargetModel):
    """A model on CMSIS-NN (``cmsis_dir``: a CMSIS-NN checkout) on the Cortex-M4 of mps2-an386:
    ``m(x)`` runs it; with ``m.count_instructions`` set, ``m.last_instructions`` is the count."""

    def __init__(self, path, cmsis_dir):
        m = tinycc.compile(path, target="cortex-m4", plan="fast", portable_kernels=True)
        super().__init__(m.graph, m.schedule, m.plan, "cortex-m4", m.source, m.passes_applied, m.vlen, True)
        self.cmsis_dir = pathlib.Path(cmsis_dir)
        if not (self.cmsis_dir / "Include" / "arm_nnfunctions.h").is_file():
            raise ToolError(f"CMSIS_NN_DIR={cmsis_dir} is no CMSIS-NN checkout (no Include/arm_nnfunctions.h)")

    def write(self, out_dir, name=None):
        files = self.program.files()
        pathlib.Path(out_dir, "model.h").write_text(files["model.h"])
        pathlib.Path(out_dir, "model.c").write_text(model_c(self))
        return ["model.c"]

    def _built(self):
        if self._exe is None:
            self._work = tempfile.mkdtemp(prefix="tinycc_cmsis_")
            self.write(self._work)
            srcs = [os.path.join(self._work, "model.c")] + sorted(
                str(f) for d in SOURCE_DIRS for f in (self.cmsis_dir / "Source" / d).glob("*.c")
                if not f.stem.endswith(("_f16", "_f32", "_flt")))  # the integer kernels
            self._runner = CortexM4Runner()
            self._exe = os.path.join(self._work, "model.elf")
            _run(["make", "-s", f"-j{os.cpu_count() or 1}", "-f", str(TARGETS_DIR / "cortex-m4" / "board.mk"),
                  f"MODEL_DIR={self._work}", f"ELF={self._exe}", "OPT=-O2", "STD=-std=c11", "WARN=",
                  f"SRCS={' '.join(srcs)}", f"EXTRA_CFLAGS=-I{self.cmsis_dir / 'Include'}"],
                 self._work, "building the CMSIS-NN program")
        return self._exe


def count(path, x, cmsis_dir):
    """(outputs, instructions per inference) of the model at ``path`` on CMSIS-NN for inputs ``x``."""
    m = CmsisNN(path, cmsis_dir)
    m.count_instructions = True
    y = m(x)
    return y, m.last_instructions


if __name__ == "__main__":
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "tests"))
    from shared_models import model_path
    from tinycc.oracle import TFLM, random_inputs
    for name in sys.argv[1:]:
        path = model_path(name)
        x = random_inputs(tinycc.compile(path).inputs, np.random.default_rng(0))
        y, n = count(path, x[0], os.environ["CMSIS_NN_DIR"])
        exact = np.array_equal(y, TFLM(path)(x)[0])
        print(f"{name}: {n:,} instructions per inference on CMSIS-NN (cortex-m4), bit-exact with TFLM: {exact}")
        if not exact:
            sys.exit(f"{name}: CMSIS-NN's outputs differ from TFLite Micro's")
