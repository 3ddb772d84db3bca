#!/usr/bin/env bash
# vidensbase at a large scale of the LibreOffice help corpus (default x200: about 1M pages), on its
# own: build time and peak memory, index size, a sync with nothing changed, a sync with one file
# changed (the whole corpus walked, and only that path), the server's latency at 1 client and
# throughput at 16, and the server's peak memory. PostgreSQL at the same scale is compare.sh's
# job (`benches/compare.sh --scale 200 --build-runs 1`); this script answers the one-machine
# questions in a fraction of its time.
#
#   benches/scale.sh [--scale N] [--corpus DIR] [--duration S] [--index DIR]
#
#   --scale N     N variants of every page (default 200)
#   --corpus DIR  where the scaled corpus is made or found (default target/bench-corpus-xN)
#   --duration S  seconds of the c=16 run (default 20)
#   --index DIR   serve this index of the corpus (no build, no timed syncs; kept): two binaries
#                 compared on one index, e.g. VIDENSBASE_BIN=old … --index DIR, then the new one
#
# Needs what compare.sh installs (its venv in target/bench-venv, wrk, GNU time) and the base
# corpus (target/bench-corpus, see benches/README.md). Writes target/scale-out/ and prints a
# Markdown table. Removes the index it built and stops the server it started.
set -euo pipefail

