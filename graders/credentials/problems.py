"""Why a credential is refused, said in Vietnamese first and then in English.

Whoever checks a certificate in Vietnam reads Vietnamese; the English line keeps the technical
detail (which key, which file, which field) for whoever has to dig further.
"""

from __future__ import annotations

from graders.common.errors import BdhvsError


class CredentialError(BdhvsError):
    """The credential is not genuine, not from a trusted issuer, revoked, or not what the
    verifier asked for."""

    def __init__(self, vietnamese: str, english: str) -> None:
        super().__init__(f"{vietnamese}\n  {english}")
        self.vietnamese = vietnamese
        self.english = english
