"""How fast a written cohort report opens in Chromium: load event and first contentful paint.

    .venv/bin/python bench/report_load.py REPORT.html [--width 390 --height 844] [--repeat 3]

Make the report first, e.g. with ``bench/records.py --learners 5000 --keep DIR`` (it writes
``DIR/report.html``). Prints, per run, the milliseconds from navigation to first contentful
paint and to the load event, the file's size, and how many learner rows the page laid out
(the table shows one page of rows, whatever the cohort).
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from browser import chromium_page  # noqa: E402

TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {load: nav.loadEventEnd, paint: paint ? paint.startTime : null,
          rows: document.querySelectorAll("#learner-table tbody tr").length};
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=960)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    loads = []
    for _ in range(args.repeat):
        with chromium_page(args.width, args.height) as page:
            page.goto(args.report.resolve().as_uri(), wait_until="load")
            page.wait_for_function("performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
            found = page.evaluate(TIMINGS)
        loads.append(found["load"])
        print(
            f"first contentful paint {found['paint']:.0f} ms, load {found['load']:.0f} ms, "
            f"{found['rows']} learner rows laid out"
        )
    size = args.report.stat().st_size / 1e6
    print(f"{args.report.name}: {size:.1f} MB, median load {statistics.median(loads):.0f} ms")


if __name__ == "__main__":
    main()
