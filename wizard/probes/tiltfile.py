"""Tiltfile reading: the calls and string literals of a Tiltfile, through `ast` or a fallback scanner."""

from __future__ import annotations

import ast
import re
import warnings
from dataclasses import dataclass, field

from wizard.model import OPTION_FILE


@dataclass
class Argument:
    """One argument of a call: its value when it is a string literal, and what it reads."""

    literal: str | None = None
    reads_option_file: bool = False  # contains a read_json of tilt_option.json, directly or through a variable
    option_default: str | None = None  # the literal default of `.get('default_registry', '<default>')`
    names_option_file: bool = False  # a string literal in it has the base name tilt_option.json


@dataclass
class Call:
    """A call of a plain name (`docker_build(...)`), with load() aliases resolved."""

    name: str
    line: int
    column: int
    args: list[Argument] = field(default_factory=list)
    keywords: dict[str, Argument] = field(default_factory=dict)

    def argument(self, position: int, *names: str) -> Argument | None:
        """Return the argument at `position`, else the first keyword argument among `names`."""
        if position < len(self.args):
            return self.args[position]
        return next((self.keywords[name] for name in names if name in self.keywords), None)


@dataclass
class TiltfileSyntax:
    """The parts of a Tiltfile the probe reads: its calls in source order and its string literals."""

    calls: list[Call]
    strings: set[str]
    parsed_as_python: bool
    parse_error: str | None = None  # why `ast` rejected the text, such as "'(' was never closed on line 3"


def is_option_file(path: str | None) -> bool:
    """Tell whether a path literal names tilt_option.json (`tilt_option.json`, `./tilt_option.json`)."""
    return path is not None and path.replace("\\", "/").rsplit("/", 1)[-1] == OPTION_FILE


def names_option_file(strings: list[str]) -> bool:
    """Tell whether any of the string literals of one expression names tilt_option.json.

    This accepts paths built from pieces, such as `os.path.join(config.main_dir, 'tilt_option.json')`
    or `config.main_dir + '/tilt_option.json'`, and only needs the literal part to end in the file name.
    """
    return any(is_option_file(text) for text in strings)


def scan_tiltfile(text: str) -> TiltfileSyntax:
    """Read the calls and string literals of a Tiltfile.

    Starlark is close to Python, so Python's `ast` reads most Tiltfiles. When `ast` rejects the
    text, a scanner that skips comments and strings still finds calls with literal arguments.
    """
    # Starlark strings such as "\d" make Python emit SyntaxWarning, and probes never print.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            syntax = _scan_tokens(text)
            syntax.parse_error = parse_error_message(error, text)
        else:
            syntax = _scan_ast(tree)

    _resolve_load_aliases(syntax.calls)
    return syntax


def parse_error_message(error: Exception, text: str) -> str:
    """Describe why `ast.parse` rejected `text`: the SyntaxError and its line, or the first invalid UTF-8 byte."""
    if isinstance(error, UnicodeEncodeError):
        # read_text keeps bytes that are not UTF-8 as surrogates, which ast.parse cannot encode.
        offset = len(text[: error.start].encode("utf-8", "surrogateescape"))
        return f"invalid UTF-8 at byte offset {offset}"
    if isinstance(error, SyntaxError):
        line = f" on line {error.lineno}" if error.lineno else ""
        return f"{error.msg}{line}"
    if isinstance(error, (RecursionError, MemoryError)):
        return "it is nested too deeply"
    return str(error)


def _resolve_load_aliases(calls: list[Call]) -> None:
    """Rename calls made through `load('ext://x', alias='name')` to the loaded name."""
    aliases = {}
    for call in calls:
        if call.name == "load":
            aliases.update({alias: arg.literal for alias, arg in call.keywords.items() if arg.literal})
    for call in calls:
        call.name = aliases.get(call.name, call.name)


# --- the ast path -------------------------------------------------------------------------------


