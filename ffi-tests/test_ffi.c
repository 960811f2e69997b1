/* C11 test suite of the m800-sign C API: every vector, every reachable status,
 * the buffer contract, streaming MD5, and many threads sharing one signer.
 * Includes only the installed header (plus the generated vector tables).
 * Exit status 0 on success; every failure is printed. */
#include <m800_sign.h>

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_calls.h"

#include "vectors.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define STATUS_COUNT 56

static int failures;
static int checks;
static int seen_status[STATUS_COUNT];

#define CHECK(cond)                                                    \
  do {                                                                 \
    checks++;                                                          \
    if (!(cond)) {                                                     \
      failures++;                                                      \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                  \
  } while (0)

/* Checks a status and records that it was reached. */
#define EXPECT(call, want) expect_status((call), (want), #call, __FILE__, __LINE__)

static void expect_status(m800_status got, m800_status want, const char *what, const char *file,
                          int line) {
  checks++;
  if ((int)got >= 0 && (int)got < STATUS_COUNT) seen_status[got] = 1;
  if (got != want) {
    failures++;
    fprintf(stderr, "%s:%d: %s returned %s (%d), expected %s (%d)\n", file, line, what,
            m800_status_name(got), (int)got, m800_status_name(want), (int)want);
  }
}

static int str_eq(const char *got, str_t want) {
  return strlen(got) == want.n && memcmp(got, want.p, want.n) == 0;
}

static m800_request make_request(str_t method, str_t uri, str_t content_type, str_t body) {
  m800_request r;
  r.method = method.p;
  r.method_len = method.n;
  r.uri = uri.p;
  r.uri_len = uri.n;
  r.content_type = content_type.p;
  r.content_type_len = content_type.n;
  r.body = (const uint8_t *)body.p;
  r.body_len = body.n;
  return r;
}

static void init_signer(m800_signer *s, str_t key, str_t secret) {
  EXPECT(m800_signer_init(s, key.p, key.n, (const uint8_t *)secret.p, secret.n), M800_OK);
}

/* ---- vectors ---------------------------------------------------------- */

static void test_signature_vectors(void) {
  for (size_t i = 0; i < N(SIG_VECS); i++) {
    const sig_vec *v = &SIG_VECS[i];
    m800_signer s = {{0}};
    init_signer(&s, (str_t){"any-key", 7}, v->secret);
    m800_fields f = {v->method.p,       v->method.n,       v->uri.p,      v->uri.n,
                     v->content_md5.p,  v->content_md5.n,  v->content_type.p,
                     v->content_type.n, v->x_m_date.p,     v->x_m_date.n, v->nonce.p,
                     v->nonce.n};
    char buf[M800_STRING_TO_SIGN_SIZE];
    size_t len = 0;
    EXPECT(m800_string_to_sign(&f, buf, sizeof buf, &len), M800_OK);
    CHECK(len == v->string_to_sign.n && str_eq(buf, v->string_to_sign));
    EXPECT(m800_signature_hex(&s, &f, buf, sizeof buf, &len), M800_OK);
    CHECK(len == M800_SIGNATURE_HEX_LEN && str_eq(buf, v->hex));
    EXPECT(m800_signature_base64(&s, &f, buf, sizeof buf, &len), M800_OK);
    CHECK(len == M800_SIGNATURE_BASE64_LEN && str_eq(buf, v->base64));
    m800_signer_wipe(&s);
  }
}

static void test_request_vectors(void) {
  for (size_t i = 0; i < N(REQ_VECS); i++) {
    const req_vec *v = &REQ_VECS[i];
    m800_signer s = {{0}};
    init_signer(&s, v->key, v->secret);
    m800_request r = make_request(v->method, v->uri, v->content_type, v->body);
    m800_signed_headers h;
    EXPECT(m800_sign_request(&s, &r, v->unix_time, v->nonce.p, v->nonce.n, &h), M800_OK);
    CHECK(str_eq(h.x_m_date, v->x_m_date));
    CHECK(str_eq(h.content_md5, v->content_md5));
    CHECK(str_eq(h.authorization, v->authorization));

    m800_signed_headers h2;
    char sts[M800_STRING_TO_SIGN_SIZE];
    size_t sts_len = 0;
    EXPECT(m800_sign_request_with_string(&s, &r, v->unix_time, v->nonce.p, v->nonce.n, &h2, sts,
                                         sizeof sts, &sts_len),
           M800_OK);
    CHECK(memcmp(&h, &h2, sizeof h) == 0 || (str_eq(h2.authorization, v->authorization) &&
                                              str_eq(h2.x_m_date, v->x_m_date)));
    CHECK(sts_len == v->string_to_sign.n && str_eq(sts, v->string_to_sign));

    /* The signature building block agrees. */
    m800_fields f = {v->method.p,       v->method.n,  v->uri.p,      v->uri.n,
                     h.content_md5,     strlen(h.content_md5),       v->content_type.p,
                     v->content_type.n, h.x_m_date,   strlen(h.x_m_date), v->nonce.p,
                     v->nonce.n};
    char sig[M800_SIGNATURE_HEX_LEN + 1];
    size_t sig_len = 0;
    EXPECT(m800_signature_hex(&s, &f, sig, sizeof sig, &sig_len), M800_OK);
    CHECK(str_eq(sig, v->signature));

    /* Streaming MD5 of the body over odd chunk sizes gives the same value. */
    static const size_t chunks[] = {1, 2, 3, 5, 7, 13, 63, 64, 65, 1000};
    for (size_t c = 0; c < N(chunks); c++) {
      m800_md5 md5;
      EXPECT(m800_md5_init(&md5), M800_OK);
      for (size_t off = 0; off < v->body.n; off += chunks[c]) {
        size_t n = v->body.n - off < chunks[c] ? v->body.n - off : chunks[c];
        EXPECT(m800_md5_update(&md5, (const uint8_t *)v->body.p + off, n), M800_OK);
      }
      EXPECT(m800_md5_update(&md5, NULL, 0), M800_OK);
      char hex[M800_CONTENT_MD5_SIZE];
      size_t hex_len = 99;
      EXPECT(m800_md5_final(&md5, hex, sizeof hex, &hex_len), M800_OK);
      CHECK(hex_len == v->content_md5.n && str_eq(hex, v->content_md5));
      /* final ends the context */
      EXPECT(m800_md5_update(&md5, (const uint8_t *)"x", 1), M800_ERR_NOT_INITIALIZED);
    }

    /* Sign then verify round trip. */
    EXPECT(m800_verify_request(&s, &r, h.x_m_date, strlen(h.x_m_date), h.authorization,
                               strlen(h.authorization), v->unix_time + 10, 300, NULL),
           M800_OK);

    /* The Authorization building blocks agree. */
    m800_authorization a;
    EXPECT(m800_authorization_parse(h.authorization, strlen(h.authorization), &a), M800_OK);
    CHECK(str_eq(a.key, v->key) && str_eq(a.nonce, v->nonce) && str_eq(a.signature, v->signature));
    char auth[M800_AUTHORIZATION_SIZE];
    size_t auth_len = 0;
    EXPECT(m800_authorization_format(v->key.p, v->key.n, v->nonce.p, v->nonce.n, v->signature.p,
                                     v->signature.n, auth, sizeof auth, &auth_len),
           M800_OK);
    CHECK(auth_len == v->authorization.n && str_eq(auth, v->authorization));
    m800_signer_wipe(&s);
  }
}

static void test_date_vectors(void) {
  for (size_t i = 0; i < N(DATE_VECS); i++) {
    char buf[M800_X_M_DATE_SIZE];
    size_t len = 0;
    EXPECT(m800_date_format(DATE_VECS[i].unix_time, buf, sizeof buf, &len), M800_OK);
    CHECK(len == M800_X_M_DATE_LEN && str_eq(buf, DATE_VECS[i].text));
    uint64_t t = 1;
    EXPECT(m800_date_parse(DATE_VECS[i].text.p, DATE_VECS[i].text.n, &t), M800_OK);
    CHECK(t == DATE_VECS[i].unix_time);
  }
  for (size_t i = 0; i < N(DATE_INVALID); i++) {
    uint64_t t = 12345;
    EXPECT(m800_date_parse(DATE_INVALID[i].p, DATE_INVALID[i].n, &t), M800_ERR_INVALID_DATE);
    CHECK(t == 12345); /* output untouched on failure */
  }
}

static void test_authorization_vectors(void) {
  for (size_t i = 0; i < N(AUTH_VECS); i++) {
    const auth_vec *v = &AUTH_VECS[i];
    m800_authorization a;
    memset(&a, 0x5a, sizeof a);
    m800_status st = m800_authorization_parse(v->header.p, v->header.n, &a);
    EXPECT(st, v->expect);
    if (v->expect == M800_OK) {
      CHECK(str_eq(a.key, v->key) && str_eq(a.nonce, v->nonce) && str_eq(a.signature, v->signature));
    } else {
      CHECK(a.key[0] == 0x5a); /* untouched */
    }
  }
}

static void test_verify_vectors(void) {
  for (size_t i = 0; i < N(VERIFY_VECS); i++) {
    const verify_vec *v = &VERIFY_VECS[i];
    m800_signer s = {{0}};
    init_signer(&s, v->key, v->secret);
    m800_request r = make_request(v->method, v->uri, v->content_type, v->body);
    m800_replay_slot slots[8];
    m800_replay_cache cache;
    EXPECT(m800_replay_cache_init(&cache, slots, N(slots)), M800_OK);
    if (v->seen) {
      /* Record the nonce by verifying the request once. */
      EXPECT(m800_verify_request(&s, &r, v->x_m_date.p, v->x_m_date.n, v->authorization.p,
                                 v->authorization.n, v->now, v->window_s, &cache),
             M800_OK);
    }
    m800_verify_details d;
    memset(&d, 0x5a, sizeof d);
    m800_status st = vp_request(&s, NULL, NULL, &r, NULL, 0, v->x_m_date.p, v->x_m_date.n,
                                            v->authorization.p, v->authorization.n, v->now,
                                            v->window_s, &cache, &d);
    if (st != v->expect) fprintf(stderr, "verify vector: %s\n", v->name);
    EXPECT(st, v->expect);
    CHECK(d.server_time == v->now);
    if (st == M800_ERR_DATE_TOO_OLD || st == M800_ERR_DATE_IN_FUTURE) {
      uint64_t t = 0;
      EXPECT(m800_date_parse(v->x_m_date.p, v->x_m_date.n, &t), M800_OK);
      CHECK(d.skew_s == (t > v->now ? t - v->now : v->now - t));
      CHECK(d.skew_s > v->window_s);
    } else {
      CHECK(d.skew_s == 0);
    }
    if (st == M800_ERR_SIGNATURE_MISMATCH) {
      CHECK(d.expected_string_to_sign_len > 0 &&
            strlen(d.expected_string_to_sign) == d.expected_string_to_sign_len);
      CHECK(strncmp(d.expected_string_to_sign, v->method.p, v->method.n) == 0);
    } else {
      CHECK(d.expected_string_to_sign_len == 0 && d.expected_string_to_sign[0] == 0);
    }
    /* Without details and without a cache: the same answer, but no replay check. */
    st = m800_verify_request(&s, &r, v->x_m_date.p, v->x_m_date.n, v->authorization.p,
                             v->authorization.n, v->now, v->window_s, NULL);
    EXPECT(st, v->expect == M800_ERR_REPLAYED_NONCE ? M800_OK : v->expect);
    m800_signer_wipe(&s);
  }
}

/* ---- multi-key verification -------------------------------------------- */

typedef struct {
  m800_signer signers[3];
  const char *keys[3];
  int calls;
  m800_status fail_with; /* M800_OK: behave */
} key_table;

static m800_status lookup(void *ctx, const char *key, size_t key_len, const m800_signer **out) {
  key_table *t = (key_table *)ctx;
  t->calls++;
  if (key[key_len] != '\0') return M800_ERR_INTERNAL; /* contract: NUL-terminated */
  if (t->fail_with != M800_OK) return t->fail_with;
  for (int i = 0; i < 3; i++) {
    if (strlen(t->keys[i]) == key_len && memcmp(t->keys[i], key, key_len) == 0) {
      *out = &t->signers[i];
      return M800_OK;
    }
  }
  return M800_ERR_UNKNOWN_KEY;
}

static void test_multi_key(void) {
  key_table t = {{{{0}}}, {"dev-a", "dev-b", "dev-c"}, 0, M800_OK};
  for (int i = 0; i < 3; i++) {
    char secret[16];
    snprintf(secret, sizeof secret, "secret-%d", i);
    EXPECT(m800_signer_init(&t.signers[i], t.keys[i], strlen(t.keys[i]), (const uint8_t *)secret,
                            strlen(secret)),
           M800_OK);
  }
  const char body[] = "{\"a\":1}";
  m800_request r = make_request((str_t){"POST", 4}, (str_t){"/cb", 3},
                                (str_t){"application/json", 16}, (str_t){body, strlen(body)});
  m800_signed_headers h;
  EXPECT(m800_sign_request(&t.signers[1], &r, 1764331200, "n-1", 3, &h), M800_OK);
  size_t dl = strlen(h.x_m_date), al = strlen(h.authorization);
  EXPECT(vp_request(NULL, lookup, &t, &r, NULL, 0, h.x_m_date, dl, h.authorization, al, 1764331200,
                                   300, NULL, NULL),
         M800_OK);
  CHECK(t.calls == 1);
  /* An unknown key. */
  m800_signer other = {{0}};
  EXPECT(m800_signer_init(&other, "dev-x", 5, (const uint8_t *)"s", 1), M800_OK);
  m800_signed_headers hx;
  EXPECT(m800_sign_request(&other, &r, 1764331200, "n-2", 3, &hx), M800_OK);
  EXPECT(vp_request(NULL, lookup, &t, &r, NULL, 0, hx.x_m_date, strlen(hx.x_m_date),
                                   hx.authorization, strlen(hx.authorization), 1764331200, 300,
                                   NULL, NULL),
         M800_ERR_UNKNOWN_KEY);
  /* The callback's own failure is passed on; an invented value is INTERNAL. */
  t.fail_with = M800_ERR_INVALID_ARGUMENT;
  EXPECT(vp_request(NULL, lookup, &t, &r, NULL, 0, h.x_m_date, dl, h.authorization, al, 1764331200,
                                   300, NULL, NULL),
         M800_ERR_INVALID_ARGUMENT);
  t.fail_with = (m800_status)999;
  EXPECT(vp_request(NULL, lookup, &t, &r, NULL, 0, h.x_m_date, dl, h.authorization, al, 1764331200,
                                   300, NULL, NULL),
         M800_ERR_INTERNAL);
  t.fail_with = M800_OK;
  EXPECT(vp_request(NULL, NULL, &t, &r, NULL, 0, h.x_m_date, dl, h.authorization, al, 1764331200,
                                   300, NULL, NULL),
         M800_ERR_NULL_POINTER);
  /* One key source, and a size this library knows. */
  m800_verify_params p = vp_keys(&t.signers[1], lookup, NULL, 1764331200, 300, NULL);
  p.request = &r;
  p.x_m_date = h.x_m_date;
  p.x_m_date_len = dl;
  p.authorization = h.authorization;
  p.authorization_len = al;
  EXPECT(m800_verify(&p, NULL), M800_ERR_INVALID_ARGUMENT);
  p.lookup = NULL;
  EXPECT(m800_verify(&p, NULL), M800_OK);
  p.size = sizeof p + 8;
  EXPECT(m800_verify(&p, NULL), M800_ERR_INVALID_ARGUMENT);
  EXPECT(m800_verify(NULL, NULL), M800_ERR_NULL_POINTER);
  EXPECT(m800_verify_params_init(NULL), M800_ERR_NULL_POINTER);
  /* A wiped signer handed out by the callback. */
  m800_signer_wipe(&t.signers[1]);
  EXPECT(vp_request(NULL, lookup, &t, &r, NULL, 0, h.x_m_date, dl, h.authorization, al, 1764331200,
                                   300, NULL, NULL),
         M800_ERR_NOT_INITIALIZED);
  for (int i = 0; i < 3; i++) m800_signer_wipe(&t.signers[i]);
  m800_signer_wipe(&other);
}

/* ---- replay cache -------------------------------------------------------- */

static void sign_nonce(const m800_signer *s, const m800_request *r, uint64_t t, const char *nonce,
                       m800_signed_headers *h) {
  EXPECT(m800_sign_request(s, r, t, nonce, strlen(nonce), h), M800_OK);
}

static m800_status verify_h(const m800_signer *s, const m800_request *r, const m800_signed_headers *h,
                            uint64_t now, m800_replay_cache *c) {
  return m800_verify_request(s, r, h->x_m_date, strlen(h->x_m_date), h->authorization,
                             strlen(h->authorization), now, 300, c);
}

static void test_replay_cache(void) {
  m800_signer s = {{0}};
  EXPECT(m800_signer_init(&s, "k", 1, (const uint8_t *)"secret", 6), M800_OK);
  m800_request r = make_request((str_t){"GET", 3}, (str_t){"/x", 2}, (str_t){NULL, 0},
                                (str_t){NULL, 0});
  m800_replay_slot slots[2];
  m800_replay_cache c;
  EXPECT(m800_replay_cache_init(&c, slots, 2), M800_OK);
  m800_signed_headers h1, h2, h3, forged;
  uint64_t t = 1700000000;
  sign_nonce(&s, &r, t, "n1", &h1);
  sign_nonce(&s, &r, t, "n2", &h2);
  sign_nonce(&s, &r, t, "n3", &h3);
  /* A forged request never takes a slot. */
  forged = h3;
  forged.authorization[strlen(forged.authorization) - 2] ^= 1;
  EXPECT(verify_h(&s, &r, &forged, t, &c), M800_ERR_SIGNATURE_MISMATCH);
  EXPECT(verify_h(&s, &r, &h1, t, &c), M800_OK);
  EXPECT(verify_h(&s, &r, &h1, t, &c), M800_ERR_REPLAYED_NONCE);
  EXPECT(verify_h(&s, &r, &h2, t, &c), M800_OK);
  /* Full: fails closed, and still knows the replays. */
  EXPECT(verify_h(&s, &r, &h3, t, &c), M800_ERR_REPLAY_CACHE_FULL);
  EXPECT(verify_h(&s, &r, &h2, t, &c), M800_ERR_REPLAYED_NONCE);
  /* Once the entries expire their slots are reused. */
  m800_signed_headers late;
  sign_nonce(&s, &r, t + 301, "n3", &late);
  EXPECT(verify_h(&s, &r, &late, t + 301, &c), M800_OK);
  /* Zero slots: every fresh request is refused. */
  m800_replay_cache empty;
  EXPECT(m800_replay_cache_init(&empty, NULL, 0), M800_OK);
  EXPECT(verify_h(&s, &r, &h1, t, &empty), M800_ERR_REPLAY_CACHE_FULL);
  /* Uninitialised (zeroed) cache, NULL arguments. */
  m800_replay_cache zero;
  memset(&zero, 0, sizeof zero);
  EXPECT(verify_h(&s, &r, &h1, t, &zero), M800_ERR_NOT_INITIALIZED);
  EXPECT(m800_replay_cache_init(NULL, slots, 2), M800_ERR_NULL_POINTER);
  EXPECT(m800_replay_cache_init(&c, NULL, 2), M800_ERR_NULL_POINTER);
  m800_signer_wipe(&s);
}

/* ---- replay store (the caller's own, through a callback) ---------------- */

/* A replay store over an array: (key, nonce, keep_until) per entry. `answer`
 * >= 0 replaces the store's reply (a failure, or a value that is no
 * m800_freshness). */
typedef struct {
  char keys[4][M800_KEY_SIZE];
  char nonces[4][M800_NONCE_SIZE];
  uint64_t keep_until[4];
  int n, calls, answer, bad_args;
} array_store;

static m800_freshness array_check(void *ctx, const char *key, size_t key_len, const char *nonce,
                                  size_t nonce_len, uint64_t keep_until) {
  array_store *a = (array_store *)ctx;
  a->calls++;
  /* Contract: NUL-terminated at the given lengths. */
  if (key[key_len] != '\0' || nonce[nonce_len] != '\0' || strlen(key) != key_len ||
      strlen(nonce) != nonce_len)
    a->bad_args++;
  if (a->answer >= 0) return (m800_freshness)a->answer;
  for (int i = 0; i < a->n; i++)
    if (strcmp(a->keys[i], key) == 0 && strcmp(a->nonces[i], nonce) == 0) return M800_REPLAYED;
  if (a->n == 4) return M800_STORE_FAILED;
  memcpy(a->keys[a->n], key, key_len + 1);
  memcpy(a->nonces[a->n], nonce, nonce_len + 1);
  a->keep_until[a->n++] = keep_until;
  return M800_FRESH;
}

static m800_status verify_store(const m800_signer *s, const m800_request *r,
                                const m800_signed_headers *h, uint64_t now,
                                const m800_replay_store *store, m800_replay_cache *cache) {
  m800_verify_params p = vp_keys(s, NULL, NULL, now, 300, cache);
  p.request = r;
  p.x_m_date = h->x_m_date;
  p.x_m_date_len = strlen(h->x_m_date);
  p.authorization = h->authorization;
  p.authorization_len = strlen(h->authorization);
  p.replay_store = store;
  return m800_verify(&p, NULL);
}

static void test_replay_store(void) {
  m800_signer s = {{0}};
  EXPECT(m800_signer_init(&s, "k", 1, (const uint8_t *)"secret", 6), M800_OK);
  m800_request r = make_request((str_t){"GET", 3}, (str_t){"/x", 2}, (str_t){NULL, 0},
                                (str_t){NULL, 0});
  array_store a;
  memset(&a, 0, sizeof a);
  a.answer = -1;
  m800_replay_store store = {&a, array_check};
  m800_signed_headers h1, h2, forged;
  uint64_t t = 1700000000;
  sign_nonce(&s, &r, t, "n1", &h1);
  sign_nonce(&s, &r, t, "n2", &h2);
  /* A forged request never reaches the store. */
  forged = h1;
  forged.authorization[strlen(forged.authorization) - 2] ^= 1;
  EXPECT(verify_store(&s, &r, &forged, t, &store, NULL), M800_ERR_SIGNATURE_MISMATCH);
  CHECK(a.calls == 0);
  /* Fresh, then replayed; kept until the date plus the window. */
  EXPECT(verify_store(&s, &r, &h1, t + 10, &store, NULL), M800_OK);
  EXPECT(verify_store(&s, &r, &h1, t + 20, &store, NULL), M800_ERR_REPLAYED_NONCE);
  CHECK(a.calls == 2 && a.n == 1 && a.bad_args == 0);
  CHECK(strcmp(a.keys[0], "k") == 0 && strcmp(a.nonces[0], "n1") == 0);
  CHECK(a.keep_until[0] == t + 300);
  /* A store failure, and a value that is no m800_freshness, are refused. */
  a.answer = M800_STORE_FAILED;
  EXPECT(verify_store(&s, &r, &h2, t, &store, NULL), M800_ERR_REPLAY_CACHE_FULL);
  a.answer = 7;
  EXPECT(verify_store(&s, &r, &h2, t, &store, NULL), M800_ERR_REPLAY_CACHE_FULL);
  a.answer = -1;
  EXPECT(verify_store(&s, &r, &h2, t, &store, NULL), M800_OK);
  /* Both a cache and a store; a store without a callback. */
  m800_replay_slot slots[2];
  m800_replay_cache c;
  EXPECT(m800_replay_cache_init(&c, slots, 2), M800_OK);
  int calls = a.calls;
  EXPECT(verify_store(&s, &r, &h1, t, &store, &c), M800_ERR_INVALID_ARGUMENT);
  m800_replay_store none = {&a, NULL};
  EXPECT(verify_store(&s, &r, &h1, t, &none, NULL), M800_ERR_NULL_POINTER);
  CHECK(a.calls == calls);
  /* A caller compiled before replay_store: its size ends at replay_cache. */
  m800_verify_params p = vp_keys(&s, NULL, NULL, t, 300, &c);
  p.size = offsetof(m800_verify_params, replay_store);
  p.request = &r;
  p.x_m_date = h1.x_m_date;
  p.x_m_date_len = strlen(h1.x_m_date);
  p.authorization = h1.authorization;
  p.authorization_len = strlen(h1.authorization);
  p.replay_store = &none; /* past its struct: never read */
  EXPECT(m800_verify(&p, NULL), M800_OK);
  /* The same caller initialising its (shorter) struct: the library writes
   * exactly the size the caller compiled, never past its struct. */
  {
    const size_t old = offsetof(m800_verify_params, replay_store);
    union {
      m800_verify_params p;
      unsigned char raw[sizeof(m800_verify_params) + 16];
    } u;
    memset(u.raw, 0xA5, sizeof u.raw);
    EXPECT(m800_verify_params_init_sized(&u.p, old), M800_OK);
    CHECK(u.p.size == old && u.p.window_s == 300 && u.p.signer == NULL && u.p.lookup == NULL &&
          u.p.request == NULL && u.p.http == NULL && u.p.replay_cache == NULL && u.p.now == 0);
    size_t past = old;
    while (past < sizeof u.raw && u.raw[past] == 0xA5) past++;
    CHECK(past == sizeof u.raw); /* nothing written past the caller's size */
    u.p.signer = &s;
    u.p.request = &r;
    u.p.x_m_date = h2.x_m_date;
    u.p.x_m_date_len = strlen(h2.x_m_date);
    u.p.authorization = h2.authorization;
    u.p.authorization_len = strlen(h2.authorization);
    u.p.now = t;
    EXPECT(m800_verify(&u.p, NULL), M800_OK);
    /* Sizes the library does not know, and NULL: nothing written. */
    memset(u.raw, 0xA5, sizeof u.raw);
    EXPECT(m800_verify_params_init_sized(&u.p, old + 1), M800_ERR_INVALID_ARGUMENT);
    EXPECT(m800_verify_params_init_sized(&u.p, sizeof u.raw), M800_ERR_INVALID_ARGUMENT);
    EXPECT(m800_verify_params_init_sized(&u.p, 0), M800_ERR_INVALID_ARGUMENT);
    CHECK(u.raw[0] == 0xA5 && u.raw[sizeof u.raw - 1] == 0xA5);
    EXPECT(m800_verify_params_init_sized(NULL, sizeof(m800_verify_params)), M800_ERR_NULL_POINTER);
    /* m800_verify_params_init passes the size this header compiles. */
    EXPECT(m800_verify_params_init(&u.p), M800_OK);
    CHECK(u.p.size == sizeof(m800_verify_params) && u.p.replay_store == NULL);
    CHECK(u.raw[sizeof(m800_verify_params)] == 0xA5);
    /* The function itself (for ctypes and binaries built before the macro):
     * the struct as it is since replay_store was appended. */
    memset(u.raw, 0xA5, sizeof u.raw);
    EXPECT((m800_verify_params_init)(&u.p), M800_OK);
    CHECK(u.p.size == sizeof(m800_verify_params) && u.p.replay_store == NULL);
    CHECK(u.raw[sizeof(m800_verify_params)] == 0xA5);
  }
  EXPECT(m800_verify(&p, NULL), M800_ERR_REPLAYED_NONCE);
  p.size += 1;
  EXPECT(m800_verify(&p, NULL), M800_ERR_INVALID_ARGUMENT);
  m800_signer_wipe(&s);
}

/* ---- statuses, NULLs and buffers --------------------------------------- */

/* The buffer contract for one text function `call(buf, cap, &len)`. */
typedef m800_status (*text_fn)(void *ctx, char *out, size_t cap, size_t *out_len);

static void check_buffer_contract(text_fn fn, void *ctx, const char *name) {
  size_t need = 0;
  m800_status st = fn(ctx, NULL, 0, &need);
  EXPECT(st, M800_ERR_BUFFER_TOO_SMALL);
  if (st != M800_ERR_BUFFER_TOO_SMALL || need == 0) {
    fprintf(stderr, "  in %s\n", name);
    return;
  }
  char big[M800_STRING_TO_SIGN_SIZE + 8];
  /* Every capacity below the need fails and writes nothing but *out_len. */
  for (size_t cap = 0; cap < need; cap += (need > 64 ? need / 16 : 1)) {
    memset(big, 0x5a, sizeof big);
    size_t len = 0;
    EXPECT(fn(ctx, big, cap, &len), M800_ERR_BUFFER_TOO_SMALL);
    CHECK(len == need);
    for (size_t i = 0; i < sizeof big; i++) {
      if (big[i] != 0x5a) {
        CHECK(!"output written on failure");
        break;
      }
    }
  }
  memset(big, 0x5a, sizeof big);
  size_t len = 0;
  EXPECT(fn(ctx, big, need - 1, &len), M800_ERR_BUFFER_TOO_SMALL);
  EXPECT(fn(ctx, big, need, &len), M800_OK);
  CHECK(len == need - 1 && big[len] == '\0' && strlen(big) == len && big[need] == 0x5a);
  /* NULL out_len; NULL buffer with enough capacity. */
  EXPECT(fn(ctx, big, sizeof big, NULL), M800_ERR_NULL_POINTER);
  EXPECT(fn(ctx, NULL, need, &len), M800_ERR_NULL_POINTER);
}

static m800_status date_fn(void *ctx, char *out, size_t cap, size_t *len) {
  (void)ctx;
  return m800_date_format(1764331200, out, cap, len);
}
static m800_status nonce_fn(void *ctx, char *out, size_t cap, size_t *len) {
  (void)ctx;
  const uint8_t rnd[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  return m800_nonce_format(UINT64_C(1764331200123), rnd, 8, out, cap, len);
}
static m800_status auth_fn(void *ctx, char *out, size_t cap, size_t *len) {
  (void)ctx;
  return m800_authorization_format("key", 3, "nonce", 5, "sig", 3, out, cap, len);
}
static m800_fields sample_fields(void) {
  m800_fields f = {"POST", 4, "/p", 2, "", 0, "text/plain", 10, "Thu, 01 Jan 1970 00:00:00 GMT",
                   29, "n", 1};
  return f;
}
static m800_status sts_fn(void *ctx, char *out, size_t cap, size_t *len) {
  (void)ctx;
  m800_fields f = sample_fields();
  return m800_string_to_sign(&f, out, cap, len);
}
static m800_status hex_fn(void *ctx, char *out, size_t cap, size_t *len) {
  m800_fields f = sample_fields();
  return m800_signature_hex((const m800_signer *)ctx, &f, out, cap, len);
}
static m800_status b64_fn(void *ctx, char *out, size_t cap, size_t *len) {
  m800_fields f = sample_fields();
  return m800_signature_base64((const m800_signer *)ctx, &f, out, cap, len);
}
static m800_status md5_fn(void *ctx, char *out, size_t cap, size_t *len) {
  (void)ctx;
  m800_md5 m;
  m800_status st = m800_md5_init(&m);
  if (st != M800_OK) return st;
  st = m800_md5_update(&m, (const uint8_t *)"abc", 3);
  if (st != M800_OK) return st;
  return m800_md5_final(&m, out, cap, len);
}
static m800_status sign_sts_fn(void *ctx, char *out, size_t cap, size_t *len) {
  m800_request r = make_request((str_t){"GET", 3}, (str_t){"/", 1}, (str_t){NULL, 0},
                                (str_t){NULL, 0});
  m800_signed_headers h;
  memset(&h, 0x77, sizeof h);
  m800_status st = m800_sign_request_with_string((const m800_signer *)ctx, &r, 0, "n", 1, &h, out,
                                                 cap, len);
  CHECK(st == M800_OK ? h.x_m_date[0] == 'T' : (unsigned char)h.x_m_date[0] == 0x77);
  return st;
}

static void test_buffers(void) {
  m800_signer s = {{0}};
  EXPECT(m800_signer_init(&s, "k", 1, (const uint8_t *)"secret", 6), M800_OK);
  check_buffer_contract(date_fn, NULL, "date_format");
  check_buffer_contract(nonce_fn, NULL, "nonce_format");
  check_buffer_contract(auth_fn, NULL, "authorization_format");
  check_buffer_contract(sts_fn, NULL, "string_to_sign");
  check_buffer_contract(hex_fn, &s, "signature_hex");
  check_buffer_contract(b64_fn, &s, "signature_base64");
  check_buffer_contract(md5_fn, NULL, "md5_final");
  check_buffer_contract(sign_sts_fn, &s, "sign_request_with_string");

  /* The nonce form. */
  char nonce[M800_NONCE_MAX + 1];
  size_t len;
  EXPECT(nonce_fn(NULL, nonce, sizeof nonce, &len), M800_OK);
  CHECK(strcmp(nonce, "19aca559e7b0102030405060708") == 0);
  const uint8_t rnd[8] = {0};
  EXPECT(m800_nonce_format(1, rnd, 7, nonce, sizeof nonce, &len), M800_ERR_INVALID_ARGUMENT);
  EXPECT(m800_nonce_format(1, NULL, 8, nonce, sizeof nonce, &len), M800_ERR_NULL_POINTER);

  /* MD5 final with a too-small buffer keeps the context. */
  m800_md5 m;
  EXPECT(m800_md5_init(&m), M800_OK);
  EXPECT(m800_md5_update(&m, (const uint8_t *)"abc", 3), M800_OK);
  char hex[M800_CONTENT_MD5_SIZE];
  EXPECT(m800_md5_final(&m, hex, 10, &len), M800_ERR_BUFFER_TOO_SMALL);
  CHECK(len == M800_CONTENT_MD5_SIZE);
  EXPECT(m800_md5_final(&m, hex, sizeof hex, &len), M800_OK);
  CHECK(strcmp(hex, "900150983cd24fb0d6963f7d28e17f72") == 0);
  /* No bytes: the empty value. */
  EXPECT(m800_md5_init(&m), M800_OK);
  EXPECT(m800_md5_final(&m, hex, sizeof hex, &len), M800_OK);
  CHECK(len == 0 && hex[0] == 0);
  m800_md5 zero_md5;
  memset(&zero_md5, 0, sizeof zero_md5);
  EXPECT(m800_md5_update(&zero_md5, (const uint8_t *)"a", 1), M800_ERR_NOT_INITIALIZED);
  EXPECT(m800_md5_init(NULL), M800_ERR_NULL_POINTER);
  EXPECT(m800_md5_update(NULL, NULL, 0), M800_ERR_NULL_POINTER);
  EXPECT(m800_md5_init(&m), M800_OK);
  EXPECT(m800_md5_update(&m, NULL, 5), M800_ERR_NULL_POINTER);
  m800_signer_wipe(&s);
}

static void test_statuses(void) {
  m800_signer s = {{0}};
  m800_signed_headers h;
  m800_request r = make_request((str_t){"POST", 4}, (str_t){"/p", 2}, (str_t){NULL, 0},
                                (str_t){NULL, 0});
  /* Not initialised (zeroed), then init errors. */
  EXPECT(m800_sign_request(&s, &r, 0, "n", 1, &h), M800_ERR_NOT_INITIALIZED);
  EXPECT(m800_signer_init(&s, NULL, 0, (const uint8_t *)"s", 1), M800_ERR_EMPTY_KEY);
  char long_key[M800_KEY_MAX + 2];
  memset(long_key, 'k', sizeof long_key);
  EXPECT(m800_signer_init(&s, long_key, M800_KEY_MAX + 1, (const uint8_t *)"s", 1),
         M800_ERR_KEY_TOO_LONG);
  EXPECT(m800_signer_init(&s, long_key, M800_KEY_MAX, (const uint8_t *)"s", 1), M800_OK);
  m800_signer_wipe(&s);
  EXPECT(m800_signer_init(&s, "a\"b", 3, (const uint8_t *)"s", 1), M800_ERR_INVALID_KEY);
  EXPECT(m800_signer_init(&s, "\xff", 1, (const uint8_t *)"s", 1), M800_ERR_INVALID_UTF8);
  EXPECT(m800_signer_init(&s, "k", 1, NULL, 0), M800_ERR_EMPTY_SECRET);
  EXPECT(m800_signer_init(&s, "k", 1, NULL, 3), M800_ERR_NULL_POINTER);
  EXPECT(m800_signer_init(NULL, "k", 1, (const uint8_t *)"s", 1), M800_ERR_NULL_POINTER);
  EXPECT(m800_sign_request(&s, &r, 0, "n", 1, &h), M800_ERR_NOT_INITIALIZED);
  EXPECT(m800_signer_init(&s, "k", 1, (const uint8_t *)"s", 1), M800_OK);

  /* Request part errors. */
  char long_nonce[M800_NONCE_MAX + 1];
  memset(long_nonce, 'n', sizeof long_nonce);
  EXPECT(m800_sign_request(&s, &r, 0, NULL, 0, &h), M800_ERR_EMPTY_NONCE);
  EXPECT(m800_sign_request(&s, &r, 0, long_nonce, sizeof long_nonce, &h), M800_ERR_NONCE_TOO_LONG);
  EXPECT(m800_sign_request(&s, &r, 0, "a\\b", 3, &h), M800_ERR_INVALID_NONCE);
  EXPECT(m800_sign_request(&s, &r, M800_UNIX_TIME_MAX + 1, "n", 1, &h), M800_ERR_TIME_OUT_OF_RANGE);
  EXPECT(m800_sign_request(&s, &r, M800_UNIX_TIME_MAX, "n", 1, &h), M800_OK);
  EXPECT(m800_sign_request(NULL, &r, 0, "n", 1, &h), M800_ERR_NULL_POINTER);
  EXPECT(m800_sign_request(&s, NULL, 0, "n", 1, &h), M800_ERR_NULL_POINTER);
  EXPECT(m800_sign_request(&s, &r, 0, "n", 1, NULL), M800_ERR_NULL_POINTER);
  m800_request bad = r;
  bad.method_len = 0;
  EXPECT(m800_sign_request(&s, &bad, 0, "n", 1, &h), M800_ERR_EMPTY_METHOD);
  char big[M800_URI_MAX + 2];
  memset(big, 'A', sizeof big);
  bad = r;
  bad.method = big;
  bad.method_len = M800_METHOD_MAX + 1;
  EXPECT(m800_sign_request(&s, &bad, 0, "n", 1, &h), M800_ERR_METHOD_TOO_LONG);
  bad.method = "PO ST";
  bad.method_len = 5;
  EXPECT(m800_sign_request(&s, &bad, 0, "n", 1, &h), M800_ERR_INVALID_METHOD);
  bad = r;
  big[0] = '/';
  bad.uri = big;
  bad.uri_len = M800_URI_MAX + 1;
  EXPECT(m800_sign_request(&s, &bad, 0, "n", 1, &h), M800_ERR_URI_TOO_LONG);
  bad.uri_len = M800_URI_MAX;
  EXPECT(m800_sign_request(&s, &bad, 0, "n", 1, &h), M800_OK);
  bad.uri = "p#x";
  bad.uri_len = 3;
  EXPECT(m800_sign_request(&s, &bad, 0, "n", 1, &h), M800_ERR_INVALID_URI);
  bad.uri = NULL;
  bad.uri_len = 4;
  EXPECT(m800_sign_request(&s, &bad, 0, "n", 1, &h), M800_ERR_NULL_POINTER);
  bad = r;
  bad.content_type = big;
  bad.content_type_len = M800_CONTENT_TYPE_MAX + 1;
  EXPECT(m800_sign_request(&s, &bad, 0, "n", 1, &h), M800_ERR_CONTENT_TYPE_TOO_LONG);
  bad.content_type = "text/\n";
  bad.content_type_len = 6;
  EXPECT(m800_sign_request(&s, &bad, 0, "n", 1, &h), M800_ERR_INVALID_CONTENT_TYPE);
  bad = r;
  bad.body = NULL;
  bad.body_len = 1;
  EXPECT(m800_sign_request(&s, &bad, 0, "n", 1, &h), M800_ERR_NULL_POINTER);

  /* Building block errors. */
  m800_fields f = sample_fields();
  f.content_md5 = "XYZ";
  f.content_md5_len = 3;
  char buf[M800_STRING_TO_SIGN_SIZE];
  size_t len;
  EXPECT(m800_string_to_sign(&f, buf, sizeof buf, &len), M800_ERR_INVALID_CONTENT_MD5);
  EXPECT(m800_string_to_sign(NULL, buf, sizeof buf, &len), M800_ERR_NULL_POINTER);
  EXPECT(m800_authorization_format("k", 1, "n", 1, NULL, 0, buf, sizeof buf, &len),
         M800_ERR_INVALID_SIGNATURE_ENCODING);
  EXPECT(m800_date_format(M800_UNIX_TIME_MAX + 1, buf, sizeof buf, &len), M800_ERR_TIME_OUT_OF_RANGE);
  uint64_t t;
  EXPECT(m800_date_parse("Thu, 01 Jan 1970 00:00:00 GMT", 29, NULL), M800_ERR_NULL_POINTER);
  EXPECT(m800_date_parse(NULL, 0, &t), M800_ERR_INVALID_DATE);
  m800_authorization a;
  EXPECT(m800_authorization_parse("MAAIISDK10 key=k", 16, NULL), M800_ERR_NULL_POINTER);
  EXPECT(m800_authorization_parse("MAAIISDK10 key=k, key=k", 23, &a), M800_ERR_DUPLICATE_AUTH_PARAM);

  /* Verify-only statuses. */
  EXPECT(m800_sign_request(&s, &r, 1000, "n", 1, &h), M800_OK);
  size_t al = strlen(h.authorization);
  EXPECT(m800_verify_request(&s, &r, NULL, 0, h.authorization, al, 1000, 300, NULL),
         M800_ERR_MISSING_DATE);
  EXPECT(m800_verify_request(&s, &r, "", 0, h.authorization, al, 1000, 300, NULL),
         M800_ERR_INVALID_DATE);
  EXPECT(m800_verify_request(&s, &r, h.x_m_date, 29, h.authorization, al, 1301, 300, NULL),
         M800_ERR_DATE_TOO_OLD);
  EXPECT(m800_verify_request(&s, &r, h.x_m_date, 29, h.authorization, al, 699, 300, NULL),
         M800_ERR_DATE_IN_FUTURE);
  EXPECT(m800_verify_request(&s, &r, h.x_m_date, 29, h.authorization, al, 1300, 300, NULL), M800_OK);
  EXPECT(m800_verify_request(&s, &r, h.x_m_date, 29, NULL, 0, 1000, 300, NULL),
         M800_ERR_MALFORMED_AUTHORIZATION);
  EXPECT(m800_verify_request(&s, &r, h.x_m_date, 29, NULL, 5, 1000, 300, NULL),
         M800_ERR_NULL_POINTER);
  EXPECT(m800_verify_request(&s, NULL, h.x_m_date, 29, h.authorization, al, 1000, 300, NULL),
         M800_ERR_NULL_POINTER);
  m800_signer_wipe(&s);
  EXPECT(m800_verify_request(&s, &r, h.x_m_date, 29, h.authorization, al, 1000, 300, NULL),
         M800_ERR_NOT_INITIALIZED);
  m800_signer_wipe(&s); /* twice is fine */
  m800_signer_wipe(NULL);

  /* Texts: distinct, static, never NULL, also for unknown values. */
  for (int i = 0; i < STATUS_COUNT; i++) {
    const char *d = m800_status_str((m800_status)i), *n = m800_status_name((m800_status)i);
    CHECK(d != NULL && n != NULL && strlen(d) > 3 && strcmp(n, "unknown") != 0);
    for (int j = 0; j < i; j++) {
      CHECK(strcmp(d, m800_status_str((m800_status)j)) != 0);
      CHECK(strcmp(n, m800_status_name((m800_status)j)) != 0);
    }
  }
  CHECK(strcmp(m800_status_name(M800_OK), "ok") == 0);
  CHECK(strcmp(m800_status_name(M800_ERR_SIGNATURE_MISMATCH), "signature_mismatch") == 0);
  CHECK(strcmp(m800_status_name(M800_ERR_REPLAY_CACHE_FULL), "replay_cache_full") == 0);
  const int unknown[] = {-1, STATUS_COUNT, 1000, -2147483647 - 1, 2147483647};
  for (size_t i = 0; i < N(unknown); i++) {
    CHECK(strcmp(m800_status_name((m800_status)unknown[i]), "unknown") == 0);
    CHECK(strstr(m800_status_str((m800_status)unknown[i]), "unknown") != NULL);
  }
  CHECK(strcmp(m800_version(), "0.1.0") >= 0 && strlen(m800_version()) >= 5);
}

/* The optional inputs of verification follow the header's convention: NULL
 * with length 0 is absent, NULL with a length is M800_ERR_NULL_POINTER (a
 * caller's bug, never read as "absent"). */
static void test_verify_null_with_length(void) {
  m800_signer s = {{0}};
  EXPECT(m800_signer_init(&s, "k", 1, (const uint8_t *)"s", 1), M800_OK);
  m800_request r = make_request((str_t){"POST", 4}, (str_t){"/p", 2}, (str_t){NULL, 0},
                                (str_t){"b", 1});
  m800_signed_headers h;
  EXPECT(m800_sign_request(&s, &r, 1000, "n", 1, &h), M800_OK);
  size_t al = strlen(h.authorization);
  EXPECT(m800_verify_request(&s, &r, NULL, M800_X_M_DATE_LEN, h.authorization, al, 1000, 300,
                             NULL),
         M800_ERR_NULL_POINTER);
  EXPECT(m800_verify_request(&s, &r, NULL, 0, h.authorization, al, 1000, 300, NULL),
         M800_ERR_MISSING_DATE);
  EXPECT(vp_request(&s, NULL, NULL, &r, NULL, 0, NULL, M800_X_M_DATE_LEN, h.authorization, al,
                    1000, 300, NULL, NULL),
         M800_ERR_NULL_POINTER);
  EXPECT(vp_request(&s, NULL, NULL, &r, NULL, M800_CONTENT_MD5_LEN, h.x_m_date,
                    M800_X_M_DATE_LEN, h.authorization, al, 1000, 300, NULL, NULL),
         M800_ERR_NULL_POINTER);
  EXPECT(vp_request(&s, NULL, NULL, &r, NULL, 0, h.x_m_date, M800_X_M_DATE_LEN, h.authorization,
                    al, 1000, 300, NULL, NULL),
         M800_OK);
  m800_verify_params p;
  EXPECT(m800_verify_params_init(&p), M800_OK);
  p.signer = &s;
  p.request = &r;
  p.x_m_date = h.x_m_date;
  p.x_m_date_len = M800_X_M_DATE_LEN;
  p.authorization = h.authorization;
  p.authorization_len = al;
  p.now = 1000;
  p.http_len = 100; /* http NULL with a length: not "no raw request" */
  EXPECT(m800_verify(&p, NULL), M800_ERR_NULL_POINTER);
  p.http_len = 0;
  EXPECT(m800_verify(&p, NULL), M800_OK);
  m800_signer_wipe(&s);
}

/* ---- push ----------------------------------------------------------------- */

static int bytes_eq(const char *got, size_t got_len, str_t want) {
  return got_len == want.n && memcmp(got, want.p, want.n) == 0;
}

static m800_push make_push(str_t username, str_t carrier, str_t app_message, str_t push_content,
                           str_t sender) {
  m800_push p;
  p.username = username.p;
  p.username_len = username.n;
  p.carrier = carrier.p;
  p.carrier_len = carrier.n;
  p.app_message = app_message.p;
  p.app_message_len = app_message.n;
  p.push_content = push_content.p;
  p.push_content_len = push_content.n;
  p.sender = sender.p;
  p.sender_len = sender.n;
  return p;
}

static void test_push_uri_vectors(void) {
  for (size_t i = 0; i < N(PUSH_URI_VECS); i++) {
    const push_uri_vec *v = &PUSH_URI_VECS[i];
    char buf[M800_URI_MAX + 1];
    memset(buf, 0x5a, sizeof buf);
    size_t len = 12345;
    EXPECT(m800_push_uri(v->username.p, v->username.n, v->carrier.p, v->carrier.n, buf, sizeof buf,
                         &len),
           v->expect);
    if (v->expect == M800_OK) {
      CHECK(len == v->uri.n && str_eq(buf, v->uri));
    } else {
      CHECK(len == 12345 && (unsigned char)buf[0] == 0x5a);
    }
  }
  /* Invalid UTF-8, a URI too long to sign, NULLs. */
  char buf[M800_URI_MAX + 1];
  size_t len;
  EXPECT(m800_push_uri("\xff", 1, "c", 1, buf, sizeof buf, &len), M800_ERR_INVALID_UTF8);
  EXPECT(m800_push_uri("a", 1, "\xc3", 1, buf, sizeof buf, &len), M800_ERR_INVALID_UTF8);
  static char long_user[M800_URI_MAX];
  memset(long_user, 'u', sizeof long_user);
  EXPECT(m800_push_uri(long_user, sizeof long_user, "c", 1, buf, sizeof buf, &len),
         M800_ERR_URI_TOO_LONG);
  EXPECT(m800_push_uri(NULL, 3, "c", 1, buf, sizeof buf, &len), M800_ERR_NULL_POINTER);
  EXPECT(m800_push_uri(NULL, 0, "c", 1, buf, sizeof buf, &len), M800_ERR_EMPTY_USERNAME);
}

static void test_push_body_vectors(void) {
  for (size_t i = 0; i < N(PUSH_BODY_VECS); i++) {
    const push_body_vec *v = &PUSH_BODY_VECS[i];
    char buf[512];
    size_t len = 0;
    EXPECT(m800_push_body(v->app_message.p, v->app_message.n, v->push_content.p, v->push_content.n,
                          v->sender.p, v->sender.n, buf, sizeof buf, &len),
           M800_OK);
    CHECK(len == v->body.n && str_eq(buf, v->body));
    /* Parsed back as a received body: the same members present, same texts. */
    m800_received_push rp;
    EXPECT(m800_push_body_parse((const uint8_t *)buf, len, &rp), M800_OK);
    char text[512];
    size_t tl = 0;
    EXPECT(m800_json_text_unescape(rp.app_message, rp.app_message_len, text, sizeof text, &tl),
           M800_OK);
    CHECK(bytes_eq(text, tl, v->app_message));
    CHECK((rp.push_content == NULL) == (v->push_content.p == NULL));
    CHECK((rp.sender == NULL) == (v->sender.p == NULL));
    if (rp.sender != NULL) CHECK(bytes_eq(rp.sender, rp.sender_len, v->sender));
  }
  /* Errors. */
  char buf[512];
  size_t len = 7;
  EXPECT(m800_push_body("hi", 2, NULL, 0, "bob", 3, buf, sizeof buf, &len), M800_ERR_INVALID_SENDER);
  /* Non-NULL with length 0: "" for push_content, but an empty sender is no user@carrier. */
  EXPECT(m800_push_body("hi", 2, NULL, 0, "", 0, buf, sizeof buf, &len), M800_ERR_INVALID_SENDER);
  EXPECT(m800_push_body("hi", 2, "", 0, NULL, 0, buf, sizeof buf, &len), M800_OK);
  CHECK(strcmp(buf, "{\"appMessage\":{\"content\":\"hi\"},\"push\":{\"content\":\"\"}}") == 0);
  len = 7;
  EXPECT(m800_push_body("hi", 2, NULL, 0, "a@b@c", 5, buf, sizeof buf, &len),
         M800_ERR_INVALID_SENDER);
  EXPECT(m800_push_body("\xff", 1, NULL, 0, NULL, 0, buf, sizeof buf, &len), M800_ERR_INVALID_UTF8);
  EXPECT(m800_push_body("hi", 2, "\xe2\x82", 2, NULL, 0, buf, sizeof buf, &len),
         M800_ERR_INVALID_UTF8);
  EXPECT(m800_push_body("hi", 2, NULL, 1, NULL, 0, buf, sizeof buf, &len), M800_ERR_NULL_POINTER);
  CHECK(len == 7);
  /* Received bodies that are not the documented object. */
  static const char *bad_bodies[] = {
      "{}",
      "{\"appMessage\":{\"content\":\"hi\"},\"x\":1}",
      "{\"appMessage\":{\"content\":null}}",
      "{\"appMessage\":{\"content\":\"hi\"}} x",
      "{\"appMessage\":{\"content\":\"\\q\"}}",
      "[]",
  };
  for (size_t i = 0; i < N(bad_bodies); i++) {
    m800_received_push rp;
    memset(&rp, 0x5a, sizeof rp);
    EXPECT(m800_push_body_parse((const uint8_t *)bad_bodies[i], strlen(bad_bodies[i]), &rp),
           M800_ERR_MALFORMED_PUSH_BODY);
    CHECK(rp.app_message_len == (size_t)0x5a5a5a5a5a5a5a5aULL);
  }
  const char *bad_sender = "{\"appMessage\":{\"content\":\"hi\"},\"sender\":\"nobody\"}";
  m800_received_push rp;
  EXPECT(m800_push_body_parse((const uint8_t *)bad_sender, strlen(bad_sender), &rp),
         M800_ERR_INVALID_SENDER);
  EXPECT(m800_push_body_parse((const uint8_t *)bad_sender, strlen(bad_sender), NULL),
         M800_ERR_NULL_POINTER);
}

/* The request PROTOCOL.md section 1 describes, from a vector's parts. */
static size_t expected_push_request(const push_req_vec *v, const char *host, char *out,
                                    size_t cap, size_t *head_len) {
  int head = snprintf(out, cap,
                      "POST %.*s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                      "Content-Length: %zu\r\nContent-MD5: %.*s\r\nX-M-Date: %.*s\r\n"
                      "Authorization: %.*s\r\n\r\n",
                      (int)v->uri.n, v->uri.p, host, v->body.n, (int)v->content_md5.n,
                      v->content_md5.p, (int)v->x_m_date.n, v->x_m_date.p,
                      (int)v->authorization.n, v->authorization.p);
  CHECK(head > 0 && (size_t)head + v->body.n < cap);
  memcpy(out + head, v->body.p, v->body.n);
  *head_len = (size_t)head;
  return (size_t)head + v->body.n;
}

static void test_push_request_vectors(void) {
  const char *host = "api.example.com:8443";
  for (size_t i = 0; i < N(PUSH_REQ_VECS); i++) {
    const push_req_vec *v = &PUSH_REQ_VECS[i];
    m800_signer s = {{0}};
    init_signer(&s, v->key, v->secret);
    m800_push p = make_push(v->username, v->carrier, v->app_message, v->push_content, v->sender);
    char want[2048];
    size_t want_head = 0;
    size_t want_len = expected_push_request(v, host, want, sizeof want, &want_head);

    /* Size query, then every capacity below the size fails and writes nothing. */
    size_t need = 0;
    EXPECT(m800_push_request(&s, &p, host, strlen(host), v->unix_time, v->nonce.p, v->nonce.n, NULL,
                             0, &need, NULL, NULL),
           M800_ERR_BUFFER_TOO_SMALL);
    CHECK(need == want_len + 1);
    char buf[2048];
    size_t len = 0, head = 0;
    m800_signed_headers h;
    memset(buf, 0x5a, sizeof buf);
    memset(&h, 0x5a, sizeof h);
    head = 77;
    EXPECT(m800_push_request(&s, &p, host, strlen(host), v->unix_time, v->nonce.p, v->nonce.n, buf,
                             need - 1, &len, &head, &h),
           M800_ERR_BUFFER_TOO_SMALL);
    CHECK(len == need && head == 77 && (unsigned char)buf[0] == 0x5a &&
          (unsigned char)h.x_m_date[0] == 0x5a);
    EXPECT(m800_push_request(&s, &p, host, strlen(host), v->unix_time, v->nonce.p, v->nonce.n, buf,
                             need, &len, &head, &h),
           M800_OK);
    /* Byte for byte: the vector's uri, body and Authorization in the documented layout. */
    CHECK(len == want_len && memcmp(buf, want, want_len) == 0 && buf[len] == '\0' &&
          (unsigned char)buf[len + 1] == 0x5a);
    CHECK(head == want_head && bytes_eq(buf + head, len - head, v->body));
    CHECK(str_eq(h.authorization, v->authorization) && str_eq(h.x_m_date, v->x_m_date) &&
          str_eq(h.content_md5, v->content_md5));
    /* The pieces agree with the whole. */
    char uri[M800_URI_MAX + 1], body[1024];
    size_t ul = 0, bl = 0;
    EXPECT(m800_push_uri(p.username, p.username_len, p.carrier, p.carrier_len, uri, sizeof uri, &ul),
           M800_OK);
    CHECK(str_eq(uri, v->uri));
    EXPECT(m800_push_body(p.app_message, p.app_message_len, p.push_content, p.push_content_len,
                          p.sender, p.sender_len, body, sizeof body, &bl),
           M800_OK);
    CHECK(str_eq(body, v->body));
    /* A C server accepts it as received, once. */
    m800_replay_slot slots[2];
    m800_replay_cache cache;
    EXPECT(m800_replay_cache_init(&cache, slots, N(slots)), M800_OK);
    EXPECT(vp_http(&s, NULL, NULL, (const uint8_t *)buf, len, v->unix_time, 300, &cache, NULL),
           M800_OK);
    EXPECT(vp_http(&s, NULL, NULL, (const uint8_t *)buf, len, v->unix_time, 300, &cache, NULL),
           M800_ERR_REPLAYED_NONCE);
    /* Optional outputs may be NULL. */
    EXPECT(m800_push_request(&s, &p, host, strlen(host), v->unix_time, v->nonce.p, v->nonce.n, buf,
                             sizeof buf, &len, NULL, NULL),
           M800_OK);
    CHECK(len == want_len && memcmp(buf, want, want_len) == 0);
    m800_signer_wipe(&s);
  }

  /* Errors, each before anything is written. */
  m800_signer s = {{0}};
  EXPECT(m800_signer_init(&s, "k", 1, (const uint8_t *)"s", 1), M800_OK);
  m800_push p = make_push((str_t){"alice", 5}, (str_t){"m800.com", 8}, (str_t){"hi", 2},
                          (str_t){NULL, 0}, (str_t){NULL, 0});
  char buf[1024];
  size_t len = 3;
  EXPECT(m800_push_request(&s, &p, "", 0, 0, "n", 1, buf, sizeof buf, &len, NULL, NULL),
         M800_ERR_INVALID_HOST);
  EXPECT(m800_push_request(&s, &p, "a b", 3, 0, "n", 1, buf, sizeof buf, &len, NULL, NULL),
         M800_ERR_INVALID_HOST);
  EXPECT(m800_push_request(&s, &p, "user@h", 6, 0, "n", 1, buf, sizeof buf, &len, NULL, NULL),
         M800_ERR_INVALID_HOST);
  EXPECT(m800_push_request(&s, &p, "h", 1, 0, NULL, 0, buf, sizeof buf, &len, NULL, NULL),
         M800_ERR_EMPTY_NONCE);
  EXPECT(m800_push_request(&s, &p, "h", 1, M800_UNIX_TIME_MAX + 1, "n", 1, buf, sizeof buf, &len,
                           NULL, NULL),
         M800_ERR_TIME_OUT_OF_RANGE);
  EXPECT(m800_push_request(&s, NULL, "h", 1, 0, "n", 1, buf, sizeof buf, &len, NULL, NULL),
         M800_ERR_NULL_POINTER);
  EXPECT(m800_push_request(&s, &p, "h", 1, 0, "n", 1, buf, sizeof buf, NULL, NULL, NULL),
         M800_ERR_NULL_POINTER);
  EXPECT(m800_push_request(&s, &p, "h", 1, 0, "n", 1, NULL, sizeof buf, &len, NULL, NULL),
         M800_ERR_NULL_POINTER);
  m800_push bad = p;
  bad.username_len = 0;
  EXPECT(m800_push_request(&s, &bad, "h", 1, 0, "n", 1, buf, sizeof buf, &len, NULL, NULL),
         M800_ERR_EMPTY_USERNAME);
  bad = p;
  bad.sender = "x";
  bad.sender_len = 1;
  EXPECT(m800_push_request(&s, &bad, "h", 1, 0, "n", 1, buf, sizeof buf, &len, NULL, NULL),
         M800_ERR_INVALID_SENDER);
  bad = p;
  bad.carrier = "\xfe";
  bad.carrier_len = 1;
  EXPECT(m800_push_request(&s, &bad, "h", 1, 0, "n", 1, buf, sizeof buf, &len, NULL, NULL),
         M800_ERR_INVALID_UTF8);
  CHECK(len == 3);
  m800_signer_wipe(&s);
  EXPECT(m800_push_request(&s, &p, "h", 1, 0, "n", 1, buf, sizeof buf, &len, NULL, NULL),
         M800_ERR_NOT_INITIALIZED);
}

static m800_status push_body_fn(void *ctx, char *out, size_t cap, size_t *len) {
  (void)ctx;
  return m800_push_body("quote \" and \n", 13, "p", 1, "a@b", 3, out, cap, len);
}
static m800_status push_uri_fn(void *ctx, char *out, size_t cap, size_t *len) {
  (void)ctx;
  return m800_push_uri("john doe", 8, "m800.com", 8, out, cap, len);
}
static m800_status push_request_fn(void *ctx, char *out, size_t cap, size_t *len) {
  m800_push p = make_push((str_t){"alice", 5}, (str_t){"m800.com", 8}, (str_t){"ping", 4},
                          (str_t){NULL, 0}, (str_t){NULL, 0});
  return m800_push_request((const m800_signer *)ctx, &p, "h", 1, 1764334800, "n", 1, out, cap, len,
                           NULL, NULL);
}
static m800_status unescape_fn(void *ctx, char *out, size_t cap, size_t *len) {
  (void)ctx;
  const char *raw = "a\\u00e9\\n\\\"\\ud83d\\udc4b";
  return m800_json_text_unescape(raw, strlen(raw), out, cap, len);
}

static void test_push_buffers(void) {
  m800_signer s = {{0}};
  EXPECT(m800_signer_init(&s, "k", 1, (const uint8_t *)"secret", 6), M800_OK);
  check_buffer_contract(push_uri_fn, NULL, "push_uri");
  check_buffer_contract(push_body_fn, NULL, "push_body");
  check_buffer_contract(push_request_fn, &s, "push_request");
  check_buffer_contract(unescape_fn, NULL, "json_text_unescape");
  m800_signer_wipe(&s);
}

static void test_push_response(void) {
  m800_push_response r;
  char text[64];
  size_t tl = 0;
  const char *ok = "{\"requestId\": \"r-42\"}";
  EXPECT(m800_push_response_parse((const uint8_t *)ok, strlen(ok), &r), M800_OK);
  CHECK(r.outcome == M800_PUSH_ACCEPTED && r.request_id == ok + 15 && r.request_id_len == 4);
  CHECK(r.message == NULL && r.message_len == 0 && r.status == 0 && r.code == 0);

  const char *escaped = " {\"requestId\":\"a\\/b\\u00e9\"} ";
  EXPECT(m800_push_response_parse((const uint8_t *)escaped, strlen(escaped), &r), M800_OK);
  CHECK(r.outcome == M800_PUSH_ACCEPTED && r.request_id_len == 10);
  EXPECT(m800_json_text_unescape(r.request_id, r.request_id_len, text, sizeof text, &tl), M800_OK);
  CHECK(tl == 5 && strcmp(text, "a/b\xc3\xa9") == 0);

  const char *err =
      "{\"error\": {\"status\": 401, \"code\": -1001, \"message\": \"bad \\\"sig\\\"\\u0000!\"}}";
  EXPECT(m800_push_response_parse((const uint8_t *)err, strlen(err), &r), M800_OK);
  CHECK(r.outcome == M800_PUSH_FAILED && r.status == 401 && r.code == -1001);
  CHECK(r.request_id == NULL && r.request_id_len == 0);
  CHECK(r.message_len == 18 && memcmp(r.message, "bad \\\"sig\\\"\\u0000!", 18) == 0);
  EXPECT(m800_json_text_unescape(r.message, r.message_len, text, sizeof text, &tl), M800_OK);
  CHECK(tl == 11 && memcmp(text, "bad \"sig\"\0!", 11) == 0 && text[10] == '!' && text[11] == 0);

  /* Members the API may add later: read as JSON and dropped. */
  const char *later =
      "{\"queued\": {\"at\": [1.5e3, true, null]}, \"requestId\": \"r-42\", \"n\": -0.5}";
  EXPECT(m800_push_response_parse((const uint8_t *)later, strlen(later), &r), M800_OK);
  CHECK(r.outcome == M800_PUSH_ACCEPTED && r.request_id_len == 4 && memcmp(r.request_id, "r-42", 4) == 0);

  static const char *bad[] = {
      "",
      "{}",
      "{\"requestId\": null}",
      "{\"requestId\": 5}",
      "{\"requestId\": \"r\", \"x\": [1,]}",
      "{\"requestId\": \"r\", \"request\\u0049d\": \"s\"}",
      "{\"requestId\": \"r\"} trailing",
      "{\"requestId\": \"r\", \"requestId\": \"s\"}",
      "{\"requestId\": \"r\", \"error\": {\"status\": 400, \"code\": 1, \"message\": \"m\"}}",
      "{\"error\": {\"status\": 99, \"code\": 1, \"message\": \"m\"}}",
      "{\"error\": {\"status\": 600, \"code\": 1, \"message\": \"m\"}}",
      "{\"error\": {\"status\": 400, \"code\": 1}}",
      "{\"error\": {\"status\": 400, \"code\": \"1\", \"message\": \"m\"}}",
      "{\"requestId\": \"\\x\"}",
      "{\"requestId\": \"\\ud800\"}",
      "{\"requestId\": \"\xff\"}",
      "[\"requestId\"]",
  };
  for (size_t i = 0; i < N(bad); i++) {
    memset(&r, 0x5a, sizeof r);
    m800_status st = m800_push_response_parse((const uint8_t *)bad[i], strlen(bad[i]), &r);
    if (st != M800_ERR_MALFORMED_RESPONSE) fprintf(stderr, "response: %s\n", bad[i]);
    EXPECT(st, M800_ERR_MALFORMED_RESPONSE);
    CHECK(r.status == 0x5a5a);
  }
  EXPECT(m800_push_response_parse(NULL, 3, &r), M800_ERR_NULL_POINTER);
  EXPECT(m800_push_response_parse((const uint8_t *)ok, strlen(ok), NULL), M800_ERR_NULL_POINTER);

  /* Unescaping: invalid raw text, UTF-8, the buffer contract. */
  EXPECT(m800_json_text_unescape("\\x", 2, text, sizeof text, &tl), M800_ERR_MALFORMED_RESPONSE);
  EXPECT(m800_json_text_unescape("a\nb", 3, text, sizeof text, &tl), M800_ERR_MALFORMED_RESPONSE);
  EXPECT(m800_json_text_unescape("\\", 1, text, sizeof text, &tl), M800_ERR_MALFORMED_RESPONSE);
  /* A raw quote would have ended the JSON string (found by the json_text fuzz target). */
  EXPECT(m800_json_text_unescape("a\"b", 3, text, sizeof text, &tl), M800_ERR_MALFORMED_RESPONSE);
  EXPECT(m800_json_text_unescape("\xff", 1, text, sizeof text, &tl), M800_ERR_INVALID_UTF8);
  EXPECT(m800_json_text_unescape(NULL, 0, text, sizeof text, &tl), M800_OK);
  CHECK(tl == 0 && text[0] == 0);
}

/* ---- raw HTTP verification ----------------------------------------------- */

/* A raw request for a verify vector, as a client would send it. */
static size_t raw_request(const verify_vec *v, char *out, size_t cap) {
  size_t n = (size_t)snprintf(out, cap, "%.*s %.*s HTTP/1.1\r\nHost: cb.example\r\n", (int)v->method.n,
                              v->method.p, (int)v->uri.n, v->uri.p);
  if (v->content_type.n)
    n += (size_t)snprintf(out + n, cap - n, "Content-Type: %.*s\r\n", (int)v->content_type.n,
                          v->content_type.p);
  if (v->body.n) n += (size_t)snprintf(out + n, cap - n, "Content-Length: %zu\r\n", v->body.n);
  if (v->x_m_date.p)
    n += (size_t)snprintf(out + n, cap - n, "X-M-Date: %.*s\r\n", (int)v->x_m_date.n,
                          v->x_m_date.p);
  n += (size_t)snprintf(out + n, cap - n, "Authorization: %.*s\r\n\r\n", (int)v->authorization.n,
                        v->authorization.p);
  CHECK(n + v->body.n < cap);
  memcpy(out + n, v->body.p, v->body.n);
  return n + v->body.n;
}

static void test_verify_http(void) {
  /* Every verify vector, sent as raw HTTP. */
  for (size_t i = 0; i < N(VERIFY_VECS); i++) {
    const verify_vec *v = &VERIFY_VECS[i];
    m800_signer s = {{0}};
    init_signer(&s, v->key, v->secret);
    char raw[2048];
    size_t n = raw_request(v, raw, sizeof raw);
    m800_replay_slot slots[4];
    m800_replay_cache cache;
    EXPECT(m800_replay_cache_init(&cache, slots, N(slots)), M800_OK);
    if (v->seen)
      EXPECT(vp_http(&s, NULL, NULL, (const uint8_t *)raw, n, v->now, v->window_s, &cache, NULL),
             M800_OK);
    m800_verify_details d;
    memset(&d, 0x5a, sizeof d);
    m800_status st = vp_http(&s, NULL, NULL, (const uint8_t *)raw, n, v->now, v->window_s,
                                                 &cache, &d);
    if (st != v->expect) fprintf(stderr, "http verify vector: %s\n", v->name);
    EXPECT(st, v->expect);
    CHECK(d.server_time == v->now);
    m800_signer_wipe(&s);
  }

  /* Each parser error, in front of any signature check. */
  m800_signer s = {{0}};
  EXPECT(m800_signer_init(&s, "k", 1, (const uint8_t *)"secret", 6), M800_OK);
  static const struct {
    const char *raw;
    m800_status expect;
  } bad[] = {
      {"POST  /x HTTP/1.1\r\n\r\n", M800_ERR_MALFORMED_HTTP_REQUEST_LINE},
      {"POST /x\r\n\r\n", M800_ERR_MALFORMED_HTTP_REQUEST_LINE},
      {"POST /x HTTP/2.0\r\n\r\n", M800_ERR_UNSUPPORTED_HTTP_VERSION},
      {"POST /x HTTP/1.1\r\nHost : a\r\n\r\n", M800_ERR_MALFORMED_HTTP_HEADER},
      {"POST /x HTTP/1.1\r\nNoColon\r\n\r\n", M800_ERR_MALFORMED_HTTP_HEADER},
      {"POST /x HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", M800_ERR_HTTP_OBS_FOLD},
      {"POST /x HTTP/1.1\nHost: a\r\n\r\n", M800_ERR_HTTP_BARE_LINE_BREAK},
      {"POST /x HTTP/1.1\r\nHost: a\rb\r\n\r\n", M800_ERR_HTTP_BARE_LINE_BREAK},
      {"POST /x HTTP/1.1\r\nHost: a\r\n", M800_ERR_INCOMPLETE_HTTP_REQUEST},
      {"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab", M800_ERR_INCOMPLETE_HTTP_REQUEST},
      {"POST /x HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", M800_ERR_DUPLICATE_HTTP_HEADER},
      {"POST /x HTTP/1.1\r\nX-M-Date: a\r\nx-m-date: a\r\n\r\n", M800_ERR_DUPLICATE_HTTP_HEADER},
      {"POST /x HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", M800_ERR_INVALID_CONTENT_LENGTH},
      {"POST /x HTTP/1.1\r\nContent-Length: -1\r\n\r\n", M800_ERR_INVALID_CONTENT_LENGTH},
      {"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
       M800_ERR_UNSUPPORTED_TRANSFER_ENCODING},
      {"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nab",
       M800_ERR_HTTP_BODY_LENGTH_MISMATCH},
      {"POST /x HTTP/1.1\r\nHost: a\r\n\r\nab", M800_ERR_HTTP_BODY_LENGTH_MISMATCH},
      /* RFC 9112 section 3.2: HTTP/1.1 needs a Host; HTTP/1.0 may omit it. */
      {"POST /x HTTP/1.1\r\nX-Host: a\r\n\r\n", M800_ERR_MISSING_HOST},
      {"POST /x HTTP/1.0\r\n\r\n", M800_ERR_MALFORMED_AUTHORIZATION},
      /* Parsed fine; then the verifier's answers. */
      {"GET /x HTTP/1.1\r\nHost: a\r\n\r\n", M800_ERR_MALFORMED_AUTHORIZATION},
      {"GET /x HTTP/1.1\r\nHost: a\r\nAuthorization: Basic x\r\n\r\n", M800_ERR_UNSUPPORTED_SCHEME},
  };
  for (size_t i = 0; i < N(bad); i++) {
    m800_verify_details d;
    memset(&d, 0x5a, sizeof d);
    m800_status st = vp_http(&s, NULL, NULL, (const uint8_t *)bad[i].raw,
                                                 strlen(bad[i].raw), 1000, 300, NULL, &d);
    if (st != bad[i].expect) fprintf(stderr, "http: %s\n", bad[i].raw);
    EXPECT(st, bad[i].expect);
  }

  /* A signed GET, then a signature mismatch with the expected string to sign. */
  m800_request r = make_request((str_t){"GET", 3}, (str_t){"/x?y=1", 6}, (str_t){NULL, 0},
                                (str_t){NULL, 0});
  m800_signed_headers h;
  EXPECT(m800_sign_request(&s, &r, 1000, "n-1", 3, &h), M800_OK);
  char raw[1024];
  int n = snprintf(raw, sizeof raw, "GET /x?y=1 HTTP/1.1\r\nHost: a\r\nX-M-Date: %s\r\nAuthorization: %s\r\n\r\n",
                   h.x_m_date, h.authorization);
  EXPECT(vp_http(&s, NULL, NULL, (const uint8_t *)raw, (size_t)n, 1000, 300, NULL, NULL), M800_OK);
  EXPECT(vp_http(&s, NULL, NULL, (const uint8_t *)raw, (size_t)n, 2000, 300, NULL, NULL),
         M800_ERR_DATE_TOO_OLD);
  raw[7] = 'z'; /* the query */
  m800_verify_details d;
  EXPECT(vp_http(&s, NULL, NULL, (const uint8_t *)raw, (size_t)n, 1000, 300, NULL, &d),
         M800_ERR_SIGNATURE_MISMATCH);
  CHECK(strncmp(d.expected_string_to_sign, "GET\n/x?z=1\n\n\n", 13) == 0);
  EXPECT(vp_http(&s, NULL, NULL, NULL, 5, 1000, 300, NULL, NULL), M800_ERR_NULL_POINTER);
  EXPECT(vp_http(&s, NULL, NULL, NULL, 0, 1000, 300, NULL, NULL), M800_ERR_INCOMPLETE_HTTP_REQUEST);
  EXPECT(vp_http(NULL, NULL, NULL, (const uint8_t *)raw, (size_t)n, 1000, 300, NULL, NULL),
         M800_ERR_NULL_POINTER);

  /* Framing a request read in pieces: INCOMPLETE until the head is in, then
     the whole length; a following request's bytes are not part of it. */
  raw[7] = 'y';
  {
    char two[2048];
    memcpy(two, raw, (size_t)n);
    memcpy(two + n, raw, (size_t)n);
    size_t head_end = (size_t)(strstr(raw, "\r\n\r\n") - raw) + 4;
    for (size_t have = 0; have <= 2 * (size_t)n; have++) {
      size_t len = 12345;
      m800_status st = m800_http_request_length((const uint8_t *)two, have, &len);
      if (have < head_end) {
        EXPECT(st, M800_ERR_INCOMPLETE_HTTP_REQUEST);
        CHECK(len == 12345);
      } else {
        EXPECT(st, M800_OK);
        CHECK(len == (size_t)n);
      }
    }
    size_t len = 0;
    EXPECT(m800_http_request_length((const uint8_t *)two, 2 * (size_t)n, &len), M800_OK);
    EXPECT(vp_http(&s, NULL, NULL, (const uint8_t *)two, len, 1000, 300, NULL, NULL), M800_OK);
    EXPECT(vp_http(&s, NULL, NULL, (const uint8_t *)two, 2 * (size_t)n, 1000, 300, NULL, NULL),
           M800_ERR_HTTP_BODY_LENGTH_MISMATCH);
    static const char no_host[] = "GET / HTTP/1.1\r\n\r\n";
    len = 12345;
    EXPECT(m800_http_request_length((const uint8_t *)no_host, sizeof no_host - 1, &len),
           M800_ERR_MISSING_HOST);
    CHECK(len == 12345);
    EXPECT(m800_http_request_length(NULL, 1, &len), M800_ERR_NULL_POINTER);
    EXPECT(m800_http_request_length((const uint8_t *)raw, (size_t)n, NULL), M800_ERR_NULL_POINTER);
  }

  /* Many keys. */
  key_table t = {{{{0}}}, {"dev-a", "k", "dev-c"}, 0, M800_OK};
  for (int i = 0; i < 3; i++)
    EXPECT(m800_signer_init(&t.signers[i], t.keys[i], strlen(t.keys[i]), (const uint8_t *)"secret",
                            6),
           M800_OK);
  EXPECT(vp_http(NULL, lookup, &t, (const uint8_t *)raw, (size_t)n, 1000, 300,
                                        NULL, NULL),
         M800_OK);
  CHECK(t.calls == 1);
  t.keys[1] = "other";
  EXPECT(vp_http(NULL, lookup, &t, (const uint8_t *)raw, (size_t)n, 1000, 300,
                                        NULL, NULL),
         M800_ERR_UNKNOWN_KEY);
  t.fail_with = M800_ERR_INTERNAL;
  EXPECT(vp_http(NULL, lookup, &t, (const uint8_t *)raw, (size_t)n, 1000, 300,
                                        NULL, NULL),
         M800_ERR_INTERNAL);
  EXPECT(vp_http(NULL, NULL, &t, (const uint8_t *)raw, (size_t)n, 1000, 300, NULL,
                                        NULL),
         M800_ERR_NULL_POINTER);
  for (int i = 0; i < 3; i++) m800_signer_wipe(&t.signers[i]);
  m800_signer_wipe(&s);
}

/* ---- streamed bodies and base64 signers ----------------------------------- */

static void test_streamed_md5(void) {
  for (size_t i = 0; i < N(REQ_VECS); i++) {
    const req_vec *v = &REQ_VECS[i];
    m800_signer s = {{0}};
    init_signer(&s, v->key, v->secret);
    m800_request whole = make_request(v->method, v->uri, v->content_type, v->body);
    m800_request head = make_request(v->method, v->uri, v->content_type, (str_t){NULL, 0});
    m800_signed_headers one, streamed;
    EXPECT(m800_sign_request(&s, &whole, v->unix_time, v->nonce.p, v->nonce.n, &one), M800_OK);
    /* The body in 7-byte chunks through m800_md5_*. */
    m800_md5 md5;
    EXPECT(m800_md5_init(&md5), M800_OK);
    for (size_t off = 0; off < v->body.n; off += 7) {
      size_t k = v->body.n - off < 7 ? v->body.n - off : 7;
      EXPECT(m800_md5_update(&md5, (const uint8_t *)v->body.p + off, k), M800_OK);
    }
    char hex[M800_CONTENT_MD5_SIZE];
    size_t hl = 0;
    EXPECT(m800_md5_final(&md5, hex, sizeof hex, &hl), M800_OK);
    EXPECT(m800_sign_request_md5(&s, &head, hex, hl, v->unix_time, v->nonce.p, v->nonce.n,
                                 &streamed),
           M800_OK);
    CHECK(memcmp(&one, &streamed, sizeof one) == 0);
    CHECK(str_eq(streamed.authorization, v->authorization));
    /* Verify with the digest of the body received. */
    EXPECT(vp_request(&s, NULL, NULL, &head, hex, hl, one.x_m_date, strlen(one.x_m_date),
                                   one.authorization, strlen(one.authorization), v->unix_time, 300,
                                   NULL, NULL),
           M800_OK);
    /* Another body's digest does not verify. */
    const char *other = v->body.n ? "" : "900150983cd24fb0d6963f7d28e17f72";
    m800_verify_details d;
    EXPECT(vp_request(&s, NULL, NULL, &head, other, strlen(other), one.x_m_date,
                                   strlen(one.x_m_date), one.authorization,
                                   strlen(one.authorization), v->unix_time, 300, NULL, &d),
           M800_ERR_SIGNATURE_MISMATCH);
    CHECK(d.expected_string_to_sign_len > 0);
    m800_signer_wipe(&s);
  }
  m800_signer s = {{0}};
  EXPECT(m800_signer_init(&s, "k", 1, (const uint8_t *)"s", 1), M800_OK);
  m800_request head = make_request((str_t){"PUT", 3}, (str_t){"/", 1}, (str_t){NULL, 0},
                                   (str_t){NULL, 0});
  m800_request with_body = make_request((str_t){"PUT", 3}, (str_t){"/", 1}, (str_t){NULL, 0},
                                        (str_t){"abc", 3});
  const char *md5 = "900150983cd24fb0d6963f7d28e17f72";
  m800_signed_headers h;
  memset(&h, 0x5a, sizeof h);
  EXPECT(m800_sign_request_md5(&s, &with_body, md5, 32, 0, "n", 1, &h), M800_ERR_INVALID_ARGUMENT);
  EXPECT(m800_sign_request_md5(&s, &head, "900150983CD24FB0D6963F7D28E17F72", 32, 0, "n", 1, &h),
         M800_ERR_INVALID_CONTENT_MD5);
  EXPECT(m800_sign_request_md5(&s, &head, md5, 31, 0, "n", 1, &h), M800_ERR_INVALID_CONTENT_MD5);
  EXPECT(m800_sign_request_md5(&s, &head, NULL, 32, 0, "n", 1, &h), M800_ERR_NULL_POINTER);
  CHECK((unsigned char)h.x_m_date[0] == 0x5a);
  EXPECT(m800_sign_request_md5(&s, &head, md5, 32, 0, "n", 1, NULL), M800_ERR_NULL_POINTER);
  /* An empty digest is a request without a body. */
  m800_signed_headers nobody, plain;
  EXPECT(m800_sign_request_md5(&s, &head, NULL, 0, 0, "n", 1, &nobody), M800_OK);
  EXPECT(m800_sign_request(&s, &head, 0, "n", 1, &plain), M800_OK);
  CHECK(memcmp(&nobody, &plain, sizeof plain) == 0 && nobody.content_md5[0] == 0);
  /* The body need only be empty: a non-NULL pointer with length 0 is no body either. */
  m800_request empty_body = head;
  empty_body.body = (const uint8_t *)"";
  EXPECT(m800_sign_request_md5(&s, &empty_body, md5, 32, 0, "n", 1, &h), M800_OK);
  EXPECT(vp_request(&s, NULL, NULL, &with_body, md5, 32, plain.x_m_date, 29, plain.authorization,
                                 strlen(plain.authorization), 0, 300, NULL, NULL),
         M800_ERR_INVALID_ARGUMENT);
  EXPECT(vp_request(&s, NULL, NULL, &head, "xyz", 3, plain.x_m_date, 29, plain.authorization,
                                 strlen(plain.authorization), 0, 300, NULL, NULL),
         M800_ERR_INVALID_CONTENT_MD5);
  m800_signer_wipe(&s);
}

static void test_base64_signer(void) {
  for (size_t i = 0; i < N(SIG_VECS); i++) {
    const sig_vec *v = &SIG_VECS[i];
    uint64_t t = 0;
    EXPECT(m800_date_parse(v->x_m_date.p, v->x_m_date.n, &t), M800_OK);
    m800_request r = make_request(v->method, v->uri, v->content_type, (str_t){NULL, 0});
    m800_signer hex = {{0}}, b64 = {{0}};
    EXPECT(m800_signer_init(&hex, "any-key", 7, (const uint8_t *)v->secret.p, v->secret.n), M800_OK);
    EXPECT(m800_signer_init_base64(&b64, "any-key", 7, (const uint8_t *)v->secret.p, v->secret.n),
           M800_OK);
    m800_signed_headers hh, hb;
    if (v->nonce.n == 0) {
      /* A request is never signed without a nonce (the signature building
       * blocks cover this vector). */
      EXPECT(m800_sign_request_md5(&b64, &r, v->content_md5.p, v->content_md5.n, t, v->nonce.p,
                                   v->nonce.n, &hb),
             M800_ERR_EMPTY_NONCE);
      m800_signer_wipe(&hex);
      m800_signer_wipe(&b64);
      continue;
    }
    EXPECT(m800_sign_request_md5(&hex, &r, v->content_md5.p, v->content_md5.n, t, v->nonce.p,
                                 v->nonce.n, &hh),
           M800_OK);
    EXPECT(m800_sign_request_md5(&b64, &r, v->content_md5.p, v->content_md5.n, t, v->nonce.p,
                                 v->nonce.n, &hb),
           M800_OK);
    CHECK(str_eq(hh.x_m_date, v->x_m_date) && str_eq(hb.x_m_date, v->x_m_date));
    m800_authorization ah, ab;
    EXPECT(m800_authorization_parse(hh.authorization, strlen(hh.authorization), &ah), M800_OK);
    EXPECT(m800_authorization_parse(hb.authorization, strlen(hb.authorization), &ab), M800_OK);
    CHECK(str_eq(ah.signature, v->hex));
    CHECK(str_eq(ab.signature, v->base64));
    /* Each verifies with its own encoding only. */
    EXPECT(vp_request(&b64, NULL, NULL, &r, v->content_md5.p, v->content_md5.n, hb.x_m_date, 29,
                                   hb.authorization, strlen(hb.authorization), t, 300, NULL, NULL),
           M800_OK);
    EXPECT(vp_request(&hex, NULL, NULL, &r, v->content_md5.p, v->content_md5.n, hb.x_m_date, 29,
                                   hb.authorization, strlen(hb.authorization), t, 300, NULL, NULL),
           M800_ERR_SIGNATURE_MISMATCH);
    EXPECT(vp_request(&b64, NULL, NULL, &r, v->content_md5.p, v->content_md5.n, hh.x_m_date, 29,
                                   hh.authorization, strlen(hh.authorization), t, 300, NULL, NULL),
           M800_ERR_SIGNATURE_MISMATCH);
    m800_signer_wipe(&hex);
    m800_signer_wipe(&b64);
  }
  m800_signer s = {{0}};
  EXPECT(m800_signer_init_base64(&s, NULL, 0, (const uint8_t *)"s", 1), M800_ERR_EMPTY_KEY);
  EXPECT(m800_signer_init_base64(&s, "k", 1, NULL, 0), M800_ERR_EMPTY_SECRET);
  EXPECT(m800_signer_init_base64(NULL, "k", 1, (const uint8_t *)"s", 1), M800_ERR_NULL_POINTER);
  /* A base64 push request carries a 44-character signature. */
  EXPECT(m800_signer_init_base64(&s, "k", 1, (const uint8_t *)"s", 1), M800_OK);
  m800_push p = make_push((str_t){"a", 1}, (str_t){"b", 1}, (str_t){"hi", 2}, (str_t){NULL, 0},
                          (str_t){NULL, 0});
  char buf[1024];
  size_t len = 0;
  m800_signed_headers h;
  EXPECT(m800_push_request(&s, &p, "h", 1, 1000, "n", 1, buf, sizeof buf, &len, NULL, &h), M800_OK);
  m800_authorization a;
  EXPECT(m800_authorization_parse(h.authorization, strlen(h.authorization), &a), M800_OK);
  CHECK(strlen(a.signature) == M800_SIGNATURE_BASE64_LEN);
  EXPECT(vp_http(&s, NULL, NULL, (const uint8_t *)buf, len, 1000, 300, NULL, NULL), M800_OK);
  m800_signer_wipe(&s);
}

/* ---- threads ------------------------------------------------------------- */

typedef struct {
  const m800_signer *signer;
  int iterations;
  int errors;
} thread_arg;

static void *sign_many(void *p) {
  thread_arg *a = (thread_arg *)p;
  for (int it = 0; it < a->iterations; it++) {
    for (size_t i = 0; i < N(REQ_VECS); i++) {
      const req_vec *v = &REQ_VECS[i];
      m800_request r = make_request(v->method, v->uri, v->content_type, v->body);
      m800_signed_headers h;
      if (m800_sign_request(a->signer, &r, v->unix_time, v->nonce.p, v->nonce.n, &h) != M800_OK ||
          !str_eq(h.authorization, v->authorization) ||
          m800_verify_request(a->signer, &r, h.x_m_date, strlen(h.x_m_date), h.authorization,
                              strlen(h.authorization), v->unix_time, 300, NULL) != M800_OK) {
        a->errors++;
      }
    }
  }
  return NULL;
}

static void test_threads(void) {
  /* All request vectors share one key and secret: one signer for all threads. */
  m800_signer s = {{0}};
  init_signer(&s, REQ_VECS[0].key, REQ_VECS[0].secret);
  for (size_t i = 1; i < N(REQ_VECS); i++) {
    CHECK(REQ_VECS[i].key.n == REQ_VECS[0].key.n && REQ_VECS[i].secret.n == REQ_VECS[0].secret.n);
  }
  const char *env = getenv("M800_TEST_ITERATIONS");
  int iterations = env ? atoi(env) : 200;
  enum { THREADS = 8 };
  pthread_t tid[THREADS];
  thread_arg args[THREADS];
  for (int i = 0; i < THREADS; i++) {
    args[i] = (thread_arg){&s, iterations, 0};
    CHECK(pthread_create(&tid[i], NULL, sign_many, &args[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++) {
    CHECK(pthread_join(tid[i], NULL) == 0);
    CHECK(args[i].errors == 0);
  }
  m800_signer_wipe(&s);
}

int main(void) {
  test_signature_vectors();
  test_request_vectors();
  test_date_vectors();
  test_authorization_vectors();
  test_verify_vectors();
  test_multi_key();
  test_replay_cache();
  test_replay_store();
  test_buffers();
  test_statuses();
  test_verify_null_with_length();
  test_push_uri_vectors();
  test_push_body_vectors();
  test_push_request_vectors();
  test_push_buffers();
  test_push_response();
  test_verify_http();
  test_streamed_md5();
  test_base64_signer();
  test_threads();

  /* Every status the C API can produce was produced. Only the OS ones belong
   * to std-only calls (the clock, OS randomness) that the C API does not offer. */
  const m800_status unreachable[] = {M800_ERR_CLOCK_BEFORE_EPOCH, M800_ERR_RANDOM_UNAVAILABLE};
  for (size_t i = 0; i < N(unreachable); i++) seen_status[unreachable[i]] = 2;
  for (int i = 0; i < STATUS_COUNT; i++) {
    if (!seen_status[i]) {
      failures++;
      fprintf(stderr, "status %s (%d) never reached\n", m800_status_name((m800_status)i), i);
    }
  }
  if (failures) {
    fprintf(stderr, "FAILED: %d of %d checks\n", failures, checks);
    return 1;
  }
  printf("ok: %d checks, %zu+%zu+%zu+%zu+%zu+%zu+%zu+%zu+%zu vectors\n", checks, N(SIG_VECS),
         N(REQ_VECS), N(DATE_VECS), N(DATE_INVALID), N(AUTH_VECS), N(PUSH_URI_VECS),
         N(PUSH_BODY_VECS), N(PUSH_REQ_VECS), N(VERIFY_VECS));
  return 0;
}
