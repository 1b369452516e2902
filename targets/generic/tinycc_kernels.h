/* tinycc kernels: the C ABI shared by every target (portable C99 in targets/generic; versions with
 * the same ABI in targets/cortex-m55, targets/rv64gcv and targets/x86_64).
 *
 * Every kernel is
 *   void tc_<name>(void *const *buf, const int32_t *ip, const float *fp, void *scratch);
 * with `buf` the buffers, `ip` the integer parameters (int32) and `fp` the float parameters
 * (float32), in the order of the kernel table (tinycc/kernels.py), whose generated tc_abi.h
 * declares every kernel with its operands' index names: a kernel reads ip[TCP_<KERNEL>_<PARAM>],
 * never a bare index. Semantics are those of the NumPy reference in tinycc/ops: the integer
 * kernels bit-exact with TFLite Micro.
 *
 * Contract (the code generator only emits calls the host executor's validation, Kernel.validate,
 * accepts): sizes, strides and dilations >= 1, zero points in their type's range, shifts in
 * [-31, 31], activation bounds ordered; buffers aligned to their element size; every buffer
 * holds the bytes the parameters make the kernel touch. `scratch` (4-byte aligned) is needed
 * only where the table says, of at least the bytes it gives, and never overlaps a buffer; other
 * kernels accept NULL. In place (output at exactly the input's address) is allowed where the
 * table's `inplace` says; the other kernels' outputs must not overlap their inputs;
 * tc_run_streamed gives the sliding-window kernels in-place row streaming.
 *
 * No malloc, no stdio, no floating point in the integer kernels, no libm except expf in the
 * float32 softmax, logistic-type ops and LSTM. One file per kernel; tc_internal.h holds the
 * shared static inline helpers.
 */
#ifndef TINYCC_KERNELS_H
#define TINYCC_KERNELS_H

#include <stdint.h>

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

#include "tc_abi.h"

/* ---- row streaming ------------------------------------------------------------------------- */

/* A buffer named in a library's static tables (streamed calls, chain links): base + off (a constant
 * array, or any address the caller resolved), or, with base NULL, the arena + off (off >= 0), or no
 * buffer (off < 0: a line buffer that tc_run_chain provides). */
typedef struct {
  const void *base;
  int32_t off;
} tc_ref;

static inline void *tc_ref_at(const tc_ref *r, uint8_t *arena)
{
  return r->base != 0 ? (void *)((uintptr_t)r->base + (uintptr_t)(intptr_t)r->off)
                      : r->off >= 0 ? (void *)(arena + r->off) : (void *)0;
}

/* A sliding-window kernel (a kernel with a Stream layout in the table; n == 1) one output row at
 * a time. Row r is computed alone (ip[oh_index] = 1, ip[pt_index] = pt - r * sh) into ring slot
 * r % (delay + 1) of scratch; once row r is computed, row r - delay is written to the output
 * (reverse: rows run from oh - 1 down to 0 and row r + delay is written after row r). So output
 * row q is written only once rows 0..q + delay (reverse: oh - 1..q - delay) are computed and may
 * overwrite input those no longer read. With an epilogue, out[q] = ADD(row q, other[q])
 * (conv_first) or ADD(other[q], row q); `other` may be the output itself (its row q is read just
 * before output row q is written). Scratch: the kernel's own scratch rounded up to 64 bytes, then
 * the ring of (delay + 1) * rb bytes. 0 <= delay <= oh. Bit for bit the plain kernel (then ADD). */
typedef struct {
  int32_t delay, reverse;       /* ring of delay+1 rows; rows from the last when reverse */
  int32_t nip, nbuf;            /* the kernel's iparams and buffers */
  int32_t oh_index, pt_index, sh_index; /* where the kernel keeps oh, pt and sh in ip */
  int32_t rb;                   /* bytes per output row */
  int32_t kscratch;             /* the kernel's own scratch bytes; the ring starts at scratch + ((kscratch+63)&~63) */
  int32_t epilogue;             /* 0 none, 1 add_s8, 2 add_f32: fused ADD on each flushed row */
  int32_t conv_first;           /* the kernel's row is the ADD's input1 */
  tc_ref other;                 /* the ADD's other operand (oh rows of rb bytes) */
  const int32_t *eip;           /* add_s8's iparams from act_min (its geometry is the row) */
  const float *efp;             /* add_f32: act_min, act_max */
} tc_stream;

