#!/usr/bin/env bash
# PDF ingestion benchmark: vidensbase's whole build from PDFs against poppler's pdftotext run over
# the same files one after another, peak memory, and the agreement of vidensbase's per-page text
# with pdftotext's. Prints a Markdown table and prepends it to benches/RESULTS.md.
#
# usage: benches/pdf.sh [--runs N] [CORPUS]          (default CORPUS: target/bench-pdf-corpus,
#                                                     built by benches/pdf-corpus.sh if missing)
#   VIDENSBASE_BIN=path   binary to measure (default target/release/vidensbase; copied first)
#   VB_EXPORT_CMD="cmd"   what produces the export instead of "$VIDENSBASE_BIN"; called as
#                         `$VB_EXPORT_CMD --corpus CORPUS export`. Harness self-test without a
#                         PDF-capable binary: VB_EXPORT_CMD="python3 benches/pdf_export_standin.py"
#                         (pdftotext's own text: agreement must come out at ~100 %)
#   PDF_BENCH_NO_RESULTS=1  do not touch benches/RESULTS.md (table only printed)
#   PDF_BENCH_RESULTS=file  prepend the table to that file instead of benches/RESULTS.md
# Raw numbers, logs, pdftotext's reference text and the export: target/bench-pdf-out/ (replaced).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=1
if [ "${1:-}" = "--runs" ]; then runs=${2:?}; shift 2; fi
corpus=${1:-$repo/target/bench-pdf-corpus}
bin=${VIDENSBASE_BIN:-$repo/target/release/vidensbase}
out=$repo/target/bench-pdf-out
log() { printf '[pdf.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# ---------------------------------------------------------------- tools, corpus
for t in "pdftotext poppler-utils" "pdfinfo poppler-utils" "/usr/bin/time time"; do
  set -- $t
  command -v "$1" >/dev/null 2>&1 && continue
  log "installing $2"
  for _ in $(seq 1 60); do   # another apt-get may hold the lock
    apt-get install -y "$2" >/dev/null 2>&1 && break
    apt-get update -qq >/dev/null 2>&1 || true; sleep 10
  done
  command -v "$1" >/dev/null 2>&1 || { echo "could not install $2" >&2; exit 1; }
done
if ! find "$corpus" -name '*.pdf' -print -quit 2>/dev/null | grep -q .; then
  log "building the PDF corpus in $corpus"
  bash "$here/pdf-corpus.sh" "$corpus"
fi
corpus=$(cd "$corpus" && pwd)

rm -rf "$out"; mkdir -p "$out/ref"
notes=$out/notes.txt; : > "$notes"
busy_check() { # step name: note a running compiler, it skews every number on 2 cores
  if pgrep -x cargo >/dev/null || pgrep -x rustc >/dev/null; then
    echo "cargo/rustc was running at the start of: $1 (numbers skewed)" >> "$notes"
  fi
}
if [ -z "${VB_EXPORT_CMD:-}" ] || [ -n "${VIDENSBASE_BIN:-}" ] || [ -x "$bin" ]; then
  [ -x "$bin" ] || { echo "no binary at $bin (cargo build --release, or set VIDENSBASE_BIN)" >&2; exit 1; }
  VIDENSBASE_BIN_LABEL="${bin#"$repo/"}, $(date -u -r "$bin" '+built %Y-%m-%d %H:%M UTC')"
  cp "$bin" "$out/vidensbase"; bin=$out/vidensbase
else
  bin=
fi
export_cmd=${VB_EXPORT_CMD:-$bin}

# files: every .pdf below the corpus, hidden folders/files skipped (as vidensbase's walk does)
(cd "$corpus" && find . -mindepth 1 -name '.*' -prune -o -type f -iname '*.pdf' -print | sed 's|^\./||' | LC_ALL=C sort) > "$out/files.txt"
nfiles=$(wc -l < "$out/files.txt")
log "$nfiles PDFs; counting pages"
# composition: first two path components (source/lang) -> files, pages
while IFS= read -r f; do
  printf '%s\t%s\n' "$f" "$(pdfinfo "$corpus/$f" 2>/dev/null | awk '/^Pages:/{print $2}')"
done < "$out/files.txt" > "$out/pages.tsv"
awk -F'\t' '{ n = split($1, p, "/"); g = (n > 2) ? p[1] "\t" p[2] : ((n > 1) ? p[1] "\t-" : ".\t-");
              files[g]++; pages[g] += $2 }
            END { print "source\tlang\tfiles\tpages"; for (g in files) print g "\t" files[g] "\t" pages[g] }' \
  "$out/pages.tsv" | (read -r h; echo "$h"; LC_ALL=C sort) > "$out/composition.tsv"
