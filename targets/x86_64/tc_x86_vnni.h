/* int8 convolution and fully connected as one GEMM on VNNI dot products (vpdpbusd: four unsigned
 * bytes times four signed bytes, summed into an int32 lane), at the AVX-512 VNNI level (16
 * lanes; tc_avx512vnni.c). Bit for bit the NumPy reference (TFLite Micro).
 *
 * acc[p][o] = bias[o] + sum_k (a[p][k] - zp) w[o][k], k over the taps in (ky, kx, c) order,
 * a = zp on padding taps (TFLite Micro: they contribute nothing). vpdpbusd needs one operand
 * unsigned: the activations are read straight from the input, four bytes broadcast to every lane,
 * and made unsigned by flipping their sign bits (a ^ 0x80 = a + 128). Since
 * sum_k (a - zp) w = sum_k (a + 128) w - (zp + 128) sum_k w, the bias comes corrected
 * (bias'[o] = bias[o] - (zp + 128) sum_k w[o][k], wrapped to int32 as the reference's sums) and
 * nothing but the dot products depends on the pixel.
 *
 * A panel row (the K inputs of one output pixel) is kh runs of kw * c taps, each run padded to a
 * multiple of 4 bytes: run4 = ceil(kw * c / 4) steps of 4 bytes. The weights come packed to match,
 * in blocks of 16 output channels, 4 k per lane (tinycc/x86_64.py, pack_vnni_s8):
 *     w_packed[b][k4][j][t] = w[16 b + j][the tap at byte 4 k4 + t of the row]   (0 in padding)
 * bias', mult and shift padded to whole blocks. A tile of MR output pixels is MR row pointers: a
 * pixel whose taps are all inside the input, with contiguous runs (dw == 1 or kw == 1), reads the
 * input itself, 4 * run4 bytes a run (bytes past the run meet zero weights; the last run must end
 * inside the input); another is gathered into a row of the panel on the stack (zp on padding
 * taps). The micro-kernel runs MR rows times NV blocks of 16 channels with MR * NV accumulators in
 * registers: per k4, NV weight vectors and one broadcast of 4 input bytes per row.
 */
#ifndef TINYCC_X86_VNNI_H
#define TINYCC_X86_VNNI_H

#include "tc_x86_s8.h"

#define TC_VNNI_KMAX 8192 /* bytes of a panel row (K rounded up to 4): the panel is TC_VNNI_MR of them */
#define TC_VNNI_MR 12     /* the most rows of a tile */

/* ---- MultiplyByQuantizedMultiplier on 16 lanes (the 16-lane form of tc_mbqm8) ----------------- */

typedef struct {
  __m512i mult, mult_odd, left, right, mask, half;
  /* the one-rounding form (tc_mbqm16_pos), per 64-bit lane of the even and of the odd int32 lanes:
     the shift 31 + right, the nudge 2**30 + 2**(30 + right) (right >= 1) or 2**30, and the 2**31
     taken off it for negative products (right >= 1) */
  __m512i shift_even, shift_odd, nudge_even, nudge_odd, neg_even, neg_odd;
  __m512i shift_odd_hi; /* shift_odd - 32: the odd lanes' result left in their high halves */
  __mmask16 mult_is_min;
  int pos;  /* every multiplier >= 0: tc_mbqm16_pos applies */
  int fast; /* pos, no left shift and every right shift >= 1: tc_mbqm16_fast applies */
  int fast0; /* fast, and the output clamp keeps no result below 0: tc_mbqm16_fast0 applies */
} tc_mbqm16_c;


static inline void tc_mbqm16_nudges(__m512i right64, __m512i *shift, __m512i *nudge, __m512i *neg)
{
  const __m512i one = _mm512_set1_epi64(1);
  const __mmask8 some = _mm512_cmpgt_epi64_mask(right64, _mm512_setzero_si512());
  *shift = _mm512_add_epi64(right64, _mm512_set1_epi64(31));
  *nudge = _mm512_mask_add_epi64(_mm512_set1_epi64((int64_t)1 << 30), some, _mm512_set1_epi64((int64_t)1 << 30),
                                 _mm512_sllv_epi64(one, _mm512_add_epi64(right64, _mm512_set1_epi64(30))));
  *neg = _mm512_maskz_mov_epi64(some, _mm512_set1_epi64((int64_t)1 << 31));
}

/* lo: the least result the output keeps (act_min - zp; INT32_MIN when the result is not clamped) */
static inline tc_mbqm16_c tc_mbqm16_prepare(__m512i mult, __m512i shift, int32_t lo)
{
  const __m512i zero = _mm512_setzero_si512(), thirty_one = _mm512_set1_epi32(31), one = _mm512_set1_epi32(1);
  tc_mbqm16_c c;
  c.mult = mult;
  c.mult_odd = _mm512_srli_epi64(mult, 32);
  c.mult_is_min = _mm512_cmpeq_epi32_mask(mult, _mm512_set1_epi32(INT32_MIN));
  c.left = _mm512_min_epi32(_mm512_max_epi32(shift, zero), thirty_one);
  c.right = _mm512_min_epi32(_mm512_max_epi32(_mm512_sub_epi32(zero, shift), zero), thirty_one);
  c.mask = _mm512_sub_epi32(_mm512_sllv_epi32(one, c.right), one);
  c.half = _mm512_srli_epi32(c.mask, 1);
  tc_mbqm16_nudges(_mm512_and_si512(c.right, _mm512_set1_epi64(0xFFFFFFFF)), &c.shift_even, &c.nudge_even,
                   &c.neg_even);
  tc_mbqm16_nudges(_mm512_srli_epi64(c.right, 32), &c.shift_odd, &c.nudge_odd, &c.neg_odd);
  c.pos = _mm512_cmplt_epi32_mask(mult, zero) == 0;
  c.fast = c.pos && _mm512_cmpneq_epi32_mask(c.left, zero) == 0 && _mm512_cmpeq_epi32_mask(c.right, zero) == 0;
  c.fast0 = c.fast && lo >= 0;
  c.shift_odd_hi = _mm512_sub_epi64(c.shift_odd, _mm512_set1_epi64(32));
  return c;
}

TC_DW_INLINE __m512i tc_mbqm16(__m512i acc, const tc_mbqm16_c *c)
{
  const __m512i nudge = _mm512_set1_epi64((int64_t)1 << 30);
  __m512i x = _mm512_sllv_epi32(acc, c->left);
  /* SaturatingRoundingDoublingHighMul: (a * b + 2**30) >> 31 from the 64-bit products of the even
     and of the odd lanes; a = b = INT32_MIN saturates to INT32_MAX (= ~INT32_MIN) */
  __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, c->mult), nudge);
  __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), c->mult_odd), nudge);
  __m512i high = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
  __mmask16 sat = _mm512_mask_cmpeq_epi32_mask(c->mult_is_min, x, _mm512_set1_epi32(INT32_MIN));
  high = _mm512_mask_xor_epi32(high, sat, high, _mm512_set1_epi32(-1));
  /* RoundingDivideByPOT: (x >> e) + ((x & mask) > half + (x < 0)) */
  __mmask16 neg = _mm512_cmplt_epi32_mask(high, _mm512_setzero_si512());
  __m512i threshold = _mm512_mask_add_epi32(c->half, neg, c->half, _mm512_set1_epi32(1));
  __mmask16 up = _mm512_cmpgt_epi32_mask(_mm512_and_si512(high, c->mask), threshold);
  return _mm512_mask_add_epi32(_mm512_srav_epi32(high, c->right), up, _mm512_srav_epi32(high, c->right),
                               _mm512_set1_epi32(1));
}

/* The same for multipliers >= 0, with one rounding. With P = x m (x the shifted accumulator), the
 * high half h = floor((P + 2**30) / 2**31) and RoundingDivideByPOT(h, r) = floor((h + 2**(r-1) -
 * [h < 0]) / 2**r) (r >= 1; h itself for r = 0); nested floor divisions compose, so the result is
 * floor((P + 2**30 + 2**(30+r) - 2**31 [h < 0]) / 2**(31+r)), one 64-bit shift. With m >= 0, h < 0
 * exactly when P < 0 but for h = 0, where both nudges give 0. */
TC_DW_INLINE __m512i tc_mbqm16_pos(__m512i acc, const tc_mbqm16_c *c)
{
  const __m512i x = _mm512_sllv_epi32(acc, c->left), zero = _mm512_setzero_si512();
  __m512i even = _mm512_mul_epi32(x, c->mult);
  __m512i odd = _mm512_mul_epi32(_mm512_srli_epi64(x, 32), c->mult_odd);
  __m512i te = _mm512_add_epi64(even, c->nudge_even), to = _mm512_add_epi64(odd, c->nudge_odd);
  te = _mm512_mask_sub_epi64(te, _mm512_cmplt_epi64_mask(even, zero), te, c->neg_even);
  to = _mm512_mask_sub_epi64(to, _mm512_cmplt_epi64_mask(odd, zero), to, c->neg_odd);
  return _mm512_mask_blend_epi32(0xAAAA, _mm512_srav_epi64(te, c->shift_even),
                                 _mm512_slli_epi64(_mm512_srav_epi64(to, c->shift_odd), 32));
}

/* tc_mbqm16_pos without a left shift and with every right shift r >= 1, in two steps whose second takes
 * the sign term on all 16 lanes at once: h = floor((P + N) / 2**31) (the low 32 bits of each 64-bit sum
 * shifted by 31, put back in its lane), then floor((h - [P < 0]) / 2**r), the same as one floor division
 * of P + N - 2**31 [P < 0] by 2**(31 + r); with m >= 0, P < 0 only where the accumulator is < 0 (and
 * where it is but m = 0: h - 1 = 2**(r-1) - 1 still gives 0). */
