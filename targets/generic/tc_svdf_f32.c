/* tinycc portable kernel: svdf_f32 (SVDF, float32, as TFLite Micro's float kernel and summed in its
 * order: each dot product sequential from 0, the output from the bias, then the unit's filters in
 * order; the fused activation as a clamp).
 * tinycc: shared with the host executor. */
#include <string.h>
#include "tc_internal.h"

/* buffers: in [batch][n_in], out [batch][units], state [batch][filters][memory] (updated), wf
   [filters][n_in], wt [filters][memory], bias [units]; filters = units * rank.
   ip: batch n_in units rank memory; fp: act_min act_max. No scratch. */
void tc_svdf_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[TCB_SVDF_F32_IN];
  float *const y = (float *)buf[TCB_SVDF_F32_OUT];
  float *const state = (float *)buf[TCB_SVDF_F32_STATE];
  const float *const wf = (const float *)buf[TCB_SVDF_F32_WF];
  const float *const wt = (const float *)buf[TCB_SVDF_F32_WT];
  const float *const bias = (const float *)buf[TCB_SVDF_F32_BIAS];
  const ptrdiff_t batch = ip[TCP_SVDF_F32_BATCH], n_in = ip[TCP_SVDF_F32_N_IN], units = ip[TCP_SVDF_F32_UNITS],
                  rank = ip[TCP_SVDF_F32_RANK], memory = ip[TCP_SVDF_F32_MEMORY];
  const ptrdiff_t filters = units * rank;
  ptrdiff_t b, f, u, k;
  (void)scratch;
  for (b = 0; b < batch; b++) {
    const float *const xb = x + b * n_in;
    for (f = 0; f < filters; f++) {
      float *const s = state + (b * filters + f) * memory;
      const float *const w = wf + f * n_in;
      float dot = 0.0f;
      for (k = 0; k < n_in; k++)
        dot += w[k] * xb[k];
      memmove(s, s + 1, (size_t)(memory - 1) * sizeof(float));
      s[memory - 1] = dot;
    }
    for (u = 0; u < units; u++) {
      float acc = bias[u];
      for (f = u * rank; f < (u + 1) * rank; f++) {
        const float *const s = state + (b * filters + f) * memory;
        const float *const w = wt + f * memory;
        float t = 0.0f;
        for (k = 0; k < memory; k++)
          t += w[k] * s[k];
        acc += t;
      }
      y[b * units + u] = tc_clampf(acc, fp[TCF_SVDF_F32_ACT_MIN], fp[TCF_SVDF_F32_ACT_MAX]);
    }
  }
}
