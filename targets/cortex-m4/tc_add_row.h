/* tinycc Armv7E-M DSP (Cortex-M4, M7, M33): the int8 ADD of two contiguous rows for the fused ADD
 * epilogue of row streaming (tc_stream.h), in place of the generic tc_add_row.h in these targets'
 * libraries: add_s8's DSP row (tc_dsp_add.h) when the parameters allow its fast form, else the
 * portable one (always at -Os). Its constants are prepared per row (a few dozen instructions). */
#ifndef TC_ADD_ROW_H
#define TC_ADD_ROW_H

#include "tc_dsp_add.h"

static inline void tc_add_s8_row(const int8_t *x1, const int8_t *x2, int8_t *y, ptrdiff_t n,
                                 const tc_add_s8_params *p)
{
  ptrdiff_t i;
#ifndef __OPTIMIZE_SIZE__ /* -Os: the portable row (400 bytes less in every library that streams rows) */
  if (!tc_dsp_add_row(x1, x2, y, n, p))
#endif
    for (i = 0; i < n; i++)
      y[i] = tc_add_one_s8(x1[i], x2[i], p);
}

#endif
