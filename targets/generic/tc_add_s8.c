/* tinycc portable kernel: add_s8 (int8 ADD with 6-D broadcasting, TFLite's rescaling). */
#include "tc_internal.h"

void tc_add_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
TC_ADD_BODY(int8_t, ADD_S8)
