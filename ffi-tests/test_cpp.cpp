// C++17 use of the C header: extern "C" linkage, plain type names, no C-only
// constructs; a small RAII wrapper as a C++ user would write it.
#include <m800_sign.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

static_assert(sizeof(m800_signer) == 384, "m800_signer size is part of the ABI");
static_assert(alignof(m800_signer) >= alignof(std::uint64_t), "m800_signer alignment");
static_assert(sizeof(m800_signed_headers::x_m_date) == M800_X_M_DATE_SIZE, "array size");

namespace {

class Signer {
 public:
  Signer(std::string_view key, std::string_view secret) {
    status_ = m800_signer_init(&s_, key.data(), key.size(),
                               reinterpret_cast<const std::uint8_t *>(secret.data()), secret.size());
  }
  ~Signer() { m800_signer_wipe(&s_); }
  Signer(const Signer &) = delete;
  Signer &operator=(const Signer &) = delete;
  m800_status status() const { return status_; }
  const m800_signer *get() const { return &s_; }

 private:
  m800_signer s_{};
  m800_status status_ = M800_ERR_NOT_INITIALIZED;
};

int failures = 0;
void check(bool ok, const char *what) {
  if (!ok) {
    ++failures;
    std::fprintf(stderr, "check failed: %s\n", what);
  }
}

}  // namespace

int main() {
  Signer signer("a-demo-key", "a-demo-secret");
  check(signer.status() == M800_OK, "init");
  const std::string body = R"({"appMessage":{"content":"ping"}})";
  m800_request req{"POST", 4, "/api/1.0/push/alice@m800.com", 28, "application/json", 16,
                   reinterpret_cast<const std::uint8_t *>(body.data()), body.size()};
  const std::string nonce = "19aca559e0102468acf13579bde";
  m800_signed_headers h{};
  check(m800_sign_request(signer.get(), &req, 1764334800, nonce.data(), nonce.size(), &h) == M800_OK,
        "sign");
  check(std::string(h.x_m_date) == "Fri, 28 Nov 2025 13:00:00 GMT", "date");
  check(std::string(h.content_md5) == "cb0e8ec5b4ee7678bce015b9755a0156", "md5");
  check(std::string(h.authorization) ==
            "MAAIISDK10 key=\"a-demo-key\", nonce=\"19aca559e0102468acf13579bde\", "
            "signature=\"36440251e21c8679823798b73be96777c75e1ccd7075e59c1d4314036db1c7db\"",
        "authorization");

  std::vector<m800_replay_slot> slots(16);
  m800_replay_cache cache{};
  check(m800_replay_cache_init(&cache, slots.data(), slots.size()) == M800_OK, "cache");
  auto verify = [&] {
    return m800_verify_request(signer.get(), &req, h.x_m_date, std::strlen(h.x_m_date),
                               h.authorization, std::strlen(h.authorization), 1764334800, 300,
                               &cache);
  };
  check(verify() == M800_OK, "verify");
  check(verify() == M800_ERR_REPLAYED_NONCE, "replay");
  check(std::string(m800_status_name(M800_ERR_REPLAYED_NONCE)) == "replayed_nonce", "name");

  // A push from C++: the whole request, verified raw; the response parsed.
  m800_push push{"alice", 5, "m800.com", 8, "ping", 4, nullptr, 0, nullptr, 0};
  std::string wire(1024, '\0');
  std::size_t wire_len = 0, head_len = 0;
  m800_signed_headers ph{};
  check(m800_push_request(signer.get(), &push, "api.example.com", 15, 1764334800, nonce.data(),
                          nonce.size(), wire.data(), wire.size(), &wire_len, &head_len,
                          &ph) == M800_OK,
        "push request");
  wire.resize(wire_len);
  check(wire.substr(head_len) == body, "push body");
  check(std::string(ph.authorization) == h.authorization, "push authorization");
  m800_verify_params vp{};
  check(m800_verify_params_init(&vp) == M800_OK && vp.size == sizeof vp && vp.window_s == 300,
        "verify params init");
  vp.signer = signer.get();
  vp.http = reinterpret_cast<const std::uint8_t *>(wire.data());
  vp.http_len = wire.size();
  vp.now = 1764334800;
  check(m800_verify(&vp, nullptr) == M800_OK, "verify raw");
  // A replay store from C++: a lambda without captures over a std::set.
  std::set<std::string> seen;
  m800_replay_store store{&seen, [](void *ctx, const char *key, std::size_t, const char *nonce,
                                    std::size_t, std::uint64_t) {
                            auto *s = static_cast<std::set<std::string> *>(ctx);
                            return s->insert(std::string(key) + ':' + nonce).second
                                       ? M800_FRESH
                                       : M800_REPLAYED;
                          }};
  vp.replay_store = &store;
  check(m800_verify(&vp, nullptr) == M800_OK, "verify with a store");
  check(m800_verify(&vp, nullptr) == M800_ERR_REPLAYED_NONCE && seen.size() == 1,
        "store replay");
  vp.replay_store = nullptr;
  m800_verify_details details{};
  vp.now += 1000;
  check(m800_verify(&vp, &details) == M800_ERR_DATE_TOO_OLD && details.skew_s == 1000,
        "verify details");
  const std::string reply = R"({"requestId": "r-42"})";
  m800_push_response pr{};
  check(m800_push_response_parse(reinterpret_cast<const std::uint8_t *>(reply.data()), reply.size(),
                                 &pr) == M800_OK &&
            pr.outcome == M800_PUSH_ACCEPTED &&
            std::string_view(pr.request_id, pr.request_id_len) == "r-42",
        "response");

  // Threads sharing one signer.
  std::vector<std::thread> threads;
  int errors[4] = {0, 0, 0, 0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        m800_signed_headers mine{};
        if (m800_sign_request(signer.get(), &req, 1764334800, nonce.data(), nonce.size(), &mine) !=
                M800_OK ||
            std::strcmp(mine.authorization, h.authorization) != 0)
          ++errors[t];
      }
    });
  }
  for (auto &t : threads) t.join();
  for (int e : errors) check(e == 0, "thread signing");

  if (failures) return 1;
  std::printf("ok: C++17\n");
  return 0;
}
