/* Cortex-M55 (QEMU mps3-an547) harness: runs a generated model library once.
   Semihosting command line: PROG [INPUT.bin [OUTPUT.bin]] (default input.bin, output.bin,
   paths relative to QEMU's working directory). Raw bytes of the input and output tensors;
   main's return value becomes QEMU's exit status (startup.c). */
#include <stdint.h>
#include <stdio.h>
/* big buffers go to DDR (section .board_big in mps3_an547.ld) */
#define TC_BIG __attribute__((section(".board_big")))
#include "../host/tc_harness_io.h"

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
  tc_harness_invoke();
  f = fopen(out_path, "wb");
  if (!f || fwrite(output, 1, sizeof output, f) != sizeof output) {
    fprintf(stderr, "cannot write %s\n", out_path);
    return 2;
  }
  fclose(f);
  return 0;
}
