"""Printing what the modes measured."""

from __future__ import annotations

from pathlib import Path

from .load import tag_summary
from .modes import COLD_TARGET, SIGN_IN_P99_MS
from .util import fmt_mib, fmt_ms


def wrk_report(r: dict) -> None:
    ours, ng = r["ours"], r["nginx"]
    spc = r["students_per_class"] if r["students_per_class"] is not None else "default"
    print(f"\n== {r['schools']} school(s), students-per-class {spc}, {r['tokens']} tokens, "
          f"response {r['response_bytes']} bytes ==")
    if r["mode"] != "hot" or r["engine"] != "sqlite":
        print(f"mode {r['mode']}, engine {r['engine']}")
    print(f"generation time      {r['generation_s']:.1f} s")
    print(f"sgo peak RSS (VmHWM) {fmt_mib(r['peak_rss_kib'])}")
    print(f"{'':20} {'req/s':>12} {'p50':>12} {'p99':>12} {'non-2xx':>9}")
    for name, m in (("sgo", ours), ("nginx (static)", ng)):
        print(f"{name:20} {m['rps']:12.0f} {fmt_ms(m['p50']):>12} {fmt_ms(m['p99']):>12} {m['non2xx']:9d}")
    ratio = ours["rps"] / ng["rps"] if ng["rps"] else 0.0
    print(f"ratio sgo/nginx      {ratio:.3f}")
    if r["mode"] == "cold":
        print(f"distinct student-weeks requested: {r['distinct']:,} of {r['generated']:,} requests generated "
              f"(space of {r['space']:,}; every request is a new one while fewer than that are made)")
        if r["distinct"] < COLD_TARGET:
            print(f"note: fewer than {COLD_TARGET:,} distinct student-weeks: lengthen --cold-duration")
        print("nginx serves the current week's body for every path: its figures are for that body size")
    for name, m in (("sgo", ours), ("nginx", ng)):
        if m["non2xx"]:
            print(f"WARNING: {m['non2xx']} of {m['requests']} {name} responses were not 2xx: figures are not valid")
        if m["socket_errors"]:
            print(f"note: {name} socket errors: {m['socket_errors']}")
    server_notes(r)
    if r.get("work") and Path(r["work"]).exists():
        print(f"artefacts kept in {r['work']}")


def server_notes(r: dict) -> None:
    for line in r.get("warnings") or []:
        print(f"server log: {line[:300]}")


def load_line(name: str, s: dict) -> str:
    bad = ""
    if s.get("non2xx") or s.get("errors"):
        bad = f"  non-2xx/3xx {s['non2xx']} {s['statuses']}, errors {s['errors']} {s['error_kinds']}"
    return (f"  {name:16} {s['rps']:9.0f} {fmt_ms(s['p50']):>11} {fmt_ms(s['p90']):>11} {fmt_ms(s['p99']):>11} "
            f"{fmt_ms(s['max']):>11} {s['completed']:>8}/{s['sent']:<8}{bad}")


def load_header() -> str:
    return f"  {'':16} {'req/s':>9} {'p50':>11} {'p90':>11} {'p99':>11} {'max':>11} {'answered/sent':>17}"


def mixed_report(r: dict) -> None:
    print(f"\n== mixed, engine {r['engine']}: {r['diary_rate']:g} diary req/s (half hot, half cold) "
          f"+ {r['write_rate']:g} mark writes/s through the journal ({r['write_cells']} cells, 4 ↔ 5) ==")
    print(load_header())
    for tag in ("hot", "cold"):
        print(load_line(f"diary {tag}", tag_summary(r["diary"], tag)))
    print(load_line("mark writes", tag_summary(r["writes"], "write")))
    for name, rep in (("diary", r["diary"]), ("writes", r["writes"])):
        if rep["sender_lag_max_ms"] > 50:
            print(f"  note: sgo-load ({name}) sent up to {rep['sender_lag_max_ms']:.0f} ms late: it was short of CPU")
    p = r["propagation"]
    print(f"propagation of a mark to the student's diary (write answered → first diary answer showing it), "
          f"{p['count']} marks: median {fmt_ms(p['median_ms'])}, max {fmt_ms(p['max_ms'])}; "
          f"the first read showed it {p['first_read_showed']}/{p['count']} times, at most {p['reads_max']} reads")
    for f in p["failures"]:
        print(f"  WARNING: {f}")
    print(f"sgo peak RSS (VmHWM) {fmt_mib(r['peak_rss_kib'])}")
    server_notes(r)