TC_DW_INLINE __m512i tc_mbqm16_fast(__m512i acc, const tc_mbqm16_c *c)
{
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(acc, c->mult), c->nudge_even);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(acc, 32), c->mult_odd), c->nudge_odd);
  const __m512i h = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
  return _mm512_srav_epi32(_mm512_add_epi32(h, _mm512_srai_epi32(acc, 31)), c->right);
}

/* tc_mbqm16_fast when no result below 0 is kept (the clamp's lower end lo >= 0: a ReLU): a negative
 * product P gives floor((P + N) / 2**(31 + r)) <= 0 with the 2**31 term or without it (N < 2**(31 + r)),
 * which the clamp raises to lo either way, so the term is left out. */
TC_DW_INLINE __m512i tc_mbqm16_fast0(__m512i acc, const tc_mbqm16_c *c)
{
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(acc, c->mult), c->nudge_even);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(acc, 32), c->mult_odd), c->nudge_odd);
  return _mm512_mask_blend_epi32(0xAAAA, _mm512_srav_epi64(even, c->shift_even), _mm512_srav_epi64(odd, c->shift_odd_hi));
}

/* MultiplyByQuantizedMultiplier by the fastest exact form the constants allow */
TC_DW_INLINE __m512i tc_mbqm16_any(__m512i acc, const tc_mbqm16_c *c)
{
  return c->fast0  ? tc_mbqm16_fast0(acc, c)
         : c->fast ? tc_mbqm16_fast(acc, c)
         : c->pos  ? tc_mbqm16_pos(acc, c)
                   : tc_mbqm16(acc, c);
}


/* The output stage of four requantized vectors (tc_mbqm16_any: int32, no zero point yet) at once:
 * packed with saturation to int16, the zero point added with saturation, packed to int8, then clamped
 * to the activation range in int8. Equal to clamping each int32 v to [lo - zp, hi - zp] and adding
 * zp: int16 saturation keeps the sign of an out-of-range v and |zp| <= 128, so such a v still
 * saturates to the same end. The packs interleave 128-bit lanes (lane L: channels 4L..4L+3 of
 * v0, v1, v2, v3); one permutation puts back v0's 16 bytes, then v1's, v2's, v3's. */
typedef struct {
  __m512i zp16, lo8, hi8;
} tc_vnni_out;

static inline tc_vnni_out tc_vnni_out_make(int32_t act_min, int32_t act_max, int32_t zp)
{
  tc_vnni_out o;
  o.zp16 = _mm512_set1_epi16((int16_t)zp);
  o.lo8 = _mm512_set1_epi8((char)act_min);
  o.hi8 = _mm512_set1_epi8((char)act_max);
  return o;
}

TC_DW_INLINE __m512i tc_vnni_pack64(__m512i v0, __m512i v1, __m512i v2, __m512i v3, const tc_vnni_out *o)
{
  const __m512i order = _mm512_set_epi32(15, 11, 7, 3, 14, 10, 6, 2, 13, 9, 5, 1, 12, 8, 4, 0);
  const __m512i a = _mm512_adds_epi16(_mm512_packs_epi32(v0, v1), o->zp16);
  const __m512i b = _mm512_adds_epi16(_mm512_packs_epi32(v2, v3), o->zp16);
  const __m512i p = _mm512_permutexvar_epi32(order, _mm512_packs_epi16(a, b));
  return _mm512_min_epi8(_mm512_max_epi8(p, o->lo8), o->hi8);
}

/* the first n (0..64) bits set */
static inline __mmask64 tc_mask64(ptrdiff_t n)
{
  return n >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (n > 0 ? n : 0)) - 1);
}

/* ---- the tile's rows --------------------------------------------------------------------------- */

/* The panel row of output pixel (b, oy, ox): kh runs of 4 * run4 bytes, the input of each tap
   (zp on padding taps and in each run's padding). */
static void tc_vnni_row(int8_t *dst, const tc_conv_s8 *g, ptrdiff_t b, ptrdiff_t oy, ptrdiff_t ox, ptrdiff_t run4)
{
  ptrdiff_t c = g->c, rs = 4 * run4;
  ptrdiff_t iy0 = oy * g->sh - g->pt, ix0 = ox * g->sw - g->pl;
  ptrdiff_t ky0, ky1, kx0, kx1, ky, kx;
  TC_WINDOW(g, oy, ox, ky0, ky1, kx0, kx1);
  memset(dst, (int8_t)g->in_zp, (size_t)(g->kh * rs));
  for (ky = ky0; ky < ky1; ky++) {
    const int8_t *xrow = g->x + ((b * g->h + iy0 + ky * g->dh) * g->w_) * c;
    int8_t *d = dst + ky * rs;
    if (g->dw == 1)
      memcpy(d + kx0 * c, xrow + (ix0 + kx0) * c, (size_t)((kx1 - kx0) * c));
    else
      for (kx = kx0; kx < kx1; kx++)
        memcpy(d + kx * c, xrow + (ix0 + kx * g->dw) * c, (size_t)c);
  }
}

/* ---- the micro-kernel: MR rows x NV blocks of 16 channels -------------------------------------- */

typedef struct {
  const tc_conv_s8 *g;
  ptrdiff_t nruns, run4;     /* kh runs of run4 steps of 4 bytes */
  const int8_t *rows[TC_VNNI_MR];
  ptrdiff_t rstep[TC_VNNI_MR]; /* bytes from one run of a row to the next */
  tc_vnni_out out;           /* the output stage's zero point and activation range */
  const tc_mbqm16_c *rq;     /* the requantization constants of blocks bc, bc + 1, ... (tiles of several rows) */
  ptrdiff_t bc;
} tc_vnni_tile;

#define TC_VNNI_ACC(i, v) acc##i##_##v
/* one (row i, block v) accumulator's k4 step: the block's weights times row i's 4 bytes */
#define TC_VNNI_STEP(i, v) TC_VNNI_ACC(i, v) = _mm512_dpbusd_epi32(TC_VNNI_ACC(i, v), x##i, w##v);

/* each kernel a function of its own: inlined into its caller, the row pointers of the inner loop would
   compete with the caller's variables for registers */
#if defined(__GNUC__)
#define TC_NOINLINE static __attribute__((noinline))
#else
#define TC_NOINLINE static
#endif

/* tc_vnni_kernel_MRxNV: one tile of m rows (at pixel p0) from the tile's row pointers, blocks b0 .. b0 + NV - 1 */
#define TC_VNNI_KERNEL(MR, NV, BLOCKS, LOADS, ROWS, BCASTS, STEPS, INIT, STORES)                                 \
  TC_NOINLINE void tc_vnni_kernel_##MR##x##NV(const tc_vnni_tile *t, ptrdiff_t m, ptrdiff_t p0, ptrdiff_t b0)     \
  {                                                                                                          \
    const tc_conv_s8 *g = t->g;                                                                              \
    const ptrdiff_t kstride = 64 * t->nruns * t->run4;                                                       \
    const int8_t *wk = g->w + b0 * kstride;                                                                  \
    const __m512i flip = _mm512_set1_epi8((char)0x80);                                                       \
    ptrdiff_t r, k;                                                                                          \
    BLOCKS                                                                                                   \
    INIT                                                                                                     \
    for (r = 0; r < t->nruns; r++) {                                                                         \
      ROWS                                                                                                   \
      for (k = 0; k < t->run4; k++, wk += 64) {                                                              \
        LOADS                                                                                                \
        BCASTS                                                                                               \
        STEPS                                                                                                \
      }                                                                                                      \
    }                                                                                                        \
    STORES                                                                                                   \
  }

/* tc_vnni_lin_MRxNV: the whole tiles p0 = pbeg, pbeg + MR, ... < pend of a 1x1 convolution over consecutive
   input pixels (row i of a tile at lin + (p0 + i) c) in one call; for the narrow shapes only, whose
   accumulators and output stage gcc keeps in registers across the tile loop */
#define TC_VNNI_KERNEL_LIN(MR, NV, BLOCKS, LOADS, LROWS, BCASTS, STEPS, INIT, STORES)                            \
  TC_NOINLINE void tc_vnni_lin_##MR##x##NV(const tc_vnni_tile *t, const int8_t *lin, ptrdiff_t pbeg,             \
                                           ptrdiff_t pend, ptrdiff_t b0)                                     \
  {                                                                                                          \
    const tc_conv_s8 *g = t->g;                                                                              \
    const ptrdiff_t kstride = 64 * t->run4, m = MR;                                                          \
    const __m512i flip = _mm512_set1_epi8((char)0x80);                                                       \
    ptrdiff_t p0, k;                                                                                         \
    BLOCKS                                                                                                   \
    for (p0 = pbeg; p0 < pend; p0 += MR) {                                                                   \
      const int8_t *wk = g->w + b0 * kstride;                                                                \
      LROWS                                                                                                  \
      INIT                                                                                                   \
      for (k = 0; k < t->run4; k++, wk += 64) {                                                              \
        LOADS                                                                                                \
        BCASTS                                                                                               \
        STEPS                                                                                                \
      }                                                                                                      \
      STORES                                                                                                 \
    }                                                                                                        \
  }

#define TC_BIAS(v) const __m512i bias##v = _mm512_loadu_si512(g->bias + 16 * (b0 + v));
#define TC_INIT(i, v) __m512i TC_VNNI_ACC(i, v) = bias##v;
#define TC_LOAD(v)                                                                                           \
  __m512i w##v = _mm512_loadu_si512(wk + v * kstride);                                                       \
  TC_IN_REGISTER(w##v);
#define TC_ROW(i, v) const int8_t *q##i = t->rows[i] + r * t->rstep[i];
#define TC_LROW(i, v) const int8_t *q##i = lin + (p0 + i) * g->c;
#define TC_BCAST(i, v) const __m512i x##i = _mm512_xor_si512(_mm512_set1_epi32(tc_load32(q##i + 4 * k)), flip);
#define TC_PREP(v) const tc_mbqm16_c *c##v = t->rq + (b0 + v - t->bc);
/* a fully connected layer's one pixel: each block's constants prepared in its tile, kept in registers */
#define TC_PREP1(v)                                                                                          \
  const tc_mbqm16_c l##v = tc_mbqm16_prepare(_mm512_loadu_si512(g->mult + 16 * (b0 + v)),                      \
                                             _mm512_loadu_si512(g->shift + 16 * (b0 + v)), g->act_min - g->out_zp); \
  const tc_mbqm16_c *c##v = &l##v;
