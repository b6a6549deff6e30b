"""Links the size of a button, the one look of every link a learner taps.

A plain link is a line of 13 px text: too small to read and to hit on a phone. The start page,
the end of each lesson and the hand-in's download all show their links through
:func:`link_button`, so that each is at least 44 px high with 18 px text, as touch targets
should be.
"""

from __future__ import annotations

import html

__all__ = ["link_button"]

_BUTTON = (
    "display:inline-block;min-height:44px;box-sizing:border-box;padding:10px 16px;"
    "margin:4px 8px 4px 0;font-size:18px;line-height:1.3;border-radius:6px;"
    "border:2px solid #0b4fb3;text-decoration:underline;"
)


def link_button(href: str, label: str, primary: bool = False, download: str | None = None) -> str:
    """A link the size of a button: one tap on a phone. ``primary`` fills it, for the step to
    take next; ``download`` names the file the link saves, when it saves one."""
    colours = "background:#0b4fb3;color:#ffffff;" if primary else "color:#0b4fb3;"
    saves = "" if download is None else f' download="{html.escape(download)}"'
    return (
        f'<a href="{html.escape(href)}"{saves} style="{_BUTTON}{colours}">{html.escape(label)}</a>'
    )
