/* tinycc portable kernel: lstm_s8 (UNIDIRECTIONAL_SEQUENCE_LSTM with int8 activations and weights,
 * an int16 cell state: TFLite Micro's 8x8->16 integer LSTM, bit-exact).
 * tinycc: shared with the host executor. */
#include <string.h>
#include "tc_internal.h"

/* TFLite's int16 logistic of a Q3.12 value (input multiplier 0: x * 3), Q0.15 result, by
   interpolating its sigmoid table. */
static int16_t tc_lstm_sigmoid(int32_t x, const uint16_t *tab)
{
  const int32_t v = x * 3;
  const uint32_t a = (uint32_t)(v < 0 ? -v : v), uh = a >> 9;
  uint32_t r;
  if (uh >= 255)
    r = 0x7FFFu << 10;
  else
    r = ((uint32_t)tab[uh] << 9) + (a & 0x1FFu) * ((uint32_t)tab[uh + 1] - (uint32_t)tab[uh]);
  r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
  return (int16_t)(r >> 10);
}

/* TFLite's int16 tanh: the input rescaled by (x * mult + round) >> shift, Q0.15 result. */
static int16_t tc_lstm_tanh(int32_t x, int64_t mult, int shift, const uint16_t *tab)
{
  const int64_t v64 = tc_asr64((int64_t)x * mult + (shift > 0 ? (int64_t)1 << (shift - 1) : 0), shift);
  const int32_t v = (int32_t)v64;
  const uint32_t a = v < 0 ? 0u - (uint32_t)v : (uint32_t)v, uh = a >> 8;
  int32_t r;
  if (uh >= 255)
    r = 0xFFFF << 8;
  else
    r = tc_s32(((uint32_t)tab[uh] << 8) + (a & 0xFFu) * ((uint32_t)tab[uh + 1] - (uint32_t)tab[uh]));
  r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
  return (int16_t)tc_asr32(r, 8);
}

static int32_t tc_lstm_sat16(int32_t v)
{
  return tc_clamp32(v, -32768, 32767);
}

/* buffers: in int8 [batch][time][n_in] ([time][batch][n_in] when time_major), out int8 (likewise,
   units wide), h int8 [batch][units] and c int16 [batch][units] (the state, updated), w int8
   [4][units][n_in], r int8 [4][units][units], bias int32 [4][units] (gates input, forget, cell,
   output), mult / shift int32 [8] (each gate's input then recurrent product -> Q3.12), table
   uint16 [256] (TFLite's sigmoid table).
   ip: batch time n_in units time_major in_zp h_zp m_fc s_fc
   m_ig s_ig m_o s_o tanh_mult tanh_shift clip (0: none).
   Each unit's four gates are computed together; the new hidden state goes to the output row, which
   is copied to h once the row is complete (no scratch). */
void tc_lstm_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[0];
  int8_t *const y = (int8_t *)buf[1];
  int8_t *const h = (int8_t *)buf[2];
  int16_t *const c = (int16_t *)buf[3];
  const int8_t *const w = (const int8_t *)buf[4];
  const int8_t *const r = (const int8_t *)buf[5];
  const int32_t *const bias = (const int32_t *)buf[6];
  const int32_t *const mult = (const int32_t *)buf[7];
  const int32_t *const shift = (const int32_t *)buf[8];
  const uint16_t *const tab = (const uint16_t *)buf[9];
  const ptrdiff_t batch = ip[0], time = ip[1], n_in = ip[2], units = ip[3];
  const int time_major = ip[4];
  const int32_t in_zp = ip[5], h_zp = ip[6], m_fc = ip[7], m_ig = ip[9], m_o = ip[11], clip = ip[15];
  const int64_t tanh_mult = ip[13] ? (int64_t)ip[13] : (int64_t)3 << ip[14];
  const int tanh_shift = ip[13] ? (int)ip[14] : 0;
  int gl[8], gr[8], l_fc, r_fc, l_ig, r_ig, l_o, r_o, k;
  ptrdiff_t b, t, j;
  (void)fp;
  (void)scratch;
  for (k = 0; k < 8; k++)
    tc_split_shift(shift[k], &gl[k], &gr[k]);
  tc_split_shift(ip[8], &l_fc, &r_fc);
  tc_split_shift(ip[10], &l_ig, &r_ig);
  tc_split_shift(ip[12], &l_o, &r_o);
  for (b = 0; b < batch; b++) {
    int8_t *const hb = h + b * units;
    int16_t *const cb = c + b * units;
    for (t = 0; t < time; t++) {
      const ptrdiff_t row = time_major ? t * batch + b : b * time + t;
      const int8_t *const xr = x + row * n_in;
      int8_t *const yr = y + row * units;
      for (j = 0; j < units; j++) {
        int32_t gate[4], cell, ig, v;
        int16_t in_g, forget_g, cell_g, out_g;
        for (k = 0; k < 4; k++) {
          const ptrdiff_t o = k * units + j;
          const uint32_t ax = tc_dot_s8(xr, w + o * n_in, n_in, in_zp) + (uint32_t)bias[o];
          const uint32_t ah = tc_dot_s8(hb, r + o * units, units, h_zp);
          gate[k] = tc_lstm_sat16(tc_lstm_sat16(tc_mbqm(tc_s32(ax), mult[k], gl[k], gr[k])) +
                                  tc_lstm_sat16(tc_mbqm(tc_s32(ah), mult[4 + k], gl[4 + k], gr[4 + k])));
        }
        in_g = tc_lstm_sigmoid(gate[0], tab);
        forget_g = tc_lstm_sigmoid(gate[1], tab);
        cell_g = tc_lstm_tanh(gate[2], 3, 0, tab);
        out_g = tc_lstm_sigmoid(gate[3], tab);
        cell = tc_lstm_sat16(tc_mbqm((int32_t)forget_g * cb[j], m_fc, l_fc, r_fc));
        ig = tc_lstm_sat16(tc_mbqm((int32_t)in_g * cell_g, m_ig, l_ig, r_ig));
        cell = tc_lstm_sat16(cell + ig);
        if (clip > 0)
          cell = tc_clamp32(cell, -clip, clip);
        cb[j] = (int16_t)cell;
        v = tc_mbqm((int32_t)tc_lstm_tanh(cell, tanh_mult, tanh_shift, tab) * out_g, m_o, l_o, r_o);
        yr[j] = (int8_t)(tc_clamp32(v, -128 - h_zp, 127 - h_zp) + h_zp);
      }
      memmove(hb, yr, (size_t)units);
    }
  }
}
