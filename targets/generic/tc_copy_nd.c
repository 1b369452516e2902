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
  const uint8_t *const x = (const uint8_t *)buf[TCB_COPY_ND_IN];
  uint8_t *const y = (uint8_t *)buf[TCB_COPY_ND_OUT];
  const ptrdiff_t es = ip[TCP_COPY_ND_ESIZE];
  ptrdiff_t i0, i1, i2, i3, i4, i5;
  (void)fp;
  (void)scratch;
  for (i0 = 0; i0 < ip[TCP_COPY_ND_D0]; i0++)
    for (i1 = 0; i1 < ip[TCP_COPY_ND_D1]; i1++)
      for (i2 = 0; i2 < ip[TCP_COPY_ND_D2]; i2++)
        for (i3 = 0; i3 < ip[TCP_COPY_ND_D3]; i3++)
          for (i4 = 0; i4 < ip[TCP_COPY_ND_D4]; i4++) {
            const ptrdiff_t xo = ip[TCP_COPY_ND_IN_OFF] + i0 * ip[TCP_COPY_ND_A0] + i1 * ip[TCP_COPY_ND_A1]
                                 + i2 * ip[TCP_COPY_ND_A2] + i3 * ip[TCP_COPY_ND_A3] + i4 * ip[TCP_COPY_ND_A4];
            const ptrdiff_t yo = ip[TCP_COPY_ND_OUT_OFF] + i0 * ip[TCP_COPY_ND_B0] + i1 * ip[TCP_COPY_ND_B1]
                                 + i2 * ip[TCP_COPY_ND_B2] + i3 * ip[TCP_COPY_ND_B3] + i4 * ip[TCP_COPY_ND_B4];
            if (ip[TCP_COPY_ND_A5] == 1 && ip[TCP_COPY_ND_B5] == 1) {
              memcpy(y + yo * es, x + xo * es, (size_t)(ip[TCP_COPY_ND_D5] * es));
            } else {
              const ptrdiff_t n = ip[TCP_COPY_ND_D5], a = ip[TCP_COPY_ND_A5], b = ip[TCP_COPY_ND_B5];
              switch (es) { /* element by element: one load and one store each for the common sizes */
              case 1:
                for (i5 = 0; i5 < n; i5++)
                  y[yo + i5 * b] = x[xo + i5 * a];
                break;
              case 2:
                for (i5 = 0; i5 < n; i5++)
                  memcpy(y + (yo + i5 * b) * 2, x + (xo + i5 * a) * 2, 2);
                break;
              case 4:
                for (i5 = 0; i5 < n; i5++)
                  memcpy(y + (yo + i5 * b) * 4, x + (xo + i5 * a) * 4, 4);
                break;
              default:
                for (i5 = 0; i5 < n; i5++)
                  memcpy(y + (yo + i5 * b) * es, x + (xo + i5 * a) * es, (size_t)es);
              }
            }
          }
}
