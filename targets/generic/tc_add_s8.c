/* tinycc portable kernel: add_s8 (int8 ADD with 6-D broadcasting, TFLite's rescaling). */
#include "tc_internal.h"

/* One element by the ADD's exact linear form (add_s8's lin_*, found at compile time by
   ops.elementwise.add_linear): four 32-bit products and two shifts instead of TFLite's three 64-bit
   rescalings, the same result. Within the parameters' checked ranges no sum leaves 32 bits. */
static inline int8_t tc_add_lin_one(int32_t a, int32_t b, const int32_t *ip)
{
  const int32_t t = tc_asr32(ip[TCP_ADD_S8_LIN_C0] + a * ip[TCP_ADD_S8_LIN_A0] + b * ip[TCP_ADD_S8_LIN_B0], 15);
  const int32_t v = tc_asr32(t + a * ip[TCP_ADD_S8_LIN_A1] + b * ip[TCP_ADD_S8_LIN_B1] + ip[TCP_ADD_S8_LIN_C1],
                             (int)ip[TCP_ADD_S8_LIN_SHIFT]);
  return (int8_t)tc_clamp32(v, ip[TCP_ADD_S8_ACT_MIN], ip[TCP_ADD_S8_ACT_MAX]);
}

/* a contiguous row by the linear form when there is one, else TFLite's arithmetic */
#define TC_ADD_ROW_S8(T, pa, pb, yp, n)                                                                       \
  if (ip[TCP_ADD_S8_LIN]) {                                                                                   \
    for (i5 = 0; i5 < (n); i5++)                                                                              \
      (yp)[i5] = tc_add_lin_one((pa)[i5], (pb)[i5], ip);                                                      \
  } else                                                                                                      \
    TC_ADD_ROW(T, pa, pb, yp, n)

void tc_add_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
TC_ADD_BODY_ROWS(int8_t, ADD_S8, TC_ADD_ROW_S8)
