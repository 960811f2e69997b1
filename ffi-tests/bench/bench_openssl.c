/*
 * bench_openssl.c: m800_sign_request against the same signing written with
 * OpenSSL's libcrypto, in one process, interleaved (issue 6, "Speed").
 *
 *   make -C ffi-tests/bench run            # measure and print the table
 *   make -C ffi-tests/bench check          # the same, exit 1 if a target is missed
 *   make -C ffi-tests/bench quick          # 3 short rounds: builds, agrees, runs
 *   ffi-tests/bench/build/bench_openssl [--check] [--quick] [--rounds N] [--iters N]
 *
 * The inputs are those of benches/sign.rs (the "typical push request"): key
 * "a-demo-key", secret "a-demo-secret", POST /api/1.0/push/alice@m800.com,
 * application/json, nonce "19aca559e000123456789abcdef", time 1764331200, and
 * a 200-byte JSON body; a 4 KiB body of the same shape makes MD5 dominate.
 *
 * Methods (each signs the request from its parts to the three header values):
 *   A   m800_sign_request, signer initialised once.
 *   B   the straightforward OpenSSL code: MD5() -> hex, gmtime_r + strftime,
 *       snprintf the string to sign, one-shot HMAC(EVP_sha256(), ...) -> hex,
 *       snprintf the Authorization header.
 *   C   as B, with an EVP_MAC HMAC-SHA256 context keyed once and re-initialised
 *       per message without re-keying (EVP_MAC_init with a NULL key).
 *   C2  as C, with the (deprecated in 3.0) HMAC_CTX API: HMAC_Init_ex(ctx,
 *       NULL, 0, NULL, NULL) per message. Whichever of C and C2 is faster is
 *       "the reused-context code" the targets compare with.
 * B, C and C2 use MD5(), which runs the low-level assembler MD5 on a stack
 * context: there is no allocation or dispatch left for a reused context to
 * save (an EVP_MD_CTX would only add the provider dispatch).
 *
 * Verification (200 B): m800_verify_request (no replay cache) against the
 * OpenSSL equivalent: sscanf the Authorization header, check the key,
 * strptime + timegm the X-M-Date and check the 300 s window, recompute MD5,
 * string to sign and HMAC (one-shot, or the reused EVP_MAC context), and
 * compare the hex with CRYPTO_memcmp.
 *
 * Issue 13, interleaved in one run (200 B): A, DA, and verification of fresh
 * valid requests through m800_verify_request with a replay cache of 64 slots
 * (R64) and of 600,000 slots (R600K), each half full of live entries (filled
 * through m800_verify_request before timing, dated far in the future so that
 * they never expire). Each fresh request has its own nonce; they are signed
 * (not timed) in batches of 8, each batch dated 601 s after the previous one so
 * that its entries have expired when the next batch runs and the caches stay
 * half full (as benches/sign.rs does). Targets: DA / A <= 1.25 and
 * R600K / R64 <= 1.35, as cost ratios from the medians and the minimums.
 *
 * Before timing, every method's output is compared with A's for each body
 * (X-M-Date, Content-MD5, Authorization) and every verifier must accept the
 * valid request and reject a forged one; any difference aborts with status 2.
 *
 * Timing: clock_gettime(CLOCK_MONOTONIC) around batches of --iters calls (100;
 * a sixth of that at 4 KiB); one round runs one batch of each method in turn
 * (A, B, C, C2, A, B, ...); the median over --rounds rounds (1001) is
 * reported, with the minimum and the 90th percentile. Ratios are printed from
 * the medians (the verdict) and from the minimums (the least disturbed
 * batches, close to what a quiet machine shows). Measuring is not a test: the
 * program exits 0 whether or not the targets are met, unless --check is given
 * (exit 1 on a miss). Build at -O2 without -march=native.
 */

#define _GNU_SOURCE /* strptime, timegm, gmtime_r */
/* MD5() and HMAC_CTX are deprecated in OpenSSL 3.0 but are exactly what the
 * straightforward code (and the reused-context variant C2) calls. */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/md5.h>
