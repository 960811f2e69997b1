/* The README's m800_verify snippet (section "C": the one C block there that is
 * not an embedded file), as a reader pastes it: compiled as C99 with warnings
 * as errors, over the names it assumes (signer, raw, raw_len, cache), and run.
 * A push request signed now passes (M800_OK); the same bytes again are refused
 * as replayed; with a byte of the body changed, a signature mismatch. The
 * Makefile extracts the block to build/readme_snippet.inc (test-readme-snippet). */
#include <m800_sign.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static m800_signer signer;
static m800_replay_slot slots[64];
static m800_replay_cache cache;
static uint8_t raw[1024];
static size_t raw_len;

static m800_status readme_snippet(void) {
#include "readme_snippet.inc"
  return st;
}

static int expect(const char *what, m800_status got, m800_status want) {
  printf("%s: %s\n", what, m800_status_name(got));
  if (got == want) return 0;
  fprintf(stderr, "readme_snippet: %s: expected %s\n", what, m800_status_name(want));
  return 1;
}

int main(void) {
  const char *secret = "a-demo-secret";
  m800_status st = m800_signer_init(&signer, "a-demo-key", 10, (const uint8_t *)secret,
                                    strlen(secret));
  if (st == M800_OK) st = m800_replay_cache_init(&cache, slots, sizeof slots / sizeof slots[0]);
  const char *message = "Hello from the README";
  m800_push push = {"alice", 5, "m800.com", 8, message, strlen(message), NULL, 0, NULL, 0};
  char nonce[M800_NONCE_SIZE];
  size_t nonce_len = (size_t)snprintf(nonce, sizeof nonce, "readme-%lld", (long long)time(NULL));
  if (st == M800_OK)
    st = m800_push_request(&signer, &push, "push.example", 12, (uint64_t)time(NULL), nonce,
                           nonce_len, (char *)raw, sizeof raw, &raw_len, NULL, NULL);
  if (st != M800_OK) {
    fprintf(stderr, "readme_snippet: set-up: %s\n", m800_status_name(st));
    return 1;
  }
  int failed = expect("a signed request", readme_snippet(), M800_OK);
  failed |= expect("the same again", readme_snippet(), M800_ERR_REPLAYED_NONCE);
  raw[raw_len - 4] ^= 1; /* the last letter of the message, in the JSON body */
  failed |= expect("a body byte changed", readme_snippet(), M800_ERR_SIGNATURE_MISMATCH);
  m800_signer_wipe(&signer);
  return failed;
}
