# The kernels of targets/generic the host executor calls directly (K_C_ABI steps): one C
# implementation shared by the host and every C target. Each has a spec here (buffers, element
# sizes, output index, parameters, and the check that computes the bytes it touches, as for
# the Cython kernels) and an entry in _c_kernel. setup.py compiles the targets/generic files
# marked "tinycc: shared with the host executor" into the extension.

cdef extern from "tinycc_kernels.h":
    void tc_copy_nd(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_fill(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_lut_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_unary_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_binary_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_binary_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_reduce_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_reduce_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_argminmax_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_argminmax_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_resize_nearest(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_resize_bilinear_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_resize_bilinear_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_batch_matmul_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_batch_matmul_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_transpose_conv_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_transpose_conv_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_log_softmax_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_l2norm_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_l2norm_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_lstm_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_lstm_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_lstm_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_binary_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_relu_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_log_softmax_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_reduce_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_conv_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_convert_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_requantize_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_pool_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_add_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_sigmoid_tanh_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_batch_matmul_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_transpose_conv_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_softmax_s8_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_softmax_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_unary_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_svdf_s8(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_svdf_s16(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil
    void tc_svdf_f32(void **buf, const int32_t *ip, const float *fp, void *scratch) noexcept nogil


cdef tc_kernel_fn _c_kernel(str name) except NULL:
    if name == "copy_nd":
        return tc_copy_nd
    if name == "fill":
        return tc_fill
    if name == "lut_s8":
        return tc_lut_s8
    if name == "unary_f32":
        return tc_unary_f32
    if name == "binary_s8":
        return tc_binary_s8
    if name == "binary_f32":
        return tc_binary_f32
    if name == "reduce_s8":
        return tc_reduce_s8
    if name == "reduce_f32":
        return tc_reduce_f32
    if name == "argminmax_s8":
        return tc_argminmax_s8
    if name == "argminmax_f32":
        return tc_argminmax_f32
    if name == "resize_nearest":
        return tc_resize_nearest
    if name == "resize_bilinear_s8":
        return tc_resize_bilinear_s8
    if name == "resize_bilinear_f32":
        return tc_resize_bilinear_f32
    if name == "batch_matmul_s8":
        return tc_batch_matmul_s8
    if name == "batch_matmul_f32":
        return tc_batch_matmul_f32
    if name == "transpose_conv_s8":
        return tc_transpose_conv_s8
    if name == "transpose_conv_f32":
        return tc_transpose_conv_f32
    if name == "log_softmax_s8":
        return tc_log_softmax_s8
    if name == "l2norm_s8":
        return tc_l2norm_s8
    if name == "l2norm_f32":
        return tc_l2norm_f32
    if name == "lstm_s8":
        return tc_lstm_s8
    if name == "lstm_f32":
        return tc_lstm_f32
    if name == "lstm_s16":
        return tc_lstm_s16
    if name == "binary_s16":
        return tc_binary_s16
    if name == "relu_s16":
        return tc_relu_s16
    if name == "log_softmax_f32":
        return tc_log_softmax_f32
    if name == "reduce_s16":
        return tc_reduce_s16
    if name == "conv_s16":
        return tc_conv_s16
    if name == "convert_s16":
        return tc_convert_s16
    if name == "requantize_s16":
        return tc_requantize_s16
    if name == "pool_s16":
        return tc_pool_s16
    if name == "add_s16":
        return tc_add_s16
    if name == "sigmoid_tanh_s16":
        return tc_sigmoid_tanh_s16
    if name == "batch_matmul_s16":
        return tc_batch_matmul_s16
    if name == "transpose_conv_s16":
        return tc_transpose_conv_s16
    if name == "softmax_s8_s16":
        return tc_softmax_s8_s16
    if name == "softmax_s16":
        return tc_softmax_s16
    if name == "unary_s16":
        return tc_unary_s16
    if name == "svdf_s8":
        return tc_svdf_s8
    if name == "svdf_s16":
        return tc_svdf_s16
    if name == "svdf_f32":
        return tc_svdf_f32
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


# ---- reductions (tinycc/ops/reduce.py) ----------------------------------------------------------

_REDUCE_PARAMS = ("mode", "o0", "o1", "o2", "oa0", "oa1", "oa2", "r0", "r1", "r2", "ra0", "ra1", "ra2")


def _reduce(p, f, quant, es=1):
    _rng(p, "mode", 0, 2 if quant else 3)
    for k in _REDUCE_PARAMS[1:]:
        _rng(p, k, 1 if k[-2] in "or" else 0, _I32_MAX)
    if quant:
        _rng(p, "in_zp", -32768, 32767) if es == 2 else _zp(p, "in_zp")
        _rng(p, "out_zp", -32768, 32767) if es == 2 else _zp(p, "out_zp")
        _rng(p, "mult", 0, _I32_MAX)
        _shift(p, "shift")
    span = 1 + sum(_prod(p[f"{g}{i}"] - 1, p[f"{g}a{i}"]) for g in "or" for i in range(3))
    es = es if quant else 4
    return [_prod(span, es), _prod(p["o0"], p["o1"], p["o2"], es)], 0, 0


def _argminmax(p, f, es):
    _rng(p, "mode", 0, 1)
    _dims(p, "outer", "axis", "inner")
    return [_prod(p["outer"], p["axis"], p["inner"], es), _prod(p["outer"], p["inner"], 4)], 0, 0


_RESIZE_PARAMS = ("n", "h", "w", "c", "oh", "ow")


def _resize(p, f, es, table_entries):
    """in, out, then the row and column tables (table_entries values of 4 bytes per row / column,
    per table pair: indices then float weights for resize_bilinear_f32)."""
    if es is None:
        if p["esize"] not in (1, 2, 4):
            raise _Bad(f"esize = {p['esize']} must be 1, 2 or 4")
        es = p["esize"]
    _dims(p, *_RESIZE_PARAMS)
    need = [_prod(p["n"], p["h"], p["w"], p["c"], es), _prod(p["n"], p["oh"], p["ow"], p["c"], es),
            _prod(p["oh"], table_entries, 4), _prod(p["ow"], table_entries, 4)]
    if es == 4 and table_entries == 2:  # resize_bilinear_f32: index tables, then weight tables
        need += [_prod(p["oh"], 2, 4), _prod(p["ow"], 2, 4)]
    return need, 0, 0


_BMM_PARAMS = ("b0", "b1", "b2", "la0", "la1", "la2", "ra0", "ra1", "ra2", "m", "k", "n", "lsi", "lsk", "rsk", "rsj")


def _batch_matmul(p, f, es):
    """es: element size (1 int8, 2 int16, 4 float32)."""
    _dims(p, "b0", "b1", "b2", "m", "k", "n")
    for k in ("la0", "la1", "la2", "ra0", "ra1", "ra2", "lsi", "lsk", "rsk", "rsj"):
        _rng(p, k, 0, _I32_MAX)
    if es < 4:
        _zp(p, "lhs_zp", "rhs_zp", "out_zp")
        _rng(p, "mult", 0, _I32_MAX)
        _shift(p, "shift")
    lhs = 1 + sum(_prod(p[f"b{i}"] - 1, p[f"la{i}"]) for i in range(3)) + _prod(p["m"] - 1, p["lsi"]) \
        + _prod(p["k"] - 1, p["lsk"])
    rhs = 1 + sum(_prod(p[f"b{i}"] - 1, p[f"ra{i}"]) for i in range(3)) + _prod(p["k"] - 1, p["rsk"]) \
        + _prod(p["n"] - 1, p["rsj"])
    return [_prod(lhs, es), _prod(rhs, es), _prod(p["b0"], p["b1"], p["b2"], p["m"], p["n"], es)], 0, 0


_TCONV_GEOM = ("n", "h", "w", "c", "oh", "ow", "oc", "kh", "kw", "sh", "sw", "pt", "pl")


def _transpose_conv(p, f, es):
    """es: activation element size (1 int8, 2 int16 with int8 weights and an int64 bias, 4 float32)."""
    _dims(p, "n", "h", "w", "c", "oh", "ow", "oc", "kh", "kw", "sh", "sw")
    _rng(p, "pt", 0, _I32_MAX)
    _rng(p, "pl", 0, _I32_MAX)
    quant = es < 4
    if es == 1:
        _act_s8(p)
        _zp(p, "in_zp", "out_zp")
    elif es == 2:
        _act_s16(p)
    else:
        _act_f32(f)
    need = [_prod(p["n"], p["h"], p["w"], p["c"], es), _prod(p["n"], p["oh"], p["ow"], p["oc"], es),
            _prod(p["oc"], p["kh"], p["kw"], p["c"], 4 if es == 4 else 1), _prod(p["oc"], 8 if es == 2 else 4)]
    if quant:
        need += [_prod(p["oc"], 4), _prod(p["oc"], 4)]
    return need, 0, p["oc"] if quant else 0


def _softmax_s16(p, f):
    """int8 -> int16 (no tables) or int16 -> int16 softmax (two 513-entry tables)."""
    _rng(p, "outer", 0, _I32_MAX)
    _rng(p, "depth", 0, _I32_MAX)
    _rng(p, "mult", 0, _I32_MAX)
    n = _prod(p["outer"], p["depth"])
    if "diff_min" in p:
        _rng(p, "left_shift", 0, 31)
        _rng(p, "diff_min", _I32_MIN + 1, 0)
        return [n, _prod(n, 2)], 0, 0
    _shift(p, "shift")
    _rng(p, "depth", 0, 65536)  # the sum of the row's exps fits int32
    return [_prod(n, 2), _prod(n, 2), 513 * 2, 513 * 2], 0, 0


def _log_softmax(p, f):
    _rng(p, "outer", 0, _I32_MAX)
    _rng(p, "depth", 0, _I32_MAX)
    _rng(p, "mult", 0, _I32_MAX)
    _rng(p, "left_shift", 0, 31)
    _rng(p, "rev_div", 0, _I32_MAX)
    _shift(p, "rev_shift")
    _rng(p, "diff_min", _I32_MIN + 1, 0)
    return [_prod(p["outer"], p["depth"]), _prod(p["outer"], p["depth"])], 0, 0


def _l2norm(p, f, es):
    _rng(p, "outer", 0, _I32_MAX)
    _rng(p, "depth", 0, _I32_MAX)
    if es == 1:
        _zp(p, "zp")
    return [_prod(p["outer"], p["depth"], es), _prod(p["outer"], p["depth"], es)], 0, 0


_LSTM_GEOM = ("batch", "time", "n_in", "units", "time_major")
_LSTM_BUFS = ("in", "out", "h", "c", "w", "r", "bias")


def _lstm(p, f, quant, es=1):
    """in, out, the two states (written too), the stacked weights and biases; for int8 (es 1) and
    16x8 (es 2) the gate multipliers and shifts (8 each) and the 256-entry sigmoid table."""
    _dims(p, "batch", "time", "n_in", "units")
    _rng(p, "time_major", 0, 1)
    es = es if quant else 4
    if quant:
        _rng(p, "in_zp", -32768, 32767) if es == 2 else _zp(p, "in_zp")
        _rng(p, "h_zp", -32768, 32767) if es == 2 else _zp(p, "h_zp")
        for k in ("m_fc", "m_ig", "m_o"):
            _rng(p, k, 0, _I32_MAX)
        _shift(p, "s_fc", "s_ig", "s_o")
        _rng(p, "tanh_mult", 0, 3)
        _rng(p, "tanh_shift", 0, 28)
        _rng(p, "clip", 0, 32767)
    seq = _prod(p["batch"], p["time"])
    we = 1 if quant else 4  # weights
    need = [_prod(seq, p["n_in"], es), _prod(seq, p["units"], es), _prod(p["batch"], p["units"], es),
            _prod(p["batch"], p["units"], 2 if quant else 4), _prod(4, p["units"], p["n_in"], we),
            _prod(4, p["units"], p["units"], we), _prod(4, p["units"], 8 if es == 2 else 4)]
    if quant:
        need += [8 * 4, 8 * 4, 256 * 2]
    return need, 0, 8 if quant else 0


_SVDF_GEOM = ("batch", "n_in", "units", "rank", "memory")
_SVDF_BUFS = ("in", "out", "state", "wf", "wt", "bias")


def _svdf(p, f, es):
    """in, out, the activation state (written too), weights_feature, weights_time, bias. es: the
    element size of the state and weights_time (1 svdf_s8, 2 svdf_s16, 4 svdf_f32); input, output
    and weights_feature are int8 (float32 for svdf_f32)."""
    _dims(p, *_SVDF_GEOM)
    filters = _prod(p["units"], p["rank"])
    if es < 4:
        _zp(p, "in_zp", "out_zp")
        _rng(p, "state_zp", -32768, 32767) if es == 2 else _zp(p, "state_zp")
        _rng(p, "m1", 0, _I32_MAX)
        _rng(p, "m2", 0, _I32_MAX)
        _shift(p, "s1", "s2")
    else:
        _act_f32(f)
    ae = 4 if es == 4 else 1
    return [_prod(p["batch"], p["n_in"], ae), _prod(p["batch"], p["units"], ae),
            _prod(p["batch"], filters, p["memory"], es), _prod(filters, p["n_in"], ae),
            _prod(filters, p["memory"], es), _prod(p["units"], 4)], 0, 0


def _act_s16(p):
    _rng(p, "act_min", -32768, 32767)
    _rng(p, "act_max", -32768, 32767)
    if p["act_min"] > p["act_max"]:
        raise _Bad(f"act_min = {p['act_min']} > act_max = {p['act_max']}")


def _conv_s16(p, f):
    """16x8 convolution (dm 0), depthwise (dm >= 1) or fully connected (1x1): the geometry checks of
    the int8 convolutions, an int64 bias."""
    _rng(p, "dm", 0, _I32_MAX)
    _rng(p, "wide", 0, 1)
    _act_s16(p)
    p8 = dict(p, act_min=0, act_max=0, in_zp=0, out_zp=0, dm=max(p["dm"], 1))
    need, _, oc = _conv(p8, f, True, p["dm"] > 0)
    return [_prod(need[0], 2), _prod(need[1], 2), need[2], _prod(oc, 8), need[4], need[5]], 0, oc


def _pool_s16(p, f):
    """int16 average (mode 0) or max (1) pooling: the int8 pooling's geometry checks."""
    _rng(p, "mode", 0, 1)
    _act_s16(p)
    need, _, _ = _pool(dict(p, act_min=0, act_max=0), f, True, p["mode"] == 1)
    return [_prod(need[0], 2), _prod(need[1], 2)], 0, 0


def _add_s16(p, f):
    """int16 ADD: the broadcast geometry of ADD, int16 offsets, a left shift of at most 15."""
    _act_s16(p)
    _rng(p, "in1_off", -32768, 32768)
    _rng(p, "in2_off", -32768, 32768)
    _rng(p, "out_off", -32768, 32767)
    _rng(p, "left_shift", 0, 15)
    need, _, _ = _add(dict(p, act_min=0, act_max=0, in1_off=0, in2_off=0, out_off=0), f, True)
    return [_prod(n, 2) for n in need], 0, 0


def _sigmoid_tanh_s16(p, f):
    """int16 LOGISTIC (mode 0) / TANH (1): in, out, the 256-entry uint16 table."""
    _rng(p, "size", 0, _I32_MAX)
    _rng(p, "mode", 0, 1)
    _rng(p, "mult", 0, 32767)
    _rng(p, "shift", 0, 31)
    return [_prod(p["size"], 2), _prod(p["size"], 2), 512], 0, 0


def _relu_s16(p, f):
    """int16 RELU (mode 0), RELU6 (1), LEAKY_RELU (2)."""
    _rng(p, "size", 0, _I32_MAX)
    _rng(p, "mode", 0, 2)
    for k in ("in_zp", "out_zp", "lo", "hi"):
        _rng(p, k, -32768, 32767)
    _rng(p, "m1", 0, _I32_MAX)
    _rng(p, "m2", 0, _I32_MAX)
    _shift(p, "s1", "s2")
    _rng(p, "neg", 0, 1)
    return [_prod(p["size"], 2), _prod(p["size"], 2)], 0, 0


def _unary_s16(p, f):
    """int16 RSQRT (mode 0: the shift applies after TFLite's 2**20 scaling) or ABS (1)."""
    _rng(p, "size", 0, _I32_MAX)
    _rng(p, "mode", 0, 1)
    _rng(p, "rescale", 0, 1)
    _rng(p, "mult", 0, _I32_MAX)
    _rng(p, "shift", -11 if p["mode"] == 0 else -31, 31)
    return [_prod(p["size"], 2), _prod(p["size"], 2)], 0, 0


def _convert_s16(p, f):
    """float32 -> int16 (mode 0) or int16 -> float32 (1)."""
    _rng(p, "mode", 0, 1)
    _rng(p, "size", 0, _I32_MAX)
    _rng(p, "zp", -32768, 32767)
    return [_prod(p["size"], 4 - 2 * p["mode"]), _prod(p["size"], 2 + 2 * p["mode"])], 0, 0


def _requantize_s16(p, f):
    """int8 / int16 / int32 (in_bytes 1 / 2 / 4) -> int8 / int16 / int32 (out_bytes); each zero
    point in its tensor's range."""
    _rng(p, "size", 0, _I32_MAX)
    for k in ("in", "out"):
        if p[f"{k}_bytes"] not in (1, 2, 4):
            raise _Bad(f"{k}_bytes = {p[k + '_bytes']} must be 1, 2 or 4")
        bits = 8 * p[f"{k}_bytes"] - 1
        _rng(p, f"{k}_zp", -(1 << bits), (1 << bits) - 1)
    _rng(p, "mult", 0, _I32_MAX)
    _shift(p, "shift")
    return [_prod(p["size"], p["in_bytes"]), _prod(p["size"], p["out_bytes"])], 0, 0


# ---- unary / binary elementwise (tinycc/ops/activations.py, binary.py) ------------------------------

def _unary_f32(p, f):
    _rng(p, "size", 0, _I32_MAX)
    _rng(p, "op", 0, 16)
    return [_prod(p["size"], 4), _prod(p["size"], 4)], 0, 0


def _binary(p, f, quant):
    _rng(p, "op", 0, 5 if quant else 7)
    return _add(p, f, quant)  # ADD's geometry and parameter checks


def _binary_s16(p, f):
    """binary_s8's checks with int16 elements, ranges and offsets."""
    _rng(p, "op", 0, 5)
    _act_s16(p)
    _rng(p, "in1_off", -32768, 32768)
    _rng(p, "in2_off", -32768, 32768)
    _rng(p, "out_off", -32768, 32767)
    need, _, _ = _add(dict(p, act_min=0, act_max=0, in1_off=0, in2_off=0, out_off=0), f, True)
    return [_prod(n, 2) for n in need], 0, 0


# name: as _SPECS
_C_SPECS = {
    "copy_nd": (K_C_ABI, ("in", "out"), (1, 1), 1, _COPY_ND_PARAMS, (), _copy_nd),
    "fill": (K_C_ABI, ("out",), (1,), 0, ("esize", "count", "value"), (), _fill),
    "lut_s8": (K_C_ABI, ("in", "out", "table"), (1, 1, 1), 1, ("size",), (), _lut),
    "unary_f32": (K_C_ABI, ("in", "out"), (4, 4), 1, ("size", "op"), ("alpha",), _unary_f32),
    "binary_s8": (K_C_ABI, ("in1", "in2", "out"), (1, 1, 1), 2,
                  _ADD_GEOM + ("op",) + _ACT + ("in1_off", "in2_off", "out_off", "left_shift", "m1", "s1", "m2",
                                                "s2", "mo", "so"), (), lambda p, f: _binary(p, f, True)),
    "binary_s16": (K_C_ABI, ("in1", "in2", "out"), (2, 2, 2), 2,
                   _ADD_GEOM + ("op",) + _ACT + ("in1_off", "in2_off", "out_off", "left_shift", "m1", "s1", "m2",
                                                 "s2", "mo", "so"), (), _binary_s16),
    "binary_f32": (K_C_ABI, ("in1", "in2", "out"), (4, 4, 4), 2, _ADD_GEOM + ("op",), _ACT,
                   lambda p, f: _binary(p, f, False)),
    "reduce_s8": (K_C_ABI, ("in", "out"), (1, 1), 1, _REDUCE_PARAMS + ("in_zp", "out_zp", "mult", "shift"), (),
                  lambda p, f: _reduce(p, f, True)),
    "reduce_s16": (K_C_ABI, ("in", "out"), (2, 2), 1, _REDUCE_PARAMS + ("in_zp", "out_zp", "mult", "shift"), (),
                   lambda p, f: _reduce(p, f, True, 2)),
    "reduce_f32": (K_C_ABI, ("in", "out"), (4, 4), 1, _REDUCE_PARAMS, (), lambda p, f: _reduce(p, f, False)),
    "argminmax_s8": (K_C_ABI, ("in", "out"), (1, 4), 1, ("mode", "outer", "axis", "inner"), (),
                     lambda p, f: _argminmax(p, f, 1)),
    "argminmax_f32": (K_C_ABI, ("in", "out"), (4, 4), 1, ("mode", "outer", "axis", "inner"), (),
                      lambda p, f: _argminmax(p, f, 4)),
    "resize_nearest": (K_C_ABI, ("in", "out", "ytab", "xtab"), (1, 1, 4, 4), 1, ("esize",) + _RESIZE_PARAMS, (),
                       lambda p, f: _resize(p, f, None, 1)),
    "resize_bilinear_s8": (K_C_ABI, ("in", "out", "ytab", "xtab"), (1, 1, 4, 4), 1, _RESIZE_PARAMS, (),
                           lambda p, f: _resize(p, f, 1, 4)),
    "resize_bilinear_f32": (K_C_ABI, ("in", "out", "yidx", "xidx", "yw", "xw"), (4, 4, 4, 4, 4, 4), 1,
                            _RESIZE_PARAMS, (), lambda p, f: _resize(p, f, 4, 2)),
    "batch_matmul_s8": (K_C_ABI, ("lhs", "rhs", "out"), (1, 1, 1), 2,
                        _BMM_PARAMS + ("lhs_zp", "rhs_zp", "out_zp", "mult", "shift"), (),
                        lambda p, f: _batch_matmul(p, f, 1)),
    "batch_matmul_s16": (K_C_ABI, ("lhs", "rhs", "out"), (2, 2, 2), 2,
                         _BMM_PARAMS + ("lhs_zp", "rhs_zp", "out_zp", "mult", "shift"), (),
                         lambda p, f: _batch_matmul(p, f, 2)),
    "batch_matmul_f32": (K_C_ABI, ("lhs", "rhs", "out"), (4, 4, 4), 2, _BMM_PARAMS, (),
                         lambda p, f: _batch_matmul(p, f, 4)),
    "transpose_conv_s8": (K_C_ABI, ("in", "out", "w", "bias", "mult", "shift"), (1, 1, 1, 4, 4, 4), 1,
                          _TCONV_GEOM + ("act_min", "act_max", "in_zp", "out_zp"), (),
                          lambda p, f: _transpose_conv(p, f, 1)),
    "transpose_conv_s16": (K_C_ABI, ("in", "out", "w", "bias", "mult", "shift"), (2, 2, 1, 8, 4, 4), 1,
                           _TCONV_GEOM + ("act_min", "act_max"), (), lambda p, f: _transpose_conv(p, f, 2)),
    "transpose_conv_f32": (K_C_ABI, ("in", "out", "w", "bias"), (4, 4, 4, 4), 1, _TCONV_GEOM,
                           ("act_min", "act_max"), lambda p, f: _transpose_conv(p, f, 4)),
    "softmax_s8_s16": (K_C_ABI, ("in", "out"), (1, 2), 1, ("outer", "depth", "mult", "left_shift", "diff_min"), (),
                       _softmax_s16),
    "unary_s16": (K_C_ABI, ("in", "out"), (2, 2), 1, ("size", "mode", "rescale", "mult", "shift"), (), _unary_s16),
    "softmax_s16": (K_C_ABI, ("in", "out", "exp_lut", "recip_lut"), (2, 2, 2, 2), 1,
                    ("outer", "depth", "mult", "shift"), (), _softmax_s16),
    "log_softmax_s8": (K_C_ABI, ("in", "out"), (1, 1), 1,
                       ("outer", "depth", "mult", "left_shift", "rev_div", "rev_shift", "diff_min"), (), _log_softmax),
    "log_softmax_f32": (K_C_ABI, ("in", "out"), (4, 4), 1, ("outer", "depth"), (), lambda p, f: _l2norm(p, f, 4)),
    "l2norm_s8": (K_C_ABI, ("in", "out"), (1, 1), 1, ("outer", "depth", "zp"), (), lambda p, f: _l2norm(p, f, 1)),
    "l2norm_f32": (K_C_ABI, ("in", "out"), (4, 4), 1, ("outer", "depth"), (), lambda p, f: _l2norm(p, f, 4)),
    "lstm_s8": (K_C_ABI, _LSTM_BUFS + ("mult", "shift", "table"), (1, 1, 1, 2, 1, 1, 4, 4, 4, 2), (1, 2, 3),
                _LSTM_GEOM + ("in_zp", "h_zp", "m_fc", "s_fc", "m_ig", "s_ig", "m_o", "s_o", "tanh_mult", "tanh_shift",
                              "clip"), (), lambda p, f: _lstm(p, f, True)),
    "conv_s16": (K_C_ABI, _S8_CONV_BUFS, (2, 2, 1, 8, 4, 4), 1, _CONV_GEOM + ("dm", "act_min", "act_max", "wide"), (),
                 _conv_s16),
    "add_s16": (K_C_ABI, ("in1", "in2", "out"), (2, 2, 2), 2,
                _ADD_GEOM + _ACT + ("in1_off", "in2_off", "out_off", "left_shift", "m1", "s1", "m2", "s2", "mo", "so"),
                (), _add_s16),
    "sigmoid_tanh_s16": (K_C_ABI, ("in", "out", "table"), (2, 2, 2), 1, ("size", "mode", "mult", "shift"), (),
                         _sigmoid_tanh_s16),
    "relu_s16": (K_C_ABI, ("in", "out"), (2, 2), 1,
                 ("size", "mode", "in_zp", "out_zp", "m1", "s1", "m2", "s2", "lo", "hi", "neg"), (), _relu_s16),
    "pool_s16": (K_C_ABI, ("in", "out"), (2, 2), 1, _POOL_GEOM + ("act_min", "act_max", "mode"), (), _pool_s16),
    "convert_s16": (K_C_ABI, ("in", "out"), (2, 2), 1, ("mode", "size", "zp"), ("scale",), _convert_s16),
    "requantize_s16": (K_C_ABI, ("in", "out"), (1, 1), 1,
                       ("size", "in_zp", "out_zp", "mult", "shift", "in_bytes", "out_bytes"), (), _requantize_s16),
    "lstm_s16": (K_C_ABI, _LSTM_BUFS + ("mult", "shift", "table"), (2, 2, 2, 2, 1, 1, 8, 4, 4, 2), (1, 2, 3),
                 _LSTM_GEOM + ("in_zp", "h_zp", "m_fc", "s_fc", "m_ig", "s_ig", "m_o", "s_o", "tanh_mult",
                               "tanh_shift", "clip"), (), lambda p, f: _lstm(p, f, True, 2)),
    "lstm_f32": (K_C_ABI, _LSTM_BUFS, (4, 4, 4, 4, 4, 4, 4), (1, 2, 3), _LSTM_GEOM, ("cell_clip",),
                 lambda p, f: _lstm(p, f, False)),
    "svdf_s8": (K_C_ABI, _SVDF_BUFS, (1, 1, 1, 1, 1, 4), (1, 2),
                _SVDF_GEOM + ("in_zp", "state_zp", "out_zp", "m1", "s1", "m2", "s2"), (), lambda p, f: _svdf(p, f, 1)),
    "svdf_s16": (K_C_ABI, _SVDF_BUFS, (1, 1, 2, 1, 2, 4), (1, 2),
                 _SVDF_GEOM + ("in_zp", "state_zp", "out_zp", "m1", "s1", "m2", "s2"), (), lambda p, f: _svdf(p, f, 2)),
    "svdf_f32": (K_C_ABI, _SVDF_BUFS, (4, 4, 4, 4, 4, 4), (1, 2), _SVDF_GEOM, ("act_min", "act_max"),
                 lambda p, f: _svdf(p, f, 4)),
}
