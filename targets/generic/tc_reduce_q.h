/* tinycc portable kernels: the quantized reductions shared by reduce_s8 and reduce_s16 (included by
   their files only): MEAN, SUM, REDUCE_MAX, REDUCE_MIN with the input seen as up to 3 kept and 3
   reduced dimension groups with element strides. */
#ifndef TC_REDUCE_Q_H
#define TC_REDUCE_Q_H
#include "tc_internal.h"

/* reduce_s16 has reduce_s8's operand layout: tc_reduce_q reads both by reduce_s8's names. */
#define TC_REDUCE_Q_SAME(P) TC_SAME_IP(REDUCE_S8, REDUCE_S16, P)
TC_SAME_BUF(REDUCE_S8, REDUCE_S16, IN);
TC_SAME_BUF(REDUCE_S8, REDUCE_S16, OUT);
TC_REDUCE_Q_SAME(MODE);
TC_REDUCE_Q_SAME(O0);
TC_REDUCE_Q_SAME(O1);
TC_REDUCE_Q_SAME(O2);
TC_REDUCE_Q_SAME(OA0);
TC_REDUCE_Q_SAME(OA1);
TC_REDUCE_Q_SAME(OA2);
TC_REDUCE_Q_SAME(R0);
TC_REDUCE_Q_SAME(R1);
TC_REDUCE_Q_SAME(R2);
TC_REDUCE_Q_SAME(RA0);
TC_REDUCE_Q_SAME(RA1);
TC_REDUCE_Q_SAME(RA2);
TC_REDUCE_Q_SAME(IN_ZP);
TC_REDUCE_Q_SAME(OUT_ZP);
TC_REDUCE_Q_SAME(MULT);
TC_REDUCE_Q_SAME(SHIFT);

/* buffers: in, out: int8 (wide 0) or int16 (wide 1).
   ip: mode o0 o1 o2 oa0 oa1 oa2 r0 r1 r2 ra0 ra1 ra2 in_zp out_zp mult shift.
   out[(i0 * o1 + i1) * o2 + i2] reduces in[i0 * oa0 + i1 * oa1 + i2 * oa2 + j0 * ra0 + j1 * ra1
   + j2 * ra2] over 0 <= j_k < r_k (in that order). mode 0: sum, minus in_zp times the count,
   requantized with (mult, shift) and out_zp (TFLite's SUM and MEAN, the mean's 1/count folded
   into mult and shift); 1: maximum; 2: minimum (raw values). */
/* One output: its sum (less in_zp times the count) requantized, or its maximum or minimum, clamped to
   the output type (tc_reduce_q's modes). */
static int32_t tc_reduce_q_out(const int32_t *ip, int32_t mode, uint32_t acc, int32_t best, int l, int r, int wide)
{
  const int32_t lo = wide ? -32768 : -128, hi = wide ? 32767 : 127, zp = ip[TCP_REDUCE_S8_OUT_ZP];
  if (mode != 0)
    return best;
  return tc_clamp32(tc_mbqm(tc_s32(acc), ip[TCP_REDUCE_S8_MULT], l, r), lo - zp, hi - zp) + zp;
}

#define TC_REDUCE_BLOCK 64 /* kept elements reduced side by side (tc_reduce_q_block) */

/* one reduced element of the nb outputs side by side: its nb consecutive inputs (of type T) from k on */
#define TC_REDUCE_ROW(T)                                                                                     \
  do {                                                                                                       \
    const T *x = (const T *)buf[TCB_REDUCE_S8_IN] + k;                                                        \
    if (mode == 0)                                                                                           \
      for (t = 0; t < nb; t++) {                                                                             \
        const int32_t v = x[t];                                                                              \
        acc[t] += (uint32_t)v;                                                                               \
      }                                                                                                      \
    else                                                                                                     \
      for (t = 0; t < nb; t++)                                                                               \
        best[t] = (mode == 1) == (x[t] > best[t]) ? x[t] : best[t];                                          \
  } while (0)

/* The outputs [i2, i2 + nb) of kept group (i0, i1) when the innermost kept group is contiguous (oa2 = 1),
   side by side: each reduced element's nb inputs are consecutive, the inner loop over them. */
