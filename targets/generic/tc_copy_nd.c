/* tinycc portable kernel: copy_nd (an affine element copy over up to 6 dimensions: transpose,
 * slice, strided slice, split, concatenation, pack, unpack, pad interiors, depth/space moves).
 * tinycc: shared with the host executor. */
#include <string.h>

#include "tc_internal.h"

/* ip: esize in_off out_off d0..d5 a0..a5 b0..b5 (offsets and strides in elements, strides may be
   negative or 0): out[out_off + sum i_k * b_k] = in[in_off + sum i_k * a_k] for every index
   0 <= i_k < d_k. The output must not overlap the input. */
void tc_copy_nd(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const uint8_t *const x = (const uint8_t *)buf[0];
  uint8_t *const y = (uint8_t *)buf[1];
  const ptrdiff_t es = ip[0];
  const int32_t *const d = ip + 3, *const a = ip + 9, *const b = ip + 15;
  ptrdiff_t i0, i1, i2, i3, i4, i5;
  (void)fp;
  (void)scratch;
  for (i0 = 0; i0 < d[0]; i0++)
    for (i1 = 0; i1 < d[1]; i1++)
      for (i2 = 0; i2 < d[2]; i2++)
        for (i3 = 0; i3 < d[3]; i3++)
          for (i4 = 0; i4 < d[4]; i4++) {
            const ptrdiff_t xo = ip[1] + i0 * a[0] + i1 * a[1] + i2 * a[2] + i3 * a[3] + i4 * a[4];
            const ptrdiff_t yo = ip[2] + i0 * b[0] + i1 * b[1] + i2 * b[2] + i3 * b[3] + i4 * b[4];
            if (a[5] == 1 && b[5] == 1) {
              memcpy(y + yo * es, x + xo * es, (size_t)(d[5] * es));
            } else {
              for (i5 = 0; i5 < d[5]; i5++)
                memcpy(y + (yo + i5 * b[5]) * es, x + (xo + i5 * a[5]) * es, (size_t)es);
            }
          }
}
