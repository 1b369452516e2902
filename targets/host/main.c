/* Harness of the hosted targets (the portable C target on the host; RV64GCV as a static Linux
   program under qemu-riscv64): runs a generated model library on a sequence of inputs.
   usage: prog INPUT.bin OUTPUT.bin   (raw bytes of the input tensors of one or more inferences,
   run in order after a reset; their outputs likewise); exit status 0 ok, 2 usage or I/O error. */
#include <stdio.h>
#include <stdlib.h>
#include "tc_harness_io.h"

int main(int argc, char **argv)
{
  FILE *in;
  long n;
  if (argc != 3) {
    fprintf(stderr, "usage: %s INPUT.bin OUTPUT.bin\n", argv[0]);
    return 2;
  }
  in = fopen(argv[1], "rb");
  if (!in) {
    fprintf(stderr, "cannot read %d input bytes from %s\n", (int)sizeof input, argv[1]);
    return 2;
  }
  n = tc_harness_run(in, argv[2]);
  fclose(in);
  if (n < 1) {
    fprintf(stderr, "cannot read %d input bytes from %s (or write %s): it must hold whole records\n",
            (int)sizeof input, argv[1], argv[2]);
    return 2;
  }
  return 0;
}
