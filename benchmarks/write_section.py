#!/usr/bin/env python3
"""Replaces one marked section of benchmarks/RESULTS.md (creating it if absent), so every script
owns its own section and re-running one never erases another's numbers.
Usage: write_section.py NAME FILE_WITH_MARKDOWN"""
import datetime, os, pathlib, subprocess, sys

name, body_file = sys.argv[1], sys.argv[2]
results = pathlib.Path(__file__).resolve().parent / "RESULTS.md"
start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
load = open("/proc/loadavg").read().split()[:3]
stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
body = pathlib.Path(body_file).read_text().rstrip()
section = f"{start}\n_Measured {stamp} on {os.cpu_count()} cores, load average {' '.join(load)} at the end._\n\n{body}\n{end}"
text = results.read_text() if results.exists() else "# Benchmark results\n"
if start in text and end in text:
    text = text[: text.index(start)] + section + text[text.index(end) + len(end):]
else:
    text = text.rstrip() + f"\n\n## {name}\n\n" + section + "\n"
results.write_text(text)
