/* Cortex-M startup for the QEMU machines of the Makefile (M0, M3, M33): the vector
 * table, .data/.bss setup, and ARM semihosting (console output and exit with a status).
 * Every fault, including the M33's SecureFault (entry 7, reserved on M0 and M3), prints
 * FAULT and exits with a failure. */
#include <stdint.h>

#include "harness.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _stack_top[];
int main(void);
void reset_handler(void);
void fault_handler(void);

__attribute__((section(".vectors"), used)) static void *const vectors[16] = {
    _stack_top,    reset_handler, fault_handler, fault_handler, fault_handler, fault_handler,
    fault_handler, fault_handler, 0,             0,             0,             fault_handler,
    fault_handler, 0,             fault_handler, fault_handler,
};

static int semihost(int op, const void *arg) {
    register int r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_puts(const char *s) { semihost(0x04, s); /* SYS_WRITE0 */ }

void sh_exit(int ok) {
    /* SYS_EXIT: ADP_Stopped_ApplicationExit makes QEMU exit 0, anything else 1. */
    semihost(0x18, (const void *)(uintptr_t)(ok ? 0x20026 : 0x20023));
    for (;;) {
    }
}

void fault_handler(void) {
    sh_puts("FAULT\n");
    sh_exit(0);
}

void reset_handler(void) {
    for (uint32_t *s = _sidata, *d = _sdata; d < _edata;) *d++ = *s++;
    for (uint32_t *d = _sbss; d < _ebss;) *d++ = 0;
    sh_exit(main() == 0);
}
