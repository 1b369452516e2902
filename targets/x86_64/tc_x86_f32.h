/* Fast float32 kernels of the host executor: convolution and fully connected as one GEMM over
 * packed weights, and depthwise convolution. Same structure as fast_s8.h; results agree with the
 * NumPy reference to float32 rounding (the summation order differs), not bit for bit.
 *
 * GEMM. acc[p][o] = bias[o] + sum_k a[p][k] * w[o][k], k in (ky, kx, c) order. The a row of a
 * pixel is the input itself when the convolution is 1x1 without padding (fully connected too:
 * no copy), otherwise it is gathered on the stack ("the panel", 0 for padding taps; K at most
 * TC_KMAX_F32). Weights come packed in blocks of 16 output channels:
 *
 *     w_packed[b][k][j] = w[16 b + j][k]     (0 past oc)
 *
 * so one 64-byte row of a block holds channels 16b..16b+15 at k; bias is padded to whole
 * blocks. The AVX2 inner step broadcasts a[p][k] and does two FMAs per pixel.
 */
#ifndef TINYCC_FAST_F32_H
#define TINYCC_FAST_F32_H

#include "tc_x86.h"

#define TC_MR_F32 4
#define TC_NR_F32 16
#define TC_KMAX_F32 2048  /* largest gathered K: the panel is TC_MR_F32 * TC_KMAX_F32 floats */

typedef struct {
    const float* x;
    float* y;
    const float* w;
    const float* bias;
    ptrdiff_t n, h, w_, c, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl;
    float act_min, act_max;
} tc_conv_f32;


/* Does every output pixel read exactly one input pixel, inside the input (a 1x1 convolution
 * without padding)? Then a pixel's a row is the input row itself. */
static inline int tc_direct_f32(const tc_conv_f32* g) {
    return g->kh == 1 && g->kw == 1 && g->pt <= 0 && g->pl <= 0 && (g->oh - 1) * g->sh - g->pt < g->h &&
           (g->ow - 1) * g->sw - g->pl < g->w_;
}

/* The a row of output pixel (b, oy, ox), as kh runs of kw * c values (the filter rows), run ky
 * at *row + ky * *stride: in the input itself when every tap of the pixel is inside it and the
 * taps of a filter row are contiguous (no copy: most pixels), else gathered into the panel row
 * dst (0 for padding taps). */
static void tc_row_f32(float* dst, const tc_conv_f32* g, ptrdiff_t b, ptrdiff_t oy, ptrdiff_t ox, const float** row,
                       ptrdiff_t* stride) {
    ptrdiff_t c = g->c, K = g->kh * g->kw * c;
    ptrdiff_t iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
    ptrdiff_t ky0, ky1, kx0, kx1, ky, kx;
    TC_WINDOW(g, oy, ox, ky0, ky1, kx0, kx1);
    int inside = ky0 == 0 && ky1 == g->kh && kx0 == 0 && kx1 == g->kw;
    if (inside && (g->dw == 1 || g->kw == 1)) {
        *row = g->x + ((b * g->h + iy0) * g->w_ + ix0) * c;
        *stride = g->dh * g->w_ * c;
        return;
    }
    if (!inside)
        memset(dst, 0, (size_t)K * sizeof(float));  /* some taps are padding */
    for (ky = ky0; ky < ky1; ky++) {
        const float* xrow = g->x + ((b * g->h + iy0 + ky * g->dh) * g->w_) * c;
        float* d = dst + (ky * g->kw) * c;
        if (g->dw == 1) {
            memcpy(d + kx0 * c, xrow + (ix0 + kx0) * c, (size_t)((kx1 - kx0) * c) * sizeof(float));
        } else {
            for (kx = kx0; kx < kx1; kx++)
                memcpy(d + kx * c, xrow + (ix0 + kx * g->dw) * c, (size_t)c * sizeof(float));
        }
    }
    *row = dst;
    *stride = g->kw * c;
}

/* ---- GEMM --------------------------------------------------------------------------------------
 *
 * Every output is bias + a[0] w[0] + a[1] w[1] + ... in this order (fused multiply-adds in the
 * AVX2 code), whatever the tile: so a row-streamed call gives the same bits as a whole one. */

