# CMake toolchain file of the cortex-m55 target: Arm GNU Toolchain (arm-none-eabi-gcc), bare metal,
# the same architecture flags as the model library (tinycc copies this file next to its
# CMakeLists.txt). cmake -S APP -B build -DCMAKE_TOOLCHAIN_FILE=<library>/toolchain.cmake
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(TINYCC_TOOLCHAIN_PREFIX arm-none-eabi- CACHE STRING "prefix of the cross compiler's programs")
set(CMAKE_C_COMPILER ${TINYCC_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${TINYCC_TOOLCHAIN_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${TINYCC_TOOLCHAIN_PREFIX}gcc)
# no OS to link a test program against: check the compiler with a static library
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(TINYCC_ARCH_FLAGS "-mcpu=cortex-m55 -mthumb -mfloat-abi=hard")
set(CMAKE_C_FLAGS_INIT "${TINYCC_ARCH_FLAGS}")
set(CMAKE_CXX_FLAGS_INIT "${TINYCC_ARCH_FLAGS}")
set(CMAKE_ASM_FLAGS_INIT "${TINYCC_ARCH_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${TINYCC_ARCH_FLAGS}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
