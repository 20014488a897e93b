#!/bin/bash
# The CPU an idle server uses: starts it (with the flags given after the label) on ports 26080/26090 and a data
# directory of its own, waits 15 s after /health answers, reads its user and system time from /proc over 20 s,
# prints the cores it used, then stops it and deletes the directory.
#   benchmarks/idle-cpu.sh default
#   benchmarks/idle-cpu.sh blocking --wait-strategy blocking
set -euo pipefail
if [ $# -lt 1 ]; then
    echo "usage: $0 label [server flags...]" >&2
    exit 2
fi
label=$1; shift
root=$(cd "$(dirname "$0")/.." && pwd)
jar=$root/gateway/target/stockengine.jar
[ -f "$jar" ] || { echo "$jar is missing: run mvn -q -B install -DskipTests first" >&2; exit 2; }
dir=$(mktemp -d /tmp/stockengine-idle-XXXXXX)
java -XX:+UseZGC -Xmx1g -jar "$jar" --data-dir "$dir/data" --http-port 26080 --tcp-port 26090 "$@" \
    > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 60); do
    curl -sf http://127.0.0.1:26080/health > /dev/null && break
    sleep 1
done
sleep 15
tick=$(getconf CLK_TCK)
before=$(awk '{print $14 + $15}' /proc/$pid/stat)
sleep 20
after=$(awk '{print $14 + $15}' /proc/$pid/stat)
echo "$label: $(echo "scale=3; ($after - $before) / $tick / 20" | bc) cores"
