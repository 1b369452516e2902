/* Fast int8 kernels of the host executor: convolution and fully connected as one GEMM over
 * packed weights, and depthwise convolution. Bit for bit those of the NumPy reference.
 *
 * GEMM. Output pixel p and output channel o: acc = bias[o] + sum_k a[p][k] * w[o][k], with
 * k over the filter taps and input channels in (ky, kx, c) order (K = kh * kw * c values) and
 * a[p][k] = x - in_zp at that tap, or 0 where the tap falls into the padding (TFLite Micro
 * skips those taps: they contribute nothing). Per tile of up to TC_MR pixels, the a rows are
 * built on the stack as int16 ("the panel": the input converted once, the zero point
 * subtracted there, so no bias folding is needed and padding is exact); the weights come packed
 * (backend_host.pack_gemm_s8) in blocks of 16 output channels, in pairs of k:
 *
 *     w_packed[b][kp][j][t] = w[16 b + j][2 kp + t]     (int8; 0 past oc and past K)
 *
 * so that one 32-byte row of a block holds channels 16b..16b+15 for k = 2kp, 2kp + 1. The AVX2
 * inner step broadcasts the int16 pair (a[2kp], a[2kp + 1]) of a pixel to 8 lanes and
 * multiplies it with the pairs of 8 channels (vpmaddwd: two int16 products summed into int32,
 * exact: |x - zp| <= 255, |w| <= 128; added to the accumulators by TC_DPWSSD, one vpdpwssd at the
 * avxvnni level). Accumulators wrap modulo 2**32 like the reference.
 * bias, mult and shift are padded to whole blocks. K2 (K rounded up to even) must be at most
 * TC_KMAX_S8 (the panel's size); the executor validates it.
 *
 * Depthwise (dm == 1, weights [kh][kw][c] as in the model): channels are the vector lanes;
 * per output pixel and block of 16 (or 8) channels the valid taps accumulate (x - zp) * w,
 * int16 products (exact: |(x - zp) * w| <= 255 * 128) widened to int32.
 */
#ifndef TINYCC_FAST_S8_H
#define TINYCC_FAST_S8_H

#include "tc_x86.h"

#define TC_MR 4            /* output pixels per GEMM tile */
#define TC_NR 16           /* output channels per packed weight block */
#define TC_KMAX_S8 4096    /* largest K2 of the int8 GEMM: the panel is TC_MR * TC_KMAX_S8 int16 */

/* The int16 dot-product-accumulate of the kernels below: per int32 lane,
 * acc + a[2i] * b[2i] + a[2i + 1] * b[2i + 1], wrapping modulo 2**32. vpmaddwd then vpaddd at
 * the AVX2 level; one VEX-encoded vpdpwssd (AVX-VNNI, the same arithmetic) in the translation unit
 * of the avxvnni level, which defines TC_LEVEL_AVXVNNI before including this. */
#if defined(TC_LEVEL_AVXVNNI)
#define TC_DPWSSD(acc, a, b) _mm256_dpwssd_avx_epi32((acc), (a), (b))
#else
#define TC_DPWSSD(acc, a, b) _mm256_add_epi32((acc), _mm256_madd_epi16((a), (b)))
#endif

typedef struct {
    const int8_t* x;
    int8_t* y;
    const int8_t* w;
    const int32_t* bias;
    const int32_t* mult;
    const int32_t* shift;
    ptrdiff_t n, h, w_, c, oh, ow, oc, kh, kw, sh, sw, dh, dw, pt, pl;
    int32_t act_min, act_max, in_zp, out_zp;
} tc_conv_s8;

/* ---- the panel: one output pixel's input values as int16, x - zp, 0 for padding ------------- */

static inline void tc_convert_s8(int16_t* dst, const int8_t* src, ptrdiff_t n, int32_t zp) {
    ptrdiff_t i = 0;
#if TC_HAVE_AVX2
    if (tc_simd) {  /* the runs are short (often 8 or 9 values): no loop set-up */
        const __m256i z = _mm256_set1_epi16((int16_t)zp);
        for (; i + 16 <= n; i += 16)
            _mm256_storeu_si256((__m256i*)(dst + i),
                                _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(src + i))), z));
        if (i + 8 <= n) {
            _mm_storeu_si128((__m128i*)(dst + i), _mm_sub_epi16(_mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i*)(src + i))),
                                                                _mm256_castsi256_si128(z)));
            i += 8;
        }
    }
#endif
    for (; i < n; i++) dst[i] = (int16_t)(src[i] - zp);
}

#if TC_HAVE_AVX2
/* tc_convert_s8 in whole chunks of 16: writes up to 15 values past dst + n and reads up to 15
 * bytes past src + n, which the caller guarantees are inside the input (src_end) and the panel. */
static inline void tc_convert16_s8(int16_t* dst, const int8_t* src, ptrdiff_t n, __m256i zp16) {
    for (ptrdiff_t i = 0; i < n; i += 16)
        _mm256_storeu_si256((__m256i*)(dst + i),
                            _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(src + i))), zp16));
}
#endif

/* The panel row of output pixel (b, oy, ox): K2 int16 values. */
static void tc_panel_row_s8(int16_t* dst, const tc_conv_s8* g, ptrdiff_t b, ptrdiff_t oy, ptrdiff_t ox) {
    ptrdiff_t c = g->c, run = g->kw * c, K = g->kh * run;
    ptrdiff_t iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
    ptrdiff_t ky0, ky1, kx0, kx1, ky, kx;
    TC_WINDOW(g, oy, ox, ky0, ky1, kx0, kx1);
    if (ky0 > 0 || ky1 < g->kh || kx0 > 0 || kx1 < g->kw)
        memset(dst, 0, (size_t)K * sizeof(int16_t));  /* some taps are padding */
    if (K & 1) dst[K] = 0;
    for (ky = ky0; ky < ky1; ky++) {
        const int8_t* xrow = g->x + ((b * g->h + iy0 + ky * g->dh) * g->w_) * c;
        int16_t* d = dst + ky * run;
        if (g->dw == 1) {  /* the valid taps of a filter row are contiguous */
            tc_convert_s8(d + kx0 * c, xrow + (ix0 + kx0) * c, (kx1 - kx0) * c, g->in_zp);
        } else {
            for (kx = kx0; kx < kx1; kx++)
                tc_convert_s8(d + kx * c, xrow + (ix0 + kx * g->dw) * c, c, g->in_zp);
        }
    }
}

/* Which output pixels of a row read only inside the input, with the taps of each filter row
 * contiguous (dw == 1 or kw == 1): columns [*lo, *hi) of output row oy (none when the row's
 * filter rows leave the input). */
static void tc_inside_columns(const tc_conv_s8* g, ptrdiff_t oy, ptrdiff_t* lo, ptrdiff_t* hi) {
    ptrdiff_t iy0 = oy * g->sh - g->pt, last = (g->kw - 1) * g->dw;
    *lo = *hi = 0;
    if ((g->dw != 1 && g->kw != 1) || iy0 < 0 || iy0 + (g->kh - 1) * g->dh >= g->h || last - g->pl >= g->w_) return;
    *lo = (g->pl + g->sw - 1) / g->sw;                     /* ox * sw - pl >= 0 */
    *hi = tc_min(g->ow, (g->w_ - 1 - last + g->pl) / g->sw + 1);  /* ox * sw - pl + last < w */
}

/* ---- GEMM: one tile (up to TC_MR pixels) times one block of 16 output channels --------------
 *
 * Each function computes the accumulators of its rows for channels o0.. (bias first), then
 * requantizes and stores them: y[(p0 + i) * oc + o0 + j] for j < nj. */

