#!/usr/bin/env python3
"""The question benchmark's helpers (benches/questions.sh): ask, prepare PostgreSQL's input, score.

  questions.py vb --bin VIDENSBASE --index DIR --questions Q.tsv --out RUN.tsv [--answers A.tsv]
          [--sections S.tsv]
      every question through `vidensbase search --json --limit 10`; RUN.tsv: qid rank doc page;
      A.tsv: the answer box of each question that got one (qid doc page text); S.tsv: each
      question's top hit's heading path (`qid<TAB>json`)
  questions.py pg-input --export E.jsonl --questions Q.tsv --pages P.tsv --asked A.tsv
      PostgreSQL COPY text files: one row per page (doc, page, lang, body) and per question
  questions.py score --questions Q.tsv --run LABEL=RUN.tsv ... [--answers LABEL=A.tsv] [--md OUT.md]
          [--per-question OUT.tsv]
      success@1 / @3 of the right document and page, per language, type and source; with
      --answers, the answer box's precision and coverage (see answer_right)
  questions.py sections --questions Q.tsv --run RUN.tsv --sections S.tsv
      how often the top hit's heading path (`section` in JSON, written by `vb --sections`) ends
      in the judged heading: of the questions with a heading, and of those whose top hit is the
      right document
  questions.py selftest --questions Q.tsv
      the scorer against made-up runs whose figures are known (an oracle, the other edition,
      pages off by one, the answer key of another question); exits non-zero on a mismatch

A run file has one line per hit, `qid<TAB>rank<TAB>doc<TAB>page`, the page empty (or \\N) where a
hit has none (an HTML page, a text file). Standard library only.
"""
import argparse
import collections
import json
import subprocess
import sys

TOP = 10
# The order of the type rows: as the question set's README counts them.
TYPES = ["how-to", "other", "amount", "definition", "when", "where", "eligibility"]
SOURCES = [("lohelp/", "LibreOffice help (HTML)"), ("installguide/", "Installation Guide (PDF)"),
           ("", "seed documents (corpus/)")]


def read_questions(path):
    with open(path, encoding="utf-8") as f:
        lines = [l for l in f.read().split("\n") if l]
    header = lines[0].split("\t")
    return [dict(zip(header, l.split("\t"))) for l in lines[1:]]


def read_run(path):
    """qid -> [(doc, page or None)], best first."""
    hits = collections.defaultdict(list)
    with open(path, encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    for qid, rank, doc, page in sorted(rows, key=lambda r: (r[0], int(r[1]))):
        hits[qid].append((doc, int(page) if page not in ("", "\\N") else None))
    return hits


def source(q):
    doc = q["doc"].split(" | ")[0]
    return next(label for prefix, label in SOURCES if doc.startswith(prefix))


# ------------------------------------------------------------------------------------ asking
def ask_vb(args):
    """Each question as `vidensbase search --json` (the shape of /api/search: hits with `id` and
    `page`), with the engine's defaults."""
    rows, answers, sections = [], [], []
    for q in read_questions(args.questions):
        cmd = [args.bin, "--index", args.index, "search", q["question"], "--json", "--limit", str(TOP)]
        body = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stdout)
        for rank, hit in enumerate(body["hits"][:TOP], start=1):
            page = "" if hit.get("page") is None else str(hit["page"])
            rows.append(f"{q['id']}\t{rank}\t{hit['id']}\t{page}\n")
        if body["hits"]:
            sections.append(f"{q['id']}\t{json.dumps(body['hits'][0].get('section', []), ensure_ascii=False)}\n")
        a = body.get("answer")
        if a:
            page = "" if a.get("page") is None else str(a["page"])
            text = " ".join(a["text"].split())
            answers.append(f"{q['id']}\t{a['id']}\t{page}\t{text}\n")
    with open(args.out, "w", encoding="utf-8") as f:
        f.writelines(rows)
    if args.answers:
        with open(args.answers, "w", encoding="utf-8") as f:
            f.writelines(answers)
    if args.sections:
        with open(args.sections, "w", encoding="utf-8") as f:
            f.writelines(sections)
    print(f"vidensbase: {len(rows)} hits for {len(read_questions(args.questions))} questions", file=sys.stderr)


