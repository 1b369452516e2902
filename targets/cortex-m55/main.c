/* Cortex-M55 (QEMU mps3-an547) harness: runs a generated model library once.
   Semihosting command line: PROG [INPUT.bin [OUTPUT.bin]] (default input.bin, output.bin,
   paths relative to QEMU's working directory). Raw bytes of the input and output tensors;
   main's return value becomes QEMU's exit status (startup.c). */
#include <stdint.h>
#include <stdio.h>
#include "model.h"

/* big buffers go to DDR (section .board_big in mps3_an547.ld) */
#define BIG __attribute__((section(".board_big")))
static uint8_t arena[TINYCC_ARENA_SIZE + 1] BIG __attribute__((aligned(TINYCC_ARENA_ALIGN)));
#ifdef TINYCC_INPUT_BYTES_LIST /* several inputs or outputs: the files hold them one after another */
static const uint32_t in_bytes[TINYCC_NUM_INPUTS] = TINYCC_INPUT_BYTES_LIST;
static const uint32_t out_bytes[TINYCC_NUM_OUTPUTS] = TINYCC_OUTPUT_BYTES_LIST;
#define IN_TOTAL TINYCC_INPUTS_TOTAL_BYTES
#define OUT_TOTAL TINYCC_OUTPUTS_TOTAL_BYTES
#else
#define IN_TOTAL TINYCC_INPUT_BYTES
#define OUT_TOTAL TINYCC_OUTPUT_BYTES
#endif
static uint8_t input[IN_TOTAL] BIG __attribute__((aligned(16)));
static uint8_t output[OUT_TOTAL] BIG __attribute__((aligned(16)));

int main(int argc, char **argv)
{
  const char *in_path = argc > 1 ? argv[1] : "input.bin";
  const char *out_path = argc > 2 ? argv[2] : "output.bin";
  FILE *f = fopen(in_path, "rb");
  if (!f || fread(input, 1, sizeof input, f) != sizeof input) {
    fprintf(stderr, "cannot read %d input bytes from %s\n", (int)sizeof input, in_path);
    return 2;
  }
  fclose(f);
#ifdef TINYCC_INPUT_BYTES_LIST
  {
    const void *ins[TINYCC_NUM_INPUTS];
    void *outs[TINYCC_NUM_OUTPUTS];
    uint32_t i, o;
    for (i = 0, o = 0; i < TINYCC_NUM_INPUTS; o += in_bytes[i], i++)
      ins[i] = input + o;
    for (i = 0, o = 0; i < TINYCC_NUM_OUTPUTS; o += out_bytes[i], i++)
      outs[i] = output + o;
    tinycc_invoke_io(ins, outs, arena);
  }
#else
  tinycc_invoke(input, output, arena);
#endif
  f = fopen(out_path, "wb");
  if (!f || fwrite(output, 1, sizeof output, f) != sizeof output) {
    fprintf(stderr, "cannot write %s\n", out_path);
    return 2;
  }
  fclose(f);
  return 0;
}