/* The rows of a tile: row i's run ky (of run = kw * c values) starts at a[i] + ky * stride[i]. */
typedef struct {
    const float* a[TC_MR_F32];
    ptrdiff_t stride[TC_MR_F32];
    ptrdiff_t runs, run;
} tc_rows_f32;

static void tc_block_f32_c(const tc_conv_f32* g, const tc_rows_f32* r, int m, const float* w, ptrdiff_t p0,
                           ptrdiff_t o0, ptrdiff_t nj) {
    for (int i = 0; i < m; i++) {
        float acc[TC_NR_F32];
        const float* wk = w;
        int j;
        for (j = 0; j < TC_NR_F32; j++) acc[j] = g->bias[o0 + j];
        for (ptrdiff_t q = 0; q < r->runs; q++) {
            const float* a = r->a[i] + q * r->stride[i];
            for (ptrdiff_t k = 0; k < r->run; k++, wk += TC_NR_F32)
                for (j = 0; j < TC_NR_F32; j++) acc[j] += a[k] * wk[j];
        }
        float* yp = g->y + (p0 + i) * g->oc + o0;
        for (j = 0; j < nj; j++) yp[j] = tc_clampf(acc[j], g->act_min, g->act_max);
    }
}

#if TC_HAVE_AVX2
/* clamp 16 lanes and store nj <= 16 of them */
static inline void tc_store16_f32(float* yp, ptrdiff_t nj, __m256 lo, __m256 hi, __m256 vmin, __m256 vmax) {
    /* max(vmin, v) then min(vmax, .): a NaN v passes through, as in tc_clampf */
    lo = _mm256_min_ps(vmax, _mm256_max_ps(vmin, lo));
    hi = _mm256_min_ps(vmax, _mm256_max_ps(vmin, hi));
    if (nj >= 16) {
        _mm256_storeu_ps(yp, lo);
        _mm256_storeu_ps(yp + 8, hi);
    } else {
        float tmp[16];
        _mm256_storeu_ps(tmp, lo);
        _mm256_storeu_ps(tmp + 8, hi);
        memcpy(yp, tmp, (size_t)nj * sizeof(float));
    }
}

/* four rows, one block of 16 channels: 8 accumulators */
static void tc_block4_f32_avx2(const tc_conv_f32* g, const tc_rows_f32* r, const float* w, ptrdiff_t p0,
                               ptrdiff_t o0, ptrdiff_t nj) {
    __m256 b0 = _mm256_loadu_ps(g->bias + o0), b1 = _mm256_loadu_ps(g->bias + o0 + 8);
    __m256 c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
    for (ptrdiff_t q = 0; q < r->runs; q++) {
        const float *a0 = r->a[0] + q * r->stride[0], *a1 = r->a[1] + q * r->stride[1];
        const float *a2 = r->a[2] + q * r->stride[2], *a3 = r->a[3] + q * r->stride[3];
        for (ptrdiff_t k = 0; k < r->run; k++, w += TC_NR_F32) {
            __m256 w0 = _mm256_loadu_ps(w), w1 = _mm256_loadu_ps(w + 8), v;
            TC_IN_REGISTER(w0);
            TC_IN_REGISTER(w1);
            v = _mm256_broadcast_ss(a0 + k);
            c00 = _mm256_fmadd_ps(v, w0, c00);
            c01 = _mm256_fmadd_ps(v, w1, c01);
            v = _mm256_broadcast_ss(a1 + k);
            c10 = _mm256_fmadd_ps(v, w0, c10);
            c11 = _mm256_fmadd_ps(v, w1, c11);
            v = _mm256_broadcast_ss(a2 + k);
            c20 = _mm256_fmadd_ps(v, w0, c20);
            c21 = _mm256_fmadd_ps(v, w1, c21);
            v = _mm256_broadcast_ss(a3 + k);
            c30 = _mm256_fmadd_ps(v, w0, c30);
            c31 = _mm256_fmadd_ps(v, w1, c31);
        }
    }
    __m256 vmin = _mm256_set1_ps(g->act_min), vmax = _mm256_set1_ps(g->act_max);
    float* y = g->y + p0 * g->oc + o0;
    tc_store16_f32(y, nj, c00, c01, vmin, vmax);
    tc_store16_f32(y + g->oc, nj, c10, c11, vmin, vmax);
    tc_store16_f32(y + 2 * g->oc, nj, c20, c21, vmin, vmax);
    tc_store16_f32(y + 3 * g->oc, nj, c30, c31, vmin, vmax);
}

