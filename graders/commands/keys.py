"""``bdhvs keys init``: the issuing organisation's signing key and public profile."""

from __future__ import annotations

import argparse
from pathlib import Path


def run_init(args: argparse.Namespace) -> None:
    from graders.credentials.issuer import PROFILE_FILE, create_issuer, load_issuer

    key_path = create_issuer(Path(args.out), args.name, args.url)
    issuer = load_issuer(key_path)
    print(f"private key -> {key_path} (only you can read it: keep it safe, never share it)")
    print(f"public profile -> {key_path.parent / PROFILE_FILE} (publish it)")
    print(f"issuer: {issuer.name} ({issuer.did})")
    print(f"  next: bdhvs records --out OUTDIR --key {key_path}")


def register(commands: argparse._SubParsersAction) -> None:
    keys = commands.add_parser("keys", help="the issuing organisation's signing key")
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    sub = actions.add_parser("init", help="create the organisation's key pair and profile")
    sub.add_argument("--out", required=True, metavar="DIR", help="folder for the two files")
    sub.add_argument("--name", required=True, help="name of the issuing organisation")
    sub.add_argument("--url", help="the organisation's home page (https://…)")
    sub.set_defaults(handler=run_init)
