/* The x86-64 instruction sets the CPU and its operating system support (tinycc.isa): each
 * level's kernels need all of its features. Other architectures: none. */
#ifndef TINYCC_TC_CPU_H
#define TINYCC_TC_CPU_H

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
static int tc_cpu_has(int level)
{
  __builtin_cpu_init();
  switch (level) {
  case 1: /* avx2 */
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  case 2: /* avxvnni (VEX-encoded VNNI on 256-bit vectors) */
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avxvnni");
  case 3: /* avx512vnni (with F, BW, VL) */
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avx512f") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
           __builtin_cpu_supports("avx512vnni");
  default:
    return 0;
  }
}
#else
static int tc_cpu_has(int level)
{
  (void)level;
  return 0;
}
#endif

#endif
