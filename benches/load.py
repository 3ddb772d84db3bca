#!/usr/bin/env python3
"""Helpers for benches/load.sh: searches under load while the index is re-built (issue #12).

Standard library only. Subcommands (`load.py SUBCOMMAND -h` for the arguments):

  prepare  pick the files the sync phase will change and give each its own inode (the corpus is
           a hard-linked copy: writing into a shared inode would change the original corpus)
  run      the measured phases against a running `vidensbase serve`, JSON into --out
  report   the Markdown section from the JSON of every scale, prepended to --results

Every wait is bounded; on a timeout the run stops with a message (load.sh cleans up).
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True   # no benches/__pycache__ from importing bench.py
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import git_rev, insert_line, machine, pct, read_queries, write_json  # noqa: E402

N_ADD = N_CHANGE = N_DELETE = 300
N_FRESH_ADD, N_FRESH_DEL = 20, 5
FRESH_POLL_S = 0.020
FRESH_TIMEOUT_S = 60
LEAD_IN_S = 1.0          # load runs this long before a phase's window opens (not counted)
IDLE_REUSE_S = 10        # the server closes a kept-alive connection idle for 15 s: reconnect before
TOKEN_LETTERS = "bcdfghjklmnpqrstvwxz"   # no vowels: no stem, compound part or word of either language


def log(msg):
    print(f"[load {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def die(msg):
    log("FAILED: " + msg)
    sys.exit(1)


def token(rng, prefix):
    return prefix + "".join(rng.choice(TOKEN_LETTERS) for _ in range(10))


def read_text(path):
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return f.read()


def write_text(path, text):
    with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
        f.write(text)


def append_paragraph(html, para):
    """The paragraph as the last one of the page's main content (div#DisplayArea, which ends just
    before div#SearchFrame in the LibreOffice help pages); at its start if that is not found."""
    i = html.find('<div id="SearchFrame"')
    j = html.rfind("</div>", 0, i) if i >= 0 else -1
    if j < 0 or html[j:i].strip() != "</div>":
        return insert_line(html, para)
    return html[:j] + para + "\n" + html[j:]