def copy_text(value):
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    value = str(value).replace("\x00", "")
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def pg_input(args):
    n = 0
    with open(args.export, encoding="utf-8") as src, open(args.pages, "w", encoding="utf-8") as out:
        for line in src:
            if not line.strip():
                continue
            d = json.loads(line)
            units = [(i + 1, t) for i, t in enumerate(d["pages"])] if "pages" in d else [(None, d["text"])]
            for page, text in units:
                out.write("\t".join(copy_text(v) for v in (d["id"], page, d["lang"], text)) + "\n")
                n += 1
    with open(args.asked, "w", encoding="utf-8") as out:
        for q in read_questions(args.questions):
            out.write(f"{copy_text(q['id'])}\t{copy_text(q['question'])}\n")
    print(f"PostgreSQL input: {n} pages and documents", file=sys.stderr)


# ------------------------------------------------------------------------------------ scoring
def judge(q, hits):
    """(rank of the first hit with the right document, rank of the first with the right page);
    None where no hit in the list is right. The right document is `doc` (ids joined by ` | ` are
    equally right); the other edition is not. For a PDF the page must be `page` too; for a
    document without pages, the right document is the right page."""
    docs = set(q["doc"].split(" | "))
    want = int(q["page"]) if q.get("page") else None

    def first(ok):
        return next((i for i, h in enumerate(hits, start=1) if ok(h)), None)

    doc_rank = first(lambda h: h[0] in docs)
    page_rank = first(lambda h: h[0] in docs and (want is None or h[1] == want))
    return doc_rank, page_rank


def read_answers(path):
    """qid -> (doc, page or None, text): the answer box each question got."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                qid, doc, page, text = line.rstrip("\n").split("\t", 3)
                out[qid] = (doc, int(page) if page else None, text)
    return out


def word_set(text):
    """The lowercased words of a text (runs of letters and digits), as a set."""
    word, words = [], set()
    for c in text.lower() + " ":
        if c.isalnum():
            word.append(c)
        elif word:
            words.add("".join(word))
            word = []
    return words


def answer_right(q, shown):
    """A shown answer box is right when its passage is in the judged document (`doc`) and
    overlaps the judged `answer`: at least half of the judged answer's distinct words are in the
    shown text, or at least half of the shown text's are in the judged answer (order ignored).
    The page is not required: the passage's words decide."""
    if q["type"] == "none" or not shown:
        return False
    doc, _page, text = shown
    if doc not in set(q["doc"].split(" | ")):
        return False
    judged, got = word_set(q["answer"]), word_set(text)
    if not judged or not got:
        return False
    common = len(judged & got)
    return common >= 0.5 * len(judged) or common >= 0.5 * len(got)


def answer_figures(questions, answers):
    """Per language and all: boxes shown on answerable questions, right ones, answerable
    questions, and boxes shown on `none` questions (which should stay empty)."""
    out = {}
    for name, lang in (("all", None), ("da", "da"), ("en", "en")):
        qs = [q for q in questions if lang is None or q["lang"] == lang]
        answerable = [q for q in qs if q["type"] != "none"]
        shown = [q for q in answerable if q["id"] in answers]
        right = [q for q in shown if answer_right(q, answers[q["id"]])]
        none = [q for q in qs if q["type"] == "none"]
        out[name] = {"answerable": len(answerable), "shown": len(shown), "right": len(right),
                     "none": len(none), "none shown": sum(1 for q in none if q["id"] in answers)}
    return out


