"""The scripts of the verification page, carried inside the page so that it opens from a file.

The page must work when opened from a file with no network, and Chromium refuses to load
module scripts from ``file://`` addresses (they have no origin to check them against). So the
page carries every script itself: its entry module (``web/page.js``) inline, and the modules it
imports as ``data:`` URLs in an import map. Our modules import one another by bare names
(``bdhvs/jcs.js``) that the import map resolves: a relative name cannot be resolved against a
``data:`` URL.

Ed25519 comes from the npm package ``@noble/ed25519`` (audited lineage, no dependencies, one
ES module file); SHA-256 and SHA-512 are the browser's own Web Crypto, available on ``https``
pages and pages opened from files. The Makefile installs the package into ``.venv/node``; it is
read from ``$BDHVS_NODE_MODULES`` if set, else from ``node/node_modules`` under the Python
environment's prefix (``.venv``), and copied into the page when the page is made.
"""

from __future__ import annotations

import base64
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from graders.common.errors import BdhvsError

WEB = Path(__file__).with_name("web")
ENTRY = "page.js"
OWN_PREFIX = "bdhvs/"
LIBRARY = "@noble/ed25519"
LIBRARY_MAJOR = 3  # the major version whose API (verifyAsync, zip215 option) web/proof.js uses
LIBRARY_FILE = "index.js"
NODE_MODULES_ENV = "BDHVS_NODE_MODULES"
INSTALL_HINT = "npm install --prefix .venv/node @noble/ed25519@3 (make test does it)"


@dataclass(frozen=True)
class PageScripts:
    entry: str  # the entry module's source, to inline
    import_map: str  # the import map, JSON ready to inline
    library: str  # the Ed25519 library's name and version, for the page to show


def node_modules() -> Path:
    """Where the npm packages are installed."""
    configured = os.environ.get(NODE_MODULES_ENV)
    return Path(configured) if configured else Path(sys.prefix) / "node" / "node_modules"


def _library() -> tuple[str, bytes]:
    package = node_modules() / LIBRARY
    try:
        manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
        source = (package / LIBRARY_FILE).read_bytes()
    except (OSError, ValueError) as exc:
        raise BdhvsError(
            f"the verification page needs the JavaScript library {LIBRARY}, not found in "
            f"{node_modules()} ({exc}); install it with: {INSTALL_HINT}"
        ) from None
    version = str(manifest.get("version", ""))
    if version.split(".")[0] != str(LIBRARY_MAJOR):
        raise BdhvsError(
            f"{package} is version {version}; the page needs version {LIBRARY_MAJOR}.x: "
            f"{INSTALL_HINT}"
        )
    return version, source


def _data_url(source: bytes) -> str:
    return "data:text/javascript;base64," + base64.b64encode(source).decode("ascii")


def inline_json(value: object) -> str:
    """``value`` as JSON that can stand inside a ``<script>`` element: no ``<`` at all, so
    nothing in it can close the element."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def page_scripts() -> PageScripts:
    """The entry module and the import map that gives it the library and our modules."""
    version, library = _library()
    imports = {LIBRARY: _data_url(library)}
    for module in sorted(WEB.glob("*.js")):
        if module.name != ENTRY:
            imports[OWN_PREFIX + module.name] = _data_url(module.read_bytes())
    entry = (WEB / ENTRY).read_text(encoding="utf-8")
    if "</script" in entry.lower():
        raise BdhvsError(f"{WEB / ENTRY} cannot be inlined: it holds '</script'")
    return PageScripts(entry, inline_json({"imports": imports}), f"{LIBRARY} {version}")
