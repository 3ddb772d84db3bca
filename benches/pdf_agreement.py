#!/usr/bin/env python3
"""Text agreement of a per-page PDF export with poppler's pdftotext, per page.

usage: pdf_agreement.py REFDIR EXPORT.jsonl [--label NAME] [--json OUT.json] [--sample 2000]
                        [--seed 20240611] [--only-exported]

REFDIR holds pdftotext's output for every corpus PDF: REFDIR/<id>.txt, where <id> is the PDF's
path relative to the corpus root ('/'-separated, the same id vidensbase exports), produced by plain
`pdftotext FILE OUT.txt` (pages end with a form feed). EXPORT.jsonl is `vidensbase export` output
(or a stand-in's): one JSON object per document with "id", "text" and, for paged documents,
"pages" (pages[i] = text of physical page i+1). Lines whose id does not end in .pdf are ignored.

Words: Unicode NFKC, lowercased, maximal runs of letters/digits (`[^\\W_]+`); everything else
separates words. Agreement of a page = matched / pdftotext's words on that page, counted as
MULTISETS (a word pdftotext has three times on a page needs three occurrences on our page).
Reported averaged over pages (pages with at least one pdftotext word) and over all words.

  raw       plain multiset agreement.
  adjusted  (a) pdftotext words in a running header/footer are left out of the count: words of
            the first or last non-empty line of a page whose shape (digits → '#') occurs in the
            first/last lines of more than half of that document's pages (documents of ≥ 2
            pages); (b) a hyphenated line end in pdftotext ('…exam-' + next line 'ple…') whose
            joined word ('example') is on our page credits both parts if they were unmatched.

Page check: SAMPLE (default 2,000) random (document, word) pairs, word of ≥ 4 letters that
occurs on exactly one page of that document per pdftotext and not in a header/footer line;
'same page' = the word is on that page in the export; 'only there' = on that page and no other.

Also per group (first two path components, e.g. libreoffice/da): raw agreement per page and per
word, adjusted per word ("by_group").

Documents missing from the export count as pages with agreement 0. A document whose export has
no "pages" field is compared as one whole (document-level agreement only; no page check).
"""
import argparse
import collections
import json
import os
import random
import re
import sys
import unicodedata

WORD = re.compile(r"[^\W_]+")


def words(s):
    return WORD.findall(unicodedata.normalize("NFKC", s).lower())


def shape(w):
    return "#" if w.isdigit() else w


