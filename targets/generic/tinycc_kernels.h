/* tinycc kernels: the C ABI shared by every C target (portable C99 in targets/generic; vector
 * versions with the same ABI in targets/cortex-m55 and targets/rv64gcv).
 *
 * Every kernel is
 *   void tc_<name>(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
 * with `buf` the buffers, `ip` the integer parameters (int32) and `fp` the float parameters
 * (float32), each in the order of the host executor's table tinycc._host.KERNELS[name] (listed
 * below). Semantics are those of the host executor's Cython kernels (kernels_pyx/), which are
 * those of the NumPy reference in tinycc/ops: int8 kernels bit-exact with TFLite Micro, float32
 * kernels summed in the same order as the host executor.
 *
 * Contract (the code generator only emits calls the host executor's validation accepts): sizes,
 * strides and dilations >= 1, zero points in [-128, 127], shifts in [-31, 31], activation
 * bounds ordered; int32 / float32 buffers 4-byte aligned; every buffer holds the bytes the
 * parameters make the kernel touch. `scratch` (4-byte aligned) is needed only where listed, of
 * at least the given bytes, and never overlaps a buffer; other kernels accept NULL.
 * In place (output at exactly the input's address) is allowed for copy (any overlap),
 * requantize_s8, quantize_f32_s8, softmax_s8, softmax_s16, softmax_f32, and add_s8 / add_f32 when the
 * aliased input is not broadcast. The other kernels' outputs must not overlap their inputs
 * (they are declared restrict inside); tc_run_streamed gives them in-place row streaming.
 *
 * No malloc, no stdio, no floating point in the int8 kernels, no libm except expf in
 * softmax_f32. Files (one per kernel; tc_internal.h holds the shared static inline helpers):
 *
 *   file                   kernel             buffers                         scratch
 *   tc_conv2d_s8.c         conv2d_s8          in out w bias mult shift        -
 *   tc_dwconv2d_s8.c       dwconv2d_s8        in out w bias mult shift        oc * 4
 *   tc_fc_s8.c             fc_s8              in out w bias mult shift        -
 *   tc_avgpool_s8.c        avgpool_s8         in out                          c * 4
 *   tc_maxpool_s8.c        maxpool_s8         in out                          c * 4 (unused)
 *   tc_add_s8.c            add_s8             in1 in2 out                     -
 *   tc_softmax_s8.c        softmax_s8         in out                          -
 *   tc_copy.c              copy               in out                          -
 *   tc_quantize_f32_s8.c   quantize_f32_s8    in(f32) out(s8)                 -
 *   tc_requantize_s8.c     requantize_s8      in out                          -
 *   tc_dequantize_s8_f32.c dequantize_s8_f32  in(s8) out(f32)                 -
 *   tc_conv2d_f32.c        conv2d_f32         in out w bias                   -
 *   tc_dwconv2d_f32.c      dwconv2d_f32       in out w bias                   oc * 4
 *   tc_fc_f32.c            fc_f32             in out w bias                   -
 *   tc_avgpool_f32.c       avgpool_f32        in out                          c * 4
 *   tc_maxpool_f32.c       maxpool_f32        in out                          c * 4
 *   tc_add_f32.c           add_f32            in1 in2 out                     -
 *   tc_softmax_f32.c       softmax_f32        in out                          - (uses expf)
 *   tc_copy_nd.c           copy_nd            in out                          -
 *   tc_fill.c              fill               out                             -
 *   tc_lut_s8.c            lut_s8             in out table                    -
 *   tc_unary_f32.c         unary_f32          in out                          -
 *   tc_binary_s8.c         binary_s8          in1 in2 out                     -
 *   tc_binary_f32.c        binary_f32         in1 in2 out                     -
 *   tc_reduce_s8.c         reduce_s8          in out                          -
 *   tc_reduce_f32.c        reduce_f32         in out                          -
 *   tc_argminmax_s8.c      argminmax_s8       in(s8) out(s32)                 -
 *   tc_argminmax_f32.c     argminmax_f32      in(f32) out(s32)                -
 *   tc_resize_nearest.c    resize_nearest     in out ytab xtab                -
 *   tc_resize_bilinear_s8.c  resize_bilinear_s8   in out ytab xtab          -
 *   tc_resize_bilinear_f32.c resize_bilinear_f32  in out yidx xidx yw xw    -
 *   tc_batch_matmul_s8.c   batch_matmul_s8    lhs rhs out                     -
 *   tc_batch_matmul_f32.c  batch_matmul_f32   lhs rhs out                     -
 *   tc_transpose_conv_s8.c transpose_conv_s8  in out w bias mult shift        -
 *   tc_transpose_conv_f32.c transpose_conv_f32 in out w bias                  -
 *   tc_log_softmax_s8.c    log_softmax_s8     in out                          -
 *   tc_l2norm_s8.c         l2norm_s8          in out                          -
 *   tc_l2norm_f32.c        l2norm_f32         in out                          -
 *   tc_lstm_s8.c           lstm_s8            in out h c w r bias mult shift table -
 *   tc_lstm_f32.c          lstm_f32           in out h c w r bias             -
 *   tc_lstm_s16.c          lstm_s16           in out h c w r bias mult shift table -
 *   tc_binary_s16.c        binary_s16         in1 in2 out                     -
 *   tc_relu_s16.c          relu_s16           in out                          -
 *   tc_log_softmax_f32.c   log_softmax_f32    in out                          -
 *   tc_reduce_s16.c        reduce_s16         in out                          -
 *   tc_conv_s16.c          conv_s16           in out w bias mult shift        -
 *   tc_convert_s16.c       convert_s16        in out                          -
 *   tc_requantize_s16.c    requantize_s16     in out                          -
 *   tc_pool_s16.c          pool_s16           in out                          -
 *   tc_add_s16.c           add_s16            in1 in2 out                     -
 *   tc_sigmoid_tanh_s16.c  sigmoid_tanh_s16   in out table                    -
 *   tc_batch_matmul_s16.c  batch_matmul_s16   lhs rhs out                     -
 *   tc_transpose_conv_s16.c transpose_conv_s16 in out w bias mult shift       -
 *   tc_softmax_s8_s16.c    softmax_s8_s16     in(s8) out(s16)                 -
 *   tc_softmax_s16.c       softmax_s16        in out exp_lut recip_lut        -
 *   tc_unary_s16.c         unary_s16          in out                          -
 *   tc_svdf_s8.c           svdf_s8            in out state wf wt bias         -
 *   tc_svdf_s16.c          svdf_s16           in out state wf wt bias         -
 *   tc_svdf_f32.c          svdf_f32           in out state wf wt bias         -
 *   (the last ones are also the host executor's: it calls these C files itself)
 *   tc_run_streamed.c      tc_run_streamed    (row streaming of the sliding-window kernels,
 *                                              with the fused ADD epilogue built in; its add_f32
 *                                              epilogue is its only floating point: -DTC_NO_FLOAT
 *                                              leaves it out for int8 models on FPU-less cores)
 */