static void tc_block_s8_c(const tc_conv_s8* g, int16_t* const* rows, int m, const int8_t* w, ptrdiff_t kpairs,
                          ptrdiff_t p0, ptrdiff_t o0, ptrdiff_t nj) {
    uint32_t acc[TC_MR][TC_NR];
    for (int i = 0; i < m; i++) {
        const int16_t* a = rows[i];
        const int8_t* wk = w;
        for (int j = 0; j < TC_NR; j++) acc[i][j] = (uint32_t)g->bias[o0 + j];
        for (ptrdiff_t kp = 0; kp < kpairs; kp++, wk += 2 * TC_NR) {
            int32_t a0 = a[2 * kp], a1 = a[2 * kp + 1];
            for (int j = 0; j < TC_NR; j++)
                acc[i][j] += (uint32_t)(a0 * wk[2 * j] + a1 * wk[2 * j + 1]);
        }
        int8_t* yp = g->y + (p0 + i) * g->oc + o0;
        for (ptrdiff_t j = 0; j < nj; j++)
            yp[j] = tc_requant_s8(acc[i][j], g->mult[o0 + j], g->shift[o0 + j], g->out_zp, g->act_min, g->act_max);
    }
}

#if TC_HAVE_AVX2
static inline __m256i tc_bcast_pair(const int16_t* a) {
    int32_t v;
    memcpy(&v, a, 4);
    return _mm256_set1_epi32(v);
}

/* w row kp of a block: channels 0..7 (half 0) or 8..15 (half 1) of both k, as 16 int16 */
static inline __m256i tc_wpairs(const int8_t* w, ptrdiff_t kp, int half) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i*)(w + kp * 2 * TC_NR + 16 * half)));
}

/* The requantization constants of the 16 channels of a block, prepared once per block and tile. */
typedef struct {
    tc_mbqm8_c lo, hi;
} tc_rq16;

static inline tc_rq16 tc_rq16_load(const tc_conv_s8* g, ptrdiff_t o0) {
    tc_rq16 r;
    r.lo = tc_mbqm8_prepare(_mm256_loadu_si256((const __m256i*)(g->mult + o0)),
                            _mm256_loadu_si256((const __m256i*)(g->shift + o0)));
    r.hi = tc_mbqm8_prepare(_mm256_loadu_si256((const __m256i*)(g->mult + o0 + 8)),
                            _mm256_loadu_si256((const __m256i*)(g->shift + o0 + 8)));
    return r;
}

/* 16 accumulators (two vectors) -> 16 int8 */
static inline __m128i tc_requant16(__m256i lo, __m256i hi, const tc_rq16* c, const tc_rq8* rq) {
    return tc_pack16_s8(tc_requant8(lo, &c->lo, rq), tc_requant8(hi, &c->hi, rq));
}

static inline void tc_store_s8(int8_t* yp, __m128i v, ptrdiff_t nj) {
    if (nj >= 16) {
        _mm_storeu_si128((__m128i*)yp, v);
    } else if (nj == 8) {
        _mm_storel_epi64((__m128i*)yp, v);
    } else {
        int8_t tmp[16];
        _mm_storeu_si128((__m128i*)tmp, v);
        memcpy(yp, tmp, (size_t)nj);
    }
}

/* four rows, 16 channels: 8 accumulators */
static void tc_block4_s8_avx2(const tc_conv_s8* g, int16_t* const* rows, const int8_t* w, ptrdiff_t kpairs,
                              ptrdiff_t p0, ptrdiff_t o0, ptrdiff_t nj, const tc_rq8* rq) {
    const int16_t *a0 = rows[0], *a1 = rows[1], *a2 = rows[2], *a3 = rows[3];
    __m256i b0 = _mm256_loadu_si256((const __m256i*)(g->bias + o0));
    __m256i b1 = _mm256_loadu_si256((const __m256i*)(g->bias + o0 + 8));
    __m256i c00 = b0, c01 = b1, c10 = b0, c11 = b1, c20 = b0, c21 = b1, c30 = b0, c31 = b1;
    for (ptrdiff_t kp = 0; kp < kpairs; kp++) {
        __m256i w0 = tc_wpairs(w, kp, 0), w1 = tc_wpairs(w, kp, 1), v;
        v = tc_bcast_pair(a0 + 2 * kp);
        c00 = TC_DPWSSD(c00, v, w0);
        c01 = TC_DPWSSD(c01, v, w1);
        v = tc_bcast_pair(a1 + 2 * kp);
        c10 = TC_DPWSSD(c10, v, w0);
        c11 = TC_DPWSSD(c11, v, w1);
        v = tc_bcast_pair(a2 + 2 * kp);
        c20 = TC_DPWSSD(c20, v, w0);
        c21 = TC_DPWSSD(c21, v, w1);
        v = tc_bcast_pair(a3 + 2 * kp);
        c30 = TC_DPWSSD(c30, v, w0);
        c31 = TC_DPWSSD(c31, v, w1);
    }
    tc_rq16 c = tc_rq16_load(g, o0);
    __m128i r0 = tc_requant16(c00, c01, &c, rq), r1 = tc_requant16(c10, c11, &c, rq);
    __m128i r2 = tc_requant16(c20, c21, &c, rq), r3 = tc_requant16(c30, c31, &c, rq);
    int8_t* y = g->y + p0 * g->oc + o0;
    ptrdiff_t oc = g->oc;
    tc_store_s8(y, r0, nj);
    tc_store_s8(y + oc, r1, nj);
    tc_store_s8(y + 2 * oc, r2, nj);
    tc_store_s8(y + 3 * oc, r3, nj);
}

/* four rows, the first 8 channels of the block only (a last block of at most 8 channels) */
static void tc_block4h_s8_avx2(const tc_conv_s8* g, int16_t* const* rows, const int8_t* w, ptrdiff_t kpairs,
                               ptrdiff_t p0, ptrdiff_t o0, ptrdiff_t nj, const tc_rq8* rq) {
    const int16_t *a0 = rows[0], *a1 = rows[1], *a2 = rows[2], *a3 = rows[3];
    __m256i c0 = _mm256_loadu_si256((const __m256i*)(g->bias + o0)), c1 = c0, c2 = c0, c3 = c0;
    for (ptrdiff_t kp = 0; kp < kpairs; kp++) {
        __m256i w0 = tc_wpairs(w, kp, 0);
        c0 = TC_DPWSSD(c0, tc_bcast_pair(a0 + 2 * kp), w0);
        c1 = TC_DPWSSD(c1, tc_bcast_pair(a1 + 2 * kp), w0);
        c2 = TC_DPWSSD(c2, tc_bcast_pair(a2 + 2 * kp), w0);
        c3 = TC_DPWSSD(c3, tc_bcast_pair(a3 + 2 * kp), w0);
    }
    tc_mbqm8_c c = tc_mbqm8_prepare(_mm256_loadu_si256((const __m256i*)(g->mult + o0)),
                                    _mm256_loadu_si256((const __m256i*)(g->shift + o0)));
    __m128i r0 = tc_pack8_s8(tc_requant8(c0, &c, rq)), r1 = tc_pack8_s8(tc_requant8(c1, &c, rq));
    __m128i r2 = tc_pack8_s8(tc_requant8(c2, &c, rq)), r3 = tc_pack8_s8(tc_requant8(c3, &c, rq));
    int8_t* y = g->y + p0 * g->oc + o0;
    ptrdiff_t oc = g->oc;
    tc_store_s8(y, r0, nj);
    tc_store_s8(y + oc, r1, nj);
    tc_store_s8(y + 2 * oc, r2, nj);
    tc_store_s8(y + 3 * oc, r3, nj);
}

