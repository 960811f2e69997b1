#!/usr/bin/env bash
# Runs the C Redis replay store example (redis_store.c) against a real
# redis-server started here on a free loopback port: a valid request passes,
# the same again is replayed, the entry holds the window as its TTL; then a
# fresh request is refused (replay_cache_full) by a full Redis (an OOM error
# reply) and by a stopped one (no connection).
set -euo pipefail
example=$1
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$port" ping | grep -qx PONG || { echo "redis-server did not start" >&2; exit 1; }

t0=$(date +%s)
"$example" "$port" up
# The demo key holds a ':', written '\:' in the Redis key (as the Rust store's
# redis_key writes it), so that m800:{key}:{nonce} names one pair.
keys=$(redis-cli -p "$port" --scan --pattern 'm800:*')
[ "$(echo "$keys" | wc -l)" = 1 ] || { echo "expected one nonce in Redis, got: $keys" >&2; exit 1; }
case "$keys" in 'm800:a-demo\:key:'?*) ;; *) echo "Redis key $keys: the key's ':' is not escaped" >&2; exit 1 ;; esac
ttl=$(redis-cli -p "$port" ttl "$keys")
[ "$ttl" -ge 299 ] && [ "$ttl" -le 301 ] || { echo "TTL $ttl, expected the 300 s window plus 1" >&2; exit 1; }
# Kept through the window's last second: the request is dated t0 or later, so
# the verifier accepts it through second t0 + 300, and the key must outlive it.
expires_ms=$(redis-cli -p "$port" pexpiretime "$keys")
[ "$expires_ms" -ge $(((t0 + 301) * 1000)) ] ||
  { echo "expires at $expires_ms ms, inside second $((t0 + 300))" >&2; exit 1; }

redis-cli -p "$port" config set maxmemory-policy noeviction >/dev/null
redis-cli -p "$port" config set maxmemory 1 >/dev/null
"$example" "$port" refused
redis-cli -p "$port" config set maxmemory 0 >/dev/null

kill "$pid"
wait "$pid" || true
"$example" "$port" refused
echo "redis_store: ok"
