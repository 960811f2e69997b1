#!/usr/bin/env python3
"""The README's Python example: example.c with ctypes (same request, same output).

    python3 example.py $(pkg-config --variable=libdir m800_sign)/libm800_sign.so

ctypes knows nothing of m800_sign.h: declare each struct as the header does and
give every function its argtypes and restype. Without a restype ctypes reads the
result as an int: a status still works, but m800_status_str's pointer is cut to
32 bits. ffi-tests/test_ctypes.py declares the rest of the API the same way.
"""
import ctypes as C
import sys

lib = C.CDLL(sys.argv[1] if len(sys.argv) > 1 else "libm800_sign.so.0.1")
sz = C.c_size_t


class Signer(C.Structure):  # m800_signer: opaque, 384 bytes, 8-byte aligned
    _fields_ = [("opaque", C.c_uint64 * 48)]


class Request(C.Structure):  # m800_request: pointer + length, not NUL-terminated
    _fields_ = [("method", C.c_char_p), ("method_len", sz), ("uri", C.c_char_p), ("uri_len", sz),
                ("content_type", C.c_char_p), ("content_type_len", sz),
                ("body", C.c_char_p), ("body_len", sz)]


class SignedHeaders(C.Structure):  # m800_signed_headers: NUL-terminated arrays
    _fields_ = [("x_m_date", C.c_char * 30),          # M800_X_M_DATE_SIZE
                ("content_md5", C.c_char * 33),       # M800_CONTENT_MD5_SIZE
                ("authorization", C.c_char * 298)]    # M800_AUTHORIZATION_SIZE


status = C.c_int  # m800_status: a C enum, int-sized
lib.m800_status_str.argtypes, lib.m800_status_str.restype = [status], C.c_char_p
lib.m800_signer_init.argtypes = [C.POINTER(Signer), C.c_char_p, sz, C.c_char_p, sz]
lib.m800_signer_init.restype = status
lib.m800_sign_request.argtypes = [C.POINTER(Signer), C.POINTER(Request), C.c_uint64,
                                  C.c_char_p, sz, C.POINTER(SignedHeaders)]
lib.m800_sign_request.restype = status
lib.m800_signer_wipe.argtypes, lib.m800_signer_wipe.restype = [C.POINTER(Signer)], None


def check(st, what):
    if st != 0:  # M800_OK
        sys.exit("%s: %s" % (what, lib.m800_status_str(st).decode()))


signer = Signer()  # zeroed by ctypes
key, secret = b"a-demo-key", b"a-demo-secret"
check(lib.m800_signer_init(C.byref(signer), key, len(key), secret, len(secret)), "init")
method, uri, ctype = b"POST", b"/api/1.0/push/alice@m800.com", b"application/json"
body = b'{"appMessage":{"content":"ping"}}'
req = Request(method, len(method), uri, len(uri), ctype, len(ctype), body, len(body))
nonce = b"19aca559e0102468acf13579bde"
h = SignedHeaders()
st = lib.m800_sign_request(C.byref(signer), C.byref(req), 1764334800, nonce, len(nonce),
                           C.byref(h))
lib.m800_signer_wipe(C.byref(signer))
check(st, "sign")
print("X-M-Date: %s\nContent-MD5: %s\nAuthorization: %s" % (
    h.x_m_date.decode(), h.content_md5.decode(), h.authorization.decode()))
