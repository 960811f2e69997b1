/* Proof that signing, verifying and the push calls perform no heap allocation: the static
 * library is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free
 * so every allocator call from the library (Rust's allocator calls libc's)
 * goes through the counters below. */
#include <m800_sign.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_calls.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);

static volatile int counting;
static volatile long allocs;

void *__wrap_malloc(size_t n) {
  if (counting) allocs++;
  return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t m) {
  if (counting) allocs++;
  return __real_calloc(n, m);
}
void *__wrap_realloc(void *p, size_t n) {
  if (counting) allocs++;
  return __real_realloc(p, n);
}
void __wrap_free(void *p) {
  if (counting) allocs++;
  __real_free(p);
}

#define CHECK(c)                                                        \
  do {                                                                  \
    if (!(c)) {                                                         \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
      return 1;                                                         \
    }                                                                   \
  } while (0)

int main(void) {
  /* The wrapping is active: an allocation in this program is counted. */
  counting = 1;
  void *probe = malloc(16);
  counting = 0;
  CHECK(allocs == 1);
  free(probe);
  allocs = 0;

  const char body[] = "{\"appMessage\":{\"content\":\"ping\"}}";
  m800_request r = {"POST", 4, "/api/1.0/push/alice@m800.com", 28, "application/json", 16,
                    (const uint8_t *)body, sizeof body - 1};
  m800_signer s = {{0}};
  m800_signed_headers h;
  m800_replay_slot slots[4];
  m800_replay_cache cache;
  m800_verify_details d;
  m800_md5 md5;
  char buf[M800_STRING_TO_SIGN_SIZE];
  size_t len;

  counting = 1;
  CHECK(m800_signer_init(&s, "a-demo-key", 10, (const uint8_t *)"a-demo-secret", 13) == M800_OK);
  CHECK(m800_replay_cache_init(&cache, slots, 4) == M800_OK);
  for (int i = 0; i < 100; i++) {
    CHECK(m800_sign_request(&s, &r, 1764334800, "19aca559e0102468acf13579bde", 27, &h) == M800_OK);
    CHECK(m800_sign_request_with_string(&s, &r, 1764334800, "n", 1, &h, buf, sizeof buf, &len) ==
          M800_OK);
    CHECK(m800_verify_request(&s, &r, h.x_m_date, strlen(h.x_m_date), h.authorization,
                              strlen(h.authorization), 1764334800, 300, NULL) == M800_OK);
  }
  CHECK(m800_verify_request(&s, &r, h.x_m_date, strlen(h.x_m_date), h.authorization,
                            strlen(h.authorization), 1764334800, 300, &cache) == M800_OK);
  CHECK(vp_request(&s, NULL, NULL, &r, NULL, 0, h.x_m_date, strlen(h.x_m_date), h.authorization,
                               strlen(h.authorization), 1764334800, 300, &cache,
                               &d) == M800_ERR_REPLAYED_NONCE);
  r.body_len--;
  CHECK(vp_request(&s, NULL, NULL, &r, NULL, 0, h.x_m_date, strlen(h.x_m_date), h.authorization,
                               strlen(h.authorization), 1764334800, 300, NULL,
                               &d) == M800_ERR_SIGNATURE_MISMATCH);
  CHECK(m800_md5_init(&md5) == M800_OK);
  CHECK(m800_md5_update(&md5, (const uint8_t *)body, sizeof body - 1) == M800_OK);
  CHECK(m800_md5_final(&md5, buf, sizeof buf, &len) == M800_OK);
  CHECK(m800_date_format(0, buf, sizeof buf, &len) == M800_OK);
  CHECK(m800_sign_request(&s, &r, 0, NULL, 0, &h) == M800_ERR_EMPTY_NONCE);

  /* Streamed body: sign and verify with the digest. */
  r.body_len++;
  CHECK(m800_md5_init(&md5) == M800_OK);
  CHECK(m800_md5_update(&md5, (const uint8_t *)body, 5) == M800_OK);
  CHECK(m800_md5_update(&md5, (const uint8_t *)body + 5, sizeof body - 6) == M800_OK);
  char hex[M800_CONTENT_MD5_SIZE];
  size_t hex_len;
  CHECK(m800_md5_final(&md5, hex, sizeof hex, &hex_len) == M800_OK);
  m800_request head = r;
  head.body = NULL;
  head.body_len = 0;
  CHECK(m800_sign_request_md5(&s, &head, hex, hex_len, 1764334800, "n-md5", 5, &h) == M800_OK);
  CHECK(vp_request(&s, NULL, NULL, &head, hex, hex_len, h.x_m_date, strlen(h.x_m_date),
                                h.authorization, strlen(h.authorization), 1764334800, 300, &cache,
                                &d) == M800_OK);

  /* Push: URI, body, the whole request, then a C server verifies it raw. */
  m800_push p = {"alice", 5, "m800.com", 8, "ping \"x\"", 8, "push", 4, "bob@m800.com", 12};
  char req[1024];
  size_t req_len, head_len;
  CHECK(m800_push_uri(p.username, 5, p.carrier, 8, buf, sizeof buf, &len) == M800_OK);
  CHECK(m800_push_body(p.app_message, 8, p.push_content, 4, p.sender, 12, buf, sizeof buf, &len) ==
        M800_OK);
  CHECK(m800_push_request(&s, &p, "api.example.com", 15, 1764334800, "n-push", 6, req, 0,
                          &req_len, NULL, NULL) == M800_ERR_BUFFER_TOO_SMALL);
  CHECK(m800_push_request(&s, &p, "api.example.com", 15, 1764334800, "n-push", 6, req, sizeof req,
                          &req_len, &head_len, &h) == M800_OK);
  CHECK(vp_http(&s, NULL, NULL, (const uint8_t *)req, req_len, 1764334800, 300, &cache, NULL) ==
        M800_OK);
  CHECK(vp_http(&s, NULL, NULL, (const uint8_t *)req, req_len, 1764334800, 300, &cache,
                                    &d) == M800_ERR_REPLAYED_NONCE);
  CHECK(vp_http(&s, NULL, NULL, (const uint8_t *)req, req_len - 1, 1764334800, 300, NULL, NULL) ==
        M800_ERR_INCOMPLETE_HTTP_REQUEST);
  m800_received_push rp;
  CHECK(m800_push_body_parse((const uint8_t *)req + head_len, req_len - head_len, &rp) == M800_OK);

  /* The response. */
  const char *reply = "{\"error\":{\"status\":401,\"code\":7,\"message\":\"bad \\u00e9\"}}";
  m800_push_response pr;
  CHECK(m800_push_response_parse((const uint8_t *)reply, strlen(reply), &pr) == M800_OK);
  CHECK(m800_json_text_unescape(pr.message, pr.message_len, buf, sizeof buf, &len) == M800_OK);

  /* A base64 signer. */
  m800_signer b64 = {{0}};
  CHECK(m800_signer_init_base64(&b64, "a-demo-key", 10, (const uint8_t *)"a-demo-secret", 13) ==
        M800_OK);
  CHECK(m800_sign_request(&b64, &r, 1764334800, "n-b64", 5, &h) == M800_OK);
  m800_signer_wipe(&b64);
  (void)m800_status_str(M800_ERR_INTERNAL);
  m800_signer_wipe(&s);
  counting = 0;

  if (allocs != 0) {
    fprintf(stderr, "FAILED: %ld heap allocations during sign/verify\n", allocs);
    return 1;
  }
  printf("ok: 0 heap allocations in sign/verify/md5/date/push/http-verify calls\n");
  return 0;
}
