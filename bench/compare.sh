#!/usr/bin/env bash
# ejgrad beside libtorch, measured back to back on this machine. Run on demand from the project root:
#
#   bash bench/compare.sh                                   # the default java
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bash bench/compare.sh
#
# It builds the JMH benchmarks (Maven profile `bench`), runs ../shared/torch-ref's `bench` (libtorch 2.10 through
# JavaCPP, in a temporary copy since shared/ may be read-only; its first run downloads ~112 MB of jars), then the
# reference training step (in float64 and float32) and its matrix products in ejgrad at 1 and 2 threads, and prints
# medians and ratios: each dtype's step against libtorch's step in the same dtype.
# Check with `top` that nothing else runs: on 2 cores, a busy neighbour halves any 2-thread number.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}
TORCH_REF=${TORCH_REF:-../shared/torch-ref}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u +%F)"
echo "== java: $("$JAVA" -version 2>&1 | head -1)"

mvn -q -B -ntp -Pbench -pl benchmarks -am package -DskipTests
JAR=benchmarks/target/benchmarks.jar

echo "== libtorch (torch-ref bench)"
cp -r "$TORCH_REF" "$OUT/torch-ref"
chmod -R u+w "$OUT/torch-ref"
(cd "$OUT/torch-ref" && mvn -q -B -ntp compile && mvn -q -B -ntp exec:java -Dexec.args="bench") > "$OUT/torch.txt" 2>&1
grep -E '^\||host 2T' "$OUT/torch.txt"

jmh() { # name, threads, extra JMH args...
    local name=$1 threads=$2
    shift 2
    "$JAVA" --add-modules jdk.incubator.vector -jar "$JAR" "$name" -jvmArgsAppend "-Dejgrad.threads=$threads" \
        -wi 12 -rf json -rff "$OUT/$name-$threads.json" "$@" > "$OUT/$name-$threads.log" 2>&1
}
echo "== ejgrad (JMH: 12 x 1 s warm-up, then 7 x 1 s iterations; medians)"
for t in 1 2; do
    jmh TrainStepBenchmark "$t" -prof gc
    jmh GemmBenchmark "$t" -p shape=ABt:128:784:256,AtB:256:128:784,AB:512:512:512
done

python3 - "$OUT" <<'PY'
import json, sys, re
out = sys.argv[1]
torch = open(out + "/torch.txt").read()

def libtorch(label, threads, dtype="f64"):
    for line in torch.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 5 and cells[1].startswith(label) and cells[2] == dtype and cells[3] == str(threads):
            return float(cells[4])
    raise SystemExit("no libtorch row for " + label)

def jmh(name, threads):
    return json.load(open(f"{out}/{name}-{threads}.json"))

def median(run):
    return run["primaryMetric"]["scorePercentiles"]["50.0"]

print(f"\n{'benchmark':46s} {'ejgrad':>9s} {'libtorch':>9s} {'ratio':>7s}")
for dtype, name in (("float64", ""), ("float32", "float32 ")):
    for t in (1, 2):
        run = next(r for r in jmh("TrainStepBenchmark", t) if r["params"]["dtype"] == dtype)
        alloc = run["secondaryMetrics"]["gc.alloc.rate.norm"]["score"] / 1e6
        e, l = median(run), libtorch("MLP 784-256-10 train step, batch 128", t, "f" + dtype[-2:])
        print(f"{'train step ' + name + '(steps/s), ' + str(t) + ' thread(s)':46s} {e:9.0f} {l:9.0f} {e / l:6.2f}x  ({alloc:.2f} MB allocated per step)")
for t in (1, 2):
    for run in jmh("GemmBenchmark", t):
        shape = run["params"]["shape"]
        kind, m, k, n = shape.split(":")
        g = 2 * int(m) * int(n) * int(k) * median(run) / 1e9
        l = libtorch("matmul 512x512" if shape.endswith("512:512:512") else "matmul 128x784", t)
        print(f"{'GEMM ' + shape + ' (GFLOPS), ' + str(t) + ' thread(s)':46s} {g:9.1f} {l:9.1f} {g / l:6.2f}x")
print("(GEMM ratios are against OpenBLAS through libtorch: 512^3 for 512^3, 128x784.784x256 for the step's shapes)")
PY
