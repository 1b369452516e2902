/* tinycc portable kernels: helpers of TFLite Micro's signal-library kernels (header only). */
#ifndef TC_SIGNAL_H
#define TC_SIGNAL_H

#include "tc_internal.h"

/* MostSignificantBit32 as TFLite Micro's GCC builds compute it: the bit count of x, 32 for 0. */
static inline int tc_msb32(uint32_t x)
{
  return x ? 32 - tc_clz32(x) : 32;
}

/* C's conversion of an int result to int16_t (two's complement wrap). */
static inline int16_t tc_w16(int32_t v)
{
  return (int16_t)(uint16_t)(uint32_t)v;
}

#endif
