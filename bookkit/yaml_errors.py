"""A PyYAML syntax error as an author can act on it: the line of the mistake, plain words, a hint.

PyYAML reports where its parser gave up (`problem_mark`), which is often far from the
mistake: an unclosed quote on line 3 is "found unexpected end of stream" at the last
line. The mistake is usually where the construct that never ended began
(`context_mark`), or in the token just before the one the parser choked on. This
module picks that place and says what is wrong in words, from a small table of
PyYAML's problems, with a hint where one helps (quote a value that contains ': ',
indent with spaces, put a space after ':').
"""

from __future__ import annotations

import re

import yaml

#: `key: value` (or `- key: value`) at the start of a line: indent, key, the rest.
_KEY_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[^\s:#'\"][^:]*?):(?:[ \t]+|$)(?P<rest>.*)$")
#: `key:value`, a key with no space after its colon.
_NO_SPACE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[\w.-]+):(?P<rest>[^\s:/].*)$")


def locate(text: str, exc: yaml.YAMLError) -> tuple[int | None, int | None, str]:
    """(line, column, message) for a YAML syntax error in `text`; lines and columns count from 1."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None) or ""
    pmark = getattr(exc, "problem_mark", None)
    cmark = getattr(exc, "context_mark", None)
    lines = text.splitlines()

    def at(mark) -> tuple[int | None, int | None]:
        return (mark.line + 1, mark.column + 1) if mark is not None else (None, None)

    def line_of(mark) -> str:
        return lines[mark.line] if mark is not None and mark.line < len(lines) else ""

    if "quoted scalar" in context and cmark is not None and ("end of stream" in problem or "document" in problem):
        quote = line_of(cmark)[cmark.column:cmark.column + 1] or '"'
        return (*at(cmark), f"the quote ({quote}) that opens this value is never closed; "
                            f"end the value with a matching {quote} on the same line")
    if "unknown escape character" in problem:
        return (*at(pmark), "a backslash inside double quotes starts an escape such as \\n; write \\\\ for a "
                            "backslash, or put the value in single quotes")
    if problem.startswith("found character '\\t'"):
        return (*at(pmark), "a tab character: YAML indents with spaces only; replace the tab with spaces")
    found = re.match(r"found character '(.)' that cannot start any token", problem)
    if found:
        return (*at(pmark), f"a value cannot begin with '{found.group(1)}'; {_quote_hint(line_of(pmark))}")
    found = re.match(r"expected the node content, but found '([\]},])'", problem)
    if found:
        return (*at(pmark), f"a value cannot begin with '{found.group(1)}'; {_quote_hint(line_of(pmark))}")
    if "block scalar" in context and cmark is not None:
        indicator = line_of(cmark)[cmark.column:cmark.column + 1] or "|"
        return (*at(cmark), f"after '{indicator}' a block of text starts on the next line, indented under its "
                            f"key; or {_quote_hint(line_of(cmark))}")
    if problem == "sequence entries are not allowed here":
        return (*at(pmark), "a '- ' list item must start a line of its own, indented under its key; or, if the "
                            f"'-' is part of the text, {_quote_hint(line_of(pmark))}")
    if "flow sequence" in context or "flow mapping" in context:
        opener = "[" if "sequence" in context else "{"
        closer = "]" if opener == "[" else "}"
        return (*at(cmark), f"the '{opener}' that opens this value is never closed with '{closer}'; "
                            f"close it, or, if the '{opener}' is part of the text, {_quote_hint(line_of(cmark))}")
    if problem == "mapping values are not allowed here":
        return _colon_in_value(text, lines, pmark)
    if problem == "could not find expected ':'" and cmark is not None:
        missing = _NO_SPACE.match(line_of(cmark))
        if missing:
            return _missing_space(cmark.line, missing)
        return (*at(cmark), "this line is not a 'key: value' pair; a key needs ': ' after it, and a line that "
                            "continues the value above must be indented further than its key")
    block_end = problem.startswith("expected <block end>")
    if block_end and any(f"but found '{t}'" in problem for t in ("<block sequence start>", "<block entry>", "-")):
        return (*at(pmark), "this list item is out of line; the '- ' items of a list start in the same column, "
                            "on lines of their own under their key")
    if block_end and "but found '<block mapping start>'" in problem:
        return (*at(pmark), "this key is not in line with the keys above it; start the keys of one mapping in "
                            "the same column")
    if block_end and "but found '<scalar>'" in problem and pmark is not None:
        return _text_after_value(text, lines, pmark)
    if "found undefined alias" in problem or "while scanning an anchor" in context \
            or "while scanning an alias" in context:
        mark = pmark if "undefined alias" in problem else cmark
        char = line_of(mark)[mark.column:mark.column + 1] if mark is not None else "*"
        return (*at(mark), f"a value cannot begin with '{char}' (YAML reads it as an anchor or alias); "
                           f"{_quote_hint(line_of(mark))}")
    if "could not determine a constructor for the tag" in problem:
        return (*at(pmark), f"a value cannot begin with '!' (YAML reads it as a tag); {_quote_hint(line_of(pmark))}")
    if "expected a single document" in context:
        return (*at(pmark), "book.yaml holds more than one YAML document; remove this '---' line and what "
                            "follows, or merge it into the first")
    mark = cmark if "end of stream" in problem and cmark is not None else pmark
    return (*at(mark), f"invalid YAML: {problem}")


def _quote_hint(line: str) -> str:
    """'put the value in quotes: title: "…"' for the `key: value` on `line`."""
    match = _KEY_LINE.match(line)
    if not match or not match.group("rest").strip():
        return "put the value in quotes"
    return f"put the value in quotes: {_quoted(match)}"


def _quoted(match: re.Match) -> str:
    value = match.group("rest").strip()
    if '"' in value and "'" not in value:
        shown = f"'{value}'"
    else:
        shown = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{match.group('indent').strip()} {match.group('key')}: {shown}".strip()


def _missing_space(index: int, match: re.Match) -> tuple[int, int, str]:
    column = len(match.group("indent")) + len(match.group("key")) + 1
    fixed = f"{match.group('key')}: {match.group('rest')}"
    return (index + 1, column, f"missing space after ':' in '{match.group('key')}:{match.group('rest')}'; "
                               f"write '{fixed}'")


def _scalars_before(text: str, index: int) -> list[yaml.Token]:
    """The tokens PyYAML's scanner reads before character `index` of `text`."""
    tokens = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= index:
                break
            tokens.append(token)
    except yaml.YAMLError:
        pass
    return tokens