def answer_rows(questions, systems, answer_runs):
    """The table's answer-box rows: precision (right / shown) and coverage (shown / answerable),
    per language; and for the `none` questions, how many boxes stayed empty."""
    figs = {s: answer_figures(questions, answer_runs[s]) for s in systems if s in answer_runs}
    lines = []
    for name in ("all", "da", "en"):
        n = sum(1 for q in questions if q["type"] != "none" and (name == "all" or q["lang"] == name))
        cells = []
        for s in systems:
            if s not in figs:
                cells.append("n/a")
                continue
            f = figs[s][name]
            prec = f"{f['right'] / f['shown']:.2f}" if f["shown"] else "–"
            cells.append(f"precision {prec} ({f['right']}/{f['shown']}), coverage {f['shown'] / f['answerable']:.2f}")
        lines.append(f"| {name} | {n} | answer box quotes the right passage | " + " | ".join(cells) + " |")
    return lines, figs


def slices(questions):
    answerable = [q for q in questions if q["type"] != "none"]
    out = [("all", answerable), ("da", [q for q in answerable if q["lang"] == "da"]),
           ("en", [q for q in answerable if q["lang"] == "en"])]
    out += [(f"type {t}", [q for q in answerable if q["type"] == t]) for t in TYPES]
    known = set(TYPES) | {"none"}
    out += [(f"type {t}", [q for q in answerable if q["type"] == t])
            for t in sorted({q["type"] for q in questions} - known)]
    out += [(label, [q for q in answerable if source(q) == label]) for _, label in SOURCES]
    return [(name, qs) for name, qs in out if qs]


def pct(part, whole):
    return f"{100 * part / whole:.1f}" if whole else "–"


def measure(questions, runs):
    """{system: {slice: {"doc@1", "doc@3", "page@1", "page@3", "n"}}}, plus the none / zero-hit counts."""
    figures = {}
    for label, run in runs.items():
        per = {}
        for name, qs in slices(questions):
            ranks = [judge(q, run.get(q["id"], [])) for q in qs]
            per[name] = {"n": len(qs)}
            for kind, i in (("doc", 0), ("page", 1)):
                for k in (1, 3):
                    per[name][f"{kind}@{k}"] = sum(1 for r in ranks if r[i] is not None and r[i] <= k)
        none = [q for q in questions if q["type"] == "none"]
        per["none with a hit"] = {lang: sum(1 for q in none if q["lang"] == lang and run.get(q["id"]))
                                  for lang in ("da", "en")}
        per["none n"] = {lang: sum(1 for q in none if q["lang"] == lang) for lang in ("da", "en")}
        per["zero hits"] = sum(1 for q in questions if q["type"] != "none" and not run.get(q["id"]))
        figures[label] = per
    return figures