/* one row, 16 channels: the k pairs split over two accumulator sets (summed at the end) */
static void tc_block1_s8_avx2(const tc_conv_s8* g, const int16_t* a, const int8_t* w, ptrdiff_t kpairs,
                              ptrdiff_t p, ptrdiff_t o0, ptrdiff_t nj, const tc_rq8* rq) {
    __m256i c0 = _mm256_loadu_si256((const __m256i*)(g->bias + o0));
    __m256i c1 = _mm256_loadu_si256((const __m256i*)(g->bias + o0 + 8));
    __m256i d0 = _mm256_setzero_si256(), d1 = _mm256_setzero_si256();
    ptrdiff_t kp = 0;
    for (; kp + 2 <= kpairs; kp += 2) {
        __m256i v = tc_bcast_pair(a + 2 * kp), u = tc_bcast_pair(a + 2 * kp + 2);
        c0 = TC_DPWSSD(c0, v, tc_wpairs(w, kp, 0));
        c1 = TC_DPWSSD(c1, v, tc_wpairs(w, kp, 1));
        d0 = TC_DPWSSD(d0, u, tc_wpairs(w, kp + 1, 0));
        d1 = TC_DPWSSD(d1, u, tc_wpairs(w, kp + 1, 1));
    }
    if (kp < kpairs) {
        __m256i v = tc_bcast_pair(a + 2 * kp);
        c0 = TC_DPWSSD(c0, v, tc_wpairs(w, kp, 0));
        c1 = TC_DPWSSD(c1, v, tc_wpairs(w, kp, 1));
    }
    c0 = _mm256_add_epi32(c0, d0);
    c1 = _mm256_add_epi32(c1, d1);
    tc_rq16 c = tc_rq16_load(g, o0);
    tc_store_s8(g->y + p * g->oc + o0, tc_requant16(c0, c1, &c, rq), nj);
}
#endif

/* ---- the kernel ------------------------------------------------------------------------------ */

static void tc_conv2d_s8_packed(const tc_conv_s8* g) {
    ptrdiff_t K = g->kh * g->kw * g->c, K2 = K + (K & 1), kpairs = K2 / 2;
    ptrdiff_t P = g->n * g->oh * g->ow, nblocks = (g->oc + TC_NR - 1) / TC_NR;
    int16_t panel[TC_MR * TC_KMAX_S8 + 16];  /* + 16: the overshoot of tc_panel_row_s8 */
    int16_t* rows[TC_MR];
    ptrdiff_t p0, b, pb = 0, py = 0, px = 0;  /* the next pixel to pack: (batch, row, column) */
    int i, m;
    if (K2 > TC_KMAX_S8) return;  /* the executor rejects such steps; never reached */
    for (i = 0; i < TC_MR; i++) rows[i] = panel + i * K2;
    /* a 1x1 convolution, stride 1, whose pixels read consecutive whole input rows (fully connected
     * too), and an even number of channels: the panel of pixels p0.. is the input from
     * first + p0 * c on, converted */
    int contiguous = tc_contiguous_1x1(g->n, g->h, g->w_, g->oh, g->ow, g->kh, g->kw, g->sh, g->sw, g->pt, g->pl) &&
                     K2 == K;
    const int8_t* first = contiguous ? g->x + (-g->pt) * g->w_ * g->c : g->x;
    ptrdiff_t in_lo = 0, in_hi = 0;  /* the columns of output row py whose pixels are inside the input */
#if TC_HAVE_AVX2
    tc_rq8 rq = tc_rq8_make(g->act_min, g->act_max, g->out_zp);
    const __m256i zp16 = _mm256_set1_epi16((int16_t)g->in_zp);
    ptrdiff_t run = g->kw * g->c, run16 = (run + 15) / 16 * 16, row_step = g->dh * g->w_ * g->c;
    ptrdiff_t last_run = (g->kh - 1) * row_step;
    const int8_t* end = g->x + g->n * g->h * g->w_ * g->c;
#endif
    for (p0 = 0; p0 < P; p0 += TC_MR) {
        m = (int)tc_min(TC_MR, P - p0);
        if (contiguous) {
            tc_convert_s8(panel, first + p0 * K, m * K, g->in_zp);
        } else {
            for (i = 0; i < m; i++) {
                if (px == 0) tc_inside_columns(g, py, &in_lo, &in_hi);
#if TC_HAVE_AVX2
                /* a pixel inside the input: its kh runs of kw * c values converted 16 at a time,
                 * each run's overshoot overwritten by the next run (and the next row); the last
                 * run's overshoot must stay inside the input */
                const int8_t* src = g->x + ((pb * g->h + py * g->sh - g->pt) * g->w_ + px * g->sw - g->pl) * g->c;
                if (tc_simd && px >= in_lo && px < in_hi && src + last_run + run16 <= end) {
                    for (ptrdiff_t ky = 0; ky < g->kh; ky++) tc_convert16_s8(rows[i] + ky * run, src + ky * row_step, run, zp16);
                    if (K & 1) rows[i][K] = 0;
                } else
#endif
                    tc_panel_row_s8(rows[i], g, pb, py, px);
                if (++px == g->ow) {
                    px = 0;
                    if (++py == g->oh) {
                        py = 0;
                        pb++;
                    }
                }
            }
        }
        for (b = 0; b < nblocks; b++) {
            const int8_t* wb = g->w + b * TC_NR * K2;
            ptrdiff_t o0 = b * TC_NR, nj = tc_min(TC_NR, g->oc - o0);
#if TC_HAVE_AVX2
            if (tc_simd) {
                if (m == TC_MR && nj <= 8)
                    tc_block4h_s8_avx2(g, rows, wb, kpairs, p0, o0, nj, &rq);
                else if (m == TC_MR)
                    tc_block4_s8_avx2(g, rows, wb, kpairs, p0, o0, nj, &rq);
                else
                    for (i = 0; i < m; i++) tc_block1_s8_avx2(g, rows[i], wb, kpairs, p0 + i, o0, nj, &rq);
                continue;
            }
#endif
            tc_block_s8_c(g, rows, m, wb, kpairs, p0, o0, nj);
        }
    }
}

/* ---- depthwise convolution, depth multiplier 1 -----------------------------------------------
 *
 * The AVX2 code works on blocks of 16 channels (and one of 8): per call, each block's weights
 * and requantization constants are prepared once (a table on the stack, a chunk of blocks at a
 * time when there are many channels); then for each output pixel (runs of 4 pixels whose taps
 * are all inside the input together) every block of the chunk.
 *
 * It folds the input zero point into the bias: sum_t (x_t - zp) w_t = sum_t x_t w_t -
 * zp sum_t w_t (exact modulo 2**32, as the reference wraps). A tap in the padding must then
 * contribute zp * w_t: it reads a vector of zp instead of the input. Taps go in pairs, their
 * inputs interleaved byte by byte, so that one vpmaddwd does both taps of 8 channels. */

#define TC_DW_TAPS 32      /* the AVX2 code takes filters of up to this many taps */
#define TC_DW_TABLE 96     /* vectors of prepared blocks per chunk (the table is 3 KB) */
#define TC_DW_ZP 256       /* the zero point vector: the first TC_DW_ZP - 16 channels use it */

#if TC_HAVE_AVX2
#if defined(__GNUC__)
#define TC_DW_INLINE static inline __attribute__((always_inline))
#else
#define TC_DW_INLINE static inline
#endif

/* A prepared block: per pair of taps p, the int16 weights of channels 0..7 and 8..15 interleaved
 * (w_2p, w_2p+1); the bias with the zero point folded in; the requantization constants. */
typedef struct {
    __m256i bias0, bias1;
    tc_mbqm8_c c0, c1;
    int simple;  /* no multiplier is INT32_MIN: tc_dw_requant8 may skip the saturation fix-up */
} tc_dw_consts;

