#!/usr/bin/env python3
"""Deterministic bilingual query set for the vidensbase vs PostgreSQL benchmark.

Reads the scale-1 LibreOffice help corpus (DIR/da/**.html, DIR/en/**.html) with its own small
HTML reader (title + the text of div#DisplayArea), independent of vidensbase's extractor, and
writes a TSV with a header line:

    lang  kind  query  target_id

kinds (shares of each language's half):
    title        40 %  known-item search: the page title, target_id = that page's id
    title_typo    5 %  a title query with a one-letter typo in one word (target kept)
    word         30 %  one word drawn from page text
    two_words    25 %  two adjacent words drawn from page text

Only the standard library is used. Same corpus + same --seed => byte-identical output.

    make_queries.py CORPUS OUT.tsv [--count 400] [--seed 20240611]
    make_queries.py CORPUS --dump-jsonl OUT.jsonl   # fallback extractor (PG-only testing)
"""
import argparse
import collections
import html.parser
import json
import os
import random
import re
import sys

WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)   # letters only
TITLE_RE = re.compile(r"\w+(?:['’-]\w+)*", re.UNICODE)                 # keeps "Access2Base"

# Small stop lists: enough to keep function words out of the drawn word queries.
STOP = set("""
og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi min
havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil
blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette mit også under
have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos blive mange ad bliver
hendes været thi jer sådan kan kun bruge brug andre hver både samt hvilke hvilken dens disse dine
vælg vælge klik
the a an and or of to in is it for on with as by be this that are from at you your can not no
if then else when which will into its use used using there their these those also may more other
such than them they was were been has have had but all any each one two how what only so do does
click choose select see
""".split())


