#!/usr/bin/env bash
# Control-plane benchmark: Tack's embedded API server (`tack up`) side by side with etcd from Debian's
# etcd-server, on this machine, at the same durability. Results go to $BENCH_OUT (a fresh folder under /tmp
# by default) as results.tsv plus raw tool output; a summary table is printed at the end.
# See bench/README.md for what each scenario measures; docs/benchmarks.md for results.
#
#   bench/control-plane.sh [--reps N] [--duration SECONDS] [--only LIST] [--skip-install] [--skip-build]
#                          [--tack-binary PATH]
#
# LIST is a comma-separated subset of: write,get,tls,crash,watch,native,start (default: all).
# It is idempotent: installs what it needs, builds in its own scratch path, uses its own temporary data
# folders and loopback ports, and stops every server it started.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
REPS=3
DURATION=20
ONLY="write,get,tls,crash,watch,native,start"
INSTALL=1
BUILD=1
TACK=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --reps) REPS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --skip-install) INSTALL=0; shift ;;
    --skip-build) BUILD=0; shift ;;
    --tack-binary) TACK=$2; shift 2 ;;  # measure this binary instead of building the working tree
    *) echo "usage: $0 [--reps N] [--duration SECONDS] [--only write,get,tls,crash,watch,native,start] [--skip-install] [--skip-build] [--tack-binary PATH]" >&2; exit 2 ;;
    esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

OUT=${BENCH_OUT:-/tmp/tack-bench-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/raw" "$OUT/logs"
RESULTS="$OUT/results.tsv"
[[ -f $RESULTS ]] || printf 'scenario\tserver\tmode\trep\tmetric\tvalue\n' > "$RESULTS"

TACK_PORT=16443
TACK_INGRESS_PORT=18080
TACK_METRICS_PORT=20254
ETCD_PORT=22379
ETCD_PEER_PORT=22380
BUILD_TACK=1
if [[ -n $TACK ]]; then BUILD_TACK=0; else TACK="$ROOT/.build-bench/release/tack"; fi
WATCH="$BENCH/WatchLatency/.build/release/WatchLatency"
export BENCH_WRK_DIR="$BENCH/wrk"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

log() { printf '\n== %s\n' "$*" >&2; }
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS"; }

# ---- Install and build ------------------------------------------------------------------------------

if [[ $INSTALL == 1 ]]; then
    missing=()
    for tool in etcd:etcd-server etcdctl:etcd-client wrk:wrk hyperfine:hyperfine curl:curl openssl:openssl python3:python3; do
        command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        log "installing ${missing[*]}"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
    fi
fi
if [[ $BUILD == 1 ]]; then
    if [[ $BUILD_TACK == 1 ]]; then
        log "building tack (release, scratch path .build-bench)"
        (cd "$ROOT" && swift build -c release --product tack --scratch-path "$ROOT/.build-bench")
    fi
    log "building WatchLatency (release)"
    (cd "$BENCH/WatchLatency" && swift build -c release --scratch-path "$BENCH/WatchLatency/.build")
fi

{
    echo "date: $(date -u +%FT%TZ)"
    echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2}') MB memory, Linux $(uname -r)"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    if [[ $BUILD_TACK == 1 ]]; then
        echo "tack: $TACK, built from $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' + uncommitted changes')"
    else
        echo "tack: $TACK (given with --tack-binary)"
    fi
    echo "etcd: $(etcd --version | head -1)"
    echo "wrk: $(wrk -v 2>&1 | head -1)"
    echo "hyperfine: $(hyperfine --version)"
} > "$OUT/versions.txt"
cat "$OUT/versions.txt" >&2

# ---- Servers ------------------------------------------------------------------------------------------

ETCD_PID="" TACK_PID="" ETCD_DIR="" TACK_DIR="" START_DIR="" ETCD_URL="" TACK_URL="https://127.0.0.1:$TACK_PORT"
cleanup() {
    [[ -n $ETCD_PID ]] && kill -TERM "$ETCD_PID" 2>/dev/null && wait "$ETCD_PID" 2>/dev/null
    [[ -n $TACK_PID ]] && kill -TERM "$TACK_PID" 2>/dev/null && wait "$TACK_PID" 2>/dev/null
    [[ -n $ETCD_DIR ]] && rm -rf "$ETCD_DIR"
    [[ -n $TACK_DIR ]] && rm -rf "$TACK_DIR"
    [[ -n $START_DIR ]] && rm -rf "$START_DIR"
    return 0
}
trap cleanup EXIT

