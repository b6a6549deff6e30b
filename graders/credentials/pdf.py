"""Print HTML pages to PDF with a headless Chromium, when one is installed.

PDF is optional: the HTML certificate is complete on its own and prints from any browser.
Each conversion starts a browser (a second or two), which is why PDFs are only made on request.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT_SECONDS = 120


def find_browser() -> str | None:
    """The first Chromium-family browser on PATH, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(browser: str, html: Path, pdf: Path) -> None:
    """Print ``html`` (a local, self-contained page) to ``pdf``; raise RuntimeError on failure."""
    command = [
        browser,
        "--headless",
        "--disable-gpu",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start as root with its sandbox; the page is our own file.
        command.insert(1, "--no-sandbox")
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise RuntimeError(
            f"{browser} took more than {TIMEOUT_SECONDS} s to print {html}"
        ) from None
    if result.returncode != 0 or not pdf.is_file():
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise RuntimeError(f"{browser} could not print {html}: {last}")
