/* Bare-metal Cortex-M harness (the Arm targets' QEMU boards): runs a generated model library on
   a sequence of inputs. Semihosting command line: PROG [INPUT.bin [OUTPUT.bin]] (default input.bin, output.bin,
   paths relative to QEMU's working directory). Raw bytes of the input tensors of one or more
   inferences, run in order after a reset, and of their outputs; main's return value becomes
   QEMU's exit status (startup.c). */
#include <stdint.h>
#include <stdio.h>
/* big buffers go to the board's largest RAM (section .board_big, cortex_m_sections.ld) */
#define TC_BIG __attribute__((section(".board_big")))
#include "../host/tc_harness_io.h"

int main(int argc, char **argv)
{
  const char *in_path = argc > 1 ? argv[1] : "input.bin";
  const char *out_path = argc > 2 ? argv[2] : "output.bin";
  FILE *in = fopen(in_path, "rb");
  long n;
  if (!in) {
    fprintf(stderr, "cannot read %d input bytes from %s\n", (int)sizeof input, in_path);
    return 2;
  }
  n = tc_harness_run(in, out_path);
  fclose(in);
  if (n < 1) {
    fprintf(stderr, "cannot read %d input bytes from %s (or write %s): it must hold whole records\n",
            (int)sizeof input, in_path, out_path);
    return 2;
  }
  return 0;
}