#include <openssl/opensslv.h>
#include <openssl/params.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "m800_sign.h"

/* ---- the inputs (benches/sign.rs) ---------------------------------------- */

static const char KEY[] = "a-demo-key";
static const char SECRET[] = "a-demo-secret";
static const uint64_t NOW = 1764331200u; /* Fri, 28 Nov 2025 12:00:00 GMT */
static const char NONCE[] = "19aca559e000123456789abcdef";
static const char METHOD[] = "POST";
static const char URI[] = "/api/1.0/push/alice@m800.com";
static const char CONTENT_TYPE[] = "application/json";
static const uint32_t WINDOW_S = 300;

#define BODY_LARGE 4096

/* The typical push body of benches/sign.rs, padded with 'x' to `len` bytes. */
static void make_body(unsigned char *body, size_t len)
{
    static const char head[] = "{\"appMessage\":{\"content\":\"Hello from M800, ";
    static const char tail[] =
        "\"},\"push\":{\"content\":\"You have a new message\"},\"sender\":\"bob@m800.com\"}";
    size_t h = sizeof head - 1, t = sizeof tail - 1;
    if (len < h + t) {
        fprintf(stderr, "body too short\n");
        exit(2);
    }
    memcpy(body, head, h);
    memset(body + h, 'x', len - h - t);
    memcpy(body + len - t, tail, t);
}

/* One request to sign, and (for the verifiers) the headers it was sent with. */
struct bench_input {
    const unsigned char *body;
    size_t body_len;
    uint64_t unix_time;
    const char *x_m_date;      /* verifiers only */
    const char *authorization; /* verifiers only */
};

/* ---- A: the library ------------------------------------------------------- */

static m800_signer g_signer; /* zeroed: initialised in main */

static int sign_m800(const struct bench_input *in, m800_signed_headers *out)
{
    m800_request req = {
        METHOD, sizeof METHOD - 1, URI, sizeof URI - 1,
        CONTENT_TYPE, sizeof CONTENT_TYPE - 1, in->body, in->body_len,
    };
    return m800_sign_request(&g_signer, &req, in->unix_time, NONCE, sizeof NONCE - 1, out) ==
                   M800_OK
               ? 0
               : -1;
}

static int verify_m800(const struct bench_input *in, m800_signed_headers *unused)
{
    (void)unused;
    m800_request req = {
        METHOD, sizeof METHOD - 1, URI, sizeof URI - 1,
        CONTENT_TYPE, sizeof CONTENT_TYPE - 1, in->body, in->body_len,
    };
    m800_status st = m800_verify_request(&g_signer, &req, in->x_m_date, strlen(in->x_m_date),
                                         in->authorization, strlen(in->authorization),
                                         in->unix_time, WINDOW_S, NULL);
    return st == M800_OK ? 0 : (int)st;
}

/* ---- B, C, C2: OpenSSL ---------------------------------------------------- */

static EVP_MAC_CTX *g_mac;  /* C: keyed once */
static HMAC_CTX *g_hmac;    /* C2: keyed once */

enum hmac_kind { HMAC_ONESHOT, HMAC_EVP_MAC, HMAC_HMAC_CTX };

