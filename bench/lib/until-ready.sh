#!/usr/bin/env bash
# Starts a server and returns as soon as it reports ready, then kills it (SIGKILL, so that stopping adds
# next to nothing to the time hyperfine measures). Used by control-plane.sh under hyperfine:
#
#   until-ready.sh tack DATA_DIR PORT     waits for `tack up`'s first stdout line, "API server ready at ..."
#   until-ready.sh etcd DATA_DIR PORT     waits for etcd's "ready to serve client requests" log line
#
# TACK (path of the tack binary) must be set for `tack`; TACK_UP_ARGS (optional) adds arguments to `tack up`
# (control-plane.sh: `--no-runtime`, or loopback ports for the runtime's ingress).
set -euo pipefail
kind=$1 dir=$2 port=$3
case $kind in
tack)
    errors=$(mktemp)
    # shellcheck disable=SC2086  # TACK_UP_ARGS is a list of words
    coproc SERVER { exec "$TACK" up --data-dir "$dir" --api-port "$port" ${TACK_UP_ARGS:-} 2>"$errors"; }
    # Bash unsets SERVER and SERVER_PID as soon as the coprocess ends: keep copies.
    pid=$SERVER_PID
    exec 3<&"${SERVER[0]}"
    IFS= read -r line <&3 || true
    if [[ $line != "API server ready"* ]]; then
        echo "tack up did not report ready (first line: '$line'); its stderr:" >&2
        cat "$errors" >&2
        rm -f "$errors"
        exit 1
    fi
    rm -f "$errors"
    ;;
etcd)
    peer=$((port + 1))
    coproc SERVER { exec etcd --name bench --data-dir "$dir" \
        --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
        --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
        --initial-cluster "bench=http://127.0.0.1:$peer" 2>&1; }
    pid=$SERVER_PID
    exec 3<&"${SERVER[0]}"
    ready=0 seen=""
    while IFS= read -r line <&3; do
        if [[ $line == *"ready to serve client requests"* ]]; then ready=1; break; fi
        seen+="$line"$'\n'
    done
    if [[ $ready == 0 ]]; then printf 'etcd exited before it was ready:\n%s' "$seen" >&2; exit 1; fi
    ;;
*) echo "usage: until-ready.sh tack|etcd DATA_DIR PORT" >&2; exit 2 ;;
esac
kill -KILL "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