#define TC_RQ(i, v) tc_mbqm16_any(TC_VNNI_ACC(i, v), c##v)
#define TC_OUT_BEGIN(NV)                                                                                     \
  const ptrdiff_t oc = g->oc;                                                                                \
  const __mmask64 keep = tc_mask64(oc - 16 * b0 < 16 * (NV) ? oc - 16 * b0 : 16 * (NV));                      \
  int8_t *y = g->y + p0 * oc + 16 * b0;                                                                      \
  __m512i v;
/* one block, rows a..d (a < m): 16 bytes each */
#define TC_OUT_1x4(a, b, c, d)                                                                               \
  if (a < m) {                                                                                               \
    v = tc_vnni_pack64(TC_RQ(a, 0), TC_RQ(b, 0), TC_RQ(c, 0), TC_RQ(d, 0), &t->out);                         \
    if (oc == 16 && d == a + 3 && d < m) { /* four consecutive pixels of 16 channels: 64 bytes */             \
      _mm512_storeu_si512(y + a * oc, v);                                                                    \
    } else {                                                                                                 \
    _mm_mask_storeu_epi8(y + a * oc, (__mmask16)keep, _mm512_castsi512_si128(v));                              \
    if (b < m && b != a)                                                                                     \
      _mm_mask_storeu_epi8(y + b * oc, (__mmask16)keep, _mm512_extracti32x4_epi32(v, 1));                      \
    if (c < m && c != b)                                                                                     \
      _mm_mask_storeu_epi8(y + c * oc, (__mmask16)keep, _mm512_extracti32x4_epi32(v, 2));                      \
    if (d < m && d != c)                                                                                     \
      _mm_mask_storeu_epi8(y + d * oc, (__mmask16)keep, _mm512_extracti32x4_epi32(v, 3));                      \
    }                                                                                                        \
  }
/* two blocks, rows a and b (a < m): 32 bytes each */
#define TC_OUT_2x2(a, b)                                                                                     \
  if (a < m) {                                                                                               \
    v = tc_vnni_pack64(TC_RQ(a, 0), TC_RQ(a, 1), TC_RQ(b, 0), TC_RQ(b, 1), &t->out);                         \
    _mm256_mask_storeu_epi8(y + a * oc, (__mmask32)keep, _mm512_castsi512_si256(v));                           \
    if (b < m && b != a)                                                                                     \
      _mm256_mask_storeu_epi8(y + b * oc, (__mmask32)keep, _mm512_extracti64x4_epi64(v, 1));                   \
  }
/* four blocks, row a: 64 bytes */
#define TC_OUT_4x1(a)                                                                                        \
  if (a < m) {                                                                                               \
    v = tc_vnni_pack64(TC_RQ(a, 0), TC_RQ(a, 1), TC_RQ(a, 2), TC_RQ(a, 3), &t->out);                         \
    _mm512_mask_storeu_epi8(y + a * oc, keep, v);                                                            \
  }

static inline int32_t tc_load32(const int8_t *p)
{
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* rows 0..R-1 of F(i, v), for R in 1..12 */
#define TC_R1(F, v) F(0, v)
#define TC_R2(F, v) TC_R1(F, v) F(1, v)
#define TC_R3(F, v) TC_R2(F, v) F(2, v)
#define TC_R4(F, v) TC_R3(F, v) F(3, v)
#define TC_R5(F, v) TC_R4(F, v) F(4, v)
#define TC_R6(F, v) TC_R5(F, v) F(5, v)
#define TC_R7(F, v) TC_R6(F, v) F(6, v)
#define TC_R8(F, v) TC_R7(F, v) F(7, v)
#define TC_R9(F, v) TC_R8(F, v) F(8, v)
#define TC_R10(F, v) TC_R9(F, v) F(9, v)
#define TC_R11(F, v) TC_R10(F, v) F(10, v)
#define TC_R12(F, v) TC_R11(F, v) F(11, v)

/* 12 rows x 1 block, 8 x 2, 5 x 4 (20 accumulators, 4 weight vectors, the broadcasts), 5 x 2 and 5 x 1
   (the last blocks of a 5-row tile), 1 x 4, 1 x 2 and 1 x 1 (a fully connected layer's one pixel) */
TC_VNNI_KERNEL(12, 1, TC_BIAS(0), TC_LOAD(0), TC_R12(TC_ROW, 0), TC_R12(TC_BCAST, 0), TC_R12(TC_VNNI_STEP, 0),
               TC_R12(TC_INIT, 0),
               TC_PREP(0) TC_OUT_BEGIN(1) TC_OUT_1x4(0, 1, 2, 3) TC_OUT_1x4(4, 5, 6, 7) TC_OUT_1x4(8, 9, 10, 11))
TC_VNNI_KERNEL_LIN(12, 1, TC_BIAS(0), TC_LOAD(0), TC_R12(TC_LROW, 0), TC_R12(TC_BCAST, 0), TC_R12(TC_VNNI_STEP, 0),
               TC_R12(TC_INIT, 0),
               TC_PREP(0) TC_OUT_BEGIN(1) TC_OUT_1x4(0, 1, 2, 3) TC_OUT_1x4(4, 5, 6, 7) TC_OUT_1x4(8, 9, 10, 11))
TC_VNNI_KERNEL(8, 2, TC_BIAS(0) TC_BIAS(1), TC_LOAD(0) TC_LOAD(1), TC_R8(TC_ROW, 0), TC_R8(TC_BCAST, 0),
               TC_R8(TC_VNNI_STEP, 0) TC_R8(TC_VNNI_STEP, 1), TC_R8(TC_INIT, 0) TC_R8(TC_INIT, 1),
               TC_PREP(0) TC_PREP(1) TC_OUT_BEGIN(2) TC_OUT_2x2(0, 1) TC_OUT_2x2(2, 3) TC_OUT_2x2(4, 5)
                   TC_OUT_2x2(6, 7))
TC_VNNI_KERNEL(5, 4, TC_BIAS(0) TC_BIAS(1) TC_BIAS(2) TC_BIAS(3), TC_LOAD(0) TC_LOAD(1) TC_LOAD(2) TC_LOAD(3),
               TC_R5(TC_ROW, 0), TC_R5(TC_BCAST, 0),
               TC_R5(TC_VNNI_STEP, 0) TC_R5(TC_VNNI_STEP, 1) TC_R5(TC_VNNI_STEP, 2) TC_R5(TC_VNNI_STEP, 3),
               TC_R5(TC_INIT, 0) TC_R5(TC_INIT, 1) TC_R5(TC_INIT, 2) TC_R5(TC_INIT, 3),
               TC_PREP(0) TC_PREP(1) TC_PREP(2) TC_PREP(3) TC_OUT_BEGIN(4) TC_OUT_4x1(0) TC_OUT_4x1(1)
                   TC_OUT_4x1(2) TC_OUT_4x1(3) TC_OUT_4x1(4))
TC_VNNI_KERNEL(5, 2, TC_BIAS(0) TC_BIAS(1), TC_LOAD(0) TC_LOAD(1), TC_R5(TC_ROW, 0), TC_R5(TC_BCAST, 0),
               TC_R5(TC_VNNI_STEP, 0) TC_R5(TC_VNNI_STEP, 1), TC_R5(TC_INIT, 0) TC_R5(TC_INIT, 1),
               TC_PREP(0) TC_PREP(1) TC_OUT_BEGIN(2) TC_OUT_2x2(0, 1) TC_OUT_2x2(2, 3) TC_OUT_2x2(4, 4))
TC_VNNI_KERNEL(5, 1, TC_BIAS(0), TC_LOAD(0), TC_R5(TC_ROW, 0), TC_R5(TC_BCAST, 0), TC_R5(TC_VNNI_STEP, 0),
               TC_R5(TC_INIT, 0), TC_PREP(0) TC_OUT_BEGIN(1) TC_OUT_1x4(0, 1, 2, 3) TC_OUT_1x4(4, 4, 4, 4))
TC_VNNI_KERNEL(1, 4, TC_BIAS(0) TC_BIAS(1) TC_BIAS(2) TC_BIAS(3), TC_LOAD(0) TC_LOAD(1) TC_LOAD(2) TC_LOAD(3),
               TC_R1(TC_ROW, 0), TC_R1(TC_BCAST, 0),
               TC_R1(TC_VNNI_STEP, 0) TC_R1(TC_VNNI_STEP, 1) TC_R1(TC_VNNI_STEP, 2) TC_R1(TC_VNNI_STEP, 3),
               TC_R1(TC_INIT, 0) TC_R1(TC_INIT, 1) TC_R1(TC_INIT, 2) TC_R1(TC_INIT, 3),
               TC_PREP1(0) TC_PREP1(1) TC_PREP1(2) TC_PREP1(3) TC_OUT_BEGIN(4) TC_OUT_4x1(0))
TC_VNNI_KERNEL(1, 2, TC_BIAS(0) TC_BIAS(1), TC_LOAD(0) TC_LOAD(1), TC_R1(TC_ROW, 0), TC_R1(TC_BCAST, 0),
               TC_R1(TC_VNNI_STEP, 0) TC_R1(TC_VNNI_STEP, 1), TC_R1(TC_INIT, 0) TC_R1(TC_INIT, 1),
               TC_PREP1(0) TC_PREP1(1) TC_OUT_BEGIN(2) TC_OUT_2x2(0, 0))
TC_VNNI_KERNEL(1, 1, TC_BIAS(0), TC_LOAD(0), TC_R1(TC_ROW, 0), TC_R1(TC_BCAST, 0), TC_R1(TC_VNNI_STEP, 0),
               TC_R1(TC_INIT, 0), TC_PREP1(0) TC_OUT_BEGIN(1) TC_OUT_1x4(0, 0, 0, 0))

/* ---- the kernel ---------------------------------------------------------------------------------- */

/* the rows of a tile past its last pixel: computed, never stored */
static const int8_t tc_vnni_zeros[TC_VNNI_KMAX];

/* Every block of output channels by the widest kernels the tile height mr allows: KERNEL(shape) names
   the function of a shape (tc_vnni_kernel_ / tc_vnni_lin_ ...) and ARGS its arguments before b0. */
#define TC_VNNI_BLOCKS(KERNEL, ARGS)                                                                         \
  do {                                                                                                       \
    ptrdiff_t b0 = bc;                                                                                       \
    if (mr == 1) {                                                                                           \
      for (; b0 + 4 <= be; b0 += 4)                                                                          \
        KERNEL(1x4) TC_UNPAREN ARGS, b0);                                                                    \
      for (; b0 + 2 <= be; b0 += 2)                                                                          \
        KERNEL(1x2) TC_UNPAREN ARGS, b0);                                                                    \
      for (; b0 < be; b0++)                                                                                  \
        KERNEL(1x1) TC_UNPAREN ARGS, b0);                                                                    \
    }                                                                                                        \
    if (mr == 5) {                                                                                           \
      for (; b0 + 4 <= be; b0 += 4)                                                                          \
        KERNEL(5x4) TC_UNPAREN ARGS, b0);                                                                    \
      for (; b0 + 2 <= be; b0 += 2)                                                                          \
        KERNEL(5x2) TC_UNPAREN ARGS, b0);                                                                    \
      for (; b0 < be; b0++)                                                                                  \
        KERNEL(5x1) TC_UNPAREN ARGS, b0);                                                                    \
    }                                                                                                        \
    if (mr == 8)                                                                                             \
      for (; b0 + 2 <= be; b0 += 2)                                                                          \
        KERNEL(8x2) TC_UNPAREN ARGS, b0);                                                                    \
    for (; b0 < be; b0++) /* the remaining blocks one at a time (12 rows read, m stored) */                  \
      KERNEL(12x1) TC_UNPAREN ARGS, b0);                                                                     \
  } while (0)
