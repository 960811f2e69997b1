/* Row types of the generated vector tables (ffi-tests/gen_vectors.py). */
#ifndef M800_VECTOR_TYPES_H
#define M800_VECTOR_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include <m800_sign.h>

/* A byte string from the vectors; `p` is NULL for a JSON null. */
typedef struct {
  const char *p;
  size_t n;
} str_t;

typedef struct {
  const char *name;
  str_t secret, method, uri, content_md5, content_type, x_m_date, nonce, string_to_sign, hex, base64;
} sig_vec;

typedef struct {
  const char *name;
  str_t key, secret, method, uri, body, content_type;
  uint64_t unix_time;
  str_t nonce;
  str_t content_md5, x_m_date, string_to_sign, signature, authorization;
} req_vec;

typedef struct {
  uint64_t unix_time;
  str_t text;
} date_vec;

typedef struct {
  str_t header;
  m800_status expect;
  str_t key, nonce, signature;
} auth_vec;

/* A request vector that is a push: the push's parts and the expected request. */
typedef struct {
  const char *name;
  str_t key, secret;
  str_t username, carrier, app_message, push_content, sender; /* p NULL: absent */
  uint64_t unix_time;
  str_t nonce, uri, body, content_md5, x_m_date, authorization;
} push_req_vec;

typedef struct {
  str_t username, carrier, uri; /* uri.p NULL: an error */
  m800_status expect;
} push_uri_vec;

typedef struct {
  str_t app_message, push_content, sender, body; /* p NULL: absent */
} push_body_vec;

typedef struct {
  const char *name;
  str_t key, secret, method, uri, body, content_type;
  str_t x_m_date; /* p NULL: the header is absent */
  str_t authorization;
  uint64_t now;
  uint32_t window_s;
  int seen; /* the request's nonce was seen before */
  m800_status expect;
} verify_vec;

#endif
