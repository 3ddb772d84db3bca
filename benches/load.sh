#!/usr/bin/env bash
# Searches under load while the index is re-built (issue #12), at 5k and 100k documents.
#
#   benches/load.sh [--scales "1 20"] [--scale N] [--duration S] [--clients N] [--results FILE]
#
#   --scales "1 20"  the scales to run, in order (default both: 1 = 5,120 pages, 20 = 102,400)
#   --scale N        one scale only (same as --scales N)
#   --duration S     seconds of load per phase, at least (default 20)
#   --clients N      concurrent search clients (default 16)
#   --results FILE   where the Markdown section is prepended (default benches/RESULTS.md;
#                    --results - prints it only)
#
# Per scale: a copy of the corpus (hard links; target/load-corpus-5k or -100k), an index built
# from scratch, `vidensbase serve` (watching, admin token set) on a free port, then load.py's
# phases: before / during a watcher sync of 300 added + 300 changed + 300 deleted files / during
# POST /api/reindex / freshness of single files. Raw numbers in target/load-out/ (replaced by
# each run); the corpus copies, indexes and the server are removed/stopped at exit, also on
# failure or Ctrl-C. Python 3 standard library only. See benches/README.md.
set -euo pipefail

SCALES="1 20" DURATION=20 CLIENTS=16 RESULTS="" ARGS="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --scales) SCALES=$2; shift 2 ;;
    --scale) SCALES=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --results) RESULTS=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
for s in $SCALES; do [[ $s =~ ^[1-9][0-9]*$ ]] || { echo "bad scale: $s" >&2; exit 2; }; done
[[ $DURATION =~ ^[1-9][0-9]*$ && $CLIENTS =~ ^[1-9][0-9]*$ ]] || { echo "bad numbers" >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
T=$REPO/target
OUT=$T/load-out
HERE=$REPO/benches
VB_SRC=${VIDENSBASE_BIN:-$T/release/vidensbase}
QUERIES=$T/bench-queries.tsv
BASE_CORPUS=$T/bench-corpus
[ -z "$RESULTS" ] && RESULTS=$HERE/RESULTS.md
[ "$RESULTS" = - ] && RESULTS=""
PY=python3

say() { printf '\n==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
name_of() { case "$1" in 1) echo 5k ;; 20) echo 100k ;; *) echo "x$1" ;; esac; }