static void hex_lower(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hmac_sha256(enum hmac_kind kind, const char *msg, size_t len, unsigned char mac[32])
{
    switch (kind) {
    case HMAC_ONESHOT: {
        unsigned int mac_len = 0;
        return HMAC(EVP_sha256(), SECRET, (int)(sizeof SECRET - 1), (const unsigned char *)msg,
                    len, mac, &mac_len) != NULL &&
                       mac_len == 32
                   ? 0
                   : -1;
    }
    case HMAC_EVP_MAC: {
        size_t mac_len = 0;
        return EVP_MAC_init(g_mac, NULL, 0, NULL) == 1 &&
                       EVP_MAC_update(g_mac, (const unsigned char *)msg, len) == 1 &&
                       EVP_MAC_final(g_mac, mac, &mac_len, 32) == 1 && mac_len == 32
                   ? 0
                   : -1;
    }
    case HMAC_HMAC_CTX: {
        unsigned int mac_len = 0;
        return HMAC_Init_ex(g_hmac, NULL, 0, NULL, NULL) == 1 &&
                       HMAC_Update(g_hmac, (const unsigned char *)msg, len) == 1 &&
                       HMAC_Final(g_hmac, mac, &mac_len) == 1 && mac_len == 32
                   ? 0
                   : -1;
    }
    }
    return -1;
}

/* The string to sign and its signature in hex; `md5_hex` and `date` given. */
static int ossl_signature(enum hmac_kind kind, const char *md5_hex, const char *date,
                          const char *nonce, char sig[65])
{
    char sts[M800_STRING_TO_SIGN_SIZE];
    int n = snprintf(sts, sizeof sts, "%s\n%s\n%s\n%s\n%s\n%s", METHOD, URI, md5_hex,
                     CONTENT_TYPE, date, nonce);
    if (n < 0 || (size_t)n >= sizeof sts)
        return -1;
    unsigned char mac[32];
    if (hmac_sha256(kind, sts, (size_t)n, mac) != 0)
        return -1;
    hex_lower(mac, sizeof mac, sig);
    return 0;
}

static void ossl_content_md5(const struct bench_input *in, char out[33])
{
    if (in->body_len == 0) {
        out[0] = '\0';
        return;
    }
    unsigned char md[MD5_DIGEST_LENGTH];
    MD5(in->body, in->body_len, md);
    hex_lower(md, sizeof md, out);
}

static int sign_ossl(enum hmac_kind kind, const struct bench_input *in, m800_signed_headers *out)
{
    ossl_content_md5(in, out->content_md5);

    time_t t = (time_t)in->unix_time;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out->x_m_date, sizeof out->x_m_date, "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
        return -1;

    char sig[65];
    if (ossl_signature(kind, out->content_md5, out->x_m_date, NONCE, sig) != 0)
        return -1;
    int n = snprintf(out->authorization, sizeof out->authorization,
                     "MAAIISDK10 key=\"%s\", nonce=\"%s\", signature=\"%s\"", KEY, NONCE, sig);
    return n < 0 || (size_t)n >= sizeof out->authorization ? -1 : 0;
}

static int sign_ossl_oneshot(const struct bench_input *in, m800_signed_headers *out)
{
    return sign_ossl(HMAC_ONESHOT, in, out);
}

static int sign_ossl_evp_mac(const struct bench_input *in, m800_signed_headers *out)
{
    return sign_ossl(HMAC_EVP_MAC, in, out);
}

static int sign_ossl_hmac_ctx(const struct bench_input *in, m800_signed_headers *out)
{
    return sign_ossl(HMAC_HMAC_CTX, in, out);
}

static int verify_ossl(enum hmac_kind kind, const struct bench_input *in)
{
    char key[M800_KEY_SIZE], nonce[M800_NONCE_SIZE], sig[M800_SIGNATURE_SIZE];
    int end = 0;
    if (sscanf(in->authorization,
               "MAAIISDK10 key=\"%128[^\"]\", nonce=\"%64[^\"]\", signature=\"%64[^\"]\"%n", key,
               nonce, sig, &end) != 3 ||
        end == 0 || in->authorization[end] != '\0')
        return 1; /* malformed */
    if (strcmp(key, KEY) != 0)
        return 2; /* unknown key */

    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *rest = strptime(in->x_m_date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (rest == NULL || *rest != '\0')
        return 3; /* bad date */
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return 3;
    int64_t skew = (int64_t)t - (int64_t)in->unix_time;
    if (skew < -(int64_t)WINDOW_S || skew > (int64_t)WINDOW_S)
        return 4; /* outside the window */

    char md5_hex[33], expected[65];
    ossl_content_md5(in, md5_hex);
    if (ossl_signature(kind, md5_hex, in->x_m_date, nonce, expected) != 0)
        return 5;
    if (strlen(sig) != 64 || CRYPTO_memcmp(sig, expected, 64) != 0)
        return 6; /* mismatch */
    return 0;
}

static int verify_ossl_oneshot(const struct bench_input *in, m800_signed_headers *unused)
{
    (void)unused;
    return verify_ossl(HMAC_ONESHOT, in);
}

static int verify_ossl_evp_mac(const struct bench_input *in, m800_signed_headers *unused)
{
    (void)unused;
    return verify_ossl(HMAC_EVP_MAC, in);
}

/* ---- timing ----------------------------------------------------------------- */

typedef int (*method_fn)(const struct bench_input *, m800_signed_headers *);

struct method {
    const char *tag;
    const char *what;
    method_fn fn;
    double *ns; /* per round */
    double median;
    double min;
};

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The value at fraction `q` (0 = min, 0.5 = median) of `v[0..n]` (nearest rank). */
static double quantile(const double *v, int n, double q)
{
    double *c = malloc((size_t)n * sizeof *c);
    if (c == NULL) {
        perror("malloc");
        exit(2);
    }
    memcpy(c, v, (size_t)n * sizeof *c);
    qsort(c, (size_t)n, sizeof *c, cmp_double);
    double m = c[(int)(q * (n - 1) + 0.5)];
    free(c);
    return m;
}

/* Runs `iters` calls of `fn`; any failure is a bug in the bench: abort. */
static double time_batch(method_fn fn, const struct bench_input *in, long iters)
{
    m800_signed_headers out;
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) {
        if (fn(in, &out) != 0) {
            fprintf(stderr, "a method failed while timing\n");
            exit(2);
        }
        __asm__ __volatile__("" : : "r"(&out) : "memory");
    }
    return (now_ns() - t0) / (double)iters;
}

/* One warm-up round, then `rounds` rounds of one batch per method in turn. */
static void run_interleaved(struct method *m, int n_methods, const struct bench_input *in,
                            int rounds, long iters)
{
    for (int k = 0; k < n_methods; k++)
        (void)time_batch(m[k].fn, in, iters / 4 + 1);
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < n_methods; k++)
            m[k].ns[r] = time_batch(m[k].fn, in, iters);
    for (int k = 0; k < n_methods; k++) {
        m[k].median = quantile(m[k].ns, rounds, 0.5);
        m[k].min = quantile(m[k].ns, rounds, 0.0);
    }
}

