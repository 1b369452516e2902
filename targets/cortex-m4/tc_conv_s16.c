/* tinycc Armv7E-M DSP kernel (Cortex-M4, M7, M33): conv_s16 (16x8: int16 NHWC activations with
 * zero point 0, int8 weights, per-channel requantization of an int64 or int32 accumulator, as
 * TFLite Micro's int16 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED; bit-exact with the portable
 * generic/tc_conv_s16.h).
 *
 * Convolutions and fully connected layers (dm 0): the GEMM of conv2d_s8 (tc_dsp.h). Output pixels
 * two at a time (over all n * oh * ow, so a fully connected layer's batches pair up): each one's
 * receptive field copied as it is (int16 already: no widening, no zero point) into an interleaved
 * GEMM row in scratch (tc_dsp_conv_rows, 0 for a tap outside the image), then per pair of output
 * channels the SMLAD loops of tc_dsp_dot_2x2 (tc_dsp_dot_1x2 for a pixel left over) over the
 * weights packed by prepare_m4_gemm. |x * w| <= 2^22, so the int32 sums are exact over chunks of
 * TC_M4S16_CHUNK groups of 4 products, summed in int64. Scratch: two rows of Kp int16.
 *
 * Depthwise (dm >= 1): with dm 1 and at most 256 taps inside the image (exact int32 sums), 4
 * channels a pass: per tap one word of 4 int8 weights (SXTB16, SXTB16 ROR 8: lanes w0 w2, w1 w3),
 * two words of input, SMLABB / SMLATB / SMLABT / SMLATT into 4 accumulators. The other channels
 * (oc % 4, every channel when dm > 1 or the window is larger) take a scalar int64 loop.
 *
 * Requantization, per channel a record of TC_M4S16_RQ words prepared at compile time
 * (tinycc/backend_c.py, prepare_m4_conv_s16; the mult and shift buffers then unused):
 *   wide (int64 accumulator, TFLite's 64-bit MultiplyByQuantizedMultiplier: the multiplier reduced
 *   to 15 bits, red, one rounding shift by total = 15 - shift, 1..62): with up = max(32 - total, 0),
 *   K = ((bias * red + 2^(total - 1)) << up) and M = red << up (mod 2^64): K's low and high words,
 *   M's low word, then max(total - 32, 0) | M's high word << 8. The result, the low word of
 *   ((acc + bias) * red + 2^(total - 1)) >> total, is the high word of acc * M + K (mod 2^64: UMLAL
 *   and two MLA) shifted right by that count (ASR by register takes the low byte): for total <= 32
 *   the shift by up brings bits total..total + 31 into the high word, for total > 32 the high word
 *   holds them from bit total - 32 on. An int32 sum and M within int32 (every channel: the flag
 *   TC_M4S16_FAST): one SMLAL;
 *   narrow (int32 accumulator and bias): bias, 0, mult, right shift | left shift << 8 (tc_mbqm). */
#include "tc_dsp.h"

/* tc_dsp_conv reads conv_s16's geometry by conv2d_s8's indices */
TC_SAME_IP(CONV2D_S8, CONV_S16, H);
TC_SAME_IP(CONV2D_S8, CONV_S16, W);
TC_SAME_IP(CONV2D_S8, CONV_S16, C);
TC_SAME_IP(CONV2D_S8, CONV_S16, OH);
TC_SAME_IP(CONV2D_S8, CONV_S16, OW);
TC_SAME_IP(CONV2D_S8, CONV_S16, KH);
TC_SAME_IP(CONV2D_S8, CONV_S16, KW);
TC_SAME_IP(CONV2D_S8, CONV_S16, SH);
TC_SAME_IP(CONV2D_S8, CONV_S16, SW);
TC_SAME_IP(CONV2D_S8, CONV_S16, DH);
TC_SAME_IP(CONV2D_S8, CONV_S16, DW);
TC_SAME_IP(CONV2D_S8, CONV_S16, PT);
TC_SAME_IP(CONV2D_S8, CONV_S16, PL);