# start_etcd MODE [tls]: MODE durable (fsync, etcd's default) or crash (--unsafe-no-fsync).
start_etcd() {
    local mode=$1 tls=${2:-}
    ETCD_DIR=$(mktemp -d /tmp/tack-bench-etcd.XXXXXX)
    local scheme=http
    local args=(--name bench --data-dir "$ETCD_DIR/data"
        --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT"
        --initial-cluster "bench=http://127.0.0.1:$ETCD_PEER_PORT")
    if [[ $tls == tls ]]; then
        scheme=https
        # The same kind of key as Tack's serving certificate (ECDSA P-256), self-signed.
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 \
            -addext subjectAltName=IP:127.0.0.1 -keyout "$ETCD_DIR/server.key" -out "$ETCD_DIR/server.crt" 2>/dev/null
        args+=(--cert-file "$ETCD_DIR/server.crt" --key-file "$ETCD_DIR/server.key")
    fi
    ETCD_URL="$scheme://127.0.0.1:$ETCD_PORT"
    args+=(--listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL")
    [[ $mode == crash ]] && args+=(--unsafe-no-fsync)
    etcd "${args[@]}" > "$OUT/logs/etcd-$mode-$(date +%s%N).log" 2>&1 &
    ETCD_PID=$!
    for _ in $(seq 1 200); do
        curl -skf "$ETCD_URL/health" >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "etcd did not become healthy" >&2; return 1
}

# start_tack MODE [runtime]: MODE durable (default: fsync per commit) or crash (--fast-unsafe-durability).
# Without `runtime` the API server runs alone (`--no-runtime`), the counterpart of etcd; with it, the full
# `tack up` (controllers, kubelet, proxies) on loopback ports of its own.
start_tack() {
    local mode=$1 runtime=${2:-}
    TACK_DIR=$(mktemp -d /tmp/tack-bench-tack.XXXXXX)
    local args=(up --data-dir "$TACK_DIR" --api-port "$TACK_PORT")
    if [[ $runtime == runtime ]]; then
        args+=(--ingress-port "$TACK_INGRESS_PORT" --ingress-metrics-port "$TACK_METRICS_PORT")
    else
        args+=(--no-runtime)
    fi
    [[ $mode == crash ]] && args+=(--fast-unsafe-durability)
    local logfile="$OUT/logs/tack-$mode-$(date +%s%N).log"
    "$TACK" "${args[@]}" > "$logfile" 2>&1 &
    TACK_PID=$!
    for _ in $(seq 1 400); do
        if grep -q "API server ready" "$logfile"; then
            TACK_TOKEN=$(cat "$TACK_DIR/pki/admin.token")
            export TACK_TOKEN
            return 0
        fi
        sleep 0.025
    done
    echo "tack up did not become ready" >&2; return 1
}

rss_kb() { ps -o rss= -p "$1" | tr -d ' '; }

stop_etcd() { kill -TERM "$ETCD_PID"; wait "$ETCD_PID" 2>/dev/null || true; rm -rf "$ETCD_DIR"; ETCD_PID="" ETCD_DIR=""; }
stop_tack() { kill -TERM "$TACK_PID"; wait "$TACK_PID" 2>/dev/null || true; rm -rf "$TACK_DIR"; TACK_PID="" TACK_DIR=""; }

# ---- Measurements -------------------------------------------------------------------------------------

# wrk_run SCENARIO SERVER MODE REP THREADS CONNECTIONS SCRIPT URL
wrk_run() {
    local scenario=$1 server=$2 mode=$3 rep=$4 threads=$5 conns=$6 script=$7 url=$8
    local raw="$OUT/raw/$scenario-$server-$mode-$rep.txt"
    log "$scenario $server ($mode) rep $rep: wrk -t$threads -c$conns -d${DURATION}s $script (load $(cut -d' ' -f1 /proc/loadavg))"
    record "$scenario" "$server" "$mode" "$rep" load1_before "$(cut -d' ' -f1 /proc/loadavg)"
    BENCH_RUN="r$rep$RANDOM" wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s --latency \
        -s "$BENCH_WRK_DIR/$script" "$url" > "$raw" 2>&1
    local line
    line=$(grep '^RESULT' "$raw") || { cat "$raw" >&2; return 1; }
    echo "$line" >&2
    for metric in requests rps p50_ms p90_ms p99_ms max_ms errors non2xx; do
        record "$scenario" "$server" "$mode" "$rep" "$metric" "$(sed -E "s/.* $metric=([^ ]+).*/\1/" <<<"$line")"
    done
}

put_get_object() {  # the object the GET scenarios read
    local body
    body='{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"bench-get","labels":{"app.kubernetes.io/name":"bench"}},"data":{"LOG_LEVEL":"info","FEATURE_FLAGS":"checkout,search,recommendations","config.yaml":"server:\n  port: 8080\n  timeout: 30s\nstorage:\n  path: /var/lib/app\n  retention: 7d\n"}}'
    case $1 in
    tack) curl -skf -X POST -H "Authorization: Bearer $TACK_TOKEN" -H 'Content-Type: application/json' \
            --data "$body" "$TACK_URL/api/v1/namespaces/default/configmaps" >/dev/null ;;
    etcd) curl -skf -X POST "$ETCD_URL/v3/kv/put" --data "{\"key\":\"$(printf %s /registry/configmaps/default/bench-get | base64 -w0)\",\"value\":\"$(printf %s "$body" | base64 -w0)\"}" >/dev/null ;;
    esac
}

