#!/usr/bin/env bash
# Cold start beside libtorch, timed as whole processes: a fresh JVM that trains the reference step N times (default
# 300) and exits, ejgrad (dev.ejgrad.bench.Cold) and ../shared/torch-ref's `cold` alternating, R rounds (default 3),
# medians. Run on demand from the project root:
#
#   bash bench/cold.sh                      # 300 steps, 1 thread, 3 rounds
#   STEPS=300 THREADS=2 ROUNDS=5 bash bench/cold.sh
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java bash bench/cold.sh
#   EJGRAD_ONLY=1 bash bench/cold.sh        # skip libtorch
#   CURVE=20 bash bench/cold.sh             # then ejgrad's warm-up curve: steps/s against seconds since JVM start
#
# It builds the benchmarks jar (Maven profile `bench`) and torch-ref (in a temporary copy, since shared/ may be
# read-only; its first build downloads ~112 MB of jars). Each line is one process: its wall time from outside
# (`date` before and after), and what the process printed (first step, all steps, since JVM start). The machine has
# 2 vCPUs; check `uptime` first: a busy neighbour slows both sides, unevenly.
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${JAVA:-java}
STEPS=${STEPS:-300}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-3}
TORCH_REF=${TORCH_REF:-../shared/torch-ref}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "== machine: $(nproc) vCPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(date -u '+%F %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== java: $("$JAVA" -version 2>&1 | head -1)"

mvn -q -B -ntp -Pbench -pl benchmarks -am package -DskipTests
JAR=benchmarks/target/benchmarks.jar
if [ -z "${EJGRAD_ONLY:-}" ]; then
    cp -r "$TORCH_REF" "$OUT/torch-ref"
    chmod -R u+w "$OUT/torch-ref"
    (cd "$OUT/torch-ref" && mvn -q -B -ntp compile && mvn -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/cp.txt) > "$OUT/torch-build.txt" 2>&1
    TORCH_CP="$OUT/torch-ref/target/classes:$(cat "$OUT/torch-ref/target/cp.txt")"
fi

wall() { # label, command...: runs it, prints and records the wall time in ms
    local label=$1
    shift
    local t0 t1 line
    t0=$(date +%s%N)
    line=$("$@" 2>/dev/null | grep -E 'cold' | tail -1)
    t1=$(date +%s%N)
    local ms=$(( (t1 - t0) / 1000000 ))
    echo "$ms" >> "$OUT/$label.ms"
    printf '%-8s %6d ms  %s\n' "$label" "$ms" "$line"
}

for r in $(seq 1 "$ROUNDS"); do
    wall ejgrad "$JAVA" --add-modules jdk.incubator.vector -Dejgrad.threads="$THREADS" ${EJGRAD_JVM_ARGS:-} -cp "$JAR" \
        dev.ejgrad.bench.Cold --steps "$STEPS"
    if [ -z "${EJGRAD_ONLY:-}" ]; then
        wall libtorch env OMP_WAIT_POLICY=PASSIVE "$JAVA" -cp "$TORCH_CP" anchor.TorchRef cold --steps "$STEPS" \
            --threads "$THREADS"
    fi
done

median() { sort -n "$OUT/$1.ms" | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
e=$(median ejgrad)
echo "== $STEPS steps, $THREADS thread(s), whole process, median of $ROUNDS: ejgrad $e ms"
if [ -z "${EJGRAD_ONLY:-}" ]; then
    l=$(median libtorch)
    echo "== libtorch $l ms; ejgrad / libtorch = $(awk -v e="$e" -v l="$l" 'BEGIN {printf "%.2f", e / l}')"
fi
if [ -n "${CURVE:-}" ]; then
    echo "== ejgrad warm-up curve, $THREADS thread(s): seconds since JVM start, steps/s over the last 0.5 s"
    "$JAVA" --add-modules jdk.incubator.vector -Dejgrad.threads="$THREADS" ${EJGRAD_JVM_ARGS:-} -cp "$JAR" \
        dev.ejgrad.bench.Cold --curve "$CURVE" 2>/dev/null | tail -n +2 | paste -sd' ' | fold -s -w 110
fi
echo "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"