#ifndef TINYCC_KERNELS_H
#define TINYCC_KERNELS_H

#include <stdint.h>

/* Alignment of the generated constant arrays. */
#ifndef TC_ALIGN
#if defined(__GNUC__) || defined(__clang__)
#define TC_ALIGN(n) __attribute__((aligned(n)))
#else
#define TC_ALIGN(n)
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*tc_kernel_fn)(void *const *buf, const int32_t *ip, const float *fp, void *scratch);

/* ---- int8 ------------------------------------------------------------------------------------ */

/* NHWC convolution; w is [oc][kh][kw][c] int8, bias / mult / shift oc int32 (per channel).
   ip: n h w c oh ow oc kh kw sh sw dh dw pt pl act_min act_max in_zp out_zp */
void tc_conv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* depthwise; w is [kh][kw][oc] int8, oc = c * dm.
   ip: n h w c oh ow oc kh kw sh sw dh dw pt pl act_min act_max in_zp out_zp dm; scratch oc * 4 */
void tc_dwconv2d_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* w is [units][depth]. ip: batches depth units act_min act_max in_zp out_zp */
void tc_fc_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: n h w c oh ow kh kw sh sw pt pl act_min act_max; scratch c * 4 */
void tc_avgpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_maxpool_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* Broadcasting add over 6-D: out is dense d0..d5, in1 / in2 element strides a0..a5 / b0..b5.
   ip: d0..d5 a0..a5 b0..b5 act_min act_max in1_off in2_off out_off left_shift m1 s1 m2 s2 mo so */
void tc_add_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: outer depth mult left_shift diff_min */
void tc_softmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: nbytes (memmove) */
void tc_copy(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: size zp; fp: scale (round half away from zero, saturate; NaN -> -128) */
void tc_quantize_f32_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: size in_zp out_zp mult shift */
void tc_requantize_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: size zp; fp: scale */
void tc_dequantize_s8_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);

/* ---- any element type ------------------------------------------------------------------------ */

/* Affine copy over 6-D. ip: esize in_off out_off d0..d5 a0..a5 b0..b5 (elements) */
void tc_copy_nd(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* buffers: out. ip: esize count value */
void tc_fill(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* buffers: in out table[256]. ip: size */
void tc_lut_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);

/* ---- unary / binary elementwise (tinycc/ops/activations.py, binary.py) ------------------------ */

/* float32 unary op (code: activations.F32_CODES). ip: size op; fp: alpha. In place allowed. */
void tc_unary_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* Broadcasting int8 binary op as add_s8 (code: binary.CODES, 0..5).
   ip: d0..d5 a0..a5 b0..b5 op act_min act_max in1_off in2_off out_off left_shift m1 s1 m2 s2 mo so */
void tc_binary_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* float32 (codes 0..7). ip: d0..d5 a0..a5 b0..b5 op; fp: act_min act_max */
void tc_binary_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);