/* one row (row i of the tile), nb <= 4 blocks at once (independent FMA chains; the compiler
 * specializes the constant nb of each call) */
static inline void tc_row_f32_avx2(const tc_conv_f32* g, const tc_rows_f32* r, int i, ptrdiff_t p, ptrdiff_t b0,
                                   int nb) {
    ptrdiff_t K = r->runs * r->run, kstride = TC_NR_F32 * K;  /* floats per block */
    const float* w = g->w + b0 * kstride;
    __m256 c[4][2];
    int j;
    for (j = 0; j < nb; j++) {
        c[j][0] = _mm256_loadu_ps(g->bias + (b0 + j) * TC_NR_F32);
        c[j][1] = _mm256_loadu_ps(g->bias + (b0 + j) * TC_NR_F32 + 8);
    }
    for (ptrdiff_t q = 0; q < r->runs; q++) {
        const float* a = r->a[i] + q * r->stride[i];
        for (ptrdiff_t k = 0; k < r->run; k++, w += TC_NR_F32) {
            __m256 v = _mm256_broadcast_ss(a + k);
            for (j = 0; j < nb; j++) {
                c[j][0] = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + j * kstride), c[j][0]);
                c[j][1] = _mm256_fmadd_ps(v, _mm256_loadu_ps(w + j * kstride + 8), c[j][1]);
            }
        }
    }
    __m256 vmin = _mm256_set1_ps(g->act_min), vmax = _mm256_set1_ps(g->act_max);
    for (j = 0; j < nb; j++) {
        ptrdiff_t o0 = (b0 + j) * TC_NR_F32;
        tc_store16_f32(g->y + p * g->oc + o0, tc_min(TC_NR_F32, g->oc - o0), c[j][0], c[j][1], vmin, vmax);
    }
}

static void tc_row_blocks_f32_avx2(const tc_conv_f32* g, const tc_rows_f32* r, int i, ptrdiff_t p, ptrdiff_t nblocks) {
    ptrdiff_t b = 0;
    for (; b + 4 <= nblocks; b += 4) tc_row_f32_avx2(g, r, i, p, b, 4);
    switch (nblocks - b) {
    case 3: tc_row_f32_avx2(g, r, i, p, b, 3); break;
    case 2: tc_row_f32_avx2(g, r, i, p, b, 2); break;
    case 1: tc_row_f32_avx2(g, r, i, p, b, 1); break;
    default: break;
    }
}
#endif

/* ---- the kernel ------------------------------------------------------------------------------ */