#define TC_M4S16_RQ 4       /* requantization words per output channel */
#define TC_M4S16_CHUNK 126  /* groups of 4 products summed in int32: 504 * 2^22 < 2^31 */
#define TC_M4S16_FAST 1     /* flags: wide, and every channel's M within int32 */

typedef struct {
  const int32_t *rq; /* the channels' records */
  int32_t flags, wide, act_min, act_max;
  uint32_t min2, max2; /* act_min, act_max in both halfwords */
} tc_m4s16_q;

/* An output from its accumulator (bias not added) and its channel's record r. */
static inline int16_t tc_m4s16_out(int64_t acc, const int32_t *r, const tc_m4s16_q *q)
{
  const int32_t sh = r[3] & 0xFF, up = tc_asr32(r[3], 8);
  int32_t v;
  if (q->wide) {
    const uint32_t lo = (uint32_t)acc, hi = (uint32_t)((uint64_t)acc >> 32), m = (uint32_t)r[2];
    const uint64_t t = ((uint64_t)(uint32_t)r[1] << 32 | (uint32_t)r[0]) + (uint64_t)lo * m;
    v = tc_asr32(tc_s32((uint32_t)(t >> 32) + hi * m + lo * (uint32_t)up), sh);
  } else {
    v = tc_mbqm(tc_s32((uint32_t)acc + (uint32_t)r[0]), r[2], up, sh);
  }
  return (int16_t)tc_clamp32(v, q->act_min, q->act_max);
}

/* The same for an int32 accumulator; fast (TC_M4S16_FAST): the high word of SMLAL onto K, shifted,
   not yet clamped. */
static inline __attribute__((always_inline)) int32_t tc_m4s16_fast(int32_t acc, const int32_t *r)
{
  int32_t lo, hi, m, sh;
  __asm__("ldrd %[lo], %[hi], [%[r]]\n\t"
          "ldrd %[m], %[sh], [%[r], #8]\n\t"
          "smlal %[lo], %[hi], %[a], %[m]\n\t"
          "asr %[hi], %[hi], %[sh]"
          : [lo] "=&r"(lo), [hi] "=&r"(hi), [m] "=&r"(m), [sh] "=&r"(sh)
          : [a] "r"(acc), [r] "r"(r), "m"(*(const int32_t(*)[4])r));
  return hi;
}

/* Two adjacent outputs yp[0], yp[1] of int32 accumulators a, b (records r, r + TC_M4S16_RQ): with
   TC_M4S16_FAST both at once, saturated to int16 (SSAT), packed and clamped together (SSUB16, SEL),
   stored as one word. */
static inline __attribute__((always_inline)) void tc_m4s16_out2(int16_t *yp, int32_t a, int32_t b, const int32_t *r,
                                                                const tc_m4s16_q *q, const int fast)
{
  uint32_t v;
  if (!fast) {
    yp[0] = tc_m4s16_out(a, r, q);
    yp[1] = tc_m4s16_out(b, r + TC_M4S16_RQ, q);
    return;
  }
  v = tc_dsp_pkhbt((uint32_t)__ssat(tc_m4s16_fast(a, r), 16), (uint32_t)__ssat(tc_m4s16_fast(b, r + TC_M4S16_RQ), 16));
  (void)__ssub16((int32_t)v, (int32_t)q->min2); /* GE: v >= act_min */
  v = __sel(v, q->min2);
  (void)__ssub16((int32_t)v, (int32_t)q->max2); /* GE: v >= act_max */
  v = __sel(q->max2, v);
  memcpy(yp, &v, 4);
}

/* One output of an int32 accumulator. */
static inline __attribute__((always_inline)) int16_t tc_m4s16_out32(int32_t acc, const int32_t *r,
                                                                   const tc_m4s16_q *q, const int fast)
{
  return fast ? (int16_t)tc_clamp32(tc_m4s16_fast(acc, r), q->act_min, q->act_max) : tc_m4s16_out(acc, r, q);
}

/* The GEMM rows (two interleaved, stride 4, or one) times the packed weights: y0[o] (and y1[o]) for
   every output channel o < oc. fast: TC_M4S16_FAST and kq <= TC_M4S16_CHUNK (one int32 sum). */