def table(questions, figures, answer_runs=None):
    systems = list(figures)
    lines = ["| questions | n | right | " + " | ".join(systems) + " |",
             "| --- | ---: | --- | " + " | ".join("---:" for _ in systems) + " |"]
    for name, qs in slices(questions):
        for kind, what in (("doc", "document"), ("page", "page")):
            cells = [f"{pct(figures[s][name][kind + '@1'], len(qs))} / {pct(figures[s][name][kind + '@3'], len(qs))}"
                     for s in systems]
            lines.append(f"| {name} | {len(qs)} | {what}: s@1 / s@3 % | " + " | ".join(cells) + " |")
    answerable = sum(1 for q in questions if q["type"] != "none")
    rows, afigs = answer_rows(questions, systems, answer_runs or {})
    lines += rows
    lines.append(f"| all | {answerable} | no hit at all (count) | " + " | ".join(str(figures[s]["zero hits"]) for s in systems) + " |")
    n = figures[systems[0]]["none n"]
    cells = [f"{sum(f['none with a hit'].values())} (da {f['none with a hit']['da']}, en {f['none with a hit']['en']})"
             for f in (figures[s] for s in systems)]
    lines.append(f"| none (no answer) | {n['da'] + n['en']} | any hit (count; informational) | " + " | ".join(cells) + " |")
    cells = []
    for s in systems:
        if s not in afigs:
            cells.append("n/a")
            continue
        f = afigs[s]
        empty = {k: f[k]["none"] - f[k]["none shown"] for k in ("all", "da", "en")}
        cells.append(f"{empty['all']} of {f['all']['none']} (da {empty['da']}, en {empty['en']})")
    lines.append(f"| none (no answer) | {n['da'] + n['en']} | answer box stays empty (count) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def per_question(questions, runs, path):
    with open(path, "w", encoding="utf-8") as f:
        f.write("id\tlang\ttype\t" + "\t".join(f"{s} doc rank\t{s} page rank" for s in runs) + "\n")
        for q in questions:
            cells = []
            for run in runs.values():
                if q["type"] == "none":
                    cells += [f"{len(run.get(q['id'], []))} hits", ""]
                else:
                    cells += ["" if r is None else str(r) for r in judge(q, run.get(q["id"], []))]
            f.write(f"{q['id']}\t{q['lang']}\t{q['type']}\t" + "\t".join(cells) + "\n")


def score(args):
    questions = read_questions(args.questions)
    runs = {}
    for spec in args.run:
        label, _, path = spec.partition("=")
        runs[label] = read_run(path)
    answer_runs = {}
    for spec in args.answers or []:
        label, _, path = spec.partition("=")
        answer_runs[label] = read_answers(path)
    md = table(questions, measure(questions, runs), answer_runs)
    sys.stdout.write(md)
    if args.md:
        with open(args.md, "w", encoding="utf-8") as f:
            f.write(md)
    if args.per_question:
        per_question(questions, runs, args.per_question)


# ------------------------------------------------------------------------------------ sections
def heading_key(text):
    """A heading as compared: without a leading section number (`6.3.2.2`), lowercase, single
    spaces."""
    words = text.lower().split()
    if words and all(p.isdigit() for p in words[0].rstrip(".").split(".")):
        words = words[1:]
    return " ".join(words)


def sections(args):
    """How often the top hit's heading path ends in the judged heading."""
    questions = [q for q in read_questions(args.questions) if q["type"] != "none" and q.get("heading")]
    runs = read_run(args.run)
    with open(args.sections, encoding="utf-8") as f:
        paths = {qid: json.loads(path) for qid, path in (l.rstrip("\n").split("\t", 1) for l in f if l.strip())}
    right_doc = right_page = ok_all = ok_doc = ok_page = 0
    for q in questions:
        top = runs.get(q["id"], [])
        path = paths.get(q["id"], [])
        ok = bool(path) and heading_key(path[-1]) == heading_key(q["heading"])
        ok_all += ok
        if top and top[0][0] in q["doc"].split(" | "):
            right_doc += 1
            ok_doc += ok
            if not q["page"] or top[0][1] == int(q["page"]):
                right_page += 1
                ok_page += ok
    n = len(questions)
    print(f"| top hit's heading path ends in the judged heading | {ok_all} of {n} ({pct(ok_all, n)}) "
          f"| {ok_doc} of {right_doc} ({pct(ok_doc, right_doc)}) | {ok_page} of {right_page} ({pct(ok_page, right_page)}) |")


# ------------------------------------------------------------------------------------ self-test
def selftest(args):
    """Known runs, known figures: checks that the scorer counts what it says it counts."""
    questions = read_questions(args.questions)
    answerable = [q for q in questions if q["type"] != "none"]
    n, pdf = len(answerable), sum(1 for q in answerable if q["page"])

    def run(hits_of):
        return {q["id"]: hits_of(q) for q in questions if hits_of(q)}

    def right(q):
        return [] if q["type"] == "none" else [(q["doc"], int(q["page"]) if q["page"] else None)]

    def other(q):
        return [(q["other_edition"], int(q["page"]) if q["page"] else None)] if q["other_edition"] else []

    def page_off(q):
        return [(d, p + 1 if p else p) for d, p in right(q)]

    nxt = {a["id"]: b for a, b in zip(answerable, answerable[1:] + answerable[:1])}

    def wrong_key(q):  # the answer of the next question, as a wrong answer key would have it
        return right(nxt[q["id"]]) if q["type"] != "none" else []

    def third(q):  # two wrong hits, then the right one
        return [("x/none.html", None), ("x/none.pdf", 1)] + right(q)

    cases = [("oracle", run(right), n, n, n), ("other edition", run(other), 0, 0, 0),
             ("page off by one", run(page_off), n, n - pdf, n - pdf), ("wrong answer key", run(wrong_key), None, None, None),
             ("right at rank 3", run(third), 0, 0, n)]
    bad = []
    for label, r, doc1, page1, page3 in cases:
        got = measure(questions, {label: r})[label]
        all_ = got["all"]
        print(f"{label:18} doc@1 {all_['doc@1']:3}  page@1 {all_['page@1']:3}  page@3 {all_['page@3']:3}  of {n}")
        if doc1 is None:  # the wrong key: only questions that share their document with the next can score
            same = sum(1 for q in answerable if nxt[q["id"]]["doc"] == q["doc"])
            if all_["doc@1"] != same:
                bad.append(f"{label}: doc@1 {all_['doc@1']}, expected {same}")
        elif (all_["doc@1"], all_["page@1"], all_["page@3"]) != (doc1, page1, page3):
            bad.append(f"{label}: {all_['doc@1']}, {all_['page@1']}, {all_['page@3']}, expected {doc1}, {page1}, {page3}")
    # The answer box: the judged passage itself is right everywhere; the same words in the other
    # edition, or a passage of no judged words, never; the none questions' boxes are counted.
    oracle = {q["id"]: (q["doc"], None, q["answer"]) for q in answerable}
    oracle.update({q["id"]: ("x/none.html", None, "x") for q in questions if q["type"] == "none"})
    f = answer_figures(questions, oracle)["all"]
    if (f["shown"], f["right"], f["none shown"]) != (n, n, f["none"]):
        bad.append(f"answer oracle: {f}")
    elsewhere = {q["id"]: (q["other_edition"] or "x/none.html", None, q["answer"]) for q in answerable}
    unrelated = {q["id"]: (q["doc"], None, "zzz qqq xxyyzz") for q in answerable}
    for label, answers in (("answer in the other edition", elsewhere), ("unrelated passage", unrelated)):
        f = answer_figures(questions, answers)["all"]
        if (f["shown"], f["right"]) != (n, 0):
            bad.append(f"{label}: {f}")
    half = {q["id"]: (q["doc"], None, " ".join(q["answer"].split()[: len(q["answer"].split()) // 3])) for q in answerable}
    f = answer_figures(questions, half)["all"]
    print(f"answer box: oracle {n}/{n}; a third of each judged answer: {f['right']}/{f['shown']} right (all its words are in the answer)")
    if f["right"] != sum(1 for q in answerable if word_set(half[q["id"]][2])):
        bad.append(f"a third of the answer: {f}")
    none_hits = measure(questions, {"any": run(third)})["any"]["none with a hit"]
    if sum(none_hits.values()) != sum(1 for q in questions if q["type"] == "none"):
        bad.append(f"none questions with a hit: {none_hits}")
    for b in bad:
        print("FAIL", b)
    print("selftest:", "FAILED" if bad else "ok")
    return 1 if bad else 0


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("vb")
    a.add_argument("--bin", required=True)
    a.add_argument("--index", required=True)
    a.add_argument("--questions", required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--sections")
    a.add_argument("--answers")
    a = sub.add_parser("pg-input")
    a.add_argument("--export", required=True)
    a.add_argument("--questions", required=True)
    a.add_argument("--pages", required=True)
    a.add_argument("--asked", required=True)
    a = sub.add_parser("score")
    a.add_argument("--questions", required=True)
    a.add_argument("--run", action="append", required=True, help="LABEL=RUN.tsv, in table order")
    a.add_argument("--answers", action="append", help="LABEL=ANSWERS.tsv (the answer boxes of run LABEL)")
    a.add_argument("--md")
    a.add_argument("--per-question")
    a = sub.add_parser("sections")
    a.add_argument("--questions", required=True)
    a.add_argument("--run", required=True)
    a.add_argument("--sections", required=True)
    a = sub.add_parser("selftest")
    a.add_argument("--questions", required=True)
    args = p.parse_args(argv[1:])
    return {"vb": ask_vb, "pg-input": pg_input, "score": score, "sections": sections,
            "selftest": selftest}[args.cmd](args) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
