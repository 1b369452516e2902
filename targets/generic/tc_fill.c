/* tinycc portable kernel: fill (every element of the output set to one value: pad borders).
 * tinycc: shared with the host executor. */
#include <string.h>

#include "tc_internal.h"

/* ip: esize (1, 2 or 4) count value (the element's bits in the low esize bytes, little or big
   endian as the target stores an int32 of that value) */
void tc_fill(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  uint8_t *const y = (uint8_t *)buf[TCB_FILL_OUT];
  const ptrdiff_t es = ip[TCP_FILL_ESIZE], n = ip[TCP_FILL_COUNT];
  ptrdiff_t i;
  (void)fp;
  (void)scratch;
  if (es == 1) {
    memset(y, (int)(uint8_t)ip[TCP_FILL_VALUE], (size_t)n);
  } else if (es == 2) {
    const int16_t v = (int16_t)ip[TCP_FILL_VALUE];
    for (i = 0; i < n; i++)
      memcpy(y + i * 2, &v, 2);
  } else {
    const int32_t v = ip[TCP_FILL_VALUE];
    for (i = 0; i < n; i++)
      memcpy(y + i * 4, &v, 4);
  }
}
