# The kernels of targets/generic the host executor calls directly (K_C_ABI steps): one C
# implementation shared by the host and every C target. Each has a spec here (buffers, element
# sizes, output index, parameters, and the check that computes the bytes it touches, as for
# the Cython kernels) and an entry in _c_kernel. setup.py compiles the targets/generic files
# marked "tinycc: shared with the host executor" into the extension.

cdef extern from "tc_shared.h":
    void tc_copy_nd(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_fill(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_lut_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil


cdef tc_shared_fn _c_kernel(str name) except NULL:
    if name == "copy_nd":
        return tc_copy_nd
    if name == "fill":
        return tc_fill
    if name == "lut_s8":
        return tc_lut_s8
    raise ValueError(f"no C kernel {name!r}")


_ND = 6
_COPY_ND_PARAMS = ("esize", "in_off", "out_off") + tuple(f"d{i}" for i in range(_ND)) + \
    tuple(f"a{i}" for i in range(_ND)) + tuple(f"b{i}" for i in range(_ND))


def _span(p, off, prefix, esize, what):
    """Bytes from the buffer start an affine walk over d0..d5 with element strides prefix0..5
    reaches (0 when it is empty); rejects walks that start before the buffer."""
    if any(p[f"d{i}"] == 0 for i in range(_ND)):
        return 0
    lo = hi = p[off]
    for i in range(_ND):
        step = (p[f"d{i}"] - 1) * p[f"{prefix}{i}"]
        lo, hi = lo + min(step, 0), hi + max(step, 0)
    if lo < 0:
        raise _Bad(f"the {what} walk starts {-lo} elements before its buffer")
    return _prod(hi + 1, esize)


def _copy_nd(p, f):
    if p["esize"] not in (1, 2, 4, 8):
        raise _Bad(f"esize = {p['esize']} must be 1, 2, 4 or 8")
    for i in range(_ND):
        _rng(p, f"d{i}", 0, _I32_MAX)
    return [_span(p, "in_off", "a", p["esize"], "input"), _span(p, "out_off", "b", p["esize"], "output")], 0, 0


def _fill(p, f):
    if p["esize"] not in (1, 2, 4):
        raise _Bad(f"esize = {p['esize']} must be 1, 2 or 4")
    _rng(p, "count", 0, _I32_MAX)
    return [_prod(p["count"], p["esize"])], 0, 0


def _lut(p, f):
    _rng(p, "size", 0, _I32_MAX)
    return [p["size"], p["size"], 256], 0, 0


# name: as _SPECS
_C_SPECS = {
    "copy_nd": (K_C_ABI, ("in", "out"), (1, 1), 1, _COPY_ND_PARAMS, (), _copy_nd),
    "fill": (K_C_ABI, ("out",), (1,), 0, ("esize", "count", "value"), (), _fill),
    "lut_s8": (K_C_ABI, ("in", "out", "table"), (1, 1, 1), 1, ("size",), (), _lut),
}
