#!/usr/bin/env bash
# Local runtime benchmark: Tack's ingress proxy against nginx (Debian's package) in front of the same
# backend, and pod start latency.
#
#   bench/runtime.sh [--reps N] [--duration SECONDS] [--pods N] [--only ingress,pods] [--skip-install] [--skip-build] [--bin-dir DIR]
#
# 1. `tack up` (full runtime) on a fresh temporary data folder: API on 16443, ingress on 18080 (metrics
#    20254). One Deployment of the demo app (`argoproj/rollouts-demo:blue`, which the runtime runs as
#    `tack __rollouts-demo` on the pod's own loopback address, port 8080), a Service and an Ingress.
# 2. nginx, not daemonised, with its own temporary configuration on 127.0.0.1:18081, proxying to the same
#    pod's address with upstream keep-alive (as ingress-nginx configures it), access log off.
# 3. wrk `GET /color` (Host: demo.bench) through each proxy and straight to the pod (the backend's own
#    ceiling) at 1, 64 and 256 connections, alternating tack and nginx per repetition.
# 4. Pod start: a Deployment of --pods busybox pods (`sleep`), timed by lib/pod-start.py over a watch.
# Everything started is stopped at the end; leftovers are reported. Results: $BENCH_OUT (default
# /tmp/tack-bench-runtime-DATE)/results.tsv and raw output.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH="$ROOT/bench"
REPS=3
DURATION=10
PODS=100
ONLY="ingress,pods"
INSTALL=1
BUILD=1
BIN_DIR=""
while [[ $# -gt 0 ]]; do
    case $1 in
    --reps) REPS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --pods) PODS=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --skip-install) INSTALL=0; shift ;;
    --skip-build) BUILD=0; shift ;;
    --bin-dir) BIN_DIR=$2; BUILD=0; shift 2 ;;  # measure the binaries in DIR instead of building the working tree
    *) echo "usage: $0 [--reps N] [--duration SECONDS] [--pods N] [--only ingress,pods] [--skip-install] [--skip-build] [--bin-dir DIR]" >&2; exit 2 ;;
    esac
done
wants() { [[ ",$ONLY," == *",$1,"* ]]; }