# ---------------------------------------------------------------------------- cleanup
SERVER_PID="" CORPUS="" IDX=""
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  kill "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "server $SERVER_PID did not stop within 10 s: SIGKILL" >&2
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
remove_copies() {
  [ -n "$IDX" ] && rm -rf "$IDX" "$IDX.rebuild" "$IDX.rebuild.rebuild"
  [ -n "$CORPUS" ] && rm -rf "$CORPUS"
  CORPUS="" IDX=""
}
cleanup() {
  local rc=$?
  set +e
  stop_server
  remove_copies
  [ $rc -ne 0 ] && echo "load.sh failed (exit $rc); logs in $OUT" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$OUT"
mkdir -p "$OUT"

# other CPU-heavy work on a 2-core machine skews every number: say so in the results
NOISE=""
cpu_busy() {  # busy % of all CPUs over $1 seconds, from /proc/stat
  local a b c d e f g h t1 i1
  read -r _ a b c d e f g h _ </proc/stat; t1=$((a+b+c+d+e+f+g+h)); i1=$((d+e))
  sleep "$1"
  read -r _ a b c d e f g h _ </proc/stat
  echo $(( 100 - 100 * (d + e - i1) / (a+b+c+d+e+f+g+h - t1) ))
}
building() { pgrep -x rustc >/dev/null || pgrep -x cargo >/dev/null; }

say "tools"
[ -x "$VB_SRC" ] || { echo "no vidensbase binary at $VB_SRC (cargo build --release, or set VIDENSBASE_BIN)" >&2; exit 1; }
cp "$VB_SRC" "$OUT/vidensbase"; VB=$OUT/vidensbase   # a snapshot: a rebuild during the run changes nothing
VB_VERSION=$("$VB" --version 2>/dev/null | head -1 || echo "?")
echo "vidensbase: $VB_VERSION ($VB_SRC); python: $($PY --version 2>&1)" >&2
BUSY=$(cpu_busy 3)
if [ "$BUSY" -gt 25 ]; then
  NOISE="the machine was ${BUSY}% busy before the run started (top: $(ps -eo comm,pcpu --sort=-pcpu | sed -n 2p | tr -s ' '))"
  echo "WARNING: $NOISE" >&2
fi
if [ ! -s "$QUERIES" ]; then
  say "query set (target/bench-queries.tsv is missing)"
  [ -d "$BASE_CORPUS/da" ] || { echo "no corpus at $BASE_CORPUS: run benches/compare.sh once (it fetches it)" >&2; exit 1; }
  $PY "$HERE/make_queries.py" "$BASE_CORPUS" "$QUERIES" --count 400
fi
cp "$QUERIES" "$OUT/queries.tsv"
TOKEN=$($PY -c 'import secrets; print(secrets.token_hex(16))')

# ---------------------------------------------------------------------------- per scale
for SCALE in $SCALES; do
  NAME=$(name_of "$SCALE")
  D=$OUT/scale-$SCALE
  mkdir -p "$D"
  if [ "$SCALE" = 1 ]; then SRC=$BASE_CORPUS; else SRC=$T/bench-corpus-x$SCALE; fi
  if [ ! -d "$SRC/da" ] || [ ! -d "$SRC/en" ]; then
    if [ "$SCALE" = 1 ]; then echo "no corpus at $SRC: run benches/compare.sh once (it fetches it)" >&2; exit 1; fi
    say "scaled corpus x$SCALE (missing: made from $BASE_CORPUS)"
    $PY "$HERE/bench.py" scale "$BASE_CORPUS" "$SRC" "$SCALE"
  fi

  say "x$SCALE ($NAME): copy of $SRC (hard links; the changed files get their own inode)"
  CORPUS=$T/load-corpus-$NAME IDX=$T/load-index-$NAME
  rm -rf "$CORPUS" "$IDX" "$IDX.rebuild"
  cp -al "$SRC" "$CORPUS" 2>/dev/null || { rm -rf "$CORPUS"; cp -r "$SRC" "$CORPUS"; }
  NFILES=$(find "$CORPUS" -type f -name '*.html' ! -name '.*' | wc -l)
  echo "$NFILES pages in $CORPUS" >&2
  $PY "$HERE/load.py" prepare --corpus "$CORPUS" --out "$D/plan.json" >/dev/null

  say "x$SCALE: vidensbase index (empty index dir, wall clock)"
  BUILD_NOISE=""
  if building; then BUILD_NOISE="cargo/rustc running at the start of the index build"; echo "WARNING: $BUILD_NOISE" >&2; fi
  t0=$(now)
  timeout 1800 "$VB" index --corpus "$CORPUS" --index "$IDX" >"$D/index.log" 2>&1 || { tail -20 "$D/index.log" >&2; exit 1; }
  t1=$(now)
  tail -1 "$D/index.log" >&2
  $PY - "$(elapsed "$t0" "$t1")" "$(du -sb "$IDX" | cut -f1)" "$D/index.log" "$BUILD_NOISE" >"$D/build.json" <<'EOF'
import json, sys
print(json.dumps({"index_s": float(sys.argv[1]), "bytes": int(sys.argv[2]),
                  "summary": open(sys.argv[3], errors="replace").read().strip().split("\n")[-1][-300:],
                  "noise": sys.argv[4]}))
EOF

  say "x$SCALE: vidensbase serve (watching the corpus, admin API open)"
  PORT=$(free_port)
  VIDENSBASE_ADMIN_TOKEN=$TOKEN "$VB" serve --corpus "$CORPUS" --index "$IDX" --addr "127.0.0.1:$PORT" >"$D/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$D/serve.log" >&2; exit 1; }
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "server not healthy after 60 s" >&2; tail -20 "$D/serve.log" >&2; exit 1; }

  say "x$SCALE: phases (before, during sync, during rebuild, freshness), >= $DURATION s each"
  VIDENSBASE_ADMIN_TOKEN=$TOKEN timeout 3600 $PY "$HERE/load.py" run --addr "127.0.0.1:$PORT" \
    --corpus "$CORPUS" --index "$IDX" --queries "$QUERIES" --plan "$D/plan.json" --out "$D" \
    --server-pid "$SERVER_PID" --scale "$SCALE" --files "$NFILES" --duration "$DURATION" --clients "$CLIENTS"

  stop_server
  remove_copies
done

# ---------------------------------------------------------------------------- report
say "report"
if building; then NOISE="${NOISE:+$NOISE; }cargo/rustc running at the end of the run"; fi
$PY "$HERE/load.py" report --dir "$OUT" --scales "$SCALES" --results "$RESULTS" --repo "$REPO" \
  --vb-version "$VB_VERSION" --bin-src "$VB_SRC" --cmdline "$ARGS" --note "$NOISE"
[ -n "$RESULTS" ] && echo "(also written to $RESULTS; raw numbers in $OUT)" >&2 || echo "(raw numbers in $OUT)" >&2
