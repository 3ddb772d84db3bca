#!/usr/bin/env python3
"""Helpers for benches/pdf.sh.

  pdf_bench.py measure OUT.json -- CMD ARGS...
      Runs CMD under `/usr/bin/time -v`, stdout/stderr of CMD to OUT.json.log, and polls the
      process tree every 20 ms: VmHWM (peak RSS) of CMD's own process and the largest VmHWM
      seen in any of its descendants (e.g. the pdftotext children of vidensbase). Writes wall,
      user, sys, time's max RSS (the largest of the process and its waited-for children) and the
      two sampled peaks (MB) to OUT.json. Exit status = CMD's.
  pdf_bench.py median OUT.json RUN1.json RUN2.json ...   copy the run with the median wall time
  pdf_bench.py report OUT_DIR CORPUS LABEL   -> Markdown table on stdout
"""
import json
import os
import subprocess
import sys
import time


def status(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            d = {}
            for line in f:
                k, _, v = line.partition(":")
                d[k] = v.strip()
            return d
    except OSError:
        return None


def children(pid):
    # children of every thread: vidensbase spawns its pdftotext children from worker threads
    out = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for t in tids:
        try:
            with open(f"/proc/{pid}/task/{t}/children") as f:
                out.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return out


def kb(d, key):
    try:
        return int(d[key].split()[0])
    except (KeyError, ValueError, TypeError):
        return 0


def measure(out, cmd):
    tfile = out + ".time"
    log = open(out + ".log", "w")
    t0 = time.monotonic()
    p = subprocess.Popen(["/usr/bin/time", "-v", "-o", tfile] + cmd, stdout=log, stderr=log)
    main_pid = None
    main_hwm = child_hwm = 0
    seen_children = set()
    while p.poll() is None:
        if main_pid is None:
            c = children(p.pid)
            if c:
                main_pid = c[0]
        if main_pid is not None:
            s = status(main_pid)
            if s:
                main_hwm = max(main_hwm, kb(s, "VmHWM"))
            main_name = (s or {}).get("Name")
            stack = children(main_pid)
            while stack:
                c = stack.pop()
                s = status(c)
                # a child spawned with vfork/posix_spawn shares the parent's memory until it
                # execs: its VmHWM is the parent's then. Count it only once it is another program.
                if s and s.get("Name") != main_name:
                    seen_children.add(c)
                    child_hwm = max(child_hwm, kb(s, "VmHWM"))
                stack.extend(children(c))
        time.sleep(0.02)
    wall = time.monotonic() - t0
    log.close()
    tv = {}
    with open(tfile) as f:
        for line in f:
            k, _, v = line.strip().rpartition(": ")
            tv[k] = v
    res = {
        "cmd": cmd,
        "rc": p.returncode,
        "wall": wall,
        "user": float(tv.get("User time (seconds)", 0)),
        "sys": float(tv.get("System time (seconds)", 0)),
        "time_maxrss_mb": int(tv.get("Maximum resident set size (kbytes)", 0)) / 1024,
        "main_hwm_mb": main_hwm / 1024,
        "child_hwm_mb": child_hwm / 1024,
        "children_seen": len(seen_children),
    }
    with open(out, "w") as f:
        json.dump(res, f, indent=1)
    return p.returncode


def fmt(x, d=1):
    return f"{x:,.{d}f}"


def pct(x):
    return "n/a" if x is None else f"{100 * x:.2f} %"


def runs(r):
    if r.get("runs", 1) <= 1:
        return ""
    return f"; median of {r['runs']}: " + ", ".join(f"{w:.2f}" for w in r["walls"]) + " s"


def report(outdir, corpus, label):
    def load(name):
        p = os.path.join(outdir, name)
        return json.load(open(p)) if os.path.exists(p) else None

    comp = [l.rstrip("\n").split("\t") for l in open(os.path.join(outdir, "composition.tsv"))][1:]
    files = sum(int(r[2]) for r in comp)
    pages = sum(int(r[3]) for r in comp)
    base = load("pdftotext.json")
    build = load("build.json")
    exp = load("export.json")
    agr = load("agreement.json")
    notes = open(os.path.join(outdir, "notes.txt")).read().strip() if os.path.exists(os.path.join(outdir, "notes.txt")) else ""
    L = []
    L.append(f"Corpus `{corpus}`: **{files:,} PDFs, {pages:,} pages** "
             + "(" + "; ".join(f"{r[0]} {r[1]}: {int(r[2]):,} files, {int(r[3]):,} pages" for r in comp) + ").")
    L.append(f"Export: `{label}`.")
    L.append("")
    L.append("| measure | value |")
    L.append("| --- | --- |")
    if base:
        L.append(f"| pdftotext, one file after another (baseline{runs(base)}) | {fmt(base['wall'], 2)} s wall "
                 f"({fmt(pages / base['wall'], 0)} pages/s), CPU {fmt(base['user'] + base['sys'], 2)} s, "
                 f"largest pdftotext RSS {fmt(base['time_maxrss_mb'])} MB |")
    if build:
        ok = "" if build["rc"] == 0 else f" **(exit status {build['rc']})**"
        L.append(f"| `vidensbase index` from scratch{runs(build)} | {fmt(build['wall'], 2)} s wall "
                 f"({fmt(pages / build['wall'], 0)} pages/s), CPU {fmt(build['user'] + build['sys'], 2)} s{ok} |")
        if base:
            r = build["wall"] / base["wall"]
            L.append(f"| build wall / pdftotext wall (goal ≤ 1.00) | {r:.2f} |")
        L.append(f"| peak RSS, `/usr/bin/time -v` (largest of vidensbase and its children; a spawned child's exec records the parent's RSS, so ≈ vidensbase's) | {fmt(build['time_maxrss_mb'])} MB |")
        L.append(f"| peak RSS of the vidensbase process (VmHWM, sampled every 20 ms) | {fmt(build['main_hwm_mb'])} MB |")
        L.append(f"| largest child RSS seen after exec (VmHWM, sampled; {build['children_seen']:,} children seen) | {fmt(build['child_hwm_mb'])} MB |")
        if build.get("index_bytes") is not None:
            L.append(f"| index size | {fmt(build['index_bytes'] / 2**20)} MB |")
    if exp:
        L.append(f"| export (`… export`, all PDFs) | {fmt(exp['wall'], 2)} s wall, {exp.get('pdf_docs', 0):,} PDF documents exported |")
    if agr:
        L.append(f"| text agreement with pdftotext, raw (multiset; per page / per word) | {pct(agr['raw_page_avg'])} / {pct(agr['raw_word_avg'])} |")
        L.append(f"| … adjusted: header/footer words left out ({agr['hf_words_excluded']:,} of {agr['words']:,}), hyphen joins credited | {pct(agr['adj_page_avg'])} / {pct(agr['adj_word_avg'])} |")
        for g, v in agr.get("by_group", {}).items():
            L.append(f"| … `{g}` ({v['pages']:,} pages): raw per page / per word, adjusted per word | "
                     f"{pct(v['raw_page_avg'])} / {pct(v['raw_word_avg'])}, {pct(v['adj_word_avg'])} |")
        if agr.get("doclevel_word_avg") is not None:
            L.append(f"| … whole-document agreement for {agr['docs_without_pages']:,} PDFs exported without `pages` | {pct(agr['doclevel_word_avg'])} |")
        L.append(f"| page check: sampled one-page words on the same page (only on that page) | {pct(agr['pagecheck_same'])} ({pct(agr['pagecheck_only'])}), n = {agr['pagecheck_n']:,} |")
        if "pagecheck_elsewhere" in agr:
            L.append(f"| … the misses: on another page only / not in the export at all (a text difference) | {agr['pagecheck_elsewhere']} / {agr['pagecheck_absent']} |")
        L.append(f"| PDFs missing from the export / exported without `pages` / page count differs | {agr['docs_missing']:,} / {agr['docs_without_pages']:,} / {agr['docs_pagecount_mismatch']:,} |")
    if notes:
        L.append("")
        for n in notes.split("\n"):
            L.append(f"**Note:** {n}  ")
    print("\n".join(L))


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "measure" and sys.argv[3] == "--":
        sys.exit(measure(sys.argv[2], sys.argv[4:]))
    elif len(sys.argv) >= 4 and sys.argv[1] == "median":
        runs = sorted((json.load(open(p)) for p in sys.argv[3:]), key=lambda r: r["wall"])
        m = runs[(len(runs) - 1) // 2]
        m["runs"] = len(runs)
        m["walls"] = [r["wall"] for r in runs]
        json.dump(m, open(sys.argv[2], "w"), indent=1)
    elif len(sys.argv) == 5 and sys.argv[1] == "report":
        report(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
