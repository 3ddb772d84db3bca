#!/usr/bin/env bash
# OCR quality and speed: real pages printed to PDF, scanned the way a scanner would (rendered
# grey at 300 and 200 dpi; clean, with noise, and skewed), read by vidensbase's OCR, and compared
# with the printed PDF's own text layer. Prints one Markdown table (also prepended to
# benches/RESULTS.md).
#
# usage: benches/ocr.sh [--pages N]      N source documents per language (default 10)
#
# Sources (nothing committed; everything under target/bench-ocr):
#   da, en  LibreOffice help pages (target/bench-corpus, fetched by
#           ../shared/bench/get-libreoffice-help.sh), every k-th page present in both languages,
#           printed to PDF by Debian's Chromium (no header or footer)
#   en      pages 4-13 of the libtasn1 manual (pdfTeX; Debian package libtasn1-doc)
# Per page of each source: word recall (the share of the text layer's words, counted with
# repetition, that OCR read exactly, lowercased), the same for the words with æ, ø or å, and for
# words that occur on one page only of a document, the share OCR put on that same page. Pages per
# second is the whole `vidensbase index` of a scan folder (OCR on this machine's cores) divided
# into its pages.
#
# Needs: target/release/vidensbase (cargo build --release), poppler-utils, img2pdf, imagemagick,
# chromium, libtasn1-doc, tesseract-ocr, tesseract-ocr-dan (installed when missing, as root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
N=10
while [ $# -gt 0 ]; do
  case "$1" in
    --pages) N=$2; shift 2 ;;
    *) echo "usage: benches/ocr.sh [--pages N]" >&2; exit 2 ;;
  esac
done
VB=${VIDENSBASE_BIN:-$repo/target/release/vidensbase}
[ -x "$VB" ] || { echo "build first: cargo build --release" >&2; exit 1; }
T=$repo/target/bench-ocr
mkdir -p "$T"
log() { echo "ocr.sh: $*" >&2; }

need=()
for p in pdftoppm:poppler-utils img2pdf:img2pdf convert:imagemagick chromium:chromium tesseract:tesseract-ocr; do
  command -v "${p%%:*}" >/dev/null || need+=("${p#*:}")
done
[ -f /usr/share/tesseract-ocr/5/tessdata/dan.traineddata ] || need+=(tesseract-ocr-dan)
[ -f /usr/share/doc/libtasn1-doc/libtasn1.pdf ] || need+=(libtasn1-doc)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

# ------------------------------------------------------------------ sources: printed pages
html=$repo/target/bench-corpus
"$repo/../shared/bench/get-libreoffice-help.sh" "$html" >/dev/null 2>&1 || true
[ -d "$html/da" ] && [ -d "$html/en" ] || { echo "no help corpus in $html" >&2; exit 1; }
src=$T/src
mkdir -p "$src/da" "$src/en"
( cd "$html/da" && find . -name '*.html' | sort ) | sed 's|^\./||' > "$T/names.txt"
total=$(wc -l < "$T/names.txt")
step=$(( total / N ))
for lang in da en; do
  i=0
  while IFS= read -r rel; do
    i=$((i + 1))
    [ $(( i % step )) -eq 7 ] || continue
    [ -f "$html/$lang/$rel" ] || continue
    pdf=$src/$lang/$(echo "${rel%.html}" | tr / _).pdf
    [ -s "$pdf" ] && continue
    prof=$(mktemp -d)
    timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --no-pdf-header-footer --user-data-dir="$prof" --print-to-pdf="$pdf" \
      "file://$html/$lang/$rel" >/dev/null 2>&1 || log "chromium failed on $lang/$rel"
    rm -rf "$prof"
  done < "$T/names.txt"
done
tasn1=$src/en/libtasn1-manual.pdf
[ -s "$tasn1" ] || qpdf --empty --pages /usr/share/doc/libtasn1-doc/libtasn1.pdf 4-13 -- "$tasn1"
log "sources: $(ls "$src/da" | wc -l) Danish, $(ls "$src/en" | wc -l) English documents"

# ------------------------------------------------------------------ scans
variants="300-clean 300-noisy 300-skewed 200-clean 200-noisy"
for v in $variants; do
  dpi=${v%%-*}; kind=${v#*-}
  for lang in da en; do
    out=$T/scans/$v/$lang
    mkdir -p "$out"
    for pdf in "$src/$lang"/*.pdf; do
      name=$(basename "$pdf")
      [ -s "$out/$name" ] && continue
      work=$(mktemp -d)
      pdftoppm -r "$dpi" -gray -png "$pdf" "$work/p"
      for png in "$work"/p-*.png; do
        case $kind in
          noisy) convert "$png" -attenuate 0.5 +noise Gaussian -colorspace Gray "$png" ;;
          skewed) convert "$png" -background white -rotate 1.5 -colorspace Gray "$png" ;;
        esac
      done
      img2pdf --imgsize "${dpi}dpi" -o "$out/$name" "$work"/p-*.png
      rm -rf "$work"
    done
  done
done

# ------------------------------------------------------------------ OCR, timed
for v in $variants; do
  idx=$T/index-$v
  rm -rf "$idx"
  start=$(date +%s.%N)
  "$VB" --corpus "$T/scans/$v" --index "$idx" index >"$T/index-$v.log" 2>&1
  end=$(date +%s.%N)
  echo "$start $end" > "$T/time-$v.txt"
  "$VB" --corpus "$T/scans/$v" --index "$idx" export > "$T/export-$v.jsonl" 2>/dev/null
done

python3 "$here/ocr_quality.py" "$T" "$src" $variants | tee "$T/table.md"
{ echo; echo "## OCR quality and speed ($(date -u +%Y-%m-%d), benches/ocr.sh --pages $N)"; echo; cat "$T/table.md"; } > "$T/results-head.md"
cat "$T/results-head.md" "$here/RESULTS.md" > "$T/RESULTS.new" && mv "$T/RESULTS.new" "$here/RESULTS.md"
