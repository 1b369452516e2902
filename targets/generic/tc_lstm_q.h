/* tinycc portable kernels: the integer LSTM shared by lstm_s8 and lstm_s16 (included by their
   files only). TFLite Micro's 8x8->16 and 16x8->16 LSTM: each gate's input and recurrent fully
   connected products rescaled to int16 Q3.12 and added with saturation, table sigmoid / tanh
   (Q0.15), an int16 cell state, the products requantized. 16x8 accumulates in 64 bits with an int64
   bias and TFLite's int64 rounding; 8x8 in 32 bits with an int32 bias. */
#ifndef TC_LSTM_Q_H
#define TC_LSTM_Q_H
#include <string.h>
#include "tc_internal.h"

/* sum (x[i] - zp) * w[i] + bias, requantized to int16 Q3.12 and saturated: wide, by TFLite's int64
   rounding with shift; else with the pre-split shift counts (l, r) */
static inline int32_t tc_lstm_fc(const void *x, const int8_t *w, ptrdiff_t n, int32_t zp, int64_t bias,
                                 int32_t mult, int32_t shift, int l, int r, int wide)
{
  if (wide) {
    int64_t acc = 0;
    ptrdiff_t i;
    for (i = 0; i < n; i++)
      acc += (int64_t)(((const int16_t *)x)[i] - zp) * w[i];
    return tc_requant_s16((uint64_t)acc + (uint64_t)bias, mult, shift, -32768, 32767);
  }
  return tc_sat16(tc_mbqm(tc_s32(tc_dot_s8((const int8_t *)x, w, n, zp) + (uint32_t)bias), mult, l, r));
}

/* lstm_s16 has lstm_s8's operand layout: tc_lstm_q reads both by lstm_s8's names. */
#define TC_LSTM_Q_SAME(P) TC_SAME_IP(LSTM_S8, LSTM_S16, P)
TC_SAME_BUF(LSTM_S8, LSTM_S16, IN);
TC_SAME_BUF(LSTM_S8, LSTM_S16, OUT);
TC_SAME_BUF(LSTM_S8, LSTM_S16, H);
TC_SAME_BUF(LSTM_S8, LSTM_S16, C);
TC_SAME_BUF(LSTM_S8, LSTM_S16, W);
TC_SAME_BUF(LSTM_S8, LSTM_S16, R);
TC_SAME_BUF(LSTM_S8, LSTM_S16, BIAS);
TC_SAME_BUF(LSTM_S8, LSTM_S16, MULT);
TC_SAME_BUF(LSTM_S8, LSTM_S16, SHIFT);
TC_SAME_BUF(LSTM_S8, LSTM_S16, TABLE);
TC_LSTM_Q_SAME(BATCH);
TC_LSTM_Q_SAME(TIME);
TC_LSTM_Q_SAME(N_IN);
TC_LSTM_Q_SAME(UNITS);
TC_LSTM_Q_SAME(TIME_MAJOR);
TC_LSTM_Q_SAME(IN_ZP);
TC_LSTM_Q_SAME(H_ZP);
TC_LSTM_Q_SAME(M_FC);
TC_LSTM_Q_SAME(S_FC);
TC_LSTM_Q_SAME(M_IG);
TC_LSTM_Q_SAME(S_IG);
TC_LSTM_Q_SAME(M_O);
TC_LSTM_Q_SAME(S_O);
TC_LSTM_Q_SAME(TANH_MULT);
TC_LSTM_Q_SAME(TANH_SHIFT);
TC_LSTM_Q_SAME(CLIP);

/* buffers: in [batch][time][n_in] ([time][batch][n_in] when time_major), out (likewise, units wide),
   h [batch][units] (in, out and h int8, or int16 when wide) and c int16 [batch][units] (the state,
   updated), w int8 [4][units][n_in], r int8 [4][units][units], bias [4][units] (int32, or int64
   when wide; gates input, forget, cell, output), mult / shift int32 [8] (each gate's input then
   recurrent product -> Q3.12), table uint16 [256] (TFLite's sigmoid table).
   ip: batch time n_in units time_major in_zp h_zp m_fc s_fc m_ig s_ig m_o s_o tanh_mult
   tanh_shift clip (0: none).
   Each unit's four gates are computed together; the new hidden state goes to the output row, which
   is copied to h once the row is complete (no scratch). */
