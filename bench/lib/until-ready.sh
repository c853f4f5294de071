#!/usr/bin/env bash
# Starts a server and returns as soon as it reports ready, then kills it (SIGKILL, so that stopping adds
# next to nothing to the time hyperfine measures). Used by control-plane.sh under hyperfine:
#
#   until-ready.sh tack DATA_DIR PORT     waits for `tack up`'s first stdout line, "API server ready at ..."
#   until-ready.sh etcd DATA_DIR PORT     waits for etcd's "ready to serve client requests" log line
#
# TACK (path of the tack binary) must be set for `tack`.
set -euo pipefail
kind=$1 dir=$2 port=$3
case $kind in
tack)
    coproc SERVER { exec "$TACK" up --data-dir "$dir" --api-port "$port" 2>/dev/null; }
    IFS= read -r line <&"${SERVER[0]}"
    [[ $line == "API server ready"* ]] || { echo "unexpected first line: $line" >&2; exit 1; }
    ;;
etcd)
    peer=$((port + 1))
    coproc SERVER { exec etcd --name bench --data-dir "$dir" \
        --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
        --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
        --initial-cluster "bench=http://127.0.0.1:$peer" 2>&1; }
    while IFS= read -r line <&"${SERVER[0]}"; do
        [[ $line == *"ready to serve client requests"* ]] && break
    done
    ;;
*) echo "usage: until-ready.sh tack|etcd DATA_DIR PORT" >&2; exit 2 ;;
esac
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