static void tc_dw_prepare(const tc_conv_s8* g, ptrdiff_t i, int wide, __m256i* wlo, __m256i* whi, tc_dw_consts* k) {
    ptrdiff_t c = g->c, ntaps = g->kh * g->kw, npairs = (ntaps + 1) / 2, p;
    __m256i sum0 = _mm256_setzero_si256(), sum1 = sum0;
    for (p = 0; p < npairs; p++) {
        __m128i w0, w1 = _mm_setzero_si128();
        if (wide) {
            w0 = _mm_loadu_si128((const __m128i*)(g->w + 2 * p * c + i));
            if (2 * p + 1 < ntaps) w1 = _mm_loadu_si128((const __m128i*)(g->w + (2 * p + 1) * c + i));
        } else {
            w0 = _mm_loadl_epi64((const __m128i*)(g->w + 2 * p * c + i));
            if (2 * p + 1 < ntaps) w1 = _mm_loadl_epi64((const __m128i*)(g->w + (2 * p + 1) * c + i));
        }
        wlo[p] = _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(w0, w1));
        whi[p] = _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(w0, w1));
        /* each channel's sum of weights: the pairs times (1, 1) */
        sum0 = _mm256_add_epi32(sum0, _mm256_madd_epi16(wlo[p], _mm256_set1_epi16(1)));
        sum1 = _mm256_add_epi32(sum1, _mm256_madd_epi16(whi[p], _mm256_set1_epi16(1)));
    }
    const __m256i zp = _mm256_set1_epi32(g->in_zp);
    k->bias0 = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i*)(g->bias + i)), _mm256_mullo_epi32(zp, sum0));
    k->c0 = tc_mbqm8_prepare(_mm256_loadu_si256((const __m256i*)(g->mult + i)),
                             _mm256_loadu_si256((const __m256i*)(g->shift + i)));
    k->bias1 = k->bias0;
    k->c1 = k->c0;
    if (wide) {
        k->bias1 = _mm256_sub_epi32(_mm256_loadu_si256((const __m256i*)(g->bias + i + 8)), _mm256_mullo_epi32(zp, sum1));
        k->c1 = tc_mbqm8_prepare(_mm256_loadu_si256((const __m256i*)(g->mult + i + 8)),
                                 _mm256_loadu_si256((const __m256i*)(g->shift + i + 8)));
    }
    __m256i special = _mm256_or_si256(k->c0.mult_is_min, k->c1.mult_is_min);
    k->simple = _mm256_testz_si256(special, special);
}

/* tc_requant8; simple: no multiplier is INT32_MIN (then the saturation fix-up of tc_mbqm8
 * changes nothing: the same bits without it) */
TC_DW_INLINE __m256i tc_dw_requant8(__m256i acc, const tc_mbqm8_c* c, const tc_rq8* rq, int simple) {
    if (!simple) return tc_requant8(acc, c, rq);
    const __m256i nudge = _mm256_set1_epi64x((int64_t)1 << 30);
    __m256i x = _mm256_sllv_epi32(acc, c->left);
    __m256i even = _mm256_add_epi64(_mm256_mul_epi32(x, c->mult), nudge);
    __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), c->mult_odd), nudge);
    __m256i high = _mm256_blend_epi32(_mm256_srli_epi64(even, 31), _mm256_slli_epi64(odd, 1), 0xAA);
    __m256i threshold = _mm256_sub_epi32(c->half, _mm256_cmpgt_epi32(_mm256_setzero_si256(), high));
    __m256i round_up = _mm256_cmpgt_epi32(_mm256_and_si256(high, c->mask), threshold);
    __m256i v = _mm256_sub_epi32(_mm256_srav_epi32(high, c->right), round_up);
    v = _mm256_min_epi32(_mm256_max_epi32(v, rq->lo), rq->hi);
    return _mm256_add_epi32(v, rq->zp);
}

/* the outputs of m pixels (a[j][0], a[j][1]: channels 0..7, 8..15 of pixel j), requantized and
 * stored at y + j * ystep; two wide or four narrow pixels packed together */
TC_DW_INLINE void tc_dw_store_s8(__m256i (*a)[2], int m, int wide, const tc_dw_consts* k, const tc_rq8* rq,
                                 int8_t* y, ptrdiff_t ystep, int simple) {
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    int j = 0;
    if (wide) {
        for (; j + 2 <= m; j += 2) {
            __m256i r0 = _mm256_packs_epi32(tc_dw_requant8(a[j][0], &k->c0, rq, simple),
                                            tc_dw_requant8(a[j][1], &k->c1, rq, simple));
            __m256i r1 = _mm256_packs_epi32(tc_dw_requant8(a[j + 1][0], &k->c0, rq, simple),
                                            tc_dw_requant8(a[j + 1][1], &k->c1, rq, simple));
            __m256i b = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(r0, r1), order);
            _mm_storeu_si128((__m128i*)(y + j * ystep), _mm256_castsi256_si128(b));
            _mm_storeu_si128((__m128i*)(y + (j + 1) * ystep), _mm256_extracti128_si256(b, 1));
        }
        if (j < m)
            _mm_storeu_si128((__m128i*)(y + j * ystep), tc_pack16_s8(tc_dw_requant8(a[j][0], &k->c0, rq, simple),
                                                                     tc_dw_requant8(a[j][1], &k->c1, rq, simple)));
    } else {
        for (; j + 4 <= m; j += 4) {
            __m256i r0 = _mm256_packs_epi32(tc_dw_requant8(a[j][0], &k->c0, rq, simple),
                                            tc_dw_requant8(a[j + 1][0], &k->c0, rq, simple));
            __m256i r1 = _mm256_packs_epi32(tc_dw_requant8(a[j + 2][0], &k->c0, rq, simple),
                                            tc_dw_requant8(a[j + 3][0], &k->c0, rq, simple));
            __m256i b = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(r0, r1), order);
            __m128i lo = _mm256_castsi256_si128(b), hi = _mm256_extracti128_si256(b, 1);
            _mm_storel_epi64((__m128i*)(y + j * ystep), lo);
            _mm_storel_epi64((__m128i*)(y + (j + 1) * ystep), _mm_unpackhi_epi64(lo, lo));
            _mm_storel_epi64((__m128i*)(y + (j + 2) * ystep), hi);
            _mm_storel_epi64((__m128i*)(y + (j + 3) * ystep), _mm_unpackhi_epi64(hi, hi));
        }
        for (; j < m; j++)
            _mm_storel_epi64((__m128i*)(y + j * ystep), tc_pack8_s8(tc_dw_requant8(a[j][0], &k->c0, rq, simple)));
    }
}

/* m pixels (m <= 4 wide, m <= 8 narrow), channels i..i+15 (wide) or i..i+7 of the chunk. Pixel
 * j's tap t is read at tab[j * ntaps + t] + i (tab != NULL: a table of pointers, the border
 * pixels) or at base + off[t] + j * step + i (interior pixels: constant offsets); its output goes
 * to y + i + j * ystep. The compiler specializes the constant tab, m and wide of each caller.
 * An odd last tap pairs with itself (its partner's weight is 0). */
TC_DW_INLINE void tc_dw_group_s8(const int8_t* const* tab, const int8_t* base, const ptrdiff_t* off, ptrdiff_t step,
                                 ptrdiff_t i, int m, int wide, ptrdiff_t ntaps, const __m256i* wlo,
                                 const __m256i* whi, const tc_dw_consts* k, const tc_rq8* rq, int8_t* y,
                                 ptrdiff_t ystep) {
#define TC_DW_AT(j, t) ((tab ? tab[(j) * ntaps + (t)] : base + off[t] + (j) * step) + i)
    __m256i a[8][2];
    ptrdiff_t p, half = ntaps / 2;
    int j;
    for (j = 0; j < m; j++) {
        a[j][0] = k->bias0;
        a[j][1] = k->bias1;
    }
    for (p = 0; p < half; p++) {
        __m256i wl = wlo[p], wh = wide ? whi[p] : wl;
        for (j = 0; j < m; j++) {
            if (wide) {
                __m128i x0 = _mm_loadu_si128((const __m128i*)TC_DW_AT(j, 2 * p));
                __m128i x1 = _mm_loadu_si128((const __m128i*)TC_DW_AT(j, 2 * p + 1));
                a[j][0] = TC_DPWSSD(a[j][0], _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(x0, x1)), wl);
                a[j][1] = TC_DPWSSD(a[j][1], _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(x0, x1)), wh);
            } else {
                __m128i x0 = _mm_loadl_epi64((const __m128i*)TC_DW_AT(j, 2 * p));
                __m128i x1 = _mm_loadl_epi64((const __m128i*)TC_DW_AT(j, 2 * p + 1));
                a[j][0] = TC_DPWSSD(a[j][0], _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(x0, x1)), wl);
            }
        }
    }
    if (ntaps & 1) {  /* the last tap, paired with itself */
        __m256i wl = wlo[half], wh = wide ? whi[half] : wl;
        for (j = 0; j < m; j++) {
            if (wide) {
                __m128i x0 = _mm_loadu_si128((const __m128i*)TC_DW_AT(j, 2 * half));
                a[j][0] = TC_DPWSSD(a[j][0], _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(x0, x0)), wl);
                a[j][1] = TC_DPWSSD(a[j][1], _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(x0, x0)), wh);
            } else {
                __m128i x0 = _mm_loadl_epi64((const __m128i*)TC_DW_AT(j, 2 * half));
                a[j][0] = TC_DPWSSD(a[j][0], _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(x0, x0)), wl);
            }
        }
    }
