#!/usr/bin/env bash
# What internal documents cost a search: the LibreOffice help corpus (compare.sh's, 5,120 pages)
# with its Calc pages in both languages made internal by a rule (848 pages, 17 %), searched
# signed out and signed in as a reader (a local account, its /login session) by the same 400
# queries, alternating (benches/access.py); and the same queries against the corpus without the
# rule (every document public: no clause).
#
#   benches/access.sh [--passes N]
#
# Needs target/bench-corpus and target/bench-queries.tsv (run benches/compare.sh once) and a
# release build. Leaves target/bench-access/ behind.
set -euo pipefail
PASSES=5
[ "${1:-}" = --passes ] && PASSES=$2
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
T=$REPO/target
VB=${VIDENSBASE_BIN:-$T/release/vidensbase}
OUT=$T/bench-access
[ -d "$T/bench-corpus" ] && [ -f "$T/bench-queries.tsv" ] || { echo "run benches/compare.sh first" >&2; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT"
cp -al "$T/bench-corpus" "$OUT/corpus-ruled"
printf 'da/scalc/\tintern\nen/scalc/\tintern\n' > "$OUT/corpus-ruled/synlighed.tsv"
PASSWORD=bench-password-$(date +%s%N)
rm -f "$OUT/users.json"
printf '%s\n' "$PASSWORD" | "$VB" --users "$OUT/users.json" user add laeser --role reader >/dev/null
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true' EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
for corpus in corpus-ruled bench-corpus; do
  src=$OUT/$corpus; [ "$corpus" = bench-corpus ] && src=$T/bench-corpus
  idx=$OUT/index-$corpus
  "$VB" --corpus "$src" --index "$idx" index >/dev/null 2>&1
  P=$(port)
  VIDENSBASE_LOG=warn VIDENSBASE_SEARCH_LOG_DAYS=0 "$VB" --corpus "$src" --index "$idx" \
    --users "$OUT/users.json" --addr 127.0.0.1:$P serve --no-watch 2>"$OUT/serve-$corpus.log" &
  PID=$!
  for _ in $(seq 600); do curl -fs "http://127.0.0.1:$P/healthz" >/dev/null && break; sleep 0.1; done
  echo "== $corpus" >&2
  COOKIE=$(curl -s -o /dev/null -D - --data-urlencode name=laeser --data-urlencode "password=$PASSWORD" \
    "http://127.0.0.1:$P/login" | tr -d '\r' | sed -n 's/^set-cookie: \([^;]*\).*/\1/Ip')
  [ -n "$COOKIE" ] || { echo "signing in failed" >&2; exit 1; }
  python3 "$REPO/benches/access.py" "127.0.0.1:$P" "$COOKIE" "$T/bench-queries.tsv" \
    "$OUT/$corpus.json" --passes "$PASSES"
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
done
