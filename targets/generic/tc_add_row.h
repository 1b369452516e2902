/* tinycc: the int8 ADD of two contiguous rows, x1 + x2 -> y (y may be exactly x1 or x2), as the
 * fused ADD epilogue of row streaming computes it (tc_stream.h). This is the portable row; a
 * target's directory may hold its own tc_add_row.h, which the code generator takes over this one
 * (a target's headers come before the generic ones): the Cortex-M4's runs its DSP add_s8 row. */
#ifndef TC_ADD_ROW_H
#define TC_ADD_ROW_H

#include "tc_internal.h"

static inline void tc_add_s8_row(const int8_t *x1, const int8_t *x2, int8_t *y, ptrdiff_t n,
                                 const tc_add_s8_params *p)
{
  ptrdiff_t i;
  for (i = 0; i < n; i++)
    y[i] = tc_add_one_s8(x1[i], x2[i], p);
}

#endif
