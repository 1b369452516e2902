# int8 kernels: convolution, depthwise convolution, fully connected, pooling, ADD, SOFTMAX,
# QUANTIZE / requantize / DEQUANTIZE.
#
# Every kernel reads its sizes from the step's iparams, which the Executor validated against
# its buffers; the kernels check nothing per element. Index arithmetic is Py_ssize_t
# (64-bit). Sums that can exceed int32 wrap exactly like the reference (which wraps to 32 bits
# inside MultiplyByQuantizedMultiplier): in unsigned arithmetic, never signed overflow.

# A product (x - zp) * w with int8 x, w and -128 <= zp <= 127 has |p| <= 255 * 128 = 32640,
# so a signed int32 sum of up to DOT_CHUNK of them cannot overflow.
cdef enum:
    DOT_CHUNK = 65536


cdef inline int32_t dot_s8(const int8_t* x, const int8_t* w, Py_ssize_t n, int32_t zp) noexcept nogil:
    """sum (x[i] - zp) * w[i], wrapped to int32; the inner loop is a plain vectorizable dot."""
    cdef uint32_t total = 0
    cdef int32_t acc
    cdef int16_t zp16 = <int16_t>zp
    cdef Py_ssize_t i, m
    while n > 0:
        m = n if n < DOT_CHUNK else DOT_CHUNK
        acc = 0
        for i in range(m):
            # int16 operands, int32 products: gcc turns this into pmaddwd-style dot products
            acc += <int32_t><int16_t>(x[i] - zp16) * <int32_t><int16_t>w[i]
        total += <uint32_t>acc
        x += m
        w += m
        n -= m
    return <int32_t>total


cdef inline int8_t requant_s8(uint32_t acc, int32_t mult, int32_t shift, int32_t out_zp,
                              int32_t act_min, int32_t act_max) noexcept nogil:
    """int32 accumulator -> int8: MBQM, add the output zero point, clamp."""
    cdef int left, right
    split_shift(shift, &left, &right)
    cdef int64_t v = <int64_t>mbqm(<int32_t>acc, mult, left, right) + out_zp
    if v < act_min:
        v = act_min
    if v > act_max:
        v = act_max
    return <int8_t>v


cdef inline void tap_range(Py_ssize_t start, Py_ssize_t dilation, Py_ssize_t k, Py_ssize_t size,
                           Py_ssize_t* lo, Py_ssize_t* hi) noexcept nogil:
    """Filter taps t in [lo, hi) with 0 <= start + t * dilation < size (empty when hi <= lo)."""
    if start >= 0:
        lo[0] = 0
    else:
        lo[0] = (-start + dilation - 1) // dilation
    if start >= size:
        hi[0] = 0
    else:
        hi[0] = (size - start + dilation - 1) // dilation
        if hi[0] > k:
            hi[0] = k


cdef void k_conv2d_s8(Step* s, char* scratch) noexcept nogil:
    cdef const int8_t* x = <const int8_t*>s.buf[0]
    cdef int8_t* y = <int8_t*>s.buf[1]
    cdef const int8_t* w = <const int8_t*>s.buf[2]
    cdef const int32_t* bias = <const int32_t*>s.buf[3]
    cdef const int32_t* mult = <const int32_t*>s.buf[4]
    cdef const int32_t* shift = <const int32_t*>s.buf[5]
    cdef Py_ssize_t n = s.ip[0], h = s.ip[1], wd = s.ip[2], c = s.ip[3], oh = s.ip[4], ow = s.ip[5]
    cdef Py_ssize_t oc = s.ip[6], kh = s.ip[7], kw = s.ip[8], sh = s.ip[9], sw = s.ip[10]
    cdef Py_ssize_t dh = s.ip[11], dw = s.ip[12], pt = s.ip[13], pl = s.ip[14]
    cdef int32_t act_min = <int32_t>s.ip[15], act_max = <int32_t>s.ip[16]
    cdef int32_t in_zp = <int32_t>s.ip[17], out_zp = <int32_t>s.ip[18]
    cdef Py_ssize_t b, oy, ox, o, ky, kx, iy0, ix0, ky0, ky1, kx0, kx1, wsize = kh * kw * c
    cdef const int8_t* xrow
    cdef const int8_t* wo
    cdef int8_t* yp
    cdef uint32_t acc
    for b in range(n):
        for oy in range(oh):
            iy0 = oy * sh - pt
            tap_range(iy0, dh, kh, h, &ky0, &ky1)
            for ox in range(ow):
                ix0 = ox * sw - pl
                tap_range(ix0, dw, kw, wd, &kx0, &kx1)
                yp = y + ((b * oh + oy) * ow + ox) * oc
                for o in range(oc):
                    acc = <uint32_t>bias[o]
                    wo = w + o * wsize
                    for ky in range(ky0, ky1):
                        xrow = x + ((b * h + iy0 + ky * dh) * wd) * c
                        if dw == 1:
                            # the valid taps of this filter row are contiguous in input and weights
                            if kx1 > kx0:
                                acc += <uint32_t>dot_s8(xrow + (ix0 + kx0) * c, wo + (ky * kw + kx0) * c,
                                                        (kx1 - kx0) * c, in_zp)
                        else:
                            for kx in range(kx0, kx1):
                                acc += <uint32_t>dot_s8(xrow + (ix0 + kx * dw) * c, wo + (ky * kw + kx) * c,
                                                        c, in_zp)
                    yp[o] = requant_s8(acc, mult[o], shift[o], out_zp, act_min, act_max)


