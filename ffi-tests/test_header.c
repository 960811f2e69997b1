/* m800_sign.h alone, included first: it needs nothing before it, and it
 * compiles as it says, as C99 and C11 and as C++11 and C++17, with gcc and
 * clang (make -C ffi-tests test-header compiles this file in each mode). */
#include <m800_sign.h>

/* What the header promises a C user without any other include. */
typedef char m800_signer_is_384_bytes[sizeof(m800_signer) == 384 ? 1 : -1];
typedef char m800_md5_is_128_bytes[sizeof(m800_md5) == 128 ? 1 : -1];
typedef char status_fits_an_int[sizeof(m800_status) == sizeof(int) ? 1 : -1];

int main(void) {
  m800_signer s = {{0}};
  m800_signed_headers h;
  const uint64_t t = M800_UNIX_TIME_MAX;
  size_t n = M800_STRING_TO_SIGN_SIZE;
  m800_status st = M800_OK;
  (void)h;
  (void)t;
  (void)n;
  m800_signer_wipe(&s);
  return st == M800_OK && m800_status_str(st) != 0 ? 0 : 1;
}
