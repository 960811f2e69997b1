/* The README's push example: build a signed push request with the library and
 * write it to a socket, then read the API's answer. Plain TCP here (for the
 * local `m800-sign sandbox`); against the real endpoint, write the same bytes
 * to your TLS connection instead.
 *
 *   cc push_example.c $(pkg-config --cflags --libs m800_sign) \
 *      -Wl,-rpath,$(pkg-config --variable=libdir m800_sign) -o push_example
 *   M800_KEY=a-demo-key M800_SECRET=a-demo-secret ./push_example 127.0.0.1 8800 alice@m800.com 'Hello'
 */
#define _POSIX_C_SOURCE 200809L
#include <m800_sign.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what, m800_status st) {
  fprintf(stderr, "%s: %s (%s)\n", what, m800_status_str(st), m800_status_name(st));
  return 1;
}

static int connect_to(const char *host, const char *port) {
  struct addrinfo hints = {0}, *res = NULL;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(host, port, &hints, &res) != 0) return -1;
  int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
  if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s HOST PORT USER@CARRIER MESSAGE\n", argv[0]);
    return 2;
  }
  const char *key = getenv("M800_KEY"), *secret = getenv("M800_SECRET");
  const char *to = argv[3], *at = strrchr(to, '@');
  if (!key || !secret || !at) {
    fprintf(stderr, "set M800_KEY and M800_SECRET; the recipient is USER@CARRIER\n");
    return 2;
  }

  /* Once: the signer lives in our memory, no heap. */
  m800_signer signer;
  m800_status st = m800_signer_init(&signer, key, strlen(key), (const uint8_t *)secret,
                                    strlen(secret));
  if (st != M800_OK) return fail("signer", st);

  /* A fresh nonce: millisecond time + 8 bytes from the OS. */
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  uint8_t random[8];
  if (getrandom(random, sizeof random, 0) != (ssize_t)sizeof random) return 1;
  char nonce[M800_NONCE_SIZE];
  size_t nonce_len;
  uint64_t ms = (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
  st = m800_nonce_format(ms, random, sizeof random, nonce, sizeof nonce, &nonce_len);
  if (st != M800_OK) return fail("nonce", st);

  /* The whole signed HTTP/1.1 request: request line, headers, JSON body. */
  m800_push push = {to, (size_t)(at - to), at + 1, strlen(at + 1), argv[4], strlen(argv[4]),
                    NULL, 0, NULL, 0};
  char host[300];
  int host_len = snprintf(host, sizeof host, "%s:%s", argv[1], argv[2]);
  if (host_len < 0 || (size_t)host_len >= sizeof host) {
    fprintf(stderr, "HOST:PORT is too long\n");
    return 2;
  }
  char request[4096];
  size_t request_len;
  st = m800_push_request(&signer, &push, host, (size_t)host_len, (uint64_t)now.tv_sec, nonce,
                         nonce_len, request, sizeof request, &request_len, NULL, NULL);
  m800_signer_wipe(&signer);
  if (st != M800_OK) return fail("push request", st);

  int fd = connect_to(argv[1], argv[2]);
  if (fd < 0) {
    perror("connect");
    return 1;
  }
  for (size_t sent = 0; sent < request_len;) {
    ssize_t n = write(fd, request + sent, request_len - sent);
    if (n <= 0) {
      perror("write");
      return 1;
    }
    sent += (size_t)n;
  }
  shutdown(fd, SHUT_WR);

  /* The answer: status line, headers, then {"requestId"} or {"error"}. */
  static char response[65536];
  size_t got = 0;
  for (ssize_t n; got < sizeof response - 1 && (n = read(fd, response + got, sizeof response - 1 - got)) > 0;)
    got += (size_t)n;
  close(fd);
  response[got] = '\0';
  char *body = strstr(response, "\r\n\r\n");
  if (!body) {
    fprintf(stderr, "no HTTP response\n");
    return 1;
  }
  body += 4;
  m800_push_response answer;
  st = m800_push_response_parse((const uint8_t *)body, got - (size_t)(body - response), &answer);
  if (st != M800_OK) return fail("response", st);
  if (answer.outcome == M800_PUSH_ACCEPTED) {
    printf("requestId: %.*s\n", (int)answer.request_id_len, answer.request_id);
    return 0;
  }
  /* The message is raw JSON text (escapes kept); its text is never longer. */
  static char message[sizeof response];
  size_t message_len;
  st = m800_json_text_unescape(answer.message, answer.message_len, message, sizeof message,
                               &message_len);
  if (st != M800_OK) return fail("error message", st);
  fprintf(stderr, "refused: status %u code %lld: %s\n", (unsigned)answer.status,
          (long long)answer.code, message);
  return 1;
}
