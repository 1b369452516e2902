/* tinycc Cortex-M55 (Helium / MVE) kernel: conv_s16 (16x8 convolution, depthwise and fully
   connected; generic/tc_conv_s16.h) with the int16 x int8 dot products of convolutions and fully
   connected layers in MVE: 8 lanes per step, int8 weights widened on load, tail predicated,
   summed into 64 bits (vmlaldava). Depthwise layers keep the portable loop. */
#include <arm_mve.h>

#include "tc_internal.h"

static inline int64_t tc_mve_dot_s16_s8(const int16_t *x, const int8_t *w, ptrdiff_t n)
{
  int64_t acc = 0;
  for (; n > 0; n -= 8, x += 8, w += 8) {
    const mve_pred16_t p = vctp16q((uint32_t)n);
    acc = vmlaldavaq_s16(acc, vldrhq_z_s16(x, p), vldrbq_z_s16(w, p)); /* inactive lanes load 0 */
  }
  return acc;
}

#define TC_CONV_S16_DOT tc_mve_dot_s16_s8
#include "tc_conv_s16.h"

void tc_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_conv_s16_body(buf, ip);
}