static inline __attribute__((always_inline)) void tc_m4s16_gemm_k(const tc_dsp_row *rows, int32_t kq, const int8_t *w,
                                                                  int32_t oc, int16_t *y0, int16_t *y1,
                                                                  const tc_m4s16_q *q, const int fast)
{
  const tc_dsp_word *wp = (const tc_dsp_word *)(const void *)w;
  const int32_t *r = q->rq;
  int32_t o, g, n;
  for (o = 0; o < oc; o += 2, r += 2 * TC_M4S16_RQ) {
    int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0; /* channel o (o + 1) of row 0 (1), this chunk */
    int64_t a00 = 0, a01 = 0, a10 = 0, a11 = 0; /* the chunks before */
    for (g = 0;; s00 = s01 = s10 = s11 = 0) {
      n = fast || kq - g < TC_M4S16_CHUNK ? kq - g : TC_M4S16_CHUNK;
      if (rows->stride == 4)
        tc_dsp_dot_2x2(rows->base + 4 * g, n, &wp, &s00, &s01, &s10, &s11);
      else
        tc_dsp_dot_1x2(rows->base + 2 * g, n, &wp, &s00, &s10);
      if (fast || (g += n) >= kq)
        break;
      a00 += s00, a01 += s01, a10 += s10, a11 += s11;
    }
    if (fast && o + 1 < oc) {
      tc_m4s16_out2(y0 + o, s00, s10, r, q, 1);
      if (rows->stride == 4)
        tc_m4s16_out2(y1 + o, s01, s11, r, q, 1);
    } else if (fast) {
      y0[o] = tc_m4s16_out32(s00, r, q, 1);
      if (rows->stride == 4)
        y1[o] = tc_m4s16_out32(s01, r, q, 1);
    } else {
      y0[o] = tc_m4s16_out(a00 + s00, r, q);
      if (rows->stride == 4)
        y1[o] = tc_m4s16_out(a01 + s01, r, q);
      if (o + 1 < oc) {
        y0[o + 1] = tc_m4s16_out(a10 + s10, r + TC_M4S16_RQ, q);
        if (rows->stride == 4)
          y1[o + 1] = tc_m4s16_out(a11 + s11, r + TC_M4S16_RQ, q);
      }
    }
  }
}

static void tc_m4s16_gemm(const tc_dsp_row *rows, int32_t kq, const int8_t *w, int32_t oc, int16_t *y0, int16_t *y1,
                          const tc_m4s16_q *q)
{
  if ((q->flags & TC_M4S16_FAST) && kq <= TC_M4S16_CHUNK)
    tc_m4s16_gemm_k(rows, kq, w, oc, y0, y1, q, 1);
  else
    tc_m4s16_gemm_k(rows, kq, w, oc, y0, y1, q, 0);
}

/* A depthwise output pixel's window inside the image (dm 1): nky rows of nkx >= 1 taps, taps xstep
   bytes apart in the input and oc bytes in the weights; from a row's end to the next row's start
   xjump bytes in the input and wjump in the weights. */
typedef struct {
  int32_t xjump, wjump, nkx, nky, xstep, oc;
} tc_m4s16_win;

/* Depthwise with dm 1 and nky * nkx <= 256 (exact int32 sums), one output pixel, channels 4 at a time
   (o < oc & ~3) from x0 (the window's first input pixel) and w0 (its weights). A function of its own:
   few registers live around the asm. */