#undef TC_DW_AT
    if (k->simple)
        tc_dw_store_s8(a, m, wide, k, rq, y + i, ystep, 1);
    else
        tc_dw_store_s8(a, m, wide, k, rq, y + i, ystep, 0);
}

/* interior pixels, constant offsets: m (1..4) wide or m (1..8) narrow pixels */
static void tc_dw_run_wide(const int8_t* base, const ptrdiff_t* off, ptrdiff_t step, ptrdiff_t i, int m,
                           ptrdiff_t ntaps, const __m256i* wlo, const __m256i* whi, const tc_dw_consts* k,
                           const tc_rq8* rq, int8_t* y, ptrdiff_t ystep) {
    switch (m) {
        case 4: tc_dw_group_s8(NULL, base, off, step, i, 4, 1, ntaps, wlo, whi, k, rq, y, ystep); break;
        case 3: tc_dw_group_s8(NULL, base, off, step, i, 3, 1, ntaps, wlo, whi, k, rq, y, ystep); break;
        case 2: tc_dw_group_s8(NULL, base, off, step, i, 2, 1, ntaps, wlo, whi, k, rq, y, ystep); break;
        default: tc_dw_group_s8(NULL, base, off, step, i, 1, 1, ntaps, wlo, whi, k, rq, y, ystep); break;
    }
}

static void tc_dw_run_narrow(const int8_t* base, const ptrdiff_t* off, ptrdiff_t step, ptrdiff_t i, int m,
                             ptrdiff_t ntaps, const __m256i* wlo, const tc_dw_consts* k, const tc_rq8* rq,
                             int8_t* y, ptrdiff_t ystep) {
    switch (m) {
        case 8: tc_dw_group_s8(NULL, base, off, step, i, 8, 0, ntaps, wlo, wlo, k, rq, y, ystep); break;
        case 7: tc_dw_group_s8(NULL, base, off, step, i, 7, 0, ntaps, wlo, wlo, k, rq, y, ystep); break;
        case 6: tc_dw_group_s8(NULL, base, off, step, i, 6, 0, ntaps, wlo, wlo, k, rq, y, ystep); break;
        case 5: tc_dw_group_s8(NULL, base, off, step, i, 5, 0, ntaps, wlo, wlo, k, rq, y, ystep); break;
        case 4: tc_dw_group_s8(NULL, base, off, step, i, 4, 0, ntaps, wlo, wlo, k, rq, y, ystep); break;
        case 3: tc_dw_group_s8(NULL, base, off, step, i, 3, 0, ntaps, wlo, wlo, k, rq, y, ystep); break;
        case 2: tc_dw_group_s8(NULL, base, off, step, i, 2, 0, ntaps, wlo, wlo, k, rq, y, ystep); break;
        default: tc_dw_group_s8(NULL, base, off, step, i, 1, 0, ntaps, wlo, wlo, k, rq, y, ystep); break;
    }
}

/* border pixels, a table of tap pointers: m (1..4) pixels */
static void tc_dw_run_tab(const int8_t* const* tab, ptrdiff_t i, int m, int wide, ptrdiff_t ntaps,
                          const __m256i* wlo, const __m256i* whi, const tc_dw_consts* k, const tc_rq8* rq,
                          int8_t* y, ptrdiff_t ystep) {
#define TC_DW_TAB(mm, ww) tc_dw_group_s8(tab, NULL, NULL, 0, i, mm, ww, ntaps, wlo, whi, k, rq, y, ystep)
    if (wide) {
        switch (m) {
            case 4: TC_DW_TAB(4, 1); break;
            case 3: TC_DW_TAB(3, 1); break;
            case 2: TC_DW_TAB(2, 1); break;
            default: TC_DW_TAB(1, 1); break;
        }
    } else {
        switch (m) {
            case 4: TC_DW_TAB(4, 0); break;
            case 3: TC_DW_TAB(3, 0); break;
            case 2: TC_DW_TAB(2, 0); break;
            default: TC_DW_TAB(1, 0); break;
        }
    }
#undef TC_DW_TAB
}

/* Channels [i0, i1) (blocks of 16, and one of 8 at the end): every output pixel. Per output row
 * (or column, when the output is narrower than 8 and taller than wide), the interior pixels (all taps inside the input) read at constant offsets from their first
 * input, in groups of 4 (wide blocks) or 8 (narrow); the others (the border) through tables of
 * tap pointers, 4 pixels at a time, a padding tap's pointer at zpv (zero points for i1 - i0 + 16
 * channels). With 8 channels and stride 1, two neighbouring interior pixels are 16 contiguous
 * bytes of input and of output: one wide block whose two halves have the same weights. */