watch_run() {  # watch_run SERVER REP INTERVAL_MS
    local server=$1 rep=$2 interval=$3 raw args
    raw="$OUT/raw/watch-$interval-$server-$rep.txt"
    if [[ $server == tack ]]; then
        args=(--target tack --url "$TACK_URL" --token-file "$TACK_DIR/pki/admin.token" --ca-file "$TACK_DIR/pki/ca.crt")
    else
        args=(--target etcd --url "$ETCD_URL")
    fi
    log "watch $server rep $rep: 1000 watchers, 200 writes every $interval ms"
    "$WATCH" "${args[@]}" --watchers 1000 --writes 200 --interval-ms "$interval" > "$raw" 2>&1 || { cat "$raw" >&2; return 1; }
    cat "$raw" >&2
    local line
    line=$(grep '^RESULT' "$raw")
    for metric in deliveries expected open_s send_p50_ms send_p99_ms send_max_ms ack_p50_ms ack_p99_ms ack_max_ms write_p50_ms write_p99_ms; do
        record "watch-1000-every-${interval}ms" "$server" durable "$rep" "$metric" "$(sed -E "s/.* $metric=([^ ]+).*/\1/" <<<"$line")"
    done
}

# ---- Scenarios ----------------------------------------------------------------------------------------

for rep in $(seq 1 "$REPS"); do
    if wants write || wants get; then
        for server in etcd tack; do
            "start_$server" durable
            if [[ $server == etcd ]]; then url=$ETCD_URL; put=etcd-put.lua; get=etcd-range.lua; else url=$TACK_URL; put=tack-create.lua; get=tack-get.lua; fi
            if wants write; then
                wrk_run write-c1 "$server" durable "$rep" 1 1 "$put" "$url"
                wrk_run write-c16 "$server" durable "$rep" 2 16 "$put" "$url"
            fi
            if wants get; then
                put_get_object "$server"
                wrk_run get-c16 "$server" durable "$rep" 2 16 "$get" "$url"
                wrk_run get-c64 "$server" durable "$rep" 2 64 "$get" "$url"
                if [[ $server == etcd ]]; then
                    BENCH_SERIALIZABLE=1 wrk_run get-c64-serializable etcd durable "$rep" 2 64 etcd-range.lua "$url"
                fi
            fi
            pid_var=${server^^}_PID
            record after-load "$([[ $server == tack ]] && echo tack-api || echo etcd)" durable "$rep" rss_kb "$(rss_kb "${!pid_var}")"
            "stop_$server"
        done
    fi
    if wants tls; then
        # etcd over TLS too, as Tack always is: the same transport cost on both sides.
        start_etcd durable tls
        wrk_run write-c16 etcd-tls durable "$rep" 2 16 etcd-put.lua "$ETCD_URL"
        put_get_object etcd
        wrk_run get-c64 etcd-tls durable "$rep" 2 64 etcd-range.lua "$ETCD_URL"
        stop_etcd
    fi
    if wants crash; then
        for server in etcd tack; do
            "start_$server" crash
            if [[ $server == etcd ]]; then url=$ETCD_URL; put=etcd-put.lua; else url=$TACK_URL; put=tack-create.lua; fi
            wrk_run write-c1 "$server" crash "$rep" 1 1 "$put" "$url"
            wrk_run write-c16 "$server" crash "$rep" 2 16 "$put" "$url"
            "stop_$server"
        done
    fi
    if wants watch; then
        for interval in 20 100; do
            for server in etcd tack; do
                "start_$server" durable
                watch_run "$server" "$rep" "$interval"
                "stop_$server"
            done
        done
    fi
