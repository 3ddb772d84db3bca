#!/usr/bin/env python3
"""Search latency of a running vidensbase over its PDF index: one client, keep-alive HTTP.

usage: benches/pdf_latency.py PORT [EXPORT.jsonl]

Queries: 200 single words (6+ letters) and 100 pairs drawn (fixed seed) from the texts of
`vidensbase export` of the PDF corpus (default target/bench-pdf-out/export.jsonl, left by
benches/pdf.sh). Every query is sent twice; the second round is timed and p50/p99 printed.
Start the server first, e.g.
  target/release/vidensbase --corpus target/bench-pdf-corpus --index /tmp/pdfidx \\
      --addr 127.0.0.1:18090 serve --no-watch
"""
import http.client
import json
import random
import re
import statistics
import sys
import time
import urllib.parse

port = int(sys.argv[1])
export = sys.argv[2] if len(sys.argv) > 2 else "target/bench-pdf-out/export.jsonl"
random.seed(7)
words = []
with open(export) as f:
    for i, line in enumerate(f):
        if i % 5:
            continue
        d = json.loads(line)
        ws = re.findall(r"[^\W\d_]{6,}", d["text"][:5000])
        if ws:
            words.extend(random.sample(ws, min(3, len(ws))))
random.shuffle(words)
queries = words[:200] + [" ".join(random.sample(words, 2)) for _ in range(100)]
conn = http.client.HTTPConnection("127.0.0.1", port)
times = []
for q in queries * 2:
    t = time.perf_counter()
    conn.request("GET", "/api/search?q=" + urllib.parse.quote(q))
    r = conn.getresponse()
    r.read()
    times.append((time.perf_counter() - t) * 1000)
times = sorted(times[len(queries):])
print(f"n={len(times)} p50={statistics.median(times):.2f} ms "
      f"p99={times[int(len(times) * 0.99)]:.2f} ms max={times[-1]:.2f} ms")