static void tc_dw_chunk_s8_avx2(const tc_conv_s8* g, ptrdiff_t i0, ptrdiff_t i1, const int8_t* zpv) {
    ptrdiff_t c = g->c, ntaps = g->kh * g->kw, npairs = (ntaps + 1) / 2, nb = 0, i = i0, q, b, ky, kx, j;
    __m256i table[TC_DW_TABLE];
    tc_dw_consts consts[TC_DW_TABLE / 4];
    ptrdiff_t first[TC_DW_TABLE / 4];  /* a block's first channel, from i0 */
    int wide[TC_DW_TABLE / 4];
    ptrdiff_t off[TC_DW_TAPS];         /* tap t of a pixel inside: its first input + off[t] */
    const int8_t* tab[4 * TC_DW_TAPS];
    tc_rq8 rq = tc_rq8_make(g->act_min, g->act_max, g->out_zp);
    while (i < i1) {
        first[nb] = i - i0;
        wide[nb] = i + 16 <= i1;
        tc_dw_prepare(g, i, wide[nb], table + 2 * nb * npairs, table + (2 * nb + 1) * npairs, &consts[nb]);
        i += wide[nb] ? 16 : 8;
        nb++;
    }
    for (ky = 0; ky < g->kh; ky++)
        for (kx = 0; kx < g->kw; kx++) off[ky * g->kw + kx] = (ky * g->dh * g->w_ + kx * g->dw) * c;
    /* The pixels go in lines: output rows, or output columns when the image is narrow (then
     * the interior runs are longer). Per line dimension (outer, "o") and along it (inner, "u"):
     * output size, input size, filter size, stride, dilation, padding; the input and output
     * steps of one unit; how far apart the taps of one filter unit are in the tap index. */
    int cols = g->ow < 8 && g->oh > g->ow;
    ptrdiff_t on = cols ? g->ow : g->oh, osz = cols ? g->w_ : g->h, ok = cols ? g->kw : g->kh;
    ptrdiff_t os = cols ? g->sw : g->sh, od = cols ? g->dw : g->dh, opad = cols ? g->pl : g->pt;
    ptrdiff_t un = cols ? g->oh : g->ow, usz = cols ? g->h : g->w_, uk = cols ? g->kh : g->kw;
    ptrdiff_t us = cols ? g->sh : g->sw, ud = cols ? g->dh : g->dw, upad = cols ? g->pt : g->pl;
    ptrdiff_t oxs = (cols ? 1 : g->w_) * c, uxs = (cols ? g->w_ : 1) * c;  /* input steps */
    ptrdiff_t oys = (cols ? 1 : g->ow) * c, uys = (cols ? g->ow : 1) * c;  /* output steps */
    ptrdiff_t otap = cols ? 1 : g->kw, utap = cols ? g->kw : 1;
    ptrdiff_t ko0, ko1, ku0, ku1, ko, ku, o, u;
    /* the positions [lo, hi) along a line whose taps are all inside along it */
    ptrdiff_t lo = upad <= 0 ? 0 : (upad + us - 1) / us;
    ptrdiff_t room = usz - 1 - (uk - 1) * ud + upad;  /* u * us <= room */
    ptrdiff_t hi = room < 0 ? 0 : tc_min(un, room / us + 1);
    if (lo > un) lo = un;
    if (hi < lo) hi = lo;
    int pairs = !cols && c == 8 && g->sw == 1;  /* then i0 == 0, i1 == 8: one narrow block */
    ptrdiff_t step = us * uxs;
    for (b = 0; b < g->n; b++)
        for (o = 0; o < on; o++) {
            ptrdiff_t io0 = o * os - opad;
            int8_t* yline = g->y + b * g->oh * g->ow * c + o * oys + i0;
            /* + u * step + off[t]: the input of tap t of pixel u (for valid taps only) */
            ptrdiff_t xline = b * g->h * g->w_ * c + io0 * oxs - upad * uxs + i0;
            tc_tap_range_p(io0, od, ok, osz, &ko0, &ko1);
            int inside = ko0 == 0 && ko1 == ok;
            ptrdiff_t a = inside ? lo : un, e = inside ? hi : un;  /* the interior */
            /* the border: [0, a) and [e, un), 4 at a time */
            for (u = 0; u < un;) {
                if (u == a) u = e;
                if (u >= un) break;
                ptrdiff_t stop = u < a ? a : un;
                int m = (int)tc_min(4, stop - u);
                for (j = 0; j < m; j++) {
                    const int8_t** t = tab + j * ntaps;
                    ptrdiff_t px = xline + (u + j) * step;
                    tc_tap_range_p((u + j) * us - upad, ud, uk, usz, &ku0, &ku1);
                    for (q = 0; q < ntaps; q++) t[q] = zpv;
                    for (ko = ko0; ko < ko1; ko++)
                        for (ku = ku0; ku < ku1; ku++) {
                            ptrdiff_t tt = ko * otap + ku * utap;
                            t[tt] = g->x + (px + off[tt]);
                        }
                }
                for (q = 0; q < nb; q++) {
                    const __m256i* wlo = table + 2 * q * npairs;
                    tc_dw_run_tab(tab, first[q], m, wide[q], ntaps, wlo, wlo + npairs, &consts[q], &rq,
                                  yline + u * uys, uys);
                }
                u += m;
            }
            if (a >= e) continue;
            /* the interior */
            const int8_t* xa = g->x + (xline + a * step);  /* pixel a's first input */
            int8_t* ya = yline + a * uys;
            ptrdiff_t n_in = e - a;
            for (q = 0; q < nb; q++) {
                const __m256i* wlo = table + 2 * q * npairs;
                const __m256i* whi = wlo + npairs;
                const tc_dw_consts* k = &consts[q];
                ptrdiff_t f = first[q];
                u = 0;
                if (pairs) {  /* 8 pixels per group: 4 wide blocks of 2 pixels */
                    for (; u + 8 <= n_in; u += 8)
                        tc_dw_group_s8(NULL, xa + u * step, off, 16, 0, 4, 1, ntaps, wlo, wlo, k, &rq, ya + u * uys, 16);
                    if (u + 2 <= n_in) {
                        int m = (int)((n_in - u) / 2);
                        tc_dw_run_wide(xa + u * step, off, 16, 0, m, ntaps, wlo, wlo, k, &rq, ya + u * uys, 16);
                        u += 2 * m;
                    }
                    if (u < n_in) tc_dw_run_narrow(xa + u * step, off, step, 0, 1, ntaps, wlo, k, &rq, ya + u * uys, uys);
                } else if (wide[q]) {
                    for (; u + 4 <= n_in; u += 4)
                        tc_dw_group_s8(NULL, xa + u * step, off, step, f, 4, 1, ntaps, wlo, whi, k, &rq, ya + u * uys, uys);
                    if (u < n_in)
                        tc_dw_run_wide(xa + u * step, off, step, f, (int)(n_in - u), ntaps, wlo, whi, k, &rq, ya + u * uys, uys);
                } else {
                    for (; u + 8 <= n_in; u += 8)
                        tc_dw_group_s8(NULL, xa + u * step, off, step, f, 8, 0, ntaps, wlo, wlo, k, &rq, ya + u * uys, uys);
                    if (u < n_in)
                        tc_dw_run_narrow(xa + u * step, off, step, f, (int)(n_in - u), ntaps, wlo, k, &rq, ya + u * uys, uys);
                }
            }
        }
}
#endif

/* Channels in multiples of 8, filters of at most TC_DW_TAPS taps (tinycc/x86_64.py sends the
   others to the portable kernel). */
static void tc_fast_dwconv2d_s8(const tc_conv_s8* g) {
    ptrdiff_t c = g->c, i = 0;
    if (g->kh * g->kw <= TC_DW_TAPS && c % 8 == 0) {
        /* channels in chunks whose prepared blocks fit the table (2 * npairs vectors each), and
         * whose padding taps stay inside the zero point vector (i + 16 <= TC_DW_ZP) */
        ptrdiff_t npairs = (g->kh * g->kw + 1) / 2, per = TC_DW_TABLE / (2 * npairs), chunk, c8 = c / 8 * 8;
        int8_t zpv[TC_DW_ZP];
        memset(zpv, (int8_t)g->in_zp, sizeof zpv);
        if (per > TC_DW_TABLE / 4) per = TC_DW_TABLE / 4;
        chunk = tc_min(per * 16, TC_DW_ZP - 16);
        /* a column (width 1, a kh x 1 filter): the same as a row, whose pixels the AVX2 code
         * takes several at a time */
        tc_conv_s8 t = *g;
        if (g->w_ == 1 && g->ow == 1 && g->kw == 1 && g->pl == 0 && g->oh > 1) {
            t.h = t.oh = t.kh = t.sh = t.dh = 1;
            t.pt = 0;
            t.w_ = g->h;
            t.ow = g->oh;
            t.kw = g->kh;
            t.sw = g->sh;
            t.dw = g->dh;
            t.pl = g->pt;
        }
        for (; i < c8; i += chunk) tc_dw_chunk_s8_avx2(&t, i, tc_min(i + chunk, c8), zpv);
    }
}

/* ---- ADD and SUB: runs of elements ------------------------------------------------------------ */

/* An ADD-family call: its parameters as the portable kernels read them (tc_add_s8_setup, from the
   kernel's act_min on: add_s8, add_s16 and binary_s16 lay them out alike), and SUB or not. */
typedef struct {
    tc_add_s8_params q;
    int sub;         /* SUB: in1 - in2 */
    const void* pre; /* a level's vector constants, prepared once per call (tc_add16_c), or NULL */
} tc_fast_add_s8;

