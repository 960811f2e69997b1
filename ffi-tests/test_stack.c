/* Stack use of the signing and verifying calls, measured from C: each call runs
 * on its own painted stack (ucontext), and the deepest byte it changed gives
 * its use, less the same figure for an empty function (the context switch).
 * Fails when m800_verify_request or m800_verify without details needs more
 * than m800_sign_request + 25% (issue 10's budget).
 *
 *   make -C ffi-tests test-stack
 */
#define _XOPEN_SOURCE 700
#include <m800_sign.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#define STACK_SIZE (64 * 1024)
#define PAINT 0xCD

static unsigned char stack[STACK_SIZE] __attribute__((aligned(16)));
static ucontext_t main_ctx, call_ctx;
static void (*current)(void);

static void trampoline(void) { current(); }

static size_t measure(void (*fn)(void)) {
  memset(stack, PAINT, sizeof stack);
  current = fn;
  getcontext(&call_ctx);
  call_ctx.uc_stack.ss_sp = stack;
  call_ctx.uc_stack.ss_size = sizeof stack;
  call_ctx.uc_link = &main_ctx;
  makecontext(&call_ctx, trampoline, 0);
  swapcontext(&main_ctx, &call_ctx);
  size_t i = 0;
  while (i < sizeof stack && stack[i] == PAINT) i++;
  return sizeof stack - i;
}

static m800_signer signer;
static m800_request req;
static m800_signed_headers headers;
static m800_verify_details details;
static m800_status status;
static char wire[4096];
static size_t wire_len;
static const char nonce[] = "19aca559e0102468acf13579bde";
static const char body[] = "{\"appMessage\":{\"content\":\"ping\"}}";
static const uint64_t now = 1764334800;

static void empty(void) {}

static void sign(void) { status = m800_sign_request(&signer, &req, now, nonce, 27, &headers); }

static void verify_request(void) {
  status = m800_verify_request(&signer, &req, headers.x_m_date, strlen(headers.x_m_date),
                               headers.authorization, strlen(headers.authorization), now, 300,
                               NULL);
}

static m800_verify_params params(void) {
  m800_verify_params p;
  m800_verify_params_init(&p);
  p.signer = &signer;
  p.request = &req;
  p.x_m_date = headers.x_m_date;
  p.x_m_date_len = strlen(headers.x_m_date);
  p.authorization = headers.authorization;
  p.authorization_len = strlen(headers.authorization);
  p.now = now;
  return p;
}

static void verify_no_details(void) {
  m800_verify_params p = params();
  status = m800_verify(&p, NULL);
}

static void verify_details(void) {
  m800_verify_params p = params();
  status = m800_verify(&p, &details);
}

static void verify_mismatch_details(void) {
  m800_verify_params p = params();
  p.now = now;
  p.authorization_len -= 2; /* a shorter signature: a mismatch */
  char auth[M800_AUTHORIZATION_SIZE];
  memcpy(auth, headers.authorization, p.authorization_len);
  auth[p.authorization_len - 1] = '"';
  p.authorization = auth;
  status = m800_verify(&p, &details);
}

static void verify_http(void) {
  m800_verify_params p;
  m800_verify_params_init(&p);
  p.signer = &signer;
  p.http = (const uint8_t *)wire;
  p.http_len = wire_len;
  p.now = now;
  status = m800_verify(&p, NULL);
}

static int row(const char *name, void (*fn)(void), m800_status want, size_t base) {
  size_t used = measure(fn) - base;
  printf("%-44s %6zu B  (%s)\n", name, used, m800_status_name(status));
  if (status != want) {
    fprintf(stderr, "%s: %s, expected %s\n", name, m800_status_name(status),
            m800_status_name(want));
    exit(1);
  }
  return (int)used;
}

int main(void) {
  if (m800_signer_init(&signer, "a-demo-key", 10, (const uint8_t *)"a-demo-secret", 13) != M800_OK)
    return 1;
  req = (m800_request){"POST", 4, "/api/1.0/push/alice@m800.com", 28, "application/json", 16,
                       (const uint8_t *)body, strlen(body)};
  m800_push p = {"alice", 5, "m800.com", 8, "ping", 4, NULL, 0, NULL, 0};
  if (m800_push_request(&signer, &p, "api.m800.com", 12, now, nonce, 27, wire, sizeof wire,
                        &wire_len, NULL, NULL) != M800_OK)
    return 1;
  size_t base = measure(empty);
  printf("stack below the caller, x86-64 (the context switch, %zu B, subtracted)\n", base);
  int s = row("m800_sign_request", sign, M800_OK, base);
  int v = row("m800_verify_request", verify_request, M800_OK, base);
  int n = row("m800_verify (details NULL)", verify_no_details, M800_OK, base);
  row("m800_verify (details, success)", verify_details, M800_OK, base);
  row("m800_verify (details, signature mismatch)", verify_mismatch_details,
      M800_ERR_SIGNATURE_MISMATCH, base);
  row("m800_verify (raw HTTP, details NULL)", verify_http, M800_OK, base);
  m800_signer_wipe(&signer);
  int limit = s + s / 4;
  if (v > limit || n > limit) {
    fprintf(stderr, "over budget: verify %d / %d B > sign %d B + 25%% = %d B\n", v, n, s, limit);
    return 1;
  }
  printf("ok: verify <= sign + 25%% (%d B)\n", limit);
  return 0;
}