static void tc_lstm_q(void *const *buf, const int32_t *ip, int wide)
{
  const int es = wide ? 2 : 1;
  const char *const x = (const char *)buf[TCB_LSTM_S8_IN];
  char *const y = (char *)buf[TCB_LSTM_S8_OUT];
  char *const h = (char *)buf[TCB_LSTM_S8_H];
  int16_t *const c = (int16_t *)buf[TCB_LSTM_S8_C];
  const int8_t *const w = (const int8_t *)buf[TCB_LSTM_S8_W];
  const int8_t *const r = (const int8_t *)buf[TCB_LSTM_S8_R];
  const int32_t *const mult = (const int32_t *)buf[TCB_LSTM_S8_MULT];
  const int32_t *const shift = (const int32_t *)buf[TCB_LSTM_S8_SHIFT];
  const uint16_t *const tab = (const uint16_t *)buf[TCB_LSTM_S8_TABLE];
  const ptrdiff_t batch = ip[TCP_LSTM_S8_BATCH], time = ip[TCP_LSTM_S8_TIME], n_in = ip[TCP_LSTM_S8_N_IN],
                  units = ip[TCP_LSTM_S8_UNITS];
  const int time_major = ip[TCP_LSTM_S8_TIME_MAJOR];
  const int32_t in_zp = ip[TCP_LSTM_S8_IN_ZP], h_zp = ip[TCP_LSTM_S8_H_ZP], m_fc = ip[TCP_LSTM_S8_M_FC],
                m_ig = ip[TCP_LSTM_S8_M_IG], m_o = ip[TCP_LSTM_S8_M_O], clip = ip[TCP_LSTM_S8_CLIP];
  const int32_t h_min = wide ? -32768 : -128, h_max = wide ? 32767 : 127;
  const int64_t tanh_mult = ip[TCP_LSTM_S8_TANH_MULT] ? (int64_t)ip[TCP_LSTM_S8_TANH_MULT]
                                                     : (int64_t)3 << ip[TCP_LSTM_S8_TANH_SHIFT];
  const int tanh_shift = ip[TCP_LSTM_S8_TANH_MULT] ? (int)ip[TCP_LSTM_S8_TANH_SHIFT] : 0;
  int gl[8], gr[8], l_fc, r_fc, l_ig, r_ig, l_o, r_o, k;
  ptrdiff_t b, t, j;
  for (k = 0; k < 8; k++)
    tc_split_shift(shift[k], &gl[k], &gr[k]);
  tc_split_shift(ip[TCP_LSTM_S8_S_FC], &l_fc, &r_fc);
  tc_split_shift(ip[TCP_LSTM_S8_S_IG], &l_ig, &r_ig);
  tc_split_shift(ip[TCP_LSTM_S8_S_O], &l_o, &r_o);
  for (b = 0; b < batch; b++) {
    char *const hb = h + b * units * es;
    int16_t *const cb = c + b * units;
    for (t = 0; t < time; t++) {
      const ptrdiff_t row = time_major ? t * batch + b : b * time + t;
      const char *const xr = x + row * n_in * es;
      char *const yr = y + row * units * es;
      for (j = 0; j < units; j++) {
        int32_t gate[4], cell, ig, v;
        int16_t in_g, forget_g, cell_g, out_g;
        for (k = 0; k < 4; k++) {
          const ptrdiff_t o = k * units + j;
          const int64_t bias = wide ? ((const int64_t *)buf[TCB_LSTM_S8_BIAS])[o]
                                    : ((const int32_t *)buf[TCB_LSTM_S8_BIAS])[o];
          gate[k] = tc_clamp32(tc_lstm_fc(xr, w + o * n_in, n_in, in_zp, bias, mult[k], shift[k], gl[k], gr[k], wide) +
                               tc_lstm_fc(hb, r + o * units, units, h_zp, 0, mult[4 + k], shift[4 + k], gl[4 + k],
                                          gr[4 + k], wide),
                               -32768, 32767);
        }
        in_g = tc_sigmoid_s16(gate[0] * 3, tab); /* Q3.12 in */
        forget_g = tc_sigmoid_s16(gate[1] * 3, tab);
        cell_g = tc_tanh_s16(gate[2] * 3, tab);
        out_g = tc_sigmoid_s16(gate[3] * 3, tab);
        cell = tc_sat16(tc_mbqm((int32_t)forget_g * cb[j], m_fc, l_fc, r_fc));
        ig = tc_sat16(tc_mbqm((int32_t)in_g * cell_g, m_ig, l_ig, r_ig));
        cell = tc_sat16(cell + ig);
        if (clip > 0)
          cell = tc_clamp32(cell, -clip, clip);
        cb[j] = (int16_t)cell;
        v = tc_mbqm((int32_t)tc_tanh_s16(tc_rescale16(cell, tanh_mult, tanh_shift), tab) * out_g, m_o, l_o, r_o);
        v = tc_clamp32(v, h_min - h_zp, h_max - h_zp) + h_zp;
        if (wide)
          ((int16_t *)yr)[j] = (int16_t)v;
        else
          ((int8_t *)yr)[j] = (int8_t)v;
      }
      memmove(hb, yr, (size_t)(units * es));
    }
  }
}

#endif