OUT=${BENCH_OUT:-/tmp/tack-bench-runtime-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT/raw"
RESULTS="$OUT/results.tsv"
[[ -f $RESULTS ]] || printf 'scenario\tserver\trep\tmetric\tvalue\n' > "$RESULTS"
API_PORT=16443
INGRESS_PORT=18080
METRICS_PORT=20254
NGINX_PORT=18081
BIN_DIR=${BIN_DIR:-$ROOT/.build-bench/release}
TACK="$BIN_DIR/tack"
export BENCH_WRK_DIR="$BENCH/wrk"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
log() { printf '\n== %s\n' "$*" >&2; }

if [[ $INSTALL == 1 ]]; then
    missing=()
    for tool in nginx:nginx wrk:wrk kubectl:kubectl python3:python3 curl:curl; do
        command -v "${tool%%:*}" >/dev/null || [[ -x /usr/sbin/${tool%%:*} ]] || missing+=("${tool#*:}")
    done
    if [[ ${#missing[@]} -gt 0 ]]; then
        log "installing ${missing[*]}"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
    fi
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [[ $BUILD == 1 ]]; then
    log "building tack (release, scratch path .build-bench)"
    (cd "$ROOT" && swift build -c release --product tack --scratch-path "$ROOT/.build-bench")
fi

DIR=$(mktemp -d /tmp/tack-bench-runtime.XXXXXX)
TACK_PID="" NGINX_PID=""
cleanup() {
    if [[ -n $NGINX_PID ]]; then kill -QUIT "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null || true; fi
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
    echo "nginx: $("$NGINX" -v 2>&1)"
    echo "wrk: $(wrk -v 2>&1 | head -1)"
} | tee "$OUT/versions.txt" >&2

export HOME="$DIR/home" KUBECONFIG="$DIR/data/kubeconfig"
mkdir -p "$HOME"
"$TACK" up --data-dir "$DIR/data" --api-port "$API_PORT" --ingress-port "$INGRESS_PORT" \
    --ingress-metrics-port "$METRICS_PORT" > "$OUT/tack.log" 2>&1 &
TACK_PID=$!
for _ in $(seq 1 400); do grep -q "API server ready" "$OUT/tack.log" && break; sleep 0.05; done
grep -q "API server ready" "$OUT/tack.log" || { cat "$OUT/tack.log" >&2; exit 1; }

record() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS"; }

# wrk_run SERVER REP CONNECTIONS URL
wrk_run() {
    local server=$1 rep=$2 conns=$3 url=$4 threads=2
    [[ $conns == 1 ]] && threads=1
    local raw="$OUT/raw/ingress-c$conns-$server-$rep.txt"
    log "$server c$conns rep $rep: wrk -t$threads -c$conns -d${DURATION}s $url (load $(cut -d' ' -f1 /proc/loadavg))"
    wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s --latency -H 'Host: demo.bench' \
        -s "$BENCH_WRK_DIR/plain.lua" "$url" > "$raw" 2>&1
    local line
    line=$(grep '^RESULT' "$raw") || { cat "$raw" >&2; return 1; }
    echo "$line" >&2
    for kv in ${line#RESULT }; do record "ingress-c$conns" "$server" "$rep" "${kv%%=*}" "${kv#*=}"; done
}

if wants ingress; then
    log "deploying the demo app behind an Ingress"
    kubectl apply -f - >/dev/null <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: demo, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec:
      containers:
      - name: demo
        image: argoproj/rollouts-demo:blue
        ports: [{containerPort: 8080}]
        readinessProbe: {httpGet: {path: /color, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: demo, namespace: default}
spec:
  selector: {app: demo}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: demo, namespace: default}
spec:
  ingressClassName: nginx
  rules:
  - host: demo.bench
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: demo, port: {number: 80}}}}
EOF
    kubectl rollout status deployment/demo --timeout=120s >&2
    POD_IP=$(kubectl get pods -l app=demo -o jsonpath='{.items[0].status.podIP}')
    BACKEND="$POD_IP:8080"
    for _ in $(seq 1 200); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' -H 'Host: demo.bench' "http://127.0.0.1:$INGRESS_PORT/color") == 200 ]] && break
        sleep 0.1
    done
    echo "backend: $BACKEND; through tack: $(curl -s -H 'Host: demo.bench' "http://127.0.0.1:$INGRESS_PORT/color")" >&2

    mkdir -p "$DIR/nginx"
    # As ingress-nginx configures its proxy: one worker per core, HTTP/1.1 keep-alive to the upstream
    # (its default pool of 320), large backlog. Access log off: tack's ingress writes none either.
    cat > "$DIR/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $DIR/nginx/nginx.pid;
error_log $DIR/nginx/error.log warn;
events { worker_connections 16384; multi_accept on; }
http {
    access_log off;
    client_body_temp_path $DIR/nginx/body;
    proxy_temp_path $DIR/nginx/proxy;
    fastcgi_temp_path $DIR/nginx/fastcgi;
    uwsgi_temp_path $DIR/nginx/uwsgi;
    scgi_temp_path $DIR/nginx/scgi;
    keepalive_requests 1000000;
    upstream demo { server $BACKEND; keepalive 320; keepalive_requests 1000000; }
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        server_name demo.bench;
        location / {
            proxy_pass http://demo;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
        }
    }
}
EOF
    "$NGINX" -c "$DIR/nginx/nginx.conf" -e "$DIR/nginx/error.log" > "$OUT/nginx.log" 2>&1 &
    NGINX_PID=$!
    for _ in $(seq 1 100); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' -H 'Host: demo.bench' "http://127.0.0.1:$NGINX_PORT/color") == 200 ]] && break
        sleep 0.05
    done
    echo "through nginx: $(curl -s -H 'Host: demo.bench' "http://127.0.0.1:$NGINX_PORT/color")" >&2

    for rep in $(seq 1 "$REPS"); do
        for conns in 1 64 256; do
            if (( rep % 2 )); then order="tack nginx"; else order="nginx tack"; fi
            for server in $order; do
                if [[ $server == tack ]]; then port=$INGRESS_PORT; else port=$NGINX_PORT; fi
                wrk_run "$server" "$rep" "$conns" "http://127.0.0.1:$port/color"
            done
            if [[ $rep == 1 ]]; then wrk_run direct "$rep" "$conns" "http://$BACKEND/color"; fi
        done
    done
    record process tack 1 rss_kb "$(ps -o rss= -p "$TACK_PID" | tr -d ' ')"
    kill -QUIT "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=""
    kubectl delete deployment/demo service/demo ingress/demo --wait=false >/dev/null
fi

if wants pods; then
    for rep in $(seq 1 "$REPS"); do
        log "pod start rep $rep: Deployment of $PODS busybox pods (load $(cut -d' ' -f1 /proc/loadavg))"
        raw="$OUT/raw/pods-$rep.txt"
        python3 "$BENCH/lib/pod-start.py" --server "https://127.0.0.1:$API_PORT" --token-file "$DIR/data/pki/admin.token" \
            --ca-file "$DIR/data/pki/ca.crt" --replicas "$PODS" --name "pod-start-$rep" > "$raw"
        cat "$raw" >&2
        line=$(grep '^RESULT' "$raw")
        for kv in ${line#RESULT }; do record pod-start tack "$rep" "${kv%%=*}" "${kv#*=}"; done
        # Let the pods of this repetition go before the next one starts.
        for _ in $(seq 1 120); do
            [[ -z $(kubectl get pods -o name 2>/dev/null) ]] && break
            sleep 1
        done
    done
fi

kill -TERM "$TACK_PID"; wait "$TACK_PID" 2>/dev/null || true; TACK_PID=""
sleep 1
leftovers=$(pgrep -af 'sleep 86399|__rollouts-demo|tack-bench-runtime' || true)
if [[ -n $leftovers ]]; then echo "processes left behind after tack up stopped:" >&2; echo "$leftovers" >&2; fi

log "medians over $REPS repetitions ($RESULTS)"
python3 - "$RESULTS" <<'EOF'
import statistics, sys
from collections import defaultdict
v = defaultdict(list)
for line in list(open(sys.argv[1]))[1:]:
    scenario, server, rep, metric, value = line.rstrip("\n").split("\t")
    try: v[(scenario, server, metric)].append(float(value))
    except ValueError: pass
def m(s, srv, k):
    xs = v.get((s, srv, k)); return statistics.median(xs) if xs else float("nan")
print("| connections | tack req/s | nginx req/s | tack/nginx | tack p50 / p99 ms | nginx p50 / p99 ms | p99 tack/nginx | direct req/s | errors tack; nginx |")
print("|---|---|---|---|---|---|---|---|---|")
for c in (1, 64, 256):
    s = f"ingress-c{c}"
    if not v.get((s, "tack", "rps")): continue
    t, n = m(s, "tack", "rps"), m(s, "nginx", "rps")
    print(f"| {c} | {t:.0f} | {n:.0f} | {t/n:.2f} | {m(s,'tack','p50_ms'):.2f} / {m(s,'tack','p99_ms'):.2f} | "
          f"{m(s,'nginx','p50_ms'):.2f} / {m(s,'nginx','p99_ms'):.2f} | {m(s,'tack','p99_ms')/m(s,'nginx','p99_ms'):.2f} | "
          f"{m(s,'direct','rps'):.0f} | {v.get((s,'tack','errors'))}; {v.get((s,'nginx','errors'))} |")
    print(f"|   per run req/s | {v[(s,'tack','rps')]} | {v[(s,'nginx','rps')]} | | | | | | |")
if v.get(("pod-start", "tack", "ready")):
    g = lambda k: m("pod-start", "tack", k)
    print(f"\npod start, {g('replicas'):.0f} pods: all Ready after {g('all_ready_s'):.2f} s; pod created -> Ready p50 {g('pod_p50_ms'):.0f} ms, "
          f"p99 {g('pod_p99_ms'):.0f} ms, max {g('pod_max_ms'):.0f} ms; Deployment -> pod Ready p50 {g('deploy_p50_ms'):.0f} ms, "
          f"p99 {g('deploy_p99_ms'):.0f} ms; per run all-ready s: {v[('pod-start','tack','all_ready_s')]}")
EOF
