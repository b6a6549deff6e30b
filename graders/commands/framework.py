"""``bdhvs framework``: print the competency framework."""

from __future__ import annotations

import argparse
import json

from curriculum.framework import load_framework
from graders.commands.options import verb


def run(args: argparse.Namespace) -> None:
    framework = load_framework()
    if args.json:
        print(json.dumps(framework.raw, ensure_ascii=False, indent=2))
        return
    for domain in framework.domains:
        print(f"{domain.id}. {domain.name(args.lang)}")
        for competence_id in domain.competence_ids:
            print(f"   {competence_id}  {framework.competence(competence_id).name(args.lang)}")
    print()
    for step in framework.steps:
        level = step.level_vi if args.lang == "vi" else step.level_en
        descriptor = step.descriptor_vi if args.lang == "vi" else step.descriptor_en
        print(f"step {step.step} {step.code} ({level}): {descriptor}")


def register(commands: argparse._SubParsersAction) -> None:
    sub = verb(commands, "framework", run, "print the competency framework")
    sub.add_argument("--json", action="store_true")
    sub.add_argument("--lang", choices=("vi", "en"), default="vi")
