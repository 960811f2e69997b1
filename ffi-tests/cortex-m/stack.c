/* Stack of the C API on Cortex-M3 (QEMU lm3s6965evb, ffi-tests/cortex-m/run.sh):
 * each call is made from measure(), after painting 16 KiB below its stack pointer. */
#include <m800_sign.h>
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
int main(void);
void reset(void) {
  uint32_t *s = &_sidata, *d = &_sdata;
  while (d < &_edata) *d++ = *s++;
  for (d = &_sbss; d < &_ebss; d++) *d = 0;
  main();
  for (;;) {}
}
__attribute__((section(".vectors"), used)) void *const vectors[2] = {&_estack, (void *)reset};

static int semi(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
static void puts_(const char *s) { semi(4, s); }
static void putn(unsigned n) {
  char b[12]; int i = 11; b[i] = 0;
  do { b[--i] = (char)('0' + n % 10); n /= 10; } while (n);
  puts_(b + i);
}
static unsigned slen(const char *s) { unsigned n = 0; while (s[n]) n++; return n; }

#define PAINT 16384
static unsigned __attribute__((noinline)) measure(void (*fn)(void)) {
  uint8_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  volatile uint8_t *lo = sp - PAINT;
  for (volatile uint8_t *p = lo; p < sp; p++) *p = 0xCD;
  fn();
  volatile uint8_t *p = lo;
  while (p < sp && *p == 0xCD) p++;
  return (unsigned)(sp - (uint8_t *)p);
}

static m800_signer signer;
static m800_request req;
static m800_signed_headers h;
static m800_verify_details details;
static m800_status st;
static const char body[] = "{\"appMessage\":{\"content\":\"ping\"}}";
static const char nonce[] = "19aca559e0102468acf13579bde";
static void empty(void) {}
static void init(void) { st = m800_signer_init(&signer, "a-demo-key", 10, (const uint8_t *)"a-demo-secret", 13); }
static void sign(void) { st = m800_sign_request(&signer, &req, 1764334800, nonce, 27, &h); }
static void vreq(void) {
  st = m800_verify_request(&signer, &req, h.x_m_date, slen(h.x_m_date), h.authorization,
                           slen(h.authorization), 1764334800, 300, 0);
}
static m800_request other;
static void vparams(m800_verify_details *d, unsigned tamper) {
  m800_verify_params p;
  m800_verify_params_init(&p);
  p.signer = &signer; p.request = tamper ? &other : &req; p.now = 1764334800;
  p.x_m_date = h.x_m_date; p.x_m_date_len = slen(h.x_m_date);
  p.authorization = h.authorization; p.authorization_len = slen(h.authorization);
  st = m800_verify(&p, d);
}
static void vnull(void) { vparams(0, 0); }
static void vdet(void) { vparams(&details, 0); }
static void vmis(void) { vparams(&details, 1); }

static unsigned row(const char *name, void (*fn)(void), unsigned base) {
  unsigned n = measure(fn) - base;
  puts_(name); puts_(": "); putn(n); puts_(" B ("); puts_(m800_status_name(st)); puts_(")\n");
  return n;
}

int main(void) {
  req = (m800_request){"POST", 4, "/api/1.0/push/alice@m800.com", 28, "application/json", 16,
                       (const uint8_t *)body, sizeof body - 1};
  other = req;
  other.body_len -= 1; /* another body: a signature mismatch */
  unsigned base = measure(empty);
  puts_("Cortex-M3, stack below the caller (measure()'s call overhead subtracted)\n");
  row("m800_signer_init", init, base);
  unsigned s = row("m800_sign_request", sign, base);
  unsigned v = row("m800_verify_request", vreq, base);
  unsigned n = row("m800_verify (details NULL)", vnull, base);
  row("m800_verify (details, success)", vdet, base);
  row("m800_verify (details, mismatch)", vmis, base);
  /* Issue 10's budget: verifying within signing + 25%. */
  int ok = v <= s + s / 4 && n <= s + s / 4;
  puts_(ok ? "ok: verify <= sign + 25%\n" : "over budget: verify > sign + 25%\n");
  /* SYS_EXIT: on AArch32 the reason code itself is the argument. */
  semi(0x18, (const void *)(uintptr_t)(ok ? 0x20026 /* ApplicationExit */ : 0x20023));
  return 0;
}