#define TC_ADD_LIKE_ADD_S8(K, P) (TCP_##K##_##P - TCP_##K##_ACT_MIN == TCP_ADD_S8_##P - TCP_ADD_S8_ACT_MIN)
TC_X86_CHECK(binary_s16_add_params,
             TC_ADD_LIKE_ADD_S8(BINARY_S16, ACT_MAX) && TC_ADD_LIKE_ADD_S8(BINARY_S16, IN1_OFF) &&
                 TC_ADD_LIKE_ADD_S8(BINARY_S16, IN2_OFF) && TC_ADD_LIKE_ADD_S8(BINARY_S16, OUT_OFF) &&
                 TC_ADD_LIKE_ADD_S8(BINARY_S16, LEFT_SHIFT) && TC_ADD_LIKE_ADD_S8(BINARY_S16, M1) &&
                 TC_ADD_LIKE_ADD_S8(BINARY_S16, S1) && TC_ADD_LIKE_ADD_S8(BINARY_S16, M2) &&
                 TC_ADD_LIKE_ADD_S8(BINARY_S16, S2) && TC_ADD_LIKE_ADD_S8(BINARY_S16, MO) &&
                 TC_ADD_LIKE_ADD_S8(BINARY_S16, SO));

static inline void tc_fast_add_setup(tc_fast_add_s8* p, const int32_t* ip, ptrdiff_t act_min, int sub) {
    tc_add_s8_setup(ip + act_min, &p->q);
    p->sub = sub;
    p->pre = NULL;
}

/* An int8 input's rescaling in 32-bit lanes: with v = x + off (|v| <= 256) and shifted = v 2**L, the
 * one-rounding form floor((shifted m + N - 2**31 [v < 0]) / 2**(31 + r)) of MultiplyByQuantizedMultiplier
 * (tc_x86_vnni.h, tc_mbqm16_pos; N = 2**30 + 2**(30 + r) when r >= 1, else 2**30 and no 2**31 term) is,
 * divided through by 2**L, floor((v m + A - B [v < 0]) / 2**S) (L <= 22: no overflow; S = 31 + r - L,
 * A = N / 2**L, B = 2**(31 - L) when r >= 1, else 0). With m = mh 2**S + ml (0 <= ml < 2**S) that is
 * v mh + floor((v ml + A - B [v < 0]) / 2**S): two 32-bit products, exact while 9 <= S <= 22 (|v ml + A|
 * < 2**31, |v mh| < 2**31). The offset's share is folded into the constants: x ml + c, and off mh
 * (share) into the ADD's constant. */
typedef struct {
    int32_t mh, ml, c, b, below; /* below: -off (v < 0 exactly when x < -off) */
    int s, share;
    int lin; /* ml = 0 and no 2**31 term (the input of the larger scale: m = 2**30, no shift): x mh, the
                constant c >> s folded into share */
} tc_add_small;

/* the constants of tc_add_small for one input, when they apply (0 when not) */
static inline int tc_add_small_of(tc_add_small* f, int32_t off, int32_t m, int l, int r, int left) {
    const int s = 31 + r - left;
    if (l != 0 || m < 0 || left > 22 || s < 9 || s > 22 || off < -128 || off > 128)
        return 0;
    f->s = s, f->mh = m >> s, f->ml = m & ((1 << s) - 1);
    f->c = off * f->ml + (1 << (30 - left)) + (r >= 1 ? 1 << (30 + r - left) : 0);
    f->b = r >= 1 ? 1 << (31 - left) : 0;
    f->below = -off;
    f->share = off * f->mh;
    f->lin = f->ml == 0 && f->b == 0;
    if (f->lin)
        f->share += f->c >> f->s;
    return 1;
}

/* both inputs' constants (int8 ADD or SUB); *k = the sum of their offsets' shares */
static inline int tc_add_small_both(const tc_fast_add_s8* p, tc_add_small* f1, tc_add_small* f2, int32_t* k) {
    const tc_add_s8_params* q = &p->q;
    if (!tc_add_small_of(f1, q->in1_off, q->m1, q->l1, q->r1, q->left_shift) ||
        !tc_add_small_of(f2, q->in2_off, q->m2, q->l2, q->r2, q->left_shift))
        return 0;
    *k = p->sub ? f1->share - f2->share : f1->share + f2->share;
    return 1;
}

/* one element (the portable kernels' arithmetic) */
static inline int32_t tc_add1(const tc_fast_add_s8* p, int32_t x1, int32_t x2) {
    return tc_addsub_one(x1, x2, &p->q, p->sub);
}

/* the raw shift back from its split counts (tc_split_shift) */
static inline int32_t tc_shift_of(int left, int right) { return left - right; }

/* A run of n elements of type T: a and b with element strides sa and sb; the contiguous ones
 * (sa == sb == 1) go to the level's vector loop VEC(p, a, b, y, n), which returns how many it did */
#define TC_ADD_RUN(name, T, VEC)                                                                             \
    static void name(const tc_fast_add_s8* p, const void* a_, const void* b_, void* y_, ptrdiff_t n,           \
                     ptrdiff_t sa, ptrdiff_t sb) {                                                         \
        const T *a = (const T*)a_, *b = (const T*)b_;                                                      \
        T* y = (T*)y_;                                                                                     \
        ptrdiff_t i = sa == 1 && sb == 1 ? VEC(p, a, b, y, n) : 0;                                         \
        for (; i < n; i++) y[i] = (T)tc_add1(p, a[i * sa], b[i * sb]); /* y may be a or b (in place) */  \
    }

#if TC_HAVE_AVX2
/* tc_add_small on 8 lanes */
typedef struct {
    __m256i mh, ml, c, b, below;
    __m128i s;
    int lin;
} tc_add_small8;

static inline tc_add_small8 tc_add_small8_make(const tc_add_small* f) {
    tc_add_small8 g;
    g.mh = _mm256_set1_epi32(f->mh), g.ml = _mm256_set1_epi32(f->ml), g.c = _mm256_set1_epi32(f->c);
    g.b = _mm256_set1_epi32(f->b), g.below = _mm256_set1_epi32(f->below), g.s = _mm_cvtsi32_si128(f->s);
    g.lin = f->lin;
    return g;
}

static inline __m256i tc_add_small8_scale(const tc_add_small8* g, __m256i x) {
    if (g->lin)
        return _mm256_mullo_epi32(x, g->mh);
    const __m256i t = _mm256_add_epi32(_mm256_mullo_epi32(x, g->ml), g->c);
    const __m256i neg = _mm256_and_si256(_mm256_cmpgt_epi32(g->below, x), g->b);
    return _mm256_add_epi32(_mm256_mullo_epi32(x, g->mh), _mm256_sra_epi32(_mm256_sub_epi32(t, neg), g->s));
}

/* 8 lanes: the whole groups of 8 of n int8 elements; returns how many */
static ptrdiff_t tc_add_s8_vec8(const tc_fast_add_s8* p, const int8_t* a, const int8_t* b, int8_t* y, ptrdiff_t n) {
    ptrdiff_t i = 0;
    const tc_add_s8_params* q = &p->q;
    const __m256i off1 = _mm256_set1_epi32(q->in1_off), off2 = _mm256_set1_epi32(q->in2_off);
    const __m128i ls = _mm_cvtsi32_si128(q->left_shift);
    const tc_mbqm8_c c1 = tc_mbqm8_prepare(_mm256_set1_epi32(q->m1), _mm256_set1_epi32(tc_shift_of(q->l1, q->r1)));
    const tc_mbqm8_c c2 = tc_mbqm8_prepare(_mm256_set1_epi32(q->m2), _mm256_set1_epi32(tc_shift_of(q->l2, q->r2)));
    const tc_mbqm8_c co = tc_mbqm8_prepare(_mm256_set1_epi32(q->mo), _mm256_set1_epi32(tc_shift_of(q->lo, q->ro)));
    tc_rq8 rq = tc_rq8_make(q->act_min, q->act_max, q->out_off);
    tc_add_small f1 = {0}, f2 = {0};
    int32_t k = 0;
    if (p->sub)
        return 0;
    if (tc_add_small_both(p, &f1, &f2, &k)) {
        const tc_add_small8 g1 = tc_add_small8_make(&f1), g2 = tc_add_small8_make(&f2);
        const __m256i kv = _mm256_set1_epi32(k);
        for (; i + 8 <= n; i += 8) {
            __m256i x1 = tc_add_small8_scale(&g1, _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(a + i))));
            __m256i x2 = tc_add_small8_scale(&g2, _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(b + i))));
            _mm_storel_epi64((__m128i*)(y + i),
                             tc_pack8_s8(tc_requant8(_mm256_add_epi32(_mm256_add_epi32(x1, x2), kv), &co, &rq)));
        }
        return i;
    }
    for (; i + 8 <= n; i += 8) {
        __m256i x1 = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(a + i)));
        __m256i x2 = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(b + i)));
        x1 = tc_mbqm8(_mm256_sll_epi32(_mm256_add_epi32(x1, off1), ls), &c1);
        x2 = tc_mbqm8(_mm256_sll_epi32(_mm256_add_epi32(x2, off2), ls), &c2);
        __m256i v = tc_requant8(_mm256_add_epi32(x1, x2), &co, &rq);
        _mm_storel_epi64((__m128i*)(y + i), tc_pack8_s8(v));
    }
    return i;
}
TC_ADD_RUN(tc_add_s8_run, int8_t, tc_add_s8_vec8)

