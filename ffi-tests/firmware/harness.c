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
 *   FW_VECTORS        every vector of the shared file through the C API, as test_ffi.c
 *                     runs them on the host (not measured: correctness on each core)
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

#if defined(FW_SIGN) || defined(FW_VECTORS)
static size_t slen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

#ifdef FW_SIGN
static void check(const char *what, int ok) {
    if (!ok) {
        failures++;
        line2("FAIL: ", what);
    }
}
#endif

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
    MEASURE("calib-loop-10", calib_loop_10());
    MEASURE("calib-loop-1000", calib_loop_1000());
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

#ifdef FW_VECTORS
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Bytes [p, p + n) equal a vector's string. */
static int bytes_eq(const char *p, size_t n, str_t want) {
    if (n != want.n) return 0;
    for (size_t i = 0; i < n; i++)
        if (p[i] != want.p[i]) return 0;
    return 1;
}

/* A status as expected; on failure the vector's name too. */
static void expect(const char *what, const char *name, m800_status got, m800_status want) {
    if (got != want) {
        failures++;
        line2("FAIL: ", what);
        line2("  vector: ", name);
        line2("  status: ", m800_status_name(got));
    }
}

static void checkv(const char *what, const char *name, int ok) {
    if (!ok) {
        failures++;
        line2("FAIL: ", what);
        line2("  vector: ", name);
    }
}

static m800_request make_request(str_t method, str_t uri, str_t content_type, str_t body) {
    return (m800_request){method.p,       method.n,       uri.p, uri.n, content_type.p,
                          content_type.n, (const uint8_t *)body.p, body.n};
}

static m800_signer vs;
static m800_signed_headers vh;
static char vbuf[M800_STRING_TO_SIGN_SIZE];
static m800_authorization va;
static m800_replay_slot vslots[8];
static m800_replay_cache vcache;
static m800_verify_details vd; /* 2.5 KB: the M0's 16 KiB of SRAM keeps 8 KiB of stack */

static void signature_vectors(void) {
    for (size_t i = 0; i < N(SIG_VECS); i++) {
        const sig_vec *v = &SIG_VECS[i];
        size_t len = 0;
        expect("signer", v->name,
               m800_signer_init(&vs, "any-key", 7, (const uint8_t *)v->secret.p, v->secret.n),
               M800_OK);
        m800_fields f = {v->method.p,       v->method.n,      v->uri.p,      v->uri.n,
                         v->content_md5.p,  v->content_md5.n, v->content_type.p,
                         v->content_type.n, v->x_m_date.p,    v->x_m_date.n, v->nonce.p,
                         v->nonce.n};
        expect("string to sign", v->name, m800_string_to_sign(&f, vbuf, sizeof vbuf, &len),
               M800_OK);
        checkv("string to sign", v->name, bytes_eq(vbuf, len, v->string_to_sign));
        expect("signature hex", v->name, m800_signature_hex(&vs, &f, vbuf, sizeof vbuf, &len),
               M800_OK);
        checkv("signature hex", v->name, bytes_eq(vbuf, len, v->hex));
        expect("signature base64", v->name,
               m800_signature_base64(&vs, &f, vbuf, sizeof vbuf, &len), M800_OK);
        checkv("signature base64", v->name, bytes_eq(vbuf, len, v->base64));
        m800_signer_wipe(&vs);
    }
}

