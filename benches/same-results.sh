#!/usr/bin/env bash
# Do two vidensbase binaries rank alike? The check for changes that should not change results.
#
#   benches/same-results.sh BIN_A BIN_B [CORPUS]
#
# Builds an index of CORPUS (default target/bench-corpus) with each binary, serves it, sends the
# benchmark's queries (target/bench-queries.tsv, written by benches/compare.sh) to /api/search and
# compares each query's ten scores. Ids are not compared: documents with equal scores come back in
# either order from run to run (two indexing threads fill two segments), even from one binary.
# For the same reason a score can, rarely, differ in the last digit (summation order); look at
# the differing lines before concluding. Exits 1 and lists the first differing queries.
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,10p' "$0" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
CORPUS=${3:-$ROOT/target/bench-corpus}
QUERIES=$ROOT/target/bench-queries.tsv
[ -f "$QUERIES" ] || { echo "no $QUERIES: run benches/compare.sh once" >&2; exit 2; }
WORK=$(mktemp -d)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

n=0
for BIN in "$1" "$2"; do
  n=$((n + 1))
  "$BIN" index --corpus "$CORPUS" --index "$WORK/index$n" >/dev/null 2>&1
  PORT=$(free_port)
  "$BIN" serve --corpus "$CORPUS" --index "$WORK/index$n" --addr "127.0.0.1:$PORT" >"$WORK/serve$n.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -s -o /dev/null "127.0.0.1:$PORT/" && break; sleep 0.2; done
  # The server's first sync (and its linking of editions) must be over before anything is asked.
  for _ in $(seq 600); do
    curl -fsS "127.0.0.1:$PORT/api/status" 2>/dev/null | grep -q '"last_commit":"' && break
    sleep 0.1
  done
  python3 - "$PORT" "$QUERIES" >"$WORK/scores$n" <<'PY'
import csv, json, sys, urllib.parse, urllib.request
port, queries = sys.argv[1], sys.argv[2]
for row in csv.DictReader(open(queries, encoding="utf-8"), delimiter="\t"):
    url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": row["query"]})
    hits = json.load(urllib.request.urlopen(url))["hits"]
    print(row["query"], "|", " ".join(f"{h['score']:.3f}" for h in hits))
PY
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
done
total=$(wc -l <"$WORK/scores1")
if cmp -s "$WORK/scores1" "$WORK/scores2"; then
  echo "same top-10 scores for all $total queries"
else
  echo "$(diff "$WORK/scores1" "$WORK/scores2" | grep -c '^<') of $total queries differ; first ones:"
  diff "$WORK/scores1" "$WORK/scores2" | head -8
  exit 1
fi
