/* tinycc portable kernel: argminmax_f32 (ARG_MAX / ARG_MIN over float32, int32 indices).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in (float32 [outer][axis][inner]), out (int32 [outer][inner]). ip: mode outer axis
   inner. mode 1: index of the first maximum, 0: of the first minimum (a NaN never replaces the
   best value so far, and a first NaN is never replaced: TFLite Micro's plain comparisons). */
void tc_argminmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const float *const x = (const float *)buf[0];
  int32_t *const y = (int32_t *)buf[1];
  const int32_t mode = ip[0];
  const ptrdiff_t outer = ip[1], axis = ip[2], inner = ip[3];
  ptrdiff_t o, i, k;
  (void)fp;
  (void)scratch;
  for (o = 0; o < outer; o++)
    for (i = 0; i < inner; i++) {
      const float *const xo = x + o * axis * inner + i;
      float best = xo[0];
      int32_t at = 0;
      for (k = 1; k < axis; k++) {
        const float v = xo[k * inner];
        if (mode ? v > best : v < best) {
          best = v;
          at = (int32_t)k;
        }
      }
      y[o * inner + i] = at;
    }
}
