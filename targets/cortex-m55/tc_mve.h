/* tinycc Cortex-M55 (Helium / MVE) kernels: shared static inline helpers (header only).
 *
 * Constants prepared at compile time (tinycc/backend_c.py, class CortexM55):
 *  - the input zero point is folded into the bias (bias[o] - in_zp * sum w[o]): the kernels sum
 *    x * w directly and count a tap outside the image as x = in_zp;
 *  - conv2d_s8 / fc_s8 (prepare_m55_gemm): weights packed for tc_mve_gemm_row, output channels
 *    in blocks of 4, the reduction depth K padded with zeros to a multiple of 16, each 16-byte
 *    chunk of the 4 rows stored together ([oc/4][K/16][4][16]);
 *  - the bias buffer carries all the per-channel parameters (the mult and shift buffers are then
 *    unused): conv2d_s8 / fc_s8 per block of 4 channels bias[4] mult[4] left[4] right[4]
 *    (TFLite's shift split into a left count >= 0 and a right count <= 0); dwconv2d_s8 the same
 *    per group of 8 channels, even channels then odd ones (prepare_m55_dw).
 *
 * Requantization is TFLite's double-rounding MultiplyByQuantizedMultiplier, bit for bit:
 * wrapping left shift, vqrdmulh (= SaturatingRoundingDoublingHighMul), then a rounding right
 * shift with the fixup that turns vrshl's round-half-up into round-half-away-from-zero.
 */
#ifndef TC_MVE_H
#define TC_MVE_H

#include <arm_mve.h>

#include "tc_internal.h"

/* Per-layer requantization constants (broadcast once per call). */
typedef struct {
  int32x4_t lo, hi; /* act_min - out_zp, act_max - out_zp */
  int32_t out_zp;
} tc_mve_q;

static inline void tc_mve_q_init(tc_mve_q *q, int32_t out_zp, int32_t act_min, int32_t act_max)
{
  q->lo = vdupq_n_s32(act_min - out_zp);
  q->hi = vdupq_n_s32(act_max - out_zp);
  q->out_zp = out_zp;
}

/* MultiplyByQuantizedMultiplier on 4 lanes with TFLite's shift pre-split into left (>= 0) and
   right (<= 0, a right shift for vrshl) counts, then clamp and the output zero point (the clamp
   comes first, so nothing overflows). */
static inline int32x4_t tc_mve_requant(int32x4_t acc, int32x4_t mult, int32x4_t left, int32x4_t right,
                                       const tc_mve_q *q)
{
  int32x4_t v = vqrdmulhq_s32(vshlq_s32(acc, left), mult);
  /* -1 where v < 0 and a right shift follows: vrshl then rounds half away from zero */
  v = vqaddq_s32(v, vshrq_n_s32(vandq_s32(v, right), 31));
  v = vrshlq_s32(v, right);
  v = vminq_s32(vmaxq_s32(v, q->lo), q->hi);
  return vaddq_n_s32(v, q->out_zp);
}

/* The int32x4 {a, b, c, d} in two instructions. */
static inline int32x4_t tc_mve_lanes(int32_t a, int32_t b, int32_t c, int32_t d)
{
  int32x4_t v;
  __asm__("vmov %q0[2], %q0[0], %1, %2" : "=w"(v) : "r"(a), "r"(c));
  __asm__("vmov %q0[3], %q0[1], %1, %2" : "+w"(v) : "r"(b), "r"(d));
  return v;
}

/* a0..a3 += the dot products of n >= 1 whole 16-byte chunks of x with the 4 weight rows packed
   at w (64 bytes per chunk); advances x and w past them. A low-overhead loop in one asm
   statement: GCC 12 would spill around the intrinsics; vmladava accumulates in even registers
   ("Te"). */