static void request_vectors(void) {
    static const size_t chunks[] = {1, 3, 63, 64, 65};
    for (size_t i = 0; i < N(REQ_VECS); i++) {
        const req_vec *v = &REQ_VECS[i];
        size_t len = 0;
        expect("signer", v->name,
               m800_signer_init(&vs, v->key.p, v->key.n, (const uint8_t *)v->secret.p,
                                v->secret.n),
               M800_OK);
        m800_request r = make_request(v->method, v->uri, v->content_type, v->body);
        expect("sign", v->name,
               m800_sign_request(&vs, &r, v->unix_time, v->nonce.p, v->nonce.n, &vh), M800_OK);
        checkv("X-M-Date", v->name, same(vh.x_m_date, v->x_m_date));
        checkv("Content-MD5", v->name, same(vh.content_md5, v->content_md5));
        checkv("Authorization", v->name, same(vh.authorization, v->authorization));
        expect("sign with string", v->name,
               m800_sign_request_with_string(&vs, &r, v->unix_time, v->nonce.p, v->nonce.n, &vh,
                                             vbuf, sizeof vbuf, &len),
               M800_OK);
        checkv("string to sign", v->name, bytes_eq(vbuf, len, v->string_to_sign));
        checkv("Authorization (with string)", v->name, same(vh.authorization, v->authorization));
        for (size_t c = 0; c < N(chunks); c++) {
            static m800_md5 md5;
            char hex[M800_CONTENT_MD5_SIZE];
            expect("md5 init", v->name, m800_md5_init(&md5), M800_OK);
            for (size_t off = 0; off < v->body.n; off += chunks[c]) {
                size_t n = v->body.n - off < chunks[c] ? v->body.n - off : chunks[c];
                expect("md5 update", v->name,
                       m800_md5_update(&md5, (const uint8_t *)v->body.p + off, n), M800_OK);
            }
            expect("md5 final", v->name, m800_md5_final(&md5, hex, sizeof hex, &len), M800_OK);
            checkv("streamed Content-MD5", v->name, bytes_eq(hex, len, v->content_md5));
        }
        expect("verify (round trip)", v->name,
               m800_verify_request(&vs, &r, vh.x_m_date, slen(vh.x_m_date), vh.authorization,
                                   slen(vh.authorization), v->unix_time + 10, 300, NULL),
               M800_OK);
        expect("authorization parse", v->name,
               m800_authorization_parse(vh.authorization, slen(vh.authorization), &va), M800_OK);
        checkv("authorization parts", v->name,
               same(va.key, v->key) && same(va.nonce, v->nonce) &&
                   same(va.signature, v->signature));
        expect("authorization format", v->name,
               m800_authorization_format(v->key.p, v->key.n, v->nonce.p, v->nonce.n,
                                         v->signature.p, v->signature.n, vbuf, sizeof vbuf, &len),
               M800_OK);
        checkv("authorization format", v->name, bytes_eq(vbuf, len, v->authorization));
        m800_signer_wipe(&vs);
    }
}

static void date_vectors(void) {
    for (size_t i = 0; i < N(DATE_VECS); i++) {
        const date_vec *v = &DATE_VECS[i];
        char buf[M800_X_M_DATE_SIZE];
        size_t len = 0;
        uint64_t t = 1;
        expect("date format", v->text.p, m800_date_format(v->unix_time, buf, sizeof buf, &len),
               M800_OK);
        checkv("date format", v->text.p, bytes_eq(buf, len, v->text));
        expect("date parse", v->text.p, m800_date_parse(v->text.p, v->text.n, &t), M800_OK);
        checkv("date parse", v->text.p, t == v->unix_time);
    }
    for (size_t i = 0; i < N(DATE_INVALID); i++) {
        uint64_t t = 12345;
        expect("invalid date", "http_date_invalid",
               m800_date_parse(DATE_INVALID[i].p, DATE_INVALID[i].n, &t), M800_ERR_INVALID_DATE);
        checkv("invalid date: output untouched", "http_date_invalid", t == 12345);
    }
}

static void authorization_vectors(void) {
    for (size_t i = 0; i < N(AUTH_VECS); i++) {
        const auth_vec *v = &AUTH_VECS[i];
        va.key[0] = 0x5a;
        expect("authorization parse", "authorization_parse",
               m800_authorization_parse(v->header.p, v->header.n, &va), v->expect);
        checkv("authorization parse: parts", "authorization_parse",
               v->expect == M800_OK ? same(va.key, v->key) && same(va.nonce, v->nonce) &&
                                          same(va.signature, v->signature)
                                    : va.key[0] == 0x5a);
    }
}

