"""Documents a verifier reads from the web (DID documents, status lists), kept on disk.

Every document fetched is stored in the cache folder, so that a credential checked once with a
network can be checked again without one: ``offline`` reads the cache only. When a fetch fails
the cached copy is used and the caller is told how old it is.

Only ``https`` addresses are fetched. Plain ``http`` is allowed only to this machine (localhost,
127.0.0.1, ::1) and only when asked for, which tests and local trials need and nothing else.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from graders.credentials.strictjson import parse_strict

TIMEOUT_SECONDS = 15
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
CACHE_ENV = "XDG_CACHE_HOME"
ACCEPT = "application/did+json, application/vc+ld+json, application/json"


class FetchError(Exception):
    """The document could not be read from the web nor from the cache."""


@dataclass(frozen=True)
class Fetched:
    document: Any
    fetched: str  # when it was read from the web
    from_cache: bool  # read from the cache, not from the web just now
    problem: str = ""  # why the web was not read, when it was tried


def default_cache_folder() -> Path:
    """``$XDG_CACHE_HOME/bdhvs``, or ``~/.cache/bdhvs``."""
    base = os.environ.get(CACHE_ENV) or str(Path.home() / ".cache")
    return Path(base) / "bdhvs"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebCache:
    """Reads documents from the web into ``folder``, or only from it when ``offline``."""

    folder: Path
    offline: bool = False
    allow_http_localhost: bool = False

    def scheme_for(self, host: str) -> str:
        """``https``, or ``http`` for this machine when plain http to it is allowed."""
        return "http" if self.allow_http_localhost and is_loopback(host) else "https"

    def check_address(self, url: str) -> None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if not host or parts.scheme not in ("https", self.scheme_for(host)):
            raise FetchError(f"{url} is not an https address")

    def get(self, url: str) -> Fetched:
        """The JSON document at ``url``: fresh from the web, or else the cached copy."""
        self.check_address(url)
        cached = self._path(url)
        problem = ""
        if not self.offline:
            try:
                text = self._download(url)
            except FetchError as exc:
                problem = str(exc)
            else:
                document = _parse(text, url)
                fetched = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                self._store(cached, url, text, fetched)
                return Fetched(document, fetched, False)
        if not cached.is_file():
            raise FetchError(problem or f"no copy of {url} in the cache {self.folder}")
        try:
            stored = json.loads(cached.read_text(encoding="utf-8"))
            text, fetched = stored["body"], stored["fetched"]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise FetchError(f"the cached copy of {url} in {cached} is damaged ({exc})") from None
        return Fetched(_parse(text, url), fetched, True, problem)

    def _path(self, url: str) -> Path:
        return self.folder / "web" / (hashlib.sha256(url.encode("utf-8")).hexdigest() + ".json")

    def _download(self, url: str) -> str:
        host = urlsplit(url).hostname or ""
        # Proxies set for the web must not see requests to this machine.
        proxies = urllib.request.ProxyHandler({} if is_loopback(host) else None)
        opener = urllib.request.build_opener(proxies)
        request = urllib.request.Request(url, headers={"Accept": ACCEPT})
        try:
            with opener.open(request, timeout=TIMEOUT_SECONDS) as response:
                self.check_address(response.geturl())  # redirects must stay on https
                body = response.read(MAX_DOCUMENT_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise FetchError(f"{url} answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise FetchError(f"cannot reach {url}: {reason}") from None
        if len(body) > MAX_DOCUMENT_BYTES:
            raise FetchError(f"{url} is larger than {MAX_DOCUMENT_BYTES} bytes")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise FetchError(f"{url} is not UTF-8 text") from None

    def _store(self, path: Path, url: str, text: str, fetched: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        record = {"url": url, "fetched": fetched, "body": text}
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)


def _parse(text: str, where: str) -> Any:
    try:
        return parse_strict(text)
    except ValueError as exc:
        raise FetchError(f"{where} is not valid JSON ({exc})") from None