def corpus_files(corpus):
    """Document ids (relative paths) of the HTML pages in the corpus, sorted; hidden skipped."""
    out = []
    for dirpath, dirs, files in os.walk(corpus):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel = os.path.relpath(dirpath, corpus)
        for name in files:
            if name.endswith(".html") and not name.startswith("."):
                out.append(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
    out.sort()
    return out


# ------------------------------------------------------------------------------------- noise
def busy_builds():
    """Names of running cargo/rustc processes (another build competes for the 2 cores)."""
    found = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/comm") as f:
                    comm = f.read().strip()
            except OSError:
                continue
            if comm in ("cargo", "rustc"):
                found.add(comm)
    return sorted(found)


def cpu_ticks(pids):
    """(all CPUs' user+nice+system+irq+softirq ticks, the user+system ticks of `pids`), to tell
    others' CPU use apart (without IRQ time accounting, a task's system time includes the
    interrupts served while it ran)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    total = v[0] + v[1] + v[2] + v[5] + v[6]
    ours = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            ours += int(parts[11]) + int(parts[12])   # utime, stime (fields 14, 15)
        except (OSError, IndexError, ValueError):
            pass
    return total, ours


# ------------------------------------------------------------------------------------- HTTP
class Api:
    """One keep-alive connection for the monitor (status, probes, admin); reconnects on error
    and counts failures (which are not part of the 16 clients' numbers)."""

    def __init__(self, host, port, token=None):
        self.host, self.port, self.token = host, port, token
        self.conn = None
        self.used = 0.0
        self.failures = []

    def request(self, method, path, body=None):
        headers = {}
        if self.token and path.startswith("/api/reindex"):
            headers["Authorization"] = f"Bearer {self.token}"
        for attempt in range(3):
            try:
                if self.conn is not None and time.monotonic() - self.used > IDLE_REUSE_S:
                    self.conn.close()    # the server has closed it (or is about to): by design
                    self.conn = None
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                self.used = time.monotonic()
                if r.will_close:
                    self.conn.close()
                    self.conn = None
                if r.status >= 500:
                    self.failures.append(f"{time.strftime('%H:%M:%S')} {method} {path}: {r.status}")
                return r.status, data
            except (OSError, http.client.HTTPException) as e:
                self.failures.append(f"{time.strftime('%H:%M:%S')} {method} {path}: {type(e).__name__}: {e}")
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                time.sleep(0.05)
        die(f"{method} {path}: no answer after 3 attempts ({self.failures[-1]})")

    def json(self, path):
        status, data = self.request("GET", path)
        if status != 200:
            die(f"GET {path}: HTTP {status}: {data[:200]!r}")
        return json.loads(data)

    def status(self):
        return self.json("/api/status")

    def total(self, q):
        return self.json(search_path(q))["total"]


def search_path(q, limit=10):
    return "/api/search?" + urllib.parse.urlencode({"q": q, "limit": limit})


class Load:
    """`clients` threads, each with one keep-alive connection, closed loop over the query paths
    (each thread from its own starting point). Every request is recorded as
    (send time, ms until the whole body was read, HTTP status or the exception's name)."""

    def __init__(self, host, port, paths, clients):
        self.host, self.port, self.paths, self.clients = host, port, paths, clients
        self.stop_evt = threading.Event()
        self.recs = [[] for _ in range(clients)]
        self.threads = []

    def _worker(self, i):
        paths, n, rec = self.paths, len(self.paths), self.recs[i]
        k = i * n // self.clients
        conn = None
        while not self.stop_evt.is_set():
            path = paths[k % n]
            k += 1
            t0 = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                st = r.status
                if r.will_close:
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException) as e:
                st = type(e).__name__
                if conn is not None:
                    conn.close()
                conn = None
            rec.append((t0, (time.perf_counter() - t0) * 1000, st))
            if isinstance(st, str):
                time.sleep(0.01)   # no busy loop against a server that is gone
        if conn is not None:
            conn.close()

    def start(self):
        for i in range(self.clients):
            t = threading.Thread(target=self._worker, args=(i,), daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self):
        self.stop_evt.set()
        deadline = time.monotonic() + 60
        for t in self.threads:
            t.join(max(0.0, deadline - time.monotonic()))
        if any(t.is_alive() for t in self.threads):
            die("load clients did not stop within 60 s")
        return sorted(r for rec in self.recs for r in rec)


def stats(records, a, b):
    """Numbers over the requests sent in [a, b)."""
    rs = [r for r in records if a <= r[0] < b]
    lat = sorted(r[1] for r in rs)
    bad = {}
    for r in rs:
        if r[2] != 200:
            bad[str(r[2])] = bad.get(str(r[2]), 0) + 1
    span = b - a
    return {"window_s": span, "requests": len(rs), "failed": sum(bad.values()), "failures": bad,
            "qps": len(rs) / span if span > 0 else None,
            "p50_ms": pct(lat, 50) if lat else None, "p99_ms": pct(lat, 99) if lat else None,
            "max_ms": lat[-1] if lat else None}


def save_records(path, records, t_ref):
    with open(path, "w") as f:
        f.write("t_s\tms\tstatus\n")
        for t, ms, st in records:
            f.write(f"{t - t_ref:.4f}\t{ms:.3f}\t{st}\n")


# ------------------------------------------------------------------------------------- prepare
def cmd_prepare(a):
    """Choose candidates for the "changed" files and break their hard links (new inode, same
    bytes and mtime, so the index build sees the same files). Done before the build, so the
    server never sees these writes."""
    rng = random.Random(a.seed)
    files = corpus_files(a.corpus)
    if len(files) < 4 * N_CHANGE:
        die(f"only {len(files)} pages in {a.corpus}")
    cands = rng.sample(files, N_CHANGE + 100)   # spare ones for files the index skips
    for rel in cands:
        p = os.path.join(a.corpus, rel)
        tmp = os.path.join(os.path.dirname(p), ".load-tmp-" + os.path.basename(p))
        shutil.copy2(p, tmp)           # bytes + mtime (ns): an unchanged file for the sync
        os.replace(tmp, p)
        if os.stat(p).st_nlink != 1:
            die(f"{p} still has {os.stat(p).st_nlink} links")
    write_json(a.out, {"seed": a.seed, "files": len(files), "change_candidates": cands})


# ------------------------------------------------------------------------------------- run
class Run:
    def __init__(self, a):
        self.a = a
        host, port = a.addr.rsplit(":", 1)
        self.host, self.port = host, int(port)
        self.api = Api(self.host, self.port, os.environ.get("VIDENSBASE_ADMIN_TOKEN"))
        self.rng = random.Random(a.seed + 1)
        qs = read_queries(a.queries)
        self.paths = [search_path(q["query"]) for q in qs]
        self.out = a.out
        os.makedirs(self.out, exist_ok=True)
        self.t_ref = time.perf_counter()
        self.result = {"scale": a.scale, "clients": a.clients, "duration_s": a.duration,
                       "queries": len(qs), "probe": a.probe, "phases": {}, "noise": []}

    # -- helpers
    def wait(self, what, cond, timeout, every=0.05):
        t0 = time.perf_counter()
        while True:
            v = cond()
            if v:
                return v
            if time.perf_counter() - t0 > timeout:
                die(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(every)

    def server_alive(self):
        if not os.path.exists(f"/proc/{self.a.server_pid}"):
            die(f"the server (pid {self.a.server_pid}) is gone")

    def phase_start(self, name):
        self.server_alive()
        builds = busy_builds()
        if builds:
            self.result["noise"].append(f"{'/'.join(builds)} running at the start of phase '{name}'")
            log(f"WARNING: {'/'.join(builds)} running at the start of phase '{name}'")
        log(f"phase: {name}")
        return time.perf_counter(), cpu_ticks([self.a.server_pid, os.getpid()])

    def phase_cpu(self, start):
        """Other processes' CPU since the phase started (lead-in included), in % of one CPU
        (user+system ticks of all CPUs minus those of the server and this process)."""
        t_start, ticks0 = start
        seconds = time.perf_counter() - t_start
        t1 = cpu_ticks([self.a.server_pid, os.getpid()])
        hz = os.sysconf("SC_CLK_TCK")
        other = ((t1[0] - ticks0[0]) - (t1[1] - ticks0[1])) / hz
        ours = (t1[1] - ticks0[1]) / hz
        return {"other_cpu_pct": max(0.0, 100 * other / seconds) if seconds > 0 else None,
                "server_and_clients_cpu_pct": 100 * ours / seconds if seconds > 0 else None}

    def load(self):
        return Load(self.host, self.port, self.paths, self.a.clients).start()

    def finish(self, name, load, ticks0, windows):
        """Stop the load; numbers for each named window; raw records to a TSV."""
        recs = load.stop()
        end = time.perf_counter()
        phase = {}
        for key, (a, b) in windows.items():
            phase[key] = stats(recs, a, min(b, end))
        phase["cpu"] = self.phase_cpu(ticks0)
        save_records(os.path.join(self.out, f"requests-{name}.tsv"), recs, self.t_ref)
        self.result["phases"][name] = phase
        m = phase["window"]
        log(f"  {name}: {m['requests']} requests, {m['failed']} failed, p50 {m['p50_ms']:.1f} ms, "
            f"p99 {m['p99_ms']:.1f} ms, max {m['max_ms']:.1f} ms; other CPU "
            f"{phase['cpu']['other_cpu_pct']:.0f} %")
        return phase

    def idle(self, what, timeout):
        """Wait until the watcher has nothing to do (its start-up sync, a follow-up sync)."""
        self.wait(what, lambda: not self.api.status()["indexing"], timeout)

    # -- phases
    def setup(self):
        docs_hint = self.a.files
        self.t_small = 60 + 0.002 * docs_hint      # a sync of hundreds of files, a start-up walk
        self.t_big = 120 + 0.004 * docs_hint       # a rebuild of everything (100k: 530 s)
        self.wait("the server's start-up sync", lambda: (lambda st: st["last_commit"] and not st["indexing"])(
            self.api.status()), self.t_small)
        st = self.api.status()
        self.n0 = st["documents"]
        skipped = {s["id"] for s in st.get("skipped") or []}
        plan = json.load(open(self.a.plan))
        files = [f for f in corpus_files(self.a.corpus) if f not in skipped]
        change = [f for f in plan["change_candidates"] if f not in skipped][:N_CHANGE]
        if len(change) < N_CHANGE:
            die(f"only {len(change)} change candidates are indexed documents")
        change_set = set(change)
        rest = [f for f in files if f not in change_set]
        self.rng.shuffle(rest)
        self.delete = rest[:N_DELETE]
        self.sources = rest[N_DELETE:]               # pages copied for new files
        self.change = change
        self.result.update({"documents_start": self.n0, "files": len(files) + len(skipped),
                            "skipped": len(skipped), "probe_total_start": self.api.total(self.a.probe)})
        log(f"{self.n0} documents, {len(skipped)} files skipped by the index; probe "
            f"'{self.a.probe}': {self.result['probe_total_start']} hits")
        for q in ("qz" + "x" * 10,):
            if self.api.total(q) != 0:
                die(f"nonsense query {q} has hits")
        # warm-up (not measured): page in the index under the same load
        l = self.load()
        time.sleep(min(3.0, self.a.duration))
        l.stop()

    def phase_before(self):
        ticks = self.phase_start("before")
        l = self.load()
        time.sleep(LEAD_IN_S)
        a = time.perf_counter()
        time.sleep(self.a.duration)
        self.finish("before", l, ticks, {"window": (a, time.perf_counter())})

    def phase_sync(self):
        rng = self.rng
        t_add, t_chg = token(rng, "qa"), token(rng, "qc")
        # everything written is prepared first, so the burst is only writes
        adds = []
        for k in range(N_ADD):
            src = self.sources[k % len(self.sources)]
            d, name = os.path.split(src)
            new = f"{d}/zz-load-add-{k:03d}-{name}" if d else f"zz-load-add-{k:03d}-{name}"
            html = read_text(os.path.join(self.a.corpus, src))
            adds.append((new, insert_line(html, f'<p dir="auto">Load test page {k}: {t_add} '
                                                f'{token(rng, "qu")}</p>')))
        changes = []
        for rel in self.change:
            p = os.path.join(self.a.corpus, rel)
            if os.stat(p).st_nlink != 1:
                die(f"{p} is hard-linked: writing it would change the original corpus")
            changes.append((rel, append_paragraph(read_text(p), f'<p dir="auto">Appended by the '
                                                                f'load test: {t_chg}</p>')))
        for q in (t_add, t_chg):
            if self.api.total(q) != 0:
                die(f"token {q} already has hits")
        expect_docs = self.n0 + N_ADD - N_DELETE

        ticks = self.phase_start("sync")
        l = self.load()
        time.sleep(LEAD_IN_S)
        t_w0 = time.perf_counter()
        for rel, html in adds:
            write_text(os.path.join(self.a.corpus, rel), html)
        for rel, html in changes:
            write_text(os.path.join(self.a.corpus, rel), html)
        for rel in self.delete:
            os.unlink(os.path.join(self.a.corpus, rel))
        t_w1 = time.perf_counter()
        log(f"  wrote {N_ADD} new, {N_CHANGE} changed, deleted {N_DELETE} in {t_w1 - t_w0:.2f} s")
        seen = {"indexing": False, "polls": 0}

        def caught_up():
            seen["polls"] += 1
            st = self.api.status()
            seen["indexing"] |= st["indexing"]
            if st["indexing"] or st["documents"] != expect_docs:
                seen["last_docs"] = st["documents"]
                return False
            na, nc = self.api.total(t_add), self.api.total(t_chg)
            seen["last_totals"] = [na, nc]
            return na == N_ADD and nc == N_CHANGE

        self.wait(f"the index to reflect the sync (documents {expect_docs}, {N_ADD} hits for the "
                  f"new pages' word, {N_CHANGE} for the changed pages' word)", caught_up, self.t_small)
        t_c = time.perf_counter()
        log(f"  index caught up {t_c - t_w0:.2f} s after the first write")
        time.sleep(max(0.0, t_w0 + self.a.duration - time.perf_counter()))
        phase = self.finish("sync", l, ticks, {"window": (t_w0, time.perf_counter()),
                                               "catching_up": (t_w0, t_c)})
        phase.update({"writes_s": t_w1 - t_w0, "caught_up_s": t_c - t_w0,
                      "caught_up_after_last_write_s": t_c - t_w1, "documents_after": expect_docs,
                      "indexing_seen": seen["indexing"], "status_polls": seen["polls"],
                      "tokens": [t_add, t_chg]})

    def phase_rebuild(self):
        probe = self.a.probe
        index_ino = os.stat(self.a.index).st_ino
        docs_before = self.api.status()["documents"]
        p_before = self.api.total(probe)
        ticks = self.phase_start("rebuild")
        l = self.load()
        time.sleep(LEAD_IN_S)
        # the probe thread: a fixed query every 20 ms on its own connection, all through the phase
        probe_api = Api(self.host, self.port)
        probe_stop = threading.Event()
        probe_seen = []

        def prober():
            while not probe_stop.is_set():
                t = time.perf_counter()
                status, data = probe_api.request("GET", search_path(probe))
                probe_seen.append((t, json.loads(data)["total"] if status == 200 else None, status))
                time.sleep(FRESH_POLL_S)

        pt = threading.Thread(target=prober, daemon=True)
        pt.start()
        t_r0 = time.perf_counter()
        status, body = self.api.request("POST", "/api/reindex")
        if status != 202:
            probe_stop.set()
            die(f"POST /api/reindex: HTTP {status}: {body[:200]!r} (is VIDENSBASE_ADMIN_TOKEN set?)")
        seen = {"rebuilding": False, "max_progress": None}

        def swapped():
            st = self.api.status()
            seen["rebuilding"] |= st["rebuilding"]
            if st.get("progress"):
                seen["max_progress"] = st["progress"]
            return (not st["rebuilding"]) and os.stat(self.a.index).st_ino != index_ino

        self.wait("the rebuild to finish and the new index to be swapped in", swapped, self.t_big)
        t_r1 = time.perf_counter()
        log(f"  rebuilt and swapped in {t_r1 - t_r0:.2f} s after POST /api/reindex")
        time.sleep(1.0)   # the watcher syncs what changed meanwhile 0.3 s after a rebuild: let it start
        self.idle("the sync that follows a rebuild", self.t_small)
        t_r2 = time.perf_counter()
        time.sleep(max(0.0, t_r0 + self.a.duration - time.perf_counter()))
        probe_stop.set()
        pt.join(35)
        end = time.perf_counter()
        phase = self.finish("rebuild", l, ticks, {"window": (t_r0, end), "rebuilding": (t_r0, t_r1)})
        # from the POST to the end of the phase: the server switches to the new index only after
        # the swap, and that switch is where the old defect (no hits for a moment) was
        during = [p for p in probe_seen if p[0] >= t_r0]
        totals = [p[1] for p in during if p[1] is not None]
        docs_after = self.api.status()["documents"]
        phase.update({
            "rebuild_s": t_r1 - t_r0, "settled_s": t_r2 - t_r0,
            "rebuilding_seen": seen["rebuilding"], "last_progress": seen["max_progress"],
            "probe": probe, "probe_total_before": p_before, "probe_polls_during": len(during),
            "probe_min_total_during": min(totals) if totals else None,
            "probe_max_total_during": max(totals) if totals else None,
            "probe_failed_during": sum(1 for p in during if p[2] != 200),
            "probe_min_total_until_swap": min((p[1] for p in probe_seen if t_r0 <= p[0] <= t_r1
                                               and p[1] is not None), default=None),
            "probe_total_after": self.api.total(probe),
            "documents_before": docs_before, "documents_after": docs_after,
            "monitor_failures": probe_api.failures[:20]})
        with open(os.path.join(self.out, "probe-rebuild.tsv"), "w") as f:
            f.write("t_s\ttotal\tstatus\n")
            for t, tot, st in probe_seen:
                f.write(f"{t - self.t_ref:.4f}\t{tot}\t{st}\n")
        log(f"  probe '{probe}': {p_before} before, min {phase['probe_min_total_during']} during "
            f"({len(during)} polls), {phase['probe_total_after']} after; documents {docs_before} -> {docs_after}")

    def phase_fresh(self):
        rng = self.rng
        poll = Api(self.host, self.port)
        pages = [s for s in self.sources[N_ADD:] if os.path.exists(os.path.join(self.a.corpus, s))]
        ticks = self.phase_start("fresh")
        l = self.load()
        time.sleep(LEAD_IN_S)
        a = time.perf_counter()
        adds, dels, written = [], [], []

        def until(q, want_found, t0):
            polls = 0
            while True:
                polls += 1
                n = poll.total(q)
                if (n > 0) == want_found:
                    return (time.perf_counter() - t0) * 1000, polls
                if time.perf_counter() - t0 > FRESH_TIMEOUT_S:
                    die(f"'{q}' {'not searchable' if want_found else 'still found'} after {FRESH_TIMEOUT_S} s")
                time.sleep(FRESH_POLL_S)

        for k in range(N_FRESH_ADD):
            src = pages[rng.randrange(len(pages))]
            tok = token(rng, "qf")
            d, name = os.path.split(src)
            rel = f"{d}/zz-load-fresh-{k:02d}-{name}"
            html = insert_line(read_text(os.path.join(self.a.corpus, src)),
                               f'<p dir="auto">Freshness test word: {tok}</p>')
            if poll.total(tok) != 0:
                die(f"token {tok} already has hits")
            write_text(os.path.join(self.a.corpus, rel), html)   # closed on return
            t0 = time.perf_counter()
            ms, polls = until(tok, True, t0)
            adds.append({"ms": ms, "polls": polls, "id": rel, "token": tok})
            written.append((rel, tok))
            time.sleep(rng.uniform(0.1, 0.5))     # not in step with the watcher's timers
        for rel, tok in written[:N_FRESH_DEL]:
            os.unlink(os.path.join(self.a.corpus, rel))
            t0 = time.perf_counter()
            ms, polls = until(tok, False, t0)
            dels.append({"ms": ms, "polls": polls, "id": rel, "token": tok})
            time.sleep(rng.uniform(0.1, 0.5))
        phase = self.finish("fresh", l, ticks, {"window": (a, time.perf_counter())})

        def summary(xs):
            ms = [x["ms"] for x in xs]
            return {"n": len(ms), "median_ms": statistics.median(ms), "max_ms": max(ms),
                    "min_ms": min(ms), "all_ms": [round(m, 1) for m in ms]}

        phase.update({"add": summary(adds), "delete": summary(dels), "add_detail": adds,
                      "delete_detail": dels, "poll_every_ms": FRESH_POLL_S * 1000,
                      "monitor_failures": poll.failures[:20]})
        log(f"  new file searchable after median {phase['add']['median_ms']:.0f} ms (max "
            f"{phase['add']['max_ms']:.0f}); deleted file gone after median "
            f"{phase['delete']['median_ms']:.0f} ms (max {phase['delete']['max_ms']:.0f})")

    def run(self):
        self.setup()
        self.phase_before()
        self.phase_sync()
        self.phase_rebuild()
        self.phase_fresh()
        self.idle("the last sync", self.t_small)
        self.server_alive()
        st = self.api.status()
        try:
            with open(f"/proc/{self.a.server_pid}/status") as f:
                hwm = next(int(l.split()[1]) * 1024 for l in f if l.startswith("VmHWM"))
        except (OSError, StopIteration):
            hwm = None
        self.result.update({"documents_end": st["documents"],
                            "documents_end_expected": self.n0 + N_FRESH_ADD - N_FRESH_DEL,
                            "server_vmhwm_bytes": hwm, "monitor_failures": self.api.failures[:20],
                            "status_warnings_end": (st.get("warnings") or [])[:10]})
        write_json(os.path.join(self.out, "load.json"), self.result)


def cmd_run(a):
    Run(a).run()


# ------------------------------------------------------------------------------------- report
def fnum(x, nd=1):
    if x is None:
        return "—"
    return f"{x:,.{nd}f}"


def scale_name(scale, docs=None):
    return {1: "5k", 20: "100k"}.get(scale, f"x{scale}")


LOG_TS = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)Z\s+(\w+)\s+(.*)$")


def server_log(path):
    """From the server's log: its WARN/ERROR lines (not the expected "contains no text" skips)
    and the rebuild's timeline: started, built + swapped, serving the new index (s from start)."""
    warn, marks = [], {}
    try:
        lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    except OSError:
        return warn, None
    for line in lines:
        m = LOG_TS.match(re.sub(r"\x1b\[[0-9;]*m", "", line).strip())
        if not m:
            continue
        ts = datetime.datetime.fromisoformat(m.group(1)).timestamp()
        level, msg = m.group(2), m.group(3)
        if level in ("WARN", "ERROR") and "contains no text" not in msg:
            warn.append(f"{level} {msg}")
        if msg.startswith("rebuilding the index beside the live one"):
            marks.setdefault("start", ts)
        elif msg.startswith("rebuilt:") and "start" in marks:
            marks.setdefault("built", ts)
        elif "searching the new one" in msg and "built" in marks:
            marks.setdefault("serving", ts)
    if "start" not in marks:
        return warn, None
    return warn, {k: v - marks["start"] for k, v in marks.items()}


def cmd_report(a):
    now = datetime.datetime.now(datetime.timezone.utc)
    rev = git_rev(a.repo)
    try:
        dirty = subprocess.run(["git", "--no-optional-locks", "-C", a.repo, "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True, timeout=30).stdout.split("\n")
        dirty = [l[3:] for l in dirty if l.strip()]
    except (OSError, subprocess.SubprocessError):
        dirty = []
    built = ""
    if a.bin_src and os.path.exists(a.bin_src):
        built = ", built " + datetime.datetime.fromtimestamp(os.path.getmtime(a.bin_src),
                                                               datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    runs = []
    for s in a.scales.split():
        d = os.path.join(a.dir, f"scale-{s}")
        j = os.path.join(d, "load.json")
        if not os.path.exists(j):
            continue
        r = json.load(open(j))
        r["build"] = json.load(open(os.path.join(d, "build.json")))
        r["warn_lines"], r["server_rebuild"] = server_log(os.path.join(d, "serve.log"))
        runs.append(r)
    if not runs:
        die(f"no results under {a.dir}")

    nproc = os.cpu_count()
    r0 = runs[0]
    lines = [f"## Load: searches while the index is re-built, {now:%Y-%m-%d %H:%M} UTC", "",
             f"- Machine: {machine()}",
             f"- vidensbase: {a.vb_version}{built}; git {rev}"
             + (f" with {len(dirty)} uncommitted file(s) in the work tree ({', '.join(dirty[:6])}"
                f"{', …' if len(dirty) > 6 else ''})" if dirty else ""),
             f"- Load: {r0['clients']} client threads in one Python process (`http.client`, keep-alive, "
             f"closed loop, `GET /api/search?q=…&limit=10`, cycling through the {r0['queries']} queries "
             f"of `target/bench-queries.tsv`), on the same {nproc}-core machine as the server; every "
             f"phase at least {r0['duration_s']} s. Latency in the client, from sending to having read "
             f"the whole response (it includes waiting for Python's GIL among 16 threads). "
             f"Failed = non-200 or a connection error.",
             f"- Run: `benches/load.sh {a.cmdline}`".rstrip(), ""]
    noise = [n for n in (a.note or "").split("\n") if n.strip()]
    for r in runs:
        noise += [f"x{r['scale']}: {n}" for n in r.get("noise") or []]
        if r["build"].get("noise"):
            noise.append(f"x{r['scale']}: {r['build']['noise']}")
        for name, p in r["phases"].items():
            oc = (p.get("cpu") or {}).get("other_cpu_pct")
            if oc is not None and oc > 25:
                noise.append(f"x{r['scale']}: other processes used {oc:.0f} % of a CPU during phase '{name}'")
    if noise:
        lines += ["**Busy machine: " + "; ".join(noise) + ". Those numbers are noisy.**", ""]

    for r in runs:
        ph = r["phases"]
        b, sy, rb, fr = ph["before"], ph["sync"], ph["rebuild"], ph["fresh"]
        sr = r.get("server_rebuild")
        lines += [f"### {scale_name(r['scale'])} (scale x{r['scale']}): {r['documents_start']:,} documents",
                  "",
                  "| phase | window (s) | requests | failed | q/s | p50 (ms) | p99 (ms) | max (ms) | other CPU |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]

        def row(label, m, cpu=None):
            failed = f"{m['failed']:,}" + (f" ({', '.join(f'{k}: {v}' for k, v in m['failures'].items())})"
                                         if m["failed"] else "")
            oc = "" if cpu is None else f"{cpu['other_cpu_pct']:.0f} %"
            return (f"| {label} | {fnum(m['window_s'])} | {m['requests']:,} | {failed} | {fnum(m['qps'], 0)} | "
                    f"{fnum(m['p50_ms'])} | {fnum(m['p99_ms'])} | {fnum(m['max_ms'])} | {oc} |")

        lines += [
            row("before (no writes)", b["window"], b["cpu"]),
            row(f"during sync: {N_ADD} files added, {N_CHANGE} changed, {N_DELETE} deleted", sy["window"], sy["cpu"]),
            row("… only first write → index caught up", sy["catching_up"]),
            row("during rebuild (`POST /api/reindex`)", rb["window"], rb["cpu"]),
            row("… only POST → new index swapped in", rb["rebuilding"]),
            row(f"during freshness probes ({N_FRESH_ADD} adds, {N_FRESH_DEL} deletes)", fr["window"], fr["cpu"]),
            "", "| measure | value |", "| --- | ---: |",
            f"| documents in the index (files in the corpus) | {r['documents_start']:,} ({r['files']:,}; "
            f"{r['skipped']} without text skipped) |",
            f"| index build from scratch (`vidensbase index`, empty folder) | {fnum(r['build']['index_s'])} s |",
            f"| sync: writing the {N_ADD + N_CHANGE + N_DELETE} changes / first write → index caught up | "
            f"{fnum(sy['writes_s'], 2)} s / {fnum(sy['caught_up_s'], 2)} s |",
            f"| rebuild: POST → new index swapped in (seen in `/api/status` + the folder) | "
            f"{fnum(rb['rebuild_s'], 1)} s |",
            f"| … the server's log: rebuild started → built and swapped → searching the new index | "
            + (f"{fnum(sr.get('built'), 1)} s → {fnum(sr.get('serving'), 1)} s |" if sr else "— |"),
            f"| probe `{rb['probe']}` hits: before / min from POST to the phase's end ({rb['probe_polls_during']} polls, every 20 ms) / after | "
            f"{rb['probe_total_before']:,} / {'—' if rb['probe_min_total_during'] is None else format(rb['probe_min_total_during'], ',')}"
            f" / {rb['probe_total_after']:,} |",
            f"| documents before / after the rebuild | {rb['documents_before']:,} / {rb['documents_after']:,} |",
            f"| freshness with the watcher: new file written → searchable, median / max (n={fr['add']['n']}) | "
            f"{fnum(fr['add']['median_ms'], 0)} / {fnum(fr['add']['max_ms'], 0)} ms |",
            f"| freshness: file deleted → not found, median / max (n={fr['delete']['n']}) | "
            f"{fnum(fr['delete']['median_ms'], 0)} / {fnum(fr['delete']['max_ms'], 0)} ms |",
            f"| server peak RSS (VmHWM) | "
            f"{'—' if r.get('server_vmhwm_bytes') is None else fnum(r['server_vmhwm_bytes'] / 1e6, 0) + ' MB'} |",
            ""]
        notes = []
        if r["documents_end"] != r["documents_end_expected"]:
            notes.append(f"documents at the end: {r['documents_end']:,}, expected {r['documents_end_expected']:,}")
        if rb["probe_min_total_during"] is not None and rb["probe_min_total_during"] < rb["probe_total_before"]:
            notes.append(f"the probe's hit count dropped during the rebuild (min {rb['probe_min_total_during']:,}, "
                         f"before {rb['probe_total_before']:,})")
        if not rb["rebuilding_seen"]:
            notes.append("`/api/status` never showed `rebuilding: true` (the rebuild finished between two polls)")
        if rb["probe_failed_during"]:
            notes.append(f"probe requests failed during the rebuild: {rb['probe_failed_during']}")
        mf = r.get("monitor_failures", []) + rb.get("monitor_failures", []) + fr.get("monitor_failures", [])
        if mf:
            notes.append(f"monitor requests (status/probe, not counted above) failed {len(mf)}×, e.g. `{mf[0]}`")
        if r["warn_lines"]:
            notes.append(f"server log: {len(r['warn_lines'])} WARN/ERROR line(s) (besides pages without text), "
                         f"e.g. `{r['warn_lines'][0][:200]}`")
        if notes:
            lines += ["Notes:", ""] + [f"- {n}" for n in notes] + [""]
    lines += [f"Raw numbers (every request's send time, latency and status; probe totals): "
              f"`target/load-out/`. See `benches/README.md` (load.sh) for what is measured.", ""]
    section = "\n".join(lines) + "\n"
    print(section)
    if a.results:
        old = open(a.results, encoding="utf-8").read() if os.path.exists(a.results) else ""
        i = old.find("\n## ")
        if i >= 0:
            new = old[:i + 1] + section + "\n" + old[i + 1:]
        elif old.strip():
            new = old.rstrip("\n") + "\n\n" + section
        else:
            new = "# Benchmark results\n\n" + section
        with open(a.results, "w", encoding="utf-8") as fh:
            fh.write(new)
        log(f"section written into {a.results}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--corpus", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--seed", type=int, default=12)
    p = sub.add_parser("run")
    p.add_argument("--addr", required=True)
    p.add_argument("--corpus", required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--queries", required=True)
    p.add_argument("--plan", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--server-pid", type=int, required=True)
    p.add_argument("--scale", type=int, required=True)
    p.add_argument("--files", type=int, required=True, help="files in the corpus (sets the timeouts)")
    p.add_argument("--duration", type=float, default=20)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--probe", default="function")
    p.add_argument("--seed", type=int, default=12)
    p = sub.add_parser("report")
    p.add_argument("--dir", required=True)
    p.add_argument("--scales", required=True)
    p.add_argument("--results", default="")
    p.add_argument("--repo", required=True)
    p.add_argument("--vb-version", default="?")
    p.add_argument("--bin-src", default="")
    p.add_argument("--cmdline", default="")
    p.add_argument("--note", default="")
    a = ap.parse_args()
    {"prepare": cmd_prepare, "run": cmd_run, "report": cmd_report}[a.cmd](a)


if __name__ == "__main__":
    main()