static void print_methods(const char *label, const struct method *m, int n_methods, int rounds)
{
    printf("\n%s\n", label);
    printf("  %-5s %-44s %10s %10s %10s\n", "", "method", "median ns", "min ns", "p90 ns");
    for (int k = 0; k < n_methods; k++)
        printf("  %-5s %-44s %10.1f %10.1f %10.1f\n", m[k].tag, m[k].what, m[k].median,
               m[k].min, quantile(m[k].ns, rounds, 0.9));
}

static int g_missed;

/* Throughput of `a` over `b` (= b's ns / a's ns), from the medians (the
 * verdict) and from the minimums (the least disturbed batches: what a quiet
 * machine would show), against a minimum ratio. */
static void target(const char *name, const struct method *a, const struct method *b, double min)
{
    double ratio = b->median / a->median;
    int pass = ratio >= min;
    if (!pass)
        g_missed = 1;
    printf("  %-44s %6.2fx %6.2fx   >= %.2fx  %s\n", name, ratio, b->min / a->min, min,
           pass ? "PASS" : "MISS");
}

static void info_ratio(const char *name, const struct method *a, const struct method *b)
{
    printf("  %-44s %6.2fx %6.2fx\n", name, b->median / a->median, b->min / a->min);
}

static void ratio_header(const char *note)
{
    char label[64];
    snprintf(label, sizeof label, "throughput ratios%s", note);
    printf("  %-44s %7s %7s   %s\n", label, "median", "min", "target");
}

/* Cost of `num` over `den` (= num's ns / den's ns), from the medians (the
 * verdict) and from the minimums, against a maximum ratio. */