static void tc_conv2d_f32_packed(const tc_conv_f32* g) {
    ptrdiff_t K = g->kh * g->kw * g->c;
    ptrdiff_t P = g->n * g->oh * g->ow, nblocks = (g->oc + TC_NR_F32 - 1) / TC_NR_F32;
    float panel[TC_MR_F32 * TC_KMAX_F32];
    tc_rows_f32 r;
    ptrdiff_t p0, b, pb = 0, py = 0, px = 0;
    int i, m;
    /* the executor rejects such steps (a panel row could not hold a pixel); never reached */
    if (K > TC_KMAX_F32 && !tc_direct_f32(g)) return;
    r.runs = g->kh;
    r.run = g->kw * g->c;
    /* a 1x1 convolution, stride 1, whose pixels read consecutive whole input rows (fully connected
     * too): pixel p's row is the input at first + p * c */
    int contiguous = tc_contiguous_1x1(g->n, g->h, g->w_, g->oh, g->ow, g->kh, g->kw, g->sh, g->sw, g->pt, g->pl);
    const float* first = contiguous ? g->x + (-g->pt) * g->w_ * g->c : g->x;
    for (p0 = 0; p0 < P; p0 += TC_MR_F32) {
        m = (int)tc_min(TC_MR_F32, P - p0);
        for (i = 0; i < m; i++) {
            if (contiguous) {
                r.a[i] = first + (p0 + i) * K;
                r.stride[i] = 0;
                continue;
            }
            tc_row_f32(panel + i * TC_KMAX_F32, g, pb, py, px, &r.a[i], &r.stride[i]);
            if (++px == g->ow) {
                px = 0;
                if (++py == g->oh) {
                    py = 0;
                    pb++;
                }
            }
        }
#if TC_HAVE_AVX2
        if (tc_simd) {
            if (m == TC_MR_F32) {
                for (b = 0; b < nblocks; b++)
                    tc_block4_f32_avx2(g, &r, g->w + b * TC_NR_F32 * K, p0, b * TC_NR_F32,
                                       tc_min(TC_NR_F32, g->oc - b * TC_NR_F32));
            } else {
                for (i = 0; i < m; i++) tc_row_blocks_f32_avx2(g, &r, i, p0 + i, nblocks);
            }
            continue;
        }
#endif
        for (b = 0; b < nblocks; b++)
            tc_block_f32_c(g, &r, m, g->w + b * TC_NR_F32 * K, p0, b * TC_NR_F32, tc_min(TC_NR_F32, g->oc - b * TC_NR_F32));
    }
}

/* ---- depthwise convolution, depth multiplier 1 -----------------------------------------------
 *
 * As in fast_s8.h: blocks of 16 channels (then 8, then the rest) outside, output pixels inside,
 * runs of pixels whose taps are all inside the input 4 at a time. Every output is bias + its
 * valid taps in (ky, kx) order, however the pixels are grouped. */

#define TC_DW_TAPS_F32 64  /* the AVX2 blocks take filters of up to this many taps */

#if TC_HAVE_AVX2
/* m <= 4 pixels of 8 (wide: 16) channels, every tap valid; pixel j's tap t at x0 + off[t] + j * step */
static inline void tc_dw_pixels_f32(const tc_conv_f32* g, const float* x0, const ptrdiff_t* off, ptrdiff_t ntaps,
                                    ptrdiff_t step, int m, int wide, ptrdiff_t i, float* y, __m256 vmin, __m256 vmax) {
    __m256 a[4][2];
    int j;
    for (j = 0; j < m; j++) {
        a[j][0] = _mm256_loadu_ps(g->bias + i);
        a[j][1] = wide ? _mm256_loadu_ps(g->bias + i + 8) : a[j][0];
    }
    for (ptrdiff_t t = 0; t < ntaps; t++) {
        const float* wp = g->w + t * g->c + i;
        __m256 w0 = _mm256_loadu_ps(wp), w1 = wide ? _mm256_loadu_ps(wp + 8) : w0;
        TC_IN_REGISTER(w0);
        TC_IN_REGISTER(w1);
        for (j = 0; j < m; j++) {
            const float* xp = x0 + off[t] + j * step;
            a[j][0] = _mm256_fmadd_ps(_mm256_loadu_ps(xp), w0, a[j][0]);
            if (wide) a[j][1] = _mm256_fmadd_ps(_mm256_loadu_ps(xp + 8), w1, a[j][1]);
        }
    }
    for (j = 0; j < m; j++) {
        if (wide)
            tc_store16_f32(y + j * g->c, 16, a[j][0], a[j][1], vmin, vmax);
        else
            _mm256_storeu_ps(y + j * g->c, _mm256_min_ps(vmax, _mm256_max_ps(vmin, a[j][0])));
    }
}