def ref_pages(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        t = f.read()
    pages = t.split("\f")
    if pages and pages[-1].strip() == "":
        pages.pop()  # pdftotext ends every page with \f
    return pages


def first_last_lines(page):
    lines = [l for l in page.split("\n") if words(l)]
    if not lines:
        return []
    return [lines[0]] if len(lines) == 1 else [lines[0], lines[-1]]


def header_footer_words(pages):
    """Per page: the multiset of pdftotext words that sit in a running header/footer line."""
    out = [collections.Counter() for _ in pages]
    if len(pages) < 2:
        return out
    per_page_shapes = []
    for p in pages:
        s = set()
        for l in first_last_lines(p):
            s.update(shape(w) for w in words(l))
        per_page_shapes.append(s)
    df = collections.Counter()
    for s in per_page_shapes:
        df.update(s)
    frequent = {w for w, c in df.items() if c * 2 > len(pages)}
    if not frequent:
        return out
    for i, p in enumerate(pages):
        for l in first_last_lines(p):
            for w in words(l):
                if shape(w) in frequent:
                    out[i][w] += 1
    return out


HYPHEN = re.compile(r"([^\W_]+)[-\u00ad\u2010]\s*\n\s*([^\W_]+)")


def hyphen_pairs(page):
    t = unicodedata.normalize("NFKC", page).lower()
    return [(m.group(1), m.group(2)) for m in HYPHEN.finditer(t)]


def compare_page(ref, ours_words, hf):
    """-> (ref_total, raw_matched, adj_total, adj_matched)"""
    R = collections.Counter(words(ref))
    O = collections.Counter(ours_words)
    total = sum(R.values())
    residue = R - O  # unmatched pdftotext words
    raw = total - sum(residue.values())
    # (a) leave out header/footer words: first from the unmatched ones, the rest from matched
    adj_total, adj_matched = total, raw
    for w, c in hf.items():
        c = min(c, R[w])
        miss = min(c, residue[w])
        residue[w] -= miss
        adj_total -= c
        adj_matched -= c - miss
    # (b) hyphen joins
    if residue:
        oset = set(O)
        for a, b in hyphen_pairs(ref):
            if a + b in oset:
                for part in (a, b):
                    if residue[part] > 0:
                        residue[part] -= 1
                        adj_matched += 1
    return total, raw, adj_total, adj_matched


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("refdir")
    ap.add_argument("export")
    ap.add_argument("--label", default="export")
    ap.add_argument("--json")
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--only-exported", action="store_true",
                    help="leave out PDFs missing from the export instead of counting them as 0")
    a = ap.parse_args()

    ref_ids = []
    for root, _, files in os.walk(a.refdir):
        for f in files:
            if f.endswith(".pdf.txt"):
                ref_ids.append(os.path.relpath(os.path.join(root, f), a.refdir)[:-4].replace(os.sep, "/"))
    ref_ids.sort()

    exp = {}
    with open(a.export, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            d = json.loads(line)
            if str(d.get("id", "")).lower().endswith(".pdf"):
                exp[d["id"]] = d

    if a.only_exported:
        ref_ids = [r for r in ref_ids if r in exp]

    n_pages = 0
    page_raw = page_adj = 0.0
    n_pages_adj = 0
    tot = raw = adj_tot = adj = 0
    missing_docs = nopages_docs = pagecount_mismatch = 0
    doc_level = []  # (total, matched) for documents without "pages"
    candidates = []  # (doc, page index, word)
    groups = collections.defaultdict(lambda: [0, 0, 0.0, 0, 0, 0])  # pages, words, page sum, matched, adj words, adj matched

    def group(rid):
        parts = rid.split("/")
        return "/".join(parts[:2]) if len(parts) > 2 else parts[0]
    ours_pages_of = {}

    for rid in ref_ids:
        rp = ref_pages(os.path.join(a.refdir, rid + ".txt"))
        hf = header_footer_words(rp)
        d = exp.get(rid)
        if d is None:
            missing_docs += 1
            for p, h in zip(rp, hf):
                t = sum(collections.Counter(words(p)).values())
                if t:
                    n_pages += 1
                    tot += t
                    at = t - sum(h.values())
                    adj_tot += at
                    if at:
                        n_pages_adj += 1
            continue
        if "pages" not in d or d["pages"] is None:
            nopages_docs += 1
            R = collections.Counter(w for p in rp for w in words(p))
            O = collections.Counter(words(d.get("text", "")))
            t = sum(R.values())
            m = t - sum((R - O).values())
            doc_level.append((t, m))
            continue
        op = d["pages"]
        if len(op) != len(rp):
            pagecount_mismatch += 1
        ow = [words(p) for p in op]
        ours_pages_of[rid] = [set(x) for x in ow]
        for i, p in enumerate(rp):
            t, r, at, am = compare_page(p, ow[i] if i < len(ow) else [], hf[i])
            if t:
                n_pages += 1
                tot += t
                raw += r
                page_raw += r / t
                g = groups[group(rid)]
                g[0] += 1; g[1] += t; g[2] += r / t; g[3] += r; g[4] += at; g[5] += am
            if at:
                n_pages_adj += 1
                adj_tot += at
                adj += am
                page_adj += am / at
        # page-check candidates: ≥4 letters, exactly one page per pdftotext, not header/footer
        where = collections.defaultdict(set)
        for i, p in enumerate(rp):
            for w in words(p):
                if len(w) >= 4 and w.isalpha() and w not in hf[i]:
                    where[w].add(i)
        for w, s in where.items():
            if len(s) == 1:
                candidates.append((rid, next(iter(s)), w))

    res = {
        "label": a.label,
        "docs_ref": len(ref_ids),
        "docs_missing": missing_docs,
        "docs_without_pages": nopages_docs,
        "docs_pagecount_mismatch": pagecount_mismatch,
        "pages": n_pages,
        "words": tot,
        "raw_page_avg": page_raw / n_pages if n_pages else None,
        "raw_word_avg": raw / tot if tot else None,
        "adj_page_avg": page_adj / n_pages_adj if n_pages_adj else None,
        "adj_word_avg": adj / adj_tot if adj_tot else None,
        "hf_words_excluded": tot - adj_tot,
    }
    res["by_group"] = {k: {"pages": v[0], "words": v[1], "raw_page_avg": v[2] / v[0],
                           "raw_word_avg": v[3] / v[1], "adj_word_avg": v[5] / v[4] if v[4] else None}
                       for k, v in sorted(groups.items())}
    if doc_level:
        t = sum(x for x, _ in doc_level)
        res["doclevel_word_avg"] = sum(m for _, m in doc_level) / t if t else None
    rng = random.Random(a.seed)
    candidates.sort()
    sample = rng.sample(candidates, min(a.sample, len(candidates))) if candidates else []
    same = only = elsewhere = absent = 0
    misses = []
    for rid, i, w in sample:
        pages = ours_pages_of[rid]
        on = [j for j, s in enumerate(pages) if w in s]
        if i in on:
            same += 1
            if len(on) == 1:
                only += 1
        elif on:
            elsewhere += 1
            misses.append(f"  elsewhere: {rid} p{i + 1} {w!r} found on {[j + 1 for j in on]}")
        else:
            absent += 1
            misses.append(f"  absent: {rid} p{i + 1} {w!r}")
    res["pagecheck_elsewhere"] = elsewhere
    res["pagecheck_absent"] = absent
    if misses:
        print("page check misses (absent: the word is not in the export at all, a text difference;"
              " elsewhere: it is, but not on pdftotext's page):", file=sys.stderr)
        print("\n".join(misses), file=sys.stderr)
    res["pagecheck_n"] = len(sample)
    res["pagecheck_same"] = same / len(sample) if sample else None
    res["pagecheck_only"] = only / len(sample) if sample else None
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    json.dump(res, sys.stdout)
    print()


if __name__ == "__main__":
    main()
