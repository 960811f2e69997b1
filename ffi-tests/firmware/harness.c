/* A C firmware that links m800-sign's no_std staticlib (or, with FW_PEER, the same
 * procedure on Mbed TLS) and calls it the way a firmware developer does: the published
 * vector, a 200-byte push body, and (FW_VERIFY) a valid, a replayed and a tampered
 * request. Every call is measured: stack below the caller's frame (painted, then
 * scanned) and instructions executed (the icount plugin prints its counter at each
 * fw_mark; the harness calibrates the cost of an empty pair with a loop of known length).
 *
 * Build variants (the Makefile links one image per line of the size table):
 *   (none)            the harness alone: the baseline for libc attribution
 *   FW_SIGN           m800_signer_init + m800_sign_request
 *   FW_VERIFY         + m800_replay_cache_init + m800_verify_request
 *   FW_EXTRA          + m800_sign_request_md5 + m800_signature_hex (+ m800_verify)
 *   FW_PEER           the Mbed TLS peer instead of m800-sign
 *
 * Output (semihosting): one "measure LABEL" line per measured call, in the order of the
 * plugin's "icount" pairs; "stack LABEL N"; "auth200 VALUE"; "result: PASS" or FAIL. */
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

#ifdef FW_PEER
#include "m800_peer.h"
#else
#include <m800_sign.h>
/* The C enums as rustc lays them out for the target (README "C on a
 * microcontroller"): one byte, arm-none-eabi-gcc's default. */
_Static_assert(sizeof(m800_status) == 1 && sizeof(m800_push_outcome) == 1,
               "build the firmware with the target's short enums, as the library");
#endif
#include "vectors.h"

static int failures;

static void put_u32(uint32_t v) {
    char buf[12];
    char *p = buf + sizeof buf - 1;
    *p = 0;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sh_puts(p);
}

static void line2(const char *a, const char *b) {
    sh_puts(a);
    sh_puts(b);
    sh_puts("\n");
}

#ifdef FW_SIGN
static size_t slen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

static void check(const char *what, int ok) {
    if (!ok) {
        failures++;
        line2("FAIL: ", what);
    }
}

/* A NUL-terminated output equals a vector's string. */
static int same(const char *got, str_t want) {
    if (slen(got) != want.n) return 0;
    for (size_t i = 0; i < want.n; i++)
        if (got[i] != want.p[i]) return 0;
    return 1;
}
#endif

/* Paints the stack below the caller's frame, marks, runs CALL, marks, and reports the
 * deepest stack the call reached below that frame. */
#define MEASURE(label, call)                     \
    do {                                         \
        uint32_t sp_;                            \
        FW_SP(sp_);                              \
        stack_paint(sp_);                        \
        fw_mark();                               \
        call;                                    \
        fw_mark();                               \
        uint32_t used_ = sp_ - stack_low();      \
        line2("measure ", label);                \
        sh_puts("stack ");                       \
        sh_puts(label);                          \
        sh_puts(" ");                            \
        put_u32(used_);                          \
        sh_puts("\n");                           \
    } while (0)

static __attribute__((noinline)) void calibrate(void) {
    MEASURE("calib-empty", (void)0);
    MEASURE("calib-loop-10", calib_loop(10));
    MEASURE("calib-loop-1000", calib_loop(1000));
}

#ifdef FW_SIGN
/* 200 bytes: a typical push. */
static const char BODY200[] =
    "{\"appMessage\":{\"content\":\"Meeting moved to 15:30 in room 4B; please bring the Q3 "
    "figures and the draft budget v2.0\"},\"push\":{\"content\":\"Bob: meeting moved to 15:30 "
    "(room 4B)\"},\"sender\":\"bob@m800.com\"}";
_Static_assert(sizeof BODY200 - 1 == 200, "the push body is 200 bytes");
#define T200 UINT64_C(1764334800)
static const char NONCE200[] = "19aca5d1c20fedcba9876543210";
#endif

#ifdef FW_SIGN
/* One body for both libraries: the peer has the same calling shapes (README of
 * ../shared/peers/mbedtls-m800) under m800p_ names, and no verifier. */
#ifdef FW_PEER
typedef m800p_signer signer_t;
typedef m800p_headers headers_t;
typedef m800p_request request_t;
typedef m800p_fields fields_t;
#define STATUS_OK M800P_OK
#define SIGNER_INIT m800p_signer_init
#define SIGN_REQUEST m800p_sign_request
#define SIGN_REQUEST_MD5 m800p_sign_request_md5
#define SIGNATURE_HEX m800p_signature_hex
#else
typedef m800_signer signer_t;
typedef m800_signed_headers headers_t;
typedef m800_request request_t;
typedef m800_fields fields_t;
#define STATUS_OK M800_OK
#define SIGNER_INIT m800_signer_init
#define SIGN_REQUEST m800_sign_request
#define SIGN_REQUEST_MD5 m800_sign_request_md5
#define SIGNATURE_HEX m800_signature_hex
#endif

static signer_t signer;
static headers_t hdr, hdr200;
static request_t req, req200;