SCALE=200 DURATION=20 CORPUS="" GIVEN_IDX=""
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --corpus) CORPUS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --index) GIVEN_IDX=$(realpath "$2"); shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ $SCALE =~ ^[1-9][0-9]*$ && $DURATION =~ ^[1-9][0-9]*$ ]] || { echo "bad numbers" >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=$REPO/target
HERE=$REPO/benches
VB=${VIDENSBASE_BIN:-$T/release/vidensbase}
PY=$T/bench-venv/bin/python
[ -x "$PY" ] || PY=python3
BASE_CORPUS=$T/bench-corpus
CORPUS=${CORPUS:-$T/bench-corpus-x$SCALE}
OUT=$T/scale-out
IDX=${GIVEN_IDX:-$OUT/index}
QUERIES=$T/bench-queries.tsv

say() { printf '\n==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$1" "$2"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
peak_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

SERVER_PID=""
cleanup() {
  local rc=$?
  set +e
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  [ -z "$GIVEN_IDX" ] && rm -rf "$IDX"
  [ $rc -ne 0 ] && echo "scale.sh failed (exit $rc); logs in $OUT" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ -d "$BASE_CORPUS/da" ] || { echo "no base corpus in $BASE_CORPUS: run benches/compare.sh once" >&2; exit 1; }
[ -x "$VB" ] || { echo "no binary $VB: cargo build --release" >&2; exit 1; }
[ -s "$QUERIES" ] || "$PY" "$HERE/make_queries.py" "$BASE_CORPUS" "$QUERIES" --count 400
case "$IDX/" in "$OUT"/*) [ -n "$GIVEN_IDX" ] && { echo "--index must not be under $OUT" >&2; exit 2; } ;; esac
rm -rf "$OUT"; mkdir -p "$OUT"

say "corpus x$SCALE in $CORPUS"
"$PY" "$HERE/bench.py" scale "$BASE_CORPUS" "$CORPUS" "$SCALE"
PAGES=$(find "$CORPUS" -name '*.html' | wc -l)

BUILD_S=— BUILD_MB=— NOCHANGE_S=— ONECHANGE_S=— ONEPATH_S=— CHANGED=""
SIZE_MB=—
[ -d "$IDX" ] && SIZE_MB=$(( $(du -sb "$IDX" | cut -f1) / 1000000 ))
if [ -z "$GIVEN_IDX" ]; then
  say "build (vidensbase index into an empty folder)"
  t0=$(now)
  /usr/bin/time -v "$VB" index --corpus "$CORPUS" --index "$IDX" >"$OUT/build.log" 2>&1
  BUILD_S=$(elapsed "$t0" "$(now)")
  BUILD_KB=$(peak_kb "$OUT/build.log")
  SIZE_MB=$(( $(du -sb "$IDX" | cut -f1) / 1000000 ))

  say "sync with nothing changed"
  t0=$(now)
  "$VB" index --corpus "$CORPUS" --index "$IDX" >"$OUT/nochange.log" 2>&1
  NOCHANGE_S=$(elapsed "$t0" "$(now)")

  say "sync with one file changed (the whole corpus walked)"
  CHANGED=$(find "$CORPUS/en" -name '*.html' | LC_ALL=C sort | awk 'NR == 1')
  printf '<p>zzscalechanged</p>\n' >>"$CHANGED"
  t0=$(now)
  "$VB" index --corpus "$CORPUS" --index "$IDX" >"$OUT/onechange.log" 2>&1
  ONECHANGE_S=$(elapsed "$t0" "$(now)")

  say "sync of that one path only"
  printf '<p>zzscalechangedagain</p>\n' >>"$CHANGED"
  t0=$(now)
  "$VB" index --corpus "$CORPUS" --index "$IDX" "$CHANGED" >"$OUT/onepath.log" 2>&1
  ONEPATH_S=$(elapsed "$t0" "$(now)")

  BUILD_MB=$(( BUILD_KB / 1000 ))
fi

say "serve (watching), latency at 1 client, throughput at 16"
PORT=$(free_port)
"$VB" serve --corpus "$CORPUS" --index "$IDX" --addr "127.0.0.1:$PORT" >"$OUT/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 3000); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$OUT/serve.log" >&2; exit 1; }
  sleep 0.1
done
# The server's first sync (a walk of the whole corpus) must be over before anything is timed.
for _ in $(seq 1 3000); do
  curl -fsS "http://127.0.0.1:$PORT/api/status" 2>/dev/null | grep -q '"last_commit":"' && break
  sleep 0.1
done
"$PY" "$HERE/bench.py" latency --system vb --addr "127.0.0.1:$PORT" --queries "$QUERIES" --out "$OUT/latency.json"
"$PY" "$HERE/bench.py" wrk-lua --queries "$QUERIES" --out "$OUT/wrk.lua"
THREADS=$(nproc)
wrk -t"$THREADS" -c16 -d"${DURATION}s" --timeout 30s -s "$OUT/wrk.lua" "http://127.0.0.1:$PORT" >"$OUT/wrk.out" 2>&1
"$PY" "$HERE/bench.py" wrk-stats --stdout-file "$OUT/wrk.out" --out "$OUT/wrk.json"
SERVE_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
# The changed file back as it was (the first in order is an original, not a variant), so the
# corpus can be used again.
[ -n "$CHANGED" ] && cp "$BASE_CORPUS/${CHANGED#"$CORPUS"/}" "$CHANGED"

j() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(round(d$2, 2))" "$1"; }
cat <<EOF | tee "$OUT/table.md"

## $(date -u +%Y-%m-%d) — scale.sh x$SCALE: $PAGES pages ($(git -C "$REPO" rev-parse --short HEAD); binary $(basename "$VB")${GIVEN_IDX:+, served on an existing index})

| | vidensbase |
|---|---|
| build from HTML (s) | $BUILD_S |
| build peak memory (MB) | $BUILD_MB |
| index size (MB) | $SIZE_MB |
| sync, nothing changed (s) | $NOCHANGE_S |
| sync, one file changed, corpus walked (s) | $ONECHANGE_S |
| sync of one path (s) | $ONEPATH_S |
| c=1 p50 / p99 (ms) | $(j "$OUT/latency.json" "['p50_ms']") / $(j "$OUT/latency.json" "['p99_ms']") |
| c=16 throughput (q/s) / p99 (ms) / errors | $(j "$OUT/wrk.json" "['qps']") / $(j "$OUT/wrk.json" "['p99_ms']") / $(j "$OUT/wrk.json" "['errors']") |
| serve peak memory (MB) | $(( SERVE_KB / 1000 )) |
EOF
