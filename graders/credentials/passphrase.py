"""The passphrase that protects the organisation's private key.

A key file copied off a laptop or out of a backup is useless without its passphrase. Commands
read it from an environment variable (``BDHVS_KEY_PASSPHRASE`` unless told another), so that
scheduled runs work and the passphrase never appears on a command line, where other users of
the machine can see it; at a terminal they ask for it instead.
"""

from __future__ import annotations

import getpass
import os
import sys

from graders.common.errors import BdhvsError

PASSPHRASE_ENV = "BDHVS_KEY_PASSPHRASE"
MIN_LENGTH = 8


def new_passphrase(variable: str | None) -> str:
    """The passphrase for a new key: from ``variable``, else asked twice at the terminal."""
    if variable is not None:
        value = os.environ.get(variable)
        if not value:
            raise BdhvsError(f"--passphrase-env {variable}: the variable is not set")
        return _long_enough(value, f"${variable}")
    if not sys.stdin.isatty():
        raise BdhvsError("no terminal to ask for a passphrase; use --passphrase-env VARIABLE")
    first = _long_enough(getpass.getpass("Passphrase for the new key: "), "the answer")
    if getpass.getpass("The same passphrase again: ") != first:
        raise BdhvsError("the two passphrases differ; nothing was written")
    return first


def _long_enough(value: str, where: str) -> str:
    if len(value) < MIN_LENGTH:
        raise BdhvsError(
            f"the passphrase in {where} is shorter than {MIN_LENGTH} characters: a short one is "
            "guessed quickly by whoever has the key file"
        )
    return value


def key_passphrase(key_path: os.PathLike[str], variable: str = PASSPHRASE_ENV) -> str:
    """The passphrase of an encrypted key: from ``variable``, else asked at the terminal."""
    value = os.environ.get(variable)
    if value:
        return value
    if sys.stdin.isatty():
        return getpass.getpass(f"Passphrase of {key_path}: ")
    raise BdhvsError(
        f"{key_path} is protected by a passphrase: set it in the environment variable "
        f"{variable} (or run the command at a terminal to be asked for it)"
    )