static void cost_target(const char *name, const struct method *num, const struct method *den,
                        double max)
{
    double ratio = num->median / den->median;
    int pass = ratio <= max;
    if (!pass)
        g_missed = 1;
    printf("  %-44s %6.3fx %6.3fx   <= %.2fx  %s\n", name, ratio, num->min / den->min, max,
           pass ? "PASS" : "MISS");
}

/* ---- replay caches (issue 13) ------------------------------------------------- */

/* Resident entries: dated near the end of the representable time, never expired. */
static const uint64_t FAR = 253402000000u;
#define FRESH_BATCH 8

struct replay_bench {
    m800_replay_cache cache;
    m800_replay_slot *slots;
    uint64_t batch, nonce; /* fresh requests so far */
};

static m800_status sign_verify(const struct bench_input *in, const char *nonce, uint64_t t,
                               m800_replay_cache *cache)
{
    m800_request req = {
        METHOD, sizeof METHOD - 1, URI, sizeof URI - 1,
        CONTENT_TYPE, sizeof CONTENT_TYPE - 1, in->body, in->body_len,
    };
    m800_signed_headers h;
    m800_status st = m800_sign_request(&g_signer, &req, t, nonce, strlen(nonce), &h);
    if (st != M800_OK)
        return st;
    return m800_verify_request(&g_signer, &req, h.x_m_date, strlen(h.x_m_date), h.authorization,
                               strlen(h.authorization), t, WINDOW_S, cache);
}

/* A cache of `n` slots, half of them holding live entries (recorded through
 * m800_verify_request). */
static void replay_bench_init(struct replay_bench *b, size_t n, const struct bench_input *in)
{
    memset(b, 0, sizeof *b);
    b->slots = malloc(n * sizeof *b->slots);
    if (b->slots == NULL || m800_replay_cache_init(&b->cache, b->slots, n) != M800_OK) {
        fprintf(stderr, "replay cache setup failed\n");
        exit(2);
    }
    for (size_t i = 0; i < n / 2; i++) {
        char nonce[32];
        snprintf(nonce, sizeof nonce, "resident-%zu", i);
        m800_status st = sign_verify(in, nonce, FAR, &b->cache);
        if (st != M800_OK) {
            fprintf(stderr, "filling %zu slots: entry %zu: %s\n", n, i, m800_status_name(st));
            exit(2);
        }
    }
}

/* `iters` verifications of fresh valid requests against `b`'s cache, in
 * batches signed before timing; the mean ns per verification. */
static double time_fresh(struct replay_bench *b, const struct bench_input *in, long iters)
{
    m800_request req = {
        METHOD, sizeof METHOD - 1, URI, sizeof URI - 1,
        CONTENT_TYPE, sizeof CONTENT_TYPE - 1, in->body, in->body_len,
    };
    m800_signed_headers h[FRESH_BATCH];
    size_t date_len[FRESH_BATCH], auth_len[FRESH_BATCH];
    double total = 0;
    for (long done = 0; done < iters;) {
        int k = iters - done < FRESH_BATCH ? (int)(iters - done) : FRESH_BATCH;
        uint64_t t = NOW + ++b->batch * 601;
        for (int i = 0; i < k; i++) {
            char nonce[32];
            snprintf(nonce, sizeof nonce, "fresh-%llu", (unsigned long long)++b->nonce);
            if (m800_sign_request(&g_signer, &req, t, nonce, strlen(nonce), &h[i]) != M800_OK) {
                fprintf(stderr, "signing a fresh request failed\n");
                exit(2);
            }
            date_len[i] = strlen(h[i].x_m_date);
            auth_len[i] = strlen(h[i].authorization);
        }
        double t0 = now_ns();
        for (int i = 0; i < k; i++) {
            m800_status st = m800_verify_request(&g_signer, &req, h[i].x_m_date, date_len[i],
                                                 h[i].authorization, auth_len[i], t, WINDOW_S,
                                                 &b->cache);
            if (st != M800_OK) {
                fprintf(stderr, "a fresh request was refused: %s\n", m800_status_name(st));
                exit(2);
            }
        }
        total += now_ns() - t0;
        done += k;
    }
    return total / (double)iters;
}