#define TC_UNPAREN(...) __VA_ARGS__
#define TC_VNNI_TILE(shape) tc_vnni_kernel_##shape(
#define TC_VNNI_LIN(shape) tc_vnni_lin_##shape(

/* The whole tiles [pbeg, pend) of consecutive pixels (a 1x1 convolution) with the tile kernel of a shape,
   each tile's rows set here (the 12-row one-block kernel has its own loop, tc_vnni_lin_12x1) */
#define TC_VNNI_LIN_TILES(MR, NV)                                                                            \
  static void tc_vnni_lin_##MR##x##NV(tc_vnni_tile *t, const int8_t *lin, ptrdiff_t pbeg, ptrdiff_t pend,         \
                                      ptrdiff_t b0)                                                          \
  {                                                                                                          \
    ptrdiff_t p0, i;                                                                                         \
    for (p0 = pbeg; p0 < pend; p0 += MR) {                                                                   \
      for (i = 0; i < MR; i++)                                                                               \
        t->rows[i] = lin + (p0 + i) * t->g->c;                                                               \
      tc_vnni_kernel_##MR##x##NV(t, MR, p0, b0);                                                             \
    }                                                                                                        \
  }
TC_VNNI_LIN_TILES(8, 2)
TC_VNNI_LIN_TILES(5, 4)
TC_VNNI_LIN_TILES(5, 2)
TC_VNNI_LIN_TILES(5, 1)
TC_VNNI_LIN_TILES(1, 4) /* (never called: a layer of fewer than 4 pixels takes no linear tiles) */
TC_VNNI_LIN_TILES(1, 2)
TC_VNNI_LIN_TILES(1, 1)

/* the tile height: 12 rows for one block of output channels, 8 for two, 5 for more; a few pixels (a
   fully connected layer) one at a time */
static inline ptrdiff_t tc_vnni_mr(const tc_conv_s8 *g)
{
  const ptrdiff_t nb = (g->oc + 15) / 16;
  return g->n * g->oh * g->ow < 4 ? 1 : (nb == 1 ? 12 : (nb == 2 ? 8 : 5));
}

/* the pixel after (b, y, x) in the output */
static inline void tc_vnni_next(const tc_conv_s8 *g, ptrdiff_t *b, ptrdiff_t *y, ptrdiff_t *x)
{
  if (++*x == g->ow) {
    *x = 0;
    if (++*y == g->oh) {
      *y = 0;
      ++*b;
    }
  }
}

/* rows m .. mr - 1 of a tile past the last pixel: computed from zeros, never stored */
static inline void tc_vnni_rest(tc_vnni_tile *t, ptrdiff_t m, ptrdiff_t mr, ptrdiff_t run4)
{
  for (; m < mr; m++) {
    t->rows[m] = tc_vnni_zeros;
    t->rstep[m] = 4 * run4;
  }
}

/* The output channel blocks [t->bc, be) of every pixel, t->rq holding their requantization (tiles of several
   rows) */
static void tc_vnni_conv_range(const tc_conv_s8 *g, tc_vnni_tile *t_, ptrdiff_t be)
{
  const ptrdiff_t c = g->c, run4 = t_->run4, stride = 4 * g->kh * run4, bc = t_->bc;
  const ptrdiff_t P = g->n * g->oh * g->ow, mr = tc_vnni_mr(g);
  /* rows read straight from the input: contiguous runs (tc_inside_columns), the last ending inside it */
  const int8_t *xend = g->x + g->n * g->h * g->w_ * c;
  const ptrdiff_t ystep = g->dh * g->w_ * c, last = (g->kh - 1) * ystep + 4 * run4;
  /* a 1x1 convolution reading consecutive input pixels: pixel p's row starts at linear + p c */
  const int8_t *linear = tc_contiguous_1x1(g->n, g->h, g->w_, g->oh, g->ow, g->kh, g->kw, g->sh, g->sw, g->pt, g->pl)
                             ? g->x - g->pt * g->w_ * c : NULL;
  int8_t panel[TC_VNNI_MR * TC_VNNI_KMAX];
  tc_vnni_tile t = *t_;
  ptrdiff_t p0, i, pb = 0, py = 0, px = 0; /* the next pixel: (batch, row, column) */
  ptrdiff_t in_lo = 0, in_hi = 0;             /* the columns of row py read straight from the input */
  const int8_t *xrow = g->x;                  /* input pixel (py * sh - pt, -pl) of image pb */
  for (i = 0; i < TC_VNNI_MR; i++) { /* the 12-row kernel reads every row of a tile */
    t.rows[i] = tc_vnni_zeros;
    t.rstep[i] = 4 * run4;
  }
  if (linear && mr > 1) { /* whole tiles of consecutive pixels: each block's kernel over 32 tiles at a time
                             (their outputs stay in cache until every block has written its part) */
    ptrdiff_t full = P / mr * mr;
    while (full > 0 && (full - 1) * c + 4 * run4 > xend - linear) /* the last row must end inside the input */
      full -= mr;
    for (p0 = 0; p0 < full; p0 += 32 * mr)
      TC_VNNI_BLOCKS(TC_VNNI_LIN, (&t, linear, p0, p0 + 32 * mr < full ? p0 + 32 * mr : full));
    p0 = full;
    px = full % g->ow, py = full / g->ow % g->oh, pb = full / (g->ow * g->oh);
  } else {
    p0 = 0;
  }
  if (!linear && g->pt == 0 && g->pl == 0 && (g->dw == 1 || g->kw == 1) &&
      (g->oh - 1) * g->sh + (g->kh - 1) * g->dh < g->h && (g->ow - 1) * g->sw + (g->kw - 1) * g->dw < g->w_ &&
      last <= xend - (g->x + (((g->n - 1) * g->h + (g->oh - 1) * g->sh) * g->w_ + (g->ow - 1) * g->sw) * c)) {
    /* every pixel's rows read straight from the input, the last one's last run inside it (so every
       pixel's): a tile's rows by increments, nothing checked per row */
    for (i = 0; i < TC_VNNI_MR; i++)
      t.rstep[i] = ystep;
    for (; p0 < P; p0 += mr) {
      const ptrdiff_t m = P - p0 < mr ? P - p0 : mr;
      for (i = 0; i < m; i++) {
        if (px == 0)
          xrow = g->x + (pb * g->h + py * g->sh) * g->w_ * c;
        t.rows[i] = xrow + px * g->sw * c;
        tc_vnni_next(g, &pb, &py, &px);
      }
      tc_vnni_rest(&t, m, mr, run4);
      TC_VNNI_BLOCKS(TC_VNNI_TILE, (&t, m, p0));
    }
    return;
  }
  for (; p0 < P; p0 += mr) {
    const ptrdiff_t m = P - p0 < mr ? P - p0 : mr;
    for (i = 0; i < m; i++) {
      const int8_t *src;
      int inside;
      if (linear) {
        src = linear + (p0 + i) * c;
        inside = 1;
      } else {
        if (px == 0) { /* a new output row: its start and its direct columns */
          xrow = g->x + ((pb * g->h + py * g->sh - g->pt) * g->w_ - g->pl) * c;
          tc_inside_columns(g, py, &in_lo, &in_hi);
        }
        src = xrow + px * g->sw * c;
        inside = px >= in_lo && px < in_hi;
      }
      if (inside && last <= xend - src) {
        t.rows[i] = src;
        t.rstep[i] = ystep;
      } else {
        tc_vnni_row(panel + i * stride, g, pb, py, px, run4);
        t.rows[i] = panel + i * stride;
        t.rstep[i] = 4 * run4;
      }
      tc_vnni_next(g, &pb, &py, &px);
    }
    tc_vnni_rest(&t, m, mr, run4);
    TC_VNNI_BLOCKS(TC_VNNI_TILE, (&t, m, p0));
  }
}

