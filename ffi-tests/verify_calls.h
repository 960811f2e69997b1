/* Test helpers: the verify calls the tests make, each one m800_verify with a
 * params struct from m800_verify_params_init. */
#ifndef M800_TEST_VERIFY_CALLS_H
#define M800_TEST_VERIFY_CALLS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <m800_sign.h>

static inline m800_verify_params vp_keys(const m800_signer *s, m800_key_lookup_fn lookup,
                                         void *ctx, uint64_t now, uint32_t window_s,
                                         m800_replay_cache *cache) {
  m800_verify_params p;
  memset(&p, 0xA5, sizeof p); /* init must set every field */
  if (m800_verify_params_init(&p) != M800_OK) abort();
  p.signer = s;
  p.lookup = lookup;
  p.lookup_ctx = ctx;
  p.now = now;
  p.window_s = window_s;
  p.replay_cache = cache;
  return p;
}

/* Fields + body (+ streamed Content-MD5 when md5 != NULL), one signer or a lookup. */
static inline m800_status vp_request(const m800_signer *s, m800_key_lookup_fn lookup, void *ctx,
                                     const m800_request *r, const char *md5, size_t md5_len,
                                     const char *date, size_t date_len, const char *auth,
                                     size_t auth_len, uint64_t now, uint32_t window_s,
                                     m800_replay_cache *cache, m800_verify_details *d) {
  m800_verify_params p = vp_keys(s, lookup, ctx, now, window_s, cache);
  p.request = r;
  p.content_md5 = md5;
  p.content_md5_len = md5_len;
  p.x_m_date = date;
  p.x_m_date_len = date_len;
  p.authorization = auth;
  p.authorization_len = auth_len;
  return m800_verify(&p, d);
}

/* Raw HTTP/1.1 bytes, one signer or a lookup. */
static inline m800_status vp_http(const m800_signer *s, m800_key_lookup_fn lookup, void *ctx,
                                  const uint8_t *raw, size_t raw_len, uint64_t now,
                                  uint32_t window_s, m800_replay_cache *cache,
                                  m800_verify_details *d) {
  m800_verify_params p = vp_keys(s, lookup, ctx, now, window_s, cache);
  p.http = raw;
  p.http_len = raw_len;
  if (raw == NULL) {
    /* The tests' NULL-with-length cases: point at nothing readable. */
    static const uint8_t none[1];
    p.http = raw_len ? NULL : none;
  }
  return m800_verify(&p, d);
}

#endif