/* ---- correctness before timing ------------------------------------------------ */

static void must_match(const char *tag, const m800_signed_headers *ref,
                       const m800_signed_headers *got)
{
    if (strcmp(ref->x_m_date, got->x_m_date) != 0 ||
        strcmp(ref->content_md5, got->content_md5) != 0 ||
        strcmp(ref->authorization, got->authorization) != 0) {
        fprintf(stderr,
                "MISMATCH: %s differs from m800_sign_request\n"
                "  A:  %s | %s | %s\n  %-3s %s | %s | %s\n",
                tag, ref->x_m_date, ref->content_md5, ref->authorization, tag, got->x_m_date,
                got->content_md5, got->authorization);
        exit(2);
    }
}

static void check_sign_methods(const struct method *m, int n_methods,
                               const struct bench_input *in, m800_signed_headers *ref)
{
    memset(ref, 0, sizeof *ref);
    if (m[0].fn(in, ref) != 0) {
        fprintf(stderr, "m800_sign_request failed\n");
        exit(2);
    }
    for (int k = 1; k < n_methods; k++) {
        m800_signed_headers got;
        memset(&got, 0, sizeof got);
        if (m[k].fn(in, &got) != 0) {
            fprintf(stderr, "%s failed\n", m[k].tag);
            exit(2);
        }
        must_match(m[k].tag, ref, &got);
    }
}

static void check_verifiers(const struct method *m, int n_methods, const struct bench_input *valid,
                            const struct bench_input *forged)
{
    for (int k = 0; k < n_methods; k++) {
        if (m[k].fn(valid, NULL) != 0) {
            fprintf(stderr, "MISMATCH: verifier %s rejects the valid request\n", m[k].tag);
            exit(2);
        }
        if (m[k].fn(forged, NULL) == 0) {
            fprintf(stderr, "MISMATCH: verifier %s accepts a forged request\n", m[k].tag);
            exit(2);
        }
    }
}

/* ---- main ------------------------------------------------------------------------ */

static int has_sha_ni(void)
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a, b, c, d;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
        return (b >> 29) & 1;
#endif
    return 0;
}

