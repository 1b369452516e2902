"""Build tinycc and its Cython host executor, the extension module tinycc._host: the executor
loop and every C kernel (targets/generic, and on x86-64 the SIMD versions of targets/x86_64, each
compiled for its own instruction set through function target attributes and chosen at run time,
so the extension runs on any x86-64 CPU: nothing is built for the build machine's CPU).
"""
import glob
import os
import platform
import sys

import numpy

from setuptools import Extension, setup

try:
    from Cython.Build import cythonize
except ImportError:  # pragma: no cover - pyproject.toml lists Cython as a build requirement
    sys.exit("building tinycc needs Cython >= 3.0 (pip install cython), or use `pip install .`")

HERE = os.path.dirname(os.path.abspath(__file__))

if sys.platform == "win32":
    flags = ["/O2"]
else:
    # -fno-strict-aliasing: the kernels view the one byte arena as int8, int32 and float32
    flags = ["-O3", "-fno-strict-aliasing"]

# every kernel: the portable C (one implementation for the host and every C target), and the
# x86-64 SIMD versions
KERNELS_C = sorted(glob.glob("targets/generic/tc_*.c"))
if platform.machine().lower() in ("x86_64", "amd64") and sys.platform != "win32":
    KERNELS_C += sorted(glob.glob("targets/x86_64/tc_*.c"))

host = Extension(
    "tinycc._host",
    sources=["kernels_pyx/host.pyx"] + KERNELS_C,
    # the .pxi files host.pyx includes: rebuild when they change, and ship them in an sdist
    depends=sorted(glob.glob("kernels_pyx/*.h") + glob.glob("targets/generic/*.h") + glob.glob("targets/x86_64/*.h")),
    include_dirs=["kernels_pyx", "targets/generic", "targets/x86_64", numpy.get_include()],
    define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
    extra_compile_args=flags,
)

setup(
    name="tinycc",
    version="0.1.0",
    description="A TinyML compiler: TFLite models to a host executor and to C for microcontrollers",
    packages=["tinycc", "tinycc.ops", "tinycc.targets"],
    # the C kernels and board support ship with the package (tinycc/targets when installed)
    package_dir={"tinycc.targets": "targets"},
    package_data={"tinycc.targets": ["*.sh", "*/*.c", "*/*.h", "*/*.mk", "*/*.ld", "*/*.cmake", "*/*.cmake.in", "*/Makefile"]},
    ext_modules=cythonize(
        [host],
        include_path=[os.path.join(HERE, "kernels_pyx")],
        compiler_directives={"language_level": "3"},
    ),
    python_requires=">=3.9",
    install_requires=["numpy", "networkx", "tflite", "cython"],
    extras_require={
        "test": ["pytest", "pytest-benchmark", "hypothesis", "tflite-micro==0.dev20261023182759",
                 "ai-edge-litert==2.3.0", "cmake>=3.10"],
    },
    entry_points={"console_scripts": ["tinycc=tinycc.cli:main"]},
    zip_safe=False,
)
