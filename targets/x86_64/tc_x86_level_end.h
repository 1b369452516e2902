/* The end of an x86-64 instruction-set level's translation unit (tc_avx2.c, tc_avxvnni.c, tc_avx512vnni.c):
 * back to the build's own target after the level's functions. */
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
