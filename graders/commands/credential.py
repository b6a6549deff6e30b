"""``bdhvs credential verify``: check a credential; ``bdhvs credential revoke``: withdraw
credentials and sign the status lists again; ``bdhvs credential page``: the static page that
checks credentials in a phone's browser."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from graders.common.errors import BdhvsError

if TYPE_CHECKING:
    from graders.credentials.verifypage import PageSummary
    from graders.credentials.webcache import WebCache


def run_verify(args: argparse.Namespace) -> None:
    from graders.credentials.trust import load_policy
    from graders.credentials.verify import (
        Verifier,
        expected_issuer,
        read_credential,
        verify_credential,
    )

    status_lists = {}
    for name in args.status_list:
        document = read_credential(Path(name))
        if not isinstance(document, dict) or not isinstance(document.get("id"), str):
            raise BdhvsError(f"--status-list {name}: not a status list credential")
        status_lists[document["id"]] = document
    verifier = Verifier(
        trust=load_policy(
            expected_issuer(args.issuer) if args.issuer else None,
            [Path(p) for p in args.trust] if args.trust else None,
        ),
        web=_web_cache(args),
        status_lists=status_lists,
    )
    verdict = verify_credential(
        read_credential(Path(args.file)), verifier, qr=args.qr, learner=args.learner
    )
    verified = verdict.credential
    print(f"HỢP LỆ / GENUINE: {verified.name}")
    print(f"  id:          {verified.id}")
    print(f"  issued by:   {verified.issuer_name} ({verified.issuer_id})")
    print(f"  tin cậy vì:  {verdict.trusted.vietnamese}")
    print(f"  trusted as:  {verdict.trusted.english}")
    if verdict.status is None:
        print("  status:      no status entry: the issuer cannot revoke this credential")
    else:
        copy = f", cached copy of {verdict.status_cached}" if verdict.status_cached else ""
        print(
            f"  status:      chưa bị thu hồi / not revoked ({verdict.status.list_url}, "
            f"signed {verdict.status.signed}{copy})"
        )
    print(f"  achievement: {verified.achievement}")
    if verified.level:
        print(f"  level:       {verified.level}")
    print(f"  issued to:   {verified.identity_hash} (salt {verified.salt})")
    print(f"  valid from:  {verified.valid_from}")
    print(f"  fingerprint: sha256:{verified.digest}")
    checked = [
        "matches the certificate's QR code" if args.qr else "",
        f"issued to learner {args.learner}" if args.learner else "",
    ]
    if any(checked):
        print("  also checked: " + "; ".join(c for c in checked if c))


def _web_cache(args: argparse.Namespace) -> WebCache:
    """Where documents are read from the web, by the options of :func:`_add_web_options`."""
    from graders.credentials.webcache import WebCache, default_cache_folder

    return WebCache(
        Path(args.cache) if args.cache else default_cache_folder(),
        offline=args.offline,
        allow_http_localhost=args.allow_http_localhost,
    )


def run_revoke(args: argparse.Namespace) -> None:
    from graders.credentials.issuer import load_issuer
    from graders.credentials.registry import CREDENTIALS, REVOKED, read_index, read_revoked, revoke
    from graders.credentials.revocation import publish_status_lists

    out = Path(args.out)
    registry = out / CREDENTIALS
    if not registry.is_dir():
        raise BdhvsError(f"{out} has no credentials registry ({registry})")
    issuer = load_issuer(Path(args.key))
    known = {e["id"] for e in read_index(registry)} | {
        e["id"] for e in read_revoked(registry / REVOKED)
    }
    unknown = [i for i in args.ids if i not in known]
    if unknown:
        raise BdhvsError(f"not issued into {out}: {', '.join(unknown)}; nothing was revoked")
    if args.ids:
        revoke(registry, args.ids, args.reason)
        print(f"revoked {len(args.ids)} credentials (recorded in {registry / REVOKED})")
    published = publish_status_lists(out, issuer)
    for listed in published:
        print(listed.note())
    if not published:
        print(
            "no status list: these credentials were issued without a home page, so they carry "
            "no status entry and verifiers cannot learn that they were revoked"
        )


def run_page(args: argparse.Namespace) -> None:
    from graders.credentials.fingerprint import VERIFY_PAGE
    from graders.credentials.verifypage import PUBLISHED, write_verify_page

    out = Path(args.out)
    summary = write_verify_page(
        out,
        [Path(p) for p in args.trust] if args.trust else None,
        [Path(p) for p in args.status_list],
        [Path(p) for p in args.publish],
        _web_cache(args),
    )
    print(f"verification page -> {summary.page}")
    print(f"  trusts the issuers on its trust lists ({summary.issuers}), and no one else")
    _print_web_keys(summary)
    for url, signed in summary.status_lists.items():
        print(f"  status list signed {signed}: {url}")
    if not summary.status_lists:
        print("  no status list: credentials that can be revoked will show as not checkable")
    if summary.published:
        print(f"  {summary.published} credentials published -> {out / PUBLISHED}/")
    else:
        print("  no credential published: the page asks for the credential file")
    again = "every revocation" + (
        ", and when an issuer's published keys change" if summary.web_keys else ""
    )
    print(
        f"  publish the folder at <home page>/{VERIFY_PAGE}/, where certificates' QR codes "
        f"link; make it again after {again}"
    )


def _print_web_keys(summary: PageSummary) -> None:
    """What the page holds of the issuers its trust lists name by web address, and which it
    cannot check: the page reads nothing from the web itself."""
    for did, published in summary.web_keys.items():
        fetched = published.fetched
        why = f"; {fetched.problem}" if fetched.problem else ""
        cached = f" (cached copy{why})" if fetched.from_cache else ""
        print(
            f"  {did}: {len(published.keys)} keys published at {published.url}, read "
            f"{fetched.fetched}{cached}"
        )
    for did, unread in summary.unread.items():
        print(
            f"  cannot read the keys {did} publishes ({unread.problem}): the page cannot check "
            "its credentials (KHÔNG KIỂM TRA ĐƯỢC); make the page again where "
            f"{unread.url} can be read, or list the issuer's did:key"
        )


def _add_web_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cache",
        metavar="DIR",
        help="where documents read from the web are kept (default: ~/.cache/bdhvs)",
    )
    parser.add_argument(
        "--offline", action="store_true", help="read nothing from the web: only the cache"
    )
    parser.add_argument(
        "--allow-http-localhost",
        action="store_true",
        help="for tests and local trials: read documents from this machine over plain http",
    )


def register(commands: argparse._SubParsersAction) -> None:
    credential = commands.add_parser("credential", help="check or revoke issued credentials")
    actions = credential.add_subparsers(dest="credential_command", required=True, metavar="ACTION")
    sub = actions.add_parser(
        "verify", help="check a credential: genuine, from a trusted issuer, not revoked"
    )
    sub.add_argument("file", metavar="FILE")
    sub.add_argument(
        "--trust",
        action="append",
        metavar="FILE",
        help="a trust list of issuers (repeat; default: $BDHVS_TRUST_LIST, else "
        "~/.config/bdhvs/trust-list.json)",
    )
    sub.add_argument("--issuer", help="trust only this issuer: its did:key or its issuer.json")
    sub.add_argument(
        "--status-list",
        action="append",
        default=[],
        metavar="FILE",
        help="the issuer's status list, instead of the one at its address (repeat)",
    )
    _add_web_options(sub)
    sub.add_argument("--qr", metavar="TEXT", help="text of the certificate's QR code")
    sub.add_argument("--learner", metavar="ID", help="check it was issued to this learner id")
    sub.set_defaults(handler=run_verify)
    sub = actions.add_parser(
        "revoke", help="revoke credentials of an output folder and sign its status lists again"
    )
    sub.add_argument("ids", nargs="*", metavar="ID", help="credential ids (urn:uuid:…)")
    sub.add_argument("--out", required=True, metavar="OUTDIR", help="where they were issued")
    sub.add_argument("--key", required=True, metavar="FILE", help="the issuer's key")
    sub.add_argument("--reason", default="revoked by the issuer", help="kept in revoked.json")
    sub.set_defaults(handler=run_revoke)
    sub = actions.add_parser(
        "page",
        help="write the static page that checks credentials in a browser, offline, for "
        "certificates' QR codes to link to",
    )
    sub.add_argument("--out", required=True, metavar="DIR", help="where to write index.html")
    sub.add_argument(
        "--trust",
        action="append",
        metavar="FILE",
        help="a trust list the page holds (repeat; default: $BDHVS_TRUST_LIST, else "
        "~/.config/bdhvs/trust-list.json)",
    )
    sub.add_argument(
        "--status-list",
        action="append",
        default=[],
        metavar="FILE",
        help="a signed status list the page holds, for revocations (repeat)",
    )
    sub.add_argument(
        "--publish",
        action="append",
        default=[],
        metavar="OUTDIR",
        help="also put the credentials issued into OUTDIR (not revoked) beside the page, so that "
        "a scanned QR code shows the verdict at once; they are then on the web (repeat)",
    )
    _add_web_options(sub)
    sub.set_defaults(handler=run_page)
