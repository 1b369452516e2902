/* Bare-metal start-up of the Cortex-M harness, shared by the Arm targets' QEMU boards:
 * Cortex-M4 (mps2-an386), Cortex-M7 (mps2-an500), Cortex-M33 (mps2-an505, Secure state) and
 * Cortex-M55 (mps3-an547, Secure state).
 *
 * The core loads SP from word 0 and PC from word 1 of the vector table below, which the board's
 * linker script puts first in its code RAM, at the address the core boots from (VTOR/SVTOR at
 * reset: 0x00000000 on an386, an500 and an547; 0x10000000, the Secure alias of SSRAM1, on
 * an505). Reset_Handler (naked, no compiler-generated code before it) sets the stack (and on
 * Armv8-M its limit, MSPLIM), grants full access to CP10/CP11 -- the FPU, and MVE (Helium) on
 * the M55 -- in CPACR, then DSB/ISB, before any C code runs: GCC may use FP registers or
 * auto-vectorise plain C loops at -O2, and an FP or MVE instruction with CP10/CP11 disabled
 * faults (NOCP UsageFault).
 *
 * Then board_start() copies .data, zeroes .bss, opens the newlib semihosting handles,
 * reads the semihosting command line into argc/argv, calls main() and ends QEMU with main's
 * return value as its exit status (SYS_EXIT_EXTENDED). A fault prints its name and the
 * faulting PC and exits with status 3.
 *
 * Linked with --specs=rdimon.specs -nostartfiles: newlib + librdimon (semihosting syscalls),
 * but none of rdimon-crt0 (whose SYS_HEAPINFO stack set-up does not suit these memory maps).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

extern int main(int argc, char **argv);
extern void initialise_monitor_handles(void);

/* linker-script symbols (cortex_m_sections.ld) */
extern uint32_t __stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start__[], __bss_end__[];

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define SCB_CFSR  (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR  (*(volatile uint32_t *)0xE000ED2Cu)

/* ---- semihosting ---- */
#define SYS_GET_CMDLINE 0x15
#define SYS_EXIT_EXTENDED 0x20
#define ADP_Stopped_ApplicationExit 0x20026

static inline uintptr_t semihost(uintptr_t op, const void *arg)
{
  register uintptr_t r0 __asm__("r0") = op;
  register uintptr_t r1 __asm__("r1") = (uintptr_t)arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

__attribute__((noreturn)) void board_exit(int status)
{
  uintptr_t block[2] = {ADP_Stopped_ApplicationExit, (uintptr_t)(uint32_t)status};
  fflush(NULL);
  for (;;)
    semihost(SYS_EXIT_EXTENDED, block);
}

/* argv from the semihosting command line: QEMU passes the `arg=` items of
   -semihosting-config (or, without them, the -kernel file name and -append). */
#define MAX_ARGS 8
static char cmdline[512];
static char *argv_buf[MAX_ARGS + 1];

static int board_args(void)
{
  uintptr_t block[2] = {(uintptr_t)cmdline, sizeof cmdline - 1};
  int argc = 0;
  char *p = cmdline;
  if (semihost(SYS_GET_CMDLINE, block) != 0)
    cmdline[0] = 0;
  cmdline[sizeof cmdline - 1] = 0;
  while (*p && argc < MAX_ARGS) {
    while (*p == ' ')
      *p++ = 0;
    if (!*p)
      break;
    argv_buf[argc++] = p;
    while (*p && *p != ' ')
      p++;
  }
  if (argc == 0)
    argv_buf[argc++] = "model.elf";
  argv_buf[argc] = 0;
  return argc;
}

__attribute__((noreturn, used)) void board_start(void)
{
  uint32_t *src = __data_load, *dst = __data_start;
  int argc;
  if (src != dst)
    while (dst < __data_end)
      *dst++ = *src++;
  for (dst = __bss_start__; dst < __bss_end__;)
    *dst++ = 0;
  SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18); /* MemManage, BusFault, UsageFault handlers */
  initialise_monitor_handles();
  argc = board_args();
  board_exit(main(argc, argv_buf));
}

__attribute__((naked, noreturn)) void Reset_Handler(void)
{
  __asm__ volatile(
      "ldr  r0, =__stack_top    \n"
      "msr  msp, r0             \n"
#if __ARM_ARCH >= 8
      "ldr  r0, =__stack_limit  \n"
      "msr  msplim, r0          \n" /* stack overflow -> UsageFault (STKOF), not silent corruption */
#endif
      "ldr  r0, =0xE000ED88     \n" /* CPACR */
      "ldr  r1, [r0]            \n"
      "orr  r1, r1, #(0xF << 20)\n" /* CP10, CP11: full access (FPU, and MVE on the M55) */
      "str  r1, [r0]            \n"
      "dsb                      \n"
      "isb                      \n"
      "b    board_start         \n");
}

static const char *const fault_names[] = {"", "", "NMI", "HardFault", "MemManage", "BusFault", "UsageFault",
                                          "SecureFault"};

/* Reports the exception, the stacked PC and the fault status registers, then exits with 3. */
__attribute__((used)) void board_fault(uint32_t *frame, uint32_t exc)
{
  const char *name = exc < sizeof fault_names / sizeof fault_names[0] ? fault_names[exc] : "exception";
  fprintf(stderr, "fault: %s (exception %lu) pc=0x%08lx lr=0x%08lx CFSR=0x%08lx HFSR=0x%08lx\n", name,
          (unsigned long)exc, (unsigned long)frame[6], (unsigned long)frame[5], (unsigned long)SCB_CFSR,
          (unsigned long)SCB_HFSR);
  board_exit(3);
}

__attribute__((naked)) void Fault_Handler(void)
{
  __asm__ volatile(
      "tst   lr, #4        \n"
      "ite   eq            \n"
      "mrseq r0, msp       \n"
      "mrsne r0, psp       \n"
      "mrs   r1, ipsr      \n"
      "ldr   r2, =__stack_top\n" /* fresh stack: the fault may be a stack overflow */
      "msr   msp, r2       \n"
      "b     board_fault   \n");
}

typedef void (*vector_t)(void);

__attribute__((section(".vectors"), used)) const vector_t board_vectors[16] = {
    (vector_t)__stack_top, /* initial MSP */
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    Fault_Handler, /* SecureFault (Armv8-M; reserved on Armv7-M) */
    0, 0, 0,
    Fault_Handler, /* SVCall */
    Fault_Handler, /* DebugMonitor */
    0,
    Fault_Handler, /* PendSV */
    Fault_Handler, /* SysTick */
};
