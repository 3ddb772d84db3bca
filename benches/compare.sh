#!/usr/bin/env bash
# vidensbase vs PostgreSQL full-text search on the LibreOffice help corpus (Danish + English).
#
#   benches/compare.sh [--scale N] [--queries N] [--duration S] [--build-runs N] [--pg-only]
#
#   --scale N     N variants of every page (default 1 = 5,120 pages; 20 = 102,400 pages)
#   --queries N   size of the query set, half Danish, half English (default 400, at least 300 advised)
#   --duration S  seconds of each c=16 load test (default 20)
#   --build-runs N  builds from the extracted text per system; the median is reported (default 3)
#   --pg-only     test aid: skip vidensbase, load PG from this harness's own HTML extractor
#
# Needs root (or sudo-less rights to apt-get) the first time, to install postgresql and wrk.
# Leaves target/bench-corpus*/, target/bench-queries.tsv and target/bench-out/ behind; removes the
# PostgreSQL cluster, the vidensbase index and every process it started. See benches/README.md.
set -euo pipefail

SCALE=1 NQ=400 DURATION=20 PG_ONLY=0 CONC=16 BUILD_RUNS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE=$2; shift 2 ;;
    --queries) NQ=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --build-runs) BUILD_RUNS=$2; shift 2 ;;
    --pg-only) PG_ONLY=1; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ $SCALE =~ ^[1-9][0-9]*$ && $NQ =~ ^[0-9]+$ && $DURATION =~ ^[1-9][0-9]*$ && $BUILD_RUNS =~ ^[1-9][0-9]*$ ]] || { echo "bad numbers" >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
T=$REPO/target
OUT=$T/bench-out
VB=${VIDENSBASE_BIN:-$T/release/vidensbase}
BASE_CORPUS=$T/bench-corpus
if [ "$SCALE" = 1 ]; then CORPUS=$BASE_CORPUS; else CORPUS=$T/bench-corpus-x$SCALE; fi
VBIDX=$T/bench-vb-index
TEXT_CORPUS=$T/bench-text-corpus
TEXT_IDX=$T/bench-vb-text-index
PGDATA=$T/bench-pg
QUERIES=$T/bench-queries.tsv
FRESH_PAGE=$CORPUS/en/zz-bench-fresh/fresh.html
PY=$T/bench-venv/bin/python
HERE=$REPO/benches

say() { printf '\n==> %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# ---------------------------------------------------------------------------- cleanup
SERVER_PID="" LOAD_PID="" PG_STARTED=0
cleanup() {
  local rc=$?
  set +e
  [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null && wait "$LOAD_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  if [ "$PG_STARTED" = 1 ]; then as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1; fi
  rm -rf "$PGDATA" "$VBIDX" "$TEXT_CORPUS" "$TEXT_IDX" "$(dirname "$FRESH_PAGE")"
  [ $rc -ne 0 ] && echo "compare.sh failed (exit $rc); logs in $OUT" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$OUT" "$PGDATA" "$VBIDX" "$(dirname "$FRESH_PAGE")"
mkdir -p "$OUT"

# other CPU-heavy work on a 2-core machine skews every number: say so in the results
NOISE="" NOISY_STEPS=""
check_noise() {  # called before each measured step and at the end
  if pgrep -x rustc >/dev/null || pgrep -x cargo >/dev/null; then
    NOISY_STEPS="${NOISY_STEPS:+$NOISY_STEPS, }$1"
    echo "WARNING: a cargo/rustc build is running ($1)" >&2
  fi
}

# ---------------------------------------------------------------------------- tools
say "tools"
check_noise start
cpu_busy() {  # busy % of all CPUs over $1 seconds, from /proc/stat
  local a b c d e f g h t1 i1
  read -r _ a b c d e f g h _ </proc/stat; t1=$((a+b+c+d+e+f+g+h)); i1=$((d+e))
  sleep "$1"
  read -r _ a b c d e f g h _ </proc/stat
  echo $(( 100 - 100 * (d + e - i1) / (a+b+c+d+e+f+g+h - t1) ))
}
BUSY=$(cpu_busy 3)
if [ "$BUSY" -gt 25 ]; then
  NOISE="the machine was ${BUSY}% busy before the run started (top: $(ps -eo comm,pcpu --sort=-pcpu | sed -n 2p | tr -s ' ')): numbers are noisy"
  echo "WARNING: $NOISE" >&2
fi
need=()
ls -d /usr/lib/postgresql/*/bin/pgbench >/dev/null 2>&1 || need+=(postgresql)
command -v wrk >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  apt-cache policy postgresql | sed -n '1,3p' >&2 || true
  apt-get install -y "${need[@]}" >"$OUT/apt.log" 2>&1 || { apt-get update -qq && apt-get install -y "${need[@]}" >"$OUT/apt.log" 2>&1; }
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
if ! "$PY" -c 'import psycopg' 2>/dev/null; then
  python3 -m venv "$T/bench-venv"
  "$T/bench-venv/bin/pip" install -q 'psycopg[binary]>=3.1'
fi
if [ "$PG_ONLY" = 0 ]; then
  [ -x "$VB" ] || { echo "no vidensbase binary at $VB (cargo build --release, or set VIDENSBASE_BIN)" >&2; exit 1; }
  cp "$VB" "$OUT/vidensbase"; VB=$OUT/vidensbase   # a snapshot: a rebuild during the run changes nothing
  VB_VERSION=$("$VB" --version 2>/dev/null | head -1 || echo "?")
else
  VB_VERSION="(skipped: --pg-only)"
fi
echo "PostgreSQL: $("$PGBIN/postgres" --version); wrk: $(command -v wrk); vidensbase: $VB_VERSION" >&2

# ---------------------------------------------------------------------------- corpus + queries
say "corpus (scale x$SCALE)"
../shared/bench/get-libreoffice-help.sh "$BASE_CORPUS" 2>&1 | grep -v unsandboxed >&2 || true
[ -d "$BASE_CORPUS/da" ] && [ -d "$BASE_CORPUS/en" ] || { echo "corpus fetch failed" >&2; exit 1; }
if [ "$SCALE" != 1 ]; then "$PY" "$HERE/bench.py" scale "$BASE_CORPUS" "$CORPUS" "$SCALE"; fi
NDOCS=$(find "$CORPUS/da" "$CORPUS/en" -name '*.html' | wc -l)
echo "$NDOCS pages in $CORPUS" >&2

say "query set ($NQ queries)"
if [ ! -s "$QUERIES" ] || [ "$(($(wc -l <"$QUERIES") - 1))" != "$NQ" ] || [ "$HERE/make_queries.py" -nt "$QUERIES" ]; then
  "$PY" "$HERE/make_queries.py" "$BASE_CORPUS" "$QUERIES" --count "$NQ"
fi
cp "$QUERIES" "$OUT/queries.tsv"

# ---------------------------------------------------------------------------- vidensbase build + export
if [ "$PG_ONLY" = 0 ]; then
  say "vidensbase index (empty index dir, wall clock)"; check_noise "before vidensbase index"
  t0=$(now)
  "$VB" index --corpus "$CORPUS" --index "$VBIDX" >"$OUT/vb-index.log" 2>&1 || { tail -20 "$OUT/vb-index.log" >&2; exit 1; }
  t1=$(now)
  tail -3 "$OUT/vb-index.log" >&2
  printf '{"index_s": %s, "bytes": %s, "summary": %s}\n' "$(elapsed "$t0" "$t1")" \
    "$(du -sb "$VBIDX" | cut -f1)" "$(tail -1 "$OUT/vb-index.log" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))')" \
    >"$OUT/vb-build.json"
  cat "$OUT/vb-build.json" >&2

  say "vidensbase index with nothing changed (wall clock)"; check_noise "before vidensbase index, nothing changed"
  t0=$(now)
  "$VB" index --corpus "$CORPUS" --index "$VBIDX" >"$OUT/vb-nochange.log" 2>&1 || { tail -20 "$OUT/vb-nochange.log" >&2; exit 1; }
  t1=$(now)
  printf '{"sync_s": %s}\n' "$(elapsed "$t0" "$t1")" >"$OUT/vb-nochange.json"
  cat "$OUT/vb-nochange.json" >&2

  say "vidensbase export"
  "$VB" export --corpus "$CORPUS" >"$OUT/export.jsonl" 2>"$OUT/vb-export.log" || { tail -20 "$OUT/vb-export.log" >&2; exit 1; }

  say "vidensbase index from the exported text (the same input PostgreSQL gets)"
  rm -rf "$TEXT_CORPUS" "$TEXT_IDX"
  "$PY" "$HERE/bench.py" text-corpus --jsonl "$OUT/export.jsonl" --dest "$TEXT_CORPUS"
  sync
  # $BUILD_RUNS builds into an empty folder; the median is reported (PostgreSQL's load likewise).
  RUNS=()
  for _ in $(seq "$BUILD_RUNS"); do
    rm -rf "$TEXT_IDX"
    t0=$(now)
    "$VB" index --corpus "$TEXT_CORPUS" --index "$TEXT_IDX" >"$OUT/vb-index-text.log" 2>&1 || { tail -20 "$OUT/vb-index-text.log" >&2; exit 1; }
    t1=$(now)
    RUNS+=("$(elapsed "$t0" "$t1")")
  done
  RUNS_JSON=$(IFS=,; echo "[${RUNS[*]}]")
  printf '{"index_s": %s, "runs_s": %s, "bytes": %s}\n' \
    "$(python3 -c "import json,statistics; print(statistics.median_low(json.loads('$RUNS_JSON')))")" \
    "$RUNS_JSON" "$(du -sb "$TEXT_IDX" | cut -f1)" >"$OUT/vb-build-text.json"
  cat "$OUT/vb-build-text.json" >&2
  rm -rf "$TEXT_CORPUS" "$TEXT_IDX"
else
  say "export (--pg-only: this harness's own extractor)"
  "$PY" "$HERE/make_queries.py" "$CORPUS" --dump-jsonl "$OUT/export.jsonl"
fi
NEXP=$(wc -l <"$OUT/export.jsonl")
echo "$NEXP exported documents" >&2
[ "$NEXP" -gt 0 ] || { echo "empty export" >&2; exit 1; }
[ "$NEXP" = "$NDOCS" ] || echo "WARNING: export has $NEXP documents, the corpus $NDOCS pages" >&2

# ---------------------------------------------------------------------------- PostgreSQL
say "PostgreSQL: throw-away cluster in $PGDATA"
PGPORT=$(free_port)
MEM_KB=$(awk '/MemTotal/ {print $2}' /proc/meminfo)
SB_MB=$(( MEM_KB / 1024 / 4 )); [ $SB_MB -gt 8192 ] && SB_MB=8192   # 25 % of RAM, at most 8 GB
LOCALE=C.UTF-8; locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || LOCALE=en_US.UTF-8
mkdir -p "$PGDATA"; [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale="$LOCALE" >"$OUT/initdb.log" 2>&1
cat >>"$PGDATA/postgresql.conf" <<EOF
# --- benches/compare.sh ---
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGDATA'
max_connections = 40
shared_buffers = ${SB_MB}MB
effective_cache_size = $(( MEM_KB / 1024 * 3 / 4 ))MB
work_mem = 64MB
maintenance_work_mem = 2GB
wal_level = minimal
max_wal_senders = 0
max_wal_size = 8GB
checkpoint_timeout = 30min
random_page_cost = 1.1
jit = off
EOF
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 120 start >/dev/null
PG_STARTED=1
DSN="host=127.0.0.1 port=$PGPORT user=postgres dbname=bench"
"$PGBIN/psql" -qX -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c 'CREATE DATABASE bench' >/dev/null

say "PostgreSQL: load + index build (COPY with tsvector, GIN, primary key, VACUUM ANALYZE)"; check_noise "before PostgreSQL: load + index build"
"$PY" "$HERE/bench.py" pg-load --dsn "$DSN" --jsonl "$OUT/export.jsonl" --runs "$BUILD_RUNS" --out "$OUT/pg-load.json"
"$PY" "$HERE/bench.py" pg-prep --dsn "$DSN" --queries "$QUERIES" --script "$OUT/pgbench.sql"

# ---------------------------------------------------------------------------- vidensbase server
if [ "$PG_ONLY" = 0 ]; then
  say "vidensbase serve"
  VBPORT=$(free_port)
  "$VB" serve --corpus "$CORPUS" --index "$VBIDX" --addr "127.0.0.1:$VBPORT" >"$OUT/vb-serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$VBPORT/healthz" >/dev/null 2>&1 && break
    kill -0 "$SERVER_PID" 2>/dev/null || { tail -20 "$OUT/vb-serve.log" >&2; exit 1; }
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$VBPORT/healthz" >/dev/null || { echo "server not healthy after 60 s" >&2; exit 1; }
  # The server's first sync (a walk of the whole corpus) must be over before anything is timed.
  for _ in $(seq 1 3000); do
    curl -fsS "http://127.0.0.1:$VBPORT/api/status" 2>/dev/null | grep -q '"last_commit":"' && break
    sleep 0.1
  done
  "$PY" "$HERE/bench.py" wrk-lua --queries "$QUERIES" --out "$OUT/wrk.lua"
fi

# ---------------------------------------------------------------------------- latency, c=1
if [ "$PG_ONLY" = 0 ]; then
  say "latency c=1: vidensbase (warm-up pass + measured pass)"; check_noise "before latency c=1: vidensbase"
  "$PY" "$HERE/bench.py" latency --system vb --addr "127.0.0.1:$VBPORT" --queries "$QUERIES" --out "$OUT/vb-latency.json"
fi
say "latency c=1: PostgreSQL (warm-up pass + measured pass)"; check_noise "before latency c=1: PostgreSQL"
"$PY" "$HERE/bench.py" latency --system pg --dsn "$DSN" --queries "$QUERIES" --out "$OUT/pg-latency.json"

# ---------------------------------------------------------------------------- throughput, c=16
THREADS=$(nproc); [ "$THREADS" -gt "$CONC" ] && THREADS=$CONC
if [ "$PG_ONLY" = 0 ]; then
  say "throughput c=$CONC: vidensbase with wrk for $DURATION s"; check_noise "before throughput c=$CONC: vidensbase"
  wrk -t"$THREADS" -c"$CONC" -d"${DURATION}s" --timeout 30s -s "$OUT/wrk.lua" "http://127.0.0.1:$VBPORT" >"$OUT/wrk.out" 2>&1
  "$PY" "$HERE/bench.py" wrk-stats --stdout-file "$OUT/wrk.out" --out "$OUT/vb-wrk.json"
fi
say "throughput c=$CONC: PostgreSQL with pgbench for $DURATION s"; check_noise "before throughput c=$CONC: PostgreSQL"
(cd "$OUT" && PGHOST=127.0.0.1 PGPORT=$PGPORT PGUSER=postgres "$PGBIN/pgbench" -n -M prepared -c "$CONC" -j "$THREADS" \
   -T "$DURATION" -f "$OUT/pgbench.sql" -l --log-prefix="$OUT/pgbench-log" bench >"$OUT/pgbench.out" 2>&1) \
  || { tail -20 "$OUT/pgbench.out" >&2; exit 1; }
"$PY" "$HERE/bench.py" pgbench-stats --log-prefix "$OUT/pgbench-log" --stdout-file "$OUT/pgbench.out" --out "$OUT/pg-pgbench.json"
rm -f "$OUT"/pgbench-log.*

# ---------------------------------------------------------------------------- freshness under load
if [ "$PG_ONLY" = 0 ]; then
  say "freshness: vidensbase (one new page + incremental index, while wrk runs)"; check_noise "before freshness: vidensbase"
  wrk -t"$THREADS" -c"$CONC" -d600s --timeout 30s -s "$OUT/wrk.lua" "http://127.0.0.1:$VBPORT" >"$OUT/wrk-fresh.out" 2>&1 &
  LOAD_PID=$!
  sleep 2
  SRC_PAGE=$(find "$BASE_CORPUS/en" -name '*.html' | LC_ALL=C sort | awk 'NR == 1')
  "$PY" "$HERE/bench.py" fresh-vb --addr "127.0.0.1:$VBPORT" --bin "$VB" --corpus "$CORPUS" --index "$VBIDX" \
    --src-page "$SRC_PAGE" --dst-page "$FRESH_PAGE" --out "$OUT/vb-fresh.json"
  kill "$LOAD_PID"; wait "$LOAD_PID" 2>/dev/null || true; LOAD_PID=""
fi
say "freshness: PostgreSQL (INSERT + COMMIT of one document, while pgbench runs)"; check_noise "before freshness: PostgreSQL"
(cd "$OUT" && PGHOST=127.0.0.1 PGPORT=$PGPORT PGUSER=postgres exec "$PGBIN/pgbench" -n -M prepared -c "$CONC" -j "$THREADS" \
   -T 600 -f "$OUT/pgbench.sql" bench >"$OUT/pgbench-fresh.out" 2>&1) &
LOAD_PID=$!
sleep 2
"$PY" "$HERE/bench.py" fresh-pg --dsn "$DSN" --out "$OUT/pg-fresh.json"
kill "$LOAD_PID"; wait "$LOAD_PID" 2>/dev/null || true; LOAD_PID=""

# ---------------------------------------------------------------------------- peak RSS + report
if [ "$PG_ONLY" = 0 ]; then
  kill -0 "$SERVER_PID" || { echo "vidensbase server died; see $OUT/vb-serve.log" >&2; exit 1; }
  printf '{"vmhwm_bytes": %s}\n' "$(( $(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status") * 1024 ))" >"$OUT/vb-rss.json"
fi
say "report"
check_noise end
if [ -n "$NOISY_STEPS" ]; then
  NOISE="${NOISE:+$NOISE; }a cargo/rustc build was running at: $NOISY_STEPS: those numbers are noisy"
fi
RESULTS=$HERE/RESULTS.md; [ "$PG_ONLY" = 1 ] && RESULTS=$OUT/RESULTS-pg-only.md
"$PY" "$HERE/bench.py" report --dir "$OUT" --results "$RESULTS" --repo "$REPO" --scale "$SCALE" \
  --duration "$DURATION" --vb-version "$VB_VERSION" --shared-buffers "${SB_MB}MB" --note "$NOISE"
echo "(also written to $RESULTS; raw numbers in $OUT)" >&2