static void tc_dw_block_f32_avx2(const tc_conv_f32* g, ptrdiff_t i, int wide, const ptrdiff_t* off) {
    ptrdiff_t c = g->c, ntaps = g->kh * g->kw, b, oy, ox, ky, kx, ky0, ky1, kx0, kx1, r0, r1;
    __m256 vmin = _mm256_set1_ps(g->act_min), vmax = _mm256_set1_ps(g->act_max);
    for (b = 0; b < g->n; b++)
        for (oy = 0; oy < g->oh; oy++) {
            ptrdiff_t iy0 = oy * g->sh - g->pt;
            tc_tap_range_p(iy0, g->dh, g->kh, g->h, &ky0, &ky1);
            float* yrow = g->y + (b * g->oh + oy) * g->ow * c + i;
            for (ox = 0; ox < g->ow;) {
                ptrdiff_t ix0 = ox * g->sw - g->pl, base = ((b * g->h + iy0) * g->w_ + ix0) * c + i;
                tc_tap_range_p(ix0, g->dw, g->kw, g->w_, &kx0, &kx1);
                if (ky0 == 0 && ky1 == g->kh && kx0 == 0 && kx1 == g->kw) {
                    int m = 1;
                    if (ox + 4 <= g->ow) {  /* are pixels ox + 1 .. ox + 3 inside too? (the last one decides) */
                        tc_tap_range_p(ix0 + 3 * g->sw, g->dw, g->kw, g->w_, &r0, &r1);
                        if (r1 == g->kw) m = 4;
                    }
                    if (m == 4)
                        tc_dw_pixels_f32(g, g->x + base, off, ntaps, g->sw * c, 4, wide, i, yrow + ox * c, vmin, vmax);
                    else
                        tc_dw_pixels_f32(g, g->x + base, off, ntaps, 0, 1, wide, i, yrow + ox * c, vmin, vmax);
                    ox += m;
                    continue;
                }
                /* a pixel with padding taps: the valid ones only */
                __m256 a0 = _mm256_loadu_ps(g->bias + i), a1 = wide ? _mm256_loadu_ps(g->bias + i + 8) : a0;
                for (ky = ky0; ky < ky1; ky++)
                    for (kx = kx0; kx < kx1; kx++) {
                        ptrdiff_t t = ky * g->kw + kx;
                        const float* xp = g->x + (base + off[t]);
                        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(xp), _mm256_loadu_ps(g->w + t * c + i), a0);
                        if (wide) a1 = _mm256_fmadd_ps(_mm256_loadu_ps(xp + 8), _mm256_loadu_ps(g->w + t * c + i + 8), a1);
                    }
                if (wide)
                    tc_store16_f32(yrow + ox * c, 16, a0, a1, vmin, vmax);
                else
                    _mm256_storeu_ps(yrow + ox * c, _mm256_min_ps(vmax, _mm256_max_ps(vmin, a0)));
                ox++;
            }
        }
}


/* ---- UNIDIRECTIONAL_SEQUENCE_LSTM float32 ------------------------------------------------------
 *
 * Each step's G = 4 units gate pre-activations as two matrix-vector products over weights packed
 * by tinycc/x86_64.py (pack_lstm_f32), gates side by side in vectors of 8:
 *
 *     w_packed[i][g] = w[g][i] (g = gate * units + unit, 0 past G, G rounded up to 8: gp),
 *     r_packed[i][g] = r[g][i], bias padded to gp
 *
 * pre = clamp(bias + x w) + clamp(h r) (each sum clamped to +-FLT_MAX, as TFLite Micro), then the
 * gates, the cell and the output by units, 8 at a time: sigmoid and tanh from one vector exp each,
 * within TFLite's float functions' error (tinycc/ops/lstm.py bounds them). */

/* exp(x) for x in [-87, 88] (clamped to it; NaN lanes give a finite value, the callers restore
   them): 2**n p(r), r = x - n ln2 (two parts), p the degree-7 Taylor polynomial (|r| <= ln2 / 2:
   truncation under 3e-9 relative) */
static inline __m256 tc_exp8_f32(__m256 x) {
    const __m256 xc = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(xc, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693145751953125f), xc);
    __m256 p = _mm256_set1_ps(1.0f / 5040.0f);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428606765330187045e-06f), r);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    return _mm256_mul_ps(p, _mm256_castsi256_ps(_mm256_slli_epi32(
                                _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23)));
}

