#!/usr/bin/env bash
# Installs the cross toolchains and emulators the C targets are built and verified with
# (Debian 12 packages): Arm GCC + newlib for Cortex-M55, clang 19 + lld for RV64GCV,
# the RISC-V sysroot, QEMU system (mps3-an547) and user-mode emulators, and the QEMU
# plugin headers for the instruction counter. Idempotent; needs root (or sudo).
set -euo pipefail
PKGS="gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm qemu-user clang-19 lld-19 gcc-riscv64-linux-gnu
libc6-dev-riscv64-cross make"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "toolchains ready: $(arm-none-eabi-gcc --version | head -1); $(clang-19 --version | head -1); $(qemu-system-arm --version | head -1)"
