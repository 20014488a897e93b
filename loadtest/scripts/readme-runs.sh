#!/usr/bin/env bash
# Reproduces the load-test figures in the README: the sustainable rate (step mode, p99 bound 50 ms) of every
# scenario over the binary protocol and over HTTP, each against a fresh server on the README's defaults, then a
# fixed-rate marketplace run for the plots (half the README's binary maximum, 20-s warm-up). The load generator shares
# the machine with the server. A run whose reconciliation fails stops the script with the load test's exit status.
#   loadtest/scripts/readme-runs.sh [out-dir]        (after: mvn -q -B install -DskipTests)
# It takes 15 to 30 minutes (each step run goes on until a rate fails its bound twice), and keeps the servers'
# journals in /dev/shm, deleted after each run.
# Its servers listen on HTTP_PORT (18080) and TCP_PORT (19090), not the README's 8080/9090: a server already there
# would take the load.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-loadtest-results/readme}
http_port=${HTTP_PORT:-18080}
tcp_port=${TCP_PORT:-19090}
for port in "$http_port" "$tcp_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "readme-runs.sh: port $port is taken (another server?); set HTTP_PORT and TCP_PORT to free ones" >&2
    exit 2
  fi
done
data=$(mktemp -d /dev/shm/stockengine-lt.XXXXXX)
server=
stop() {
  if [[ -n "$server" ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  server=
  rm -rf "$data"
}
trap stop EXIT
start() {
  rm -rf "$data"; mkdir -p "$data"
  java -XX:+UseZGC -jar gateway/target/stockengine.jar --data-dir "$data" --http-port "$http_port" \
    --tcp-port "$tcp_port" >"$out/server-$1.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do
    kill -0 "$server" 2>/dev/null && curl -sf "http://127.0.0.1:$http_port/health" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "server did not become healthy; see $out/server-$1.log" >&2
  exit 3
}
mkdir -p "$out"
lt=(java -jar loadtest/target/loadtest.jar --tcp-port "$tcp_port" --http-port "$http_port" --step --p99-bound-ms 50 --step-attempts 2 --step-duration 5 --step-factor 1.5 --warmup 3)
for scenario in marketplace flash-sale multichannel pos; do
  start "$scenario-binary"
  "${lt[@]}" --scenario "$scenario" --protocol binary --step-start 5000 --out "$out/$scenario-binary" \
    | tee "$out/$scenario-binary.log" | { grep -E "^(step|sustainable|reconcil|RESULT)|held|highest|PASSED|FAILED" || true; }
  stop
  start "$scenario-http"
  "${lt[@]}" --scenario "$scenario" --protocol http --connections 64 --step-start 2000 --out "$out/$scenario-http" \
    | tee "$out/$scenario-http.log" | { grep -E "^(step|sustainable|reconcil|RESULT)|held|highest|PASSED|FAILED" || true; }
  stop
done
start marketplace-fixed
java -jar loadtest/target/loadtest.jar --tcp-port "$tcp_port" --http-port "$http_port" --scenario marketplace \
  --protocol binary --rate 28750 --duration 30 --warmup 20 \
  --out "$out/marketplace-binary-fixed" | tee "$out/marketplace-binary-fixed.log" \
  | { grep -E "target|p50|^  all |PASSED|FAILED" || true; }
stop