/* int8 ADD by its exact linear form (add_s8's lin_*, ops.elementwise.add_linear), on 8 lanes (the form of
 * tc_add_lin16, tc_x86_vnni.h): each lane holds its pair (a, b) as two int16, so that one pair
 * multiply-add makes a a0 + b b0 and another a a1 + b b1:
 *     t = (c0 + a a0 + b b0) >> 15,   y = (t + a a1 + b b1 + c1) >> shift
 * then the clamp. */
typedef struct {
    __m256i w0, w1, c0, c1, lo8, hi8;
    __m128i shift;
} tc_add_lin8;

static inline void tc_add_lin8_prepare(const int32_t* ip, tc_add_lin8* k) {
    k->w0 = _mm256_set1_epi32((int32_t)((uint32_t)ip[TCP_ADD_S8_LIN_B0] << 16 | (uint16_t)ip[TCP_ADD_S8_LIN_A0]));
    k->w1 = _mm256_set1_epi32((int32_t)((uint32_t)ip[TCP_ADD_S8_LIN_B1] << 16 | (uint16_t)ip[TCP_ADD_S8_LIN_A1]));
    k->c0 = _mm256_set1_epi32(ip[TCP_ADD_S8_LIN_C0]);
    k->c1 = _mm256_set1_epi32(ip[TCP_ADD_S8_LIN_C1]);
    k->shift = _mm_cvtsi32_si128(ip[TCP_ADD_S8_LIN_SHIFT]);
    k->lo8 = _mm256_set1_epi8((char)ip[TCP_ADD_S8_ACT_MIN]);
    k->hi8 = _mm256_set1_epi8((char)ip[TCP_ADD_S8_ACT_MAX]);
}

static inline __m256i tc_add_lin8_out(const tc_add_lin8* k, __m256i x) {
    const __m256i t = _mm256_srai_epi32(TC_DPWSSD(k->c0, x, k->w0), 15);
    return _mm256_sra_epi32(_mm256_add_epi32(TC_DPWSSD(t, x, k->w1), k->c1), k->shift);
}

/* the whole groups of 32 of n contiguous elements (pairs unpacked within 128-bit lanes, packed back in
   order); returns how many; y may be a or b */
static ptrdiff_t tc_add_s8_lin_vec8(const tc_fast_add_s8* p, const int8_t* a, const int8_t* b, int8_t* y, ptrdiff_t n) {
    const tc_add_lin8* k = (const tc_add_lin8*)p->pre;
    ptrdiff_t i;
    for (i = 0; i + 32 <= n; i += 32) {
        const __m256i va = _mm256_loadu_si256((const __m256i*)(a + i)), vb = _mm256_loadu_si256((const __m256i*)(b + i));
        const __m256i a0 = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(va));
        const __m256i b0 = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(vb));
        const __m256i a1 = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(va, 1));
        const __m256i b1 = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(vb, 1));
        const __m256i y0 = _mm256_packs_epi32(tc_add_lin8_out(k, _mm256_unpacklo_epi16(a0, b0)),
                                              tc_add_lin8_out(k, _mm256_unpackhi_epi16(a0, b0))); /* 0..15 */
        const __m256i y1 = _mm256_packs_epi32(tc_add_lin8_out(k, _mm256_unpacklo_epi16(a1, b1)),
                                              tc_add_lin8_out(k, _mm256_unpackhi_epi16(a1, b1))); /* 16..31 */
        const __m256i v = _mm256_permute4x64_epi64(_mm256_packs_epi16(y0, y1), 0xD8);
        _mm256_storeu_si256((__m256i*)(y + i), _mm256_min_epi8(_mm256_max_epi8(v, k->lo8), k->hi8));
    }
    return i;
}
TC_ADD_RUN(tc_add_s8_lin_run, int8_t, tc_add_s8_lin_vec8)
#endif

typedef void (*tc_add_run_fn)(const tc_fast_add_s8* p, const void* a, const void* b, void* y, ptrdiff_t n,
                              ptrdiff_t sa, ptrdiff_t sb);

/* An ADD-family kernel over its 6-D broadcast geometry: d0..d5, a0..a5, b0..b5 from ip[g] on (the
   output dense, element strides of the inputs, 0 where broadcast), elements of es bytes; each
   innermost run goes to `run`. */
static void tc_add_6d(const void* in1, const void* in2, void* out, const int32_t* ip, ptrdiff_t g, ptrdiff_t es,
                      const tc_fast_add_s8* p, tc_add_run_fn run) {
    const int32_t *d = ip + g, *a = ip + g + 6, *b = ip + g + 12;
    char* y = (char*)out;
    ptrdiff_t i0, i1, i2, i3, i4;
    for (i0 = 0; i0 < d[0]; i0++)
        for (i1 = 0; i1 < d[1]; i1++)
            for (i2 = 0; i2 < d[2]; i2++)
                for (i3 = 0; i3 < d[3]; i3++)
                    for (i4 = 0; i4 < d[4]; i4++, y += d[5] * es) {
                        ptrdiff_t oa = i0 * a[0] + i1 * a[1] + i2 * a[2] + i3 * a[3] + i4 * a[4];
                        ptrdiff_t ob = i0 * b[0] + i1 * b[1] + i2 * b[2] + i3 * b[3] + i4 * b[4];
                        run(p, (const char*)in1 + oa * es, (const char*)in2 + ob * es, y, d[5], a[5], b[5]);
                    }
}

/* the geometry of every ADD-family kernel lies as add_s8's: d0..d5, a0..a5, b0..b5 in a row */
TC_X86_CHECK(add_geometry_in_a_row, TCP_ADD_S8_A0 == TCP_ADD_S8_D0 + 6 && TCP_ADD_S8_B0 == TCP_ADD_S8_D0 + 12 &&
                                    TCP_ADD_S16_A0 == TCP_ADD_S16_D0 + 6 && TCP_ADD_S16_B0 == TCP_ADD_S16_D0 + 12 &&
                                    TCP_BINARY_S16_A0 == TCP_BINARY_S16_D0 + 6 &&
                                    TCP_BINARY_S16_B0 == TCP_BINARY_S16_D0 + 12);

/* add_s8 with a level's run function and its constants (or NULL) */
static void tc_add_s8_with(void* const* buf, const int32_t* ip, tc_add_run_fn run, const void* pre) {
    tc_fast_add_s8 p;
    tc_fast_add_setup(&p, ip, TCP_ADD_S8_ACT_MIN, 0);
    p.pre = pre;
    tc_add_6d(buf[TCB_ADD_S8_IN1], buf[TCB_ADD_S8_IN2], buf[TCB_ADD_S8_OUT], ip, TCP_ADD_S8_D0, 1, &p, run);
}

#endif /* TINYCC_FAST_S8_H */
