# Builds a generated tinycc model library with the RV64GCV harness into a static Linux ELF run
# by QEMU user mode (clang 19 + the Debian riscv64-linux-gnu glibc sysroot, linked by lld).
#
#   make -f targets/rv64gcv/board.mk MODEL_DIR=out ELF=out/model.elf [OPT=-Os] [SRCS="..."]
#   qemu-riscv64 -cpu rv64,v=true,vext_spec=v1.0,vlen=128,elen=64 out/model.elf input.bin output.bin
#   (vlen=256 likewise; exit status 0 ok, 2 usage or I/O error)
#
# The model sources (SRCS, default all MODEL_DIR/*.c) are compiled with -ffunction-sections and
# combined into one relocatable object, tinycc_model.o; tinycc_text.ld gathers all of its code
# (and any input section .text.tinycc*) contiguously between the symbols __tinycc_text_start and
# __tinycc_text_end, the range the instruction-count plugin counts (see targets/qemu_plugin).

BOARD_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))

CC        ?= clang-19
ifeq ($(origin CC),default)
CC        := clang-19
endif
FUSE_LD   ?= -fuse-ld=lld
include $(BOARD_DIR)/../host/board_defaults.mk

ARCH_FLAGS := --target=riscv64-linux-gnu -march=rv64gcv
CFLAGS     := $(STD) $(ARCH_FLAGS) $(OPT) $(WARN) -ffunction-sections -fdata-sections \
              -I$(MODEL_DIR) $(EXTRA_CFLAGS)
LDFLAGS    := $(ARCH_FLAGS) $(FUSE_LD) -static -T$(BOARD_DIR)/tinycc_text.ld -Wl,--gc-sections \
              -Wl,-Map=$(ELF).map

MODEL_OBJS := $(addprefix $(BUILD)/model/,$(notdir $(SRCS:.c=.o)))
BOARD_OBJS := $(BUILD)/board/main.o
HEADERS    := $(wildcard $(MODEL_DIR)/*.h)

vpath %.c $(sort $(dir $(SRCS)))

.PHONY: all clean
all: $(ELF)

$(BUILD)/model/%.o: %.c $(HEADERS) | $(BUILD)/model
	$(CC) $(CFLAGS) -fstack-usage -c -o $@ $<

$(BUILD)/tinycc_model.o: $(MODEL_OBJS)
	$(CC) $(ARCH_FLAGS) $(FUSE_LD) -r -nostdlib -o $@ $^

# a hosted Linux program: the same harness as the portable C target
$(BUILD)/board/main.o: $(BOARD_DIR)/../host/main.c $(HEADERS) | $(BUILD)/board
	$(CC) $(CFLAGS) -c -o $@ $<

$(ELF): $(BUILD)/tinycc_model.o $(BOARD_OBJS) $(BOARD_DIR)/tinycc_text.ld
	$(CC) $(LDFLAGS) -o $@ $(BOARD_OBJS) $(BUILD)/tinycc_model.o -lm

$(BUILD)/model $(BUILD)/board:
	mkdir -p $@

clean:
	rm -rf $(BUILD) $(ELF) $(ELF).map
