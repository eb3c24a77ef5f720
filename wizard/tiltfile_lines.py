"""Tiltfile edits: the lines that read tilt_option.json, and where they go."""

from __future__ import annotations

import ast
import bisect
import io
import re
import tokenize

from wizard.model import OPTION_FILE, DefaultRegistryCall

# The snippet takes the first of these names that the Tiltfile does not already use.
OPTION_VARIABLES = ("tilt_option", "tilt_option_json", "personal_registry_settings")
_READ_LINE = "{var} = read_json('" + OPTION_FILE + "', default={{}})"
_HOST_ARGS = (
    "host_from_cluster={var}.get('host_from_cluster', {host_from_cluster}), "
    "single_name={var}.get('single_name', {single_name})"
)


def _starlark_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _team_value(value: str | None, variable: str) -> str:
    """Return the Starlark default of a team argument, which applies only while tilt_option.json sets no registry.

    A personal registry must not inherit the team's host_from_cluster or single_name.
    """
    if not value:
        return "''"
    return f"'' if 'default_registry' in {variable} else {_starlark_string(value)}"


def tiltfile_snippet_lines(
    call: DefaultRegistryCall | None, variable: str = OPTION_VARIABLES[0], team_source: str | None = None,
) -> list[str]:
    """Return the Tiltfile lines that read tilt_option.json into `variable`, without line endings.

    A `default_registry(...)` call whose registry is a string literal, or an expression whose
    source text is `team_source`, is replaced by lines that keep its arguments as the defaults.
    The team's host_from_cluster and single_name then apply only while tilt_option.json sets no
    default_registry. Without such a call, the lines call default_registry only when the file
    sets a registry.
    """
    read_line = _READ_LINE.format(var=variable)
    team = None
    if call is not None and call.host is not None:
        team = _starlark_string(call.host)
    elif call is not None and team_source:
        team = team_source
    if team is not None:
        args = _HOST_ARGS.format(
            var=variable,
            host_from_cluster=_team_value(call.host_from_cluster, variable),
            single_name=_team_value(call.single_name, variable),
        )
        registry_line = f"default_registry({variable}.get('default_registry', {team}), {args})"
        return [read_line, registry_line]

    args = _HOST_ARGS.format(var=variable, host_from_cluster="''", single_name="''")
    return [
        read_line,
        f"if {variable}.get('default_registry'):",
        f"    default_registry({variable}['default_registry'], {args})",
    ]


def snippet_lines_for(text: str | None, call: DefaultRegistryCall | None) -> list[str]:
    """Return the snippet lines for this Tiltfile text: a variable name it does not use, and the team default.

    The team default of a call whose registry is not a string literal is the argument's source text.
    """
    if text is None:
        return tiltfile_snippet_lines(call)
    team_source = registry_argument_source(text, call.line) if call is not None and call.host is None else None
    return tiltfile_snippet_lines(call, option_variable(text), team_source)


def option_variable(text: str) -> str:
    """Return the first of OPTION_VARIABLES not used as an identifier in the Tiltfile text.

    Falls back to the last one when every name is taken.
    """
    used = _identifiers(text)
    return next((name for name in OPTION_VARIABLES if name not in used), OPTION_VARIABLES[-1])


def _identifiers(text: str) -> set[str]:
    try:
        return {
            token.string for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.NAME
        }
    except (tokenize.TokenError, SyntaxError):
        # Text Python cannot tokenize: any word counts as used, in strings and comments too.
        return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


def _default_registry_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "default_registry"
    ]


def registry_argument_source(text: str, line: int) -> str | None:
    """Return the source text of the registry argument of the default_registry call on `line`, or None.

    None also when the text does not parse as Python or the argument is a string literal.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    for node in _default_registry_calls(tree):
        if node.lineno != line:
            continue
        argument = node.args[0] if node.args else next(
            (keyword.value for keyword in node.keywords if keyword.arg in ("host", "name")), None
        )
        if argument is None or (isinstance(argument, ast.Constant) and isinstance(argument.value, str)):
            return None
        return ast.get_source_segment(text, argument)
    return None


def block_call_line(text: str) -> int | None:
    """Return the line of a default_registry call that is not a statement at the top level, or None.

    Replacing such a call, say under `if os.getenv('CI'):`, would read tilt_option.json only in
    that block. Uses the indentation of each call's line when the text does not parse as Python.
    """
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        lines = split_lines(text)
        for index, line in enumerate(lines):
            if re.match(r"\s+default_registry\s*\(", line):
                return index + 1
        return None
    top_level = {
        id(statement.value) for statement in tree.body
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
    }
    lines = [node.lineno for node in _default_registry_calls(tree) if id(node) not in top_level]
    return min(lines) if lines else None


def add_tiltfile_lines(text: str, call: DefaultRegistryCall | None) -> tuple[str, str | None]:
    """Return (new Tiltfile text, problem) with the lines that read tilt_option.json added.

    Replaces a literal default_registry call in place, or inserts the lines after the leading
    comment block and load() statements. When the Tiltfile cannot be changed safely, returns the
    text unchanged and a clause about the Tiltfile that gives the reason, such as "its default_registry
    call on line 3 passes a value that is not a plain string".
    """
    newline = "\r\n" if "\r\n" in text else "\n"
    variable = option_variable(text)
    if call is None:
        return _insert_lines(text, tiltfile_snippet_lines(None, variable), newline), None
    block_line = block_call_line(text)
    if block_line is not None:
        return text, f"default_registry is called inside a block on line {block_line}; move it to the top level"
    if call.host is None:
        return text, f"its default_registry call on line {call.line} passes a value that is not a plain string"

    span = _call_span(text, call.line)
    if span is None:
        return text, (
            f"the end of its default_registry call on line {call.line} cannot be found, "
            "or other code shares the call's lines"
        )
    start, end, indent, trailing = span
    lines = [indent + line for line in tiltfile_snippet_lines(call, variable)]
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
