"""x86-64 kernel variants, chosen at run time from the CPU's features.

Every kernel of the table (``tinycc/kernels.py``) has its portable C implementation
(``targets/generic``, ``tc_<name>``); the hot ones also have x86-64 SIMD versions
(``targets/x86_64``, ``tc_<name>_<isa>``), compiled into the extension for every instruction
set below whatever the build machine has, each in its own functions (``target`` attributes), so
the package runs on any x86-64 CPU and uses what it finds. An ``Impl`` is one implementation:
its C symbol, its ISA, and, when its constants are laid out for it (packed weights), the
``prepare`` that lays them out and the sizes they then take.

``TINYCC_ISA=portable|avx2|avxvnni|avx512vnni`` (or ``tinycc.compile(..., isa=...)``) forces
a level; by default the best the CPU supports. A level includes the ones before it where the CPU
has them (AVX-VNNI and AVX-512 VNNI CPUs all have AVX2; AVX-VNNI is no part of AVX-512 VNNI: Ice
Lake and Zen 4 have the one without the other, so the avx512vnni level falls back on the avxvnni
versions only on a CPU with both).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable, Optional

from . import kernels as kt
from .errors import UnsupportedError

#: instruction-set levels, lowest first
LEVELS = ("portable", "avx2", "avxvnni", "avx512vnni")


@dataclass(frozen=True)
class Impl:
    """One implementation of a kernel."""
    kernel: kt.Kernel
    isa: str = "portable"
    prepare: Optional[Callable] = None  # KernelCall -> KernelCall with constants in this layout
    sizes: Optional[Callable] = None  # (p, f, needs) -> needs: the prepared constants' byte counts
    scratch: Optional[Callable] = None  # (p, f) -> scratch bytes, when it needs other than the portable's

    @property
    def name(self) -> str:
        """How a host step names it: the kernel, with @isa for a SIMD version."""
        return self.kernel.name if self.isa == "portable" else f"{self.kernel.name}@{self.isa}"

    @property
    def symbol(self) -> str:
        return f"tc_{self.kernel.name}" if self.isa == "portable" else f"tc_{self.kernel.name}_{self.isa}"

    @property
    def packed(self) -> bool:
        return self.prepare is not None

    def validate(self, iparams, fparams):
        """(iparams, fparams by name, bytes per buffer, scratch bytes) of a call of this implementation."""
        p, f, needs, scratch = self.kernel.validate(iparams, fparams)
        if self.sizes is not None:
            needs = self.sizes(p, f, list(needs))
        if self.scratch is not None:
            scratch = self.scratch(p, f)
        return p, f, needs, scratch


#: (kernel name, isa) -> Impl of the x86-64 SIMD versions (registered by tinycc/x86_64.py)
SIMD: dict = {}


def register(impl: Impl) -> Impl:
    SIMD[(impl.kernel.name, impl.isa)] = impl
    return impl


def cpu_levels() -> tuple:
    """The levels this CPU (and its operating system) supports, lowest first."""
    from . import _host
    have = _host.cpu_features()
    return tuple(lv for lv in LEVELS if lv == "portable" or have.get(lv, False))


def resolve(isa: Optional[str] = None) -> str:
    """The level to run: ``isa``, else $TINYCC_ISA, else the best this CPU supports."""
    want = isa or os.environ.get("TINYCC_ISA") or None
    have = cpu_levels()
    if want is None:
        return have[-1]
    if want not in LEVELS:
        raise UnsupportedError(f"unknown instruction set {want!r} (TINYCC_ISA); one of {', '.join(LEVELS)}")
    if want not in have:
        raise UnsupportedError(f"this CPU does not support {want} (it has {', '.join(have)})")
    return want


def included(level: str) -> tuple:
    """The levels whose implementations a run at ``level`` may call, lowest first: ``level`` and the
    ones before it that this CPU has (an avx512vnni run uses the avxvnni versions only where the CPU
    has AVX-VNNI too)."""
    have = cpu_levels()
    return tuple(lv for lv in LEVELS[:LEVELS.index(level)] if lv in have) + (level,)


def impl(name: str, level: Optional[str] = None) -> Impl:
    """The implementation a host step named ``name`` runs: "kernel@isa" names one (its ISA must be
    one ``level`` includes, when given); a plain kernel name is the portable implementation."""
    kname, _, isa = name.partition("@")
    k = kt.get(kname)
    if not isa:
        return Impl(k)
    if (kname, isa) not in SIMD:
        raise kt.KernelParamError(f"kernel {kname} has no {isa} version")
    if level is not None and isa not in included(level):
        beyond = LEVELS.index(isa) > LEVELS.index(level)
        raise kt.KernelParamError(f"{name} needs {isa}, " + (f"beyond the {level} this executor runs" if beyond else
                                                              f"which this CPU does not have"))
    return SIMD[(kname, isa)]


def candidates(kname: str, level: str) -> list:
    """The implementations of kernel ``kname`` at the levels ``level`` includes, fastest first, the
    portable one last."""
    return [SIMD[(kname, lv)] for lv in reversed(included(level)) if (kname, lv) in SIMD] + [Impl(kt.get(kname))]


def host_table() -> str:
    """kernels_pyx/tc_host_table.h: every kernel implementation compiled into the extension, by C
    symbol (generated; a test checks it is current)."""
    symbols = [f"tc_{k}" for k in sorted(kt.KERNELS)] + sorted(i.symbol for i in SIMD.values())
    simd = sorted(SIMD.values(), key=lambda i: i.symbol)
    lines = ["/* Generated from tinycc/kernels.py and tinycc/x86_64.py by `python -m tinycc.isa > "
             "kernels_pyx/tc_host_table.h`; do not edit. */",
             '#include "tinycc_kernels.h"', ""]
    lines += [f"void {i.symbol}(void *const *buf, const int32_t *ip, const float *fp, void *scratch);" for i in simd]
    lines += ["", "typedef struct {", "  const char *name;", "  tc_kernel_fn fn;", "} tc_host_kernel;", "",
              "static const tc_host_kernel tc_host_kernels[] = {"]
    lines += [f'  {{"{s}", {s}}},' for s in symbols]
    lines += ["};", f"static const int tc_host_nkernels = {len(symbols)};", ""]
    return "\n".join(lines)


from . import x86_64  # noqa: E402,F401  (registers the x86-64 versions)

if __name__ == "__main__":  # run as a script: the package's own module holds the registrations
    from tinycc import isa
    print(isa.host_table(), end="")
