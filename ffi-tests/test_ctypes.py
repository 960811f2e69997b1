#!/usr/bin/env python3
"""Loads the m800-sign cdylib with ctypes and reproduces the vectors.

Usage: test_ctypes.py LIBRARY VECTORS.json
"""
import ctypes as C
import json
import sys

lib = C.CDLL(sys.argv[1])
V = json.load(open(sys.argv[2], encoding="utf-8"))

status = C.c_int
sz = C.c_size_t
u8p = C.POINTER(C.c_uint8)


class Signer(C.Structure):
    _fields_ = [("opaque", C.c_uint64 * 48)]


class Request(C.Structure):
    _fields_ = [("method", C.c_char_p), ("method_len", sz), ("uri", C.c_char_p), ("uri_len", sz),
                ("content_type", C.c_char_p), ("content_type_len", sz),
                ("body", C.c_char_p), ("body_len", sz)]


class Fields(C.Structure):
    _fields_ = [(n, t) for name in ["method", "uri", "content_md5", "content_type", "x_m_date",
                                    "nonce"] for n, t in [(name, C.c_char_p), (name + "_len", sz)]]


class Headers(C.Structure):
    _fields_ = [("x_m_date", C.c_char * 30), ("content_md5", C.c_char * 33),
                ("authorization", C.c_char * 298)]


class Authorization(C.Structure):
    _fields_ = [("key", C.c_char * 129), ("nonce", C.c_char * 65), ("signature", C.c_char * 65)]


class Slot(C.Structure):
    _fields_ = [("opaque", C.c_uint64 * 2)]


class Cache(C.Structure):
    _fields_ = [("slots", C.POINTER(Slot)), ("n_slots", sz), ("magic", C.c_uint64)]


class Push(C.Structure):
    _fields_ = [(n, t) for name in ["username", "carrier", "app_message", "push_content", "sender"]
                for n, t in [(name, C.c_char_p), (name + "_len", sz)]]


lib.m800_status_name.restype = C.c_char_p
lib.m800_status_name.argtypes = [C.c_int]
lib.m800_version.restype = C.c_char_p
lib.m800_signer_init.argtypes = [C.POINTER(Signer), C.c_char_p, sz, C.c_char_p, sz]
lib.m800_signer_wipe.argtypes = [C.POINTER(Signer)]
lib.m800_sign_request.argtypes = [C.POINTER(Signer), C.POINTER(Request), C.c_uint64, C.c_char_p,
                                  sz, C.POINTER(Headers)]
lib.m800_string_to_sign.argtypes = [C.POINTER(Fields), C.c_char_p, sz, C.POINTER(sz)]
for f in (lib.m800_signature_hex, lib.m800_signature_base64):
    f.argtypes = [C.POINTER(Signer), C.POINTER(Fields), C.c_char_p, sz, C.POINTER(sz)]
lib.m800_date_format.argtypes = [C.c_uint64, C.c_char_p, sz, C.POINTER(sz)]
lib.m800_date_parse.argtypes = [C.c_char_p, sz, C.POINTER(C.c_uint64)]
lib.m800_authorization_parse.argtypes = [C.c_char_p, sz, C.POINTER(Authorization)]
lib.m800_replay_cache_init.argtypes = [C.POINTER(Cache), C.POINTER(Slot), sz]
lib.m800_verify_request.argtypes = [C.POINTER(Signer), C.POINTER(Request), C.c_char_p, sz,
                                    C.c_char_p, sz, C.c_uint64, C.c_uint32, C.POINTER(Cache)]

lib.m800_push_uri.argtypes = [C.c_char_p, sz, C.c_char_p, sz, C.c_char_p, sz, C.POINTER(sz)]
lib.m800_push_body.argtypes = [C.c_char_p, sz, C.c_char_p, sz, C.c_char_p, sz, C.c_char_p, sz,
                               C.POINTER(sz)]
