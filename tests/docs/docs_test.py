#!/usr/bin/env python3
"""Runs every command the documentation shows, so the docs stay true.

Every ```sh block of README.md, docs/*.md and examples/*/README.md runs as a
bash script (set -euo pipefail) from the project's root, with /tmp/ moved to
a fresh directory and build/ to the build directory; `scripts/...` lines are
the set-up commands this test runs inside of, and are skipped. Every ```nf
block is a complete model file and must pass `neurofuse check`.

usage: docs_test.py SOURCE_DIR BUILD_DIR
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

source, build = (os.path.abspath(p) for p in sys.argv[1:3])
docs = [os.path.join(source, "README.md")]
docs += sorted(glob.glob(os.path.join(source, "docs", "*.md")))
docs += sorted(glob.glob(os.path.join(source, "examples", "*", "README.md")))


def blocks(path):
    """(language, first line number, text) of every fenced block."""
    lines = open(path).read().split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^```(\w*)\s*$", lines[i])
        if not m:
            i += 1
            continue
        start, body = i + 1, []
        i += 1
        while i < len(lines) and not lines[i].startswith("```"):
            body.append(lines[i])
            i += 1
        i += 1
        yield m.group(1), start + 1, "\n".join(body) + "\n"


def shell(text, tmp):
    out = []
    for line in text.split("\n"):
        if line.strip().startswith("scripts/"):
            continue  # the set-up commands that run this test
        line = line.replace("/tmp/", tmp + "/")
        line = re.sub(r"(?<![\w/.-])build/", build + "/", line)
        out.append(line)
    return "set -euo pipefail\n" + "\n".join(out)


passed, failed, skipped = 0, 0, 0
# A build without the Python package (the sanitizer build: a sanitized
# extension cannot load into Python) skips the blocks that import it.
has_python = os.path.isdir(os.path.join(build, "python", "neurofuse"))
for path in docs:
    where = os.path.relpath(path, source)
    for lang, line, text in blocks(path):
        if lang not in ("sh", "nf"):
            continue
        if lang == "sh" and "build/python" in text and not has_python:
            skipped += 1
            print(f"skip {where}:{line} (sh): this build has no Python package")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            if lang == "sh":
                cmd = ["bash", "-c", shell(text, tmp)]
            else:
                model = os.path.join(tmp, "block.nf")
                with open(model, "w") as f:
                    f.write(text)
                cmd = [os.path.join(build, "bin", "neurofuse"), "check", model]
            done = subprocess.run(cmd, cwd=source, capture_output=True, text=True, timeout=600)
        if done.returncode == 0:
            passed += 1
            print(f"ok   {where}:{line} ({lang})")
        else:
            failed += 1
            print(f"FAIL {where}:{line} ({lang}), exit {done.returncode}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
