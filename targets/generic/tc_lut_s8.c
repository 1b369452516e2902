/* tinycc portable kernel: lut_s8 (an int8 elementwise op as a 256-entry table built at compile
 * time from the op's reference semantics: activations, requantizing unary ops).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in, out, table (256 int8, indexed by in + 128); ip: size. In place allowed. */
void tc_lut_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_LUT_S8_IN];
  int8_t *const y = (int8_t *)buf[TCB_LUT_S8_OUT];
  const int8_t *const t = (const int8_t *)buf[TCB_LUT_S8_TABLE];
  const ptrdiff_t n = ip[TCP_LUT_S8_SIZE];
  ptrdiff_t i;
  (void)fp;
  (void)scratch;
  for (i = 0; i < n; i++)
    y[i] = t[(int)x[i] + 128];
}