cdef void k_dwconv2d_s8(Step* s, char* scratch) noexcept nogil:
    cdef const int8_t* x = <const int8_t*>s.buf[0]
    cdef int8_t* y = <int8_t*>s.buf[1]
    cdef const int8_t* w = <const int8_t*>s.buf[2]
    cdef const int32_t* bias = <const int32_t*>s.buf[3]
    cdef const int32_t* mult = <const int32_t*>s.buf[4]
    cdef const int32_t* shift = <const int32_t*>s.buf[5]
    cdef Py_ssize_t n = s.ip[0], h = s.ip[1], wd = s.ip[2], c = s.ip[3], oh = s.ip[4], ow = s.ip[5]
    cdef Py_ssize_t oc = s.ip[6], kh = s.ip[7], kw = s.ip[8], sh = s.ip[9], sw = s.ip[10]
    cdef Py_ssize_t dh = s.ip[11], dw = s.ip[12], pt = s.ip[13], pl = s.ip[14]
    cdef int32_t act_min = <int32_t>s.ip[15], act_max = <int32_t>s.ip[16]
    cdef int32_t in_zp = <int32_t>s.ip[17], out_zp = <int32_t>s.ip[18]
    cdef Py_ssize_t dm = s.ip[19]
    cdef int16_t zp16 = <int16_t>in_zp
    cdef uint32_t* acc = <uint32_t*>scratch  # oc accumulators
    cdef Py_ssize_t b, oy, ox, o, i, m, ky, kx, iy0, ix0, ky0, ky1, kx0, kx1
    cdef const int8_t* xp
    cdef const int8_t* wp
    cdef int8_t* yp
    cdef int32_t xv
    if dm == 1:
        dwconv2d_s8_fast(s)  # fast_s8.h: channels in vector lanes
        return
    for b in range(n):
        for oy in range(oh):
            iy0 = oy * sh - pt
            tap_range(iy0, dh, kh, h, &ky0, &ky1)
            for ox in range(ow):
                ix0 = ox * sw - pl
                tap_range(ix0, dw, kw, wd, &kx0, &kx1)
                for o in range(oc):
                    acc[o] = <uint32_t>bias[o]
                for ky in range(ky0, ky1):
                    for kx in range(kx0, kx1):
                        xp = x + ((b * h + iy0 + ky * dh) * wd + ix0 + kx * dw) * c
                        wp = w + (ky * kw + kx) * oc
                        if dm == 1:
                            # |(x - zp) * w| <= 255 * 128 fits int16: 16-bit multiplies
                            for i in range(c):
                                acc[i] += <uint32_t><int32_t><int16_t>((xp[i] - zp16) * wp[i])
                        else:
                            for i in range(c):
                                xv = <int32_t>xp[i] - in_zp
                                for m in range(dm):
                                    acc[i * dm + m] += <uint32_t>(xv * <int32_t>wp[i * dm + m])
                yp = y + ((b * oh + oy) * ow + ox) * oc
                for o in range(oc):
                    yp[o] = requant_s8(acc[o], mult[o], shift[o], out_zp, act_min, act_max)


cdef void k_fc_s8(Step* s, char* scratch) noexcept nogil:
    cdef const int8_t* x = <const int8_t*>s.buf[0]
    cdef int8_t* y = <int8_t*>s.buf[1]
    cdef const int8_t* w = <const int8_t*>s.buf[2]
    cdef const int32_t* bias = <const int32_t*>s.buf[3]
    cdef const int32_t* mult = <const int32_t*>s.buf[4]
    cdef const int32_t* shift = <const int32_t*>s.buf[5]
    cdef Py_ssize_t batches = s.ip[0], depth = s.ip[1], units = s.ip[2]
    cdef int32_t act_min = <int32_t>s.ip[3], act_max = <int32_t>s.ip[4]
    cdef int32_t in_zp = <int32_t>s.ip[5], out_zp = <int32_t>s.ip[6]
    cdef Py_ssize_t b, u
    cdef uint32_t acc
    for b in range(batches):
        for u in range(units):
            acc = <uint32_t>bias[u] + <uint32_t>dot_s8(x + b * depth, w + u * depth, depth, in_zp)
            y[b * units + u] = requant_s8(acc, mult[u], shift[u], out_zp, act_min, act_max)


