#!/usr/bin/env bash
# Edition linking (issue #19) on the LibreOffice help corpus: pairing precision and recall.
#
#   benches/editions.sh [--seed N]
#
# Fetches the corpus (target/bench-corpus, kept between runs), exports it with the release binary
# (target/editions-export.jsonl), and runs examples/editions.rs in three modes: all documents,
# half of the English ones left out, half of the Danish ones left out. Each mode links the
# documents one at a time in a shuffled order and again in one batch. Prints one Markdown table.
# See benches/README.md, "Editions".
set -euo pipefail

SEED=1
while [ $# -gt 0 ]; do
  case "$1" in
    --seed) SEED=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[[ $SEED =~ ^[0-9]+$ ]] || { echo "bad seed" >&2; exit 2; }

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"
T=${CARGO_TARGET_DIR:-$REPO/target}
CORPUS=$REPO/target/bench-corpus
EXPORT=$REPO/target/editions-export.jsonl
OUT=$REPO/target/editions-out
mkdir -p "$OUT"

say() { printf '\n==> %s\n' "$*" >&2; }

say "corpus"
# Absolute destination: the script works in a temporary folder (benches/README.md).
../shared/bench/get-libreoffice-help.sh "$CORPUS" >&2

say "release build (binary and example)"
cargo build --release --bin vidensbase --example editions >&2

say "export"
"$T/release/vidensbase" --corpus "$CORPUS" export > "$EXPORT" 2> "$OUT/export.log"
echo "$(wc -l < "$EXPORT") documents exported to $EXPORT" >&2

run() {  # MODE-NAME [ARGS...]
  local name=$1; shift
  "$T/release/examples/editions" "$EXPORT" --seed "$SEED" "$@" > "$OUT/$name.txt"
}
say "linking"
run all
run drop-en --drop-half en
run drop-da --drop-half da

echo
echo "Edition linking, LibreOffice help ($(date -u '+%Y-%m-%d %H:%M UTC'), seed $SEED, git $(git rev-parse --short HEAD))"
echo
head -1 "$OUT/all.txt"
echo
echo "| documents | mode | links | correct | precision | recall | F1 | link µs/document |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for name in all drop-en drop-da; do
  case $name in
    all) label="all" ;;
    drop-en) label="half the English left out" ;;
    drop-da) label="half the Danish left out" ;;
  esac
  grep -E '^\| (incremental|batch) ' "$OUT/$name.txt" | sed "s/^| /| $label | /"
done
echo
grep -h '^documents' "$OUT/drop-en.txt" "$OUT/drop-da.txt" | sed 's/^/- /'
