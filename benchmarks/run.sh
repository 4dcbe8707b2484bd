#!/usr/bin/env bash
# Runs every benchmark and prints one table of medians and ratios (see BENCHMARKS.md).
# As root (the userspace comparison starts wireguard-go in a network namespace).
#   benchmarks/run.sh            # everything, about 8 minutes here
set -euo pipefail
cd "$(dirname "$0")/.."
# clean: the shade plugin would otherwise re-shade its own previous output, whose classes win
./mvnw -q -B -DskipTests -pl benchmarks -am clean package
JAR=benchmarks/target/clusternet-benchmarks.jar
OUT=benchmarks/target/results
mkdir -p "$OUT"

echo "== JMH: peer-diffing engine, netlink codec, UAPI read (5 warm-up + 5 measured iterations, 1 s each)"
java -jar "$JAR" 'DiffBenchmark|NetlinkBenchmark|UapiReadBenchmark' -f 1 -wi 5 -i 5 -w 1 -r 1 \
  -rf json -rff "$OUT/jmh.json" > "$OUT/jmh.log" 2>&1
python3 - "$OUT/jmh.json" <<'PY'
import json, statistics, sys
rows = json.load(open(sys.argv[1]))
print("| benchmark | params | median | unit | iterations |")
print("|---|---|---:|---|---:|")
for r in rows:
    raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
    params = ",".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
    print(f"| {r['benchmark'].split('.')[-2]}.{r['benchmark'].split('.')[-1]} | {params} | "
          f"{statistics.median(raw):.3f} | {r['primaryMetric']['scoreUnit']} | {len(raw)} |")
PY

echo
echo "== SET_DEVICE sizes for 10,000 peers"
java -cp "$JAR" io.clusternet.benchmarks.NetlinkSizes 2>/dev/null

echo
echo "== userspace backend vs wg(8) on real wireguard-go"
java -cp "$JAR" io.clusternet.benchmarks.UserspaceVsWg 11 10000 2>"$OUT/userspace.log"

echo
echo "== end to end: informer ingest to plan applied, heap after GC"
echo "| nodes | start to plan applied (ms) | heap, API server alone (MiB) | heap, with the service (MiB) | service's share (MiB) |"
echo "|---:|---:|---:|---:|---:|"
for n in 5000 10000; do
  java -Xmx1g -cp "$JAR" io.clusternet.benchmarks.IngestBenchmark "$n" 2>>"$OUT/ingest.log" | grep '^|'
done
