#!/usr/bin/env bash
# Build a real PDF benchmark corpus (Danish + English, several producers) for vidensbase's PDF
# ingestion. Nothing here is committed: put DEST under target/.
#
# usage: benches/pdf-corpus.sh DEST
#
#   DEST/libreoffice/{da,en}/…pdf  LibreOffice help pages (HTML) converted by LibreOffice headless
#                                  (writer_web_pdf_Export): every 8th page of the sorted list of
#                                  page names present in both languages, 320 + 320
#   DEST/chromium/{da,en}/…pdf     other help pages (every 50th, offset 25) printed to PDF by
#                                  Debian's Chromium, with its default header/footer (date, title,
#                                  file URL, "n/m" page number): running headers and footers
#   DEST/debian/{r-manuals,gnuplot,texlive}/…pdf
#                                  PDFs Debian ships, typeset by TeX (hyphenated, running heads):
#                                  the R manuals (r-doc-pdf; refman.pdf is 2,415 pages; fullrefman,
#                                  its superset, is left out), gnuplot.pdf (gnuplot-doc) and every
#                                  English PDF of at most 40 pages from texlive-latex-base-doc,
#                                  texlive-latex-recommended-doc and texlive-lang-european
#                                  (English = share of common English words in the first 6 pages'
#                                  text ≥ 6 %, at least 300 words)
#
# Idempotent: files already in DEST are kept; only missing ones are made. Needs apt-get (root),
# poppler-utils, python3; installs libreoffice-writer-nogui and chromium if missing.
# The HTML comes from ../shared/bench/get-libreoffice-help.sh (target/bench-corpus, kept).
set -euo pipefail
dest=${1:?usage: pdf-corpus.sh DEST}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
mkdir -p "$dest" && dest=$(cd "$dest" && pwd)
html=${PDF_CORPUS_HTML:-$repo/target/bench-corpus}
debs=$repo/target/bench-pdf-debs
log() { printf '[pdf-corpus %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

need_pkg() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  log "installing $2"
  for _ in $(seq 1 60); do   # another apt-get may hold the lock
    if apt-get install -y "$2" >/dev/null 2>&1; then return 0; fi
    apt-get update -qq >/dev/null 2>&1 || true
    sleep 10
  done
  echo "could not install $2" >&2; exit 1
}
need_pkg pdftotext poppler-utils
need_pkg pdfinfo poppler-utils

# ---------------------------------------------------------------- HTML source, page selection
if [ ! -d "$html/da" ] || [ ! -d "$html/en" ]; then
  bash "$repo/../shared/bench/get-libreoffice-help.sh" "$html" >&2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# relative names (under da/ and en/) present in both languages, sorted bytewise
(cd "$html/da" && find . -name '*.html' | sed 's|^\./||') | LC_ALL=C sort > "$work/da.txt"
(cd "$html/en" && find . -name '*.html' | sed 's|^\./||') | LC_ALL=C sort > "$work/en.txt"
LC_ALL=C comm -12 "$work/da.txt" "$work/en.txt" > "$work/both.txt"
awk 'NR % 8 == 1' "$work/both.txt" > "$work/lo.txt"
awk 'NR % 50 == 26' "$work/both.txt" > "$work/chrome.txt"

