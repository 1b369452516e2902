/* Harness of the hosted targets (the portable C target on the host; RV64GCV as a static Linux
   program under qemu-riscv64): runs a generated model library once.
   usage: prog INPUT.bin OUTPUT.bin   (raw bytes of the input and output tensors);
   exit status 0 ok, 2 usage or I/O error. */
#include <stdio.h>
#include <stdlib.h>
#include "tc_harness_io.h"

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
  tc_harness_invoke();
  f = fopen(argv[2], "wb");
  if (!f || fwrite(output, 1, sizeof output, f) != sizeof output) {
    fprintf(stderr, "cannot write %s\n", argv[2]);
    return 2;
  }
  fclose(f);
  return 0;
}
