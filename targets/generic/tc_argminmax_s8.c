/* tinycc portable kernel: argminmax_s8 (ARG_MAX / ARG_MIN over int8 raw values, int32 indices).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in (int8 [outer][axis][inner]), out (int32 [outer][inner]). ip: mode outer axis inner.
   mode 1: index of the first maximum, 0: of the first minimum. */
void tc_argminmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[0];
  int32_t *const y = (int32_t *)buf[1];
  const int32_t mode = ip[0];
  const ptrdiff_t outer = ip[1], axis = ip[2], inner = ip[3];
  ptrdiff_t o, i, k;
  (void)fp;
  (void)scratch;
  for (o = 0; o < outer; o++)
    for (i = 0; i < inner; i++) {
      const int8_t *const xo = x + o * axis * inner + i;
      int8_t best = xo[0];
      int32_t at = 0;
      for (k = 1; k < axis; k++) {
        const int8_t v = xo[k * inner];
        if (mode ? v > best : v < best) {
          best = v;
          at = (int32_t)k;
        }
      }
      y[o * inner + i] = at;
    }
}
