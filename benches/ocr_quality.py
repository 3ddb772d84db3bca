#!/usr/bin/env python3
"""OCR quality table for benches/ocr.sh: the scans' OCR text (vidensbase export) against the
printed PDFs' own text layer (pdftotext), page by page.

usage: ocr_quality.py BENCH_DIR SOURCE_DIR VARIANT...
"""
import collections
import json
import os
import re
import subprocess
import sys

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
DANISH = set("æøåÆØÅ")


def words(text):
    return [w.lower() for w in WORD.findall(text) if len(w) > 1 and any(c.isalpha() for c in w)]


def reference_pages(pdf):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, check=True)
    pages = out.stdout.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def recall(ref, got):
    ref_c, got_c = collections.Counter(ref), collections.Counter(got)
    hit = sum(min(n, got_c[w]) for w, n in ref_c.items())
    return hit, sum(ref_c.values())


def main():
    bench, src, variants = sys.argv[1], sys.argv[2], sys.argv[3:]
    refs = {}
    for lang in ("da", "en"):
        for name in sorted(os.listdir(os.path.join(src, lang))):
            refs[(lang, name)] = reference_pages(os.path.join(src, lang, name))
    rows = []
    for v in variants:
        ocr = {}
        with open(os.path.join(bench, f"export-{v}.jsonl"), encoding="utf-8") as f:
            for line in f:
                d = json.loads(line)
                lang, name = d["id"].split("/", 1)
                ocr[(lang, name)] = d.get("pages") or [d["text"]]
        start, end = map(float, open(os.path.join(bench, f"time-{v}.txt")).read().split())
        pages_total = 0
        for lang in ("da", "en"):
            per_page, danish_hit, danish_all, placed, sampled, missing_docs = [], 0, 0, 0, 0, 0
            hit_all = ref_all = 0
            for (l, name), ref in refs.items():
                if l != lang:
                    continue
                got = ocr.get((lang, name))
                if got is None:
                    missing_docs += 1
                    got = []
                pages_total += len(ref)
                page_sets = [set(words(p)) for p in got]
                ref_words_by_page = [words(p) for p in ref]
                counts = collections.Counter(w for ws in ref_words_by_page for w in set(ws))
                for i, ref_words in enumerate(ref_words_by_page):
                    if not ref_words:
                        continue
                    got_words = words(got[i]) if i < len(got) else []
                    h, n = recall(ref_words, got_words)
                    hit_all += h
                    ref_all += n
                    per_page.append(h / n)
                    dh, dn = recall([w for w in ref_words if DANISH & set(w)], got_words)
                    danish_hit += dh
                    danish_all += dn
                    # Words on this page only: found on this page, or elsewhere?
                    if len(ref) > 1:
                        for w in set(ref_words):
                            if counts[w] != 1:
                                continue
                            where = [j for j, s in enumerate(page_sets) if w in s]
                            if where:
                                sampled += 1
                                placed += where == [i]
            if not per_page:
                continue
            per_page.sort()
            rows.append(
                (
                    v,
                    lang,
                    len(per_page),
                    100 * hit_all / ref_all,
                    100 * per_page[len(per_page) // 10],
                    (100 * danish_hit / danish_all) if danish_all else None,
                    (100 * placed / sampled) if sampled else None,
                    missing_docs,
                )
            )
        seconds = end - start
        rows.append((v, "pages/s", pages_total, pages_total / seconds, seconds, None, None, None))
    print("| scan | language | pages | word recall | 10th percentile page | æ/ø/å words | one-page words on their page | documents not read |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for v, lang, pages, rec, p10, dan, placed, missing in rows:
        if lang == "pages/s":
            print(f"| {v} | **speed** | {pages} | {rec:.2f} pages/s | {p10:.0f} s wall, 2 cores | | | |")
            continue
        fmt = lambda x: "–" if x is None else f"{x:.1f} %"
        print(f"| {v} | {lang} | {pages} | {rec:.1f} % | {p10:.1f} % | {fmt(dan)} | {fmt(placed)} | {missing} |")


if __name__ == "__main__":
    main()
