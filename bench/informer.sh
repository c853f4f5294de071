#!/usr/bin/env bash
# Client informer benchmark: a ControllerRuntime `Informer` against `tack up --no-runtime`.
#
#   bench/informer.sh [--reps N] [--count N] [--seconds S] [--writers W] [--skip-install] [--skip-build] [--bin-dir DIR]
#
# Starts `tack up --no-runtime` on a fresh temporary data folder (loopback port 16443), creates --count
# ConfigMaps and --count Pods (each kind in its own namespace), then per repetition runs InformerBench
# (bench/InformerBench, a target of the main package): initial sync of the ConfigMaps and of the Pods (time,
# RSS and malloc'd bytes per cached object against the objects' JSON size) and sustained watch events into
# the cache while W writers create and update ConfigMaps for S seconds. Stops the server at the end.
# Results: $BENCH_OUT (default /tmp/tack-bench-informer-DATE)/results.tsv and raw output.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
REPS=3
COUNT=10000
SECONDS_EVENTS=10
WRITERS=16
INSTALL=1
BUILD=1
BIN_DIR=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --reps) REPS=$2; shift 2 ;;
    --count) COUNT=$2; shift 2 ;;
    --seconds) SECONDS_EVENTS=$2; shift 2 ;;
    --writers) WRITERS=$2; shift 2 ;;
    --skip-install) INSTALL=0; shift ;;
    --skip-build) BUILD=0; shift ;;
    --bin-dir) BIN_DIR=$2; BUILD=0; shift 2 ;;  # measure the binaries in DIR instead of building the working tree
    *) echo "usage: $0 [--reps N] [--count N] [--seconds S] [--writers W] [--skip-install] [--skip-build] [--bin-dir DIR]" >&2; exit 2 ;;
    esac
done

OUT=${BENCH_OUT:-/tmp/tack-bench-informer-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/raw"
RESULTS="$OUT/results.tsv"
[[ -f $RESULTS ]] || printf 'scenario\trep\tmetric\tvalue\n' > "$RESULTS"
PORT=16443
BIN_DIR=${BIN_DIR:-$ROOT/.build-bench/release}
TACK="$BIN_DIR/tack"
BENCHBIN="$BIN_DIR/InformerBench"
log() { printf '\n== %s\n' "$*" >&2; }

if [[ $INSTALL == 1 ]]; then
    missing=()
    for tool in kubectl:kubectl curl:curl; do command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}"); done
    if [[ ${#missing[@]} -gt 0 ]]; then
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
    fi
fi
if [[ $BUILD == 1 ]]; then
    log "building tack and InformerBench (release, scratch path .build-bench)"
    (cd "$ROOT" && swift build -c release --product tack --scratch-path "$ROOT/.build-bench" \
        && swift build -c release --product InformerBench --scratch-path "$ROOT/.build-bench")
fi

DIR=$(mktemp -d /tmp/tack-bench-informer.XXXXXX)
TACK_PID=""
cleanup() {
    if [[ -n $TACK_PID ]]; then kill -TERM "$TACK_PID" 2>/dev/null; wait "$TACK_PID" 2>/dev/null || true; fi
    rm -rf "$DIR"
}
trap cleanup EXIT

{
    echo "date: $(date -u +%FT%TZ)"
    echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2}') MB memory, Linux $(uname -r)"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    if [[ $BUILD == 1 ]]; then
        echo "tack: $TACK, built from $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
    else
        echo "tack: $TACK (not built by this run)"
    fi
} | tee "$OUT/versions.txt" >&2

export HOME="$DIR/home" KUBECONFIG="$DIR/data/kubeconfig"
mkdir -p "$HOME"
"$TACK" up --no-runtime --data-dir "$DIR/data" --api-port "$PORT" > "$OUT/tack.log" 2>&1 &
TACK_PID=$!
for _ in $(seq 1 400); do grep -q "API server ready" "$OUT/tack.log" && break; sleep 0.05; done
grep -q "API server ready" "$OUT/tack.log" || { cat "$OUT/tack.log" >&2; exit 1; }

for ns in bench-configmaps bench-pods bench-events; do kubectl create namespace "$ns" >/dev/null; done
for kind in configmaps pods; do
    log "creating $COUNT $kind"
    "$BENCHBIN" load --kubeconfig "$KUBECONFIG" --kind "$kind" --count "$COUNT" --namespace "bench-$kind" | tee "$OUT/raw/load-$kind.txt" >&2
done

record_result() {  # record_result SCENARIO REP FILE: every key=value of the RESULT line
    local line
    line=$(grep '^RESULT' "$3")
    for kv in ${line#RESULT }; do printf '%s\t%s\t%s\t%s\n' "$1" "$2" "${kv%%=*}" "${kv#*=}" >> "$RESULTS"; done
}

for rep in $(seq 1 "$REPS"); do
    for kind in configmaps pods; do
        log "rep $rep: informer initial sync of $COUNT $kind (load $(cut -d' ' -f1 /proc/loadavg))"
        raw="$OUT/raw/sync-$kind-$rep.txt"
        "$BENCHBIN" sync --kubeconfig "$KUBECONFIG" --kind "$kind" --count "$COUNT" --namespace "bench-$kind" > "$raw"
        cat "$raw" >&2
        record_result "sync-$kind" "$rep" "$raw"
    done
    log "rep $rep: watch events into the cache, $WRITERS writers for $SECONDS_EVENTS s"
    raw="$OUT/raw/events-$rep.txt"
    "$BENCHBIN" events --kubeconfig "$KUBECONFIG" --namespace bench-events --writers "$WRITERS" --seconds "$SECONDS_EVENTS" > "$raw"
    cat "$raw" >&2
    record_result events "$rep" "$raw"
done
echo "tack RSS after the runs: $(ps -o rss= -p "$TACK_PID" | tr -d ' ') kB" | tee -a "$OUT/versions.txt" >&2

log "medians over $REPS repetitions ($RESULTS)"
python3 - "$RESULTS" <<'EOF'
import statistics, sys
from collections import defaultdict
v = defaultdict(list)
for line in list(open(sys.argv[1]))[1:]:
    scenario, rep, metric, value = line.rstrip("\n").split("\t")
    try: v[(scenario, metric)].append(float(value))
    except ValueError: pass
def m(s, k): xs = v.get((s, k)); return statistics.median(xs) if xs else float("nan")
print("| kind | objects | sync s | objects/s | JSON B/object | RSS B/object | malloc B/object | RSS ratio | malloc ratio | peak RSS MB |")
print("|---|---|---|---|---|---|---|---|---|---|")
for kind in ("configmaps", "pods"):
    s = f"sync-{kind}"
    print(f"| {kind} | {m(s,'cached'):.0f} | {m(s,'sync_s'):.3f} | {m(s,'objects_per_s'):.0f} | {m(s,'json_per_object_b'):.0f} | "
          f"{m(s,'rss_per_object_b'):.0f} | {m(s,'heap_per_object_b'):.0f} | {m(s,'rss_ratio'):.2f} | {m(s,'heap_ratio'):.2f} | {m(s,'peak_rss_mb'):.0f} |")
print(f"\nwatch events into the cache: {m('events','events_per_s'):.0f} events/s (writes acknowledged {m('events','writes_per_s'):.0f}/s, "
      f"caught up {m('events','catchup_ms'):.0f} ms after the last write); per run: {v[('events','events_per_s')]}")
EOF
