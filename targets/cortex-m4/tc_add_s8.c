/* tinycc Armv7E-M DSP kernel (Cortex-M4, M7, M33): add_s8 (int8 ADD, TFLite's rescaling), bit-exact
 * with the portable kernel. Rows whose inputs are both contiguous (every ADD without broadcast: one
 * row) take the DSP row of tc_dsp_add.h when the call's parameters allow its fast form (TFLite's
 * always do); broadcast rows and other parameters run the portable code (TC_ADD_BODY_ROWS, tc_add_one). */
#include "tc_dsp_add.h"

/* a row: the DSP row, or (parameters outside its fast form) the portable one */
#define TC_DSP_ADD_ROW(T, pa, pb, yp, n) \
  if (!tc_dsp_add_row(pa, pb, yp, n, &p)) \
  TC_ADD_ROW(T, pa, pb, yp, n)

void tc_add_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
TC_ADD_BODY_ROWS(int8_t, ADD_S8, TC_DSP_ADD_ROW)
