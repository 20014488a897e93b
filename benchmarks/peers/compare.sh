#!/usr/bin/env bash
# The peer comparison of issue 6: the same idempotent, conditional reservation workload against this engine (binary
# protocol and HTTP), PostgreSQL and Redis, side by side on this machine. See benchmarks/peers/README.md.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() {
  cat <<'USAGE'
Usage: benchmarks/peers/compare.sh [options]

Runs the same workload against the engine over its binary protocol and over HTTP, PostgreSQL (pgbench) and Redis
(redis-benchmark), one system at a time, on loopback, and writes benchmarks/peers/results/<date>.md and .csv.

Workload: 100,000 SKUs at one location with 1,000,000 units each, reset before every run; a reservation is one unit
of one SKU under a random 64-bit order id, idempotent by that id (a repeat reserves nothing) and conditional on the
stock left. Mixes: uniform (any SKU) and flash (90% on SKUs 1..10). Every connection keeps `depth` requests
outstanding (closed loop) for the duration.

Durability pairs: engine --durability sync vs PostgreSQL synchronous_commit=on; engine --durability process vs
PostgreSQL synchronous_commit=off and Redis appendonly yes + appendfsync everysec.

Options:
  --duration S        measured seconds per run (default 20)
  --warmup S          engine runs only: seconds run before measuring, for the JIT (default 5)
  --connections LIST  client connections, comma-separated (default 8,32,64)
  --depths LIST       requests outstanding per connection for the engine and Redis (default 1,16);
                      pgbench always runs one query at a time per connection
  --mixes LIST        uniform,flash (default both)
  --systems LIST      engine-binary,engine-http,postgres,redis (default all)
  --durabilities LIST sync,process (default both): the engine's --durability, and with it PostgreSQL's
                      synchronous_commit (sync: on, process: off)
  --quick             try it out: --duration 5 --warmup 2 --connections 8 (flags after it still win)
  --scratch-dir DIR   where the data of every system lives while it runs (default ${TMPDIR:-/var/tmp}); keep it on
                      the same disk for all, or fsync/msync costs differ (tmpfs makes them free)
  --keep-scratch      do not delete the scratch directory at the end
  --no-build          use the jars already built (gateway/target/stockengine.jar, benchmarks/target/benchmarks.jar)
  --no-install        fail instead of installing missing peers with apt-get
  -h, --help          this text

Environment: ENGINE_JAVA_OPTS (default "-Xms6g -Xmx6g -XX:+UseZGC", as the README starts the server), CLIENT_JAVA_OPTS (default
"-Xms1g -Xmx1g -XX:+UseParallelGC"), ENGINE_ARGS (more engine flags, e.g. "--wait-strategy yielding"; default
none: the engine's defaults), and the ports ENGINE_HTTP_PORT (18080), ENGINE_TCP_PORT (19090),
PG_PORT (15440), REDIS_PORT (16390). Everything it starts is stopped by PID at the end, on error and on Ctrl-C.
USAGE
}

duration=20
warmup=5
connections=8,32,64
depths=1,16
mixes=uniform,flash
systems=engine-binary,engine-http,postgres,redis
durabilities=sync,process
quick=0
build=1
install=1
keep_scratch=0
scratch_parent=${TMPDIR:-/var/tmp}
skus=100000
engine_java_opts=${ENGINE_JAVA_OPTS:--Xms6g -Xmx6g -XX:+UseZGC}
engine_args=${ENGINE_ARGS:-}
client_java_opts=${CLIENT_JAVA_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC}
engine_http_port=${ENGINE_HTTP_PORT:-18080}
engine_tcp_port=${ENGINE_TCP_PORT:-19090}
pg_port=${PG_PORT:-15440}
redis_port=${REDIS_PORT:-16390}

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --connections) connections=$2; shift ;;
    --depths) depths=$2; shift ;;
    --mixes) mixes=$2; shift ;;
    --systems) systems=$2; shift ;;
    --durabilities) durabilities=$2; shift ;;
    --quick) quick=1; duration=5; warmup=2; connections=8 ;;
    --scratch-dir) scratch_parent=$2; shift ;;
    --keep-scratch) keep_scratch=1 ;;
    --no-build) build=0 ;;
    --no-install) install=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

