/* A C firmware that links m800-sign's no_std archive beside a second no_std Rust
 * staticlib (../other-rust-nostd: its own core, compiler_builtins and panic handler),
 * in either order (make two-rust). It signs the published vector, uses the other
 * library and 64-bit division of its own, then makes the other library panic: its own
 * handler must run (it calls other_rust_panicked, which reports the result and exits),
 * not m800-sign's (which parks the core: QEMU's timeout then fails the test).
 * Output (semihosting): "result: PASS" or FAIL lines. */
#include <stddef.h>
#include <stdint.h>

#include <m800_sign.h>

#include "harness.h"
#include "vectors.h"

uint64_t other_rust_divmod(uint64_t a, uint64_t b);
uint8_t other_rust_digit(size_t i);
void other_rust_panicked(void) __attribute__((noreturn));

static int failures;

static void check(const char *what, int ok) {
    if (!ok) {
        failures++;
        sh_puts("FAIL: ");
        sh_puts(what);
        sh_puts("\n");
    }
}

static int same(const char *got, str_t want) {
    for (size_t i = 0; i < want.n; i++)
        if (got[i] != want.p[i]) return 0;
    return got[want.n] == 0;
}

/* The other library's panic handler ends here: the run's last step. */
void other_rust_panicked(void) {
    sh_puts("the other library's panic handler ran\n");
    sh_puts(failures ? "result: FAIL\n" : "result: PASS\n");
    sh_exit(failures == 0);
}

static m800_signer signer;
static m800_signed_headers hdr;
static m800_request req;
/* volatile: the divisions below are done at run time (the C library's __aeabi_uldivmod). */
static volatile uint64_t big = UINT64_C(1764334800007), thousand = 1000;

int main(void) {
    const req_vec *v = &REQ_VECS[0];
    check("m800_signer_init", m800_signer_init(&signer, v->key.p, v->key.n,
                                               (const uint8_t *)v->secret.p,
                                               v->secret.n) == M800_OK);
    req = (m800_request){v->method.p, v->method.n, v->uri.p, v->uri.n, v->content_type.p,
                         v->content_type.n, (const uint8_t *)v->body.p, v->body.n};
    check("m800_sign_request", m800_sign_request(&signer, &req, v->unix_time, v->nonce.p,
                                                 v->nonce.n, &hdr) == M800_OK);
    check("vector: Authorization", same(hdr.authorization, v->authorization));
    check("other_rust_divmod", other_rust_divmod(big, thousand) == UINT64_C(1764334807));
    check("C's own 64-bit division", big / thousand == UINT64_C(1764334800) &&
                                         big % thousand == 7);
    check("other_rust_digit", other_rust_digit(3) == '3');
    /* Out of bounds: the other library panics. */
    (void)other_rust_digit((size_t)thousand);
    sh_puts("FAIL: the other library's panic did not reach its handler\n");
    sh_exit(0);
}
