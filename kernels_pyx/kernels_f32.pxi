# float32 kernels: convolution, depthwise convolution, fully connected, pooling, ADD, SOFTMAX,
# and the byte copy. Same structure as the int8 kernels; results match the NumPy reference to
# float32 rounding (summation order differs), not bit for bit.


cdef inline float clampf(float v, float lo, float hi) noexcept nogil:
    """np.clip semantics, NaN passes through."""
    return lo if v < lo else (hi if v > hi else v)


cdef inline float dot_f32(const float* x, const float* w, Py_ssize_t n) noexcept nogil:
    """sum x[i] * w[i] with 8 independent partial sums (gcc vectorizes them as one register)."""
    cdef float acc[8]
    cdef Py_ssize_t i = 0, j
    for j in range(8):
        acc[j] = 0
    while i + 8 <= n:
        for j in range(8):
            acc[j] += x[i + j] * w[i + j]
        i += 8
    cdef float t = 0
    while i < n:
        t += x[i] * w[i]
        i += 1
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7])) + t


cdef void k_conv2d_f32(Step* s, char* scratch) noexcept nogil:
    cdef const float* x = <const float*>s.buf[0]
    cdef float* y = <float*>s.buf[1]
    cdef const float* w = <const float*>s.buf[2]
    cdef const float* bias = <const float*>s.buf[3]
    cdef Py_ssize_t n = s.ip[0], h = s.ip[1], wd = s.ip[2], c = s.ip[3], oh = s.ip[4], ow = s.ip[5]
    cdef Py_ssize_t oc = s.ip[6], kh = s.ip[7], kw = s.ip[8], sh = s.ip[9], sw = s.ip[10]
    cdef Py_ssize_t dh = s.ip[11], dw = s.ip[12], pt = s.ip[13], pl = s.ip[14]
    cdef float act_min = <float>s.fp[0], act_max = <float>s.fp[1]
    cdef Py_ssize_t b, oy, ox, o, ky, kx, iy0, ix0, ky0, ky1, kx0, kx1, wsize = kh * kw * c
    cdef const float* xrow
    cdef const float* wo
    cdef float* yp
    cdef float acc
    for b in range(n):
        for oy in range(oh):
            iy0 = oy * sh - pt
            tap_range(iy0, dh, kh, h, &ky0, &ky1)
            for ox in range(ow):
                ix0 = ox * sw - pl
                tap_range(ix0, dw, kw, wd, &kx0, &kx1)
                yp = y + ((b * oh + oy) * ow + ox) * oc
                for o in range(oc):
                    acc = 0
                    wo = w + o * wsize
                    for ky in range(ky0, ky1):
                        xrow = x + ((b * h + iy0 + ky * dh) * wd) * c
                        if dw == 1:
                            if kx1 > kx0:
                                acc += dot_f32(xrow + (ix0 + kx0) * c, wo + (ky * kw + kx0) * c, (kx1 - kx0) * c)
                        else:
                            for kx in range(kx0, kx1):
                                acc += dot_f32(xrow + (ix0 + kx * dw) * c, wo + (ky * kw + kx) * c, c)
                    yp[o] = clampf(acc + bias[o], act_min, act_max)


cdef void k_dwconv2d_f32(Step* s, char* scratch) noexcept nogil:
    cdef const float* x = <const float*>s.buf[0]
    cdef float* y = <float*>s.buf[1]
    cdef const float* w = <const float*>s.buf[2]
    cdef const float* bias = <const float*>s.buf[3]
    cdef Py_ssize_t n = s.ip[0], h = s.ip[1], wd = s.ip[2], c = s.ip[3], oh = s.ip[4], ow = s.ip[5]
    cdef Py_ssize_t oc = s.ip[6], kh = s.ip[7], kw = s.ip[8], sh = s.ip[9], sw = s.ip[10]
    cdef Py_ssize_t dh = s.ip[11], dw = s.ip[12], pt = s.ip[13], pl = s.ip[14], dm = s.ip[15]
    cdef float act_min = <float>s.fp[0], act_max = <float>s.fp[1]
    cdef float* acc = <float*>scratch  # oc accumulators
    cdef Py_ssize_t b, oy, ox, o, i, m, ky, kx, iy0, ix0, ky0, ky1, kx0, kx1
    cdef const float* xp
    cdef const float* wp
    cdef float* yp
    cdef float xv
    if dm == 1:
        dwconv2d_f32_fast(s)  # fast_f32.h: channels in vector lanes
        return
    for b in range(n):
        for oy in range(oh):
            iy0 = oy * sh - pt
            tap_range(iy0, dh, kh, h, &ky0, &ky1)
            for ox in range(ow):
                ix0 = ox * sw - pl
                tap_range(ix0, dw, kw, wd, &kx0, &kx1)
                for o in range(oc):
                    acc[o] = 0
                for ky in range(ky0, ky1):
                    for kx in range(kx0, kx1):
                        xp = x + ((b * h + iy0 + ky * dh) * wd + ix0 + kx * dw) * c
                        wp = w + (ky * kw + kx) * oc
                        if dm == 1:
                            for i in range(c):
                                acc[i] += xp[i] * wp[i]
                        else:
                            for i in range(c):
                                xv = xp[i]
                                for m in range(dm):
                                    acc[i * dm + m] += xv * wp[i * dm + m]
                yp = y + ((b * oh + oy) * ow + ox) * oc
                for o in range(oc):
                    yp[o] = clampf(acc[o] + bias[o], act_min, act_max)


