/* tinycc portable kernel: lstm_f32 (UNIDIRECTIONAL_SEQUENCE_LSTM, float32, as TFLite Micro's float
 * LSTM: sigmoid with its cutoffs, products clamped to +-FLT_MAX).
 * tinycc: shared with the host executor. */
#include <math.h>
#include <string.h>
#include "tc_internal.h"

/* TFLite's float logistic (TC_LOGISTIC_HI, TC_LOGISTIC_LO: tc_internal.h) */
static float tc_lstm_sigmoidf(float v)
{
  if (v > TC_LOGISTIC_HI)
    return 1.0f;
  if (v < TC_LOGISTIC_LO)
    return expf(v);
  return 1.0f / (1.0f + expf(-v));
}

/* tanh from expf (the float kernels call no libm function but expf); a short series near 0. */
static float tc_lstm_tanhf(float v)
{
  const float a = v < 0 ? -v : v;
  float t;
  if (a < 0.0625f) {
    const float a2 = a * a;
    t = a * (1.0f - a2 * (1.0f / 3.0f - a2 * (2.0f / 15.0f)));
  } else {
    const float e = expf(-2.0f * a);
    t = (1.0f - e) / (1.0f + e);
  }
  return v < 0 ? -t : (v > 0 ? t : v);
}

/* buffers: in [batch][time][n_in] ([time][batch][n_in] when time_major), out (likewise, units wide),
   h and c [batch][units] (the state, updated), w [4][units][n_in], r [4][units][units], bias
   [4][units] (gates input, forget, cell, output). ip: batch time n_in units time_major.
   fp: cell_clip (<= 0: none). */
void tc_lstm_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_LSTM_F32_IN];
  float *const y = (float *)buf[TCB_LSTM_F32_OUT];
  float *const h = (float *)buf[TCB_LSTM_F32_H];
  float *const c = (float *)buf[TCB_LSTM_F32_C];
  const float *const w = (const float *)buf[TCB_LSTM_F32_W];
  const float *const r = (const float *)buf[TCB_LSTM_F32_R];
  const float *const bias = (const float *)buf[TCB_LSTM_F32_BIAS];
  const ptrdiff_t batch = ip[TCP_LSTM_F32_BATCH], time = ip[TCP_LSTM_F32_TIME], n_in = ip[TCP_LSTM_F32_N_IN],
                  units = ip[TCP_LSTM_F32_UNITS];
  const int time_major = ip[TCP_LSTM_F32_TIME_MAJOR];
  const float clip = fp[TCF_LSTM_F32_CELL_CLIP];
  ptrdiff_t b, t, j;
  int k;
  (void)scratch;
  for (b = 0; b < batch; b++) {
    float *const hb = h + b * units;
    float *const cb = c + b * units;
    for (t = 0; t < time; t++) {
      const ptrdiff_t row = time_major ? t * batch + b : b * time + t;
      const float *const xr = x + row * n_in;
      float *const yr = y + row * units;
      for (j = 0; j < units; j++) {
        float gate[4], cell, cell_g;
        for (k = 0; k < 4; k++) {
          const ptrdiff_t o = k * units + j;
          gate[k] = tc_clampf(tc_dot_f32(xr, w + o * n_in, n_in) + bias[o], -TC_FLT_MAX, TC_FLT_MAX) +
                    tc_clampf(tc_dot_f32(hb, r + o * units, units), -TC_FLT_MAX, TC_FLT_MAX);
        }
        cell_g = tc_lstm_tanhf(gate[2]);
        cell = tc_clampf(tc_lstm_sigmoidf(gate[1]) * cb[j], -TC_FLT_MAX, TC_FLT_MAX) +
               tc_clampf(tc_lstm_sigmoidf(gate[0]) * cell_g, -TC_FLT_MAX, TC_FLT_MAX);
        if (clip > 0)
          cell = tc_clampf(cell, -clip, clip);
        cb[j] = cell;
        yr[j] = tc_clampf(tc_lstm_tanhf(cell) * tc_lstm_sigmoidf(gate[3]), -TC_FLT_MAX, TC_FLT_MAX);
      }
      memmove(hb, yr, (size_t)units * sizeof(float));
    }
  }
}
