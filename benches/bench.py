#!/usr/bin/env python3
"""Helpers for benches/compare.sh (vidensbase vs PostgreSQL full-text search).

Standard library + psycopg 3. Every subcommand writes JSON into the output folder so that
`report` can assemble the table at the end. Run `bench.py SUBCOMMAND -h` for the arguments.
"""
import argparse
import datetime
import glob
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import string
import subprocess
import sys
import threading
import time
import urllib.parse

# --------------------------------------------------------------------------------------------
# The PostgreSQL side: schema and the one search statement used by every PG client.
# --------------------------------------------------------------------------------------------
CFG = "CASE WHEN {0} = 'da' THEN 'danish'::regconfig ELSE 'english'::regconfig END"

SCHEMA = f"""
DROP TABLE IF EXISTS docs;
CREATE TABLE docs (
    id       text NOT NULL,
    title    text NOT NULL,
    lang     text NOT NULL,
    category text NOT NULL,
    body     text NOT NULL,
    -- title weighted A, body D; text search configuration chosen by the document's language
    tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector({CFG.format('lang')}, title), 'A') ||
        setweight(to_tsvector({CFG.format('lang')}, body), 'D')) STORED
);
"""

# The query language of a query is unknown, so the query is parsed with both configurations and
# OR-ed. Rank all matches (as PG must), keep the top 10, and only then build the highlighted
# snippets for those 10. total = number of matching documents (vidensbase reports it too).
SEARCH_SQL = f"""
WITH q AS (SELECT websearch_to_tsquery('danish', %(q)s) || websearch_to_tsquery('english', %(q)s) AS q),
top AS (
    SELECT d.id, ts_rank_cd(d.tsv, q.q) AS score, count(*) OVER () AS total
    FROM docs d, q
    WHERE d.tsv @@ q.q
    ORDER BY score DESC, d.id
    LIMIT 10)
SELECT t.id, d.title, d.lang, d.category, t.score, t.total,
       ts_headline({CFG.format('d.lang')}, d.body, q.q,
                   'StartSel=<mark>, StopSel=</mark>, MaxFragments=1, MaxWords=30, MinWords=12')
FROM top t JOIN docs d ON d.id = t.id CROSS JOIN q
ORDER BY t.score DESC, t.id
"""


def pg_connect(dsn, **kw):
    import psycopg
    return psycopg.connect(dsn, autocommit=True, **kw)


def pg_search(cur, q):
    cur.execute(SEARCH_SQL, {"q": q}, prepare=True)
    rows = cur.fetchall()
    return [r[0] for r in rows], (rows[0][5] if rows else 0), [r[6] for r in rows]


# --------------------------------------------------------------------------------------------
# small utilities
# --------------------------------------------------------------------------------------------
def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
    print(f"  -> {path}: {json.dumps(obj, ensure_ascii=False)[:400]}", file=sys.stderr)