static void verify_vectors(void) {
    for (size_t i = 0; i < N(VERIFY_VECS); i++) {
        const verify_vec *v = &VERIFY_VECS[i];
        expect("signer", v->name,
               m800_signer_init(&vs, v->key.p, v->key.n, (const uint8_t *)v->secret.p,
                                v->secret.n),
               M800_OK);
        m800_request r = make_request(v->method, v->uri, v->content_type, v->body);
        expect("replay cache", v->name, m800_replay_cache_init(&vcache, vslots, N(vslots)),
               M800_OK);
        if (v->seen)
            expect("verify (recording the nonce)", v->name,
                   m800_verify_request(&vs, &r, v->x_m_date.p, v->x_m_date.n, v->authorization.p,
                                       v->authorization.n, v->now, v->window_s, &vcache),
                   M800_OK);
        static m800_verify_params p;
        expect("verify params", v->name, m800_verify_params_init(&p), M800_OK);
        p.signer = &vs;
        p.request = &r;
        p.x_m_date = v->x_m_date.p;
        p.x_m_date_len = v->x_m_date.n;
        p.authorization = v->authorization.p;
        p.authorization_len = v->authorization.n;
        p.now = v->now;
        p.window_s = v->window_s;
        p.replay_cache = &vcache;
        m800_status st = m800_verify(&p, &vd);
        expect("verify", v->name, st, v->expect);
        checkv("verify: server time", v->name, vd.server_time == v->now);
        checkv("verify: string to sign only on a mismatch", v->name,
               (st == M800_ERR_SIGNATURE_MISMATCH) ==
                   (vd.expected_string_to_sign_len > 0 &&
                    slen(vd.expected_string_to_sign) == vd.expected_string_to_sign_len));
        expect("verify (no cache)", v->name,
               m800_verify_request(&vs, &r, v->x_m_date.p, v->x_m_date.n, v->authorization.p,
                                   v->authorization.n, v->now, v->window_s, NULL),
               v->expect == M800_ERR_REPLAYED_NONCE ? M800_OK : v->expect);
        m800_signer_wipe(&vs);
    }
}

