# CMake toolchain file of the rv64gcv target: clang 19 for RISC-V 64 Linux with the V extension, the
# same architecture flags as the model library (tinycc copies this file next to its CMakeLists.txt).
# cmake -S APP -B build -DCMAKE_TOOLCHAIN_FILE=<library>/toolchain.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR riscv64)
set(TINYCC_CLANG clang-19 CACHE STRING "the clang driver")
set(CMAKE_C_COMPILER ${TINYCC_CLANG})
set(CMAKE_C_COMPILER_TARGET riscv64-linux-gnu)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_C_FLAGS_INIT "-march=rv64gcv")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
