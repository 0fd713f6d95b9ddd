#!/usr/bin/env python3
"""Every command of the README, as a new user runs it (issue 22).

Makes a fresh copy of the clone (the tracked files only, so nothing beside
the repository, such as ../shared, is in reach), gives it what the two set-up
commands leave behind (build/release: the build given here stands in for
the demo's), and runs every ```sh block of the README outside "The two
commands" in one bash session, with HOME in a scratch directory (the README
installs into ~/.local). A ```text block right after a ```sh block is its
output: each of its lines must appear in what the block printed (stdout and
stderr), in order; "..." stands for lines left out, and a leading HH:MM:SS
(a ticker line's local time) matches any time.

  python3 tests/tools/readme_test.py BUILD_DIR
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETUP_SECTION = "## The two commands"
TIME = re.compile(r"^\d\d:\d\d:\d\d ")
TIMEOUT_S = 120  # all blocks together; they take about 10 s


def blocks(readme):
    """(commands, expected lines or None) for each ```sh block to run."""
    out, section, lines, i = [], "", readme.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            section = line
        if line.strip() == "```sh":
            end = lines.index("```", i + 1)
            commands = lines[i + 1:end]
            i = end + 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            expected = None
            if i < len(lines) and lines[i].strip() == "```text":
                text_end = lines.index("```", i + 1)
                expected = lines[i + 1:text_end]
                i = text_end + 1
            if section != SETUP_SECTION:
                out.append((commands, expected))
            continue
        i += 1
    return out


def fresh_clone(into):
    files = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], check=True,
                           capture_output=True).stdout.decode().split("\0")
    for f in filter(None, files):
        src = ROOT / f
        if not src.is_file():
            continue  # deleted in the working tree
        dst = into / f
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)


def matches(expected, printed):
    """The lines of `expected` in `printed`, in order; returns the first missing."""
    at = 0
    for want in expected:
        if want.strip() == "...":
            continue
        timed = bool(TIME.match(want))
        want_text = TIME.sub("", want) if timed else want
        while at < len(printed):
            got = printed[at]
            at += 1
            if timed and TIME.match(got) and TIME.sub("", got) == want_text:
                break
            if not timed and got == want_text:
                break
        else:
            return want
    return None


def main():
    build = Path(sys.argv[1]).resolve()
    readme = (ROOT / "README.md").read_text()
    runs = blocks(readme)
    if not runs:
        print("FAIL: no commands found in README.md")
        return 1
    failures = 0
    with tempfile.TemporaryDirectory(prefix="splitstream-readme-") as scratch:
        clone = Path(scratch) / "splitstream"
        home = Path(scratch) / "home"
        home.mkdir()
        fresh_clone(clone)
        (clone / "build").mkdir(exist_ok=True)
        os.symlink(build, clone / "build" / "release")
        env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
        # One bash for all blocks, as one terminal: what a block exports, the
        # next sees. Each block's output goes to a file of its own.
        script = ["set -e"]
        for n, (commands, _) in enumerate(runs):
            script.append(f"exec >{scratch}/out.{n} 2>&1")
            script.extend(commands)
        script.append(f"exec >{scratch}/out.end 2>&1")
        script.append("wait")  # background jobs of the README, if any
        # A session of its own, so that a block that hangs takes whatever it
        # started in the background down with it.
        bash = subprocess.Popen(["bash", "-c", "\n".join(script)], cwd=clone, env=env, start_new_session=True)
        try:
            status = bash.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            print(f"FAIL: the README's commands still ran after {TIMEOUT_S} s")
            failures += 1
            status = 0
        finally:
            try:
                os.killpg(bash.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            bash.wait()
        for n, (commands, expected) in enumerate(runs):
            out_file = Path(scratch) / f"out.{n}"
            printed = out_file.read_text().splitlines() if out_file.exists() else []
            name = commands[0] if commands else "(empty block)"
            if not out_file.exists():
                print(f"FAIL: not reached: {name}")
                failures += 1
                continue
            missing = matches(expected, printed) if expected else None
            if missing is not None:
                print(f"FAIL: {name}\n  expected: {missing}\n  printed:\n    " + "\n    ".join(printed))
                failures += 1
            else:
                print(f"ok: {name}")
        if status != 0:
            print(f"FAIL: the README's commands ended with status {status}")
            failures += 1
        # The example feed is the reference race, byte for byte.
        shared = ROOT.parent / "shared" / "data"
        for copy, original in [("budapest-2023-men-1500m-final.jsonl", "feeds"),
                               ("budapest-2023-men-1500m-final.expected.json", "feeds"),
                               ("budapest-2023-men-1500m-final.race.json", "races")]:
            ref = shared / original / copy.replace(".race.json", ".json")
            if ref.exists() and ref.read_bytes() != (ROOT / "examples" / copy).read_bytes():
                print(f"FAIL: examples/{copy} differs from {ref}")
                failures += 1
    print(f"{len(runs)} blocks, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
