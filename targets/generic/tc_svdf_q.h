/* tinycc portable kernels: the integer SVDF shared by svdf_s8 and svdf_s16 (included by their files
   only). TFLite Micro's "full integer" SVDF, bit-exact: int8 input, output and weights_feature, the
   activation state and weights_time int8 (svdf_s8) or int16 (svdf_s16, `wide`), an int32 bias. */
#ifndef TC_SVDF_Q_H
#define TC_SVDF_Q_H
#include <string.h>
#include "tc_internal.h"

/* svdf_s16 has svdf_s8's operand layout: tc_svdf_q reads both by svdf_s8's names. */
#define TC_SVDF_Q_SAME(P) TC_SAME_IP(SVDF_S8, SVDF_S16, P)
TC_SAME_BUF(SVDF_S8, SVDF_S16, IN);
TC_SAME_BUF(SVDF_S8, SVDF_S16, OUT);
TC_SAME_BUF(SVDF_S8, SVDF_S16, STATE);
TC_SAME_BUF(SVDF_S8, SVDF_S16, WF);
TC_SAME_BUF(SVDF_S8, SVDF_S16, WT);
TC_SAME_BUF(SVDF_S8, SVDF_S16, BIAS);
TC_SVDF_Q_SAME(BATCH);
TC_SVDF_Q_SAME(N_IN);
TC_SVDF_Q_SAME(UNITS);
TC_SVDF_Q_SAME(RANK);
TC_SVDF_Q_SAME(MEMORY);
TC_SVDF_Q_SAME(IN_ZP);
TC_SVDF_Q_SAME(STATE_ZP);
TC_SVDF_Q_SAME(OUT_ZP);
TC_SVDF_Q_SAME(M1);
TC_SVDF_Q_SAME(S1);
TC_SVDF_Q_SAME(M2);
TC_SVDF_Q_SAME(S2);

/* buffers: in int8 [batch][n_in], out int8 [batch][units], state [batch][filters][memory] (the
   activation state, updated), wf int8 [filters][n_in], wt [filters][memory] (state and wt int8, or
   int16 when wide), bias int32 [units]; filters = units * rank, unit u summing filters
   u * rank .. u * rank + rank - 1.
   ip: batch n_in units rank memory in_zp state_zp out_zp m1 s1 m2 s2.
   For each batch row and filter: the filter's state row moves one step to the left and its last
   entry becomes the feature dot product, rescaled (m1, s1), clamped to the state type, plus the
   state zero point, stored modulo 2**bits (TFLite Micro's implicit conversion); then each unit's
   bias plus its filters' time dot products (state zero point subtracted), summed in int32
   (wrapping), rescaled (m2, s2) to int8. No scratch. */
static void tc_svdf_q(void *const *buf, const int32_t *ip, int wide)
{
  const int8_t *const x = (const int8_t *)buf[TCB_SVDF_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_SVDF_S8_OUT];
  const int8_t *const wf = (const int8_t *)buf[TCB_SVDF_S8_WF];
  const int32_t *const bias = (const int32_t *)buf[TCB_SVDF_S8_BIAS];
  const ptrdiff_t batch = ip[TCP_SVDF_S8_BATCH], n_in = ip[TCP_SVDF_S8_N_IN], units = ip[TCP_SVDF_S8_UNITS];
  const ptrdiff_t rank = ip[TCP_SVDF_S8_RANK], memory = ip[TCP_SVDF_S8_MEMORY];
  const ptrdiff_t filters = units * rank;
  const int32_t in_zp = ip[TCP_SVDF_S8_IN_ZP], state_zp = ip[TCP_SVDF_S8_STATE_ZP], out_zp = ip[TCP_SVDF_S8_OUT_ZP];
  const int32_t m1 = ip[TCP_SVDF_S8_M1], m2 = ip[TCP_SVDF_S8_M2];
  const int32_t s_min = wide ? -32768 : -128, s_max = wide ? 32767 : 127;
  const uint32_t half = wide ? 0x8000u : 0x80u, mask = wide ? 0xFFFFu : 0xFFu;
  int l1, r1, l2, r2;
  ptrdiff_t b, f, u, m;
  tc_split_shift(ip[TCP_SVDF_S8_S1], &l1, &r1);
  tc_split_shift(ip[TCP_SVDF_S8_S2], &l2, &r2);
  for (b = 0; b < batch; b++) {
    const int8_t *const xb = x + b * n_in;
    for (f = 0; f < filters; f++) {
      const ptrdiff_t row = (b * filters + f) * memory;
      const int32_t v = tc_clamp32(tc_mbqm(tc_s32(tc_dot_s8(xb, wf + f * n_in, n_in, in_zp)), m1, l1, r1),
                                   s_min, s_max);
      const int32_t stored = (int32_t)((((uint32_t)v + (uint32_t)state_zp) + half) & mask) - (int32_t)half;
      if (wide) {
        int16_t *const s = (int16_t *)buf[TCB_SVDF_S8_STATE] + row;
        memmove(s, s + 1, (size_t)(memory - 1) * sizeof(int16_t));
        s[memory - 1] = (int16_t)stored;
      } else {
        int8_t *const s = (int8_t *)buf[TCB_SVDF_S8_STATE] + row;
        memmove(s, s + 1, (size_t)(memory - 1));
        s[memory - 1] = (int8_t)stored;
      }
    }
    for (u = 0; u < units; u++) {
      uint32_t acc = (uint32_t)bias[u];
      for (f = u * rank; f < (u + 1) * rank; f++) {
        const ptrdiff_t row = (b * filters + f) * memory;
        uint32_t t = 0;
        if (wide) {
          const int16_t *const s = (const int16_t *)buf[TCB_SVDF_S8_STATE] + row;
          const int16_t *const w = (const int16_t *)buf[TCB_SVDF_S8_WT] + f * memory;
          for (m = 0; m < memory; m++)  /* up to 2**15 * 2**16: in 64 bits, kept modulo 2**32 */
            t += (uint32_t)((int64_t)w[m] * ((int32_t)s[m] - state_zp));
        } else {
          const int8_t *const s = (const int8_t *)buf[TCB_SVDF_S8_STATE] + row;
          const int8_t *const w = (const int8_t *)buf[TCB_SVDF_S8_WT] + f * memory;
          for (m = 0; m < memory; m++)
            t += (uint32_t)((int32_t)w[m] * ((int32_t)s[m] - state_zp));
        }
        acc += t;
      }
      y[b * units + u] = (int8_t)(tc_clamp32(tc_mbqm(tc_s32(acc), m2, l2, r2), -128 - out_zp, 127 - out_zp) + out_zp);
    }
  }
}

#endif