/* NaN lanes of v back into y */
static inline __m256 tc_keep_nan8(__m256 y, __m256 v) {
    return _mm256_blendv_ps(y, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
}

/* TFLite's float logistic (tc_lstm_sigmoidf): 1 above TC_LOGISTIC_HI, exp(v) below TC_LOGISTIC_LO, else
   1 / (1 + exp(-v)) */
static inline __m256 tc_sigmoid8_f32(__m256 v) {
    const __m256 low = _mm256_cmp_ps(v, _mm256_set1_ps(TC_LOGISTIC_LO), _CMP_LT_OQ);
    const __m256 e = tc_exp8_f32(_mm256_blendv_ps(_mm256_sub_ps(_mm256_setzero_ps(), v), v, low));
    __m256 y = _mm256_blendv_ps(_mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(_mm256_set1_ps(1.0f), e)), e, low);
    y = _mm256_blendv_ps(y, _mm256_set1_ps(1.0f), _mm256_cmp_ps(v, _mm256_set1_ps(TC_LOGISTIC_HI), _CMP_GT_OQ));
    return tc_keep_nan8(y, v);
}

/* tanh (tc_lstm_tanhf): (1 - e) / (1 + e), e = exp(-2 |v|), a short series below 1/16, v's sign */
static inline __m256 tc_tanh8_f32(__m256 v) {
    const __m256 sign = _mm256_set1_ps(-0.0f), one = _mm256_set1_ps(1.0f);
    const __m256 a = _mm256_andnot_ps(sign, v), a2 = _mm256_mul_ps(a, a);
    const __m256 e = tc_exp8_f32(_mm256_mul_ps(a, _mm256_set1_ps(-2.0f)));
    const __m256 series = _mm256_mul_ps(
        a, _mm256_fnmadd_ps(a2, _mm256_fnmadd_ps(a2, _mm256_set1_ps(2.0f / 15.0f), _mm256_set1_ps(1.0f / 3.0f)), one));
    const __m256 t = _mm256_blendv_ps(_mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e)), series,
                                      _mm256_cmp_ps(a, _mm256_set1_ps(0.0625f), _CMP_LT_OQ));
    return tc_keep_nan8(_mm256_or_ps(t, _mm256_and_ps(v, sign)), v);
}

/* clamp to +-FLT_MAX, NaN passing through (as tc_clampf) */
static inline __m256 tc_clamp_max8(__m256 v) {
    return _mm256_min_ps(_mm256_set1_ps(TC_FLT_MAX), _mm256_max_ps(_mm256_set1_ps(-TC_FLT_MAX), v));
}

/* pre[g] (g < gp) = clamp(init[g] + sum_i v[i] w[i][g]) (init NULL: 0), plus pre[g] when accumulate;
   NA vectors of 8 gates at a time from g0 */
#define TC_LSTM_MV(NA)                                                                                       \
    static ptrdiff_t tc_lstm_mv##NA(float* pre, const float* v, ptrdiff_t n, const float* w, ptrdiff_t gp,     \
                                    const float* init, int accumulate, ptrdiff_t g0) {                         \
        for (; g0 + 8 * NA <= gp; g0 += 8 * NA) {                                                              \
            __m256 acc[NA];                                                                                  \
            ptrdiff_t i;                                                                                     \
            int k;                                                                                           \
            for (k = 0; k < NA; k++) acc[k] = init ? _mm256_loadu_ps(init + g0 + 8 * k) : _mm256_setzero_ps(); \
            for (i = 0; i < n; i++) {                                                                        \
                const __m256 vi = _mm256_broadcast_ss(v + i);                                                \
                for (k = 0; k < NA; k++)                                                                     \
                    acc[k] = _mm256_fmadd_ps(vi, _mm256_loadu_ps(w + i * gp + g0 + 8 * k), acc[k]);            \
            }                                                                                                \
            for (k = 0; k < NA; k++) {                                                                       \
                __m256 s = tc_clamp_max8(acc[k]);                                                            \
                if (accumulate) s = _mm256_add_ps(_mm256_loadu_ps(pre + g0 + 8 * k), s);                      \
                _mm256_storeu_ps(pre + g0 + 8 * k, s);                                                       \
            }                                                                                                \
        }                                                                                                    \
        return g0;                                                                                           \
    }
TC_LSTM_MV(8)
TC_LSTM_MV(4)
TC_LSTM_MV(1)