#define TC_VNNI_RQ_MAX 32     /* blocks whose requantization is prepared at a time (on the stack) */
#define TC_VNNI_PAD_MAX 65536 /* bytes of the largest input copied with its padding (on the stack) */

/* A convolution of several tiles whose windows reach into the padding, with an input small enough: the
   input with its padding (zp) made real in xp, so that every pixel's rows are read straight from it
   (no row gathered); *gp the same convolution over xp. 0: not worth it or too large. */
static int tc_vnni_pad(const tc_conv_s8 *g, int8_t *xp, tc_conv_s8 *gp)
{
  /* the rows the windows reach, and one more (of zp): the last pixel's runs, read in whole steps of 4
     bytes, end inside the copy (tc_vnni_conv_range then sets no row apart) */
  const ptrdiff_t c = g->c, hp = (g->oh - 1) * g->sh + (g->kh - 1) * g->dh + 2;
  const ptrdiff_t wp = (g->ow - 1) * g->sw + (g->kw - 1) * g->dw + 1;
  const ptrdiff_t x0 = tc_min(g->pl, wp), x1 = tc_min(g->w_ + g->pl, wp); /* the input's columns in a row */
  ptrdiff_t b, yy;
  if (g->n * g->oh * g->ow < 4 || (g->pt <= 0 && g->pl == 0 && hp - 1 - g->pt <= g->h && wp <= g->w_) ||
      g->n * hp * wp * c + 64 > TC_VNNI_PAD_MAX)
    return 0;
  for (b = 0; b < g->n; b++)
    for (yy = 0; yy < hp; yy++) {
      const ptrdiff_t iy = yy - g->pt;
      int8_t *d = xp + (b * hp + yy) * wp * c;
      if (iy < 0 || iy >= g->h || x1 <= x0) {
        memset(d, (int8_t)g->in_zp, (size_t)(wp * c));
        continue;
      }
      memset(d, (int8_t)g->in_zp, (size_t)(x0 * c));
      memcpy(d + x0 * c, g->x + ((b * g->h + iy) * g->w_ + x0 - g->pl) * c, (size_t)((x1 - x0) * c));
      memset(d + x1 * c, (int8_t)g->in_zp, (size_t)((wp - x1) * c));
    }
  memset(xp + g->n * hp * wp * c, 0, 64); /* the last rows' reads past their runs meet zero weights */
  *gp = *g;
  gp->x = xp, gp->h = hp, gp->w_ = wp, gp->pt = 0, gp->pl = 0;
  return 1;
}

static void tc_vnni_conv_s8(const tc_conv_s8 *g_)
{
  const ptrdiff_t run4 = (g_->kw * g_->c + 3) / 4, nb = (g_->oc + 15) / 16, mr = tc_vnni_mr(g_);
  tc_mbqm16_c rq[TC_VNNI_RQ_MAX];
  int8_t xp[TC_VNNI_PAD_MAX];
  tc_conv_s8 gp;
  const tc_conv_s8 *g = tc_vnni_pad(g_, xp, &gp) ? &gp : g_;
  tc_vnni_tile t;
  ptrdiff_t bc, be, b;
  if (4 * g->kh * run4 > TC_VNNI_KMAX)
    return; /* the executor rejects such steps; never reached */
  t.g = g;
  t.nruns = g->kh;
  t.run4 = run4;
  t.out = tc_vnni_out_make(g->act_min, g->act_max, g->out_zp);
  t.rq = rq;
  for (bc = 0; bc < nb; bc = be) { /* (a fully connected layer's one pixel prepares its blocks in its tile) */
    be = nb - bc < TC_VNNI_RQ_MAX ? nb : bc + TC_VNNI_RQ_MAX;
    for (b = bc; b < be && mr > 1; b++)
      rq[b - bc] = tc_mbqm16_prepare(_mm512_loadu_si512(g->mult + 16 * b), _mm512_loadu_si512(g->shift + 16 * b),
                                     g->act_min - g->out_zp);
    t.bc = bc;
    tc_vnni_conv_range(g, &t, be);
  }
}

/* ---- depthwise convolution, depth multiplier 1 ------------------------------------------------
 *
 * 64 channels at a time, 4 taps per vpdpbusd: the inputs of taps t0..t3 (64 channels each, made
 * unsigned as in the GEMM) are interleaved byte by byte and then in pairs of bytes,
 *     A = lo8(t0, t1), B = hi8(t0, t1), C = lo8(t2, t3), D = hi8(t2, t3)
 *     Q0 = lo16(A, C), Q1 = hi16(A, C), Q2 = lo16(B, D), Q3 = hi16(B, D)
 * (within each 128-bit lane), so that int32 lane 4 L + j of Q_q holds the four taps of channel
 * 16 L + 4 q + j. The weights, bias', mult and shift come packed in that order (pack_dw_vnni_s8:
 * per block of 64 channels and group of 4 taps, four vectors of 64 bytes; taps past kh * kw and
 * channels past c are 0; bias' = bias - (zp + 128) sum_t w_t). Requantized, the four accumulators
 * pack back (packs 32 -> 16 of Q0, Q1 and of Q2, Q3, then 16 -> 8; within lanes) to the 64 channels
 * in order. A padding tap reads a vector of zp (it contributes (zp + 128) w, which the bias
 * takes back). Inputs and outputs are read and written under the mask of the block's channels. */

#define TC_DWV_TAPS 64 /* the filter's taps (kh * kw), at most */

/* one group of four taps (unsigned, 64 bytes each) into the four accumulators, 256 bytes of weights */
TC_DW_INLINE void tc_dwv_group(__m512i v0, __m512i v1, __m512i v2, __m512i v3, const int8_t *w, __m512i *a0,
                                __m512i *a1, __m512i *a2, __m512i *a3)
{
  const __m512i A = _mm512_unpacklo_epi8(v0, v1), B = _mm512_unpackhi_epi8(v0, v1);
  const __m512i C = _mm512_unpacklo_epi8(v2, v3), D = _mm512_unpackhi_epi8(v2, v3);
  *a0 = _mm512_dpbusd_epi32(*a0, _mm512_unpacklo_epi16(A, C), _mm512_loadu_si512(w));
  *a1 = _mm512_dpbusd_epi32(*a1, _mm512_unpackhi_epi16(A, C), _mm512_loadu_si512(w + 64));
  *a2 = _mm512_dpbusd_epi32(*a2, _mm512_unpacklo_epi16(B, D), _mm512_loadu_si512(w + 128));
  *a3 = _mm512_dpbusd_epi32(*a3, _mm512_unpackhi_epi16(B, D), _mm512_loadu_si512(w + 192));
}

/* the form of a block's four requantizations: 2 all tc_mbqm16_fast0, 1 all tc_mbqm16_fast, 0 otherwise */
static inline int tc_dwv_fast(const tc_mbqm16_c *rq)
{
  return rq[0].fast0 && rq[1].fast0 && rq[2].fast0 && rq[3].fast0 ? 2 : rq[0].fast && rq[1].fast && rq[2].fast && rq[3].fast;
}

/* the four accumulators -> 64 int8 outputs in channel order: the output stage of tc_vnni_pack64
   without its permutation (the packed channel order undoes the packs' interleaving) */
TC_DW_INLINE __m512i tc_dwv_out(__m512i a0, __m512i a1, __m512i a2, __m512i a3, const tc_mbqm16_c *rq,
                                 const tc_vnni_out *out, int fast)
{
#define TC_DWV_RQ(a, q) (fast == 2 ? tc_mbqm16_fast0(a, &rq[q]) : fast ? tc_mbqm16_fast(a, &rq[q]) : tc_mbqm16_any(a, &rq[q]))
  const __m512i p01 = _mm512_adds_epi16(_mm512_packs_epi32(TC_DWV_RQ(a0, 0), TC_DWV_RQ(a1, 1)), out->zp16);
  const __m512i p23 = _mm512_adds_epi16(_mm512_packs_epi32(TC_DWV_RQ(a2, 2), TC_DWV_RQ(a3, 3)), out->zp16);
#undef TC_DWV_RQ
  return _mm512_min_epi8(_mm512_max_epi8(_mm512_packs_epi16(p01, p23), out->lo8), out->hi8);
}

