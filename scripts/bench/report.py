#!/usr/bin/env python3
"""Turns a bench run's JSON lines into bench/report.json and bench/report.md.

usage: report.py RESULTS.jsonl SCALE REPORT.json REPORT.md

A run measures one scale (100k, 1m, 10m) on each backend; the report keeps the other scales'
columns from the previous report.json, so one report shows every backend and scale side by
side. Load figures are the median of the runs; every target says plainly whether it was met.
The hand-written sections at the end of the old report (from "## Verification through nginx"
on) are kept. Standard library only.
"""

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys

BACKENDS = ("sqlite", "postgres")
SCALES = ("100k", "1m", "10m")
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL", "100k": "100k", "1m": "1M", "10m": "10M"}
KEPT_FROM = "## Verification through nginx"


def ms(value):
    """wrk latency ("6.73ms", "812.00us", "1.02s") in milliseconds."""
    value = value.strip()
    for suffix, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "os": platform.platform(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit or "unknown",
    }


def summarise(lines):
    """One scale's figures: {"file": …, "backends": {backend: {…}}, "weight": …, …}."""
    scale = {"backends": {}}
    for line in lines:
        kind = line["kind"]
        backend = line.get("backend")
        if backend is None:
            scale[kind] = line.get("result", {k: v for k, v in line.items() if k != "kind"})
            continue
        b = scale["backends"].setdefault(backend, {"load": {}})
        if kind == "load":
            b["load"].setdefault(line["name"], []).append(line)
        else:
            b[kind] = line.get("result", {k: v for k, v in line.items() if k not in ("kind", "backend")})
    for b in scale["backends"].values():
        b["load"] = {
            name: {
                "runs": len(runs),
                "rps_median": statistics.median(r["rps"] for r in runs),
                "p50_ms_median": statistics.median(ms(r["p50"]) for r in runs),
                "p99_ms_median": statistics.median(ms(r["p99"]) for r in runs),
                "rps_runs": [r["rps"] for r in runs],
                "errors": sum(r.get("errors", 0) for r in runs),
            }
            for name, runs in b["load"].items()
        }
        raw, imported = b.get("raw_load"), b.get("import")
        if raw and imported:
            raw["rows_per_s"] = raw["rows"] / raw["seconds"]
            imported["vs_raw"] = imported["rows_per_s"] / raw["rows_per_s"]
    return scale


def targets_of(b):
    """(target, goal, measured text, met) for one backend at one scale."""
    out = []
    load = b.get("load", {})

    def rps(name):
        return load.get(name, {}).get("rps_median")

    def p99(name):
        return load.get(name, {}).get("p99_ms_median")

    imported = b.get("import")
    if imported:
        out.append(("Import, new rows, validated", ">= 100,000 rows/s", f"{imported['rows_per_s']:,.0f} rows/s", imported["rows_per_s"] >= 100_000))
        if "vs_raw" in imported:
            out.append(("Import vs raw load of the same file", ">= 0.65", f"{imported['vs_raw']:.2f}", imported["vs_raw"] >= 0.65))
    if rps("verify_api") is not None:
        out.append(("Verification API by code", ">= 12,000 /s", f"{rps('verify_api'):,.0f} /s", rps("verify_api") >= 12_000))
        out.append(("Verification API, p99", "< 10 ms", f"{p99('verify_api'):.2f} ms", p99("verify_api") < 10))
    if rps("verify_api") and rps("bare_api"):
        ratio = rps("verify_api") / rps("bare_api")
        out.append(("Verification API vs bare axum handler", ">= 0.60", f"{ratio:.2f}", ratio >= 0.6))
    if rps("verify_page") is not None:
        out.append(("Verification page /verify/<code>", ">= 6,000 /s", f"{rps('verify_page'):,.0f} /s", rps("verify_page") >= 6_000))
    if rps("certificate_list") is not None:
        out.append(("Signed-in certificate list", ">= 3,000 /s", f"{rps('certificate_list'):,.0f} /s", rps("certificate_list") >= 3_000))
        out.append(("Signed-in certificate list, p99", "< 50 ms", f"{p99('certificate_list'):.2f} ms", p99("certificate_list") < 50))
    errors = sum(s.get("errors", 0) for s in load.values())
    if load:
        out.append(("Answers under load that were not 2xx", "0", f"{errors:,}", errors == 0))
    startup = b.get("startup")
    if startup:
        out.append(("Start-up to /healthz", "<= 300 ms", f"{startup['ms']} ms", startup["ms"] <= 300))
        out.append(("Idle resident memory", "<= 120 MB", f"{startup['idle_rss_kb'] / 1024:.0f} MB", startup["idle_rss_kb"] <= 120 * 1024))
    check = b.get("check")
    if check:
        out.append(("Spot checks of the rules, wrong answers", "0", f"{check['wrong']} of {check['checks']}", check["wrong"] == 0))
    return out


