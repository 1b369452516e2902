/* tinycc portable kernel: copy (nbytes bytes; any overlap). */
#include <string.h>

#include "tc_internal.h"

void tc_copy(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  if (ip[TCP_COPY_NBYTES] > 0 && buf[TCB_COPY_OUT] != buf[TCB_COPY_IN])
    memmove(buf[TCB_COPY_OUT], buf[TCB_COPY_IN], (size_t)ip[TCP_COPY_NBYTES]);
}
