# Cortex-M55 (Armv8.1-M with MVE/Helium and FP) on QEMU's mps3-an547: the shared bare-metal
# Cortex-M board support (targets/cortex-m/board.mk, which documents the variables and the run)
# with this core's flags and memory map.
#
#   make -f targets/cortex-m55/board.mk MODEL_DIR=out ELF=out/model.elf [OPT=-Os] [SRCS="..."]
#   qemu-system-arm -M mps3-an547 -nographic -monitor none -serial none \
#       -semihosting-config enable=on,target=native,arg=model.elf,arg=input.bin,arg=output.bin \
#       -kernel out/model.elf

BOARD_DIR  := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
ARCH_FLAGS := -mcpu=cortex-m55 -mfloat-abi=hard -mthumb
LDSCRIPT   := $(BOARD_DIR)/mps3_an547.ld
include $(BOARD_DIR)/../cortex-m/board.mk