static void tc_reduce_q_block(void *const *buf, const int32_t *ip, int wide, const int32_t mode, ptrdiff_t o,
                              ptrdiff_t nb, uint32_t zp_times_count, int32_t best0, int l, int r, ptrdiff_t n)
{
  uint32_t acc[TC_REDUCE_BLOCK];
  int32_t best[TC_REDUCE_BLOCK];
  ptrdiff_t j0, j1, j2, t;
  for (t = 0; t < nb; t++) {
    acc[t] = 0u - zp_times_count;
    best[t] = best0;
  }
  for (j0 = 0; j0 < ip[TCP_REDUCE_S8_R0]; j0++)
    for (j1 = 0; j1 < ip[TCP_REDUCE_S8_R1]; j1++)
      for (j2 = 0; j2 < ip[TCP_REDUCE_S8_R2]; j2++) {
        const ptrdiff_t k = o + j0 * ip[TCP_REDUCE_S8_RA0] + j1 * ip[TCP_REDUCE_S8_RA1] + j2 * ip[TCP_REDUCE_S8_RA2];
        if (wide)
          TC_REDUCE_ROW(int16_t);
        else
          TC_REDUCE_ROW(int8_t);
      }
  for (t = 0; t < nb; t++) {
    const int32_t v = tc_reduce_q_out(ip, mode, acc[t], best[t], l, r, wide);
    if (wide)
      ((int16_t *)buf[TCB_REDUCE_S8_OUT])[n + t] = (int16_t)v;
    else
      ((int8_t *)buf[TCB_REDUCE_S8_OUT])[n + t] = (int8_t)v;
  }
}
#undef TC_REDUCE_ROW

static void tc_reduce_q(void *const *buf, const int32_t *ip, int wide)
{
  const int32_t mode = ip[TCP_REDUCE_S8_MODE], lo = wide ? -32768 : -128, hi = wide ? 32767 : 127;
  const uint32_t zp_times_count = (uint32_t)ip[TCP_REDUCE_S8_IN_ZP] * ((uint32_t)ip[TCP_REDUCE_S8_R0]
                                  * (uint32_t)ip[TCP_REDUCE_S8_R1] * (uint32_t)ip[TCP_REDUCE_S8_R2]);
  ptrdiff_t i0, i1, i2, j0, j1, j2, n = 0;
  int l, r;
  tc_split_shift(ip[TCP_REDUCE_S8_SHIFT], &l, &r);
  if (ip[TCP_REDUCE_S8_OA2] == 1 && ip[TCP_REDUCE_S8_O2] > 1) {
    for (i0 = 0; i0 < ip[TCP_REDUCE_S8_O0]; i0++)
      for (i1 = 0; i1 < ip[TCP_REDUCE_S8_O1]; i1++)
        for (i2 = 0; i2 < ip[TCP_REDUCE_S8_O2]; i2 += TC_REDUCE_BLOCK) {
          const ptrdiff_t left = ip[TCP_REDUCE_S8_O2] - i2, nb = left < TC_REDUCE_BLOCK ? left : TC_REDUCE_BLOCK;
          tc_reduce_q_block(buf, ip, wide, mode, i0 * ip[TCP_REDUCE_S8_OA0] + i1 * ip[TCP_REDUCE_S8_OA1] + i2, nb,
                            zp_times_count, mode == 1 ? lo : hi, l, r, n);
          n += nb;
        }
    return;
  }
  for (i0 = 0; i0 < ip[TCP_REDUCE_S8_O0]; i0++)
    for (i1 = 0; i1 < ip[TCP_REDUCE_S8_O1]; i1++)
      for (i2 = 0; i2 < ip[TCP_REDUCE_S8_O2]; i2++, n++) {
        const ptrdiff_t o = i0 * ip[TCP_REDUCE_S8_OA0] + i1 * ip[TCP_REDUCE_S8_OA1] + i2 * ip[TCP_REDUCE_S8_OA2];
        uint32_t acc = 0u - zp_times_count;
        int32_t best = mode == 1 ? lo : hi, v;
        for (j0 = 0; j0 < ip[TCP_REDUCE_S8_R0]; j0++)
          for (j1 = 0; j1 < ip[TCP_REDUCE_S8_R1]; j1++)
            for (j2 = 0; j2 < ip[TCP_REDUCE_S8_R2]; j2++) {
              const ptrdiff_t k = o + j0 * ip[TCP_REDUCE_S8_RA0] + j1 * ip[TCP_REDUCE_S8_RA1]
                                  + j2 * ip[TCP_REDUCE_S8_RA2];
              const int32_t x = wide ? ((const int16_t *)buf[TCB_REDUCE_S8_IN])[k]
                                   : ((const int8_t *)buf[TCB_REDUCE_S8_IN])[k];
              acc += (uint32_t)x;
              if (mode == 1 ? x > best : x < best)
                best = x;
            }
        v = tc_reduce_q_out(ip, mode, acc, best, l, r, wide);
        if (wide)
          ((int16_t *)buf[TCB_REDUCE_S8_OUT])[n] = (int16_t)v;
        else
          ((int8_t *)buf[TCB_REDUCE_S8_OUT])[n] = (int8_t)v;
      }
}

#endif