done

if wants native; then
    # etcd driven natively over gRPC by its own tool: 500 clients for 60 s, rate-limited to 8,000 writes/s.
    start_etcd durable
    log "etcdctl check perf --load=l (60 s)"
    ETCDCTL_API=3 etcdctl --endpoints "$ETCD_URL" check perf --load=l 2>&1 | tr '\r' '\n' | grep -v ' / 60 ' \
        | tee "$OUT/raw/etcdctl-check-perf.txt" >&2 || true
    tput=$(sed -nE 's/.*Throughput[^0-9]*([0-9]+) writes\/s.*/\1/p' "$OUT/raw/etcdctl-check-perf.txt")
    record etcdctl-check-perf-l etcd durable 1 writes_per_s "${tput:-nan}"
    stop_etcd
fi

if wants start; then
    export TACK
    # until-ready.sh passes TACK_UP_ARGS to `tack up`: the API server alone, then the full runtime.
    for server in tack-api tack etcd; do
        dir=$(mktemp -d /tmp/tack-bench-start.XXXXXX)
        START_DIR=$dir
        port=$TACK_PORT; [[ $server == etcd ]] && port=$ETCD_PORT
        case $server in
        tack-api) export TACK_UP_ARGS="--no-runtime" ;;
        tack) export TACK_UP_ARGS="--ingress-port $TACK_INGRESS_PORT --ingress-metrics-port $TACK_METRICS_PORT" ;;
        esac
        log "$server start to ready, fresh data folder"
        hyperfine -N --runs 10 --warmup 1 --prepare "rm -rf $dir/d" --export-json "$OUT/raw/start-fresh-$server.json" \
            "$BENCH/lib/until-ready.sh ${server%-api} $dir/d $port" >&2
        log "$server start to ready, restart on an existing data folder"
        hyperfine -N --runs 10 --warmup 1 --export-json "$OUT/raw/start-restart-$server.json" \
            "$BENCH/lib/until-ready.sh ${server%-api} $dir/d $port" >&2
        for kind in fresh restart; do
            for stat in median min max; do
                record "start-$kind" "$server" durable 1 "${stat}_ms" \
                    "$(python3 -c "import json,sys; print(round(json.load(open(sys.argv[1]))['results'][0][sys.argv[2]]*1000, 1))" \
                        "$OUT/raw/start-$kind-$server.json" "$stat")"
            done
        done
        rm -rf "$dir"
    done
    # Idle memory: a fresh start, then 10 s of nothing. tack-api: --no-runtime; tack: the full runtime.
    for rep in 1 2 3; do
        start_tack durable; sleep 10; record idle "tack-api" durable "$rep" rss_kb "$(rss_kb "$TACK_PID")"; stop_tack
        start_tack durable runtime; sleep 10; record idle "tack" durable "$rep" rss_kb "$(rss_kb "$TACK_PID")"; stop_tack
        start_etcd durable; sleep 10; record idle "etcd" durable "$rep" rss_kb "$(rss_kb "$ETCD_PID")"; stop_etcd
    done
fi

leftovers=$(pgrep -af "tack-bench-(tack|etcd|start)" || true)
[[ -z $leftovers ]] || { echo "processes left behind:" >&2; echo "$leftovers" >&2; }
log "results: $RESULTS"
python3 "$BENCH/lib/summarize.py" "$RESULTS"