cdef void k_pool_s8(Step* s, char* scratch, bint is_max) noexcept nogil:
    cdef const int8_t* x = <const int8_t*>s.buf[0]
    cdef int8_t* y = <int8_t*>s.buf[1]
    cdef Py_ssize_t n = s.ip[0], h = s.ip[1], wd = s.ip[2], c = s.ip[3], oh = s.ip[4], ow = s.ip[5]
    cdef Py_ssize_t kh = s.ip[6], kw = s.ip[7], sh = s.ip[8], sw = s.ip[9], pt = s.ip[10], pl = s.ip[11]
    cdef int32_t act_min = <int32_t>s.ip[12], act_max = <int32_t>s.ip[13]
    cdef int32_t* acc = <int32_t*>scratch  # c accumulators
    cdef Py_ssize_t b, oy, ox, iy, ix, i, y0, y1, x0, x1
    cdef int32_t count, half, v
    cdef const int8_t* xp
    cdef int8_t* yp
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
                if y1 <= y0 or x1 <= x0:  # excluded by validation; keeps a division by 0 impossible
                    for i in range(c):
                        yp[i] = <int8_t>act_min
                    continue
                count = <int32_t>((y1 - y0) * (x1 - x0))
                for i in range(c):
                    acc[i] = -128 if is_max else 0
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
                half = count // 2
                for i in range(c):
                    v = acc[i]
                    if not is_max:
                        v = (v + half) // count if v > 0 else (v - half) // count  # C division
                    if v < act_min:
                        v = act_min
                    if v > act_max:
                        v = act_max
                    yp[i] = <int8_t>v


cdef inline int8_t add_one_s8(int32_t x1, int32_t x2, AddS8Params* p) noexcept nogil:
    cdef int32_t a = mbqm(shl32(x1 + p.in1_off, p.left_shift), p.m1, p.l1, p.r1)
    cdef int32_t b = mbqm(shl32(x2 + p.in2_off, p.left_shift), p.m2, p.l2, p.r2)
    cdef int64_t v = <int64_t>mbqm(wrap32(<int64_t>a + b), p.mo, p.lo, p.ro) + p.out_off
    if v < p.act_min:
        v = p.act_min
    if v > p.act_max:
        v = p.act_max
    return <int8_t>v


cdef void k_add_s8(Step* s, char* scratch) noexcept nogil:
    cdef const int8_t* in1 = <const int8_t*>s.buf[0]
    cdef const int8_t* in2 = <const int8_t*>s.buf[1]
    cdef int8_t* y = <int8_t*>s.buf[2]
    cdef const int64_t* ip = s.ip
    cdef AddS8Params p
    p.act_min = <int32_t>ip[18]
    p.act_max = <int32_t>ip[19]
    p.in1_off = <int32_t>ip[20]
    p.in2_off = <int32_t>ip[21]
    p.out_off = <int32_t>ip[22]
    p.left_shift = <int>ip[23]
    p.m1 = <int32_t>ip[24]
    split_shift(<int32_t>ip[25], &p.l1, &p.r1)
    p.m2 = <int32_t>ip[26]
    split_shift(<int32_t>ip[27], &p.l2, &p.r2)
    p.mo = <int32_t>ip[28]
    split_shift(<int32_t>ip[29], &p.lo, &p.ro)
    cdef Py_ssize_t i0, i1, i2, i3, i4, i5, k = 0
    cdef Py_ssize_t a5 = ip[11], b5 = ip[17], d5 = ip[5]
    cdef const int8_t* pa
    cdef const int8_t* pb
    cdef tc_fast_add_s8 fast
    fast.act_min, fast.act_max, fast.in1_off, fast.in2_off = p.act_min, p.act_max, p.in1_off, p.in2_off
    fast.out_off, fast.left_shift = p.out_off, p.left_shift
    fast.m1, fast.s1, fast.m2, fast.s2 = p.m1, <int32_t>ip[25], p.m2, <int32_t>ip[27]
    fast.mo, fast.so = p.mo, <int32_t>ip[29]
    for i0 in range(ip[0]):
        for i1 in range(ip[1]):
            for i2 in range(ip[2]):
                for i3 in range(ip[3]):
                    for i4 in range(ip[4]):
                        pa = in1 + i0 * ip[6] + i1 * ip[7] + i2 * ip[8] + i3 * ip[9] + i4 * ip[10]
                        pb = in2 + i0 * ip[12] + i1 * ip[13] + i2 * ip[14] + i3 * ip[15] + i4 * ip[16]
                        if a5 == 1 and b5 == 1:
                            tc_add_s8_run(&fast, pa, pb, y + k, d5)  # fast_s8.h: 8 lanes at a time
                        else:
                            for i5 in range(d5):
                                y[k + i5] = add_one_s8(pa[i5 * a5], pb[i5 * b5], &p)
                        k += d5