static __attribute__((noinline)) void tc_m4s16_dw4(const int16_t *x0, const int8_t *w0, const tc_m4s16_win *win,
                                                   int16_t *yp, const tc_m4s16_q *qp)
{
  const tc_m4s16_q lq = *qp, *const q = &lq; /* a copy the asm ("memory") cannot change */
  int32_t o;
  for (o = 0; o + 4 <= win->oc; o += 4) {
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, k = win->nkx, ky = win->nky;
    const int8_t *xp = (const int8_t *)(x0 + o), *wq = w0 + o;
    ptrdiff_t xs = win->xstep, ws = win->oc;
    uint32_t wv, t, xv;
#ifdef __OPTIMIZE__ /* 14 registers: x0 x1 and then x2 x3 in one (-O0 keeps a frame pointer: C) */
    __asm__("1:\n\t"
            "ldr %[wv], [%[wq]]\n\t"
            "ldr %[xv], [%[xp]]\n\t"
            "add %[wq], %[wq], %[ws]\n\t"
            "sxtb16 %[t], %[wv]\n\t"
            "sxtb16 %[wv], %[wv], ror #8\n\t"
            "smlabb %[a0], %[xv], %[t], %[a0]\n\t"
            "smlatb %[a1], %[xv], %[wv], %[a1]\n\t"
            "ldr %[xv], [%[xp], #4]\n\t"
            "add %[xp], %[xp], %[xs]\n\t"
            "smlabt %[a2], %[xv], %[t], %[a2]\n\t"
            "smlatt %[a3], %[xv], %[wv], %[a3]\n\t"
            "subs %[k], %[k], #1\n\t"
            "bne 1b\n\t"
            "ldrd %[wv], %[t], [%[win]]\n\t"
            "add %[xp], %[xp], %[wv]\n\t"
            "add %[wq], %[wq], %[t]\n\t"
            "ldr %[k], [%[win], #8]\n\t"
            "subs %[ky], %[ky], #1\n\t"
            "bne 1b"
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [xp] "+r"(xp), [wq] "+r"(wq), [k] "+r"(k),
              [ky] "+r"(ky), [xs] "+r"(xs), [ws] "+r"(ws), [wv] "=&r"(wv), [t] "=&r"(t), [xv] "=&r"(xv)
            : [win] "r"(win)
            : "cc", "memory");
#else
    for (; ky > 0; ky--, xp += win->xjump, wq += win->wjump)
      for (k = win->nkx; k > 0; k--, xp += xs, wq += ws) {
        wv = tc_dsp_load32(wq), t = __sxtb16(wv), wv = tc_dsp_sxtb16_ror8(wv), xv = tc_dsp_load32(xp);
        a0 = __smlabb((int32_t)xv, (int32_t)t, a0), a1 = __smlatb((int32_t)xv, (int32_t)wv, a1);
        xv = tc_dsp_load32(xp + 4);
        a2 = __smlabt((int32_t)xv, (int32_t)t, a2), a3 = __smlatt((int32_t)xv, (int32_t)wv, a3);
      }
#endif
    if (q->flags & TC_M4S16_FAST) {
      tc_m4s16_out2(yp + o, a0, a1, q->rq + o * TC_M4S16_RQ, q, 1);
      tc_m4s16_out2(yp + o + 2, a2, a3, q->rq + (o + 2) * TC_M4S16_RQ, q, 1);
    } else {
      tc_m4s16_out2(yp + o, a0, a1, q->rq + o * TC_M4S16_RQ, q, 0);
      tc_m4s16_out2(yp + o + 2, a2, a3, q->rq + (o + 2) * TC_M4S16_RQ, q, 0);
    }
  }
}

