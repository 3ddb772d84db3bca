#!/usr/bin/env bash
# Interleaved build-time comparison of vidensbase binaries: the tool for "is this change faster?"
#
#   benches/build-ab.sh ROUNDS CORPUS BIN [BIN ...]
#   benches/build-ab.sh 10 /tmp/text-corpus /tmp/vb-before target/release/vidensbase
#
# Each round builds an index of CORPUS from scratch with every binary in turn (so a slow phase of
# a shared machine hits them all alike) and prints, per binary, the median and minimum wall time
# and CPU time (user + system). Single runs on this 2-core machine vary by 5-10 %; a difference
# smaller than that between medians of 10 is noise. Copy a binary before rebuilding it.
#
# A text corpus like the benchmark's: run benches/compare.sh once, then
#   target/bench-venv/bin/python benches/bench.py text-corpus \
#       --jsonl target/bench-out/export.jsonl --dest /tmp/text-corpus
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
ROUNDS=$1; CORPUS=$2; shift 2
INDEX=$(mktemp -d)
trap 'rm -rf "$INDEX"' EXIT
for _ in $(seq "$ROUNDS"); do
  for BIN in "$@"; do
    rm -rf "$INDEX/index"
    /usr/bin/time -f "$BIN %e %U %S" "$BIN" index --corpus "$CORPUS" --index "$INDEX/index" 2>&1 >/dev/null | tail -1
  done
done | python3 -c '
import collections, statistics as st, sys
runs = collections.defaultdict(list)
for line in sys.stdin:
    binary, wall, user, system = line.split()
    runs[binary].append((float(wall), float(user) + float(system)))
for binary, r in runs.items():
    wall, cpu = [w for w, _ in r], [c for _, c in r]
    print(f"{binary}: wall median {st.median(wall):.3f} min {min(wall):.3f} s | "
          f"cpu median {st.median(cpu):.3f} min {min(cpu):.3f} s ({len(r)} runs)")
'
