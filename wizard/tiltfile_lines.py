"""Tiltfile edits: the lines that read tilt_option.json, and where they go."""

from __future__ import annotations

import bisect

from wizard.model import OPTION_FILE, DefaultRegistryCall

_READ_LINE = f"tilt_option = read_json('{OPTION_FILE}', default={{}})"
# Added only when the team's call sets host_from_cluster or single_name, which a personal registry must not inherit.
_PERSONAL_LINE = "personal = 'default_registry' in tilt_option"
_HOST_ARGS = (
    "host_from_cluster=tilt_option.get('host_from_cluster', {host_from_cluster}), "
    "single_name=tilt_option.get('single_name', {single_name})"
)


def _starlark_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _team_value(value: str | None) -> str:
    """Return the Starlark default of a team argument, which applies only while tilt_option.json sets no registry."""
    if not value:
        return "''"
    return f"'' if personal else {_starlark_string(value)}"


def tiltfile_snippet_lines(call: DefaultRegistryCall | None) -> list[str]:
    """Return the Tiltfile lines that read tilt_option.json, without line endings.

    With a literal `default_registry(...)` call, the lines replace it and keep its arguments as
    the defaults, but the team's host_from_cluster and single_name apply only while
    tilt_option.json sets no default_registry. Otherwise the lines call default_registry only
    when the file sets a registry.
    """
    if call is not None and call.host is not None:
        args = _HOST_ARGS.format(
            host_from_cluster=_team_value(call.host_from_cluster),
            single_name=_team_value(call.single_name),
        )
        team = _starlark_string(call.host)
        registry_line = f"default_registry(tilt_option.get('default_registry', {team}), {args})"
        if call.host_from_cluster or call.single_name:
            return [_READ_LINE, _PERSONAL_LINE, registry_line]
        return [_READ_LINE, registry_line]

    args = _HOST_ARGS.format(host_from_cluster="''", single_name="''")
    return [
        _READ_LINE,
        "if tilt_option.get('default_registry'):",
        f"    default_registry(tilt_option['default_registry'], {args})",
    ]


def add_tiltfile_lines(text: str, call: DefaultRegistryCall | None) -> tuple[str, str | None]:
    """Return (new Tiltfile text, problem) with the lines that read tilt_option.json added.

    Replaces a literal default_registry call in place, or inserts the lines after the leading
    comment block and load() statements. When the Tiltfile cannot be changed safely, returns the
    text unchanged and a clause about the Tiltfile that gives the reason, such as "its default_registry
    call on line 3 passes a value that is not a plain string".
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    if call is None:
        return _insert_lines(text, tiltfile_snippet_lines(None), newline), None
    if call.host is None:
        return text, f"its default_registry call on line {call.line} passes a value that is not a plain string"

    span = _call_span(text, call.line)
    if span is None:
        return text, (
            f"the end of its default_registry call on line {call.line} cannot be found, "
            "or other code shares the call's lines"
        )
    start, end, indent, trailing = span
    lines = [indent + line for line in tiltfile_snippet_lines(call)]
    lines[-1] += trailing
    return text[:start] + newline.join(lines) + text[end:], None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _skip_string(text: str, index: int) -> int:
    """Return the index just past the string literal that starts at `index`."""
    quote = text[index] * 3 if text.startswith(text[index] * 3, index) else text[index]
    index += len(quote)
    while index < len(text):
        if text[index] == "\\":
            index += 2
        elif text.startswith(quote, index):
            return index + len(quote)
        elif text[index] == "\n" and len(quote) == 1:
            return index
        else:
            index += 1
    return index


def _closing_paren(text: str, open_index: int) -> int | None:
    """Return the index of the `)` that closes the `(` at `open_index`, skipping strings and comments."""
    depth = 0
    index = open_index
    while index < len(text):
        char = text[index]
        if char in "'\"":
            index = _skip_string(text, index)
            continue
        if char == "#":
            newline = text.find("\n", index)
            index = len(text) if newline < 0 else newline
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return None


def _call_span(text: str, line: int) -> tuple[int, int, str, str] | None:
    """Find the whole lines of the default_registry call that starts on `line` (1-based).

    Returns (start offset, end offset before the line ending, indentation, trailing comment), or
    None when the call shares its lines with other code or cannot be found.
    """
    starts = _line_starts(text)
    if not 1 <= line <= len(starts):
        return None
    line_start = starts[line - 1]
    line_end = text.find("\n", line_start)
    line_end = len(text) if line_end < 0 else line_end
    call_index = text.find("default_registry(", line_start, line_end)
    if call_index < 0 or text[line_start:call_index].strip():
        return None

    close = _closing_paren(text, call_index + len("default_registry"))
    if close is None:
        return None
    end = text.find("\n", close)
    end = len(text) if end < 0 else end
    if text[end - 1:end] == "\r":
        end -= 1
    rest = text[close + 1:end].strip()
    if rest and not rest.startswith("#"):
        return None
    trailing = f"  {rest}" if rest else ""
    return line_start, end, text[line_start:call_index], trailing


def split_lines(text: str) -> list[str]:
    """Split text after each "\\n" only, keeping the line endings.

    str.splitlines also breaks at \\f, \\v, \\x1c-\\x1e, \\x85 and \\u2028, which would shift every
    line index against _line_starts and the line numbers of the Tiltfile scan.
    """
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _insert_lines(text: str, snippet: list[str], newline: str) -> str:
    lines = split_lines(text)
    index = _insertion_index(text, lines)

    head = lines[:index]
    tail = lines[index:]
    block = [line + newline for line in snippet]
    if head and not head[-1].endswith("\n"):
        head[-1] += newline
    if head and head[-1].strip():
        block.insert(0, newline)
    if tail and tail[0].strip():
        block.append(newline)
    return "".join(head + block + tail)


def _insertion_index(text: str, lines: list[str]) -> int:
    """Return the index of the first line after the leading comment block and load() statements."""
    index = 0
    while index < len(lines) and lines[index].lstrip().startswith("#"):
        index += 1
    insert_at = index

    starts = _line_starts(text)
    scan = index
    while scan < len(lines):
        stripped = lines[scan].strip()
        if not stripped or stripped.startswith("#"):
            scan += 1
            continue
        if not stripped.startswith("load("):
            break
        open_index = starts[scan] + lines[scan].index("load(") + len("load")
        close = _closing_paren(text, open_index)
        if close is None:
            break
        scan = bisect.bisect_right(starts, close)
        insert_at = scan
    return insert_at
