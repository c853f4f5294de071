#!/bin/sh
# A client-go credential plugin for tests. $1: the ExecCredential version to print (v1, v1beta1).
# $2: token (a token, with expirationTimestamp $TACK_TEST_EXPIRY when set), fail, hang.
# Each run appends a line to $TACK_TEST_COUNTER and saves KUBERNETES_EXEC_INFO to $TACK_TEST_COUNTER.info.
version="$1"
mode="$2"
runs=0
if [ -n "$TACK_TEST_COUNTER" ]; then
  echo run >> "$TACK_TEST_COUNTER"
  printf '%s' "$KUBERNETES_EXEC_INFO" > "$TACK_TEST_COUNTER.info"
  runs=$(wc -l < "$TACK_TEST_COUNTER" | tr -d ' ')
fi
case "$mode" in
  fail)
    echo "  error: the refresh token for alice has expired; run 'cloud login'  " >&2
    exit 3
    ;;
  hang)
    exec sleep 30
    ;;
esac
expiry=""
if [ -n "$TACK_TEST_EXPIRY" ]; then
  expiry=",\"expirationTimestamp\":\"$TACK_TEST_EXPIRY\""
fi
printf '{"apiVersion":"client.authentication.k8s.io/%s","kind":"ExecCredential","status":{"token":"plugin-token-%s-%s"%s}}\n' \
  "$version" "$GREETING" "$runs" "$expiry"
