"""A .gitignore pattern matcher in pure Python, used when git is missing or fails."""

from __future__ import annotations

import re


def match_gitignore_text(text: str, name: str, source: str = ".gitignore") -> tuple[bool, str | None]:
    """Tell whether the .gitignore contents `text` ignore the file `name` next to that .gitignore.

    Returns (ignored, "<source>:<line>:<pattern>") with the deciding pattern, as git check-ignore shows it.
    The last matching line decides, so a later `!name` un-ignores and a later `name` ignores again.
    """
    # git skips a UTF-8 byte order mark and splits lines on "\n" only. _parse_gitignore_line drops a trailing "\r".
    text = text.removeprefix("\ufeff")
    decision: tuple[bool, str | None] = (False, None)
    for number, line in enumerate(text.split("\n"), start=1):
        parsed = _parse_gitignore_line(line)
        if parsed is None:
            continue
        regex, negated = parsed
        if regex.fullmatch(name):
            decision = (not negated, None if negated else f"{source}:{number}:{line.rstrip()}")
    return decision


def _parse_gitignore_line(line: str) -> tuple[re.Pattern[str], bool] | None:
    """Compile one .gitignore line to a regex over paths relative to its directory, with its negation.

    Returns None for blanks, comments and directory-only patterns, which never match a file here.
    """
    pattern = _strip_trailing_spaces(line.rstrip("\r"))
    if not pattern or pattern.startswith("#"):
        return None

    negated = pattern.startswith("!")
    if negated:
        pattern = pattern[1:]
    if pattern.endswith("/"):
        return None

    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.lstrip("/") if pattern.startswith("/") else pattern
    body = _glob_to_regex(pattern)
    if not anchored:
        body = f"(?:.*/)?{body}"
    return re.compile(body, re.DOTALL), negated


def _strip_trailing_spaces(pattern: str) -> str:
    """Remove trailing spaces unless a backslash escapes them, as git does."""
    stripped = pattern.rstrip(" ")
    if len(stripped) < len(pattern) and stripped.endswith("\\") and not stripped.endswith("\\\\"):
        return stripped + " "
    return stripped


def _glob_to_regex(pattern: str) -> str:
    """Translate gitignore glob syntax (`*`, `?`, `[...]`, `**`, backslash escapes) into a regex."""
    parts = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        at_component_start = index == 0 or pattern[index - 1] == "/"
        if at_component_start and pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif at_component_start and pattern[index:] == "**":
            parts.append(".*")
            index += 2
        elif char == "*":
            parts.append("[^/]*")
            index += 1
        elif char == "?":
            parts.append("[^/]")
            index += 1
        elif char == "[":
            bracket, index = _bracket_to_regex(pattern, index)
            parts.append(bracket)
        elif char == "\\" and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
        else:
            parts.append(re.escape(char))
            index += 1
    return "".join(parts)


def _bracket_to_regex(pattern: str, start: int) -> tuple[str, int]:
    """Translate the `[...]` class that starts at `start`. An unclosed `[` stays a literal character."""
    end = start + 1
    if end < len(pattern) and pattern[end] in "!^":
        end += 1
    if end < len(pattern) and pattern[end] == "]":
        end += 1
    end = pattern.find("]", end)
    if end == -1:
        return re.escape("["), start + 1

    # NOTE: POSIX classes such as `[[:alpha:]]`, which git accepts, are not translated here.
    inner = pattern[start + 1 : end]
    negated = inner[:1] in ("!", "^")
    if negated:
        inner = inner[1:]
    inner = inner.replace("\\", "\\\\").replace("^", "\\^")
    return f"[{'^' if negated else ''}{inner}]", end + 1
