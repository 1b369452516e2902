/* tinycc portable kernel: l2norm_f32 (L2_NORMALIZATION over the last axis, float32: x divided by
 * max(sqrt(sum of squares), 1e-6); the square root by Newton-Raphson, no libm).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* sqrt(v) for v >= 0 to within an ulp or two (a bit-level first guess, then Newton steps). */
static float tc_l2_sqrtf(float v)
{
  union {
    float f;
    uint32_t u;
  } g;
  float r;
  int k;
  if (!(v > 0.0f) || v > 3.4e38f)
    return v > 3.4e38f ? v : 0.0f;
  g.f = v;
  g.u = (g.u >> 1) + 0x1FC00000u;
  r = g.f;
  for (k = 0; k < 4; k++)
    r = 0.5f * (r + v / r);
  return r;
}

/* buffers: in, out [outer][depth]. ip: outer depth */
void tc_l2norm_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *x = (const float *)buf[TCB_L2NORM_F32_IN];
  float *y = (float *)buf[TCB_L2NORM_F32_OUT];
  const ptrdiff_t outer = ip[TCP_L2NORM_F32_OUTER], depth = ip[TCP_L2NORM_F32_DEPTH];
  ptrdiff_t o, i;
  (void)fp;
  (void)scratch;
  for (o = 0; o < outer; o++, x += depth, y += depth) {
    float sq = 0.0f, norm;
    for (i = 0; i < depth; i++)
      sq += x[i] * x[i];
    norm = tc_l2_sqrtf(sq);
    norm = norm > 1e-6f ? norm : 1e-6f;
    for (i = 0; i < depth; i++)
      y[i] = x[i] / norm;
  }
}
