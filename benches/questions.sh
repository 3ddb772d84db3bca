#!/usr/bin/env bash
# The judged question set (tests/fixtures/questions/) asked of vidensbase and of two peers that
# search pages: plain BM25 (examples/bm25_pages.rs) and PostgreSQL full-text search (`simple`, and
# `danish`/`english` by the document's language). Success@1 and @3 of the right document and page;
# vidensbase's answer box: precision and coverage (benches/README.md).
#
#   benches/questions.sh [--questions FILE] [--key FILE] [--no-build]
#
#   --questions FILE  ask this set instead of questions.tsv (dev.tsv: the tuning set, see the set's
#                README); its answer key is the file itself unless --key is given
#   --key FILE   score against this answer key (same columns as questions.tsv) instead of the
#                set's own; the questions asked are always the set's. A deliberately wrong key
#                must score lower: the check that the harness measures.
#   --no-build   use target/release/vidensbase and target/release/examples/bm25_pages as they are
#
# Prints one Markdown table and writes it to target/questions-results.md. Keeps the documents
# (target/questions-corpus, fetched by the set's fetch.sh), the corpus laid out by document id
# (target/questions-corpus-all, hard links) and the runs, logs and per-question ranks
# (target/questions-out, replaced by each run); removes its index, its PostgreSQL cluster and
# every process it started at exit. Needs root for apt-get (the documents, postgresql) the first
# time, and pdftotext. See benches/README.md.
set -euo pipefail

KEY="" BUILD=1 QFILE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --key) KEY=$(realpath "$2"); shift 2 ;;
    --questions) QFILE=$(realpath "$2"); shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
T=${CARGO_TARGET_DIR:-$REPO/target}
SET=$REPO/tests/fixtures/questions
QUESTIONS=${QFILE:-$SET/questions.tsv}
KEY=${KEY:-$QUESTIONS}
FETCHED=$T/questions-corpus
CORPUS=$T/questions-corpus-all
OUT=$T/questions-out
VBIDX=$T/questions-vb-index
PGDATA=$T/questions-pg
RESULTS=$T/questions-results.md
HERE=$REPO/benches
PY=(python3 "$HERE/questions.py")