static long parse_positive(const char *s, const char *what)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v <= 0 || v > 100000000) {
        fprintf(stderr, "%s: expected a positive integer, got '%s'\n", what, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    /* Short batches (about 0.1-0.3 ms): on a shared machine a batch that the
     * scheduler preempts measures the other processes too (CLOCK_MONOTONIC is
     * wall time), and a long batch is preempted more often the slower its
     * method is, which would bias the medians in favour of the fastest one.
     * Short batches are rarely preempted, and the median drops those that are. */
    int check = 0, rounds = 1001;
    long iters = 100;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0) {
            check = 1;
        } else if (strcmp(argv[i], "--quick") == 0) {
            rounds = 3;
            iters = 20;
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            rounds = (int)parse_positive(argv[++i], "--rounds");
        } else if (strcmp(argv[i], "--iters") == 0 && i + 1 < argc) {
            iters = parse_positive(argv[++i], "--iters");
        } else {
            fprintf(stderr, "usage: %s [--check] [--quick] [--rounds N] [--iters N]\n",
                    argv[0]);
            return 2;
        }
    }

    if (m800_signer_init(&g_signer, KEY, sizeof KEY - 1, (const uint8_t *)SECRET,
                         sizeof SECRET - 1) != M800_OK) {
        fprintf(stderr, "m800_signer_init failed\n");
        return 2;
    }
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    g_mac = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
        OSSL_PARAM_construct_end(),
    };
    g_hmac = HMAC_CTX_new();
    if (g_mac == NULL ||
        EVP_MAC_init(g_mac, (const unsigned char *)SECRET, sizeof SECRET - 1, params) != 1 ||
        g_hmac == NULL ||
        HMAC_Init_ex(g_hmac, SECRET, (int)(sizeof SECRET - 1), EVP_sha256(), NULL) != 1) {
        fprintf(stderr, "OpenSSL HMAC setup failed\n");
        return 2;
    }

    static unsigned char body_small[200], body_large[BODY_LARGE];
    make_body(body_small, sizeof body_small);
    make_body(body_large, sizeof body_large);

    double *ns = calloc((size_t)rounds * 15, sizeof *ns);
    if (ns == NULL) {
        perror("calloc");
        return 2;
    }
    struct method sign[] = {
        {.tag = "A",
         .what = "m800_sign_request",
         .fn = sign_m800,
         .ns = ns},
        {.tag = "B",
         .what = "OpenSSL MD5() + one-shot HMAC()",
         .fn = sign_ossl_oneshot,
         .ns = ns + rounds},
        {.tag = "C",
         .what = "OpenSSL MD5() + reused EVP_MAC ctx",
         .fn = sign_ossl_evp_mac,
         .ns = ns + 2 * rounds},
        {.tag = "C2",
         .what = "OpenSSL MD5() + reused HMAC_CTX (deprecated)",
         .fn = sign_ossl_hmac_ctx,
         .ns = ns + 3 * rounds},
    };
    struct method verify[] = {
        {.tag = "DA",
         .what = "m800_verify_request (no replay cache)",
         .fn = verify_m800,
         .ns = ns + 4 * rounds},
        {.tag = "DB",
         .what = "OpenSSL verify, one-shot HMAC()",
         .fn = verify_ossl_oneshot,
         .ns = ns + 5 * rounds},
        {.tag = "DC",
         .what = "OpenSSL verify, reused EVP_MAC ctx",
         .fn = verify_ossl_evp_mac,
         .ns = ns + 6 * rounds},
    };
    const int n_sign = (int)(sizeof sign / sizeof sign[0]);
    const int n_verify = (int)(sizeof verify / sizeof verify[0]);

    /* Every method must give the same headers for both bodies. */
    struct bench_input small = {body_small, sizeof body_small, NOW, NULL, NULL};
    struct bench_input large = {body_large, sizeof body_large, NOW, NULL, NULL};
    m800_signed_headers ref_small, ref_large;
    check_sign_methods(sign, n_sign, &small, &ref_small);
    check_sign_methods(sign, n_sign, &large, &ref_large);

    /* The verifiers: accept the signed request, reject one with a digit changed. */
    char forged_auth[M800_AUTHORIZATION_SIZE];
    memcpy(forged_auth, ref_small.authorization, sizeof forged_auth);
    size_t last = strlen(forged_auth) - 2; /* the last hex digit, before the quote */
    forged_auth[last] = forged_auth[last] == '0' ? '1' : '0';
    struct bench_input valid = {body_small, sizeof body_small, NOW, ref_small.x_m_date,
                                ref_small.authorization};
    struct bench_input forged = {body_small, sizeof body_small, NOW, ref_small.x_m_date,
                                 forged_auth};
    check_verifiers(verify, n_verify, &valid, &forged);

    printf("m800-sign %s vs %s; SHA-NI %s; %d rounds, interleaved, median of per-round ns/op\n",
           m800_version(), OpenSSL_version(OPENSSL_VERSION), has_sha_ni() ? "yes" : "no", rounds);
    printf("all methods agree: X-M-Date \"%s\", Content-MD5 %s (200 B), %s (4 KiB)\n",
           ref_small.x_m_date, ref_small.content_md5, ref_large.content_md5);

    /* 200 B. */
    run_interleaved(sign, n_sign, &small, rounds, iters);
    print_methods("sign, typical push request, 200-byte JSON body", sign, n_sign, rounds);
    const struct method *best_c_small = sign[2].median <= sign[3].median ? &sign[2] : &sign[3];
    ratio_header(best_c_small == &sign[2] ? " (best reused: C)" : " (best reused: C2)");
    target("A over B (one-shot OpenSSL)", &sign[0], &sign[1], 3.0);
    target("A over best of C, C2 (reused context)", &sign[0], best_c_small, 1.25);
    info_ratio("A over C (EVP_MAC)", &sign[0], &sign[2]);
    info_ratio("A over C2 (HMAC_CTX)", &sign[0], &sign[3]);

    /* 4 KiB: MD5-bound; fewer calls per batch keep a batch about as long. */
    for (int k = 0; k < n_sign; k++)
        sign[k].ns = ns + (size_t)(7 + k) * rounds;
    long iters_large = iters / 6 > 0 ? iters / 6 : 1;
    run_interleaved(sign, n_sign, &large, rounds, iters_large);
    print_methods("sign, 4 KiB JSON body (MD5-bound)", sign, n_sign, rounds);
    const struct method *best_c_large = sign[2].median <= sign[3].median ? &sign[2] : &sign[3];
    ratio_header(best_c_large == &sign[2] ? " (best reused: C)" : " (best reused: C2)");
    info_ratio("A over B (one-shot OpenSSL)", &sign[0], &sign[1]);
    target("A over best of C, C2 (reused context)", &sign[0], best_c_large, 1.0);

    /* Verification, 200 B. */
    run_interleaved(verify, n_verify, &valid, rounds, iters);
    print_methods("verify, typical push request, 200-byte JSON body (valid)", verify, n_verify,
                  rounds);
    ratio_header("");
    info_ratio("DA over DB (one-shot OpenSSL verify)", &verify[0], &verify[1]);
    info_ratio("DA over DC (reused-context OpenSSL verify)", &verify[0], &verify[2]);

    /* Issue 13: verify against sign, and a 600,000-slot cache against a
     * 64-slot one, all four interleaved. */
    struct replay_bench small_cache, large_cache;
    replay_bench_init(&small_cache, 64, &small);
    replay_bench_init(&large_cache, 600000, &small);
    struct method scale[] = {
        {.tag = "A", .what = "m800_sign_request", .ns = ns + 11 * rounds},
        {.tag = "DA", .what = "m800_verify_request (no replay cache)", .ns = ns + 12 * rounds},
        {.tag = "R64", .what = "verify fresh, 64-slot cache half full", .ns = ns + 13 * rounds},
        {.tag = "R600K",
         .what = "verify fresh, 600,000-slot cache half full",
         .ns = ns + 14 * rounds},
    };
    const int n_scale = (int)(sizeof scale / sizeof scale[0]);
    (void)time_batch(sign_m800, &small, iters / 4 + 1);
    (void)time_batch(verify_m800, &valid, iters / 4 + 1);
    (void)time_fresh(&small_cache, &small, iters / 4 + 1);
    (void)time_fresh(&large_cache, &small, iters / 4 + 1);
    for (int r = 0; r < rounds; r++) {
        scale[0].ns[r] = time_batch(sign_m800, &small, iters);
        scale[1].ns[r] = time_batch(verify_m800, &valid, iters);
        scale[2].ns[r] = time_fresh(&small_cache, &small, iters);
        scale[3].ns[r] = time_fresh(&large_cache, &small, iters);
    }
    for (int k = 0; k < n_scale; k++) {
        scale[k].median = quantile(scale[k].ns, rounds, 0.5);
        scale[k].min = quantile(scale[k].ns, rounds, 0.0);
    }
    print_methods("verify vs sign, and replay caches (issue 13), 200-byte JSON body", scale,
                  n_scale, rounds);
    printf("  %-44s %7s %7s   %s\n", "cost ratios", "median", "min", "target");
    cost_target("DA / A (verify / sign)", &scale[1], &scale[0], 1.25);
    cost_target("R600K / R64 (600,000 / 64 slots)", &scale[3], &scale[2], 1.35);
    free(small_cache.slots);
    free(large_cache.slots);

    printf("\nresult (median ratios): %s\n",
           g_missed ? "at least one target MISSED" : "all targets PASS");

    free(ns);
    HMAC_CTX_free(g_hmac);
    EVP_MAC_CTX_free(g_mac);
    EVP_MAC_free(hmac);
    m800_signer_wipe(&g_signer);
    return check && g_missed ? 1 : 0;
}