#define TC_MVE_CHUNKS4(X, W, N, A0, A1, A2, A3)                                                     \
  do {                                                                                              \
    register uint32_t lr_ __asm__("lr") = (uint32_t)(N);                                            \
    int8x16_t t0_, t1_;                                                                             \
    __asm__("dls lr, lr\n"                                                                          \
            "1:\n\t"                                                                                \
            "vldrb.8 %q6, [%4], #16\n\t"                                                            \
            "vldrb.8 %q7, [%5], #64\n\t"                                                            \
            "vmladava.s8 %0, %q6, %q7\n\t"                                                          \
            "vldrb.8 %q7, [%5, #-48]\n\t"                                                           \
            "vmladava.s8 %1, %q6, %q7\n\t"                                                          \
            "vldrb.8 %q7, [%5, #-32]\n\t"                                                           \
            "vmladava.s8 %2, %q6, %q7\n\t"                                                          \
            "vldrb.8 %q7, [%5, #-16]\n\t"                                                           \
            "vmladava.s8 %3, %q6, %q7\n\t"                                                          \
            "le lr, 1b"                                                                             \
            : "+Te"(A0), "+Te"(A1), "+Te"(A2), "+Te"(A3), "+l"(X), "+l"(W), "=&w"(t0_), "=&w"(t1_), \
              "+r"(lr_)                                                                             \
            :                                                                                       \
            : "memory");                                                                            \
  } while (0)

/* One input row x[0..K) against every output channel: y[o] = requant(bias[o] + sum_k x[k] *
   w[o][k]) for o in [0, oc). wp: the packed weights, rq: the packed requantization parameters
   (prepare_m55_gemm; per block of 4 channels bias[4] mult[4] left[4] right[4]). Reads x[0..K)
   only; writes y[0..oc) only. */
static inline void tc_mve_gemm_row(const int8_t *x, int32_t K, const int8_t *wp, const int32_t *rq, int32_t oc,
                                   int8_t *y, const tc_mve_q *q)
{
  const int32_t nfull = K >> 4, rem = K & 15; /* whole chunks; bytes in the last, partial one */
  /* the partial chunk: x zeroed past K (and not read there); the weights are zero-padded */
  const int8x16_t xt = vldrbq_z_s8(x + 16 * nfull, vctp8q((uint32_t)rem));
  int32_t o;
  for (o = 0; o < oc; o += 4, rq += 16) {
    int32_t a0 = rq[0], a1 = rq[1], a2 = rq[2], a3 = rq[3];
    int32x4_t acc;
    if (nfull > 0) {
      const int8_t *xp = x;
      TC_MVE_CHUNKS4(xp, wp, nfull, a0, a1, a2, a3);
    }
    if (rem) {
      a0 = vmladavaq_s8(a0, xt, vldrbq_s8(wp));
      a1 = vmladavaq_s8(a1, xt, vldrbq_s8(wp + 16));
      a2 = vmladavaq_s8(a2, xt, vldrbq_s8(wp + 32));
      a3 = vmladavaq_s8(a3, xt, vldrbq_s8(wp + 48));
      wp += 64;
    }
    acc = tc_mve_requant(tc_mve_lanes(a0, a1, a2, a3), vldrwq_s32(rq + 4), vldrwq_s32(rq + 8),
                         vldrwq_s32(rq + 12), q);
    vstrbq_p_s32(y + o, acc, vctp32q((uint32_t)(oc - o)));
  }
}

/* d[0..n) = s[0..n) (no overlap); reads and writes nothing else. */
static inline void tc_mve_copy(int8_t *d, const int8_t *s, int32_t n)
{
  while (n > 0) {
    const mve_pred16_t p = vctp8q((uint32_t)n);
    vstrbq_p_s8(d, vldrbq_z_s8(s, p), p);
    d += 16;
    s += 16;
    n -= 16;
  }
}

/* d[0..n) = v. */
static inline void tc_mve_fill(int8_t *d, int8x16_t v, int32_t n)
{
  while (n > 0) {
    vstrbq_p_s8(d, v, vctp8q((uint32_t)n));
    d += 16;
    n -= 16;
  }
}

#endif /* TC_MVE_H */
