/* The measurement harness's own helpers (startup.c, measure.S). */
#ifndef M800_FW_HARNESS_H
#define M800_FW_HARNESS_H
#include <stdint.h>

/* Semihosting: a NUL-terminated string to QEMU's stdout; exit with a status. */
void sh_puts(const char *s);
void sh_exit(int ok) __attribute__((noreturn));

/* The marker: the icount plugin prints its counter when this runs. Uses no stack. */
void fw_mark(void);
/* Fills [_stack_bottom, top) with the paint pattern. Uses no stack. */
void stack_paint(uint32_t top);
/* The lowest stack address written since the paint. Uses no stack. */
uint32_t stack_low(void);
/* The counter's calibration: 2 * n + 3 instructions after the call, n = 10 or 1000.
 * No arguments: an argument's setup is counted, and its cost differs between cores
 * (ARMv6-M loads 1000 in two instructions, 10 in one). */
void calib_loop_10(void);
void calib_loop_1000(void);

/* The stack pointer here (the caller's frame: after its prologue, before any call). */
#define FW_SP(var) __asm__ volatile("mov %0, sp" : "=r"(var))
#endif