static void tc_lstm_matvec_f32(float* pre, const float* v, ptrdiff_t n, const float* w, ptrdiff_t gp, const float* init,
                               int accumulate) {
    ptrdiff_t g0 = tc_lstm_mv8(pre, v, n, w, gp, init, accumulate, 0);
    g0 = tc_lstm_mv4(pre, v, n, w, gp, init, accumulate, g0);
    tc_lstm_mv1(pre, v, n, w, gp, init, accumulate, g0);
}

/* the gates of units j..j+7 (the lanes under mask m), the cell c (updated) and the output y */
static inline void tc_lstm_units8_f32(const float* pre, ptrdiff_t units, ptrdiff_t j, __m256i m, float* c, float* y,
                                      float clip) {
    const __m256 in = tc_sigmoid8_f32(_mm256_maskload_ps(pre + j, m));
    const __m256 forget = tc_sigmoid8_f32(_mm256_maskload_ps(pre + units + j, m));
    const __m256 cell_g = tc_tanh8_f32(_mm256_maskload_ps(pre + 2 * units + j, m));
    const __m256 out = tc_sigmoid8_f32(_mm256_maskload_ps(pre + 3 * units + j, m));
    __m256 cell = _mm256_add_ps(tc_clamp_max8(_mm256_mul_ps(forget, _mm256_maskload_ps(c + j, m))),
                                tc_clamp_max8(_mm256_mul_ps(in, cell_g)));
    if (clip > 0)
        cell = _mm256_min_ps(_mm256_set1_ps(clip), _mm256_max_ps(_mm256_set1_ps(-clip), cell));
    _mm256_maskstore_ps(c + j, m, cell);
    _mm256_maskstore_ps(y + j, m, tc_clamp_max8(_mm256_mul_ps(tc_tanh8_f32(cell), out)));
}

/* buffers and parameters as tc_lstm_f32 (targets/generic/tc_lstm_f32.c), w, r and bias packed;
   pre: gp floats of scratch */
static void tc_fast_lstm_f32(const float* x, float* y, float* h, float* c, const float* w, const float* r,
                             const float* bias, ptrdiff_t batch, ptrdiff_t time, ptrdiff_t n_in, ptrdiff_t units,
                             int time_major, float clip, float* pre) {
    const ptrdiff_t gp = (4 * units + 7) / 8 * 8;
    ptrdiff_t b, t, j;
    for (b = 0; b < batch; b++) {
        float* const hb = h + b * units;
        float* const cb = c + b * units;
        for (t = 0; t < time; t++) {
            const ptrdiff_t row = time_major ? t * batch + b : b * time + t;
            float* const yr = y + row * units;
            tc_lstm_matvec_f32(pre, x + row * n_in, n_in, w, gp, bias, 0);
            tc_lstm_matvec_f32(pre, hb, units, r, gp, NULL, 1);
            for (j = 0; j < units; j += 8) {
                const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
                const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(units - j < 8 ? units - j : 8)), lane);
                tc_lstm_units8_f32(pre, units, j, m, cb, yr, clip);
            }
            memmove(hb, yr, (size_t)units * sizeof(float));
        }
    }
}

#endif

/* Channels in multiples of 8, filters of at most TC_DW_TAPS_F32 taps (tinycc/x86_64.py sends
   the others to the portable kernel). */
static void tc_fast_dwconv2d_f32(const tc_conv_f32* g) {
    ptrdiff_t c = g->c, i = 0;
    if (g->kh * g->kw <= TC_DW_TAPS_F32 && c % 8 == 0) {
        ptrdiff_t off[TC_DW_TAPS_F32], ky, kx;
        for (ky = 0; ky < g->kh; ky++)
            for (kx = 0; kx < g->kw; kx++) off[ky * g->kw + kx] = (ky * g->dh * g->w_ + kx * g->dw) * c;
        for (; i + 16 <= c; i += 16) tc_dw_block_f32_avx2(g, i, 1, off);
        for (; i + 8 <= c; i += 8) tc_dw_block_f32_avx2(g, i, 0, off);
    }
}

#endif /* TINYCC_FAST_F32_H */
