/* tinycc portable kernel: add_s16 (int16 ADD with 6-D broadcasting: TFLite Micro's general
 * int16 rescaling, left shift 15).
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

void tc_add_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
TC_ADD_BODY(int16_t, ADD_S16)
