"""Coverage per file against a floor (issue 42), after ``coverage run -m pytest`` on PostgreSQL.

Prints the total and every file under the floor, and fails (exit 1) when
- a file not listed in ``.ci/coverage-below-floor.txt`` is under ``FLOOR`` percent of its lines, or
- a listed file is clearly at the floor (``FLOOR + MARGIN``: take it off the list, which only shrinks; the margin
  keeps a line that one run reaches and the next does not from failing CI), or a listed file no longer exists.
Usage: ``.venv/bin/python .ci/coverage_floor.py`` (reads ``.coverage``; writes ``coverage.json``).
"""

import json
import sys
from pathlib import Path

import coverage

ROOT = Path(__file__).resolve().parent.parent
FLOOR = 80.0
MARGIN = 3.0
LISTED = ROOT / ".ci" / "coverage-below-floor.txt"


def listed() -> set[str]:
    """The files allowed under the floor for now (one path a line; ``#`` comments)."""
    lines = LISTED.read_text().splitlines() if LISTED.exists() else []
    return {line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()}


def main() -> int:
    measured = coverage.Coverage(data_file=str(ROOT / ".coverage"), config_file=str(ROOT / "pyproject.toml"))
    measured.load()
    measured.json_report(outfile=str(ROOT / "coverage.json"))
    report = json.loads((ROOT / "coverage.json").read_text())
    files = {path: data["summary"]["percent_covered"] for path, data in report["files"].items()}
    allowed = listed()
    under = {path: percent for path, percent in files.items() if percent < FLOOR}
    new_under = sorted(set(under) - allowed)
    reached = sorted(path for path in allowed if path in files and files[path] >= FLOOR + MARGIN)
    gone = sorted(path for path in allowed if path not in files)
    total = report["totals"]["percent_covered"]
    print(f"coverage: {total:.1f} % of {report['totals']['num_statements']} statements in {len(files)} files")
    print(f"per-file floor {FLOOR:.0f} %: {len(under)} files under it, {len(allowed)} listed as not yet at it")
    for path in sorted(under, key=under.get):
        print(f"  {under[path]:5.1f} %  {path}{'' if path in allowed else '   <- not listed'}")
    failed = False
    if new_under:
        print(f"FAIL: {len(new_under)} files fell under the floor: test them (or, for a new file, cover it)")
        failed = True
    if reached:
        print("FAIL: these listed files are clearly at the floor now; take them off .ci/coverage-below-floor.txt:")
        print("\n".join(f"  {path}" for path in reached))
        failed = True
    if gone:
        print("FAIL: listed files that no longer exist:\n" + "\n".join(f"  {path}" for path in gone))
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
