/* QEMU TCG plugin: counts the guest instructions executed whose address lies in [lo, hi).
 *
 *   qemu-system-arm ... -plugin targets/qemu_plugin/libcount.so,lo=0x40,hi=0x80 -d plugin
 *   qemu-riscv64    ... -plugin targets/qemu_plugin/libcount.so,lo=0x10580,hi=0x10a00,out=n.txt
 *
 * Arguments (numbers in C syntax, 0x... for hex):
 *   lo=ADDR, hi=ADDR  the range (default: every instruction). The model library's range is
 *                     the linker symbols __tinycc_text_start and __tinycc_text_end (nm).
 *   start=ADDR, stop=ADDR
 *                     count only from each execution of the instruction at start to the next
 *                     execution of the one at stop (both given: the harnesses' marks
 *                     harness_count_start / harness_count_stop around each inference, so the
 *                     count holds the model's code and every library function it calls --
 *                     memcpy, memset, the compiler's run-time helpers -- and none of the I/O).
 *   mark=ADDR         with start= and stop=: a per-step profile. ADDR is the harness's
 *                     tc_profile_mark, which a library built with -DTINYCC_PROFILE calls before
 *                     each step of its plan; the k-th call in a window starts step k (steps run
 *                     in order, so no register need be read: QEMU 7's plugin API cannot). What
 *                     runs from one call to the next is the step's, whatever code it is (steps
 *                     share kernels, so this attributes by time, not by address).
 *   out=FILE          also write the result lines to FILE (QEMU's log needs -d plugin).
 * At exit it prints "insns: N" through QEMU's log (-d plugin; -D FILE redirects it); with mark=,
 * then "before: N" (from start to the first mark) and one "step K: N" line per step, each summed
 * over the windows.
 *
 * Each instruction in the range gets an inline 64-bit add at translation time, so the count is
 * exact per executed instruction (an instruction that faults is counted too) and cheap to run;
 * the two marks get a callback that notes the running count (one vCPU: the counters are plain).
 * Addresses are virtual addresses: physical on the Cortex-M (no MMU), the ELF's on a static
 * linux-user program. Built with: gcc -shared -fPIC -O2 -o libcount.so count.c
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_api.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t range_lo = 0, range_hi = UINT64_MAX;
static uint64_t count;
static char *out_path;
/* the marks: their addresses, whether counting is on, the count when it last went on, the sum of
   the counts of the closed windows */
static uint64_t mark_start, mark_stop;
static int marks, counting;
static uint64_t window_base, windows;
/* the profile: the mark's address, the step running (-1: none yet in this window), the count when
   it began, the per-step sums (steps of them) and what ran before the first mark */
static uint64_t mark_step, step_base, before, *steps;
static int profiling, step = -1, nsteps, reached;

static void close_step(void)
{
  uint64_t n = count - step_base;
  if (step < 0) {
    before += n;
    return;
  }
  if (step >= nsteps) {
    int m = nsteps ? 2 * nsteps : 64;
    while (m <= step)
      m *= 2;
    steps = realloc(steps, m * sizeof *steps);
    if (!steps) {
      fprintf(stderr, "count plugin: out of memory\n");
      exit(1);
    }
    memset(steps + nsteps, 0, (m - nsteps) * sizeof *steps);
    nsteps = m;
  }
  steps[step] += n;
  if (step >= reached)
    reached = step + 1;
}

static void at_mark(unsigned int vcpu, void *userdata)
{
  (void)vcpu;
  (void)userdata;
  if (counting) {
    close_step();
    step++;
    step_base = count;
  }
}

static void at_start(unsigned int vcpu, void *userdata)
{
  (void)vcpu;
  (void)userdata;
  if (!counting) {
    counting = 1;
    window_base = step_base = count;
    step = -1;
  }
}

static void at_stop(unsigned int vcpu, void *userdata)
{
  (void)vcpu;
  (void)userdata;
  if (counting) {
    counting = 0;
    windows += count - window_base;
    close_step();
  }
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
  size_t i, n = qemu_plugin_tb_n_insns(tb);
  (void)id;
  for (i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    uint64_t pc = qemu_plugin_insn_vaddr(insn);
    if (marks && pc == mark_start)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, at_start, QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (marks && pc == mark_stop)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, at_stop, QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (profiling && pc == mark_step)
      qemu_plugin_register_vcpu_insn_exec_cb(insn, at_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
    if (pc >= range_lo && pc < range_hi)
      qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &count, 1);
  }
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
  char line[64];
  FILE *f = NULL;
  int k;
  (void)id;
  (void)userdata;
  at_stop(0, NULL); /* a window still open (the program ended inside it, e.g. a fault) */
  if (out_path && !(f = fopen(out_path, "w")))
    fprintf(stderr, "count plugin: cannot write %s\n", out_path);
  snprintf(line, sizeof line, "insns: %" PRIu64 "\n", marks ? windows : count);
  qemu_plugin_outs(line);
  if (f)
    fputs(line, f);
  if (profiling) {
    snprintf(line, sizeof line, "before: %" PRIu64 "\n", before);
    qemu_plugin_outs(line);
    if (f)
      fputs(line, f);
    for (k = 0; k < reached; k++) {
      snprintf(line, sizeof line, "step %d: %" PRIu64 "\n", k, steps[k]);
      qemu_plugin_outs(line);
      if (f)
        fputs(line, f);
    }
  }
  if (f)
    fclose(f);
}

static int parse_u64(const char *s, uint64_t *v)
{
  char *end;
  if (!*s)
    return -1;
  *v = strtoull(s, &end, 0);
  return *end ? -1 : 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
  int i;
  (void)info;
  for (i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "lo=", 3) == 0 && parse_u64(a + 3, &range_lo) == 0)
      continue;
    if (strncmp(a, "hi=", 3) == 0 && parse_u64(a + 3, &range_hi) == 0)
      continue;
    if (strncmp(a, "start=", 6) == 0 && parse_u64(a + 6, &mark_start) == 0) {
      marks |= 1;
      continue;
    }
    if (strncmp(a, "stop=", 5) == 0 && parse_u64(a + 5, &mark_stop) == 0) {
      marks |= 2;
      continue;
    }
    if (strncmp(a, "mark=", 5) == 0 && parse_u64(a + 5, &mark_step) == 0) {
      profiling = 1;
      continue;
    }
    if (strncmp(a, "out=", 4) == 0 && a[4]) {
      out_path = strdup(a + 4);
      continue;
    }
    fprintf(stderr, "count plugin: bad argument '%s' (lo=ADDR hi=ADDR start=ADDR stop=ADDR mark=ADDR out=FILE)\n", a);
    return -1;
  }
  if (marks != 0 && marks != 3) {
    fprintf(stderr, "count plugin: start= and stop= go together\n");
    return -1;
  }
  if (profiling && marks != 3) {
    fprintf(stderr, "count plugin: mark= needs start= and stop=\n");
    return -1;
  }
  if (range_lo >= range_hi) {
    fprintf(stderr, "count plugin: empty range [0x%" PRIx64 ", 0x%" PRIx64 ")\n", range_lo, range_hi);
    return -1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
