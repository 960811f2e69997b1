#!/usr/bin/env bash
# Runs the README's C push example (built against the installed prefix) against
# a local `m800-sign sandbox`: the push must get a request id, and the same
# program with a wrong secret must be refused with signature_mismatch.
set -euo pipefail
example=$1
root=$(cd "$(dirname "$0")/.." && pwd)
# A HOST:PORT longer than the example's buffer is refused by the example itself
# (exit 2), never handed to the library with snprintf's untruncated length.
long_host=$(printf 'h%.0s' $(seq 400))
set +e
err=$(M800_KEY=a-demo-key M800_SECRET=a-demo-secret "$example" "$long_host" 8800 a@b 'x' 2>&1)
st=$?
set -e
[ "$st" = 2 ] && [[ $err == *"too long"* ]] \
  || { echo "push_example: a 400-byte host gave exit $st: $err" >&2; exit 1; }
(cd "$root" && cargo build --quiet --features cli)
log=$(mktemp)
M800_KEY=a-demo-key M800_SECRET=a-demo-secret "$root/target/debug/m800-sign" sandbox \
  --listen 127.0.0.1:0 --max-requests 2 >"$log" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q 'listening on' "$log" && break; sleep 0.1; done
port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\).*|\1|p' "$log")
[ -n "$port" ] || { echo "sandbox did not start" >&2; exit 1; }

out=$(M800_KEY=a-demo-key M800_SECRET=a-demo-secret "$example" 127.0.0.1 "$port" alice@m800.com 'Hello from C')
echo "$out"
case "$out" in requestId:\ *) ;; *) echo "push_example: no request id" >&2; exit 1 ;; esac

if err=$(M800_KEY=a-demo-key M800_SECRET=wrong "$example" 127.0.0.1 "$port" alice@m800.com 'x' 2>&1); then
  echo "push_example: a wrong secret was accepted" >&2; exit 1
fi
echo "$err"
case "$err" in *signature_mismatch*) ;; *) echo "push_example: wrong failure" >&2; exit 1 ;; esac
# The message is printed as text: its JSON escapes (\" around the expected
# string to sign) are decoded.
case "$err" in *'\"'*) echo "push_example: the message is still JSON-escaped" >&2; exit 1 ;; esac
echo "push_example: ok"
