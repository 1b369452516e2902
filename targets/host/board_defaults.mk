# The defaults every emulated board's build shares (targets/cortex-m/board.mk,
# targets/rv64gcv/board.mk include this after setting CC): where the model is, the output, the
# options. Each can be set on the make command line.
MODEL_DIR ?= .
SRCS      ?= $(wildcard $(MODEL_DIR)/*.c)
ELF       ?= $(MODEL_DIR)/model.elf
BUILD     ?= $(ELF).build
OPT       ?= -O2
STD       ?= -std=c99
WARN      ?= -Wall -Wextra -Werror
EXTRA_CFLAGS ?=
