"""``bdhvs credential verify``: check an issued credential offline."""

from __future__ import annotations

import argparse
from pathlib import Path

from graders.common.errors import BdhvsError


def run_verify(args: argparse.Namespace) -> None:
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


def register(commands: argparse._SubParsersAction) -> None:
    credential = commands.add_parser("credential", help="check issued credentials")
    actions = credential.add_subparsers(dest="credential_command", required=True, metavar="ACTION")
    sub = actions.add_parser("verify", help="check a credential file offline")
    sub.add_argument("file", metavar="FILE")
    sub.add_argument("--issuer", help="expected issuer: its did:key or its issuer.json")
    sub.add_argument("--revoked", metavar="FILE", help="the issuer's revoked.json")
    sub.add_argument("--qr", metavar="TEXT", help="text of the certificate's QR code")
    sub.add_argument("--learner", metavar="ID", help="check it was issued to this learner id")
    sub.set_defaults(handler=run_verify)
