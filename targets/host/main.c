/* Harness of the hosted targets (the portable C target on the host; RV64GCV as a static Linux
   program under qemu-riscv64): runs a generated model library once.
   usage: prog INPUT.bin OUTPUT.bin   (raw bytes of the input and output tensors);
   exit status 0 ok, 2 usage or I/O error. */
#include <stdio.h>
#include <stdlib.h>
#include "model.h"

static uint8_t arena[TINYCC_ARENA_SIZE + 1] __attribute__((aligned(TINYCC_ARENA_ALIGN)));
#ifdef TINYCC_INPUT_BYTES_LIST /* several inputs or outputs: the files hold them one after another */
static const uint32_t in_bytes[TINYCC_NUM_INPUTS] = TINYCC_INPUT_BYTES_LIST;
static const uint32_t out_bytes[TINYCC_NUM_OUTPUTS] = TINYCC_OUTPUT_BYTES_LIST;
#define IN_TOTAL TINYCC_INPUTS_TOTAL_BYTES
#define OUT_TOTAL TINYCC_OUTPUTS_TOTAL_BYTES
#else
#define IN_TOTAL TINYCC_INPUT_BYTES
#define OUT_TOTAL TINYCC_OUTPUT_BYTES
#endif
static uint8_t input[IN_TOTAL] __attribute__((aligned(16)));
static uint8_t output[OUT_TOTAL] __attribute__((aligned(16)));

int main(int argc, char **argv)
{
  FILE *f;
  if (argc != 3) {
    fprintf(stderr, "usage: %s INPUT.bin OUTPUT.bin\n", argv[0]);
    return 2;
  }
  f = fopen(argv[1], "rb");
  if (!f || fread(input, 1, sizeof input, f) != sizeof input) {
    fprintf(stderr, "cannot read %d input bytes from %s\n", (int)sizeof input, argv[1]);
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
  f = fopen(argv[2], "wb");
  if (!f || fwrite(output, 1, sizeof output, f) != sizeof output) {
    fprintf(stderr, "cannot write %s\n", argv[2]);
    return 2;
  }
  fclose(f);
  return 0;
}