lib.m800_push_request.argtypes = [C.POINTER(Signer), C.POINTER(Push), C.c_char_p, sz, C.c_uint64,
                                  C.c_char_p, sz, C.c_char_p, sz, C.POINTER(sz), C.POINTER(sz),
                                  C.POINTER(Headers)]
CheckFn = C.CFUNCTYPE(C.c_int, C.c_void_p, C.c_char_p, sz, C.c_char_p, sz, C.c_uint64)


class ReplayStore(C.Structure):
    _fields_ = [("ctx", C.c_void_p), ("check_and_record", CheckFn)]


class VerifyParams(C.Structure):
    _fields_ = [("size", sz), ("signer", C.POINTER(Signer)), ("lookup", C.c_void_p),
                ("lookup_ctx", C.c_void_p), ("request", C.POINTER(Request)),
                ("content_md5", C.c_char_p), ("content_md5_len", sz), ("http", C.c_char_p),
                ("http_len", sz), ("x_m_date", C.c_char_p), ("x_m_date_len", sz),
                ("authorization", C.c_char_p), ("authorization_len", sz), ("now", C.c_uint64),
                ("window_s", C.c_uint32), ("replay_cache", C.POINTER(Cache)),
                ("replay_store", C.POINTER(ReplayStore))]


lib.m800_verify_params_init.argtypes = [C.POINTER(VerifyParams)]
lib.m800_verify_params_init_sized.argtypes = [C.POINTER(VerifyParams), sz]
lib.m800_verify.argtypes = [C.POINTER(VerifyParams), C.c_void_p]
lib.m800_http_request_length.argtypes = [C.c_char_p, sz, C.POINTER(sz)]


def verify_http(signer, raw, now, store=None):
    p = VerifyParams()
    check(lib.m800_verify_params_init(C.byref(p)) == 0, "params init")
    check(p.size == C.sizeof(VerifyParams) and p.window_s == 300, "params layout")
    p = VerifyParams()
    check(lib.m800_verify_params_init_sized(C.byref(p), C.sizeof(VerifyParams)) == 0,
          "params init, sized")
    check(p.size == C.sizeof(VerifyParams) and p.window_s == 300, "params layout, sized")
    p.signer, p.http, p.http_len, p.now = C.pointer(signer), raw, len(raw), now
    if store is not None:
        p.replay_store = C.pointer(store)
    return lib.m800_verify(C.byref(p), None)


class PyStore:
    """A replay store in Python: a set of (key, nonce); `answer` overrides."""

    def __init__(self):
        self.seen, self.answer = set(), None
        self.store = ReplayStore(None, CheckFn(self.check))

    def check(self, _ctx, key, key_len, nonce, nonce_len, keep_until):
        pair = (key[:key_len], nonce[:nonce_len])
        if self.answer is not None:
            return self.answer
        if pair in self.seen:
            return 1  # M800_REPLAYED
        self.seen.add(pair)
        return 0  # M800_FRESH

failures = 0


def check(ok, what):
    global failures
    if not ok:
        failures += 1
        print("FAIL:", what, file=sys.stderr)


def name(st):
    return lib.m800_status_name(st).decode()


def b(s):
    return None if s is None else s.encode("utf-8")


def signer(key, secret):
    s = Signer()
    st = lib.m800_signer_init(C.byref(s), b(key), len(b(key)), b(secret), len(b(secret)))
    assert st == 0, name(st)
    return s


def text_call(fn, *args):
    need = sz(0)
    st = fn(*args, None, 0, C.byref(need))
    check(name(st) == "buffer_too_small", "size query")
    buf = C.create_string_buffer(need.value)
    n = sz(0)
    st = fn(*args, buf, need.value, C.byref(n))
    check(st == 0 and n.value == need.value - 1, "call with the size asked for")
    return buf.raw[: n.value].decode("utf-8")


def request(v):
    parts = [b(v["method"]), b(v["uri"]), b(v["content_type"]), b(v["body"])]
    return Request(parts[0], len(parts[0]), parts[1], len(parts[1]), parts[2], len(parts[2]),
                   parts[3], len(parts[3]))


