#!/usr/bin/env bash
# The accounting consumer's lag behind the engine under the marketplace load test (issue 7): starts a server on a
# fresh data directory, a following consumer into the embedded ledger in the same directory, then the load test;
# every second prints the engine's journal seq (/metrics), the consumer's committed seq and the difference.
#   accounting/scripts/lag-under-load.sh [rate=20000] [seconds=30] [batch=5000]   (after: mvn -q -B install -DskipTests)
# Its server listens on HTTP_PORT (18080) and TCP_PORT (19090), not the README's 8080/9090: a server already there
# would take the load and its seq would be read as this one's.
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${1:-20000}
seconds=${2:-30}
batch=${3:-5000}
for arg in "$rate" "$seconds" "$batch"; do
  if ! [[ "$arg" =~ ^[1-9][0-9]*$ ]]; then
    echo "lag-under-load.sh: '$arg' is not a positive whole number; usage: $0 [rate] [seconds] [batch]" >&2
    exit 2
  fi
done
http_port=${HTTP_PORT:-18080}
tcp_port=${TCP_PORT:-19090}
for port in "$http_port" "$tcp_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "lag-under-load.sh: port $port is taken (another server?); set HTTP_PORT and TCP_PORT to free ones" >&2
    exit 2
  fi
done
data=$(mktemp -d /dev/shm/stockengine-lag.XXXXXX)
log=$(mktemp /tmp/accounting-lag.XXXXXX)
server= consumer= load=
cleanup() {
  for p in $load $consumer $server; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$data" "$log" "$log.server"
}
trap cleanup EXIT
java -XX:+UseZGC -jar gateway/target/stockengine.jar --data-dir "$data" --http-port "$http_port" \
  --tcp-port "$tcp_port" >"$log.server" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$http_port/health" >/dev/null 2>&1 && break; sleep 0.2; done
if ! kill -0 "$server" 2>/dev/null || ! curl -sf "http://127.0.0.1:$http_port/health" >/dev/null 2>&1; then
  echo "lag-under-load.sh: the server did not start:" >&2
  cat "$log.server" >&2
  exit 3
fi
java -Dchronicle.analytics.disable=true -jar accounting/target/accounting-tool.jar run --data-dir "$data" --follow \
  --batch "$batch" --idle-ms 1 >"$log" 2>&1 &
consumer=$!
java -jar loadtest/target/loadtest.jar --scenario marketplace --protocol binary --tcp-port "$tcp_port" \
  --http-port "$http_port" --rate "$rate" --duration "$seconds" --warmup 0 --no-charts --out "$data/loadtest" \
  >/dev/null 2>&1 &
load=$!
engine_seq() { { curl -s "http://127.0.0.1:$http_port/metrics" || true; } | awk '/^stock_journal_seq /{printf "%d", $2}'; }
consumer_seq() { { grep -o 'seq [0-9,]*)' "$log" || true; } | tail -1 | tr -dc '0-9'; }
printf '%6s %12s %12s %10s\n' second engine_seq ledger_seq lag_events
t=0 max=0 sum=0 n=0
# The consumer reports its seq once a second at a commit, so the last few events after the load stops may never be
# reported: "caught up" is a lag below one batch.
caught=
while kill -0 "$load" 2>/dev/null || [[ -z "$caught" && $t -lt $((seconds + 120)) ]]; do
  sleep 1; t=$((t + 1))
  e=$(engine_seq); c=$(consumer_seq); c=${c:-0}; lag=$((e - c))
  printf '%6d %12d %12d %10d\n' "$t" "$e" "$c" "$lag"
  if kill -0 "$load" 2>/dev/null; then n=$((n + 1)); sum=$((sum + lag)); if ((lag > max)); then max=$lag; fi
  elif ((lag < batch)); then caught=$t; fi
done
if [[ -n "$caught" ]]; then ending="caught up (lag below one batch) $caught s after the start"
else ending="not caught up within 120 s"; fi
echo "under load ($rate requests/s for $seconds s): lag mean $((n ? sum / n : 0)) events, max $max events; $ending"
