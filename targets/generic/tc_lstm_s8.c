/* tinycc portable kernel: lstm_s8 (UNIDIRECTIONAL_SEQUENCE_LSTM with int8 activations and weights,
 * an int16 cell state: TFLite Micro's 8x8->16 integer LSTM, bit-exact; tc_lstm_q.h).
 * tinycc: shared with the host executor. */
#include "tc_lstm_q.h"

void tc_lstm_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch)
{
  (void)fp;
  (void)scratch;
  tc_lstm_q(buf, ip, 0);
}
