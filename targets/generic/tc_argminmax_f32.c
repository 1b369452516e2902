/* tinycc portable kernel: argminmax_f32 (ARG_MAX / ARG_MIN over float32, int32 indices).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* buffers: in (float32 [outer][axis][inner]), out (int32 [outer][inner]). ip: mode outer axis
   inner. mode 1: index of the first maximum, 0: of the first minimum (see TC_ARGMINMAX_BODY). */
void tc_argminmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
TC_ARGMINMAX_BODY(float, ARGMINMAX_F32)