cdef void k_fc_f32(Step* s, char* scratch) noexcept nogil:
    cdef const float* x = <const float*>s.buf[0]
    cdef float* y = <float*>s.buf[1]
    cdef const float* w = <const float*>s.buf[2]
    cdef const float* bias = <const float*>s.buf[3]
    cdef Py_ssize_t batches = s.ip[0], depth = s.ip[1], units = s.ip[2]
    cdef float act_min = <float>s.fp[0], act_max = <float>s.fp[1]
    cdef Py_ssize_t b, u
    for b in range(batches):
        for u in range(units):
            y[b * units + u] = clampf(dot_f32(x + b * depth, w + u * depth, depth) + bias[u], act_min, act_max)


cdef void k_pool_f32(Step* s, char* scratch, bint is_max) noexcept nogil:
    cdef const float* x = <const float*>s.buf[0]
    cdef float* y = <float*>s.buf[1]
    cdef Py_ssize_t n = s.ip[0], h = s.ip[1], wd = s.ip[2], c = s.ip[3], oh = s.ip[4], ow = s.ip[5]
    cdef Py_ssize_t kh = s.ip[6], kw = s.ip[7], sh = s.ip[8], sw = s.ip[9], pt = s.ip[10], pl = s.ip[11]
    cdef float act_min = <float>s.fp[0], act_max = <float>s.fp[1]
    cdef float* acc = <float*>scratch  # c accumulators
    cdef Py_ssize_t b, oy, ox, iy, ix, i, y0, y1, x0, x1
    cdef float count
    cdef const float* xp
    cdef float* yp
    for b in range(n):
        for oy in range(oh):
            y0 = oy * sh - pt
            y1 = y0 + kh
            if y0 < 0:
                y0 = 0
            if y1 > h:
                y1 = h
            for ox in range(ow):
                x0 = ox * sw - pl
                x1 = x0 + kw
                if x0 < 0:
                    x0 = 0
                if x1 > wd:
                    x1 = wd
                yp = y + ((b * oh + oy) * ow + ox) * c
                if y1 <= y0 or x1 <= x0:  # excluded by validation
                    for i in range(c):
                        yp[i] = 0
                    continue
                count = <float>((y1 - y0) * (x1 - x0))
                xp = x + ((b * h + y0) * wd + x0) * c
                for i in range(c):
                    acc[i] = xp[i] if is_max else 0
                for iy in range(y0, y1):
                    for ix in range(x0, x1):
                        xp = x + ((b * h + iy) * wd + ix) * c
                        if is_max:
                            for i in range(c):
                                if xp[i] > acc[i]:
                                    acc[i] = xp[i]
                        else:
                            for i in range(c):
                                acc[i] += xp[i]
                for i in range(c):
                    yp[i] = clampf(acc[i] if is_max else acc[i] / count, act_min, act_max)


cdef void k_add_f32(Step* s, char* scratch) noexcept nogil:
    cdef const float* in1 = <const float*>s.buf[0]
    cdef const float* in2 = <const float*>s.buf[1]
    cdef float* y = <float*>s.buf[2]
    cdef const int64_t* ip = s.ip
    cdef float act_min = <float>s.fp[0], act_max = <float>s.fp[1]
    cdef Py_ssize_t i0, i1, i2, i3, i4, i5, k = 0
    cdef Py_ssize_t a5 = ip[11], b5 = ip[17], d5 = ip[5]
    cdef const float* pa
    cdef const float* pb
    cdef float* yp
    for i0 in range(ip[0]):
        for i1 in range(ip[1]):
            for i2 in range(ip[2]):
                for i3 in range(ip[3]):
                    for i4 in range(ip[4]):
                        pa = in1 + i0 * ip[6] + i1 * ip[7] + i2 * ip[8] + i3 * ip[9] + i4 * ip[10]
                        pb = in2 + i0 * ip[12] + i1 * ip[13] + i2 * ip[14] + i3 * ip[15] + i4 * ip[16]
                        yp = y + k
                        if a5 == 1 and b5 == 1:
                            for i5 in range(d5):
                                yp[i5] = clampf(pa[i5] + pb[i5], act_min, act_max)
                        else:
                            for i5 in range(d5):
                                yp[i5] = clampf(pa[i5 * a5] + pb[i5 * b5], act_min, act_max)
                        k += d5


cdef void k_softmax_f32(Step* s, char* scratch) noexcept nogil:
    cdef const float* x = <const float*>s.buf[0]
    cdef float* y = <float*>s.buf[1]
    cdef Py_ssize_t outer = s.ip[0], depth = s.ip[1], r, i
    cdef float beta = <float>s.fp[0]
    cdef const float* xr
    cdef float* yr
    cdef float maxv, total, e
    for r in range(outer):
        xr = x + r * depth
        yr = y + r * depth
        maxv = xr[0]
        for i in range(1, depth):
            if xr[i] > maxv:
                maxv = xr[i]
        total = 0
        for i in range(depth):
            e = expf((xr[i] - maxv) * beta)
            yr[i] = e  # in place is fine: x[i] is not read again
            total += e
        for i in range(depth):
            yr[i] = yr[i] / total


cdef void k_copy(Step* s, char* scratch) noexcept nogil:
    memmove(s.buf[1], s.buf[0], <size_t>s.ip[0])