def _scan_ast(tree: ast.AST) -> TiltfileSyntax:
    option_names = {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _ast_reads_option(node.value, set())
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    calls = []
    strings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.add(node.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            calls.append(_ast_call(node, option_names))

    calls.sort(key=lambda call: (call.line, call.column))
    return TiltfileSyntax(calls=calls, strings=strings, parsed_as_python=True)


def _ast_call(node: ast.Call, option_names: set[str]) -> Call:
    call = Call(name=node.func.id, line=node.lineno, column=node.col_offset)
    call.args = [_ast_argument(arg, option_names) for arg in node.args]
    for keyword in node.keywords:
        if keyword.arg is not None:
            call.keywords[keyword.arg] = _ast_argument(keyword.value, option_names)
    return call


def _ast_argument(node: ast.AST, option_names: set[str]) -> Argument:
    literal = _ast_string(node)
    return Argument(
        literal=literal,
        reads_option_file=literal is None and _ast_reads_option(node, option_names),
        option_default=_ast_option_default(node),
        names_option_file=names_option_file(_ast_strings(node)),
    )


def _ast_strings(node: ast.AST) -> list[str]:
    """Return every string literal in the expression, f-string parts included."""
    return [child.value for child in ast.walk(node) if isinstance(child, ast.Constant) and isinstance(child.value, str)]


def _ast_string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _ast_reads_option(node: ast.AST, option_names: set[str]) -> bool:
    """Tell whether the expression calls read_json on tilt_option.json or uses a variable holding it."""
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and child.id in option_names:
            return True
        if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id == "read_json":
            keywords = {keyword.arg: keyword.value for keyword in child.keywords}
            path = child.args[0] if child.args else keywords.get("path")
            if path is not None and names_option_file(_ast_strings(path)):
                return True
    return False


def _ast_option_default(node: ast.AST) -> str | None:
    for child in ast.walk(node):
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr == "get"
            and len(child.args) == 2
            and _ast_string(child.args[0]) == "default_registry"
        ):
            return _ast_string(child.args[1])
    return None


# --- the fallback scanner -----------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
    | (?P<continuation>\\\r?\n)
    | (?P<newline>\n)
    | (?P<blank>[ \t\f\r]+)
    | (?P<string>[rRbBuU]{0,2}(?:'''(?:\\.|[^\\])*?(?:'''|\Z)|\"\"\"(?:\\.|[^\\])*?(?:\"\"\"|\Z)
                             |'(?:\\.|[^'\\\n])*(?:'|$)|"(?:\\.|[^"\\\n])*(?:"|$)))
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<number>[0-9][0-9A-Za-z_.]*)
    | (?P<op>.)
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)

_OPENING = "([{"
_CLOSING = ")]}"


@dataclass
class _Token:
    kind: str  # name | string | number | op | newline
    text: str  # the decoded value for strings
    line: int
    column: int


def _tokens(text: str) -> list[_Token]:
    """Split Starlark source into tokens, dropping comments, blanks and line continuations."""
    tokens = []
    line, line_start = 1, 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        raw = match.group()
        if kind == "string":
            tokens.append(_Token("string", _string_value(raw), line, match.start() - line_start))
        elif kind in ("name", "number", "op", "newline"):
            tokens.append(_Token(kind, raw, line, match.start() - line_start))

        if "\n" in raw:
            line += raw.count("\n")
            line_start = match.start() + raw.rindex("\n") + 1
    return tokens


def _string_value(raw: str) -> str:
    try:
        value = ast.literal_eval(raw)
    except (SyntaxError, ValueError):
        value = None
    if isinstance(value, str):
        return value
    # An unterminated or undecodable string: keep the text between the quotes as written.
    return raw.lstrip("rRbBuU").strip("'\"")


def _scan_tokens(text: str) -> TiltfileSyntax:
    tokens = _tokens(text)
    option_names = _token_option_names(tokens)
    calls = []
    for index, token in enumerate(tokens[:-1]):
        if token.kind != "name" or tokens[index + 1].text != "(" or tokens[index + 1].kind != "op":
            continue
        before = tokens[index - 1] if index else None
        if before is not None and (before.text == "." or before.text == "def"):
            continue
        calls.append(_token_call(tokens, index, option_names))

    strings = {token.text for token in tokens if token.kind == "string"}
    return TiltfileSyntax(calls=calls, strings=strings, parsed_as_python=False)


