"""Make untrusted strings safe to show: escape control characters and drop the user info of URLs."""

from __future__ import annotations

import re

# C0 and C1 control characters (ESC starts terminal escape sequences), DEL, and the Unicode
# format characters that reorder or hide text (bidi overrides and isolates, zero-width marks).
# The scheme, then an authority part up to its last "@"; RFC 3986 ends the authority at "/", "?" or "#".
_USERINFO = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)?[^/?#]*@")
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]")


def escape_control_chars(value: object) -> str:
    """Return `str(value)` with each control or format character written as an escape such as `\\x1b`.

    Kubeconfig names, Docker config keys, Tiltfile literals and API responses are written by
    someone else, so a warning that quotes them must not pass escape sequences to the terminal.
    """
    return _UNSAFE.sub(_escape, str(value))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def strip_userinfo(url: str) -> str:
    """Return `url` without the `user:password@` part of its authority, which must never be shown.

    Works on text that urllib cannot parse too, such as a server URL with an invalid port.
    """
    return _USERINFO.sub(lambda match: match.group(1) or "", url, count=1)