(cd "$out/ref" && sed 's|/[^/]*$||' "$out/files.txt" | grep -v '\.pdf$' | LC_ALL=C sort -u | xargs -r mkdir -p)

# warm the page cache: every measured step then reads the PDFs from memory
find "$corpus" -type f -iname '*.pdf' -exec cat {} + > /dev/null

# ---------------------------------------------------------------- baseline: pdftotext one by one
log "pdftotext over $nfiles files, one after another ($runs run(s))"
for i in $(seq 1 "$runs"); do
  busy_check "pdftotext baseline"
  python3 "$here/pdf_bench.py" measure "$out/pdftotext-$i.json" -- bash -c '
    cd "$1"; while IFS= read -r f; do pdftotext "$f" "$2/$f.txt" || echo "pdftotext failed: $f" >&2; done < "$3"' \
    _ "$corpus" "$out/ref" "$out/files.txt"
done
python3 "$here/pdf_bench.py" median "$out/pdftotext.json" "$out"/pdftotext-[0-9]*.json

# ---------------------------------------------------------------- vidensbase build from scratch
if [ -n "$bin" ]; then
  log "vidensbase index from scratch ($runs run(s))"
  for i in $(seq 1 "$runs"); do
    idx=$(mktemp -d "$repo/target/bench-pdf-index.XXXXXX")
    busy_check "vidensbase index"
    python3 "$here/pdf_bench.py" measure "$out/build-$i.json" -- "$bin" --corpus "$corpus" --index "$idx" index \
      || log "vidensbase index failed (exit $?), see $out/build-$i.json.log"
    python3 - "$out/build-$i.json" "$(du -sb "$idx" | cut -f1)" <<'EOF'
import json, sys
p = sys.argv[1]; d = json.load(open(p)); d["index_bytes"] = int(sys.argv[2]); json.dump(d, open(p, "w"), indent=1)
EOF
    rm -rf "$idx"
  done
  python3 "$here/pdf_bench.py" median "$out/build.json" "$out"/build-[0-9]*.json
fi

# ---------------------------------------------------------------- export, agreement
log "export: $export_cmd --corpus $corpus export"
busy_check "export"
python3 "$here/pdf_bench.py" measure "$out/export.json" -- bash -c 'exec $1 --corpus "$2" export > "$3"' \
  _ "$export_cmd" "$corpus" "$out/export.jsonl" || log "export failed, see $out/export.json.log"
python3 - "$out/export.json" "$out/export.jsonl" <<'EOF'
import json, sys
p = sys.argv[1]; d = json.load(open(p)); n = 0
for line in open(sys.argv[2], encoding="utf-8"):
    if line.strip() and json.loads(line).get("id", "").lower().endswith(".pdf"): n += 1
d["pdf_docs"] = n; json.dump(d, open(p, "w"), indent=1)
EOF
if [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pdf_docs"])' "$out/export.json")" -eq 0 ]; then
  echo "the export holds no PDF document: this binary does not ingest PDFs (build numbers then time a build that skipped them)" >> "$notes"
fi
log "agreement with pdftotext"
python3 "$here/pdf_agreement.py" "$out/ref" "$out/export.jsonl" --label "$export_cmd" --json "$out/agreement.json" > /dev/null

# ---------------------------------------------------------------- report
if [ -n "${VB_EXPORT_CMD:-}" ]; then label="VB_EXPORT_CMD=$VB_EXPORT_CMD"; else label="vidensbase export"; fi
{
  echo "## PDF ingestion, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- Machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM; $(pdftotext -v 2>&1 | head -1)"
  [ -n "$bin" ] && echo "- Binary: $("$bin" --version 2>/dev/null | head -1 || echo "?") ($VIDENSBASE_BIN_LABEL)"
  echo
  python3 "$here/pdf_bench.py" report "$out" "${corpus#"$repo/"}" "$label"
  echo
} > "$out/table.md"
cat "$out/table.md"
if [ -z "${PDF_BENCH_NO_RESULTS:-}" ]; then
  res=${PDF_BENCH_RESULTS:-$here/RESULTS.md}
  if [ -f "$res" ]; then
    # after the file's title block (everything before the first "## " heading), newest first
    python3 - "$res" "$out/table.md" <<'EOF'
import sys
res, new = sys.argv[1], open(sys.argv[2]).read()
old = open(res).read()
i = old.find("\n## ")
head, rest = (old[: i + 1], old[i + 1 :]) if i >= 0 else (old + "\n", "")
open(res, "w").write(head + new + "\n" + rest)
EOF
  else
    cp "$out/table.md" "$res"
  fi
  log "table prepended to $res"
fi
