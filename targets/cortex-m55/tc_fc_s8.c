/* tinycc Cortex-M55 (MVE) kernel: fc_s8 (int8 fully connected, per-channel requantization).
   One GEMM row per batch (tc_mve_gemm_row: 4 units at a time sharing each 16-byte input load);
   weights and per-unit parameters packed (in the bias buffer; mult and shift unused), the input
   zero point folded into the bias at compile time (prepare_m55_gemm). */
#include "tc_mve.h"

void tc_fc_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  const int8_t *const x = (const int8_t *)buf[TCB_FC_S8_IN];
  int8_t *restrict const y = (int8_t *)buf[TCB_FC_S8_OUT];
  const int8_t *const w = (const int8_t *)buf[TCB_FC_S8_W];
  const int32_t *const rq = (const int32_t *)buf[TCB_FC_S8_BIAS]; /* bias and requantization, packed */
  const int32_t batches = ip[TCP_FC_S8_BATCHES], depth = ip[TCP_FC_S8_DEPTH], units = ip[TCP_FC_S8_UNITS];
  tc_mve_q q;
  int32_t b;
  (void)fp;
  (void)scratch;
  tc_mve_q_init(&q, ip[TCP_FC_S8_OUT_ZP], ip[TCP_FC_S8_ACT_MIN], ip[TCP_FC_S8_ACT_MAX]);
  for (b = 0; b < batches; b++)
    tc_mve_gemm_row(x + (ptrdiff_t)b * depth, depth, w, rq, units, y + (ptrdiff_t)b * units, &q);
}
