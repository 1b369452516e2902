/* tinycc portable kernel: argminmax_s8 (ARG_MAX / ARG_MIN over int8 raw values, int32 indices).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in (int8 [outer][axis][inner]), out (int32 [outer][inner]). ip: mode outer axis inner.
   mode 1: index of the first maximum, 0: of the first minimum. */
void tc_argminmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
TC_ARGMINMAX_BODY(int8_t, ARGMINMAX_S8)