# ---------------------------------------------------------------- LibreOffice headless
need_pkg soffice libreoffice-writer-nogui
lo_count=0
for lang in da en; do
  # group missing pages by folder: one soffice run per folder (basenames repeat across folders)
  while IFS= read -r rel; do
    [ -s "$dest/libreoffice/$lang/${rel%.html}.pdf" ] || echo "$rel"
  done < "$work/lo.txt" > "$work/lo-missing-$lang.txt"
  n=$(wc -l < "$work/lo-missing-$lang.txt")
  [ "$n" -eq 0 ] && continue
  log "LibreOffice: converting $n $lang pages"
  for dir in $(sed 's|/[^/]*$||' "$work/lo-missing-$lang.txt" | sort -u); do
    out=$work/lo-out; rm -rf "$out"; mkdir -p "$out"
    files=()
    while IFS= read -r rel; do files+=("$html/$lang/$rel"); done \
      < <(awk -v d="$dir" '{ p=$0; sub(/\/[^\/]*$/, "", p); if (p == d) print }' "$work/lo-missing-$lang.txt")
    nice soffice --headless --norestore "-env:UserInstallation=file://$work/lo-profile" \
      --convert-to pdf:writer_web_pdf_Export --outdir "$out" "${files[@]}" >"$work/lo.log" 2>&1 \
      || { log "soffice failed in $lang/$dir:"; tail -5 "$work/lo.log" >&2; }
    mkdir -p "$dest/libreoffice/$lang/$dir"
    for f in "$out"/*.pdf; do [ -e "$f" ] && mv "$f" "$dest/libreoffice/$lang/$dir/"; done
    lo_count=$((lo_count + 1))
  done
done

# ---------------------------------------------------------------- Chromium print-to-PDF
need_pkg chromium chromium
for lang in da en; do
  made=0
  while IFS= read -r rel; do
    pdf=$dest/chromium/$lang/${rel%.html}.pdf
    [ -s "$pdf" ] && continue
    mkdir -p "$(dirname "$pdf")"
    prof=$(mktemp -d "$work/chrome.XXXX")
    if timeout 120 nice chromium --headless --no-sandbox --disable-gpu --no-first-run \
         --disable-background-networking --disable-component-update --disable-sync \
         --user-data-dir="$prof" --print-to-pdf="$pdf.part" "file://$html/$lang/$rel" \
         >"$work/chrome.log" 2>&1 && [ -s "$pdf.part" ]; then
      mv "$pdf.part" "$pdf"; made=$((made + 1))
    else
      rm -f "$pdf.part"; log "chromium failed on $lang/$rel"; tail -3 "$work/chrome.log" >&2
    fi
    rm -rf "$prof"
  done < "$work/chrome.txt"
  [ "$made" -gt 0 ] && log "Chromium: printed $made $lang pages"
done

# ---------------------------------------------------------------- PDFs shipped by Debian
pkgs="r-doc-pdf gnuplot-doc texlive-latex-base-doc texlive-latex-recommended-doc texlive-lang-european"
if [ ! -e "$dest/debian/.complete" ]; then
  mkdir -p "$debs"
  (cd "$debs"
   for p in $pkgs; do
     ls "${p}"_*.deb >/dev/null 2>&1 && continue
     apt-get download "$p" >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 || true; apt-get download "$p" >/dev/null; }
   done
   rm -rf root; for d in *.deb; do dpkg -x "$d" root; done)
  root=$debs/root
  # R manuals: the real files live in /usr/share/R/doc/manual (doc/r-doc-pdf has symlinks)
  for f in "$root"/usr/share/R/doc/manual/*.pdf; do
    case $(basename "$f") in fullrefman.pdf) continue;; esac
    mkdir -p "$dest/debian/r-manuals"; cp -n "$f" "$dest/debian/r-manuals/"
  done
  mkdir -p "$dest/debian/gnuplot"; cp -n "$root/usr/share/doc/gnuplot/gnuplot.pdf" "$dest/debian/gnuplot/"
  # TeX Live documentation: English, ≤ 40 pages
  find "$root/usr/share/doc/texlive-doc" -type f -name '*.pdf' | LC_ALL=C sort | python3 -c '
import re, subprocess, sys
EN = set("the and of to is in that for with this be are it as by on can you an".split())
for f in sys.stdin.read().split("\n"):
    if not f: continue
    info = subprocess.run(["pdfinfo", f], capture_output=True).stdout.decode("utf-8", "replace")
    m = re.search(r"^Pages:\s+(\d+)", info, re.M)
    if not m or int(m.group(1)) > 40: continue
    t = subprocess.run(["pdftotext", "-l", "6", f, "-"], capture_output=True).stdout.decode("utf-8", "replace").lower()
    w = re.findall(r"[^\W\d_]+", t)
    if len(w) >= 300 and sum(x in EN for x in w) / len(w) >= 0.06:
        print(f)
' > "$work/tex.txt"
  while IFS= read -r f; do
    rel=${f#"$root/usr/share/doc/texlive-doc/"}
    mkdir -p "$dest/debian/texlive/$(dirname "$rel")"
    cp -n "$f" "$dest/debian/texlive/$rel"
  done < "$work/tex.txt"
  touch "$dest/debian/.complete"
fi

# ---------------------------------------------------------------- summary
{
  printf 'source\tlang\tfiles\tpages\n'
  for g in libreoffice/da libreoffice/en chromium/da chromium/en debian/r-manuals debian/gnuplot debian/texlive; do
    [ -d "$dest/$g" ] || continue
    n=0; p=0
    while IFS= read -r -d '' f; do
      n=$((n + 1)); p=$((p + $(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/{print $2}' || echo 0)))
    done < <(find "$dest/$g" -name '*.pdf' -print0)
    printf '%s\t%s\t%s\t%s\n' "${g%%/*}" "${g#*/}" "$n" "$p"
  done
} > "$dest/.composition.tsv"
column -t -s $'\t' "$dest/.composition.tsv" >&2
awk -F'\t' 'NR > 1 { n += $3; p += $4 } END { printf "total: %d PDFs, %d pages\n", n, p }' "$dest/.composition.tsv" >&2
