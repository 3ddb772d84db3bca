#!/usr/bin/env python3
"""Anyone against staff: the same queries asked of one server, signed out and signed in as a
reader (the session cookie of `/login`), alternating per query so both see the same machine state.

    access.py ADDR COOKIE QUERIES OUT.json [--passes N]

Reports p50/p95/p99 of the wall time per audience (one persistent connection each), the sum of
`total` per audience, and how many queries found fewer for anyone than for staff."""
import argparse
import http.client
import json
import math
import time
import urllib.parse


def pct(sorted_vals, p):
    k = max(0, math.ceil(p / 100 * len(sorted_vals)) - 1)
    return sorted_vals[k]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("addr")
    ap.add_argument("cookie")
    ap.add_argument("queries")
    ap.add_argument("out")
    ap.add_argument("--passes", type=int, default=5)
    a = ap.parse_args()
    with open(a.queries, encoding="utf-8") as f:
        f.readline()
        queries = [line.rstrip("\n").split("\t")[2] for line in f]
    host, port = a.addr.rsplit(":", 1)
    conns = {who: http.client.HTTPConnection(host, int(port), timeout=60) for who in ("anyone", "staff")}
    headers = {"anyone": {}, "staff": {"Cookie": a.cookie}}

    def ask(who, q):
        path = "/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10})
        start = time.perf_counter()
        conns[who].request("GET", path, headers=headers[who])
        resp = conns[who].getresponse()
        body = resp.read()
        ms = (time.perf_counter() - start) * 1000
        assert resp.status == 200, (who, q, resp.status, body[:200])
        return ms, json.loads(body)["total"]

    for q in queries:  # warm-up
        ask("anyone", q), ask("staff", q)
    times = {"anyone": [], "staff": []}
    totals = {"anyone": 0, "staff": 0}
    fewer = 0
    for n in range(a.passes):
        for i, q in enumerate(queries):
            order = ("anyone", "staff") if (i + n) % 2 == 0 else ("staff", "anyone")
            found = {}
            for who in order:
                ms, total = ask(who, q)
                times[who].append(ms)
                found[who] = total
            if n == 0:
                totals["anyone"] += found["anyone"]
                totals["staff"] += found["staff"]
                fewer += found["anyone"] < found["staff"]
    out = {"queries": len(queries), "passes": a.passes, "totals": totals,
           "queries_finding_fewer_for_anyone": fewer}
    for who, ts in times.items():
        s = sorted(ts)
        out[who] = {"p50_ms": pct(s, 50), "p95_ms": pct(s, 95), "p99_ms": pct(s, 99),
                    "mean_ms": sum(s) / len(s)}
    out["staff_over_anyone_mean"] = out["staff"]["mean_ms"] / out["anyone"]["mean_ms"]
    out["staff_over_anyone_p99"] = out["staff"]["p99_ms"] / out["anyone"]["p99_ms"]
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