def _token_call(tokens: list[_Token], index: int, option_names: set[str]) -> Call:
    """Read the call whose name is at `index`, up to its closing bracket or the end of the text."""
    name = tokens[index]
    call = Call(name=name.text, line=name.line, column=name.column)
    for part in _split_arguments(tokens[index + 2 :]):
        if len(part) >= 3 and part[0].kind == "name" and _is_assign(part[1], part[2]):
            call.keywords[part[0].text] = _token_argument(part[2:], option_names)
        elif part:
            call.args.append(_token_argument(part, option_names))
    return call


def _is_assign(token: _Token, following: _Token) -> bool:
    """Tell whether `token` is a lone `=` (not the first half of `==`)."""
    return token.kind == "op" and token.text == "=" and not (following.kind == "op" and following.text == "=")


def _token_argument(part: list[_Token], option_names: set[str]) -> Argument:
    strings = [token.text for token in part if token.kind == "string"]
    if len(strings) == len(part):
        # Adjacent literals concatenate, as in Python.
        literal = "".join(strings)
        return Argument(literal=literal, names_option_file=is_option_file(literal))
    return Argument(
        reads_option_file=_tokens_read_option(part, option_names),
        option_default=_tokens_option_default(part),
        names_option_file=names_option_file(strings),
    )


def _tokens_read_option(part: list[_Token], option_names: set[str]) -> bool:
    for index, token in enumerate(part):
        if token.kind == "name" and token.text in option_names:
            return True
        opens_call = index + 1 < len(part) and part[index + 1].kind == "op" and part[index + 1].text == "("
        if token.kind == "name" and token.text == "read_json" and opens_call:
            first = _first_argument(part[index + 2 :])
            if names_option_file([each.text for each in first if each.kind == "string"]):
                return True
    return False


def _split_arguments(tokens: list[_Token]) -> list[list[_Token]]:
    """Split the tokens after a call's opening bracket into its arguments, up to the closing bracket."""
    depth = 0
    current: list[_Token] = []
    parts = [current]
    for token in tokens:
        if token.kind == "op" and token.text in _OPENING:
            depth += 1
        elif token.kind == "op" and token.text in _CLOSING:
            depth -= 1
            if depth < 0:
                break
        elif token.kind == "op" and token.text == "," and depth == 0:
            current = []
            parts.append(current)
            continue
        if token.kind != "newline":
            current.append(token)
    return parts


def _first_argument(tokens: list[_Token]) -> list[_Token]:
    """Return the tokens of a call's first argument, given the tokens after its opening bracket."""
    return _split_arguments(tokens)[0]


def _tokens_option_default(part: list[_Token]) -> str | None:
    texts = [(token.kind, token.text) for token in part]
    for index in range(len(texts) - 6):
        window = texts[index : index + 7]
        if (
            window[0] == ("op", ".")
            and window[1] == ("name", "get")
            and window[2] == ("op", "(")
            and window[3] == ("string", "default_registry")
            and window[4] == ("op", ",")
            and window[5][0] == "string"
            and window[6] == ("op", ")")
        ):
            return window[5][1]
    return None


def _token_option_names(tokens: list[_Token]) -> set[str]:
    """Return variables assigned from an expression that reads tilt_option.json (`opts = read_json(...)`)."""
    names = set()
    for statement in _statements(tokens):
        if len(statement) > 2 and statement[0].kind == "name" and _is_assign(statement[1], statement[2]):
            if _tokens_read_option(statement[2:], set()):
                names.add(statement[0].text)
    return names


def _statements(tokens: list[_Token]) -> list[list[_Token]]:
    """Split tokens into logical lines: a newline ends a statement only outside brackets."""
    statements: list[list[_Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.kind == "op" and token.text in _OPENING:
            depth += 1
        elif token.kind == "op" and token.text in _CLOSING:
            depth = max(depth - 1, 0)
        if (token.kind == "newline" and depth == 0) or (token.kind == "op" and token.text == ";"):
            statements.append([])
        elif token.kind != "newline":
            statements[-1].append(token)
    return [statement for statement in statements if statement]
