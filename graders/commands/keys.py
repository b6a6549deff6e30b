"""``bdhvs keys init``: the issuing organisation's signing key and public profile;
``bdhvs keys trust``: add an issuer to a trust list that verifiers install."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from graders.common.errors import BdhvsError

# Plain dates in a trust list are days in Vietnam.
VIETNAM_OFFSET = "+07:00"


def run_init(args: argparse.Namespace) -> None:
    from graders.credentials.didweb import did_web_for, document_url
    from graders.credentials.issuer import (
        DID_DOCUMENT_FILE,
        PROFILE_FILE,
        create_issuer,
        load_issuer,
    )
    from graders.credentials.passphrase import new_passphrase

    passphrase = None
    if args.passphrase_env or args.passphrase_prompt:
        passphrase = new_passphrase(args.passphrase_env)
    key_path = create_issuer(Path(args.out), args.name, args.url, passphrase=passphrase)
    issuer = load_issuer(key_path, passphrase)
    protected = "encrypted with the passphrase; " if passphrase else ""
    print(
        f"private key -> {key_path} ({protected}only you can read it: keep it safe, never share it)"
    )
    print(f"public profile -> {key_path.parent / PROFILE_FILE} (publish it)")
    if issuer.url:
        address = document_url(did_web_for(issuer.url), "https")
        print(f"DID document -> {key_path.parent / DID_DOCUMENT_FILE} (publish it at {address})")
    print(f"issuer: {issuer.name} ({issuer.did})")
    print(f"  next: bdhvs records --out OUTDIR --key {key_path}")
    if passphrase:
        print("  (the passphrase is read from $BDHVS_KEY_PASSPHRASE, or asked at the terminal)")


def _moment(value: str | None, end_of_day: bool) -> str | None:
    """A trust list date: as given, or a plain date as the start or end of that day."""
    if value is None or "T" in value:
        return value
    day = date.fromisoformat(value).isoformat()
    return f"{day}T{'23:59:59' if end_of_day else '00:00:00'}{VIETNAM_OFFSET}"


def run_trust(args: argparse.Namespace) -> None:
    from graders.credentials.trust import add_to_trust_list

    try:
        profile = json.loads(Path(args.profile).read_text(encoding="utf-8"))
        valid_from, valid_until = _moment(args.valid_from, False), _moment(args.until, True)
    except (OSError, ValueError) as exc:
        raise BdhvsError(f"cannot add {args.profile} to the trust list: {exc}") from None
    if not isinstance(profile, dict):
        raise BdhvsError(f"{args.profile} is not an issuer.json profile")
    entry = add_to_trust_list(Path(args.list), profile, valid_from, valid_until)
    print(f"trusted: {entry.name} ({entry.id}) -> {args.list}")
    print(
        "  verifiers use it with: bdhvs credential verify FILE --trust "
        f"{args.list} (or install it as ~/.config/bdhvs/trust-list.json)"
    )


def register(commands: argparse._SubParsersAction) -> None:
    keys = commands.add_parser("keys", help="signing keys and trust lists")
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    sub = actions.add_parser("init", help="create the organisation's key pair and profile")
    sub.add_argument("--out", required=True, metavar="DIR", help="folder for the files")
    sub.add_argument("--name", required=True, help="name of the issuing organisation")
    sub.add_argument("--url", help="the organisation's home page (https://…)")
    protect = sub.add_mutually_exclusive_group()
    protect.add_argument(
        "--passphrase-env",
        metavar="VAR",
        help="encrypt the key with the passphrase in this environment variable",
    )
    protect.add_argument(
        "--passphrase-prompt",
        action="store_true",
        help="encrypt the key with a passphrase asked at the terminal",
    )
    sub.set_defaults(handler=run_init)
    sub = actions.add_parser("trust", help="add an issuer to a trust list for verifiers")
    sub.add_argument("profile", metavar="ISSUER_JSON", help="the issuer's published issuer.json")
    sub.add_argument("--list", required=True, metavar="FILE", help="the trust list (created)")
    sub.add_argument(
        "--from", dest="valid_from", metavar="DATE", help="trust credentials issued from DATE"
    )
    sub.add_argument("--until", metavar="DATE", help="trust credentials issued until DATE")
    sub.set_defaults(handler=run_trust)