def read_json(path, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return default


def pct(sorted_vals, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_vals:
        return float("nan")
    k = max(0, math.ceil(p / 100 * len(sorted_vals)) - 1)
    return sorted_vals[k]


def read_queries(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        assert header == ["lang", "kind", "query", "target_id"], header
        for line in f:
            lang, kind, query, target = line.rstrip("\n").split("\t")
            rows.append({"lang": lang, "kind": kind, "query": query, "target": target})
    return rows


VARIANT_RE = re.compile(r"\.v\d+\.html$")


def base_id(doc_id):
    """da/x/page.v7.html -> da/x/page.html (any variant of a page counts as that page)."""
    return VARIANT_RE.sub(".html", doc_id)


def search_path(q, limit=10):
    return "/api/search?" + urllib.parse.urlencode({"q": q, "limit": limit, "offset": 0})


def insert_line(html, line):
    """Insert a visible line at the start of div#DisplayArea (or after <body>)."""
    i = html.find('id="DisplayArea"')
    if i < 0:
        i = html.find("<body")
    if i < 0:
        return html + line
    j = html.index(">", i) + 1
    return html[:j] + "\n" + line + "\n" + html[j:]


# --------------------------------------------------------------------------------------------
# subcommands
# --------------------------------------------------------------------------------------------
def cmd_scale(a):
    """N variants of every page: v1 keeps the original name and bytes, v2..vN are page.vK.html
    with one extra visible line "(variant K)" at the top of the content."""
    done = os.path.join(a.dst, f".complete-x{a.n}")
    if os.path.exists(done):
        print(f"already there: {a.dst}", file=sys.stderr)
        return
    if os.path.exists(a.dst):
        shutil.rmtree(a.dst)
    count = 0
    for lang in ("da", "en"):
        for dirpath, _, files in os.walk(os.path.join(a.src, lang)):
            rel = os.path.relpath(dirpath, a.src)
            os.makedirs(os.path.join(a.dst, rel), exist_ok=True)
            for name in files:
                if not name.endswith(".html"):
                    continue
                src = os.path.join(dirpath, name)
                with open(src, encoding="utf-8", errors="surrogateescape") as f:
                    html = f.read()
                shutil.copyfile(src, os.path.join(a.dst, rel, name))
                count += 1
                for k in range(2, a.n + 1):
                    out = os.path.join(a.dst, rel, name[:-5] + f".v{k}.html")
                    with open(out, "w", encoding="utf-8", errors="surrogateescape") as f:
                        f.write(insert_line(html, f'<p dir="auto">(variant {k})</p>'))
                    count += 1
    open(done, "w").close()
    print(f"{count} pages in {a.dst}", file=sys.stderr)


def cmd_pg_load(a):
    """COPY the export (2 parallel streams = nproc), tsvector via the generated column, GIN index,
    primary key, ANALYZE. Timed end to end; the export file is pre-read so disk/JSON parsing of
    the input is not counted. With --runs N, N builds into a fresh table; the median is reported."""
    docs = []
    with open(a.jsonl, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            docs.append((d["id"], d.get("title") or "", d.get("lang") or "en",
                         d.get("category") or "", d.get("text") or ""))
    streams = max(1, a.streams)
    errors = []

    def copy_part(part):
        try:
            with pg_connect(a.dsn) as conn, conn.cursor() as cur:
                with cur.copy("COPY docs (id, title, lang, category, body) FROM STDIN") as cp:
                    for row in part:
                        cp.write_row(row)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    def build():
        """One load + index build into a fresh table; its phase times."""
        with pg_connect(a.dsn) as conn:
            conn.execute(SCHEMA)  # drops the previous run's table
        t0 = time.perf_counter()
        threads = [threading.Thread(target=copy_part, args=(docs[i::streams],)) for i in range(streams)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        t1 = time.perf_counter()
        with pg_connect(a.dsn) as conn:
            conn.execute("SET maintenance_work_mem = '2GB'")
            conn.execute("CREATE INDEX docs_tsv ON docs USING gin (tsv)")
            t2 = time.perf_counter()
            conn.execute("ALTER TABLE docs ADD PRIMARY KEY (id)")
            conn.execute("VACUUM ANALYZE docs")
            t3 = time.perf_counter()
        return {"load_s": t3 - t0, "copy_tsvector_s": t1 - t0, "gin_s": t2 - t1,
                "pk_vacuum_analyze_s": t3 - t2}

    # The median of the runs: one run on a shared machine can be off by 10 % or more.
    runs = [build() for _ in range(max(1, a.runs))]
    median = sorted(runs, key=lambda r: r["load_s"])[(len(runs) - 1) // 2]
    with pg_connect(a.dsn) as conn:
        size = conn.execute("SELECT pg_total_relation_size('docs')").fetchone()[0]
        gin = conn.execute("SELECT pg_relation_size('docs_tsv')").fetchone()[0]
        n = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
        langs = dict(conn.execute("SELECT lang, count(*) FROM docs GROUP BY lang").fetchall())
        version = conn.execute("SHOW server_version").fetchone()[0]
        # warm the cache: heap, TOAST and indexes into shared_buffers
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        conn.execute("""SELECT pg_prewarm(c.oid) FROM pg_class c
                        WHERE c.oid IN ('docs'::regclass, 'docs_tsv'::regclass, 'docs_pkey'::regclass)
                           OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'docs'::regclass)""")
    write_json(a.out, {**median, "runs_s": [r["load_s"] for r in runs],
                       "total_bytes": size, "gin_bytes": gin,
                       "docs": n, "langs": langs, "streams": streams, "version": version})


def cmd_pg_prep(a):
    """queries(id, q) table + the pgbench script (same statement, query text looked up by id)."""
    qs = read_queries(a.queries)
    with pg_connect(a.dsn) as conn:
        conn.execute("DROP TABLE IF EXISTS queries")
        conn.execute("CREATE TABLE queries (id int PRIMARY KEY, q text NOT NULL)")
        with conn.cursor() as cur, cur.copy("COPY queries (id, q) FROM STDIN") as cp:
            for i, q in enumerate(qs, 1):
                cp.write_row((i, q["query"]))
        conn.execute("ANALYZE queries")
    sql = SEARCH_SQL.replace("%(q)s", "(SELECT q FROM queries WHERE id = :qid)")
    with open(a.script, "w", encoding="utf-8") as f:
        f.write(f"\\set qid random(1, {len(qs)})\n")
        f.write(" ".join(sql.split()) + ";\n")


def cmd_wrk_lua(a):
    """wrk script: each thread cycles through all query URLs from its own random start, and the
    done() hook prints one JSON line with throughput, errors and latency percentiles."""
    paths = [search_path(q["query"]) for q in read_queries(a.queries)]
    for p in paths:
        assert '"' not in p and "\\" not in p
    body = ",\n".join(f'  "{p}"' for p in paths)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(f"""-- generated by benches/bench.py wrk-lua
local paths = {{
{body}
}}
local counter = 1
local threads = {{}}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(tid * 7919)
  counter = math.random(1, #paths)
end
function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {{"requests": %d, "duration_us": %d, "bytes": %d, "connect_err": %d, "read_err": %d, ' ..
    '"write_err": %d, "status_err": %d, "timeout_err": %d, "p50_us": %d, "p99_us": %d, "mean_us": %f}}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.mean))
end
""")


def run_pass(search, qs, record):
    lat, results = [], []
    for q in qs:
        t0 = time.perf_counter()
        ids, total, snippets = search(q["query"])
        dt = (time.perf_counter() - t0) * 1000
        lat.append(dt)
        if record:
            results.append({**q, "ms": dt, "ids": ids, "total": total,
                            "snippets_with_mark": sum("<mark>" in (s or "") for s in snippets)})
    return lat, results


def quality(results):
    """Known-item MRR@10 / success@1 per language from the `title` queries, success@10 for the
    `title_typo` ones. At scale > 1 the top 10 is collapsed to distinct pages (page.vK.html ->
    page.html) first, so any variant of the target counts and other pages' variants do not push
    it down; with 20 near-identical variants the top 10 then often holds only 1-2 distinct
    pages, so the scale-1 numbers are the reference for ranking quality."""
    out = {}
    for kind in ("title", "title_typo"):
        for lang in ("da", "en", "all"):
            rs = [r for r in results if r["kind"] == kind and (lang == "all" or r["lang"] == lang)]
            if not rs:
                continue
            rr, s1, s10 = 0.0, 0, 0
            for r in rs:
                # rank among distinct pages: variants of one page collapse into its first one
                pages = list(dict.fromkeys(base_id(d) for d in r["ids"][:10]))
                ranks = [i for i, d in enumerate(pages, 1) if d == r["target"]]
                if ranks:
                    rr += 1 / ranks[0]
                    s10 += 1
                    s1 += ranks[0] == 1
            out[f"{kind}_{lang}"] = {"n": len(rs), "mrr10": rr / len(rs), "s1": s1 / len(rs),
                                     "s10": s10 / len(rs)}
    out["zero_hit"] = sum(1 for r in results if not r["ids"])
    out["zero_hit_by_kind"] = {k: sum(1 for r in results if r["kind"] == k and not r["ids"])
                               for k in sorted({r["kind"] for r in results})}
    out["hits_without_mark"] = sum(len(r["ids"]) - r["snippets_with_mark"] for r in results)
    return out


def cmd_latency(a):
    """Concurrency 1, one persistent connection, a warm-up pass over all queries, then a
    measured pass (in the same order). Also records the top-10 ids for the quality numbers."""
    qs = read_queries(a.queries)
    if a.system == "vb":
        host, port = a.addr.rsplit(":", 1)
        conn = http.client.HTTPConnection(host, int(port), timeout=60)
        bad = []

        def search(q):
            conn.request("GET", search_path(q))
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 200:
                bad.append((q, resp.status, body[:200]))
                return [], 0, []
            j = json.loads(body)
            hits = j.get("hits") or []
            return [h.get("id") for h in hits], j.get("total"), [h.get("snippet") for h in hits]
    else:
        conn = pg_connect(a.dsn, prepare_threshold=0)
        cur = conn.cursor()
        bad = []

        def search(q):
            return pg_search(cur, q)

    run_pass(search, qs, record=False)                 # warm-up
    lat, results = run_pass(search, qs, record=True)  # measured
    conn.close()
    s = sorted(lat)
    with open(a.out + ".hits.jsonl", "w", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    out = {"n": len(s), "p50_ms": pct(s, 50), "p95_ms": pct(s, 95), "p99_ms": pct(s, 99),
           "mean_ms": sum(s) / len(s), "max_ms": s[-1], "http_errors": len(bad),
           "http_error_examples": [[q, st, b.decode("utf-8", "replace")] for q, st, b in bad[:5]],
           "slowest": sorted(({"q": r["query"], "ms": r["ms"], "total": r["total"]} for r in results),
                             key=lambda r: -r["ms"])[:5],
           "by_kind_p50_ms": {k: pct(sorted(r["ms"] for r in results if r["kind"] == k), 50)
                              for k in sorted({r["kind"] for r in results})},
           "quality": quality(results)}
    write_json(a.out, out)


def cmd_pgbench_stats(a):
    """Throughput and latency percentiles from pgbench's per-transaction logs (-l)."""
    lat = []
    for path in glob.glob(a.log_prefix + ".*"):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[2].isdigit():
                    lat.append(int(parts[2]) / 1000)
    txt = open(a.stdout_file).read()
    tps = float(re.search(r"tps = ([0-9.]+)", txt).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", txt)
    lat.sort()
    write_json(a.out, {"qps": tps, "transactions": len(lat), "p50_ms": pct(lat, 50),
                       "p99_ms": pct(lat, 99), "failed": int(failed.group(1)) if failed else 0})


def cmd_wrk_stats(a):
    txt = open(a.stdout_file).read()
    m = re.search(r"^WRKJSON (\{.*\})$", txt, re.M)
    if not m:
        sys.exit(f"no WRKJSON line in {a.stdout_file}:\n{txt}")
    w = json.loads(m.group(1))
    errs = w["connect_err"] + w["read_err"] + w["write_err"] + w["status_err"] + w["timeout_err"]
    write_json(a.out, {"qps": w["requests"] / (w["duration_us"] / 1e6), "requests": w["requests"],
                       "p50_ms": w["p50_us"] / 1000, "p99_ms": w["p99_us"] / 1000,
                       "errors": errs, "raw": w})


def fresh_token(rng):
    return "friskhed" + "".join(rng.choice(string.ascii_lowercase) for _ in range(8))


def cmd_fresh_vb(a):
    """Add one page to the corpus, run `vidensbase index`, then poll /api/search for a word that
    only that page contains. Run while wrk keeps the server busy (compare.sh does that)."""
    rng = random.Random()
    token = fresh_token(rng)
    host, port = a.addr.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=60)

    def total(q):
        conn.request("GET", search_path(q))
        r = conn.getresponse()
        body = r.read()
        return json.loads(body).get("total", 0) if r.status == 200 else -1

    assert total(token) == 0, "token already findable?"
    with open(a.src_page, encoding="utf-8", errors="surrogateescape") as f:
        html = f.read()
    os.makedirs(os.path.dirname(a.dst_page), exist_ok=True)
    with open(a.dst_page, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(insert_line(html, f'<p dir="auto">Freshness test word: {token}</p>'))
    t0 = time.perf_counter()
    p = subprocess.run([a.bin, "index", "--corpus", a.corpus, "--index", a.index],
                       capture_output=True, text=True)
    t1 = time.perf_counter()
    if p.returncode != 0:
        sys.exit(f"vidensbase index failed ({p.returncode}): {p.stderr[-2000:]}")
    found, polls = None, 0
    while time.perf_counter() - t1 < a.timeout:
        polls += 1
        if total(token) > 0:
            found = time.perf_counter()
            break
        time.sleep(0.005)
    write_json(a.out, {"index_run_s": t1 - t0, "visible_after_index_ms":
                       (found - t1) * 1000 if found else None, "polls": polls, "token": token,
                       "index_stdout": p.stdout.strip()[-300:], "timeout_s": a.timeout})


def cmd_fresh_pg(a):
    """INSERT one document (tsvector + GIN maintenance happen in the INSERT), commit, then check
    that the search statement finds it. Run while pgbench keeps the server busy."""
    token = fresh_token(random.Random())
    with pg_connect(a.dsn, prepare_threshold=0) as conn, conn.cursor() as cur:
        doc = cur.execute("SELECT title, lang, category, body FROM docs ORDER BY id LIMIT 1").fetchone()
        assert pg_search(cur, token)[1] == 0
        body = f"Freshness test word: {token}\n" + doc[3]
        conn.autocommit = False
        t0 = time.perf_counter()
        cur.execute("INSERT INTO docs (id, title, lang, category, body) VALUES (%s, %s, %s, %s, %s)",
                    (f"fresh/{token}.html", doc[0], doc[1], doc[2], body))
        conn.commit()
        t1 = time.perf_counter()
        conn.autocommit = True
        found = None
        while time.perf_counter() - t1 < a.timeout:
            if pg_search(cur, token)[1] > 0:
                found = time.perf_counter()
                break
            time.sleep(0.005)
    write_json(a.out, {"insert_commit_ms": (t1 - t0) * 1000,
                       "visible_after_commit_ms": (found - t1) * 1000 if found else None,
                       "token": token})


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------
def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1024 / 1024:.1f} GiB RAM, {platform.platform()}"


def git_rev(repo):
    """Commit of the work tree, read from .git without running git."""
    try:
        head = open(os.path.join(repo, ".git", "HEAD")).read().strip()
        if head.startswith("ref: "):
            ref = head[5:]
            p = os.path.join(repo, ".git", ref)
            if os.path.exists(p):
                return open(p).read().strip()[:12]
            packed = os.path.join(repo, ".git", "packed-refs")
            for line in open(packed) if os.path.exists(packed) else []:
                if line.strip().endswith(" " + ref):
                    return line.split()[0][:12]
            return "(no commit yet)"
        return head[:12]
    except OSError:
        return "?"


def f(x, nd=1, unit=""):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{nd}f}{unit}"


def ratio(num, den, nd=1):
    if num is None or den is None or not den or (isinstance(num, float) and math.isnan(num)):
        return "—"
    return f"{num / den:.{nd}f}×"


def cmd_report(a):
    d = a.dir
    vb_build = read_json(os.path.join(d, "vb-build.json"), {})
    vb_build_text = read_json(os.path.join(d, "vb-build-text.json"), {})
    pg_load = read_json(os.path.join(d, "pg-load.json"), {})
    vb_lat = read_json(os.path.join(d, "vb-latency.json"), {})
    pg_lat = read_json(os.path.join(d, "pg-latency.json"), {})
    vb_thr = read_json(os.path.join(d, "vb-wrk.json"), {})
    pg_thr = read_json(os.path.join(d, "pg-pgbench.json"), {})
    vb_fr = read_json(os.path.join(d, "vb-fresh.json"), {})
    pg_fr = read_json(os.path.join(d, "pg-fresh.json"), {})
    vb_rss = read_json(os.path.join(d, "vb-rss.json"), {})
    vb_nochange = read_json(os.path.join(d, "vb-nochange.json"), {})
    vq, pq = vb_lat.get("quality", {}), pg_lat.get("quality", {})
    g = lambda dct, *ks: _get(dct, ks)  # noqa: E731
    mb = lambda b: b / 1e6 if b else None  # noqa: E731
    rows = [
        ("Build: index from scratch (s; vidensbase from the HTML, PG from extracted text)",
         f(g(vb_build, "index_s"), 1), f(g(pg_load, "load_s"), 1),
         ratio(g(pg_load, "load_s"), g(vb_build, "index_s"))),
        (f"Build from the same extracted text PG loads (s; median of "
         f"{len(vb_build_text.get('runs_s') or [0])} / {len(pg_load.get('runs_s') or [0])} runs)",
         f(g(vb_build_text, "index_s"), 1),
         f(g(pg_load, "load_s"), 1), ratio(g(pg_load, "load_s"), g(vb_build_text, "index_s"))),
        ("Index size on disk (MB)", f(mb(g(vb_build, "bytes")), 1), f(mb(g(pg_load, "total_bytes")), 1),
         ratio(g(pg_load, "total_bytes"), g(vb_build, "bytes"))),
        ("… of which PG GIN index (MB)", "", f(mb(g(pg_load, "gin_bytes")), 1), ""),
        ("Sync with nothing changed (s, `vidensbase index` again)", f(g(vb_nochange, "sync_s"), 2), "", ""),
    ]
    for p in ("p50", "p95", "p99"):
        rows.append((f"Latency c=1 {p} (ms)", f(g(vb_lat, f"{p}_ms"), 2), f(g(pg_lat, f"{p}_ms"), 2),
                     ratio(g(pg_lat, f"{p}_ms"), g(vb_lat, f"{p}_ms"))))
    rows += [
        (f"Throughput c=16 (q/s, {a.duration} s)", f(g(vb_thr, "qps"), 0), f(g(pg_thr, "qps"), 0),
         ratio(g(vb_thr, "qps"), g(pg_thr, "qps"))),
        ("Latency c=16 p99 (ms)", f(g(vb_thr, "p99_ms"), 1), f(g(pg_thr, "p99_ms"), 1),
         ratio(g(pg_thr, "p99_ms"), g(vb_thr, "p99_ms"))),
        ("Errors under load", f(g(vb_thr, "errors"), 0), f(g(pg_thr, "failed"), 0), ""),
    ]
    for lang in ("da", "en"):
        rows.append((f"Known-item MRR@10 {lang} (n={g(vq, f'title_{lang}', 'n') or g(pq, f'title_{lang}', 'n')})",
                     f(g(vq, f"title_{lang}", "mrr10"), 3), f(g(pq, f"title_{lang}", "mrr10"), 3), ""))
    for lang in ("da", "en"):
        rows.append((f"Known-item success@1 {lang}", f(g(vq, f"title_{lang}", "s1"), 3),
                     f(g(pq, f"title_{lang}", "s1"), 3), ""))
    rows += [
        (f"Typo'd title success@10 (n={g(vq, 'title_typo_all', 'n') or g(pq, 'title_typo_all', 'n')})",
         f(g(vq, "title_typo_all", "s10"), 3), f(g(pq, "title_typo_all", "s10"), 3), ""),
        ("Queries with zero hits", f(g(vq, "zero_hit"), 0), f(g(pq, "zero_hit"), 0), ""),
        ("Freshness: update run (ms)", f(_ms(g(vb_fr, "index_run_s")), 0),
         f(g(pg_fr, "insert_commit_ms"), 1), "vb: `index` run; PG: INSERT+COMMIT"),
        ("Freshness: searchable after it (ms)", f(g(vb_fr, "visible_after_index_ms"), 0),
         f(g(pg_fr, "visible_after_commit_ms"), 1), ""),
        ("Server peak RSS (MB)", f(mb(g(vb_rss, "vmhwm_bytes")), 0), "—", "PG: shared_buffers " + a.shared_buffers),
    ]
    date = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    vb_ver = a.vb_version or "?"
    lines = [
        f"## {date} — scale x{a.scale}, {g(pg_load, 'docs') or '?'} documents, {vb_lat.get('n') or pg_lat.get('n')} queries",
        "",
        f"- Machine: {machine()}",
        f"- vidensbase: {vb_ver} (git {git_rev(a.repo)}); PostgreSQL {g(pg_load, 'version') or '?'}",
        f"- Corpus: LibreOffice 7.4 help da+en, scale x{a.scale}: {g(pg_load, 'docs')} docs "
        f"(by exported lang: {g(pg_load, 'langs')}); quality counted at this scale over distinct pages (variants collapsed)",
        f"- Load generators at c=16: wrk (vidensbase, HTTP keep-alive) and pgbench -M prepared (PostgreSQL), "
        f"{a.duration} s each, 2 threads each, on the same 2-core machine as the server",
        "",
        "| Metric | vidensbase | PostgreSQL FTS | Ratio |",
        "| --- | ---: | ---: | --- |",
    ]
    lines += [f"| {m} | {v} | {p} | {r} |" for m, v, p, r in rows]
    lines += ["", "Ratios: PG/vidensbase for times, sizes and latencies (>1× = vidensbase smaller/faster); "
              "vidensbase/PG for throughput (>1× = vidensbase more q/s).", ""]
    notes = [f"**{a.note}**"] if a.note else []
    if vb_lat.get("http_errors"):
        notes.append(f"vidensbase HTTP errors at c=1: {vb_lat['http_errors']} e.g. {vb_lat['http_error_examples'][:2]}")
    if vq.get("hits_without_mark"):
        notes.append(f"vidensbase hits without `<mark>` in the snippet: {vq['hits_without_mark']}")
    if pq.get("hits_without_mark"):
        notes.append(f"PG hits without `<mark>` in ts_headline: {pq['hits_without_mark']}")
    if vb_fr and vb_fr.get("visible_after_index_ms") is None:
        notes.append(f"vidensbase: the new document was NOT searchable within {vb_fr.get('timeout_s')} s")
    for name, lat in (("vidensbase", vb_lat), ("PG", pg_lat)):
        if lat.get("slowest"):
            notes.append(f"{name} slowest c=1 queries: " +
                         ", ".join(f"`{s['q']}` {s['ms']:.1f} ms ({s['total']} hits)" for s in lat["slowest"][:3]))
    if notes:
        lines += ["Notes:", ""] + [f"- {n}" for n in notes] + [""]
    section = "\n".join(lines) + "\n"
    print(section)
    head = "# Benchmark results: vidensbase vs PostgreSQL full-text search\n\n" \
           "Written by `benches/compare.sh`; newest run first. See `benches/README.md` for what each number means.\n\n"
    old = ""
    if os.path.exists(a.results):
        old = open(a.results, encoding="utf-8").read()
        old = old[len(head):] if old.startswith(head) else old
    with open(a.results, "w", encoding="utf-8") as fh:
        fh.write(head + section + ("\n" + old.lstrip("\n") if old.strip() else ""))


def _get(dct, ks):
    for k in ks:
        if not isinstance(dct, dict) or k not in dct:
            return None
        dct = dct[k]
    return dct


def cmd_text_corpus(a):
    """Write the exported documents as plain-text files (front-matter title and language, then the
    text), so vidensbase can be timed indexing exactly what PostgreSQL is loaded with: the same
    title, text and per-document language."""
    n = 0
    with open(a.jsonl, encoding="utf-8") as src:
        for line in src:
            d = json.loads(line)
            path = os.path.join(a.dest, d["id"] + ".txt")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            title = " ".join(d["title"].split())
            with open(path, "w", encoding="utf-8") as out:
                out.write(f"---\ntitle: {title}\nlang: {d['lang']}\n---\n{d['text']}\n")
            n += 1
    print(f"{n} text files in {a.dest}", file=sys.stderr)


def _ms(s):
    return s * 1000 if s is not None else None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("scale"); p.add_argument("src"); p.add_argument("dst"); p.add_argument("n", type=int)
    p.set_defaults(fn=cmd_scale)
    p = sub.add_parser("pg-load"); p.add_argument("--dsn", required=True); p.add_argument("--jsonl", required=True)
    p.add_argument("--streams", type=int, default=os.cpu_count()); p.add_argument("--out", required=True)
    p.add_argument("--runs", type=int, default=1, help="builds to take the median of")
    p.set_defaults(fn=cmd_pg_load)
    p = sub.add_parser("pg-prep"); p.add_argument("--dsn", required=True); p.add_argument("--queries", required=True)
    p.add_argument("--script", required=True); p.set_defaults(fn=cmd_pg_prep)
    p = sub.add_parser("wrk-lua"); p.add_argument("--queries", required=True); p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_wrk_lua)
    p = sub.add_parser("latency"); p.add_argument("--system", choices=("vb", "pg"), required=True)
    p.add_argument("--addr"); p.add_argument("--dsn"); p.add_argument("--queries", required=True)
    p.add_argument("--out", required=True); p.set_defaults(fn=cmd_latency)
    p = sub.add_parser("pgbench-stats"); p.add_argument("--log-prefix", required=True)
    p.add_argument("--stdout-file", required=True); p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_pgbench_stats)
    p = sub.add_parser("wrk-stats"); p.add_argument("--stdout-file", required=True); p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_wrk_stats)
    p = sub.add_parser("fresh-vb")
    for k in ("--addr", "--bin", "--corpus", "--index", "--src-page", "--dst-page", "--out"):
        p.add_argument(k, required=True)
    p.add_argument("--timeout", type=float, default=30); p.set_defaults(fn=cmd_fresh_vb)
    p = sub.add_parser("fresh-pg"); p.add_argument("--dsn", required=True); p.add_argument("--out", required=True)
    p.add_argument("--timeout", type=float, default=30); p.set_defaults(fn=cmd_fresh_pg)
    p = sub.add_parser("text-corpus"); p.add_argument("--jsonl", required=True); p.add_argument("--dest", required=True)
    p.set_defaults(fn=cmd_text_corpus)
    p = sub.add_parser("report"); p.add_argument("--dir", required=True); p.add_argument("--results", required=True)
    p.add_argument("--repo", required=True); p.add_argument("--scale", required=True)
    p.add_argument("--duration", required=True); p.add_argument("--vb-version", default="")
    p.add_argument("--shared-buffers", default="?"); p.add_argument("--note", default="")
    p.set_defaults(fn=cmd_report)
    a = ap.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
