"""The generated library inside a firmware build, against TFLite Micro: a C++ main linking it
(model.h's extern "C"), two models' libraries under their own names in one program with one copy of
the kernels (and one arena: neither has state), and the CMake library targets built with the cmake
on PATH. A missing compiler or cmake fails these tests (pip install '.[test]' brings cmake)."""
import shutil
import subprocess

import numpy as np
import pytest

import tinycc
from tinycc.errors import TinyccError
from tinycc.oracle import TFLM, random_inputs

from shared_models import model_path

CFLAGS = ["-O2", "-fno-strict-aliasing", "-Wall", "-Wextra", "-Werror"]


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is not installed (cmake: pip install '.[test]'; compilers: the system's packages)"
    return path


def _main_source(runs, headers) -> str:
    """A main that runs one model per (prefix) of ``runs`` in order, each on the input file of its
    argument pair, writing its output to the other; every model's arena is one shared array (so no
    model may have state)."""
    prefixes = sorted(set(runs))
    size, align = f"{prefixes[0].upper()}_ARENA_SIZE", f"{prefixes[0].upper()}_ARENA_ALIGN"
    for p in prefixes[1:]:
        size, align = (f"TC_MAX({size}, {p.upper()}_ARENA_SIZE)", f"TC_MAX({align}, {p.upper()}_ARENA_ALIGN)")
    lines = ["#include <stdio.h>", "#include <stdint.h>"] + [f'#include "{h}"' for h in headers] + [
        "#define TC_MAX(x, y) ((x) > (y) ? (x) : (y))",
        f"static uint8_t arena[{size}] __attribute__((aligned({align})));",
        "static int io(const char *path, uint8_t *buf, size_t n, int save)",
        "{",
        "  FILE *f = fopen(path, save ? \"wb\" : \"rb\");",
        "  size_t done = f ? (save ? fwrite(buf, 1, n, f) : fread(buf, 1, n, f)) : 0;",
        "  return f && fclose(f) == 0 && done == n;",
        "}",
        "int main(int argc, char **argv)",
        "{",
        f"  if (argc != {1 + 2 * len(runs)})",
        "    return 2;"]
    for k, p in enumerate(runs):
        P = p.upper()
        lines += ["  {",
                  f"    static uint8_t x[{P}_INPUT_BYTES], y[{P}_OUTPUT_BYTES];",
                  f"    if ({P}_HAS_STATE || !io(argv[{1 + 2 * k}], x, sizeof x, 0))",
                  "      return 3;",
                  f"    {p}_invoke(x, y, arena);",
                  f"    if (!io(argv[{2 + 2 * k}], y, sizeof y, 1))",
                  "      return 4;",
                  "  }"]
    return "\n".join(lines + ["  return 0;", "}", ""])


def _check_program(exe, work, runs):
    """Run ``exe`` on one random input per (compiled model, model path) of ``runs``; each output must
    equal TFLite Micro's."""
    rng = np.random.default_rng(7)
    args, expected = [], []
    for k, (m, path) in enumerate(runs):
        xs = random_inputs(m.inputs, rng)
        (work / f"in{k}.bin").write_bytes(xs[0].tobytes())
        args += [f"in{k}.bin", f"out{k}.bin"]
        expected.append(TFLM(path)(xs)[0])
    subprocess.run([str(exe)] + args, cwd=work, check=True, capture_output=True, timeout=60)
    for k, ((m, path), y) in enumerate(zip(runs, expected)):
        out = np.fromfile(work / f"out{k}.bin", m.outputs[0].dtype).reshape(m.outputs[0].shape)
        np.testing.assert_array_equal(out, y, err_msg=f"run {k}: {path.name}")


def _defined_globals(obj) -> set:
    r = subprocess.run([_tool("nm"), "-g", "--defined-only", str(obj)], check=True, capture_output=True, text=True)
    return {line.split()[-1] for line in r.stdout.splitlines() if line.strip()}


def test_cpp_main_links_the_c_library(tmp_path):
    """model.h declares the entry points extern "C": a C++ main (g++) links the gcc-built library."""
    path = model_path("kws_ref_model")
    m = tinycc.compile(path, target="c")
    files = m.write(str(tmp_path))
    assert 'extern "C" {' in (tmp_path / "model.h").read_text()
    objs = []
    for f in files:
        if f.endswith(".c"):
            subprocess.run([_tool("gcc"), "-std=c99", *CFLAGS, "-c", f, "-o", f + ".o"], cwd=tmp_path, check=True,
                           capture_output=True)
            objs.append(f + ".o")
    (tmp_path / "main.cpp").write_text(_main_source(["tinycc"], ["model.h"]))
    gxx = _tool("g++")
    subprocess.run([gxx, "-std=c++11", *CFLAGS, "-c", "main.cpp", "-o", "main.o"], cwd=tmp_path, check=True,
                   capture_output=True)
    subprocess.run([gxx, "-o", "prog", "main.o", *objs, "-lm"], cwd=tmp_path, check=True, capture_output=True)
    _check_program(tmp_path / "prog", tmp_path, [(m, path)])


def link_named(tmp_path, compiled: dict, main: str, state_apart=False):
    """One gcc program of ``main`` (C source) and the libraries of ``compiled`` (name -> model for
    target c), each written under its name, their kernel files compiled once (each must have the same
    text in every library); returns the program's path after checking every library exports only its
    own symbols and the kernels only tc_ ones."""
    kernels = {}
    for name, m in compiled.items():
        lib = tmp_path / name
        for f in m.write(str(lib), name=name, state_apart=state_apart):
            if f not in ("model.c", "model.h", "tinycc.mk", "CMakeLists.txt"):
                text = (lib / f).read_text()
                assert kernels.setdefault(f, text) == text, f"{f} differs between the libraries"
    shared = tmp_path / "kernels"
    shared.mkdir()
    for f, text in kernels.items():
        (shared / f).write_text(text)
    gcc = _tool("gcc")
    objs = []
    for src in [f"{n}/model.c" for n in compiled] + [f"kernels/{f}" for f in sorted(kernels) if f.endswith(".c")]:
        obj = src.replace("/", "_") + ".o"
        subprocess.run([gcc, "-std=c99", *CFLAGS, "-I", "kernels", "-c", src, "-o", obj], cwd=tmp_path, check=True,
                       capture_output=True)
        objs.append(obj)
    for name in compiled:
        assert _defined_globals(tmp_path / f"{name}_model.c.o") == {f"{name}_invoke", f"{name}_invoke_io",
                                                                    f"{name}_reset"}
        h = (tmp_path / name / "model.h").read_text()
        assert "TINYCC" not in h and "tinycc_" not in h
    assert all(s.startswith("tc_") for o in objs[len(compiled):] for s in _defined_globals(tmp_path / o))
    (tmp_path / "main.c").write_text(main)
    r = subprocess.run([gcc, "-std=c99", *CFLAGS, "-o", "prog", "main.c", *objs, "-lm"], cwd=tmp_path,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return tmp_path / "prog", sorted(kernels)


def test_two_named_models_in_one_program(tmp_path):
    """--name a / --name b: each library exports only its own a_* / b_* symbols; one copy of the
    kernel files (the same text in both libraries) serves both, and they share one arena."""
    models = {"a": model_path("kws_ref_model"), "b": model_path("ad01_int8")}
    compiled = {name: tinycc.compile(path, target="c") for name, path in models.items()}
    prog, kernels = link_named(tmp_path, compiled, _main_source(["a", "b", "a"], ["a/model.h", "b/model.h"]))
    assert "tc_fc_s8.c" in kernels  # a kernel both models use, defined once
    assert all("_HAS_STATE 0" in (tmp_path / n / "model.h").read_text() for n in models)
    _check_program(prog, tmp_path, [(compiled["a"], models["a"]), (compiled["b"], models["b"]),
                                    (compiled["a"], models["a"])])


def test_cmake_library_targets(tmp_path):
    """Each library's CMakeLists.txt is a static library target (tinycc_model by default, else its
    name); two of them link into one program with the cmake on PATH (each kernel taken once)."""
    models = {"tinycc": model_path("kws_ref_model"), "b": model_path("ad01_int8")}
    compiled = {}
    for name, path in models.items():
        compiled[name] = tinycc.compile(path, target="c")
        compiled[name].write(str(tmp_path / "src" / name), name=None if name == "tinycc" else name)
    assert "add_library(tinycc_model STATIC" in (tmp_path / "src" / "tinycc" / "CMakeLists.txt").read_text()
    (tmp_path / "src" / "main.c").write_text(_main_source(["tinycc", "b"], ["tinycc/model.h", "b/model.h"]))
    (tmp_path / "src" / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.10...3.31)\nproject(app C)\n"
        "add_subdirectory(tinycc)\nadd_subdirectory(b)\n"
        "add_executable(app main.c)\ntarget_include_directories(app PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})\n"
        "target_link_libraries(app PRIVATE tinycc_model b)\n")
    build = _cmake_build(tmp_path / "src", f"-DCMAKE_C_COMPILER={_tool('gcc')}")
    _check_program(build / "app", tmp_path, [(compiled["tinycc"], models["tinycc"]), (compiled["b"], models["b"])])


def _cmake_build(src, *options, build=None):
    """Configure and build ``src`` with the cmake on PATH (Release) in ``build`` (default: next to
    ``src``); the build directory."""
    cmake, build = _tool("cmake"), build or src.parent / "build"
    r = subprocess.run([cmake, "-S", str(src), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release", *options],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([cmake, "--build", str(build), "--parallel", "4"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    return build


@pytest.mark.parametrize("target,ld", [("cortex-m55", "mps3_an547.ld"), ("cortex-m4", "mps2_an386.ld")])
def test_cmake_cortex_m_firmware(tmp_path, target, ld):
    """A Cortex-M library's toolchain.cmake (Arm GCC, the target's flags): the library and the
    board's harness built into a firmware with CMake, run under QEMU, against TFLite Micro."""
    from tinycc.backend_c import TARGETS_DIR
    from tinycc.ctarget import RUNNERS
    _tool("arm-none-eabi-gcc")
    path = model_path("kws_ref_model")
    m = tinycc.compile(path, target=target)
    assert "toolchain.cmake" in m.write(str(tmp_path / "src" / "model"))
    assert f"-mcpu={target}" in (tmp_path / "src" / "model" / "toolchain.cmake").read_text()
    board, common = (TARGETS_DIR / target).as_posix(), (TARGETS_DIR / "cortex-m").as_posix()
    (tmp_path / "src" / "CMakeLists.txt").write_text(
        "cmake_minimum_required(VERSION 3.13...3.31)\nproject(fw C)\nadd_subdirectory(model)\n"
        f"add_executable(model.elf {common}/main.c {common}/startup.c)\n"
        "target_link_libraries(model.elf PRIVATE tinycc_model)\n"
        f"target_link_options(model.elf PRIVATE --specs=rdimon.specs -nostartfiles -L{common} "
        f"-T{board}/{ld})\n")
    build = _cmake_build(tmp_path / "src", f"-DCMAKE_TOOLCHAIN_FILE={tmp_path / 'src' / 'model' / 'toolchain.cmake'}")
    oracle = TFLM(path)
    xs = random_inputs(m.inputs, np.random.default_rng(5))
    (tmp_path / "input.bin").write_bytes(xs[0].tobytes())
    RUNNERS[target]().run(str(build / "model.elf"), str(tmp_path))
    y = np.fromfile(tmp_path / "output.bin", np.int8).reshape(m.outputs[0].shape)
    np.testing.assert_array_equal(y, oracle(xs)[0])


def test_library_name_is_checked(tmp_path):
    m = tinycc.compile(model_path("ad01_int8"), target="c")
    for bad in ("2x", "kws-1", "tc_kws", "", "a b"):
        with pytest.raises(TinyccError, match="library name"):
            m.write(str(tmp_path), name=bad)
    # the default names stay: the harnesses use them
    m.write(str(tmp_path))
    assert "void tinycc_invoke(" in (tmp_path / "model.h").read_text()
    assert "TINYCC_SRCS :=" in (tmp_path / "tinycc.mk").read_text()