list() { tr ',' ' ' <<<"$1"; }
has() { [[ ",$1," == *",$2,"* ]]; }
log() { printf '\n=== %s\n' "$*"; }
die() { echo "compare.sh: $*" >&2; exit 1; }

for s in $(list "$systems"); do
  case "$s" in engine-binary|engine-http|postgres|redis) ;; *) die "unknown system $s" ;; esac
done
for m in $(list "$mixes"); do
  case "$m" in uniform|flash) ;; *) die "unknown mix $m" ;; esac
done
for d in $(list "$durabilities"); do
  case "$d" in sync|process) ;; *) die "unknown durability $d" ;; esac
done

# ---- everything started is remembered here and stopped by PID on the way out ----

engine_pid=
redis_pid=
pg_pid=
scratch=
csv=
report_done=0

stop_pid() { # pid, name, seconds to wait before SIGKILL, signal
  local pid=$1 name=$2 patience=$3 signal=${4:-TERM} i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$signal" "$pid" 2>/dev/null || true
  for ((i = 0; i < patience * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$name (pid $pid) did not stop in ${patience}s: SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_pid "$engine_pid" engine 120
  stop_pid "$redis_pid" redis 60
  stop_pid "$pg_pid" postgres 60 INT
  if [ -n "$csv" ] && [ -s "$csv" ] && [ "$report_done" = 0 ]; then
    echo "Stopped early (status $status): the report holds the runs finished so far." >&2
    report " (incomplete)" || true
  fi
  if [ -n "$scratch" ] && [ -d "$scratch" ]; then
    if [ "$keep_scratch" = 1 ]; then echo "scratch kept: $scratch"; else rm -rf "$scratch"; fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- tools ----

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi; }

pg_bin=
find_pg() {
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$pg_bin" ] && for t in initdb pg_ctl postgres psql pgbench; do [ -x "$pg_bin/$t" ] || return 1; done
}

install_peers() {
  local packages=()
  if has "$systems" postgres && ! find_pg; then packages+=(postgresql postgresql-contrib); fi
  if has "$systems" redis; then
    for t in redis-server redis-cli redis-benchmark; do
      command -v "$t" >/dev/null || { packages+=(redis-server redis-tools); break; }
    done
  fi
  [ ${#packages[@]} -eq 0 ] && return 0
  [ "$install" = 1 ] || die "missing ${packages[*]} (and --no-install)"
  log "installing ${packages[*]} from Debian's packages"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
  if has "$systems" postgres; then find_pg || die "PostgreSQL still missing after installing"; fi
}

engine_jar=$root/gateway/target/stockengine.jar
bench_jar=$root/benchmarks/target/benchmarks.jar
bench() { # the engine's side: io.stockengine.benchmarks.peers.ReserveBench
  # shellcheck disable=SC2086
  java $client_java_opts --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
    -cp "$bench_jar" io.stockengine.benchmarks.peers.ReserveBench "$@"
}

# ---- the engine ----

start_engine() { # durability
  local data=$scratch/engine-data i
  rm -rf "$data" && mkdir -p "$data"
  # shellcheck disable=SC2086
  java $engine_java_opts -jar "$engine_jar" --data-dir "$data" --http-port "$engine_http_port" \
    --tcp-port "$engine_tcp_port" --durability "$1" $engine_args >>"$scratch/engine.log" 2>&1 &
  engine_pid=$!
  for ((i = 0; i < 1200; i++)); do
    curl -sf "http://127.0.0.1:$engine_http_port/health" >/dev/null 2>&1 && return 0
    kill -0 "$engine_pid" 2>/dev/null || { tail -n 30 "$scratch/engine.log" >&2; die "the engine exited"; }
    sleep 0.1
  done
  die "the engine did not become healthy in 120 s"
}

stop_engine() {
  stop_pid "$engine_pid" engine 120
  engine_pid=
  rm -rf "$scratch/engine-data"
}

run_engine() { # target (binary|http)
  local target=$1 durability mix c depth
  for durability in $(list "$durabilities"); do
    for mix in $(list "$mixes"); do
      for c in $(list "$connections"); do
        for depth in $(list "$depths"); do
          log "engine-$target --durability $durability, $mix, $c connections, depth $depth"
          start_engine "$durability"
          bench load --tcp-port "$engine_tcp_port" --skus "$skus"
          bench run --target "$target" --tcp-port "$engine_tcp_port" --http-port "$engine_http_port" \
            --skus "$skus" --mix "$mix" --connections "$c" --depth "$depth" --duration "$duration" \
            --warmup "$warmup" --settings "$durability" --csv "$csv" ||
            echo "(ReserveBench exited non-zero: a failed check is in the row; anything else is above)"
          stop_engine
        done
      done
    done
  done
}

# ---- PostgreSQL ----

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
psql_bench() { PGOPTIONS='-c client_min_messages=warning' "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d bench -v ON_ERROR_STOP=1 -qAtX "$@"; }

start_postgres() {
  local dir=$scratch/postgres
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_postgres "$pg_bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C >"$dir/initdb.log"
  # The reference settings of shared/peers/README.md; the port and socket keep clear of any other cluster.
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pg_port
unix_socket_directories = '$dir'
max_connections = 200
shared_buffers = 2GB
fsync = on
max_wal_size = 8GB
checkpoint_timeout = 15min
synchronous_commit = on
CONF
  as_postgres "$pg_bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 120 start >/dev/null
  pg_pid=$(head -n 1 "$dir/data/postmaster.pid")
  "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qAtX -c 'CREATE DATABASE bench'
  psql_bench -f "$here/schema.sql"
}

run_postgres() {
  local sc mix c i log_prefix summary reserved sum bad sum_after check dir=$scratch/postgres
  start_postgres
  for sc in $(list "$durabilities"); do
    [ "$sc" = sync ] && sc=on || sc=off
    psql_bench -c "ALTER SYSTEM SET synchronous_commit = $sc" -c 'SELECT pg_reload_conf()' >/dev/null
    # The reload reaches new sessions once the postmaster has handled it: wait until one sees it.
    for ((i = 0; i < 100; i++)); do
      [ "$(psql_bench -c 'SHOW synchronous_commit')" = "$sc" ] && break
      sleep 0.1
    done
    [ "$(psql_bench -c 'SHOW synchronous_commit')" = "$sc" ] || die "synchronous_commit did not become $sc"
    for mix in $(list "$mixes"); do
      for c in $(list "$connections"); do
        log "postgres synchronous_commit=$sc, $mix, $c connections"
        psql_bench -f "$here/reset.sql" >/dev/null
        log_prefix=$dir/pgbench-$sc-$mix-$c
        summary=$log_prefix.out
        rm -f "$log_prefix".*
        "$pg_bin/pgbench" -h 127.0.0.1 -p "$pg_port" -U postgres -n -M prepared -f "$here/$mix.pgb" \
          -c "$c" -j $((c < 2 ? c : 2)) -T "${duration%.*}" --log --log-prefix="$log_prefix" bench | tee "$summary"
        reserved=$(psql_bench -c 'SELECT count(*) FROM reservations')
        sum=$(psql_bench -c 'SELECT coalesce(sum(reserved), 0) FROM inventory')
        # The same order ids again: each must come back 2 (already recorded) and reserve nothing more.
        bad=$(psql_bench -c 'SELECT count(*) FILTER (WHERE reserve(order_id, sku, qty) <> 2)
                             FROM (SELECT order_id, sku, qty FROM reservations LIMIT 256) r')
        sum_after=$(psql_bench -c 'SELECT coalesce(sum(reserved), 0) FROM inventory')
        check=ok
        [ "$reserved" = "$sum" ] && [ "$sum_after" = "$sum" ] && [ "$bad" = 0 ] ||
          check="FAIL: reservations $reserved; sum(reserved) $sum then $sum_after; $bad repeats reserved"
        echo "check: count(*) reservations $reserved, sum(reserved) $sum, repeated ids not answered 2: $bad: $check"
        bench pgbench-row --csv "$csv" --system postgres --settings "synchronous_commit=$sc" --mix "$mix" \
          --connections "$c" --depth 1 --summary "$summary" --log-prefix "$log_prefix" --duration "${duration%.*}" \
          --reserved "$reserved" --check "$check" >/dev/null
        rm -f "$log_prefix".[0-9]*
      done
    done
  done
  stop_pid "$pg_pid" postgres 60 INT
  pg_pid=
}

# ---- Redis ----

rcli() { redis-cli -h 127.0.0.1 -p "$redis_port" "$@"; }

start_redis() {
  local dir=$scratch/redis i
  mkdir -p "$dir/redisdata"
  # The reference configuration as it is (its paths are relative: ./redisdata, ./redis.log), run from the scratch
  # directory, with the port and the foreground (so that $! is the server) overridden.
  (cd "$dir" && exec redis-server "$here/redis-aof.conf" --port "$redis_port" --daemonize no) &
  redis_pid=$!
  for ((i = 0; i < 300; i++)); do
    [ "$(rcli ping 2>/dev/null)" = PONG ] && return 0
    kill -0 "$redis_pid" 2>/dev/null || die "redis-server exited: $(tail -n 5 "$dir/redis.log")"
    sleep 0.1
  done
  die "redis-server did not answer in 30 s"
}

reset_redis() {
  rcli flushall >/dev/null
  awk -v n="$skus" 'BEGIN { for (i = 1; i <= n; i++) {
      k = "inv:" i
      printf "*6\r\n$4\r\nHSET\r\n$%d\r\n%s\r\n$7\r\non_hand\r\n$7\r\n1000000\r\n$8\r\nreserved\r\n$1\r\n0\r\n", length(k), k } }' |
    rcli --pipe >/dev/null
  [ "$(rcli dbsize)" = "$skus" ] || die "Redis catalogue load failed"
  redis_sha=$(rcli script load "$(cat "$here/reserve.lua")")
}

redis_benchmark() { # connections depth requests mix-letter
  redis-benchmark -h 127.0.0.1 -p "$redis_port" -c "$1" -P "$2" -n "$3" -r 1000000 --csv \
    EVALSHA "$redis_sha" 1 'o:__rand_int__:__rand_int__:__rand_int__' __rand_int__ "$4" 1
}

run_redis() {
  local depth mix c letter rps n out reserved sum bad sum_after check dir=$scratch/redis
  start_redis
  for depth in $(list "$depths"); do
    for mix in $(list "$mixes"); do
      letter=${mix:0:1}
      for c in $(list "$connections"); do
        log "redis appendfsync everysec, $mix, $c connections, depth $depth"
        # redis-benchmark runs a request count, not a time: a short run measures the rate, the real one is sized
        # from it to last the duration.
        reset_redis
        rps=$(redis_benchmark "$c" "$depth" $((c * depth * 100 > 100000 ? c * depth * 100 : 100000)) "$letter" |
          awk -F'","' 'NR == 2 { print int($2) }')
        n=$(awk -v r="${rps:-0}" -v d="$duration" 'BEGIN { printf "%d", r * d }')
        [ "$n" -ge 1000 ] || die "redis-benchmark's calibration run failed (rate '${rps:-}')"
        reset_redis
        out=$dir/redis-$depth-$mix-$c.csv
        redis_benchmark "$c" "$depth" "$n" "$letter" | tee "$out"
        reserved=$(($(rcli dbsize) - skus))
        sum=$(rcli eval "local s = 0 for i = 1, tonumber(ARGV[1]) do
                           s = s + tonumber(redis.call('HGET', 'inv:' .. i, 'reserved')) end return s" 0 "$skus")
        # The same order ids again: each must come back 2 (a duplicate) and reserve nothing more.
        bad=$( (rcli --scan --pattern 'o:*' 2>/dev/null || true) | head -n 256 |
          while read -r key; do echo "EVALSHA $redis_sha 1 $key 0 $letter 1"; done | rcli | grep -vcx 2 || true)
        sum_after=$(rcli eval "local s = 0 for i = 1, tonumber(ARGV[1]) do
                           s = s + tonumber(redis.call('HGET', 'inv:' .. i, 'reserved')) end return s" 0 "$skus")
        check=ok
        [ "$reserved" = "$sum" ] && [ "$sum_after" = "$sum" ] && [ "$bad" = 0 ] ||
          check="FAIL: order keys $reserved; sum(reserved) $sum then $sum_after; $bad repeats reserved"
        echo "check: order keys $reserved, sum(reserved) $sum, repeated ids not answered 2: $bad: $check"
        bench redis-row --csv "$csv" --system redis --settings appendfsync=everysec --mix "$mix" \
          --connections "$c" --depth "$depth" --output "$out" --requests "$n" --reserved "$reserved" \
          --check "$check" >/dev/null
      done
    done
  done
  stop_pid "$redis_pid" redis 60
  redis_pid=
}

# ---- the report ----

notes=()
report() { # title suffix
  local args=() note
  for note in "${notes[@]}"; do args+=(--note "$note"); done
  bench report --csv "$csv" --markdown "$md" --title "Peer comparison, $(date +%Y-%m-%d)$1" "${args[@]}"
  report_done=1
}

# ---- main ----

if has "$systems" engine-binary || has "$systems" engine-http; then
  command -v curl >/dev/null || die "curl is needed to wait for the engine's /health"
fi
install_peers
if [ "$build" = 1 ]; then
  log "building the engine: mvn -q -B install -DskipTests"
  (cd "$root" && mvn -q -B install -DskipTests)
fi
[ -f "$engine_jar" ] && [ -f "$bench_jar" ] || die "missing $engine_jar or $bench_jar: build first (without --no-build)"

mkdir -p "$scratch_parent"
scratch=$(mktemp -d "$scratch_parent/stockengine-peers.XXXXXX")
chmod 755 "$scratch"
mkdir -p "$here/results"
stamp=$(date +%Y-%m-%d-%H%M)$([ "$quick" = 1 ] && echo -quick || true)
csv=$here/results/$stamp.csv
md=$here/results/$stamp.md
: >"$csv"

notes+=("$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GB, $(uname -sr); load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)")
[ "$quick" = 1 ] && notes+=("QUICK RUN: short and noisy, for trying the script out; not figures to quote")
notes+=("$duration s per run; the engine runs warm up ${warmup} s first (the JIT), the peers' tools start measuring at once; client and server share the machine")
notes+=("connections $connections; depth = requests outstanding per connection (closed loop); pgbench runs depth 1 (-M prepared, -j 2)")
notes+=("scratch (all data directories): $scratch_parent, $(df -PT "$scratch_parent" | awk 'NR == 2 { print $2 " on " $1 }')")
notes+=("engine: $(java -version 2>&1 | head -n 1), $engine_java_opts, ${engine_args:-default flags}; fresh data directory and catalogue per run")
if has "$systems" postgres; then notes+=("PostgreSQL $("$pg_bin/postgres" --version | awk '{ print $3 }'): shared_buffers=2GB, fsync=on, max_wal_size=8GB, checkpoint_timeout=15min; pgbench with $here/{uniform,flash}.pgb"); fi
if has "$systems" redis; then notes+=("Redis $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'): appendonly yes, appendfsync everysec; redis-benchmark EVALSHA of reserve.lua, -n sized from a calibration run to last the duration"); fi
notes+=("check column: reservations counted = sum(reserved) over all SKUs, and 256 (PostgreSQL, Redis) or up to 16 per connection (engine) order ids sent again reserved nothing")

has "$systems" engine-binary && run_engine binary
has "$systems" engine-http && run_engine http
has "$systems" postgres && run_postgres
has "$systems" redis && run_redis

notes+=("load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)")
log "results: $md and $csv"
report ""