/* ---- reductions, resizes, matmuls (tinycc/ops/reduce.py, resize.py, matmul.py) ------------- */

/* Reduction over up to 3 reduced dimension groups (sizes r0..r2, element strides ra0..ra2) for
   each of up to 3 kept groups (o0..o2, oa0..oa2); out is dense [o0][o1][o2].
   ip: mode o0 o1 o2 oa0 oa1 oa2 r0 r1 r2 ra0 ra1 ra2 in_zp out_zp mult shift;
   mode 0: requantized sum (SUM, MEAN), 1: max, 2: min */
void tc_reduce_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: mode o0 o1 o2 oa0 oa1 oa2 r0 r1 r2 ra0 ra1 ra2; mode 0: sum, 1: mean, 2: max, 3: min */
void tc_reduce_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* in [outer][axis][inner] -> out int32 [outer][inner]. ip: mode(1: max, 0: min) outer axis inner */
void tc_argminmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_argminmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* NHWC resizes with per-row / per-column tables (indices clamped into the input). ip (nearest):
   esize n h w c oh ow; ytab oh int32 rows, xtab ow int32 columns */
void tc_resize_nearest(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: n h w c oh ow; ytab oh x {y0 y1 wy0 wy1}, xtab ow x {x0 x1 wx0 wx1} int32 (10-bit weights) */
void tc_resize_bilinear_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: n h w c oh ow; yidx oh x {y0 y1}, xidx ow x {x0 x1} int32; yw, xw {1 - d, d} float32 */
void tc_resize_bilinear_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* Batched matmul, out dense [b0][b1][b2][m][n]; lhs (i, t) at batch offset + i * lsi + t * lsk, rhs
   (t, j) at + t * rsk + j * rsj; batch offsets i0 * la0 + ... (0: broadcast).
   ip: b0 b1 b2 la0 la1 la2 ra0 ra1 ra2 m k n lsi lsk rsk rsj lhs_zp rhs_zp out_zp mult shift */
void tc_batch_matmul_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: b0 b1 b2 la0 la1 la2 ra0 ra1 ra2 m k n lsi lsk rsk rsj */
void tc_batch_matmul_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* Transposed convolution (gathered); w is [oc][kh][kw][c]; pt, pl: the forward conv's padding.
   ip: n h w c oh ow oc kh kw sh sw pt pl act_min act_max in_zp out_zp */
void tc_transpose_conv_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: n h w c oh ow oc kh kw sh sw pt pl; fp: act_min act_max */
void tc_transpose_conv_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* Log softmax over the last axis (output scale 16/256, zero point 127).
   ip: outer depth mult left_shift rev_div rev_shift diff_min */
void tc_log_softmax_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* L2 normalization over the last axis. ip: outer depth zp (s8: output scale 1/128, zero point 0) */
void tc_l2norm_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: outer depth */
void tc_l2norm_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* UNIDIRECTIONAL_SEQUENCE_LSTM; h and c are the state (read and updated). ip: batch time n_in units
   time_major in_zp h_zp m_fc s_fc m_ig s_ig m_o s_o tanh_mult tanh_shift clip */
void tc_lstm_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: batch time n_in units time_major; fp: cell_clip */
void tc_lstm_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* 16x8 LSTM (int16 in, out and h, int64 bias); ip as lstm_s8 */
void tc_lstm_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* int16 SUB, MUL, MAXIMUM, MINIMUM, SQUARED_DIFFERENCE; ip as binary_s8 */
void tc_binary_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* int16 RELU (mode 0), RELU6 (1), LEAKY_RELU (2). ip: size mode in_zp out_zp m1 s1 m2 s2 lo hi neg */
void tc_relu_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* float32 log softmax over the last axis. ip: outer depth */
void tc_log_softmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* int16 MEAN, SUM, REDUCE_MAX, REDUCE_MIN; ip as reduce_s8 */
void tc_reduce_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* 16x8 (int16 activations, int8 weights, int64 bias) convolution (dm 0), depthwise (dm >= 1) or
   fully connected (1x1). ip: n h w c oh ow oc kh kw sh sw dh dw pt pl dm act_min act_max wide */
void tc_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* QUANTIZE float32 -> int16 (mode 0), DEQUANTIZE int16 -> float32 (1). ip: mode size zp; fp: scale */
void tc_convert_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* QUANTIZE between int8, int16 and int32 (in_bytes, out_bytes: 1, 2 or 4).
   ip: size in_zp out_zp mult shift in_bytes out_bytes */
void tc_requantize_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* int16 pooling. ip: n h w c oh ow kh kw sh sw pt pl act_min act_max mode (0 average, 1 max) */
void tc_pool_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* int16 ADD; ip as add_s8 (left shift 15) */
void tc_add_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* int16 LOGISTIC / TANH. ip: size mode (0 logistic, 1 tanh) mult shift */
void tc_sigmoid_tanh_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* int16 BATCH_MATMUL (zero points 0, int64 accumulation); ip as batch_matmul_s8 */
void tc_batch_matmul_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* 16x8 TRANSPOSE_CONV (int64 bias). ip: n h w c oh ow oc kh kw sh sw pt pl act_min act_max */
void tc_transpose_conv_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* SOFTMAX int8 -> int16 (scale 1/65536, zero point -32768); ip as softmax_s8 */
void tc_softmax_s8_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* SOFTMAX int16 -> int16 (TFLite's tables, 513 int16 each). ip: outer depth mult shift */
void tc_softmax_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* int16 RSQRT (mode 0) and ABS (1). ip: size mode rescale mult shift */
void tc_unary_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* SVDF; state is the activation state [batch][units * rank][memory] (read and updated). int8 in, out
   and wf; state and wt int8 (svdf_s8) or int16 (svdf_s16); int32 bias.
   ip: batch n_in units rank memory in_zp state_zp out_zp m1 s1 m2 s2 */
void tc_svdf_s8(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_svdf_s16(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* float32 SVDF. ip: batch n_in units rank memory; fp: act_min act_max */
void tc_svdf_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);

/* ---- float32 --------------------------------------------------------------------------------- */

/* ip: n h w c oh ow oc kh kw sh sw dh dw pt pl; fp: act_min act_max */
void tc_conv2d_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: n h w c oh ow oc kh kw sh sw dh dw pt pl dm; fp: act_min act_max; scratch oc * 4 */
void tc_dwconv2d_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: batches depth units; fp: act_min act_max */
void tc_fc_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: n h w c oh ow kh kw sh sw pt pl; fp: act_min act_max; scratch c * 4 */
void tc_avgpool_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
void tc_maxpool_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: d0..d5 a0..a5 b0..b5; fp: act_min act_max */
void tc_add_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
/* ip: outer depth; fp: beta */
void tc_softmax_f32(void *const *buf, const int32_t *ip, const float *fp, void *scratch);

/* ---- row streaming ------------------------------------------------------------------------- */

/* A sliding-window kernel (conv2d, dwconv2d, avgpool, maxpool; s8 or f32; n == 1) one output row
 * at a time. Row r is computed alone (oh = 1, pt - r * sh) into ring slot r % (delay + 1) of
 * scratch; once row r is computed, row r - delay is written to the output (reverse: rows run from
 * oh - 1 down to 0 and row r + delay is written after row r). So output row q is written only
 * once rows 0..q + delay (reverse: oh - 1..q - delay) are computed and may overwrite input those
 * no longer read. With an epilogue, out[q] = ADD(row q, other[q]) (conv_first) or
 * ADD(other[q], row q); `other` may be the output itself (its row q is read just before output
 * row q is written). Scratch: the kernel's own scratch rounded up to 64 bytes, then the ring of
 * (delay + 1) * rb bytes. 0 <= delay <= oh. Bit for bit the plain kernel (then the ADD). */
typedef struct {
  int32_t delay, reverse;       /* ring of delay+1 rows; rows from the last when reverse */
  int32_t pt_index, sh_index;   /* where the kernel keeps pt and sh in ip; oh is ip[4] */
  int32_t rb;                   /* bytes per output row */
  int32_t kscratch;             /* the kernel's own scratch bytes; the ring starts at scratch + ((kscratch+63)&~63) */
  int32_t epilogue;             /* 0 none, 1 add_s8, 2 add_f32: fused ADD on each flushed row */
  int32_t conv_first;           /* the kernel's row is the ADD's input1 */
  const void *other;            /* the ADD's other operand (oh rows of rb bytes) */
  const int32_t *eip;           /* add_s8: act_min, act_max, in1_off, in2_off, out_off, left_shift, m1, s1, m2, s2, mo, so */
  const float *efp;             /* add_f32: act_min, act_max */
} tc_stream;

/* Runs fn (one of the eight streamable kernels) streamed. The parameter layout is recognised
   from pt_index (13: convolutions, 10: pooling) and the element size rb / (ow * channels); ip
   and buf are read only as far as that kernel's own parameters and buffers reach. */
void tc_run_streamed(tc_kernel_fn fn, void *const *buf, const int32_t *ip, const float *fp, void *scratch,
                     const tc_stream *st);

#ifdef __cplusplus
}
#endif

#endif /* TINYCC_KERNELS_H */
