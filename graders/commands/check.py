"""``bdhvs check``: a learner's self-check of a notebook, with its visible tests only."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from graders.commands.options import verb
from graders.common.errors import BdhvsError


def run(args: argparse.Namespace) -> None:
    from curriculum.toolkit.i18n import set_language
    from curriculum.toolkit.progress import record_check
    from curriculum.toolkit.selfcheck import format_report, run_visible_checks

    path = Path(args.notebook)
    if not path.is_file():
        raise BdhvsError(f"no notebook at {path}")
    set_language(args.lang)
    check = run_visible_checks(path)
    record_check(check, path)
    if args.json:
        payload = {
            "notebook": check.notebook,
            "error": check.error,
            "visible_checks_only": True,
            "results": [
                {
                    "cell": r.cell,
                    "passed": r.passed,
                    "message": r.message,
                    "points": r.points,
                    "competences": list(r.competences),
                }
                for r in check.results
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(format_report(check))
    if check.error:
        raise BdhvsError(check.error)


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(commands, "check", run, "self-check a notebook with its visible tests only")
    sub.add_argument("notebook", metavar="NOTEBOOK")
    sub.add_argument("--lang", choices=("vi", "en"), default="vi")
    sub.add_argument("--json", action="store_true")
