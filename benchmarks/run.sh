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
java -cp "$JAR" io.clusternet.benchmarks.UserspaceVsWg 11 10000 2>"$OUT/userspace.log" \
  | tee "$OUT/userspace.md"

echo
echo "== end to end: informer ingest to plan applied, heap after GC"
echo "| nodes | start to plan applied (ms) | heap, API server alone (MiB) | heap, with the service (MiB) | service's share (MiB) |"
echo "|---:|---:|---:|---:|---:|"
for n in 5000 10000; do
  java -Xmx1g -cp "$JAR" io.clusternet.benchmarks.IngestBenchmark "$n" 2>>"$OUT/ingest.log" | grep '^|'
done | tee "$OUT/ingest.md"

echo
echo "== the issue's targets, one table"
python3 - "$OUT" <<'PY'
import json, statistics, sys
out = sys.argv[1]
jmh = {}
for r in json.load(open(f"{out}/jmh.json")):
    raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
    jmh[r["benchmark"].split(".")[-1]] = (statistics.median(raw), r["primaryMetric"]["scoreUnit"])
def us(name):
    v, unit = jmh[name]
    return v * {"us/op": 1, "ms/op": 1000}[unit]
rows = {}
for line in open(f"{out}/userspace.md"):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) >= 4 and cells[0].startswith(("cold", "resync of", "one node changed (event")):
        rows[cells[0].split()[0] + ("" if not cells[0].startswith("one") else "1")] = cells
ingest = [l.strip().strip("|").split("|") for l in open(f"{out}/ingest.md")]
heap10k = [float(c) for c in next(r for r in ingest if r[0].strip() == "10000")[1:]]
def row(what, got, target, ok):
    print(f"| {what} | {got} | {target} | {'yes' if ok else 'no'} |")
print("| target | measured (median) | wanted | met? |")
print("|---|---:|---:|---|")
t = us("diffFullAgainstEmpty"); row("full plan, 10,000 nodes, empty device", f"{t/1000:.2f} ms", "< 10 ms", t < 10000)
t = us("diffSinceOneChanged"); row("one node changed: diff", f"{t:.2f} us", "< 1 ms", t < 1000)
t = us("serviceOneChangedPath"); row("one node changed: event to plan", f"{t:.2f} us", "< 1 ms", t < 1000)
t = us("heartbeatSignalPath"); row("heartbeat-only changes", f"{t:.3f} us", "< 1 ms, empty plan", t < 1000)
for key, what, limit in (("cold", "cold apply vs `wg setconf`", 1.0),
                         ("resync", "resync vs `wg syncconf`", 0.3),
                         ("one1", "one node changed vs `wg set`", 0.15)):
    ratio = float(rows[key][3])
    row(what, f"{ratio:.3f} ({rows[key][1]} vs {rows[key][2]} ms)", f"<= {limit}", ratio <= limit)
row("service heap at 10,000 nodes", f"{heap10k[3]:.1f} MiB", "<= 256 MiB", heap10k[3] <= 256)
PY
