#!/usr/bin/env python3
"""Pod start latency on `tack up`: creates a Deployment of N replicas and watches its pods over one watch
connection, timing on this machine's clock (milliseconds, unlike the API's whole-second timestamps):

- per pod, from the moment its ADDED event arrives (the ReplicaSet controller created it) to the event
  that shows its Ready condition True ("create to Ready");
- per pod, from the Deployment's creation to the pod's Ready event;
- the time until all N pods are Ready.

Also prints the same per-pod latency from the API's own timestamps (creationTimestamp to the Ready
condition's lastTransitionTime, whole seconds). Used by runtime.sh:

    pod-start.py --server URL --token-file F --ca-file F [--replicas 100] [--image busybox] [--namespace NS]
"""
import argparse
import http.client
import json
import ssl
import statistics
import sys
import time
import urllib.parse
from datetime import datetime


def percentile(xs, q):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    i = min(len(xs) - 1, max(0, int(-(-q * len(xs) // 1)) - 1))
    return xs[i]


def parse_time(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").timestamp()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--token-file", required=True)
    p.add_argument("--ca-file", required=True)
    p.add_argument("--replicas", type=int, default=100)
    p.add_argument("--namespace", default="default")
    p.add_argument("--name", default="pod-start")
    p.add_argument("--timeout", type=float, default=600)
    a = p.parse_args()

    token = open(a.token_file).read().strip()
    url = urllib.parse.urlparse(a.server)
    context = ssl.create_default_context(cafile=a.ca_file)
    context.check_hostname = False
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"}

    def connect():
        return http.client.HTTPSConnection(url.hostname, url.port, context=context, timeout=a.timeout)

    label = f"bench-run={int(time.time())}"
    selector_key, selector_value = label.split("=")
    # Current revision, so that the watch starts before the Deployment exists and misses nothing.
    c = connect()
    c.request("GET", f"/api/v1/namespaces/{a.namespace}/pods?limit=1", headers=headers)
    r = c.getresponse()
    rv = json.loads(r.read())["metadata"]["resourceVersion"]

    watch = connect()
    watch.request("GET", f"/api/v1/namespaces/{a.namespace}/pods?watch=true&resourceVersion={rv}"
                         f"&labelSelector={urllib.parse.quote(label)}", headers=headers)
    stream = watch.getresponse()
    if stream.status != 200:
        sys.exit(f"watch answered {stream.status}: {stream.read()[:500]}")

    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": a.name, "namespace": a.namespace},
        "spec": {
            "replicas": a.replicas,
            "selector": {"matchLabels": {selector_key: selector_value}},
            "template": {
                "metadata": {"labels": {selector_key: selector_value}},
                "spec": {
                    "terminationGracePeriodSeconds": 1,
                    # A unique sleep length, so that leftovers are easy to find (runtime.sh checks).
                    "containers": [{"name": "main", "image": "busybox", "command": ["sleep", "86399"]}],
                },
            },
        },
    }
    start = time.time()
    c.request("POST", f"/apis/apps/v1/namespaces/{a.namespace}/deployments", body=json.dumps(deployment), headers=headers)
    r = c.getresponse()
    body = r.read()
    if r.status >= 300:
        sys.exit(f"creating the Deployment answered {r.status}: {body[:500]}")

    added, ready, api_latency = {}, {}, {}
    deadline = start + a.timeout
    while len(ready) < a.replicas and time.time() < deadline:
        line = stream.readline()
        if not line:
            break
        now = time.time()
        event = json.loads(line)
        obj = event.get("object", {})
        name = obj.get("metadata", {}).get("name")
        if event.get("type") in ("ADDED", "MODIFIED") and name:
            added.setdefault(name, now)
            for cond in obj.get("status", {}).get("conditions", []) or []:
                if cond.get("type") == "Ready" and cond.get("status") == "True" and name not in ready:
                    ready[name] = now
                    try:
                        api_latency[name] = parse_time(cond["lastTransitionTime"]) - parse_time(obj["metadata"]["creationTimestamp"])
                    except (KeyError, ValueError):
                        pass
    all_ready = max(ready.values()) - start if len(ready) == a.replicas else float("nan")
    per_pod = [(ready[n] - added[n]) * 1000 for n in ready]
    from_deploy = [(ready[n] - start) * 1000 for n in ready]
    first_pod = (min(added.values()) - start) * 1000 if added else float("nan")
    api = list(api_latency.values())
    print(f"{len(ready)} of {a.replicas} pods Ready; all Ready {all_ready:.2f} s after the Deployment was created; "
          f"first pod created after {first_pod:.0f} ms")
    print(f"  pod created -> Ready (watch events, ms): p50 {percentile(per_pod, .5):.0f}  p90 {percentile(per_pod, .9):.0f}  "
          f"p99 {percentile(per_pod, .99):.0f}  max {max(per_pod, default=float('nan')):.0f}")
    print(f"  Deployment created -> pod Ready (ms):    p50 {percentile(from_deploy, .5):.0f}  p90 {percentile(from_deploy, .9):.0f}  "
          f"p99 {percentile(from_deploy, .99):.0f}  max {max(from_deploy, default=float('nan')):.0f}")
    if api:
        print(f"  API timestamps, creationTimestamp -> Ready lastTransitionTime (whole seconds): "
              f"median {statistics.median(api):.0f} s, max {max(api):.0f} s")
    print(f"RESULT ready={len(ready)} replicas={a.replicas} all_ready_s={all_ready:.3f} first_pod_ms={first_pod:.0f} "
          f"pod_p50_ms={percentile(per_pod, .5):.0f} pod_p90_ms={percentile(per_pod, .9):.0f} pod_p99_ms={percentile(per_pod, .99):.0f} "
          f"pod_max_ms={max(per_pod, default=float('nan')):.0f} deploy_p50_ms={percentile(from_deploy, .5):.0f} "
          f"deploy_p99_ms={percentile(from_deploy, .99):.0f} api_median_s={statistics.median(api) if api else float('nan'):.0f} "
          f"api_max_s={max(api) if api else float('nan'):.0f}")
    # Scale to zero and delete, so that the next repetition starts from nothing.
    c.request("DELETE", f"/apis/apps/v1/namespaces/{a.namespace}/deployments/{a.name}",
              body=json.dumps({"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"}), headers=headers)
    c.getresponse().read()
    if len(ready) < a.replicas:
        sys.exit(1)


if __name__ == "__main__":
    main()
