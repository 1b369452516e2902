/* tinycc portable kernel: lstm_s16 (UNIDIRECTIONAL_SEQUENCE_LSTM 16x8: int16 activations, int8
 * weights, int64 biases, an int16 cell state: TFLite Micro's 16x8->16 integer LSTM; tc_lstm_q.h).
 * tinycc: shared with the host executor. */
#include "tc_lstm_q.h"

void tc_lstm_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_lstm_q(buf, ip, 1);
}