cdef void k_softmax_s8(Step* s, char* scratch) noexcept nogil:
    cdef const int8_t* x = <const int8_t*>s.buf[0]
    cdef int8_t* y = <int8_t*>s.buf[1]
    cdef Py_ssize_t outer = s.ip[0], depth = s.ip[1]
    cdef int32_t mult = <int32_t>s.ip[2]
    cdef int64_t scale = <int64_t>1 << s.ip[3]  # 1 << left_shift; |diff_min| * scale < 2**31
    cdef int32_t diff_min = <int32_t>s.ip[4]
    cdef Py_ssize_t r, i
    cdef const int8_t* xr
    cdef int8_t* yr
    cdef int32_t maxv, diff, e, recip
    cdef uint32_t sum_of_exps
    cdef int bits_over_unit, exponent
    cdef int64_t v
    for r in range(outer):
        xr = x + r * depth
        yr = y + r * depth
        maxv = -128
        for i in range(depth):
            if xr[i] > maxv:
                maxv = xr[i]
        sum_of_exps = 0
        for i in range(depth):
            diff = <int32_t>xr[i] - maxv
            if diff >= diff_min:
                e = exp_on_negative_values_5(srdhm(<int32_t>(diff * scale), mult))
                sum_of_exps += <uint32_t>rdbpot(e, 12)  # ACCUM_INTEGER_BITS
        recip = get_reciprocal(<int32_t>sum_of_exps, 12, &bits_over_unit)
        exponent = bits_over_unit + 31 - 8  # 3 <= exponent <= 35
        for i in range(depth):
            diff = <int32_t>xr[i] - maxv
            if diff >= diff_min:
                e = exp_on_negative_values_5(srdhm(<int32_t>(diff * scale), mult))
                v = rdbpot(srdhm(recip, e), exponent) - 128
                if v < -128:
                    v = -128
                if v > 127:
                    v = 127
                yr[i] = <int8_t>v
            else:
                yr[i] = -128


cdef void k_quantize_f32_s8(Step* s, char* scratch) noexcept nogil:
    cdef const float* x = <const float*>s.buf[0]
    cdef int8_t* y = <int8_t*>s.buf[1]
    cdef Py_ssize_t size = s.ip[0], i
    cdef double zp = <double>s.ip[1]
    cdef float scale = <float>s.fp[0]
    cdef float q
    cdef double r
    for i in range(size):
        q = x[i] / scale  # float32 division, as the reference
        r = floor(fabs(<double>q) + 0.5)
        r = (-r if q < 0 else r) + zp
        # clamp in floating point: a float -> int conversion of an out-of-range value (or NaN,
        # which maps to -128 here) would be undefined
        if r > 127.0:
            r = 127.0
        elif not (r >= -128.0):
            r = -128.0
        y[i] = <int8_t>r


cdef void k_requantize_s8(Step* s, char* scratch) noexcept nogil:
    cdef const int8_t* x = <const int8_t*>s.buf[0]
    cdef int8_t* y = <int8_t*>s.buf[1]
    cdef Py_ssize_t size = s.ip[0], i
    cdef int32_t in_zp = <int32_t>s.ip[1], out_zp = <int32_t>s.ip[2], mult = <int32_t>s.ip[3]
    cdef int left, right
    split_shift(<int32_t>s.ip[4], &left, &right)
    cdef int64_t v
    for i in range(size):
        v = <int64_t>mbqm(<int32_t>x[i] - in_zp, mult, left, right) + out_zp
        if v < -128:
            v = -128
        if v > 127:
            v = 127
        y[i] = <int8_t>v


cdef void k_dequantize_s8_f32(Step* s, char* scratch) noexcept nogil:
    cdef const int8_t* x = <const int8_t*>s.buf[0]
    cdef float* y = <float*>s.buf[1]
    cdef Py_ssize_t size = s.ip[0], i
    cdef int32_t zp = <int32_t>s.ip[1]
    cdef double scale = s.fp[0]  # already a float32 value
    for i in range(size):
        y[i] = <float>(scale * <double>(<int32_t>x[i] - zp))
