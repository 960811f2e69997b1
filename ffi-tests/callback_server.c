/* A server for signed requests (M800's callbacks to you, or your own clients):
 * every request is framed with m800_http_request_length and checked with
 * m800_verify (raw HTTP, clock window, one replay cache shared by all
 * connections). Each connection has its own thread (at most MAX_OPEN served;
 * past them, up to MAX_BUSY more are answered 503 at once, and any more closed)
 * and one deadline for the whole request, however slowly its bytes come, so no
 * client holds up another.
 *
 *   M800_KEY=a-demo-key M800_SECRET=a-demo-secret ./callback_server PORT [TIMEOUT_S]
 *
 * (PORT 0: any free port; the first line printed says which.) It raises its
 * soft file descriptor limit to what the bound needs, and refuses to start if
 * the hard limit is lower (a bound the limit cannot hold is never reached:
 * accept fails first and clients wait unanswered).
 * Answers: 200 {"ok":true}, 401 / 400 {"error":"<status name>"}, 408 when the
 * request is not complete in time, 413 when it is larger than the buffer, 503
 * past the bound on open connections or when no thread can be started. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <m800_sign.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { MAX_OPEN = 64, MAX_BUSY = 16, MAX_REQUEST = 65536, CACHE_SLOTS = 4096 };
/* Descriptors needed: one a connection, and a few for the server itself. */
enum { DESCRIPTORS = MAX_OPEN + MAX_BUSY + 8 };

static m800_signer signer;
static m800_replay_slot slots[CACHE_SLOTS];
static m800_replay_cache cache; /* one thread at a time: under cache_lock */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int threads; /* connection threads: at most MAX_OPEN + MAX_BUSY */
static atomic_int serving; /* of them, those serving a request: at most MAX_OPEN */
static int timeout_ms;

/* A whole number in [lo, hi] from text, else -1. */
static long number(const char *text, long lo, long hi) {
  char *end;
  long v = strtol(text, &end, 10);
  return *text && !*end && v >= lo && v <= hi ? v : -1;
}

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void answer(int fd, int code, const char *reason, const char *body) {
  char out[512];
  int n = snprintf(out, sizeof out,
                   "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                   "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                   code, reason, strlen(body), body);
  if (n > 0 && (size_t)n < sizeof out) (void)!write(fd, out, (size_t)n);
}

static void refuse(int fd, int code, const char *reason, m800_status st) {
  char body[128];
  snprintf(body, sizeof body, "{\"error\":\"%s\"}", m800_status_name(st));
  answer(fd, code, reason, body);
}

/* After an answer given while the client may still be sending (a refused
 * head with its body to come, a request larger than the buffer, a request
 * pipelined behind this one): closing with its bytes unread would reset the
 * connection, and the client could lose the answer. So stop writing and read
 * its bytes away until it closes, or the deadline passes. */
static void drain(int fd, long long deadline) {
  uint8_t sink[4096];
  shutdown(fd, SHUT_WR);
  for (;;) {
    long long left = deadline - now_ms();
    struct pollfd p = {fd, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, (int)left) <= 0 || read(fd, sink, sizeof sink) <= 0) return;
  }
}

/* Whether the bytes read since `from` can let the parser say more than
 * "incomplete": they end the head (CRLF CRLF), or hold a CR or LF outside a
 * CRLF, which no head may hold. */
static int head_may_end(const uint8_t *buf, size_t from, size_t got) {
  for (size_t i = from ? from - 1 : 0; i < got; i++) {
    if (buf[i] == '\n' && (i == 0 || buf[i - 1] != '\r')) return 1;
    if (buf[i] == '\r' && i + 1 < got && buf[i + 1] != '\n') return 1;
    if (i >= 3 && memcmp(buf + i - 3, "\r\n\r\n", 4) == 0) return 1;
  }
  return 0;
}

/* Reads one request until m800_http_request_length says it is whole, within
 * the deadline; then verifies exactly those bytes. The head is parsed when it
 * can have ended and its length kept, not parsed again on every read: a head
 * trickled in small pieces would cost time quadratic in its length. */
static void serve(int fd) {
  uint8_t buf[MAX_REQUEST];
  const long long deadline = now_ms() + timeout_ms;
  size_t got = 0, scanned = 0, length = 0;
  int framed = 0; /* length known */
  m800_status st;
  for (;;) {
    if (!framed && head_may_end(buf, scanned, got)) {
      st = m800_http_request_length(buf, got, &length);
      if (st == M800_OK) {
        framed = 1;
      } else if (st != M800_ERR_INCOMPLETE_HTTP_REQUEST) {
        refuse(fd, 400, "Bad Request", st);
        drain(fd, deadline);
        return;
      }
    }
    scanned = got;
    if (framed && got >= length) break;
    if ((framed && length > sizeof buf) || got == sizeof buf) {
      answer(fd, 413, "Content Too Large", "{}");
      drain(fd, deadline);
      return;
    }
    long long left = deadline - now_ms();
    struct pollfd p = {fd, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
      answer(fd, 408, "Request Timeout", "{}");
      return;
    }
    ssize_t n = read(fd, buf + got, sizeof buf - got);
    if (n <= 0) return; /* the client went away */
    got += (size_t)n;
  }
  m800_verify_params params;
  m800_verify_params_init(&params);
  params.signer = &signer;
  params.http = buf;
  params.http_len = length; /* bytes past it are not this request's */
  params.now = (uint64_t)time(NULL);
  params.replay_cache = &cache;
  pthread_mutex_lock(&cache_lock);
  st = m800_verify(&params, NULL);
  pthread_mutex_unlock(&cache_lock);
  /* The head passed the parser above: any refusal now is the verifier's. */
  if (st == M800_OK)
    answer(fd, 200, "OK", "{\"ok\":true}");
  else
    refuse(fd, 401, "Unauthorized", st);
  if (got > length) drain(fd, deadline);
}

