/* tinycc portable kernel: copy (nbytes bytes; any overlap). */
#include <string.h>

#include "tc_internal.h"

void tc_copy(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  if (ip[0] > 0 && buf[1] != buf[0])
    memmove(buf[1], buf[0], (size_t)ip[0]);
}
