/* tinycc portable kernel: cast (CAST between int8, int16, int32, uint32 and float32, as TFLite
 * Micro's static_cast per element): integers to integers wrap to the output's width (two's
 * complement), integers to float32 round to nearest, float32 to integers truncate toward zero and
 * saturate to the output's range (NaN -> 0), as TFLite Micro's results on its builds.
 * tinycc: shared with the host executor. */
#include "tc_internal.h"

/* type codes: 0 int8, 1 int16, 2 int32, 3 uint32, 4 float32 */
static int64_t tc_cast_load(const void *p, ptrdiff_t i, int32_t t)
{
  switch (t) {
  case 0: return ((const int8_t *)p)[i];
  case 1: return ((const int16_t *)p)[i];
  case 2: return ((const int32_t *)p)[i];
  default: return ((const uint32_t *)p)[i];
  }
}

static void tc_cast_store(void *p, ptrdiff_t i, int32_t t, int64_t v)
{
  const uint64_t u = (uint64_t)v; /* the low bits: two's complement wrap */
  if (t == 0)
    ((uint8_t *)p)[i] = (uint8_t)u;
  else if (t == 1)
    ((uint16_t *)p)[i] = (uint16_t)u;
  else
    ((uint32_t *)p)[i] = (uint32_t)u;
}

/* in single precision (a Cortex-M4F has no double-precision unit): the bounds are powers of two or
   exact, and a float strictly inside them truncates to a value of the type */
static int64_t tc_cast_saturate(float x, int32_t t)
{
  static const float lo[4] = {-128.0f, -32768.0f, -2147483648.0f, 0.0f};
  static const float above[4] = {128.0f, 32768.0f, 2147483648.0f, 4294967296.0f};
  static const int64_t hi[4] = {127, 32767, 2147483647, 4294967295};
  if (x != x)
    return 0;
  if (x <= lo[t])
    return (int64_t)lo[t];
  if (x >= above[t])
    return hi[t];
  if (t == 3)
    return (int64_t)(uint32_t)x;
  return (int32_t)x; /* truncates toward zero */
}

/* buffers: in, out (not in place). ip: size in_type out_type. */
void tc_cast(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const ptrdiff_t size = ip[TCP_CAST_SIZE];
  const int32_t ti = ip[TCP_CAST_IN_TYPE], to = ip[TCP_CAST_OUT_TYPE];
  const void *const in = buf[TCB_CAST_IN];
  void *const out = buf[TCB_CAST_OUT];
  ptrdiff_t i;
  (void)fp;
  (void)scratch;
  for (i = 0; i < size; i++) {
    if (ti == 4) {
      const float x = ((const float *)in)[i];
      if (to == 4)
        ((float *)out)[i] = x;
      else
        tc_cast_store(out, i, to, tc_cast_saturate(x, to));
    } else if (to == 4) {
      const int64_t v = tc_cast_load(in, i, ti); /* converted from 32 bits: no 64-bit float helper */
      ((float *)out)[i] = ti == 3 ? (float)(uint32_t)v : (float)(int32_t)v;
    } else {
      tc_cast_store(out, i, to, tc_cast_load(in, i, ti));
    }
  }
}
