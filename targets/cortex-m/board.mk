# Bare-metal Cortex-M board support shared by the Arm targets (Arm GCC + newlib semihosting):
# builds a generated tinycc model library with the harness (main.c, startup.c here) into an ELF
# for a QEMU machine. Not used directly: each target's board.mk sets
#
#   ARCH_FLAGS  the core's -mcpu/-mfpu/-mfloat-abi flags
#   LDSCRIPT    the machine's linker script (its MEMORY and region aliases, then
#               INCLUDE cortex_m_sections.ld from this directory)
#
# and includes this file. Usage, e.g. for the Cortex-M4 on mps2-an386:
#
#   make -f targets/cortex-m4/board.mk MODEL_DIR=out ELF=out/model.elf [OPT=-Os] [SRCS="..."]
#   qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
#       -semihosting-config enable=on,target=native,arg=model.elf,arg=input.bin,arg=output.bin \
#       -kernel out/model.elf
#   (run in the directory holding input.bin; output.bin is written there; QEMU's exit status is
#   main's: 0 ok, 2 I/O error, 3 CPU fault. With plain -semihosting the files are ./input.bin and
#   ./output.bin.)
#
# The model sources (SRCS, default all MODEL_DIR/*.c) are compiled with -ffunction-sections and
# combined into one relocatable object, tinycc_model.o; the linker script gathers all of its code
# (and any input section .text.tinycc*) contiguously between the symbols __tinycc_text_start and
# __tinycc_text_end (the model's code size). The instruction-count plugin (targets/qemu_plugin)
# counts what runs between the harness's marks harness_count_start / harness_count_stop around
# each inference: the model's code and the library functions it calls.

CORTEX_M_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

ifndef ARCH_FLAGS
$(error ARCH_FLAGS is not set: use a target's board.mk, e.g. targets/cortex-m4/board.mk)
endif
ifndef LDSCRIPT
$(error LDSCRIPT is not set: use a target's board.mk, e.g. targets/cortex-m4/board.mk)
endif

CC        ?= arm-none-eabi-gcc
ifeq ($(origin CC),default)
CC        := arm-none-eabi-gcc
endif
include $(CORTEX_M_DIR)/../host/board_defaults.mk
# the compiler of the model library (the harness is always built with Arm GCC and newlib), e.g.
#   MODEL_CC=clang-19 MODEL_FLAGS="--target=arm-none-eabi -fshort-enums -isystem /usr/lib/arm-none-eabi/include"
MODEL_CC    ?= $(CC)
MODEL_FLAGS ?=

CFLAGS     := $(STD) $(ARCH_FLAGS) $(OPT) $(WARN) -ffunction-sections -fdata-sections \
              -I$(MODEL_DIR) $(EXTRA_CFLAGS)
LDFLAGS    := $(ARCH_FLAGS) --specs=rdimon.specs -nostartfiles -L$(CORTEX_M_DIR) -T$(LDSCRIPT) \
              -Wl,--gc-sections -Wl,-Map=$(ELF).map

MODEL_OBJS := $(addprefix $(BUILD)/model/,$(notdir $(SRCS:.c=.o)))
BOARD_OBJS := $(BUILD)/board/main.o $(BUILD)/board/startup.o
HEADERS    := $(wildcard $(MODEL_DIR)/*.h)

vpath %.c $(sort $(dir $(SRCS)))

.PHONY: all clean
all: $(ELF)

$(BUILD)/model/%.o: %.c $(HEADERS) | $(BUILD)/model
	$(MODEL_CC) $(MODEL_FLAGS) $(CFLAGS) -fstack-usage -c -o $@ $<

$(BUILD)/tinycc_model.o: $(MODEL_OBJS)
	$(CC) $(ARCH_FLAGS) -r -nostdlib -o $@ $^

$(BUILD)/board/%.o: $(CORTEX_M_DIR)/%.c $(HEADERS) | $(BUILD)/board
	$(CC) $(CFLAGS) -c -o $@ $<

$(ELF): $(BUILD)/tinycc_model.o $(BOARD_OBJS) $(LDSCRIPT) $(CORTEX_M_DIR)/cortex_m_sections.ld
	$(CC) $(LDFLAGS) -o $@ $(BOARD_OBJS) $(BUILD)/tinycc_model.o -lm

$(BUILD)/model $(BUILD)/board:
	mkdir -p $@

clean:
	rm -rf $(BUILD) $(ELF) $(ELF).map
