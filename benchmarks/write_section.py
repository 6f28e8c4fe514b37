#!/usr/bin/env python3
"""Replaces one marked section of benchmarks/RESULTS.md (creating it if absent), so every script
owns its own section and re-running one never erases another's numbers.
Usage: write_section.py [--raw] NAME FILE_WITH_MARKDOWN
--raw: the body carries its own date and load lines, so none is added."""
import datetime, os, pathlib, re, sys

args = sys.argv[1:]
raw = args[:1] == ["--raw"]
if raw:
    args = args[1:]
name, body_file = args
results = pathlib.Path(__file__).resolve().parent / "RESULTS.md"
start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
load = open("/proc/loadavg").read().split()[:3]
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
body = pathlib.Path(body_file).read_text().rstrip()
stamp_line = "" if raw else f"_Measured {stamp} on {os.cpu_count()} cores, load average {' '.join(load)} at the end._\n\n"
section = f"{start}\n{stamp_line}{body}\n{end}"
text = results.read_text() if results.exists() else "# Benchmark results\n"
if start in text and end in text:
    # Another section inside this one's markers would be erased with it: refuse, naming it.
    inner = re.findall(r"<!-- ([a-z0-9-]+):start -->", text[text.index(start) + len(start): text.index(end)])
    if inner:
        sys.exit(f"RESULTS.md: section {name} encloses {', '.join(inner)}; move its markers first")
    text = text[: text.index(start)] + section + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + ("\n\n" if raw else f"\n\n## {name}\n\n") + section + "\n"
results.write_text(text)