static void tc_vnni_dwconv_s8(const tc_conv_s8 *g, ptrdiff_t nb) /* blocks 0 .. nb - 1 */
{
  const ptrdiff_t c = g->c, ntaps = g->kh * g->kw, ngroups = (ntaps + 3) / 4;
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  const tc_vnni_out out = tc_vnni_out_make(g->act_min, g->act_max, g->out_zp);
  int8_t zpv[64];
  ptrdiff_t off[TC_DWV_TAPS];
  const int8_t *tap[TC_DWV_TAPS + 3];
  ptrdiff_t cb, b, oy, ox, ky, kx, t, q, gi;
  if (ntaps > TC_DWV_TAPS)
    return; /* the executor rejects such steps; never reached */
  const __m512i zp512 = _mm512_set1_epi8((char)g->in_zp), zflip = _mm512_xor_si512(zp512, flip); /* zp, unsigned */
  memset(zpv, (int8_t)g->in_zp, sizeof zpv);
  for (ky = 0; ky < g->kh; ky++)
    for (kx = 0; kx < g->kw; kx++)
      off[ky * g->kw + kx] = (ky * g->dh * g->w_ + kx * g->dw) * c;
  for (cb = 0; cb < nb; cb++) {
    const ptrdiff_t ch0 = 64 * cb, cnt = c - ch0 < 64 ? c - ch0 : 64;
    const __mmask64 keep = cnt == 64 ? ~(__mmask64)0 : (((__mmask64)1 << cnt) - 1);
    const int8_t *wb = g->w + cb * ngroups * 256;
    tc_mbqm16_c rq[4];
    __m512i bias[4];
    for (q = 0; q < 4; q++) {
      rq[q] = tc_mbqm16_prepare(_mm512_loadu_si512(g->mult + ch0 + 16 * q),
                                _mm512_loadu_si512(g->shift + ch0 + 16 * q), g->act_min - g->out_zp);
      bias[q] = _mm512_loadu_si512(g->bias + ch0 + 16 * q);
    }
    const int fast = tc_dwv_fast(rq); /* (one test for the block) */
    for (t = ntaps; t < 4 * ngroups; t++)
      tap[t] = zpv; /* past the filter: read for nothing (its weights are 0) */
    for (b = 0; b < g->n; b++)
      for (oy = 0; oy < g->oh; oy++) {
        const ptrdiff_t iy0 = oy * g->sh - g->pt;
        ptrdiff_t ky0, ky1, kx0, kx1;
        tc_tap_range_p(iy0, g->dh, g->kh, g->h, &ky0, &ky1);
        /* a 3x3 filter (dw = 1): the taps straight from three row pointers, the group past the filter's
           last tap a constant; a tap outside the input (a row or column past an edge) reads zp under
           an empty mask (a pixel whose window is inside the input tests no tap). */
        const ptrdiff_t in_lo = (g->pl + g->sw - 1) / g->sw,
                        in_hi = g->w_ - 3 + g->pl < 0 ? 0 : (g->w_ - 3 + g->pl) / g->sw + 1;
        const int fast3 = g->kh == 3 && g->kw == 3 && g->dw == 1, rows_in = ky0 == 0 && ky1 == 3;
        const int8_t *r[3];
        for (ky = 0; ky < 3; ky++) { /* row ky of the window, NULL when outside the input */
          const ptrdiff_t iy = iy0 + ky * g->dh;
          r[ky] = iy >= 0 && iy < g->h ? g->x + (b * g->h + iy) * g->w_ * c + ch0 : NULL;
        }
        for (ox = 0; ox < g->ow; ox++) {
          const ptrdiff_t ix0 = ox * g->sw - g->pl;
          __m512i a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
          const int8_t *w = wb;
          if (fast3) {
            int8_t *const dst = g->y + ((b * g->oh + oy) * g->ow + ox) * c + ch0;
            const int inside = rows_in && ox >= in_lo && ox < in_hi;
            __m512i v[9];
            for (ky = 0; ky < 3; ky++)
              for (kx = 0; kx < 3; kx++) {
                const int in = inside || (r[ky] != NULL && ix0 + kx >= 0 && ix0 + kx < g->w_);
                v[3 * ky + kx] = _mm512_xor_si512(
                    _mm512_mask_loadu_epi8(zp512, in ? keep : 0, in ? r[ky] + (ix0 + kx) * c : zpv), flip);
              }
            tc_dwv_group(v[0], v[1], v[2], v[3], w, &a0, &a1, &a2, &a3);
            tc_dwv_group(v[4], v[5], v[6], v[7], w + 256, &a0, &a1, &a2, &a3);
            tc_dwv_group(v[8], zflip, zflip, zflip, w + 512, &a0, &a1, &a2, &a3);
            _mm512_mask_storeu_epi8(dst, keep, tc_dwv_out(a0, a1, a2, a3, rq, &out, fast));
            continue;
          }
          tc_tap_range_p(ix0, g->dw, g->kw, g->w_, &kx0, &kx1);
          if (ky0 == 0 && ky1 == g->kh && kx0 == 0 && kx1 == g->kw) {
            const int8_t *base = g->x + ((b * g->h + iy0) * g->w_ + ix0) * c + ch0;
            for (t = 0; t < ntaps; t++)
              tap[t] = base + off[t];
          } else {
            for (t = 0; t < ntaps; t++)
              tap[t] = zpv;
            for (ky = ky0; ky < ky1; ky++)
              for (kx = kx0; kx < kx1; kx++)
                tap[ky * g->kw + kx] = g->x + ((b * g->h + iy0 + ky * g->dh) * g->w_ + ix0 + kx * g->dw) * c + ch0;
          }
          for (gi = 0; gi < ngroups; gi++, w += 256) {
            const int8_t *const *p = tap + 4 * gi;
#define TC_DWV_TAP(k) _mm512_xor_si512(_mm512_maskz_loadu_epi8(keep, p[k]), flip)
            tc_dwv_group(TC_DWV_TAP(0), TC_DWV_TAP(1), TC_DWV_TAP(2), TC_DWV_TAP(3), w, &a0, &a1, &a2, &a3);
#undef TC_DWV_TAP
          }
          _mm512_mask_storeu_epi8(g->y + ((b * g->oh + oy) * g->ow + ox) * c + ch0, keep,
                                  tc_dwv_out(a0, a1, a2, a3, rq, &out, fast));
        }
      }
  }
}

/* Narrow blocks: cw = 8, 16 or 32 channels [ch0, ch0 + cw) of each of the 64 / cw pixels ox0.. of an output
 * row side by side in a vector ("channel" j being channel ch0 + j % cw of pixel j / cw): all the channels of
 * a layer of fewer than 64 (ch0 = 0, cw = c), or the 16 or 32 past a layer's last whole block of 64. The
 * block's weights, bias', mult and shift come packed as for 64 channels, its cw channels repeated to fill
 * them (pack_dw_vnni_s8), so the group and output stages are the 64-channel kernel's, and the 64 output
 * bytes are the pixels' outputs in order. A tap's inputs for the pixels: 64 contiguous bytes (cw = c,
 * sw = 1), every other c bytes of 128 (cw = c, sw = 2: one permutation), or one load per pixel inserted
 * into its lanes (cw < c: 16 or 32); a pixel whose tap is outside the input, or past the row's end, reads
 * zp instead. */
static inline __m512i tc_dwv_pixels(const int8_t *src, ptrdiff_t pstride, ptrdiff_t cw)
{
  if (cw == 16)
    return _mm512_inserti32x4(
        _mm512_inserti32x4(_mm512_inserti32x4(_mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)src)),
                                              _mm_loadu_si128((const __m128i *)(src + pstride)), 1),
                           _mm_loadu_si128((const __m128i *)(src + 2 * pstride)), 2),
        _mm_loadu_si128((const __m128i *)(src + 3 * pstride)), 3);
  return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)src)),
                            _mm256_loadu_si256((const __m256i *)(src + pstride)), 1);
}