class PageParser(html.parser.HTMLParser):
    """Collects <title> and the visible text inside div#DisplayArea (scripts/styles skipped)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title_parts, self.body_parts = [], []
        self.in_title = False
        self.depth = 0          # div nesting depth inside DisplayArea (0 = outside)
        self.skip = 0           # inside <script>/<style>

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        elif tag in ("script", "style"):
            self.skip += 1
        elif tag == "div":
            if self.depth:
                self.depth += 1
            elif dict(attrs).get("id") == "DisplayArea":
                self.depth = 1
        if self.depth and tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "tr", "br", "div", "pre"):
            self.body_parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        elif tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "div" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.in_title:
            self.title_parts.append(data)
        elif self.depth and not self.skip:
            self.body_parts.append(data)


def parse_page(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        p = PageParser()
        p.feed(f.read())
    title = " ".join("".join(p.title_parts).split())
    body = "\n".join(" ".join(line.split()) for line in "".join(p.body_parts).splitlines())
    body = re.sub(r"\n{2,}", "\n", body).strip()
    return title, body


def walk(corpus):
    """Yields (id, lang, path) in sorted, deterministic order."""
    for lang in ("da", "en"):
        root = os.path.join(corpus, lang)
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(".html"):
                    path = os.path.join(dirpath, name)
                    yield os.path.relpath(path, corpus).replace(os.sep, "/"), lang, path


def load(corpus):
    docs = []
    for doc_id, lang, path in walk(corpus):
        title, body = parse_page(path)
        docs.append({"id": doc_id, "lang": lang, "title": title, "body": body,
                     "category": doc_id.split("/")[1] if doc_id.count("/") > 1 else ""})
    return docs


def words(text):
    return WORD_RE.findall(text)


def query_from_title(title):
    # Plain words only: no quotes, dashes or other operators that one query parser reads and
    # another ignores; the bare word "or" is dropped for the same reason (websearch syntax).
    toks = [t for t in TITLE_RE.findall(title) if t.lower() != "or"]
    return " ".join(toks)


def typo(word, rng):
    i = rng.randrange(1, len(word) - 1)   # keep the first letter, like most real typos
    op = rng.choice(("sub", "del", "ins", "swap"))
    letters = "abcdefghijklmnoprstuvy"
    if op == "sub":
        c = rng.choice([c for c in letters if c != word[i].lower()])
        return word[:i] + c + word[i + 1:]
    if op == "del":
        return word[:i] + word[i + 1:]
    if op == "ins":
        return word[:i] + rng.choice(letters) + word[i:]
    if word[i] == word[i + 1]:
        return word[:i] + word[i + 1:]    # swapping equal letters changes nothing: delete
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def make(docs, count, seed):
    rng = random.Random(seed)
    title_count = collections.Counter(d["title"].lower() for d in docs)
    out = []
    for lang in ("da", "en"):
        n = count // 2 if lang == "da" else count - count // 2
        n_typo = round(0.05 * n)
        n_title = round(0.40 * n)
        n_word = round(0.30 * n)
        n_two = n - n_typo - n_title - n_word
        ldocs = [d for d in docs if d["lang"] == lang]
        # document frequency of lowercased words in this language
        df = collections.Counter()
        for d in ldocs:
            df.update({w.lower() for w in words(d["body"])})
        max_df = 0.25 * len(ldocs)

        def good_word(w):
            lw = w.lower()
            return len(lw) >= 4 and lw not in STOP and 2 <= df[lw] <= max_df

        # known-item candidates: titles unique in the whole corpus (both languages), 1-8 words,
        # not too short; generic titles ("Options", "Indstillinger", ...) repeat and drop out.
        cands = []
        for d in ldocs:
            q = query_from_title(d["title"])
            nw = len(q.split())
            if title_count[d["title"].lower()] == 1 and 1 <= nw <= 8 and len(q) >= 6:
                cands.append((q, d["id"]))
        rng.shuffle(cands)
        seen = set()
        titles = []
        for q, tid in cands:
            if q.lower() not in seen:
                seen.add(q.lower())
                titles.append((q, tid))
        for q, tid in titles[:n_title]:
            out.append((lang, "title", q, tid))
        k = 0
        for q, tid in titles[n_title:]:
            if k == n_typo:
                break
            ws = q.split()
            long_ws = [i for i, w in enumerate(ws) if len(w) >= 5 and w.isalpha()]
            if not long_ws:
                continue
            i = rng.choice(long_ws)
            ws[i] = typo(ws[i], rng)
            out.append((lang, "title_typo", " ".join(ws), tid))
            k += 1
        bodies = [d for d in ldocs if len(words(d["body"])) >= 20]
        seen = set()
        while n_word:
            d = rng.choice(bodies)
            w = rng.choice(words(d["body"]))
            if good_word(w) and w.lower() not in seen:
                seen.add(w.lower())
                out.append((lang, "word", w.lower(), ""))
                n_word -= 1
        while n_two:
            d = rng.choice(bodies)
            ws = words(d["body"])
            i = rng.randrange(len(ws) - 1)
            a, b = ws[i], ws[i + 1]
            pair = f"{a.lower()} {b.lower()}"
            if good_word(a) and good_word(b) and a.lower() != b.lower() and pair not in seen:
                seen.add(pair)
                out.append((lang, "two_words", pair, ""))
                n_two -= 1
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--dump-jsonl", metavar="FILE",
                    help="write this script's own extraction in the `vidensbase export` format (testing only)")
    a = ap.parse_args()
    docs = load(a.corpus)
    if not docs:
        sys.exit(f"no pages under {a.corpus}/da or {a.corpus}/en")
    if a.dump_jsonl:
        with open(a.dump_jsonl, "w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps({"id": d["id"], "title": d["title"], "lang": d["lang"],
                                    "category": d["category"], "text": d["title"] + "\n" + d["body"]},
                                   ensure_ascii=False) + "\n")
    if a.out:
        if a.count < 20:
            sys.exit("--count must be at least 20")
        rows = make(docs, a.count, a.seed)
        with open(a.out, "w", encoding="utf-8") as f:
            f.write("lang\tkind\tquery\ttarget_id\n")
            for r in rows:
                f.write("\t".join(x.replace("\t", " ") for x in r) + "\n")
        kinds = collections.Counter((r[0], r[1]) for r in rows)
        print(f"{len(rows)} queries -> {a.out} " +
              " ".join(f"{l}/{k}={n}" for (l, k), n in sorted(kinds.items())), file=sys.stderr)


if __name__ == "__main__":
    main()