static __attribute__((noinline)) void run(void) {
    const req_vec *v = &REQ_VECS[0];
    int st = -1;
    MEASURE("m800_signer_init",
            st = SIGNER_INIT(&signer, v->key.p, v->key.n, (const uint8_t *)v->secret.p,
                                  v->secret.n));
    check("m800_signer_init", st == STATUS_OK);

    req = (request_t){v->method.p, v->method.n, v->uri.p, v->uri.n, v->content_type.p,
                         v->content_type.n, (const uint8_t *)v->body.p, v->body.n};
    MEASURE("m800_sign_request",
            st = SIGN_REQUEST(&signer, &req, v->unix_time, v->nonce.p, v->nonce.n, &hdr));
    check("vector: status", st == STATUS_OK);
    check("vector: Content-MD5", same(hdr.content_md5, v->content_md5));
    check("vector: X-M-Date", same(hdr.x_m_date, v->x_m_date));
    check("vector: Authorization", same(hdr.authorization, v->authorization));

    req200 = (request_t){"POST", 4, v->uri.p, v->uri.n, "application/json", 16,
                            (const uint8_t *)BODY200, 200};
    MEASURE("m800_sign_request/200",
            st = SIGN_REQUEST(&signer, &req200, T200, NONCE200, sizeof NONCE200 - 1, &hdr200));
    check("200-byte body: status", st == STATUS_OK);
    line2("auth200 ", hdr200.authorization);
    line2("md5200 ", hdr200.content_md5);

#ifdef FW_EXTRA
    /* The body was digested elsewhere (m800_md5_*): the request carries none. */
    static request_t req_md5;
    req_md5 = req;
    req_md5.body = NULL;
    req_md5.body_len = 0;
    MEASURE("m800_sign_request_md5",
            st = SIGN_REQUEST_MD5(&signer, &req_md5, v->content_md5.p, v->content_md5.n,
                                       v->unix_time, v->nonce.p, v->nonce.n, &hdr));
    check("vector (md5 given): status", st == STATUS_OK);
    check("vector (md5 given): Authorization", same(hdr.authorization, v->authorization));

    static fields_t f;
    static char hex[65];
    size_t hex_len = 0;
    f = (fields_t){v->method.p,       v->method.n,       v->uri.p,    v->uri.n,
                      v->content_md5.p,  v->content_md5.n,  v->content_type.p,
                      v->content_type.n, v->x_m_date.p,     v->x_m_date.n,
                      v->nonce.p,        v->nonce.n};
    MEASURE("m800_signature_hex", st = SIGNATURE_HEX(&signer, &f, hex, sizeof hex, &hex_len));
    check("signature hex: status", st == STATUS_OK && hex_len == 64);
    check("signature hex", same(hex, v->signature));
#endif

#if defined(FW_VERIFY) && !defined(FW_PEER)
    static m800_replay_slot slots[8];
    static m800_replay_cache cache, fresh;
    static uint8_t tampered[200];
    MEASURE("m800_replay_cache_init", st = m800_replay_cache_init(&cache, slots, 8));
    check("replay cache", st == STATUS_OK);
    const char *date = hdr200.x_m_date, *auth = hdr200.authorization;
    MEASURE("m800_verify_request/valid",
            st = m800_verify_request(&signer, &req200, date, slen(date), auth, slen(auth), T200,
                                     300, &cache));
    check("verify valid", st == STATUS_OK);
    MEASURE("m800_verify_request/replayed",
            st = m800_verify_request(&signer, &req200, date, slen(date), auth, slen(auth),
                                     T200 + 1, 300, &cache));
    check("verify replayed", st == M800_ERR_REPLAYED_NONCE);
    for (size_t i = 0; i < 200; i++) tampered[i] = (uint8_t)BODY200[i];
    tampered[60] ^= 1;
    static m800_replay_slot slots2[8];
    st = m800_replay_cache_init(&fresh, slots2, 8);
    check("fresh replay cache", st == STATUS_OK);
    req200.body = tampered;
    MEASURE("m800_verify_request/tampered",
            st = m800_verify_request(&signer, &req200, date, slen(date), auth, slen(auth), T200,
                                     300, &fresh));
    check("verify tampered", st == M800_ERR_SIGNATURE_MISMATCH);
#ifdef FW_EXTRA
    /* m800_verify through its params struct, no details: within sign + 25% of stack. */
    static m800_replay_slot slots3[8];
    static m800_replay_cache third;
    static m800_verify_params vp;
    st = m800_replay_cache_init(&third, slots3, 8);
    check("third replay cache", st == STATUS_OK);
    req200.body = (const uint8_t *)BODY200;
    st = m800_verify_params_init(&vp);
    check("m800_verify_params_init", st == STATUS_OK);
    vp.signer = &signer;
    vp.request = &req200;
    vp.x_m_date = date;
    vp.x_m_date_len = slen(date);
    vp.authorization = auth;
    vp.authorization_len = slen(auth);
    vp.now = T200;
    vp.replay_cache = &third;
    MEASURE("m800_verify/valid", st = m800_verify(&vp, NULL));
    check("m800_verify valid", st == STATUS_OK);
#endif
#endif
}
#endif

int main(void) {
    calibrate();
#ifdef FW_SIGN
    run();
#endif
    sh_puts(failures ? "result: FAIL\n" : "result: PASS\n");
    return failures ? 1 : 0;
}