def _colon_in_value(text: str, lines: list[str], pmark) -> tuple[int | None, int | None, str]:
    """'mapping values are not allowed here': a ': ' where YAML did not expect a new key."""
    tokens = [t for t in _scalars_before(text, pmark.index) if isinstance(t, yaml.ScalarToken)]
    scalar = tokens[-1] if tokens else None
    if scalar is not None and scalar.start_mark.line < pmark.line:
        start = scalar.start_mark.line
        missing = _NO_SPACE.match(lines[start])
        if missing and scalar.plain:
            return _missing_space(start, missing)
        return (pmark.line + 1, None, "this line is indented further than the key above it, so YAML reads it as "
                                      "part of that key's value; start it in the same column as the key above")
    match = _KEY_LINE.match(lines[pmark.line]) if pmark.line < len(lines) else None
    if match:
        return (pmark.line + 1, pmark.column + 1,
                f"the value of '{match.group('key')}' contains ': ', which YAML reads as the start of another "
                f"key; put the value in quotes: {_quoted(match)}")
    return (pmark.line + 1, pmark.column + 1, "a ': ' YAML did not expect here; put the value that contains it "
                                              "in quotes")


def _text_after_value(text: str, lines: list[str], pmark) -> tuple[int | None, int | None, str]:
    """'expected <block end>, but found <scalar>': more text after a quoted or bracketed value."""
    tokens = _scalars_before(text, pmark.index)
    before = tokens[-1] if tokens else None
    line = lines[pmark.line] if pmark.line < len(lines) else ""
    if isinstance(before, yaml.ScalarToken) and before.style in ("'", '"'):
        start, end = before.start_mark, before.end_mark
        if start.line < end.line:
            return (start.line + 1, start.column + 1,
                    f"the quote ({before.style}) that opens this value closes only on line {end.line + 1}; "
                    f"end the value with a matching {before.style} on the same line")
        if before.style == "'" and end.index == pmark.index:
            return (pmark.line + 1, pmark.column, "an apostrophe ends a value in single quotes; write it twice "
                                                  "('') or put the value in double quotes")
        return (pmark.line + 1, pmark.column + 1, f"text follows the closing quote of the value; "
                                                  f"{_quote_hint(line)}")
    if isinstance(before, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)):
        closer = "]" if isinstance(before, yaml.FlowSequenceEndToken) else "}"
        return (pmark.line + 1, pmark.column + 1, f"text follows the closing '{closer}' of a list or mapping; if "
                                                  f"the brackets are part of the text, {_quote_hint(line)}")
    return (pmark.line + 1, pmark.column + 1, "this line is not a 'key: value' pair in line with the keys above it")
