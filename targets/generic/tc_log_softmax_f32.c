/* tinycc portable kernel: log_softmax_f32 (float32 LOG_SOFTMAX over the last axis, as TFLite
 * Micro's: x - max - log(sum exp(x - max))). Only expf from libm: the logarithm of the sum (at
 * least 1) is computed here.
 * tinycc: shared with the host executor. */
#include <math.h>
#include <string.h>
#include "tc_internal.h"

/* ln(s) for s >= 1 (finite): s = m * 2**e with m in [1, 2), ln m = 2 atanh((m - 1) / (m + 1)) by its
   series (|z| <= 1/3), in double; +inf stays +inf. */
static float tc_log_ge1(float s)
{
  uint32_t bits;
  double m, z, z2, term, sum;
  int e, k;
  if (!(s < 3.4028235e38f))
    return s; /* +inf, NaN */
  memcpy(&bits, &s, sizeof bits);
  e = (int)((bits >> 23) & 0xFF) - 127;
  bits = (bits & 0x007FFFFFu) | 0x3F800000u;
  memcpy(&s, &bits, sizeof bits);
  m = s;
  z = (m - 1.0) / (m + 1.0);
  z2 = z * z;
  term = z;
  sum = 0.0;
  for (k = 1; k < 40; k += 2) {
    sum += term / k;
    term *= z2;
  }
  return (float)(2.0 * sum + e * 0.69314718055994530942);
}

/* buffers: in, out [outer][depth]. ip: outer depth. In place is allowed. */
void tc_log_softmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const ptrdiff_t outer = ip[TCP_LOG_SOFTMAX_F32_OUTER], depth = ip[TCP_LOG_SOFTMAX_F32_DEPTH];
  ptrdiff_t o, i;
  (void)fp;
  (void)scratch;
  for (o = 0; o < outer; o++) {
    const float *const x = (const float *)buf[TCB_LOG_SOFTMAX_F32_IN] + o * depth;
    float *const y = (float *)buf[TCB_LOG_SOFTMAX_F32_OUT] + o * depth;
    float max = -3.4028235e38f, sum = 0.0f, log_sum;
    for (i = 0; i < depth; i++)
      max = x[i] > max ? x[i] : max;
    for (i = 0; i < depth; i++)
      sum += expf(x[i] - max);
    log_sum = tc_log_ge1(sum);
    for (i = 0; i < depth; i++)
      y[i] = x[i] - max - log_sum;
  }
}
