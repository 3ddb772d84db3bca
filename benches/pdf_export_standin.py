#!/usr/bin/env python3
"""Stand-in for `vidensbase --corpus DIR export` on PDFs, to test the PDF benchmark harness
before the binary ingests PDFs: the same JSON-lines shape (id, title, lang, category, text,
pages), with the text taken from plain `pdftotext` itself (pages split on form feeds), so the
agreement measured against pdftotext must come out at ~100 %.

usage: pdf_export_standin.py --corpus DIR export               (the binary's argument shape)
       pdf_export_standin.py --corpus DIR --index IDX index     (harness test of the build step:
           pdftotext over every PDF in nproc parallel children, text written into IDX)
"""
import json
import os
import subprocess
import sys

args = sys.argv[1:]
corpus = args[args.index("--corpus") + 1] if "--corpus" in args else "corpus"


def pdfs():
    for root, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith(".") and f.lower().endswith(".pdf"):
                yield os.path.join(root, f)


if "index" in args:
    import concurrent.futures
    idx = args[args.index("--index") + 1]
    os.makedirs(idx, exist_ok=True)

    def one(path):
        return subprocess.run(["pdftotext", path, "-"], capture_output=True).stdout

    with open(os.path.join(idx, "text"), "wb") as o, \
            concurrent.futures.ThreadPoolExecutor(os.cpu_count() or 1) as ex:
        for t in ex.map(one, pdfs()):
            o.write(t)
    sys.exit(0)

out = sys.stdout
for root, dirs, files in os.walk(corpus):
    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    for f in sorted(files):
        if f.startswith(".") or not f.lower().endswith(".pdf"):
            continue
        path = os.path.join(root, f)
        rid = os.path.relpath(path, corpus).replace(os.sep, "/")
        p = subprocess.run(["pdftotext", path, "-"], capture_output=True)
        pages = p.stdout.decode("utf-8", "replace").split("\f")
        if pages and pages[-1].strip() == "":
            pages.pop()
        out.write(json.dumps({"id": rid, "title": os.path.splitext(f)[0], "lang": "en",
                              "category": rid.split("/")[0], "text": "\n\n".join(pages),
                              "pages": pages}, ensure_ascii=False) + "\n")
