#!/usr/bin/env python3
"""Runs the README's C callback server (ffi-tests/callback_server.c) and talks
to it over loopback TCP: requests signed by `m800-sign push --dry-run` are
accepted once and refused as replays, a tampered body and a request without
Host get their own refusal, a request trickled in pieces is framed whole, an
idle client holds up no one and gets 408 at its deadline, a client refused
before it is done sending (400 on the head, 413, 503 past the bound on open
connections) still reads its answer, clients that reset before their answer do
not end the server (SIGPIPE), and a 60 kB head trickled line by line costs the
server CPU linear in its length. Under low limits: out of descriptors, the server
does not spin (CPU from /proc/PID/stat) and recovers; its soft descriptor limit is
raised to hold its bound (and a hard limit too low refused at start-up); a
connection no thread can be started for (RLIMIT_NPROC) gets 503.

usage: callback-example.py SERVER M800_SIGN_CLI
"""
import os
import resource
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

server_bin, cli = sys.argv[1], sys.argv[2]
env = dict(os.environ, M800_KEY="a-demo-key", M800_SECRET="a-demo-secret")
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        sys.exit(f"callback-example: {what}")


def signed(nonce, message="ping"):
    """A signed request, exactly as the CLI would send it."""
    return subprocess.run(
        [cli, "push", "--to", "alice@m800.com", "--message", message,
         "--nonce", nonce, "--url", "http://cb.test", "--dry-run"],
        env=env, check=True, capture_output=True).stdout