static void tc_vnni_dwconv_s8_narrow(const tc_conv_s8 *g, ptrdiff_t ch0, ptrdiff_t cw)
{
  const ptrdiff_t c = g->c, P = 64 / cw, ntaps = g->kh * g->kw, ngroups = (ntaps + 3) / 4, sw = g->sw;
  const ptrdiff_t kb = ch0 / 64, pstride = sw * c; /* the packed block; bytes from a pixel's input to the next's */
  const int whole = cw == c;                       /* the pixels' channels contiguous in the input */
  const __m512i flip = _mm512_set1_epi8((char)0x80), zpv = _mm512_set1_epi8((char)g->in_zp);
  const tc_vnni_out out = tc_vnni_out_make(g->act_min, g->act_max, g->out_zp);
  /* cw = c, sw = 2: qword s of pixel p is qword p c / 4 + s of the 128 bytes; the bytes of the pixels */
  __m512i gather;
  __mmask64 chunks = 0;
  int64_t order[8];
  ptrdiff_t off[TC_DWV_TAPS + 3], tky[TC_DWV_TAPS + 3], tkx[TC_DWV_TAPS + 3], b, oy, ox0, t, q, i;
  tc_mbqm16_c rq[4];
  __m512i bias[4];
  if (ntaps > TC_DWV_TAPS || P * cw != 64 || ch0 % 64 || (whole && sw != 1 && sw != 2) || (!whole && cw == 8))
    return; /* the executor rejects such steps; never reached */
  for (q = 0; q < 4; q++) {
    rq[q] = tc_mbqm16_prepare(_mm512_loadu_si512(g->mult + 64 * kb + 16 * q),
                              _mm512_loadu_si512(g->shift + 64 * kb + 16 * q), g->act_min - g->out_zp);
    bias[q] = _mm512_loadu_si512(g->bias + 64 * kb + 16 * q);
  }
  const int fast = tc_dwv_fast(rq);
  for (i = 0; i < 8; i++)
    order[i] = i / (cw / 8) * (cw / 4) + i % (cw / 8);
  gather = _mm512_loadu_si512(order);
  for (i = 0; i < 64; i++)
    if (i % (2 * cw) < cw)
      chunks |= (__mmask64)1 << i;
  for (t = 0; t < 4 * ngroups; t++) { /* tap t: filter row and column, input offset (past the filter: tap
                                         0's, read for nothing: its weights are 0) */
    tky[t] = t < ntaps ? t / g->kw : 0;
    tkx[t] = t < ntaps ? t % g->kw : 0;
    off[t] = (tky[t] * g->dh * g->w_ + tkx[t] * g->dw) * c;
  }
  for (b = 0; b < g->n; b++)
    for (oy = 0; oy < g->oh; oy++) {
      const ptrdiff_t iy0 = oy * g->sh - g->pt;
      const int rows_inside = iy0 >= 0 && iy0 + (g->kh - 1) * g->dh < g->h;
      for (ox0 = 0; ox0 < g->ow; ox0 += P) {
        const ptrdiff_t n = g->ow - ox0 < P ? g->ow - ox0 : P, ix0 = ox0 * sw - g->pl;
        /* pixel ox0's input at tap 0 (may lie outside: then unused) */
        const int8_t *base = g->x + ((b * g->h + iy0) * g->w_ + ix0) * c + ch0;
        const int inside = rows_inside && n == P && ix0 >= 0 && ix0 + (P - 1) * sw + (g->kw - 1) * g->dw < g->w_;
        __m512i a0 = bias[0], a1 = bias[1], a2 = bias[2], a3 = bias[3];
        const int8_t *w = g->w + kb * ngroups * 256;
        int8_t *y = g->y + ((b * g->oh + oy) * g->ow + ox0) * c + ch0;
        ptrdiff_t gi;
        if (inside && whole && sw == 1) /* every tap of every pixel inside: plain loads */
          for (gi = 0; gi < ngroups; gi++, w += 256) {
            const ptrdiff_t *o = off + 4 * gi;
            tc_dwv_group(_mm512_xor_si512(_mm512_loadu_si512(base + o[0]), flip),
                         _mm512_xor_si512(_mm512_loadu_si512(base + o[1]), flip),
                         _mm512_xor_si512(_mm512_loadu_si512(base + o[2]), flip),
                         _mm512_xor_si512(_mm512_loadu_si512(base + o[3]), flip), w, &a0, &a1, &a2, &a3);
          }
        else if (inside && whole)
          for (gi = 0; gi < ngroups; gi++, w += 256) {
            const ptrdiff_t *o = off + 4 * gi;
#define TC_DWV_EVERY_OTHER(k)                                                                                \
  _mm512_xor_si512(_mm512_permutex2var_epi64(_mm512_loadu_si512(base + o[k]), gather,                           \
                                             _mm512_loadu_si512(base + o[k] + 64)),                           \
                   flip)
            tc_dwv_group(TC_DWV_EVERY_OTHER(0), TC_DWV_EVERY_OTHER(1), TC_DWV_EVERY_OTHER(2), TC_DWV_EVERY_OTHER(3),
                         w, &a0, &a1, &a2, &a3);
#undef TC_DWV_EVERY_OTHER
          }
        else if (inside)
          for (gi = 0; gi < ngroups; gi++, w += 256) {
            const ptrdiff_t *o = off + 4 * gi;
#define TC_DWV_INSERTED(k) _mm512_xor_si512(tc_dwv_pixels(base + o[k], pstride, cw), flip)
            tc_dwv_group(TC_DWV_INSERTED(0), TC_DWV_INSERTED(1), TC_DWV_INSERTED(2), TC_DWV_INSERTED(3), w, &a0, &a1,
                         &a2, &a3);
#undef TC_DWV_INSERTED
          }
        else if (whole) { /* at a border: per filter column the pixels whose tap is inside the row, per
                             filter row whether it is inside the input; the others read zp */
          __mmask64 cmA[TC_DWV_TAPS], cmB[TC_DWV_TAPS];
          ptrdiff_t kx;
          for (kx = 0; kx < g->kw; kx++) {
            const ptrdiff_t col0 = ix0 + kx * g->dw, last = g->w_ - 1 - col0;
            ptrdiff_t lo = col0 >= 0 ? 0 : (-col0 + sw - 1) / sw, hi = last < 0 ? 0 : last / sw + 1;
            hi = hi < n ? hi : n;
            lo = lo < hi ? lo : hi;
            if (sw == 1) {
              cmA[kx] = tc_mask64(hi * c) & ~tc_mask64(lo * c);
            } else {
              cmA[kx] = chunks & tc_mask64(2 * c * hi) & ~tc_mask64(2 * c * lo);
              cmB[kx] = chunks & tc_mask64(2 * c * hi - 64) & ~tc_mask64(2 * c * lo - 64);
            }
          }
          for (gi = 0; gi < ngroups; gi++, w += 256) {
            const ptrdiff_t *o = off + 4 * gi;
            const ptrdiff_t *ky = tky + 4 * gi, *kx4 = tkx + 4 * gi;
#define TC_DWV_ROW_OK(k) (iy0 + ky[k] * g->dh >= 0 && iy0 + ky[k] * g->dh < g->h)
#define TC_DWV_MASKED(k)                                                                                      \
  _mm512_xor_si512(                                                                                          \
      sw == 1 ? _mm512_mask_loadu_epi8(zpv, TC_DWV_ROW_OK(k) ? cmA[kx4[k]] : 0, base + o[k])                   \
              : _mm512_permutex2var_epi64(                                                                     \
                    _mm512_mask_loadu_epi8(zpv, TC_DWV_ROW_OK(k) ? cmA[kx4[k]] : 0, base + o[k]), gather,      \
                    _mm512_mask_loadu_epi8(zpv, TC_DWV_ROW_OK(k) ? cmB[kx4[k]] : 0, base + o[k] + 64)),        \
      flip)
            tc_dwv_group(TC_DWV_MASKED(0), TC_DWV_MASKED(1), TC_DWV_MASKED(2), TC_DWV_MASKED(3), w, &a0, &a1, &a2,
                         &a3);
#undef TC_DWV_MASKED
#undef TC_DWV_ROW_OK
          }
        } else /* a border of the channels past the last block: the pixels one at a time */
          for (gi = 0; gi < ngroups; gi++, w += 256) {
            __m512i v[4];
            for (q = 0; q < 4; q++) {
              const ptrdiff_t tt = 4 * gi + q, iy = iy0 + tky[tt] * g->dh, col0 = ix0 + tkx[tt] * g->dw;
              const ptrdiff_t last = g->w_ - 1 - col0;
              ptrdiff_t lo = col0 >= 0 ? 0 : (-col0 + sw - 1) / sw, hi = last < 0 ? 0 : last / sw + 1, pp;
              const int8_t *src = g->x + ((b * g->h + iy) * g->w_ + col0) * c + ch0;
              int8_t lanes[64];
              if (iy < 0 || iy >= g->h)
                hi = 0;
              hi = hi < n ? hi : n;
              memset(lanes, (int8_t)g->in_zp, sizeof lanes);
              for (pp = lo; pp < hi; pp++)
                memcpy(lanes + pp * cw, src + pp * pstride, (size_t)cw);
              v[q] = _mm512_xor_si512(_mm512_loadu_si512(lanes), flip);
            }
            tc_dwv_group(v[0], v[1], v[2], v[3], w, &a0, &a1, &a2, &a3);
          }
        {
          const __m512i v = tc_dwv_out(a0, a1, a2, a3, rq, &out, fast);
          if (whole) {
            _mm512_mask_storeu_epi8(y, tc_mask64(n * c), v);
          } else if (cw == 16) {
            _mm_storeu_si128((__m128i *)y, _mm512_castsi512_si128(v));
            if (n > 1)
              _mm_storeu_si128((__m128i *)(y + c), _mm512_extracti32x4_epi32(v, 1));
            if (n > 2)
              _mm_storeu_si128((__m128i *)(y + 2 * c), _mm512_extracti32x4_epi32(v, 2));
            if (n > 3)
              _mm_storeu_si128((__m128i *)(y + 3 * c), _mm512_extracti32x4_epi32(v, 3));
          } else {
            _mm256_storeu_si256((__m256i *)y, _mm512_castsi512_si256(v));
            if (n > 1)
              _mm256_storeu_si256((__m256i *)(y + c), _mm512_extracti64x4_epi64(v, 1));
          }
        }
      }
    }
}

/* ---- ADD and SUB, 16 lanes ----------------------------------------------------------------------- */

/* tc_add_small on 16 lanes */
typedef struct {
  __m512i mh, ml, c, below, b;
  __m128i s;
  int lin;
} tc_add_small16;

typedef struct {
  __m512i off1, off2, lo, hi, zp;
  __m128i ls;
  tc_mbqm16_c c1, c2, co;
  tc_vnni_out out;
  tc_add_small16 in1, in2; /* with small: the inputs' rescaling in 32-bit lanes */
  __m512i k;            /* ... and the sum of their offsets' shares, off1 mh1 +- off2 mh2 */
  int small;
} tc_add16_c;

static inline tc_add_small16 tc_add_small16_make(const tc_add_small *f)
{
  tc_add_small16 g;
  g.mh = _mm512_set1_epi32(f->mh), g.ml = _mm512_set1_epi32(f->ml), g.c = _mm512_set1_epi32(f->c);
  g.b = _mm512_set1_epi32(f->b), g.below = _mm512_set1_epi32(f->below), g.s = _mm_cvtsi32_si128(f->s);
  g.lin = f->lin;
  return g;
}

TC_DW_INLINE __m512i tc_add_small16_scale(const tc_add_small16 *f, __m512i x)
{
  if (f->lin)
    return _mm512_mullo_epi32(x, f->mh);
  const __m512i t = _mm512_add_epi32(_mm512_mullo_epi32(x, f->ml), f->c);
  return _mm512_add_epi32(_mm512_mullo_epi32(x, f->mh),
                          _mm512_sra_epi32(_mm512_mask_sub_epi32(t, _mm512_cmplt_epi32_mask(x, f->below), t, f->b), f->s));
}

