/* A C program with two Rust static libraries: the installed libm800_sign.a and
 * ffi-tests/other-rust-lib (libother_rust.a), each with its own copy of Rust's
 * std, core and compiler_builtins. test-symbols.sh links it in both orders and
 * with --whole-archive; each library must work, and the other one's unwind
 * must be caught by its own runtime. */
#include <m800_sign.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int other_rust_sum(int a, int b);

int main(void) {
  m800_md5 ctx;
  char md5[M800_CONTENT_MD5_SIZE];
  size_t len = 0;
  if (m800_md5_init(&ctx) != M800_OK || m800_md5_update(&ctx, (const uint8_t *)"abc", 3) != M800_OK ||
      m800_md5_final(&ctx, md5, sizeof md5, &len) != M800_OK) {
    fprintf(stderr, "m800_md5 failed\n");
    return 1;
  }
  if (len != 32 || memcmp(md5, "900150983cd24fb0d6963f7d28e17f72", 32) != 0) {
    fprintf(stderr, "m800_md5 of \"abc\": %.*s\n", (int)len, md5);
    return 1;
  }
  int sum = other_rust_sum(2, 3), caught = other_rust_sum(-1, 3);
  if (sum != 5 || caught != -1) {
    fprintf(stderr, "other_rust_sum: 2+3 = %d, unwind caught = %d (want 5, -1)\n", sum, caught);
    return 1;
  }
  puts("m800_md5 and other_rust_sum: ok");
  return 0;
}
