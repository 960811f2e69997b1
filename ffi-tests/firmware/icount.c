/* A QEMU TCG plugin (API v1, QEMU 7.2) that counts the guest instructions
 * executed between calls of a marker function, deterministically.
 *
 *   qemu-system-arm ... -plugin ./icount.so,marker=0xADDR[,profile=N]
 *
 * With profile=N it also prints, at exit, "pc ADDR COUNT" for every translated
 * block executed inside the N-th measured pair (0-based; between marker hits 2N
 * and 2N+1): a flat profile for finding where a call's instructions go.
 *
 * Every translated block adds its instruction count to a counter when it runs
 * (an inline add: no callback per block); the first instruction of the marker
 * function has a callback that prints "icount N" (N = the counter) to QEMU's log
 * (stderr). The harness calls the marker before and after each measured call;
 * the difference of two consecutive values, minus the cost of an empty pair (the
 * harness calibrates it), is the call's instruction count.
 *
 * Debian's qemu-system-arm 7.2 accepts -plugin but ships no qemu-plugin.h: the
 * few API v1 declarations used are written out below, exactly as in QEMU 7.2's
 * include/qemu/qemu-plugin.h. */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- from QEMU 7.2 include/qemu/qemu-plugin.h ---- */
#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
#define QEMU_PLUGIN_VERSION 1
typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t {
    const char *target_name;
    struct {
        int min;
        int cur;
    } version;
    bool system_emulation;
    union {
        struct {
            int smp_vcpus;
            int max_vcpus;
        } system;
    };
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
                                              void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn,
                                            qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb,
                                    void *userdata);
/* ---- end of the QEMU declarations ---- */

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

static uint64_t executed; /* one vCPU: lm3s6965evb has one Cortex-M3 */
static uint64_t marker = UINT64_MAX;
static uint64_t hits;
static long profile = -1;
#define PROFILE_SPAN (256u * 1024u) /* lm3s6965 flash */
static uint64_t *profile_counts;    /* instructions per halfword address */

static void on_marker(unsigned int vcpu, void *udata) {
    (void)vcpu;
    (void)udata;
    char line[48];
    snprintf(line, sizeof line, "icount %" PRIu64 "\n", executed);
    qemu_plugin_outs(line);
    hits++;
}

/* udata: the block's vaddr and instruction count, packed. */
static void on_block(unsigned int vcpu, void *udata) {
    (void)vcpu;
    uintptr_t v = (uintptr_t)udata;
    if (hits == (uint64_t)(2 * profile + 1)) profile_counts[(v >> 8) / 2] += v & 0xff;
}

static void on_plugin_exit(qemu_plugin_id_t id, void *udata) {
    (void)id;
    (void)udata;
    char line[64];
    for (uint32_t i = 0; i < PROFILE_SPAN / 2; i++) {
        if (profile_counts[i]) {
            snprintf(line, sizeof line, "pc 0x%x %" PRIu64 "\n", i * 2, profile_counts[i]);
            qemu_plugin_outs(line);
        }
    }
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &executed, n);
    uint64_t pc = qemu_plugin_tb_vaddr(tb);
    if (profile >= 0 && pc < PROFILE_SPAN && n < 256) {
        qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS,
                                             (void *)(uintptr_t)((pc << 8) | n));
    }
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        if (qemu_plugin_insn_vaddr(insn) == marker) {
            qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS, NULL);
        }
    }
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv) {
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "marker=", 7) == 0) {
            /* A Thumb function's symbol has bit 0 set; its first instruction does not. */
            marker = strtoull(argv[i] + 7, NULL, 0) & ~(uint64_t)1;
        } else if (strncmp(argv[i], "profile=", 8) == 0) {
            profile = strtol(argv[i] + 8, NULL, 0);
        }
    }
    if (marker == UINT64_MAX) {
        fprintf(stderr, "icount: usage: -plugin icount.so,marker=0xADDR\n");
        return -1;
    }
    if (profile >= 0) {
        profile_counts = calloc(PROFILE_SPAN / 2, sizeof *profile_counts);
        if (!profile_counts) return -1;
        qemu_plugin_register_atexit_cb(id, on_plugin_exit, NULL);
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    return 0;
}