/* es: bytes per element (the 32-bit rescaling of the inputs is for int8 only) */
static inline void tc_add16_prepare(const tc_fast_add_s8 *p, tc_add16_c *k, ptrdiff_t es)
{
  const tc_add_s8_params *q = &p->q;
  k->off1 = _mm512_set1_epi32(q->in1_off), k->off2 = _mm512_set1_epi32(q->in2_off);
  k->ls = _mm_cvtsi32_si128(q->left_shift);
  k->c1 = tc_mbqm16_prepare(_mm512_set1_epi32(q->m1), _mm512_set1_epi32(tc_shift_of(q->l1, q->r1)), INT32_MIN);
  k->c2 = tc_mbqm16_prepare(_mm512_set1_epi32(q->m2), _mm512_set1_epi32(tc_shift_of(q->l2, q->r2)), INT32_MIN);
  k->co = tc_mbqm16_prepare(_mm512_set1_epi32(q->mo), _mm512_set1_epi32(tc_shift_of(q->lo, q->ro)),
                            q->act_min - q->out_off);
  k->lo = _mm512_set1_epi32(q->act_min - q->out_off), k->hi = _mm512_set1_epi32(q->act_max - q->out_off);
  k->zp = _mm512_set1_epi32(q->out_off);
  k->out = tc_vnni_out_make(q->act_min, q->act_max, q->out_off);
  {
    tc_add_small f1 = {0}, f2 = {0};
    int32_t sum = 0;
    k->small = es == 1 && tc_add_small_both(p, &f1, &f2, &sum);
    k->in1 = tc_add_small16_make(&f1), k->in2 = tc_add_small16_make(&f2);
    k->k = _mm512_set1_epi32(sum);
  }
}

/* tc_add1 on 16 lanes of widened inputs, before the output's zero point and clamp */
TC_DW_INLINE __m512i tc_add16_raw(const tc_add16_c *k, __m512i x1, __m512i x2, int sub)
{
  x1 = tc_mbqm16_any(_mm512_sll_epi32(_mm512_add_epi32(x1, k->off1), k->ls), &k->c1);
  x2 = tc_mbqm16_any(_mm512_sll_epi32(_mm512_add_epi32(x2, k->off2), k->ls), &k->c2);
  return tc_mbqm16_any(sub ? _mm512_sub_epi32(x1, x2) : _mm512_add_epi32(x1, x2), &k->co);
}

/* the same for int8 inputs (widened) by tc_add_small16 (k->small) */
TC_DW_INLINE __m512i tc_add16_raw_small(const tc_add16_c *k, __m512i x1, __m512i x2, int sub)
{
  x1 = tc_add_small16_scale(&k->in1, x1);
  x2 = tc_add_small16_scale(&k->in2, x2);
  return tc_mbqm16_any(_mm512_add_epi32(sub ? _mm512_sub_epi32(x1, x2) : _mm512_add_epi32(x1, x2), k->k), &k->co);
}

/* ... clamped, the zero point added */
TC_DW_INLINE __m512i tc_add16(const tc_add16_c *k, __m512i x1, __m512i x2, int sub)
{
  return _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(tc_add16_raw(k, x1, x2, sub), k->lo), k->hi), k->zp);
}

#define TC_ADD_RAW(RAW, j) RAW(k, _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(a + i + 16 * (j)))),           \
                                _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(b + i + 16 * (j)))), p->sub)
#define TC_ADD_RAW64(RAW)                                                                                      \
  _mm512_storeu_si512(y + i, tc_vnni_pack64(TC_ADD_RAW(RAW, 0), TC_ADD_RAW(RAW, 1), TC_ADD_RAW(RAW, 2),          \
                                            TC_ADD_RAW(RAW, 3), &k->out))

/* int8: 64 elements at a time through the four-vector output stage, then 16 at a time; y may be a or b
   (each vector is read before it is written) */
static ptrdiff_t tc_add_s8_vec16(const tc_fast_add_s8 *p, const int8_t *a, const int8_t *b, int8_t *y, ptrdiff_t n)
{
  const tc_add16_c *k = (const tc_add16_c *)p->pre;
  ptrdiff_t i = 0;
  if (k->small)
    for (; i + 64 <= n; i += 64)
      TC_ADD_RAW64(tc_add16_raw_small);
  else
    for (; i + 64 <= n; i += 64)
      TC_ADD_RAW64(tc_add16_raw);
  for (; i < n; i += 16) {
    const __mmask16 keep = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1u);
    __m512i v = tc_add16(k, _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(keep, a + i)),
                         _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(keep, b + i)), p->sub);
    _mm_mask_storeu_epi8(y + i, keep, _mm512_cvtepi32_epi8(v));
  }
  return n;
}

/* n contiguous elements of type T, widened by WIDEN from a LOAD under a mask, narrowed by NARROW to
   a STORE under it; y may be a or b (each vector is read before it is written) */
#define TC_ADD_VEC16(name, T, LOAD, WIDEN, NARROW, STORE)                                                    \
  static ptrdiff_t name(const tc_fast_add_s8 *p, const T *a, const T *b, T *y, ptrdiff_t n)                   \
  {                                                                                                          \
    const tc_add16_c *k = (const tc_add16_c *)p->pre;                                                        \
    ptrdiff_t i;                                                                                             \
    for (i = 0; i < n; i += 16) {                                                                            \
      const __mmask16 keep = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1u);            \
      __m512i v = tc_add16(k, WIDEN(LOAD(keep, a + i)), WIDEN(LOAD(keep, b + i)), p->sub);                    \
      STORE(y + i, keep, NARROW(v));                                                                         \
    }                                                                                                        \
    return n;                                                                                                \
  }
TC_ADD_VEC16(tc_add_s16_vec16, int16_t, _mm256_maskz_loadu_epi16, _mm512_cvtepi16_epi32, _mm512_cvtepi32_epi16,
             _mm256_mask_storeu_epi16)

TC_ADD_RUN(tc_add_s8_run16, int8_t, tc_add_s8_vec16)

/* int8 ADD by its exact linear form (add_s8's lin_*, ops.elementwise.add_linear): each output lane holds
 * its pair (a, b) as two int16, so that vpdpwssd makes a a0 + b b0 and a a1 + b b1 in one instruction each:
 *     t = (c0 + a a0 + b b0) >> 15,   y = (t + a a1 + b b1 + c1) >> shift
 * then the clamp. */
typedef struct {
  __m512i w0, w1, c0, c1, lo8, hi8;
  __m128i shift;
} tc_add_lin16;

/* the 8-lane constants (tc_add_lin8_prepare), each the same in every lane, widened */
static inline void tc_add_lin16_prepare(const int32_t *ip, tc_add_lin16 *k)
{
  tc_add_lin8 h;
  tc_add_lin8_prepare(ip, &h);
  k->w0 = _mm512_broadcast_i64x4(h.w0), k->w1 = _mm512_broadcast_i64x4(h.w1);
  k->c0 = _mm512_broadcast_i64x4(h.c0), k->c1 = _mm512_broadcast_i64x4(h.c1);
  k->lo8 = _mm512_broadcast_i64x4(h.lo8), k->hi8 = _mm512_broadcast_i64x4(h.hi8);
  k->shift = h.shift;
}

/* 16 pairs (a in the low int16 of each lane, b in the high) -> 16 outputs, not yet clamped */
TC_DW_INLINE __m512i tc_add_lin16_out(const tc_add_lin16 *k, __m512i x)
{
  const __m512i t = _mm512_srai_epi32(_mm512_dpwssd_epi32(k->c0, x, k->w0), 15);
  return _mm512_sra_epi32(_mm512_add_epi32(_mm512_dpwssd_epi32(t, x, k->w1), k->c1), k->shift);
}

/* n contiguous elements, 64 at a time (the last ones under a mask); y may be a or b (each 64 read
   before they are written) */
static ptrdiff_t tc_add_s8_lin_vec16(const tc_fast_add_s8 *p, const int8_t *a, const int8_t *b, int8_t *y,
                                     ptrdiff_t n)
{
  const tc_add_lin16 *k = (const tc_add_lin16 *)p->pre;
  const __m512i order = _mm512_set_epi64(7, 5, 3, 1, 6, 4, 2, 0);
  ptrdiff_t i;
  for (i = 0; i < n; i += 64) {
    const __mmask64 keep = tc_mask64(n - i);
    const int whole = n - i >= 64; /* (masked loads and stores cost more) */
    const __m512i va = whole ? _mm512_loadu_si512(a + i) : _mm512_maskz_loadu_epi8(keep, a + i);
    const __m512i vb = whole ? _mm512_loadu_si512(b + i) : _mm512_maskz_loadu_epi8(keep, b + i);
    /* elements 0..31 (a0, b0) and 32..63 (a1, b1) as int16; the pairs unpacked within 128-bit lanes: the
       low unpack holds elements 8L..8L+3 of lane L, the high one 8L+4..8L+7 */
    const __m512i a0 = _mm512_cvtepi8_epi16(_mm512_castsi512_si256(va)), b0 = _mm512_cvtepi8_epi16(_mm512_castsi512_si256(vb));
    const __m512i a1 = _mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(va, 1));
    const __m512i b1 = _mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(vb, 1));
    const __m512i y0 = _mm512_packs_epi32(tc_add_lin16_out(k, _mm512_unpacklo_epi16(a0, b0)),
                                          tc_add_lin16_out(k, _mm512_unpackhi_epi16(a0, b0))); /* 0..31 in order */
    const __m512i y1 = _mm512_packs_epi32(tc_add_lin16_out(k, _mm512_unpacklo_epi16(a1, b1)),
                                          tc_add_lin16_out(k, _mm512_unpackhi_epi16(a1, b1))); /* 32..63 */
    /* lane L of the bytes: 8L..8L+7, then 32+8L..32+8L+7; the permutation puts the qwords in order */
    __m512i v = _mm512_permutexvar_epi64(order, _mm512_packs_epi16(y0, y1));
    v = _mm512_min_epi8(_mm512_max_epi8(v, k->lo8), k->hi8);
    if (whole)
      _mm512_storeu_si512(y + i, v);
    else
      _mm512_mask_storeu_epi8(y + i, keep, v);
  }
  return n;
}
TC_ADD_RUN(tc_add_s8_lin_run16, int8_t, tc_add_s8_lin_vec16)
TC_ADD_RUN(tc_add_s16_run16, int16_t, tc_add_s16_vec16)

#endif /* TINYCC_X86_VNNI_H */