/* A connection no thread could be started for: 503 from the accept loop,
 * which must not wait for the client. The write does not block (the short
 * answer fits the empty send buffer), what the client has sent so far is read
 * away without waiting (closing with it unread would reset the connection and
 * could lose the answer), and the connection is closed. */
static void refuse_at_once(int fd) {
  uint8_t sink[4096];
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  answer(fd, 503, "Service Unavailable", "{}");
  shutdown(fd, SHUT_WR);
  for (int i = 0; i < 16 && read(fd, sink, sizeof sink) > 0; i++) {
  }
  close(fd);
}

/* Raises the soft limit on open descriptors to DESCRIPTORS if it is lower (up
 * to the hard limit); 0 when it holds them. */
static int hold_descriptors(void) {
  struct rlimit l;
  if (getrlimit(RLIMIT_NOFILE, &l) != 0) return -1;
  if (l.rlim_cur != RLIM_INFINITY && l.rlim_cur < DESCRIPTORS) {
    rlim_t had = l.rlim_cur;
    l.rlim_cur = l.rlim_max != RLIM_INFINITY && l.rlim_max < DESCRIPTORS ? l.rlim_max : DESCRIPTORS;
    if (l.rlim_cur < DESCRIPTORS || setrlimit(RLIMIT_NOFILE, &l) != 0) {
      fprintf(stderr, "the file descriptor limit %llu (hard limit %llu; see ulimit -n) cannot hold"
              " %d connections: they need %d\n", (unsigned long long)had,
              (unsigned long long)l.rlim_max, MAX_OPEN + MAX_BUSY, DESCRIPTORS);
      return -1;
    }
  }
  return 0;
}

static void *connection(void *arg) {
  int fd = (int)(intptr_t)arg;
  if (atomic_fetch_add(&serving, 1) < MAX_OPEN) {
    serve(fd);
    atomic_fetch_sub(&serving, 1);
  } else {
    /* Over the bound: 503 at once, then the request it may be sending is read
     * away (for 1 s at most), so that the answer is not lost to a reset. */
    atomic_fetch_sub(&serving, 1);
    answer(fd, 503, "Service Unavailable", "{}");
    drain(fd, now_ms() + 1000);
  }
  close(fd);
  atomic_fetch_sub(&threads, 1);
  return NULL;
}

int main(int argc, char **argv) {
  const char *key = getenv("M800_KEY"), *secret = getenv("M800_SECRET");
  long port = argc > 1 ? number(argv[1], 0, 65535) : -1;
  long timeout_s = argc > 2 ? number(argv[2], 1, 3600) : 10;
  if (argc > 3 || port < 0 || timeout_s < 0 || !key || !secret) {
    fprintf(stderr, "usage: M800_KEY=... M800_SECRET=... %s PORT [TIMEOUT_S (1-3600)]\n",
            argv[0]);
    return 2;
  }
  timeout_ms = (int)timeout_s * 1000;
  /* A write to a client that has gone away (reset its connection) raises
   * SIGPIPE, which ends the process unless ignored: let write fail instead. */
  signal(SIGPIPE, SIG_IGN);
  m800_status st = m800_signer_init(&signer, key, strlen(key), (const uint8_t *)secret,
                                    strlen(secret));
  if (st == M800_OK) st = m800_replay_cache_init(&cache, slots, CACHE_SLOTS);
  if (st != M800_OK) {
    fprintf(stderr, "set-up: %s\n", m800_status_str(st));
    return 2;
  }
  if (hold_descriptors() != 0) return 2;
  int server = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET,
                             .sin_port = htons((uint16_t)port),
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  int one = 1;
  setsockopt(server, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(server, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(server, 128) != 0) {
    perror("listen");
    return 1;
  }
  socklen_t addr_len = sizeof addr;
  getsockname(server, (struct sockaddr *)&addr, &addr_len);
  printf("listening on 127.0.0.1:%u\n", (unsigned)ntohs(addr.sin_port));
  fflush(stdout);
  for (;;) {
    int fd = accept(server, NULL, NULL);
    if (fd < 0) {
      /* Out of descriptors, say: wait for one to close, without spinning. */
      nanosleep(&(struct timespec){0, 50000000}, NULL);
      continue;
    }
    /* Past MAX_OPEN served and MAX_BUSY being answered 503, closed at once
     * (this thread does not wait for any client). */
    if (atomic_fetch_add(&threads, 1) >= MAX_OPEN + MAX_BUSY) {
      atomic_fetch_sub(&threads, 1);
      close(fd);
      continue;
    }
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, connection, (void *)(intptr_t)fd) != 0) {
      /* Out of threads (RLIMIT_NPROC, memory): a 503, not a closed connection. */
      atomic_fetch_sub(&threads, 1);
      refuse_at_once(fd);
    }
    pthread_attr_destroy(&attr);
  }
}