for v in V["signature"]:
    s = signer("any-key", v["secret"])
    vals = [b(v[k]) for k in ["method", "uri", "content_md5", "content_type", "x_m_date", "nonce"]]
    f = Fields(*[x for val in vals for x in (val, len(val))])
    check(text_call(lib.m800_string_to_sign, C.byref(f)) == v["string_to_sign"], v["name"])
    check(text_call(lib.m800_signature_hex, C.byref(s), C.byref(f)) == v["signature_hex"], v["name"])
    check(text_call(lib.m800_signature_base64, C.byref(s), C.byref(f)) == v["signature_base64"],
          v["name"])
    lib.m800_signer_wipe(C.byref(s))

for v in V["request"]:
    s = signer(v["key"], v["secret"])
    r = request(v)
    h = Headers()
    nonce = b(v["nonce"])
    st = lib.m800_sign_request(C.byref(s), C.byref(r), v["unix_time"], nonce, len(nonce), C.byref(h))
    e = v["expect"]
    check(st == 0, v["name"])
    check(h.x_m_date.decode() == e["x_m_date"], v["name"])
    check(h.content_md5.decode() == e["content_md5"], v["name"])
    check(h.authorization.decode() == e["authorization"], v["name"])
    lib.m800_signer_wipe(C.byref(s))
    st = lib.m800_sign_request(C.byref(s), C.byref(r), v["unix_time"], nonce, len(nonce), C.byref(h))
    check(name(st) == "not_initialized", "wiped signer")

for v in V["http_date"]:
    check(text_call(lib.m800_date_format, v["unix_time"]) == v["text"], v["text"])
    t = C.c_uint64(0)
    check(lib.m800_date_parse(b(v["text"]), len(b(v["text"])), C.byref(t)) == 0
          and t.value == v["unix_time"], v["text"])
for text in V["http_date_invalid"]:
    t = C.c_uint64(0)
    check(name(lib.m800_date_parse(b(text), len(b(text)), C.byref(t))) == "invalid_date", text)

REASON = {"scheme": "unsupported_scheme", "malformed": "malformed_authorization",
          "missing": "missing_auth_param", "duplicate": "duplicate_auth_param"}
for v in V["authorization_parse"]:
    a = Authorization()
    st = lib.m800_authorization_parse(b(v["header"]), len(b(v["header"])), C.byref(a))
    if v["ok"]:
        check(st == 0 and a.key.decode() == v["key"] and a.nonce.decode() == v["nonce"]
              and a.signature.decode() == v["signature"], v["header"])
    else:
        check(name(st) == REASON[v["reason"]], v["header"])

EXPECT = {"ok": "ok", "stale": "date_too_old", "future": "date_in_future",
          "bad_signature": "signature_mismatch", "replay": "replayed_nonce",
          "unknown_key": "unknown_key", "missing_date": "missing_date", "bad_date": "invalid_date",
          "header_missing": "missing_auth_param", "header_scheme": "unsupported_scheme"}
for v in V["verify"]:
    s = signer(v["key"], v["secret"])
    r = request(v)
    slots = (Slot * 8)()
    cache = Cache()
    check(lib.m800_replay_cache_init(C.byref(cache), slots, 8) == 0, "cache init")
    date = b(v["x_m_date"])
    auth = b(v["authorization"])

    def verify():
        return lib.m800_verify_request(C.byref(s), C.byref(r), date, len(date or b""), auth,
                                       len(auth), v["now"], v["window_s"], C.byref(cache))

    for _ in v["seen_nonces"]:
        check(verify() == 0, "record the seen nonce")
    got = name(verify())
    check(got == EXPECT[v["expect"]], "%s: %s" % (v["name"], got))

def opt(text):
    """A text argument and its length; None (absent) stays NULL."""
    data = b(text)
    return data, 0 if data is None else len(data)


