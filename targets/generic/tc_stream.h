/* tinycc row streaming, shared by tc_run_streamed.c and tc_run_chain.c: the streamable kernels'
 * common buffer indices and the flush of one output row (a copy, or the fused ADD), defined once
 * (tinycc-source: tc_stream.c -- a library whose runners include this header compiles that file).
 *
 * The add_f32 epilogue is the only floating point here: define TC_NO_FLOAT to leave it out (an int8
 * model on a core without an FPU then links no soft-float helpers); epilogue 2 must not be used then.
 */
#ifndef TC_STREAM_H
#define TC_STREAM_H

#include <string.h>

#include "tc_add_row.h"
#include "tc_internal.h"

/* The input and output buffers' indices: the same in every streamable kernel (those with a Stream in the kernel
   table), checked here. */
#define TC_STREAM_OUT TCB_CONV2D_S8_OUT
#define TC_STREAM_IN TCB_CONV2D_S8_IN
TC_SAME_BUF(CONV2D_S8, DWCONV2D_S8, OUT);
TC_SAME_BUF(CONV2D_S8, DWCONV2D_S8, IN);
TC_SAME_BUF(CONV2D_S8, AVGPOOL_S8, OUT);
TC_SAME_BUF(CONV2D_S8, AVGPOOL_S8, IN);
TC_SAME_BUF(CONV2D_S8, MAXPOOL_S8, OUT);
TC_SAME_BUF(CONV2D_S8, MAXPOOL_S8, IN);
TC_SAME_BUF(CONV2D_S8, CONV2D_F32, OUT);
TC_SAME_BUF(CONV2D_S8, CONV2D_F32, IN);
TC_SAME_BUF(CONV2D_S8, DWCONV2D_F32, OUT);
TC_SAME_BUF(CONV2D_S8, DWCONV2D_F32, IN);
TC_SAME_BUF(CONV2D_S8, AVGPOOL_F32, OUT);
TC_SAME_BUF(CONV2D_S8, AVGPOOL_F32, IN);
TC_SAME_BUF(CONV2D_S8, MAXPOOL_F32, OUT);
TC_SAME_BUF(CONV2D_S8, MAXPOOL_F32, IN);
TC_SAME_BUF(CONV2D_S8, TRANSPOSE_NCHW_S8, OUT);
TC_SAME_BUF(CONV2D_S8, TRANSPOSE_NCHW_S8, IN);
TC_SAME_BUF(CONV2D_S8, TRANSPOSE_NCHW_F32, OUT);
TC_SAME_BUF(CONV2D_S8, TRANSPOSE_NCHW_F32, IN);

/* Output row q from its ring slot: a copy, or the fused ADD with row q of `other` (st->other's
   address). Defined once, in tc_stream.c, for both runners. */
void tc_flush_row(const tc_stream *st, const tc_add_s8_params *ap, const void *other, uint8_t *out,
                  const uint8_t *ring, int32_t nslot, int32_t q);

#endif
