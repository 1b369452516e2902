# Cortex-M33 (Armv8-M mainline with the DSP extension, FPv5 single-precision FPU) on QEMU's
# mps2-an505, run in Secure state: the shared bare-metal Cortex-M board support
# (targets/cortex-m/board.mk, which documents the variables and the run) with this core's flags
# and memory map.
#
#   make -f targets/cortex-m33/board.mk MODEL_DIR=out ELF=out/model.elf [OPT=-Os] [SRCS="..."]
#   qemu-system-arm -M mps2-an505 -nographic -monitor none -serial none \
#       -semihosting-config enable=on,target=native,arg=model.elf,arg=input.bin,arg=output.bin \
#       -kernel out/model.elf

BOARD_DIR  := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
ARCH_FLAGS := -mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16
LDSCRIPT   := $(BOARD_DIR)/mps2_an505.ld
include $(BOARD_DIR)/../cortex-m/board.mk