void tc_run_streamed(tc_kernel_fn fn, void *const *buf, const int32_t *ip, const float *fp, void *scratch,
                     const tc_stream *st, uint8_t *arena);

/* ---- block streaming ----------------------------------------------------------------------- */

/* A chain of sliding-window kernels (convolutions, depthwise convolutions, pooling; n == 1), link
 * j reading link j-1's output, run row band by row band so that no intermediate tensor exists
 * whole: each lives in a line buffer of `cap` rows in scratch, holding the rows its consumer's
 * window still needs (rows are appended as the consumer asks for them and dropped once no later
 * window reads them; the kept rows move to the buffer's start when it is full). The last link
 * computes output row q of the chain, q = 0..oh - 1: straight into the output, or with `flush`
 * into ring slot q % (flush->delay + 1) at scratch + slot, output row q - delay then written (a
 * copy, or with flush's epilogue the fused ADD, as tc_run_streamed does), so the output may
 * overwrite chain input rows no later row reads. Link 0 reads its `in` buffer as given (in
 * patches: its input line buffer, see tc_chain); a later link is called on the band of rows its
 * window covers (ip[h_index] = rows in the band, ip[pt_index] = band start - window start; in
 * patches also ip[w_index], ip[ow_index], ip[pl_index] for the stripe's columns). Every output
 * row's window must cover at least one input row, and cap >= (kh - 1) * dh + 1 of the consumer.
 * Bit for bit the unchained kernels. */
typedef struct {
  tc_kernel_fn fn;
  const tc_ref *buf;            /* the kernel's buffers (`in` of a later link and `out` of an
                                   earlier one are line buffer rows: no buffer here) */
  const int32_t *ip;
  const float *fp;
  int32_t nip, nbuf;
  int32_t h_index, oh_index, pt_index, sh_index, kh_index, dh_index; /* dh_index < 0: no dilation */
  int32_t w_index, ow_index, pl_index, sw_index, kw_index, dw_index; /* columns alike (patches) */
  int32_t rb;                   /* bytes per output row */
  int32_t cap;                  /* rows of its output's line buffer (all links but the last) */
  int32_t ring;                 /* offset of that line buffer in scratch */
} tc_chain_link;

typedef struct {
  int32_t n;                    /* links, 2 .. TC_MAX_CHAIN */
  const tc_chain_link *link;
  const tc_stream *flush;       /* NULL, or the output ring: its delay, rb, epilogue (fused ADD) */
  int32_t slot;                 /* offset in scratch of the ring's delay + 1 rows */
  int32_t reduce;               /* 1 (int8) or 2 (float32): the last link is a global average pooling
                                   (one output pixel, its window all of its input), computed as a
                                   running sum over the rows of the link before, one row at a time;
                                   c accumulators (int32 / float) at scratch + slot; no flush */
  /* Patches (stripes >= 2; no reduce): the last link's output columns in `stripes` even stripes and
     its rows in bands of `band`; each band is computed stripe by stripe, every link on just the
     columns (and rows) its stripe's windows reach (its receptive field, so columns and rows at the
     seams are computed again: exact), with line buffers as narrow as a stripe. The chain's input
     rows are copied, the stripe's columns of each, into a line buffer of in_cap rows at in_ring
     (in_px bytes a pixel; an NCHW input, in_c > 0 channels, whose first link is a transpose_nchw
     kernel: the row of each of its in_c planes after the other). With flush, the ring holds
     band + delay rows, and output row q is written once the band holding row q + delay is complete. */
  int32_t stripes, band, in_cap, in_ring, in_px, in_c;
} tc_chain;

#define TC_MAX_CHAIN 16

/* Scratch: every kernel's own scratch at its start (the largest, rounded up to 64 bytes), then
 * the line buffers and the output ring at their offsets. The links' buffers (tc_ref) are resolved
 * against arena: a generated library's chains are static tables, its step code one call. */
void tc_run_chain(const tc_chain *ch, uint8_t *arena, void *scratch);

#ifdef __cplusplus
}
#endif

#endif /* TINYCC_KERNELS_H */
