/* A replay store on Redis (hiredis) for m800_verify: every server that
 * verifies with the same Redis shares one record of nonces. One atomic
 * command per request:  SET m800:{key}:{nonce} 1 NX EX {ttl}
 * (each ':' of the key written "\\:", as the Rust store writes it: one Redis
 * key per pair, though keys and nonces may both hold ':').
 * OK is M800_FRESH, nil is M800_REPLAYED, anything else (an error reply, no
 * connection, a timeout) is M800_STORE_FAILED: the request is refused.
 *
 *   cc redis_store.c $(pkg-config --cflags --libs m800_sign hiredis) \
 *      -Wl,-rpath,$(pkg-config --variable=libdir m800_sign) -o redis_store
 *   ./redis_store PORT up       # verify a signed request (ok), then the same again (replayed)
 *   ./redis_store PORT refused  # Redis full or stopped: a fresh request is refused */
#include <m800_sign.h>

#include <hiredis/hiredis.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  const char *host;
  int port;
  redisContext *c; /* NULL until connected, and again after a failure */
} redis_store;

static m800_freshness redis_check(void *ctx, const char *key, size_t key_len, const char *nonce,
                                  size_t nonce_len, uint64_t keep_until) {
  redis_store *r = ctx;
  const struct timeval timeout = {1, 0};
  if (r->c == NULL) {
    r->c = redisConnectWithTimeout(r->host, r->port, timeout);
    if (r->c == NULL || r->c->err || redisSetTimeout(r->c, timeout) != REDIS_OK) {
      if (r->c) redisFree(r->c);
      r->c = NULL;
      return M800_STORE_FAILED;
    }
  }
  /* Kept through the last second the window accepts the request's date
   * (keep_until itself): the seconds until then, plus 1. */
  uint64_t now = (uint64_t)time(NULL);
  unsigned long long ttl = keep_until >= now ? keep_until - now + 1 : 1;
  char name[sizeof "m800:" + 2 * M800_KEY_MAX + 1 + M800_NONCE_MAX];
  size_t n = strlen(strcpy(name, "m800:"));
  for (size_t i = 0; i < key_len; i++) {
    if (key[i] == ':') name[n++] = '\\'; /* a key never holds a '\\' */
    name[n++] = key[i];
  }
  name[n++] = ':';
  memcpy(name + n, nonce, nonce_len);
  redisReply *reply = redisCommand(r->c, "SET %b 1 NX EX %llu", name, n + nonce_len, ttl);
  if (reply == NULL) { /* the connection is broken: reconnect next time */
    redisFree(r->c);
    r->c = NULL;
    return M800_STORE_FAILED;
  }
  m800_freshness answer = M800_STORE_FAILED;
  if (reply->type == REDIS_REPLY_STATUS && strcmp(reply->str, "OK") == 0) answer = M800_FRESH;
  if (reply->type == REDIS_REPLY_NIL) answer = M800_REPLAYED;
  freeReplyObject(reply);
  return answer;
}

/* The demo: signs a request as a client would, then verifies it as a server. */
int main(int argc, char **argv) {
  if (argc != 3 || (strcmp(argv[2], "up") != 0 && strcmp(argv[2], "refused") != 0)) {
    fprintf(stderr, "usage: %s PORT up|refused\n", argv[0]);
    return 2;
  }
  redis_store redis = {"127.0.0.1", atoi(argv[1]), NULL};
  m800_replay_store store = {&redis, redis_check};

  m800_signer signer = {{0}};
  const char body[] = "{\"appMessage\":{\"content\":\"ping\"}}";
  m800_request req = {"POST", 4, "/callback", 9, "application/json", 16,
                      (const uint8_t *)body, sizeof body - 1};
  uint64_t now = (uint64_t)time(NULL);
  char nonce[M800_NONCE_SIZE];
  snprintf(nonce, sizeof nonce, "%llx%x", (unsigned long long)now, (unsigned)getpid());
  m800_signed_headers h;
  /* A developer key may hold ':' (any printable ASCII but '"' and '\\'). */
  m800_status st = m800_signer_init(&signer, "a-demo:key", 10, (const uint8_t *)"a-demo-secret", 13);
  if (st == M800_OK) st = m800_sign_request(&signer, &req, now, nonce, strlen(nonce), &h);
  if (st != M800_OK) {
    fprintf(stderr, "sign: %s\n", m800_status_name(st));
    return 1;
  }

  m800_verify_params p;
  m800_verify_params_init(&p);
  p.signer = &signer;
  p.request = &req;
  p.x_m_date = h.x_m_date;
  p.x_m_date_len = strlen(h.x_m_date);
  p.authorization = h.authorization;
  p.authorization_len = strlen(h.authorization);
  p.now = now;
  p.replay_store = &store;

  const int up = strcmp(argv[2], "up") == 0;
  const m800_status want[2] = {up ? M800_OK : M800_ERR_REPLAY_CACHE_FULL,
                               M800_ERR_REPLAYED_NONCE};
  int failed = 0;
  for (int i = 0; i < (up ? 2 : 1); i++) {
    st = m800_verify(&p, NULL);
    printf("verify #%d: %s\n", i + 1, m800_status_name(st));
    failed |= st != want[i];
  }
  if (redis.c) redisFree(redis.c);
  m800_signer_wipe(&signer);
  return failed;
}