for v in V["push_uri"]:
    user, carrier = opt(v["username"]), opt(v["carrier"])
    if v["uri"] is not None:
        check(text_call(lib.m800_push_uri, *user, *carrier) == v["uri"], v["uri"])
    else:
        out, n = C.create_string_buffer(4096), sz(0)
        got = name(lib.m800_push_uri(*user, *carrier, out, 4096, C.byref(n)))
        want = ("empty_username" if v["username"] == "" else
                "empty_carrier" if v["carrier"] == "" else "control_character")
        check(got == want, "push_uri %r: %s" % (v, got))

for v in V["push_body"]:
    args = [x for k in ["app_message", "push_content", "sender"] for x in opt(v[k])]
    check(text_call(lib.m800_push_body, *args) == v["body"], v["body"])

for v in V["request"]:
    p = v["push"]
    if p is None:
        continue
    s = signer(v["key"], v["secret"])
    push = Push(*[x for k in ["username", "carrier", "app_message", "push_content", "sender"]
                  for x in opt(p[k])])
    host = b"api.example.com"
    nonce = b(v["nonce"])
    h = Headers()
    head_len = sz(0)

    def push_request(out, cap, n):
        return lib.m800_push_request(C.byref(s), C.byref(push), host, len(host), v["unix_time"],
                                     nonce, len(nonce), out, cap, n, C.byref(head_len), C.byref(h))

    need = sz(0)
    check(name(push_request(None, 0, C.byref(need))) == "buffer_too_small", v["name"])
    out, n = C.create_string_buffer(need.value), sz(0)
    check(push_request(out, need.value, C.byref(n)) == 0 and n.value == need.value - 1, v["name"])
    raw = out.raw[: n.value]
    e = v["expect"]
    body = b(v["body"])
    want = (b"POST " + b(v["uri"]) + b" HTTP/1.1\r\nHost: " + host +
            b"\r\nContent-Type: application/json\r\nContent-Length: " + str(len(body)).encode() +
            b"\r\nContent-MD5: " + b(e["content_md5"]) + b"\r\nX-M-Date: " + b(e["x_m_date"]) +
            b"\r\nAuthorization: " + b(e["authorization"]) + b"\r\n\r\n" + body)
    check(raw == want, "push request %s" % v["name"])
    check(raw[head_len.value:] == body, "head length %s" % v["name"])
    # Framed as a server reads it: the head alone gives the whole length.
    whole = sz(0)
    check(lib.m800_http_request_length(raw[: head_len.value], head_len.value, C.byref(whole)) == 0
          and whole.value == len(raw), "request length %s" % v["name"])
    check(name(lib.m800_http_request_length(raw, head_len.value - 1, C.byref(whole)))
          == "incomplete_http_request", "cut head %s" % v["name"])
    check(h.authorization.decode() == e["authorization"], v["name"])
    check(verify_http(s, raw, v["unix_time"]) == 0, "verify raw %s" % v["name"])
    check(verify_http(s, raw, v["unix_time"] + 301) == 33, "date too old %s" % v["name"])
    st = PyStore()
    check(verify_http(s, raw, v["unix_time"], st.store) == 0, "store fresh %s" % v["name"])
    got = name(verify_http(s, raw, v["unix_time"], st.store))
    check(got == "replayed_nonce", "store replayed %s: %s" % (v["name"], got))
    st.seen.clear()
    for answer in (2, 99):  # M800_STORE_FAILED, and a value that is none
        st.answer = answer
        got = name(verify_http(s, raw, v["unix_time"], st.store))
        check(got == "replay_cache_full", "store failed %s: %s" % (v["name"], got))
    lib.m800_signer_wipe(C.byref(s))

check(lib.m800_version().decode().count(".") == 2, "version")
check(name(12345) == "unknown", "unknown status")
if failures:
    sys.exit("FAILED: %d checks" % failures)
print("ok: ctypes, %d vectors" % sum(len(V[k]) for k in
      ["signature", "request", "http_date", "http_date_invalid", "authorization_parse", "push_uri",
       "push_body", "verify"]))