say() { printf '\n==> %s\n' "$*" >&2; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

PG_STARTED=0 PGBIN=""
cleanup() {
  local rc=$?
  set +e
  [ "$PG_STARTED" = 1 ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1
  rm -rf "$PGDATA" "$VBIDX"
  [ $rc -ne 0 ] && echo "questions.sh failed (exit $rc); logs in $OUT" >&2
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$OUT" "$PGDATA" "$VBIDX"
mkdir -p "$OUT/runs"

say "the scorer's self-test"
"${PY[@]}" selftest --questions "$QUESTIONS" >"$OUT/selftest.log" || { cat "$OUT/selftest.log" >&2; exit 1; }
tail -1 "$OUT/selftest.log" >&2

say "tools"
command -v pdftotext >/dev/null || apt-get install -y poppler-utils >"$OUT/apt.log" 2>&1
if ! ls -d /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get install -y postgresql >>"$OUT/apt.log" 2>&1 || { apt-get update -qq && apt-get install -y postgresql >>"$OUT/apt.log" 2>&1; }
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

say "documents (fetch.sh, then check.py: the pages the set was judged on)"
bash "$SET/fetch.sh" "$FETCHED" >"$OUT/fetch.log" 2>&1 || { tail -20 "$OUT/fetch.log" >&2; exit 1; }
grep -i warning "$OUT/fetch.log" >&2 || true
python3 "$SET/check.py" "$FETCHED" --questions "$QUESTIONS" >"$OUT/check.log" 2>&1 || { tail -20 "$OUT/check.log" >&2; exit 1; }
tail -1 "$OUT/check.log" >&2

say "one corpus folder whose document ids are the set's ids: $CORPUS"
# Hard links (a copy where they cannot be made): the indexer skips symbolic links that lead out
# of the corpus folder.
rm -rf "$CORPUS"; mkdir -p "$CORPUS"
link_into() { cp -al "$1" "$2" 2>/dev/null || cp -a "$1" "$2"; }
link_into "$FETCHED/lohelp" "$CORPUS/"
link_into "$FETCHED/installguide" "$CORPUS/"
for seed in "$REPO"/corpus/*; do link_into "$seed" "$CORPUS/"; done
awk -F'\t' 'NR > 1 && $5 != "" { n = split($5, d, / \| /); for (i = 1; i <= n; i++) print d[i] }' "$KEY" | sort -u |
  while read -r id; do [ -f "$CORPUS/$id" ] || { echo "document $id of the answer key is not in $CORPUS" >&2; exit 1; }; done

if [ "$BUILD" = 1 ]; then
  say "cargo build --release (vidensbase and examples/bm25_pages)"
  cargo build --release --bin vidensbase --example bm25_pages >"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log" >&2; exit 1; }
fi
for bin in "$T/release/vidensbase" "$T/release/examples/bm25_pages"; do
  [ -x "$bin" ] || { echo "no $bin (run without --no-build)" >&2; exit 1; }
  cp "$bin" "$OUT/"   # a snapshot: a rebuild during the run changes nothing
done
VB=$OUT/vidensbase
VB_VERSION=$("$VB" --version | head -1)

say "vidensbase index"
"$VB" --corpus "$CORPUS" --index "$VBIDX" index >"$OUT/vb-index.log" 2>&1 || { tail -20 "$OUT/vb-index.log" >&2; exit 1; }
tail -1 "$OUT/vb-index.log" >&2
"$VB" --corpus "$CORPUS" export >"$OUT/export.jsonl" 2>"$OUT/vb-export.log" || { tail -20 "$OUT/vb-export.log" >&2; exit 1; }
echo "$(wc -l <"$OUT/export.jsonl") documents exported" >&2

say "vidensbase: every question through vidensbase search --json (the /api/search shape)"
"${PY[@]}" vb --bin "$VB" --index "$VBIDX" --questions "$QUESTIONS" --out "$OUT/runs/vidensbase.tsv" \
  --sections "$OUT/runs/vidensbase-sections.tsv" --answers "$OUT/runs/vidensbase-answers.tsv"

say "plain BM25 over pages (examples/bm25_pages)"
"$OUT/bm25_pages" "$OUT/export.jsonl" "$QUESTIONS" >"$OUT/runs/bm25.tsv" 2>"$OUT/bm25.log" || { cat "$OUT/bm25.log" >&2; exit 1; }
cat "$OUT/bm25.log" >&2

say "PostgreSQL full-text search over pages: throw-away cluster in $PGDATA"
# As benches/compare.sh sets one up (trust auth, loopback only, a free port), without its
# throughput settings: only the order of the results is measured here.
PGPORT=$(free_port)
LOCALE=C.UTF-8; locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$' || LOCALE=en_US.UTF-8
mkdir -p "$PGDATA"; [ "$(id -u)" = 0 ] && chown postgres: "$PGDATA"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale="$LOCALE" >"$OUT/initdb.log" 2>&1
printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" "$PGPORT" "$PGDATA" >>"$PGDATA/postgresql.conf"
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 120 start >/dev/null
PG_STARTED=1
PSQL=("$PGBIN/psql" -qX -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PGPORT" -U postgres)
"${PSQL[@]}" -d postgres -c 'CREATE DATABASE questions' >/dev/null
PG_VERSION=$("${PSQL[@]}" -d questions -Atc 'SHOW server_version')
"${PY[@]}" pg-input --export "$OUT/export.jsonl" --questions "$QUESTIONS" --pages "$OUT/pg-pages.tsv" --asked "$OUT/pg-asked.tsv"
"${PSQL[@]}" -d questions >/dev/null <<SQL
CREATE TABLE pages (doc text NOT NULL, page int, lang text NOT NULL, body text NOT NULL);
CREATE TABLE asked (qid text PRIMARY KEY, question text NOT NULL);
\copy pages FROM '$OUT/pg-pages.tsv'
\copy asked FROM '$OUT/pg-asked.tsv'
ALTER TABLE pages
  ADD COLUMN tsv_simple tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED,
  ADD COLUMN tsv_lang tsvector GENERATED ALWAYS AS (to_tsvector(
    CASE WHEN lang = 'da' THEN 'danish'::regconfig ELSE 'english'::regconfig END, body)) STORED;
SQL
# The query as benches/compare.sh asks it: websearch_to_tsquery (every word required), ranked by
# ts_rank_cd; with the language configurations, a question of unknown language is parsed with
# both and the two OR-ed. Top 10 pages per question.
pg_run() {  # COLUMN TSQUERY-EXPRESSION (of a.question) OUT
  "${PSQL[@]}" -d questions -c "COPY (
    SELECT a.qid, h.rank, h.doc, h.page FROM asked a CROSS JOIN LATERAL (
      SELECT p.doc, p.page, row_number() OVER (ORDER BY ts_rank_cd(p.$1, t.q) DESC, p.doc, p.page) AS rank
      FROM pages p, (SELECT $2 AS q) t WHERE p.$1 @@ t.q ORDER BY rank LIMIT 10) h
    ORDER BY a.qid, h.rank) TO STDOUT" >"$3" 2>>"$OUT/pg-queries.log"
}
pg_run tsv_simple "websearch_to_tsquery('simple', a.question)" "$OUT/runs/pg-simple.tsv"
pg_run tsv_lang "websearch_to_tsquery('danish', a.question) || websearch_to_tsquery('english', a.question)" "$OUT/runs/pg-lang.tsv"

say "report"
UNITS=$(wc -l <"$OUT/pg-pages.tsv")
COMMIT=$(git -C "$REPO" rev-parse --short=12 HEAD)$(git -C "$REPO" diff --quiet HEAD -- src Cargo.toml Cargo.lock || echo "+changes")
{
  echo "- $(date -u '+%Y-%m-%d %H:%M UTC'), code at $COMMIT; $VB_VERSION, PostgreSQL $PG_VERSION"
  echo "- Corpus: $(wc -l <"$OUT/export.jsonl") documents (LibreOffice 7.4 help da+en, Debian 12 Installation Guide da+en PDF, the seed documents), $UNITS retrieval units for the peers (each PDF page and each other document one unit)"
  echo "- Questions: $(($(wc -l <"$QUESTIONS") - 1)) ($(awk -F'\t' 'NR > 1 && $3 != "none"' "$QUESTIONS" | wc -l) with an answer); answer key: ${KEY#"$REPO"/}"
  echo "- Cells: success@1 / success@3 in % of the row's questions; right document = the question's \`doc\` (not the other edition), right page = also the judged PDF page (HTML and text: the document)"
  echo "- vidensbase: \`search --json\` with its defaults, the hit's \`page\`; BM25: \`examples/bm25_pages\`; PG: \`websearch_to_tsquery\` + \`ts_rank_cd\` over pages, \`simple\` or \`danish\`/\`english\` by document language (query parsed with both)"
  echo
  "${PY[@]}" score --questions "$KEY" --run vidensbase="$OUT/runs/vidensbase.tsv" --run "BM25 pages=$OUT/runs/bm25.tsv" \
    --run "PG simple=$OUT/runs/pg-simple.tsv" --run "PG da/en=$OUT/runs/pg-lang.tsv" --per-question "$OUT/per-question.tsv" \
    --answers vidensbase="$OUT/runs/vidensbase-answers.tsv"
  echo
  echo "| vidensbase sections | of the questions with a judged heading | of those with the right document first | of those with the right page first |"
  echo "|---|---|---|---|"
  "${PY[@]}" sections --questions "$KEY" --run "$OUT/runs/vidensbase.tsv" --sections "$OUT/runs/vidensbase-sections.tsv"
} >"$RESULTS"
cat "$RESULTS"
echo "(written to $RESULTS; per-question ranks in $OUT/per-question.tsv)" >&2