def logins_report(r: dict) -> None:
    settings = ", ".join(f"{k}={v}" for k, v in r["settings"].items())
    print(f"\n== sign-in storm, engine {r['engine']}, with {r['diary_rate']:g} diary req/s "
          f"(half hot, half cold) ==")
    print(f"server configured for the storm (environment): {settings} — no per-account rate, no session cap, "
          "no lockouts, so that the figures are sign-ins and not 429s")
    if r["rehashed"]:
        print(f"{r['storm_accounts']} accounts signed in in turn; each was given a new password first, which the "
              "server hashed at its standard argon2id cost (demo accounts have a light demo cost)")
    else:
        print(f"{r['storm_accounts']} accounts signed in in turn, with their demo passwords (light argon2id cost: "
              "--demo-hashes)")
    print(f"  {'rate':>6} {'kind':10} {'ok/count':>12} {'p50':>11} {'p99':>11} {'max':>11}"
          f"   {'diary hot p99':>13} {'diary cold p99':>14}  result")
    for step in r["steps"]:
        hot, cold = tag_summary(step["diary"], "hot"), tag_summary(step["diary"], "cold")
        for kind, k in step["kinds"].items():
            failed = f" failed {k['failed']}" if k["failed"] else ""
            verdict = step["verdict"]
            print(f"  {step['rate']:>5g}/s {kind:10} {k['ok']:>5}/{k['count']:<6} {fmt_ms(k['p50']):>11} "
                  f"{fmt_ms(k['p99']):>11} {fmt_ms(k['max']):>11}   {fmt_ms(hot.get('p99')):>13} "
                  f"{fmt_ms(cold.get('p99')):>14}  {verdict}{failed}")
        bad = step["diary"]["overall"]
        if bad["non_2xx_3xx"] or bad["errors"]:
            print(f"    WARNING: diary non-2xx/3xx {bad['non_2xx_3xx']} {bad['statuses']}, errors {bad['errors']} "
                  f"{bad['error_kinds']}")
    best = r["best_rate"]
    print(f"highest rate with sign-in p99 < {SIGN_IN_P99_MS:.0f} ms (both kinds, no failures): "
          f"{'none of the rates tried' if best is None else f'{best:g}/s'}")
    print(f"sgo peak RSS (VmHWM) {fmt_mib(r['peak_rss_kib'])}")
    server_notes(r)


def suite_table(rows: list[dict], elapsed_s: float) -> None:
    print(f"\n== suite: {elapsed_s / 60:.1f} min ==")
    head = f"{'mode':24} {'engine':10} {'req/s':>9} {'p50':>11} {'p99':>11} {'nginx req/s':>12} {'ratio':>7} {'VmHWM':>10}"
    print(head)
    print("-" * len(head))
    for row in rows:
        nginx = f"{row['nginx_rps']:12.0f}" if row.get("nginx_rps") else f"{'–':>12}"
        ratio = f"{row['ratio']:7.3f}" if row.get("ratio") else f"{'–':>7}"
        print(f"{row['mode']:24} {row['engine']:10} {row['rps']:9.0f} {fmt_ms(row['p50']):>11} "
              f"{fmt_ms(row['p99']):>11} {nginx} {ratio} {fmt_mib(row['rss']):>10}")
    for row in rows:
        for note in row.get("notes", []):
            print(f"{row['mode']} ({row['engine']}): {note}")


def suite_row(r: dict) -> dict:
    """One line of the suite's table from a mode's result."""
    if r["mode"] in ("hot", "cold"):
        ours, ng = r["ours"], r["nginx"]
        notes = []
        if r["mode"] == "cold":
            notes.append(f"{r['distinct']:,} distinct student-weeks requested")
        if ours["non2xx"] or ng["non2xx"]:
            notes.append(f"WARNING non-2xx: sgo {ours['non2xx']}, nginx {ng['non2xx']}")
        notes += [f"server log: {w[:200]}" for w in r.get("warnings") or []]
        return {"mode": r["mode"], "engine": r["engine"], "rps": ours["rps"], "p50": ours["p50"], "p99": ours["p99"],
                "nginx_rps": ng["rps"], "ratio": ours["rps"] / ng["rps"] if ng["rps"] else None,
                "rss": r["peak_rss_kib"], "notes": notes}
    if r["mode"] == "mixed":
        d = tag_summary(r["diary"], "overall")
        hot, cold, w = tag_summary(r["diary"], "hot"), tag_summary(r["diary"], "cold"), tag_summary(r["writes"], "write")
        p = r["propagation"]
        notes = [f"diary hot p99 {fmt_ms(hot['p99'])}, cold p99 {fmt_ms(cold['p99'])}; writes {w['rps']:.0f}/s "
                 f"p50 {fmt_ms(w['p50'])} p99 {fmt_ms(w['p99'])}; propagation median {fmt_ms(p['median_ms'])} "
                 f"max {fmt_ms(p['max_ms'])} over {p['count']} marks"]
        bad = [f"{n}: non-2xx/3xx {s['non2xx']} errors {s['errors']}" for n, s in (("diary", d), ("writes", w))
               if s["non2xx"] or s["errors"]]
        notes += [f"WARNING {b}" for b in bad] + [f"WARNING {f}" for f in p["failures"]]
        return {"mode": f"mixed {r['diary_rate']:g}+{r['write_rate']:g}w", "engine": r["engine"], "rps": d["rps"],
                "p50": d["p50"], "p99": d["p99"], "rss": r["peak_rss_kib"], "notes": notes}
    # logins: the row is the storm at the nominal rate (or the last one tried), all sign-ins together
    steps = r["steps"]
    step = next((s for s in steps if s["rate"] == r.get("nominal")), steps[-1])
    kinds = step["kinds"]
    lat_p99 = max((k["p99"] or 0) for k in kinds.values())
    lat_p50 = max((k["p50"] or 0) for k in kinds.values())
    notes = [f"at {step['rate']:g}/s: " + ", ".join(f"{n} p99 {fmt_ms(k['p99'])} ({k['ok']}/{k['count']} ok)"
                                                     for n, k in kinds.items())
             + f"; highest rate with p99 < {SIGN_IN_P99_MS:.0f} ms: "
             + ("none" if r["best_rate"] is None else f"{r['best_rate']:g}/s")]
    return {"mode": f"logins {step['rate']:g}/s", "engine": r["engine"], "rps": step["rate"], "p50": lat_p50,
            "p99": lat_p99, "rss": r["peak_rss_kib"], "notes": notes}