/* Depthwise: w int8 [kh][kw][oc] as the model has it. */
static void tc_m4s16_dw(void *const *buf, const int32_t *ip, const tc_m4s16_q *q)
{
  const int16_t *const x = (const int16_t *)buf[TCB_CONV_S16_IN];
  int16_t *const y = (int16_t *)buf[TCB_CONV_S16_OUT];
  const int8_t *const w = (const int8_t *)buf[TCB_CONV_S16_W];
  const ptrdiff_t h = ip[TCP_CONV_S16_H], wd = ip[TCP_CONV_S16_W], c = ip[TCP_CONV_S16_C], oc = ip[TCP_CONV_S16_OC];
  const int32_t n = ip[TCP_CONV_S16_N], oh = ip[TCP_CONV_S16_OH], ow = ip[TCP_CONV_S16_OW], kh = ip[TCP_CONV_S16_KH],
                kw = ip[TCP_CONV_S16_KW], dh = ip[TCP_CONV_S16_DH], dw = ip[TCP_CONV_S16_DW], dm = ip[TCP_CONV_S16_DM];
  const ptrdiff_t ystep = (ptrdiff_t)((int64_t)dh * wd * c), xstep = (ptrdiff_t)dw * c;
  int32_t b, oy, ox, ky, kx;
  int16_t *yp = y;
  for (b = 0; b < n; b++)
    for (oy = 0; oy < oh; oy++)
      for (ox = 0; ox < ow; ox++, yp += oc) {
        const int64_t iy0 = (int64_t)oy * ip[TCP_CONV_S16_SH] - ip[TCP_CONV_S16_PT];
        const int64_t ix0 = (int64_t)ox * ip[TCP_CONV_S16_SW] - ip[TCP_CONV_S16_PL];
        int32_t ky0, ky1, kx0, kx1;
        const int16_t *x0 = x; /* the first tap inside the image, when there is one */
        ptrdiff_t o = 0;
        tc_tap_range(iy0, dh, kh, (int32_t)h, &ky0, &ky1);
        tc_tap_range(ix0, dw, kw, (int32_t)wd, &kx0, &kx1);
        if (kx1 <= kx0)
          ky1 = ky0; /* no column inside the image: no tap */
        if (ky0 < ky1)
          x0 = x + ((b * h + (ptrdiff_t)(iy0 + (int64_t)ky0 * dh)) * wd + (ptrdiff_t)(ix0 + (int64_t)kx0 * dw)) * c;
        if (dm == 1 && ky0 < ky1 && (int64_t)(ky1 - ky0) * (kx1 - kx0) <= 256) {
          const int32_t nkx = kx1 - kx0;
          const tc_m4s16_win win = {(int32_t)((ystep - nkx * xstep) * 2), (int32_t)((kw - nkx) * oc), nkx, ky1 - ky0,
                                    (int32_t)(xstep * 2), (int32_t)oc};
          tc_m4s16_dw4(x0, w + ((ptrdiff_t)ky0 * kw + kx0) * oc, &win, yp, q);
          o = oc & ~3;
        }
        for (; o < oc; o++) {
          int64_t acc = 0;
          for (ky = ky0; ky < ky1; ky++) {
            const int16_t *const xc = x0 + (ky - ky0) * ystep + o / dm;
            const int8_t *const wr = w + ((ptrdiff_t)ky * kw + kx0) * oc + o;
            for (kx = 0; kx < kx1 - kx0; kx++)
              acc += (int32_t)xc[kx * xstep] * wr[(ptrdiff_t)kx * oc];
          }
          yp[o] = tc_m4s16_out(acc, q->rq + o * TC_M4S16_RQ, q);
        }
      }
}

void tc_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int32_t *const rq = (const int32_t *)buf[TCB_CONV_S16_BIAS]; /* flags, 0, the records */
  const int32_t act_min = ip[TCP_CONV_S16_ACT_MIN], act_max = ip[TCP_CONV_S16_ACT_MAX];
  const tc_m4s16_q q = {rq + 2, rq[0], ip[TCP_CONV_S16_WIDE], act_min, act_max,
                        (uint32_t)(act_min & 0xFFFF) * 0x10001u, (uint32_t)(act_max & 0xFFFF) * 0x10001u};
  const int32_t oc = ip[TCP_CONV_S16_OC];
  const int32_t npix = ip[TCP_CONV_S16_N] * ip[TCP_CONV_S16_OH] * ip[TCP_CONV_S16_OW];
  int16_t *const y = (int16_t *)buf[TCB_CONV_S16_OUT];
  tc_dsp_conv g;
  int32_t p;
  (void)fp;
  if (ip[TCP_CONV_S16_DM] != 0) {
    tc_m4s16_dw(buf, ip, &q);
    return;
  }
  tc_dsp_conv_init(&g, buf[TCB_CONV_S16_IN], ip, 0);
  for (p = 0; p < npix; p += 2) {
    const tc_dsp_row rows = tc_dsp_conv_rows(&g, scratch, p, npix, 2);
    tc_m4s16_gemm(&rows, g.kp >> 2, (const int8_t *)buf[TCB_CONV_S16_W], oc, y + (ptrdiff_t)p * oc,
                  y + (ptrdiff_t)(p + 1) * oc, &q);
  }
}