def exchange(raw, pieces=1, pause=0.0, cuts=()):
    """Sends `raw` in `pieces` (or cut at the offsets `cuts`), returns
    (status, body) of the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        step = -(-len(raw) // pieces)
        bounds = list(cuts) or list(range(step, len(raw), step))
        for a, b in zip([0] + bounds, bounds + [len(raw)]):
            s.sendall(raw[a:b])
            time.sleep(pause)
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), body.decode()


# Bad arguments are refused, not taken.
for args in (["70000"], ["8080", "0"], ["x"], []):
    r = subprocess.run([server_bin, *args], env=env, capture_output=True, timeout=10)
    check(r.returncode == 2, f"arguments {args}: exit {r.returncode}")

server = subprocess.Popen([server_bin, "0", "2"], env=env, stdout=subprocess.PIPE, text=True)
try:
    port = int(server.stdout.readline().rsplit(":", 1)[1])

    first = signed("cb-1")
    check(exchange(first) == (200, '{"ok":true}'), "a signed request is accepted")
    check(exchange(first) == (401, '{"error":"replayed_nonce"}'), "a replay is refused")

    tampered = signed("cb-2").replace(b'"ping"', b'"pong"')
    check(exchange(tampered) == (401, '{"error":"signature_mismatch"}'), "tampered body")

    no_host = signed("cb-3").replace(b"Host: cb.test\r\n", b"")
    check(exchange(no_host) == (400, '{"error":"missing_host"}'), "HTTP/1.1 without Host")

    # A line break other than CRLF is refused when it comes, not at the deadline.
    for raw in (b"GET / HTTP/1.1\nHost: cb.test\n", b"GET / HTTP/1.1\r\nHost: cb.test\rX"):
        check(exchange(raw)[0] == 400, f"bare CR or LF in {raw!r}")

    # In five pieces, 0.1 s apart: framed by m800_http_request_length.
    check(exchange(signed("cb-4"), pieces=5, pause=0.1) == (200, '{"ok":true}'), "trickled")

    # An idle client (nothing sent) does not delay a valid request, and gets
    # 408 at its deadline (2 s) however long it stays.
    fifth = signed("cb-5")  # signed first: the CLI's start-up is not timed
    idle = socket.create_connection(("127.0.0.1", port), timeout=20)
    start = time.monotonic()
    check(exchange(fifth) == (200, '{"ok":true}'), "served beside an idle client")
    check(time.monotonic() - start < 1.0, "an idle client held a request up")
    answer = idle.recv(4096)
    waited = time.monotonic() - start
    check(answer.startswith(b"HTTP/1.1 408 "), f"idle client got {answer[:40]!r}")
    check(1.5 < waited < 5.0, f"408 after {waited:.1f} s, deadline 2 s")
    idle.close()

    # Refused before the client is done sending (a head refused with its body
    # still coming; a request larger than the buffer): the client still gets
    # its answer, not a connection reset.
    late = signed("cb-6").replace(b"Host: cb.test\r\n", b"")
    head_end = late.index(b"\r\n\r\n") + 4
    check(exchange(late, pause=0.2, cuts=(head_end, head_end + 10)) ==
          (400, '{"error":"missing_host"}'), "a head refused with its body still coming")
    large = b"GET / HTTP/1.1\r\nHost: cb.test\r\nX-Pad: " + b"a" * 70000 + b"\r\n\r\n"
    check(exchange(large)[0] == 413, "a request larger than the buffer")

    # At the bound on open connections (64 idle clients), one more is answered
    # 503 at once, its request read (not reset away); a slot that frees serves.
    idle = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(64)]
    time.sleep(0.5)
    for _ in range(3):
        check(exchange(b"GET / HTTP/1.1\r\nHost: cb.test\r\n\r\n") == (503, "{}"),
              "one more connection than the bound")
    for s in idle:
        s.close()
    time.sleep(0.3)
    check(exchange(signed("cb-8")) == (200, '{"ok":true}'), "served once the idle ones left")

    # Clients that go away before their answer is written (a request, then
    # FIN, then RST): a write to their socket must not end the server (an
    # unhandled SIGPIPE would).
    for _ in range(30):
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        s.sendall(b"GET / HTTP/1.1\r\n\r\n")
        s.shutdown(socket.SHUT_WR)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    time.sleep(0.3)
    check(server.poll() is None, f"the server ended ({server.returncode}) on a closed client")
    check(exchange(signed("cb-7")) == (200, '{"ok":true}'), "served after closed clients")
    check(server.poll() is None, f"the server ended ({server.returncode})")
finally:
    server.kill()
    server.wait()

# A 60 kB head trickled in 12,000 pieces (one short header line each) costs
# the server time linear in its length: parsed once it can have ended, not
# again on every read (each parse reads the whole head so far: quadratic).
server = subprocess.Popen([server_bin, "0", "60"], env=env, stdout=subprocess.PIPE, text=True)
try:
    port = int(server.stdout.readline().rsplit(":", 1)[1])
    stat = f"/proc/{server.pid}/stat"

    def cpu_s():
        fields = open(stat).read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    before = cpu_s()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(b"GET / HTTP/1.1\r\nHost: cb.test\r\n")
        for _ in range(12000):
            s.sendall(b"X:a\r\n")
            time.sleep(0.0001)
        s.sendall(b"\r\n")
        answer = s.recv(4096)
    spent = cpu_s() - before
    check(answer.startswith(b"HTTP/1.1 401 "), f"trickled head got {answer[:40]!r}")
    print(f"callback-example: a trickled 60 kB head: {spent:.2f} s of server CPU")
    check(spent < 0.5, f"a trickled 60 kB head cost the server {spent:.2f} s of CPU")
    check(server.poll() is None, f"the server ended ({server.returncode})")
finally:
    server.kill()
    server.wait()


def start(setup="", preexec=None, program=server_bin):
    """The server on a free port with a 2 s deadline, run by
    `sh -c "{setup}exec SERVER 0 2"`: the process and its port."""
    proc = subprocess.Popen(["sh", "-c", setup + 'exec "$0" 0 2', program], env=env,
                            stdout=subprocess.PIPE, text=True, preexec_fn=preexec)
    return proc, int(proc.stdout.readline().rsplit(":", 1)[1])


def cpu_share(pid, seconds=1.0):
    """The share of a core process `pid` uses over `seconds`."""
    def cpu_s():
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    before, start_t = cpu_s(), time.monotonic()
    time.sleep(seconds)
    return (cpu_s() - before) / (time.monotonic() - start_t)


def one_more_than(n, nonce):
    """`n` idle clients, then a signed request: its answer, and how long it took."""
    request = signed(nonce)
    idle = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(n)]
    time.sleep(1.5)  # taken, and any 503 threads past the bound done (1 s)
    start_t = time.monotonic()
    got = exchange(request)
    took = time.monotonic() - start_t
    for s in idle:
        s.close()
    return got, took


# Out of descriptors (the limit lowered under the running server, as
# `prlimit --pid` can: the server holds its bound's descriptors from the
# start, see below): accept fails until a connection closes, and the server
# waits 50 ms before trying again instead of spinning on the error; it serves
# again once the clients are gone.
server, port = start()
try:
    resource.prlimit(server.pid, resource.RLIMIT_NOFILE, (16, 16))
    idle = [socket.create_connection(("127.0.0.1", port), timeout=20) for _ in range(40)]
    time.sleep(0.5)
    share = cpu_share(server.pid)
    check(share < 0.2, f"out of descriptors, the server used {share:.0%} of a core")
    for s in idle:
        s.close()
    time.sleep(1.0)  # the accepted ones see the clients gone, the rest accepted
    check(exchange(signed("cb-emfile")) == (200, '{"ok":true}'), "served after EMFILE")
finally:
    server.kill()
    server.wait()

# The bound (64 served, 16 answered 503) against the descriptor limit: a soft
# limit too low for it is raised (up to the hard limit), so one client more
# than the bound gets its 503 at once instead of waiting unaccepted; a hard
# limit too low is refused at start-up, naming what it needs.
try:
    r = subprocess.run(["sh", "-c", 'ulimit -n 64; exec "$0" 0', server_bin], env=env,
                       capture_output=True, text=True, timeout=5)
    check(r.returncode == 2 and "file descriptor limit 64" in r.stderr,
          f"ulimit -n 64: exit {r.returncode}, {r.stderr!r}")
except subprocess.TimeoutExpired:
    check(False, "ulimit -n 64: the server started, with a bound it cannot reach")
server, port = start("ulimit -Sn 64; ")
try:
    limits = open(f"/proc/{server.pid}/limits").read()
    soft = int(next(l for l in limits.splitlines() if l.startswith("Max open files")).split()[3])
    check(soft >= 64 + 16, f"soft limit {soft} not raised")
    got, took = one_more_than(64, "cb-bound")
    check(got == (503, "{}") and took < 1.0, f"one more than the bound: {got} in {took:.1f} s")
finally:
    server.kill()
    server.wait()

# A connection no thread can be started for (RLIMIT_NPROC, which does not bind
# root: here for a user of its own) was closed without a word: it gets 503 at
# once, and the server serves again once threads end.
if os.getuid() == 0:
    # RLIMIT_NPROC counts the user's tasks across the whole machine: the user
    # is this run's own (a uid no account has, from this process's id), as
    # with a shared one (65534) another run of this check or of
    # tests/sandbox.rs at the same time took its threads.
    uid = 3_500_000_000 + os.getpid()

    def few_threads():
        resource.setrlimit(resource.RLIMIT_NPROC, (4, 4))  # main thread and 3 more
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    # A copy of the server that this user can reach (the build's folder may
    # not be open to it); removed once started (the process keeps its file).
    copy_dir = tempfile.mkdtemp()
    program = shutil.copy(server_bin, copy_dir)
    for path in (copy_dir, program):
        os.chmod(path, 0o755)
    server, port = start(preexec=few_threads, program=program)
    shutil.rmtree(copy_dir)
    try:
        got, took = one_more_than(3, "cb-nproc")
        check(got == (503, "{}") and took < 1.0, f"no thread: {got} in {took:.1f} s")
        time.sleep(0.5)  # the idle ones' threads end
        check(exchange(signed("cb-nproc-2")) == (200, '{"ok":true}'), "served once threads end")
    finally:
        server.kill()
        server.wait()
else:
    print("callback-example: not root (RLIMIT_NPROC binds every process of this user): "
          "the thread-failure check not run")
print(f"callback-example: ok ({checks} checks)")