def columns_of(scales):
    return [(s, b) for s in SCALES if s in scales for b in BACKENDS if b in scales[s]["backends"]]


def col_label(scale, backend):
    return f"{LABELS[backend]} {LABELS[scale]}"


def render(report, kept):
    scales = report["scales"]
    cols = columns_of(scales)
    out = ["# Benchmark report\n"]
    out.append(
        "Measured by `./scripts/bench.sh [--scale 100k|1m|10m]`: the same generated file on "
        "SQLite and on PostgreSQL (tuned as `deploy/postgresql/` says), imported through "
        "`server import`, a tenth of the certificates' holders registered and a tenth of the "
        "certificates annotated (`bench seed`). Load: wrk on the same machine over loopback, "
        "64 connections, median of the runs. Each scale's run:\n"
    )
    for s in SCALES:
        if s in scales:
            m, f = scales[s]["machine"], scales[s].get("file", {})
            out.append(
                f"- **{LABELS[s]}**: {f.get('rows', 0):,} certificates of {f.get('holders', 0):,} holders "
                f"({f.get('bytes', 0) / 1e6:,.0f} MB CSV); {m['date']}, commit `{m['commit']}`, "
                f"{m['cores']} cores ({m['cpu']})."
            )
    out.append("")

    header = "| " + " | ".join(["What", "Goal"] + [col_label(s, b) for s, b in cols]) + " |"
    rule = "| --- | --- |" + " ---: |" * len(cols)
    out.append("## Targets (issue 17)\n")
    out.append(header)
    out.append(rule)
    rows = {}
    order = []
    for i, (s, b) in enumerate(cols):
        for what, goal, measured, met in targets_of(scales[s]["backends"][b]):
            if what not in rows:
                rows[what] = (goal, [""] * len(cols))
                order.append(what)
            rows[what][1][i] = measured if met else f"**{measured}** (missed)"
    for what in order:
        goal, cells = rows[what]
        out.append(f"| {what} | {goal} | " + " | ".join(cells) + " |")
    out.append("")

    out.append("## Load (requests/s, p50, p99)\n")
    out.append("| " + " | ".join(["Endpoint"] + [col_label(s, b) for s, b in cols]) + " |")
    out.append("| --- |" + " ---: |" * len(cols))
    labels = {
        "verify_api": "Verification API by code",
        "bare_api": "Bare axum handler, same lookup (the limit)",
        "verify_page": "Verification page /verify/<code>",
        "certificate_list": "Signed-in certificate list (10 certificates)",
    }
    for name, label in labels.items():
        cells = []
        for s, b in cols:
            x = scales[s]["backends"][b]["load"].get(name)
            cells.append(f"{x['rps_median']:,.0f} /s, {x['p50_ms_median']:.2f} / {x['p99_ms_median']:.2f} ms" if x else "")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out.append("")
    out.append("Every run's requests/s: " + "; ".join(
        f"{col_label(s, b)} {name} " + ", ".join(f"{r:,.0f}" for r in x["rps_runs"])
        for s, b in cols for name, x in scales[s]["backends"][b]["load"].items()
    ) + ".\n")

    out.append("## Import: `server import` against the database's own bulk load\n")
    out.append(
        "The raw load is `sqlite3 .import` / `psql \\copy` of the same CSV into a table with the "
        "indexes the file can fill (integer primary key, unique certificate number, the owner "
        "index), measured in the same run. `server import` validates every row (check "
        "characters, names, dates), seals the ID number (AES-256-GCM) and keys its lookup "
        "(HMAC), gives each certificate a random public id (a fourth, unique index) and a "
        "content hash, and commits in batches that can be resumed (here the first-load batches "
        "the README describes: `--batch-size 2000000 --batch-seconds 300`).\n"
    )
    def cell(s, b, f):
        try:
            return f(scales[s]["backends"][b])
        except (KeyError, TypeError, ZeroDivisionError):
            return ""

    def table(rows):
        """A table with a column per backend and scale; rows: (label, figure of one column)."""
        out.append("| " + " | ".join(["", *[col_label(s, b) for s, b in cols]]) + " |")
        out.append("| --- |" + " ---: |" * len(cols))
        for label, f in rows:
            out.append(f"| {label} | " + " | ".join(cell(s, b, f) for s, b in cols) + " |")
        out.append("")

    table((
        ("Raw load, rows/s", lambda x: f"{x['raw_load']['rows_per_s']:,.0f}"),
        ("`server import`, rows/s", lambda x: f"{x['import']['rows_per_s']:,.0f}"),
        ("Import / raw", lambda x: f"{x['import']['vs_raw']:.2f}"),
        ("Import seconds", lambda x: f"{x['import']['seconds']:,.1f}"),
        ("Import max RSS", lambda x: f"{x['import']['max_rss_kb'] / 1024:,.0f} MB"),
        ("Load average before raw / import", lambda x: f"{x['raw_load']['load_before']} / {x['import']['load_before']}"),
        ("Holders + annotations seeded (`bench seed`), s", lambda x: f"{x['seed']['seconds']:,.1f}"),
    ))

    out.append("## Database size\n")
    out.append(
        "After the import and the seed, PostgreSQL after `VACUUM ANALYZE`, SQLite after a WAL "
        "checkpoint. Per million certificates: the whole database divided by the certificates "
        "(holders and annotations are a tenth each).\n"
    )
    mb = lambda v: f"{v / 1e6:,.0f} MB"
    table((
        ("Whole database", lambda x: mb(x["size"]["total"])),
        ("Per million certificates", lambda x: mb(x["size"]["total"] / (x["import"]["rows"] / 1e6))),
        *(
            (f"{t}: {part}", lambda x, t=t, part=part: mb(x["size"]["tables"][t][part]))
            for t in ("certificates", "holders", "annotations")
            for part in ("data", "indexes")
        ),
    ))

    out.append("## Start-up, memory and the spot checks\n")
    table((
        ("Process start to `/healthz`", lambda x: f"{x['startup']['ms']} ms"),
        ("Resident memory, idle", lambda x: f"{x['startup']['idle_rss_kb'] / 1024:,.0f} MB"),
        ("Resident memory under load", lambda x: f"{x['load_rss']['kb'] / 1024:,.0f} MB"),
        ("Spot checks (wrong / made)", lambda x: f"{x['check']['wrong']} / {x['check']['checks']}"),
    ))
    out.append(
        "The spot checks (`bench check`): for sampled holders, the certificates the storage "
        "gives them are exactly the rows of the file that are theirs, and a person with the same "
        "document under another name sees none; four applications for one certificate give "
        "three annotations and one refusal; sampled codes verified through the running server's "
        "API are valid copies of the certificate the database holds, and an unissued code is "
        "not genuine.\n"
    )

    latest = report.get("latest", {})
    weight = latest.get("weight")
    if weight:
        out.append(f"## Page weight ({latest['machine']['date']})\n")
        out.append("| File | Raw | gzip | brotli |\n| --- | ---: | ---: | ---: |")
        for name in ("wasm", "js", "css"):
            w = weight.get(name)
            if w:
                out.append(f"| {name} | {w['raw']:,} | {w['gzip']:,} | {w['brotli']:,} |")
        html = latest.get("list_html")
        if html:
            out.append(f"| certificate list HTML | {html['raw']:,} | {html['gzip']:,} | {html['brotli']:,} |")
        out.append("")
    render_ = latest.get("render")
    queue = latest.get("queue")
    if render_ or queue:
        out.append("## Annotation\n")
    if render_:
        out.append(
            f"Render + sign one annotated certificate (one core, {render_.get('count')} runs): "
            f"median {render_['median_ms']:.2f} ms, p95 {render_['p95_ms']:.2f} ms, "
            f"{render_['bytes']:,} bytes (goal: < 5 ms, < 60 KB).\n"
        )
    if queue:
        out.append(
            f"Submission to ready through the real queue, {queue.get('annotations')} submitted "
            f"at once, {queue.get('workers')} workers: median {queue['median_ms']:.0f} ms, "
            f"p99 {queue['p99_ms']:.0f} ms, all ready after {queue['drained_seconds']:.2f} s "
            "(goal: p99 < 2,000 ms).\n"
        )
    if kept:
        out.append(kept.rstrip() + "\n")
    return "\n".join(out)


def main(results_path, scale, json_path, md_path):
    lines = [json.loads(l) for l in open(results_path) if l.strip()]
    report = {}
    if os.path.exists(json_path):
        with open(json_path) as f:
            old = json.load(f)
        if "scales" in old:  # an older report's layout is replaced
            report = old
    report.setdefault("scales", {})
    this = summarise(lines)
    this["machine"] = machine()
    latest = {k: this.pop(k) for k in ("weight", "render", "queue") if k in this}
    sqlite = this["backends"].get("sqlite", {})
    if "list_html" in sqlite:
        latest["list_html"] = sqlite["list_html"]
    latest["machine"] = this["machine"]
    report["scales"][scale] = this
    report["latest"] = latest

    kept = ""
    if os.path.exists(md_path):
        text = open(md_path).read()
        if KEPT_FROM in text:
            kept = text[text.index(KEPT_FROM):]
    with open(json_path, "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(md_path, "w") as f:
        f.write(render(report, kept))


if __name__ == "__main__":
    main(*sys.argv[1:5])
