"""The x86-64 SIMD versions of the hot kernels (targets/x86_64): their Impl entries for tinycc.isa."""
