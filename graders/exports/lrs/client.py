"""The statements resource of a learning record store (xAPI 1.0.3), over HTTP.

Only what sending needs: POST a batch of statements, PUT one statement by its id. Failures are
told apart because they call for different things: an LRS that is down, slow or overloaded may
take the request on a later try (tried again after growing pauses), one that refuses it (bad
credentials, a wrong address, a statement it finds invalid) will refuse it again, so sending
stops at once and says why. A 409 Conflict is no failure: it is how an LRS may answer
statements whose ids it already holds, which the caller deals with.

The standard library's ``urllib`` is enough and honours the usual proxy variables; redirects
are not followed, because following one turns a POST into a GET and a statement would be lost
while the request seemed to succeed.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence

from graders.common.errors import BdhvsError

XAPI_VERSION = "1.0.3"
AUTH_ENV = "BDHVS_LRS_AUTH"
USER_ENV = "BDHVS_LRS_USER"
PASSWORD_ENV = "BDHVS_LRS_PASSWORD"
TIMEOUT = 60  # seconds to wait for one answer
TRIED_AGAIN = {408, 425, 429, 500, 502, 503, 504}  # answers a later try may not get
CONFLICT = 409


class LrsError(Exception):
    """The LRS did not take a request; the message says why, for the person running."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 3xx answer is then raised as an HTTPError, and reported


class Lrs:
    """The LRS at ``endpoint`` (its xAPI address, the one before ``/statements``), reached
    with ``authorization`` as the value of the ``Authorization`` header, if any."""

    retry_pauses: tuple[float, ...] = (1.0, 4.0, 15.0)  # seconds before each further try

    def __init__(self, endpoint: str, authorization: str | None, timeout: float = TIMEOUT):
        self.endpoint = endpoint
        self.timeout = timeout
        self._headers = {"X-Experience-API-Version": XAPI_VERSION}
        if authorization:
            self._headers["Authorization"] = authorization
        self._opener = urllib.request.build_opener(_NoRedirects)

    @classmethod
    def from_environment(cls, url: str, environ: Mapping[str, str] = os.environ) -> Lrs:
        """The LRS at ``url`` with the credentials the environment gives (see
        :func:`authorization`): credentials never go on a command line, where other users of
        the machine can read them."""
        return cls(xapi_endpoint(url), authorization(environ))

    def post(self, statements: Sequence[bytes]) -> bool:
        """Store ``statements`` (each one JSON object, a line break after it or not); False
        when the LRS answers 409 Conflict, which it may do when it holds some of them already.
        The lines are joined as they are (JSON allows the line breaks): no copy of each."""
        body = b"[" + b",".join(statements) + b"]"
        return self._send("POST", f"{self.endpoint}/statements", body) != CONFLICT

    def put(self, statement_id: str, statement: bytes) -> bool:
        """Store one statement under its id; False when the LRS answers 409 Conflict: it
        holds a statement with that id already and, as xAPI requires, keeps it."""
        query = urllib.parse.urlencode({"statementId": statement_id})
        url = f"{self.endpoint}/statements?{query}"
        return self._send("PUT", url, statement) != CONFLICT

    def in_the_clear(self) -> bool:
        """Whether statements and credentials would cross a network unencrypted: plain
        ``http://`` to another machine than this one."""
        parts = urllib.parse.urlsplit(self.endpoint)
        if parts.scheme != "http" or parts.hostname == "localhost":
            return False
        try:
            return not ipaddress.ip_address(parts.hostname or "").is_loopback
        except ValueError:  # a host name
            return True

    def _send(self, method: str, url: str, body: bytes) -> int:
        """The status of the LRS's answer (2xx or 409), after as many tries as
        :attr:`retry_pauses` allows; :class:`LrsError` otherwise."""
        headers = {**self._headers, "Content-Type": "application/json"}
        problem = ""
        for pause in (0.0, *self.retry_pauses):
            time.sleep(pause)
            request = urllib.request.Request(url, data=body, headers=headers, method=method)
            try:
                with self._opener.open(request, timeout=self.timeout) as response:
                    response.read()
                    return response.status
            except urllib.error.HTTPError as error:
                detail = _detail(error)
                if error.code == CONFLICT:
                    return CONFLICT
                if error.code not in TRIED_AGAIN:
                    raise LrsError(self._refusal(error, detail)) from None
                problem = f"HTTP {error.code}{detail}"
            except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out
                problem = _reason(error)
        tries = 1 + len(self.retry_pauses)
        raise LrsError(f"the LRS at {self.endpoint} failed {tries} tries ({problem})")

    def _refusal(self, error: urllib.error.HTTPError, detail: str) -> str:
        code = error.code
        if code in (401, 403):
            return (
                f"the LRS at {self.endpoint} refused the credentials (HTTP {code}{detail}): "
                f"set {USER_ENV} and {PASSWORD_ENV}, or {AUTH_ENV}, for an account that may "
                "write statements"
            )
        if code == 404:
            return (
                f"the LRS at {self.endpoint} has no statements resource (HTTP 404): give its "
                "xAPI address, the one before /statements"
            )
        if code == 413:
            return f"the LRS at {self.endpoint} found a batch too large: give a smaller --lrs-batch"
        if 300 <= code < 400:
            moved = error.headers.get("Location", "elsewhere")
            return (
                f"the LRS at {self.endpoint} answered HTTP {code} (moved to {moved}): "
                "give that address to --lrs"
            )
        return f"the LRS at {self.endpoint} refused the statements (HTTP {code}{detail})"


def xapi_endpoint(url: str) -> str:
    """The xAPI address an LRS is given as: ``http(s)://host[:port]/path``, without a trailing
    ``/`` or ``/statements``, and without credentials, which belong in the environment."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise BdhvsError(
            f"--lrs: put no credentials in the address; set {USER_ENV} and {PASSWORD_ENV}, "
            f"or {AUTH_ENV}"
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BdhvsError(f"--lrs needs the LRS's http:// or https:// address, not {url!r}")
    if parts.query or parts.fragment:
        raise BdhvsError(f"--lrs: give the LRS's xAPI address without ? or #, not {url!r}")
    path = parts.path.rstrip("/").removesuffix("/statements")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def authorization(environ: Mapping[str, str]) -> str | None:
    """The ``Authorization`` header value: ``BDHVS_LRS_AUTH`` as it is (e.g. ``Basic …`` or
    ``Bearer …``), else HTTP Basic from ``BDHVS_LRS_USER`` and ``BDHVS_LRS_PASSWORD``; None
    when none is set."""
    if environ.get(AUTH_ENV):
        return environ[AUTH_ENV]
    user, password = environ.get(USER_ENV), environ.get(PASSWORD_ENV)
    if user is None and password is None:
        return None
    if not user or password is None:
        raise BdhvsError(f"set both {USER_ENV} and {PASSWORD_ENV} (or {AUTH_ENV})")
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _detail(error: urllib.error.HTTPError) -> str:
    """What the LRS said with an error, on one short line (or nothing); the answer is closed."""
    try:
        said = error.read(300).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""
    finally:
        error.close()
    said = " ".join(said.split())
    return f": {said}" if said else ""


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or error
    return str(reason) or type(reason).__name__