static void push_vectors(void) {
    for (size_t i = 0; i < N(PUSH_URI_VECS); i++) {
        const push_uri_vec *v = &PUSH_URI_VECS[i];
        size_t len = 12345;
        expect("push uri", "push_uri",
               m800_push_uri(v->username.p, v->username.n, v->carrier.p, v->carrier.n, vbuf,
                             sizeof vbuf, &len),
               v->expect);
        checkv("push uri", "push_uri",
               v->expect == M800_OK ? bytes_eq(vbuf, len, v->uri) : len == 12345);
    }
    for (size_t i = 0; i < N(PUSH_BODY_VECS); i++) {
        const push_body_vec *v = &PUSH_BODY_VECS[i];
        size_t len = 0;
        expect("push body", "push_body",
               m800_push_body(v->app_message.p, v->app_message.n, v->push_content.p,
                              v->push_content.n, v->sender.p, v->sender.n, vbuf, sizeof vbuf,
                              &len),
               M800_OK);
        checkv("push body", "push_body", bytes_eq(vbuf, len, v->body));
        /* Parsed back as a received body: the same members, the same texts. */
        m800_received_push rp;
        char text[512];
        size_t tl = 0;
        expect("push body parse", "push_body",
               m800_push_body_parse((const uint8_t *)vbuf, len, &rp), M800_OK);
        expect("json text", "push_body",
               m800_json_text_unescape(rp.app_message, rp.app_message_len, text, sizeof text,
                                       &tl),
               M800_OK);
        checkv("push body parse", "push_body",
               bytes_eq(text, tl, v->app_message) &&
                   (rp.push_content == NULL) == (v->push_content.p == NULL) &&
                   (rp.sender == NULL) == (v->sender.p == NULL) &&
                   (rp.sender == NULL || bytes_eq(rp.sender, rp.sender_len, v->sender)));
    }
    static const char host[] = "api.example.com:8443";
    for (size_t i = 0; i < N(PUSH_REQ_VECS); i++) {
        const push_req_vec *v = &PUSH_REQ_VECS[i];
        size_t len = 0, head = 0;
        expect("signer", v->name,
               m800_signer_init(&vs, v->key.p, v->key.n, (const uint8_t *)v->secret.p,
                                v->secret.n),
               M800_OK);
        m800_push p = {v->username.p,     v->username.n,     v->carrier.p, v->carrier.n,
                       v->app_message.p,  v->app_message.n,  v->push_content.p,
                       v->push_content.n, v->sender.p,       v->sender.n};
        expect("push request", v->name,
               m800_push_request(&vs, &p, host, sizeof host - 1, v->unix_time, v->nonce.p,
                                 v->nonce.n, vbuf, sizeof vbuf, &len, &head, &vh),
               M800_OK);
        checkv("push request: headers", v->name,
               same(vh.authorization, v->authorization) && same(vh.x_m_date, v->x_m_date) &&
                   same(vh.content_md5, v->content_md5));
        checkv("push request: body", v->name,
               head <= len && bytes_eq(vbuf + head, len - head, v->body));
        m800_signer_wipe(&vs);
    }
}

/* The push endpoint's two answers, and answers that are neither (no shared vectors:
 * the shapes of PROTOCOL.md, as test_ffi.c checks them). */
static void push_responses(void) {
    static const char ok[] = " {\n \"requestId\" : \"r-42\" \t}\r\n";
    static const char err[] =
        "{\"error\":{\"status\":503,\"code\":-9223372036854775808,\"message\":\"busy\"}}";
    static const char *const bad[] = {
        "{}", "{\"requestId\":\"a\",\"requestId\":\"b\"}", "{\"requestId\":null}",
        "{\"requestId\":\"a\"} x", "{\"error\":{\"status\":99,\"code\":1,\"message\":\"\"}}",
        "{\"error\":{\"status\":500,\"code\":01,\"message\":\"\"}}", "[\"requestId\"]",
        "{\"requestId\":\"a\",}",
    };
    static m800_push_response r;
    expect("push response", ok,
           m800_push_response_parse((const uint8_t *)ok, sizeof ok - 1, &r), M800_OK);
    checkv("push response: accepted", ok,
           r.outcome == M800_PUSH_ACCEPTED &&
               bytes_eq(r.request_id, r.request_id_len, (str_t){"r-42", 4}));
    expect("push response", err,
           m800_push_response_parse((const uint8_t *)err, sizeof err - 1, &r), M800_OK);
    checkv("push response: failed", err,
           r.outcome == M800_PUSH_FAILED && r.status == 503 && r.code == INT64_MIN &&
               bytes_eq(r.message, r.message_len, (str_t){"busy", 4}));
    for (size_t i = 0; i < N(bad); i++)
        expect("push response: malformed", bad[i],
               m800_push_response_parse((const uint8_t *)bad[i], slen(bad[i]), &r),
               M800_ERR_MALFORMED_RESPONSE);
}

static __attribute__((noinline)) void vectors(void) {
    signature_vectors();
    request_vectors();
    date_vectors();
    authorization_vectors();
    verify_vectors();
    push_vectors();
    push_responses();
}
#endif

int main(void) {
    calibrate();
#ifdef FW_SIGN
    run();
#endif
#ifdef FW_VECTORS
    vectors();
#endif
    sh_puts(failures ? "result: FAIL\n" : "result: PASS\n");
    return failures ? 1 : 0;
}
