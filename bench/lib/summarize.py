#!/usr/bin/env python3
"""Summarises bench/control-plane.sh's results.tsv as Markdown tables: medians over repetitions, with the
individual values in brackets and the tack/etcd ratio."""
import statistics
import sys
from collections import defaultdict


def load(path):
    values = defaultdict(list)
    with open(path) as f:
        next(f)
        for line in f:
            scenario, server, mode, rep, metric, value = line.rstrip("\n").split("\t")
            try:
                values[(scenario, server, mode, metric)].append(float(value))
            except ValueError:
                pass
    return values


def main(path):
    v = load(path)

    def med(scenario, server, mode, metric):
        xs = v.get((scenario, server, mode, metric))
        return statistics.median(xs) if xs else None

    def each(scenario, server, mode, metric, fmt="{:.0f}"):
        xs = v.get((scenario, server, mode, metric)) or []
        return "/".join(fmt.format(x) for x in xs)

    def f(x, fmt="{:.0f}"):
        return "–" if x is None else fmt.format(x)

    def ratio(a, b):
        return "–" if a is None or b is None or b == 0 else f"{a / b:.2f}"

    print("### Writes (requests/s; latency in ms)\n")
    print("| scenario | durability | tack req/s | etcd req/s | tack/etcd | tack p50 / p99 | etcd p50 / p99 | per-run req/s tack; etcd |")
    print("|---|---|---|---|---|---|---|---|")
    for mode in ("durable", "crash"):
        for scenario in ("write-c1", "write-c16"):
            t, e = med(scenario, "tack", mode, "rps"), med(scenario, "etcd", mode, "rps")
            if t is None and e is None:
                continue
            print(f"| {scenario} | {mode} | {f(t)} | {f(e)} | {ratio(t, e)} | "
                  f"{f(med(scenario, 'tack', mode, 'p50_ms'), '{:.2f}')} / {f(med(scenario, 'tack', mode, 'p99_ms'), '{:.2f}')} | "
                  f"{f(med(scenario, 'etcd', mode, 'p50_ms'), '{:.2f}')} / {f(med(scenario, 'etcd', mode, 'p99_ms'), '{:.2f}')} | "
                  f"{each(scenario, 'tack', mode, 'rps')}; {each(scenario, 'etcd', mode, 'rps')} |")
    e = med("write-c16", "etcd-tls", "durable", "rps")
    if e is not None:
        t = med("write-c16", "tack", "durable", "rps")
        print(f"| write-c16, etcd over TLS | durable | {f(t)} | {f(e)} | {ratio(t, e)} | – | "
              f"{f(med('write-c16', 'etcd-tls', 'durable', 'p50_ms'), '{:.2f}')} / {f(med('write-c16', 'etcd-tls', 'durable', 'p99_ms'), '{:.2f}')} | "
              f"; {each('write-c16', 'etcd-tls', 'durable', 'rps')} |")
    native = med("etcdctl-check-perf-l", "etcd", "durable", "writes_per_s")
    if native is not None:
        print(f"\netcd natively (etcdctl check perf --load=l, 500 gRPC clients, 60 s): {native:.0f} writes/s")
    errors = [(k, x) for k, xs in v.items() if k[3] in ("errors", "non2xx") for x in xs if x]
    print(f"\nwrk errors or non-2xx answers: {errors if errors else 'none'}\n")

    print("### GETs of one object (requests/s; latency in ms)\n")
    print("| scenario | tack req/s | etcd req/s | tack/etcd | tack p50 / p99 | etcd p50 / p99 | per-run req/s tack; etcd |")
    print("|---|---|---|---|---|---|---|")
    for scenario, etcd in (("get-c16", ("get-c16", "etcd")), ("get-c64", ("get-c64", "etcd")),
                           ("get-c64", ("get-c64-serializable", "etcd")), ("get-c64", ("get-c64", "etcd-tls"))):
        t, e = med(scenario, "tack", "durable", "rps"), med(etcd[0], etcd[1], "durable", "rps")
        if e is None:
            continue
        label = scenario if etcd == (scenario, "etcd") else f"{scenario} vs {etcd[1]} {etcd[0]}"
        print(f"| {label} | {f(t)} | {f(e)} | {ratio(t, e)} | "
              f"{f(med(scenario, 'tack', 'durable', 'p50_ms'), '{:.2f}')} / {f(med(scenario, 'tack', 'durable', 'p99_ms'), '{:.2f}')} | "
              f"{f(med(etcd[0], etcd[1], 'durable', 'p50_ms'), '{:.2f}')} / {f(med(etcd[0], etcd[1], 'durable', 'p99_ms'), '{:.2f}')} | "
              f"{each(scenario, 'tack', 'durable', 'rps')}; {each(etcd[0], etcd[1], 'durable', 'rps')} |")

    print("\n### Watch delivery, 1,000 watchers, 200 writes (ms)\n")
    print("| pace | server | deliveries | after send p50 / p99 / max | after ack p50 / p99 / max | write p50 / p99 | per-run p99 after send |")
    print("|---|---|---|---|---|---|---|")
    for pace in ("20", "100"):
        scenario = f"watch-1000-every-{pace}ms"
        for server in ("tack", "etcd"):
            if med(scenario, server, "durable", "deliveries") is None:
                continue
            g = lambda m: f(med(scenario, server, "durable", m), "{:.1f}")
            print(f"| every {pace} ms | {server} | {f(med(scenario, server, 'durable', 'deliveries'))} of "
                  f"{f(med(scenario, server, 'durable', 'expected'))} | {g('send_p50_ms')} / {g('send_p99_ms')} / {g('send_max_ms')} | "
                  f"{g('ack_p50_ms')} / {g('ack_p99_ms')} / {g('ack_max_ms')} | {g('write_p50_ms')} / {g('write_p99_ms')} | "
                  f"{each(scenario, server, 'durable', 'send_p99_ms', '{:.1f}')} |")

    print("\n### Start to ready (ms, hyperfine, 10 runs) and memory (MB)\n")
    print("tack-api: `tack up --no-runtime` (the API server alone); tack: the full `tack up` (API server and local runtime).\n")
    print("| measure | tack-api | tack | etcd | tack-api/etcd |")
    print("|---|---|---|---|---|")
    for kind in ("fresh", "restart"):
        row = {}
        for server in ("tack-api", "tack", "etcd"):
            m = med(f"start-{kind}", server, "durable", "median_ms")
            row[server] = m
        if all(x is None for x in row.values()):
            continue
        cells = [f"{f(row[s], '{:.0f}')} ({f(med(f'start-{kind}', s, 'durable', 'min_ms'))}–{f(med(f'start-{kind}', s, 'durable', 'max_ms'))})"
                 for s in ("tack-api", "tack", "etcd")]
        print(f"| start to ready, {kind} data folder (median; min–max) | {' | '.join(cells)} | {ratio(row['tack-api'], row['etcd'])} |")
    for scenario, label in (("idle", "idle RSS after start + 10 s (median of 3)"), ("after-load", "RSS after the write and GET runs")):
        vals = {s: med(scenario, s, "durable", "rss_kb") for s in ("tack-api", "tack", "etcd")}
        if all(x is None for x in vals.values()):
            continue
        cells = [f(vals[s] and vals[s] / 1024, '{:.0f}') + (f" [{each(scenario, s, 'durable', 'rss_kb', '{:.0f}')} kB]" if vals[s] else "")
                 for s in ("tack-api", "tack", "etcd")]
        print(f"| {label} | {' | '.join(cells)} | {ratio(vals['tack-api'], vals['etcd'])} |")

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "results.tsv")
