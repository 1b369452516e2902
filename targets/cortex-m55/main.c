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
static uint8_t input[TINYCC_INPUT_BYTES] BIG __attribute__((aligned(16)));
static uint8_t output[TINYCC_OUTPUT_BYTES] BIG __attribute__((aligned(16)));

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
  tinycc_invoke(input, output, arena);
  f = fopen(out_path, "wb");
  if (!f || fwrite(output, 1, sizeof output, f) != sizeof output) {
    fprintf(stderr, "cannot write %s\n", out_path);
    return 2;
  }
  fclose(f);
  return 0;
}
