"""The ``bdhvs keys``, ``bdhvs credential`` and ``bdhvs learners`` command groups."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.errors import BdhvsError


def cmd_keys_init(args: argparse.Namespace) -> None:
    from graders.credentials.issuer import PROFILE_FILE, create_issuer, load_issuer

    key_path = create_issuer(Path(args.out), args.name, args.url)
    issuer = load_issuer(key_path)
    print(f"private key -> {key_path} (only you can read it: keep it safe, never share it)")
    print(f"public profile -> {key_path.parent / PROFILE_FILE} (publish it)")
    print(f"issuer: {issuer.name} ({issuer.did})")
    print(f"  next: bdhvs records --out OUTDIR --key {key_path}")


def cmd_credential_verify(args: argparse.Namespace) -> None:
    from graders.credentials.registry import revoked_ids
    from graders.credentials.verify import expected_issuer, read_credential, verify_credential

    revoked = frozenset()
    if args.revoked:
        path = Path(args.revoked)
        if not path.is_file():
            raise BdhvsError(f"no revocation list at {path}")
        revoked = revoked_ids(path)
    verified = verify_credential(
        read_credential(Path(args.file)),
        expected_issuer=expected_issuer(args.issuer) if args.issuer else None,
        revoked=revoked,
        qr=args.qr,
        learner=args.learner,
    )
    print(f"GENUINE: {verified.name}")
    print(f"  id:          {verified.id}")
    print(f"  issued by:   {verified.issuer_name} ({verified.issuer_id})")
    print(f"  achievement: {verified.achievement}")
    if verified.level:
        print(f"  level:       {verified.level}")
    print(f"  issued to:   {verified.identity_hash} (salt {verified.salt})")
    print(f"  valid from:  {verified.valid_from}")
    print(f"  fingerprint: sha256:{verified.digest}")
    checked = [
        "the expected issuer" if args.issuer else "",
        "not revoked" if args.revoked else "",
        "matches the certificate's QR code" if args.qr else "",
        f"issued to learner {args.learner}" if args.learner else "",
    ]
    if any(checked):
        print("  also checked: " + "; ".join(c for c in checked if c))


def cmd_learners_forget(args: argparse.Namespace) -> None:
    from graders.cli import open_with_gradebook
    from graders.forget import forget_learner

    course = open_with_gradebook(args)
    report = forget_learner(course, args.learner, [Path(out) for out in args.out])
    for line in report.removed:
        print(f"removed  {line}")
    if report.revoked:
        print(f"revoked  {len(report.revoked)} credentials (listed in credentials/revoked.json)")
    for note in report.notes:
        print(f"note     {note}")
    if report.leftovers:
        listed = "\n  ".join(str(p) for p in report.leftovers)
        raise BdhvsError(
            f"{args.learner} is still named in these files; remove or edit them by hand:"
            f"\n  {listed}"
        )
    print(
        f"learner {args.learner} forgotten: nothing in the course or the output folders names them"
    )


def add_commands(commands: argparse._SubParsersAction) -> None:
    """Register the three command groups on the top-level ``bdhvs`` parser."""
    keys = commands.add_parser("keys", help="the issuing organisation's signing key")
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    sub = actions.add_parser("init", help="create the organisation's key pair and profile")
    sub.add_argument("--out", required=True, metavar="DIR", help="folder for the two files")
    sub.add_argument("--name", required=True, help="name of the issuing organisation")
    sub.add_argument("--url", help="the organisation's home page (https://…)")
    sub.set_defaults(handler=cmd_keys_init)

    credential = commands.add_parser("credential", help="check issued credentials")
    actions = credential.add_subparsers(dest="credential_command", required=True, metavar="ACTION")
    sub = actions.add_parser("verify", help="check a credential file offline")
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--issuer", help="expected issuer: its did:key or its issuer.json")
    sub.add_argument("--revoked", metavar="FILE", help="the issuer's revoked.json")
    sub.add_argument("--qr", metavar="TEXT", help="text of the certificate's QR code")
    sub.add_argument("--learner", metavar="ID", help="check it was issued to this learner id")
    sub.set_defaults(handler=cmd_credential_verify)

    learners = commands.add_parser("learners", help="learners' personal data")
    actions = learners.add_subparsers(dest="learners_command", required=True, metavar="ACTION")
    sub = actions.add_parser(
        "forget", help="erase a learner from the course and the output folders"
    )
    sub.add_argument("learner", metavar="ID")
    sub.add_argument("--course", default=".", help="course directory (default: current)")
    sub.add_argument("--db", metavar="URL", help="gradebook database (default: the course's)")
    sub.add_argument(
        "--out", action="append", default=[], metavar="OUTDIR", help="an output folder (repeat)"
    )
    sub.set_defaults(handler=cmd_learners_forget)
