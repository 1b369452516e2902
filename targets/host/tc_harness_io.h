/* Shared by the board harnesses (targets/host/main.c, targets/cortex-m/main.c): the input and
   output buffers of one inference, the call, and the run over a file of input records. Several inputs or outputs sit one after another in
   the files (and in these buffers); the harness splits them for tinycc_invoke_io. Define
   TC_BIG to place the buffers (e.g. in a large memory section) before including this. */
#ifndef TC_HARNESS_IO_H
#define TC_HARNESS_IO_H
#include <stdint.h>
#include <stdio.h>
#include "model.h"

#ifndef TC_BIG
#define TC_BIG
#endif

#ifdef TINYCC_INPUT_BYTES_LIST
static const uint32_t in_bytes[TINYCC_NUM_INPUTS] = TINYCC_INPUT_BYTES_LIST;
static const uint32_t out_bytes[TINYCC_NUM_OUTPUTS] = TINYCC_OUTPUT_BYTES_LIST;
#define IN_TOTAL TINYCC_INPUTS_TOTAL_BYTES
#define OUT_TOTAL TINYCC_OUTPUTS_TOTAL_BYTES
#else
#define IN_TOTAL TINYCC_INPUT_BYTES
#define OUT_TOTAL TINYCC_OUTPUT_BYTES
#endif
static uint8_t arena[TINYCC_ARENA_SIZE + 1] TC_BIG __attribute__((aligned(TINYCC_ARENA_ALIGN)));
static uint8_t input[IN_TOTAL] TC_BIG __attribute__((aligned(16)));
static uint8_t output[OUT_TOTAL] TC_BIG __attribute__((aligned(16)));

/* The instruction-count marks: the emulated targets' runners count what runs from an entry into
   harness_count_start to the next entry into harness_count_stop (targets/qemu_plugin, start= and
   stop=): the inference, with every library function it calls (memcpy, memset, the compiler's
   run-time helpers), and none of the harness's I/O. Not inlined, and their bodies differ, so
   neither the compiler nor the linker folds them into one address. */
static volatile int harness_count_phase;
__attribute__((noinline, used)) static void harness_count_start(void) { harness_count_phase = 1; }
__attribute__((noinline, used)) static void harness_count_stop(void) { harness_count_phase = 2; }

#ifdef TINYCC_PROFILE
/* The profile mark: a library built with -DTINYCC_PROFILE calls it before each step of its plan
   (model.c), and the count plugin given its address (mark=) splits each window at its calls.
   Not static (model.c calls it), not inlined (the plugin needs its address). */
void tc_profile_mark(int step);
static volatile int harness_profile_step;
__attribute__((noinline, used)) void tc_profile_mark(int step) { harness_profile_step = step; }
#endif

#ifdef TINYCC_STACK_MEASURE
/* The stack an inference uses, measured (built with -DTINYCC_STACK_MEASURE on a bare-metal board
   whose linker script defines __stack_limit, the stack's lowest address): the free stack is painted
   before the call and the lowest byte changed after it found; the most over the run is written to
   stack.txt. The check of tinycc report's static bound. */
extern uint8_t __stack_limit[];
static uint32_t harness_stack_peak;
#define TC_STACK_PAINT 0xA5
/* Paint from the stack's limit to below this function's own frame (the caller's calls reuse it). */
__attribute__((noinline)) static void harness_stack_paint(void)
{
  volatile uint8_t here = 0;
  const uintptr_t end = (uintptr_t)&here - 64;
  uint8_t *p;
  for (p = __stack_limit; (uintptr_t)p < end; p++)
    *(volatile uint8_t *)p = TC_STACK_PAINT;
}
/* The bytes below `top` changed since the paint. */
__attribute__((noinline)) static uint32_t harness_stack_used(const uint8_t *top)
{
  const uint8_t *p = __stack_limit;
  while ((uintptr_t)p < (uintptr_t)top && *(volatile const uint8_t *)p == TC_STACK_PAINT)
    p++;
  return (uint32_t)((uintptr_t)top - (uintptr_t)p);
}
#endif

/* one inference from input[] to output[] */
static void tc_harness_invoke(void)
{
#ifdef TINYCC_STACK_MEASURE
  uintptr_t top; /* the stack pointer at the call (Arm: this build is the bare-metal boards') */
  harness_stack_paint();
  __asm__ volatile("mov %0, sp" : "=r"(top));
#endif
#ifdef TINYCC_INPUT_BYTES_LIST
  const void *ins[TINYCC_NUM_INPUTS];
  void *outs[TINYCC_NUM_OUTPUTS];
  uint32_t i, o;
  for (i = 0, o = 0; i < TINYCC_NUM_INPUTS; o += in_bytes[i], i++)
    ins[i] = input + o;
  for (i = 0, o = 0; i < TINYCC_NUM_OUTPUTS; o += out_bytes[i], i++)
    outs[i] = output + o;
  harness_count_start();
  tinycc_invoke_io(ins, outs, arena);
#else
  harness_count_start();
  tinycc_invoke(input, output, arena);
#endif
  harness_count_stop();
#ifdef TINYCC_STACK_MEASURE
  {
    const uint32_t used = harness_stack_used((const uint8_t *)top);
    harness_stack_peak = used > harness_stack_peak ? used : harness_stack_peak;
  }
#endif
}

/* Reset the model's state, then one inference per input record of `in` (the inputs of one
   inference, one after another) in order, the output records written to the file `out_path`
   (created at the first output: a run that faults leaves none). Returns the number of
   inferences, or -1 when `in` ends inside a record or the output cannot be written. */
static long tc_harness_run(FILE *in, const char *out_path)
{
  FILE *out = NULL;
  long n = 0;
  size_t got;
  tinycc_reset(arena);
  while ((got = fread(input, 1, sizeof input, in)) == sizeof input) {
    tc_harness_invoke();
    if (!out && !(out = fopen(out_path, "wb")))
      return -1;
    if (fwrite(output, 1, sizeof output, out) != sizeof output)
      n = -1;
    if (n >= 0)
      n++;
  }
  if (out && fclose(out) != 0)
    return -1;
#ifdef TINYCC_STACK_MEASURE
  {
    FILE *s = fopen("stack.txt", "w");
    if (!s || fprintf(s, "%lu\n", (unsigned long)harness_stack_peak) < 0 || fclose(s) != 0)
      return -1;
  }
#endif
  return got ? -1 : n;
}

#endif
