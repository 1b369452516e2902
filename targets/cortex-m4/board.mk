# Cortex-M4 (Armv7E-M with the DSP extension, FPv4-SP single-precision FPU) on QEMU's mps2-an386:
# the shared bare-metal Cortex-M board support (targets/cortex-m/board.mk, which documents the
# variables and the run) with this core's flags and memory map.
#
#   make -f targets/cortex-m4/board.mk MODEL_DIR=out ELF=out/model.elf [OPT=-Os] [SRCS="..."]
#   qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
#       -semihosting-config enable=on,target=native,arg=model.elf,arg=input.bin,arg=output.bin \
#       -kernel out/model.elf

BOARD_DIR  := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
ARCH_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
LDSCRIPT   := $(BOARD_DIR)/mps2_an386.ld
include $(BOARD_DIR)/../cortex-m/board.mk
