# The fast kernels, written in C (fast_s8.h, fast_f32.h: AVX2 intrinsics and portable C):
# convolution and fully connected over weights packed by tinycc/backend_host.py, and
# depthwise convolution with depth multiplier 1. Here: their parameters from a Step.

cdef extern from "fast_s8.h" nogil:
    enum:
        TC_HAVE_AVX2
        TC_NR
        TC_KMAX_S8
    ctypedef struct tc_conv_s8:
        const int8_t* x
        int8_t* y
        const int8_t* w
        const int32_t* bias
        const int32_t* mult
        const int32_t* shift
        Py_ssize_t n, h, w_, c, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl
        int32_t act_min, act_max, in_zp, out_zp
    ctypedef struct tc_fast_add_s8:
        int32_t act_min, act_max, in1_off, in2_off, out_off, left_shift, m1, s1, m2, s2, mo, so
    void tc_add_s8_run(const tc_fast_add_s8* p, const int8_t* a, const int8_t* b, int8_t* y, Py_ssize_t n)
    void tc_conv2d_s8_packed(const tc_conv_s8* g)
    void tc_fast_dwconv2d_s8(const tc_conv_s8* g)
    int tc_set_simd(int on)
    int tc_simd

cdef extern from "fast_f32.h" nogil:
    enum:
        TC_NR_F32
        TC_KMAX_F32
    ctypedef struct tc_conv_f32:
        const float* x
        float* y
        const float* w
        const float* bias
        Py_ssize_t n, h, w_, c, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl
        float act_min, act_max
    void tc_conv2d_f32_packed(const tc_conv_f32* g)
    void tc_fast_dwconv2d_f32(const tc_conv_f32* g)


cdef inline void geometry_s8(tc_conv_s8* g, const int64_t* ip) noexcept nogil:
    """The convolution sizes, iparams 0..14 of the conv kernels."""
    g.n, g.h, g.w_, g.c, g.oh, g.ow, g.oc = ip[0], ip[1], ip[2], ip[3], ip[4], ip[5], ip[6]
    g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl = ip[7], ip[8], ip[9], ip[10], ip[11], ip[12], ip[13], ip[14]


cdef inline void geometry_f32(tc_conv_f32* g, const int64_t* ip) noexcept nogil:
    g.n, g.h, g.w_, g.c, g.oh, g.ow, g.oc = ip[0], ip[1], ip[2], ip[3], ip[4], ip[5], ip[6]
    g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl = ip[7], ip[8], ip[9], ip[10], ip[11], ip[12], ip[13], ip[14]


cdef void k_conv2d_s8_packed(Step* s, char* scratch) noexcept nogil:
    cdef tc_conv_s8 g
    g.x = <const int8_t*>s.buf[0]
    g.y = <int8_t*>s.buf[1]
    g.w = <const int8_t*>s.buf[2]
    g.bias = <const int32_t*>s.buf[3]
    g.mult = <const int32_t*>s.buf[4]
    g.shift = <const int32_t*>s.buf[5]
    geometry_s8(&g, s.ip)
    g.act_min = <int32_t>s.ip[15]
    g.act_max = <int32_t>s.ip[16]
    g.in_zp = <int32_t>s.ip[17]
    g.out_zp = <int32_t>s.ip[18]
    tc_conv2d_s8_packed(&g)


cdef void k_fc_s8_packed(Step* s, char* scratch) noexcept nogil:
    """Fully connected as the 1x1 convolution of `batches` pixels of `depth` channels."""
    cdef tc_conv_s8 g
    g.x = <const int8_t*>s.buf[0]
    g.y = <int8_t*>s.buf[1]
    g.w = <const int8_t*>s.buf[2]
    g.bias = <const int32_t*>s.buf[3]
    g.mult = <const int32_t*>s.buf[4]
    g.shift = <const int32_t*>s.buf[5]
    g.n, g.h, g.w_, g.c, g.oh, g.ow, g.oc = s.ip[0], 1, 1, s.ip[1], 1, 1, s.ip[2]
    g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl = 1, 1, 1, 1, 1, 1, 0, 0
    g.act_min = <int32_t>s.ip[3]
    g.act_max = <int32_t>s.ip[4]
    g.in_zp = <int32_t>s.ip[5]
    g.out_zp = <int32_t>s.ip[6]
    tc_conv2d_s8_packed(&g)


cdef void dwconv2d_s8_fast(Step* s) noexcept nogil:
    cdef tc_conv_s8 g
    g.x = <const int8_t*>s.buf[0]
    g.y = <int8_t*>s.buf[1]
    g.w = <const int8_t*>s.buf[2]
    g.bias = <const int32_t*>s.buf[3]
    g.mult = <const int32_t*>s.buf[4]
    g.shift = <const int32_t*>s.buf[5]
    geometry_s8(&g, s.ip)
    g.act_min = <int32_t>s.ip[15]
    g.act_max = <int32_t>s.ip[16]
    g.in_zp = <int32_t>s.ip[17]
    g.out_zp = <int32_t>s.ip[18]
    tc_fast_dwconv2d_s8(&g)


cdef void k_conv2d_f32_packed(Step* s, char* scratch) noexcept nogil:
    cdef tc_conv_f32 g
    g.x = <const float*>s.buf[0]
    g.y = <float*>s.buf[1]
    g.w = <const float*>s.buf[2]
    g.bias = <const float*>s.buf[3]
    geometry_f32(&g, s.ip)
    g.act_min = <float>s.fp[0]
    g.act_max = <float>s.fp[1]
    tc_conv2d_f32_packed(&g)


cdef void k_fc_f32_packed(Step* s, char* scratch) noexcept nogil:
    cdef tc_conv_f32 g
    g.x = <const float*>s.buf[0]
    g.y = <float*>s.buf[1]
    g.w = <const float*>s.buf[2]
    g.bias = <const float*>s.buf[3]
    g.n, g.h, g.w_, g.c, g.oh, g.ow, g.oc = s.ip[0], 1, 1, s.ip[1], 1, 1, s.ip[2]
    g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.pt, g.pl = 1, 1, 1, 1, 1, 1, 0, 0
    g.act_min = <float>s.fp[0]
    g.act_max = <float>s.fp[1]
    tc_conv2d_f32_packed(&g)


cdef void dwconv2d_f32_fast(Step* s) noexcept nogil:
    cdef tc_conv_f32 g
    g.x = <const float*>s.buf[0]
    g.y = <float*>s.buf[1]
    g.w = <const float*>s.buf[2]
    g.bias = <const float*>s.buf[3]
    geometry_f32(&g, s.ip)
    g.act_min = <float>s.fp[0]
    g.act_max = <float>s.fp[1]
    tc_fast_dwconv2d_f32(&g)
