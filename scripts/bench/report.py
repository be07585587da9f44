#!/usr/bin/env python3
"""Turns the bench run's JSON lines into bench/report.json and bench/report.md.

Load figures are the median of the runs; every target says plainly whether it was met.
Standard library only.
"""

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys


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


def main(results_path, json_path, md_path):
    lines = [json.loads(l) for l in open(results_path) if l.strip()]
    by_kind = {}
    for line in lines:
        by_kind.setdefault(line["kind"], []).append(line)

    load = {}
    for run in by_kind.get("load", []):
        load.setdefault(run["name"], []).append(run)
    load_summary = {
        name: {
            "runs": len(runs),
            "rps_median": statistics.median(r["rps"] for r in runs),
            "p50_ms_median": statistics.median(ms(r["p50"]) for r in runs),
            "p99_ms_median": statistics.median(ms(r["p99"]) for r in runs),
            "rps_runs": [r["rps"] for r in runs],
        }
        for name, runs in load.items()
    }

    weight = by_kind.get("weight", [{}])[0]
    html = by_kind.get("list_html", [{}])[0]
    startup = by_kind.get("startup", [{}])[0]
    render = by_kind.get("render", [{"result": {}}])[0]["result"]
    queue = by_kind.get("queue", [{"result": {}}])[0]["result"]
    imported = by_kind.get("import", [{"result": None}])[0]["result"]
    load_rss = by_kind.get("load_rss", [{}])[0].get("kb")

    report = {
        "machine": machine(),
        "settings": {
            "connections": 64,
            "load_generator": "wrk (loopback, same machine)",
            "database": "SQLite, 100,000 certificates and annotations",
        },
        "page_weight": {**weight, "certificate_list_html": html},
        "load": load_summary,
        "annotation": {"render_sign": render, "queue": queue},
        "import": imported,
        "startup": {**startup, "load_rss_kb": load_rss},
    }

    def rps(name):
        return load_summary.get(name, {}).get("rps_median")

    def p99(name):
        return load_summary.get(name, {}).get("p99_ms_median")

    targets = []

    def target(what, value, goal, met):
        targets.append({"target": what, "measured": value, "goal": goal, "met": bool(met)})

    wasm_gzip = weight.get("wasm", {}).get("gzip")
    if wasm_gzip is not None:
        target("Release wasm, gzip", f"{wasm_gzip / 1024:.0f} KB", "< 300 KB", wasm_gzip < 300 * 1024)
    if rps("verify_api") is not None:
        target("Verification by code: throughput", f"{rps('verify_api'):,.0f} /s", "> 10,000 /s", rps("verify_api") > 10_000)
        target("Verification by code: p99", f"{p99('verify_api'):.2f} ms", "< 10 ms", p99("verify_api") < 10)
    if rps("verify_api") and rps("bare_api"):
        ratio = rps("verify_api") / rps("bare_api")
        target("Verification vs bare axum handler", f"{ratio:.2f}", ">= 0.50", ratio >= 0.5)
    if render.get("median_ms") is not None:
        target("Render + sign, median, one core", f"{render['median_ms']:.2f} ms", "< 5 ms", render["median_ms"] < 5)
        target("Annotated PDF size", f"{render['bytes'] / 1024:.1f} KB", "< 60 KB", render["bytes"] < 60 * 1024)
    if queue.get("p99_ms") is not None:
        target("Submission to ready, p99 (100 at once)", f"{queue['p99_ms']:.0f} ms", "< 2,000 ms", queue["p99_ms"] < 2000)
    if imported:
        for backend in ("sqlite", "postgres"):
            rate = imported.get(backend, {}).get("first", {}).get("rows_per_s")
            if rate is not None:
                target(f"Import {imported['rows']:,} new rows, {backend}", f"{rate:,.0f} rows/s", ">= 80,000 rows/s", rate >= 80_000)
    report["targets"] = targets

    with open(json_path, "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
        f.write("\n")

    m = report["machine"]
    out = []
    out.append("# Benchmark report\n")
    out.append(
        f"Measured by `./scripts/bench.sh` on {m['date']}, commit `{m['commit']}`, "
        f"{m['cores']} cores ({m['cpu']}), {m['os']}. Load: wrk on the same machine over "
        f"loopback, 64 connections, median of {load_summary.get('verify_api', {}).get('runs', '?')} runs; "
        "SQLite with 100,000 certificates and annotations.\n"
    )
    out.append("## Targets\n")
    out.append("| Target | Measured | Goal | Met |\n| --- | --- | --- | --- |")
    for t in targets:
        out.append(f"| {t['target']} | {t['measured']} | {t['goal']} | {'yes' if t['met'] else '**no**'} |")
    missed = [t for t in targets if not t["met"]]
    out.append("")
    if missed:
        out.append("Missed: " + "; ".join(f"{t['target']} ({t['measured']}, goal {t['goal']})" for t in missed) + ".\n")
    else:
        out.append("Every target was met.\n")

    out.append("## Page weight\n")
    out.append("| File | Raw | gzip | brotli |\n| --- | ---: | ---: | ---: |")
    for name in ("wasm", "js", "css"):
        w = weight.get(name)
        if w:
            out.append(f"| {name} | {w['raw']:,} | {w['gzip']:,} | {w['brotli']:,} |")
    if html:
        out.append(f"| certificate list HTML | {html['raw']:,} | {html['gzip']:,} | {html['brotli']:,} |")
        first = html["brotli"] + weight["css"]["brotli"]
        full = first + weight["js"]["brotli"] + weight["wasm"]["brotli"]
        out.append("")
        out.append(
            f"Bytes to first render of the certificate list (HTML + CSS, brotli): {first:,}. "
            f"The page is complete server-rendered HTML; the script and wasm then make it "
            f"interactive: {full:,} bytes in all (brotli).\n"
        )

    out.append("## Server under load (64 connections)\n")
    out.append("| Endpoint | Requests/s (median) | p50 | p99 | Runs (req/s) |\n| --- | ---: | ---: | ---: | --- |")
    labels = {
        "verify_api": "Verification API by code",
        "bare_api": "Bare axum handler, same lookup (the limit)",
        "verify_page": "Verification page /verify/<code>",
        "certificate_list": "Signed-in certificate list",
    }
    for name, label in labels.items():
        s = load_summary.get(name)
        if s:
            runs = ", ".join(f"{r:,.0f}" for r in s["rps_runs"])
            out.append(f"| {label} | {s['rps_median']:,.0f} | {s['p50_ms_median']:.2f} ms | {s['p99_ms_median']:.2f} ms | {runs} |")
    out.append("")

    out.append("## Annotation\n")
    if render:
        out.append(
            f"Render + sign one annotated certificate (one core, {render.get('count')} runs): "
            f"median {render['median_ms']:.2f} ms, p95 {render['p95_ms']:.2f} ms, "
            f"{render['bytes']:,} bytes.\n"
        )
    if queue:
        out.append(
            f"Submission to ready through the real queue, {queue.get('annotations')} submitted "
            f"at once, {queue.get('workers')} workers: median {queue['median_ms']:.0f} ms, "
            f"p99 {queue['p99_ms']:.0f} ms, all ready after {queue['drained_seconds']:.2f} s.\n"
        )

    if imported:
        out.append("## Import\n")
        out.append(
            f"`server import` of {imported['rows']:,} generated rows ({imported['file_bytes'] / 1e6:.0f} MB "
            "CSV, every row validated), into a fresh database, then the same file again (every row "
            "unchanged). One run each; the load average before each run shows what else was running.\n"
        )
        out.append("| Backend | Run | Rows/s | Seconds | Inserted | Unchanged | Max RSS | Load before |")
        out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for backend in ("sqlite", "postgres"):
            for run in ("first", "again"):
                r = imported.get(backend, {}).get(run)
                if r:
                    out.append(
                        f"| {backend} | {run} | {r['rows_per_s']:,.0f} | {r['seconds']:.1f} | "
                        f"{r['inserted']:,} | {r['unchanged']:,} | {r['max_rss_kb'] / 1024:.0f} MB | "
                        f"{r['load_before']} |"
                    )
        out.append("")

    out.append("## Start-up and memory\n")
    if startup:
        out.append(
            f"Process start to `/healthz` answering: {startup['ms']} ms. Resident memory idle: "
            f"{startup['idle_rss_kb'] / 1024:.1f} MB; under load: "
            f"{(load_rss or 0) / 1024:.1f} MB.\n"
        )

    with open(md_path, "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main(*sys.argv[1:4])
