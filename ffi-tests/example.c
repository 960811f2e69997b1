/* The README example: sign a push request. Built against an installed prefix
 * (the rpath lets it find libm800_sign.so without LD_LIBRARY_PATH):
 *   cc example.c $(pkg-config --cflags --libs m800_sign) \
 *      -Wl,-rpath,$(pkg-config --variable=libdir m800_sign) -o example */
#include <m800_sign.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  m800_signer signer = {{0}};
  const char *secret = "a-demo-secret";
  m800_status st = m800_signer_init(&signer, "a-demo-key", strlen("a-demo-key"),
                                    (const uint8_t *)secret, strlen(secret));
  if (st != M800_OK) {
    fprintf(stderr, "init: %s\n", m800_status_str(st));
    return 1;
  }
  const char *body = "{\"appMessage\":{\"content\":\"ping\"}}";
  m800_request req = {"POST", 4, "/api/1.0/push/alice@m800.com", 28, "application/json", 16,
                      (const uint8_t *)body, strlen(body)};
  const char *nonce = "19aca559e0102468acf13579bde";
  m800_signed_headers h;
  st = m800_sign_request(&signer, &req, 1764334800, nonce, strlen(nonce), &h);
  m800_signer_wipe(&signer);
  if (st != M800_OK) {
    fprintf(stderr, "sign: %s\n", m800_status_str(st));
    return 1;
  }
  printf("X-M-Date: %s\nContent-MD5: %s\nAuthorization: %s\n", h.x_m_date, h.content_md5,
         h.authorization);
  return 0;
}
