"""Raw HTML in chapters, cut down to harmless markup before either output sees it.

A pasted chapter can carry `<script>`, event handlers, `<iframe>`/`<object>`/
`<embed>`, forms and `javascript:` URLs. pandoc passes raw HTML through to both
the print HTML and the EPUB's XHTML, and writes `{onclick=…}` attributes as they
are, so the chapter AST is cleaned once, here, and both renderers get the result.
The policy is an allow-list: known formatting tags with plain attributes stay;
dangerous elements go with their content; any other tag (including `<img>`, whose
source would bypass the image gate) is dropped and its text kept. Every removal is
an S007 warning at the chapter line where the fragment starts.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

from .book import Chapter
from .diagnostics import Diagnostic, warning
from .transforms import iter_nodes

#: Raw formats that end up in the print HTML or the EPUB's XHTML.
HTML_FORMATS = {"html", "html4", "html5", "epub", "epub2", "epub3"}

#: Elements removed together with everything inside them.
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "applet", "form", "textarea", "select",
                     "button", "template", "noscript", "frame", "frameset", "svg", "math", "audio", "video",
                     "canvas", "link", "meta", "base", "input", "param", "source", "track", "portal"}

ALLOWED_TAGS = {"a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
                "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
                "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby",
                "s", "samp", "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
                "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "aside", "details", "summary"}

ALLOWED_ATTRS = {"id", "class", "lang", "dir", "title", "colspan", "rowspan", "datetime", "start", "reversed",
                 "type", "value", "span", "headers", "scope", "abbr", "role", "epub:type", "href", "xml:lang"}

#: URL schemes a link may use; a path or `#id` without a scheme is always fine.
LINK_SCHEMES = ("http:", "https:", "mailto:")

VOID = {"br", "hr", "wbr", "col"}


def unsafe_url(url: str) -> bool:
    """True for `javascript:`, `data:`, `file:` and any other scheme a link must not use."""
    compact = "".join(ch for ch in html.unescape(url) if not ch.isspace() and ch.isprintable()).lower()
    head = compact.split("/")[0].split("?")[0].split("#")[0]
    return ":" in head and not compact.startswith(LINK_SCHEMES)


def unsafe_attribute(key: str, value: str) -> str | None:
    """Why the key=value attribute must go (pandoc writes `{key=value}` into the HTML), or None."""
    key = key.lower()
    if key.startswith("on"):
        return f"'{key}' event handler"
    if key in ("srcdoc", "action", "formaction", "xlink:href"):
        return f"'{key}' attribute"
    low = "".join(value.split()).lower()
    if key == "style" and ("url(" in low or "expression(" in low or "@import" in low):
        return "style attribute that loads a resource"
    if "javascript:" in low or "vbscript:" in low:
        return "javascript: URL"
    return None


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.removed: list[str] = []
        self.skipping: list[str] = []  # open DROP_WITH_CONTENT elements

    def _drop(self, what: str) -> None:
        if what not in self.removed:
            self.removed.append(what)

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs, closed=True)

    def _tag(self, tag, attrs, closed):
        if self.skipping:
            return
        if tag in DROP_WITH_CONTENT:
            self._drop(f"<{tag}> element")
            if not closed and tag not in ("input", "link", "meta", "base", "param", "source", "track", "embed"):
                self.skipping.append(tag)
            return
        if tag not in ALLOWED_TAGS:
            self._drop(f"<{tag}> tag" + (" (use Markdown image syntax)" if tag == "img" else ""))
            return
        kept = []
        for key, value in attrs:
            value = value or ""
            why = unsafe_attribute(key, value)
            if why is None and key == "href" and unsafe_url(value):
                why = f"'{value.split(':')[0].strip()}:' URL"
            if why is None and key not in ALLOWED_ATTRS and not key.startswith(("aria-", "data-")):
                why = f"'{key}' attribute"
            if why:
                self._drop(why)
            else:
                kept.append(f' {key}="{html.escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}{' /' if closed else ''}>")

    def handle_endtag(self, tag):
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in ALLOWED_TAGS and tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.skipping:
            self.out.append(data.replace("<", "&lt;").replace(">", "&gt;"))

    def handle_entityref(self, name):
        if not self.skipping:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.skipping:
            self.out.append(f"&#{name};")

    def handle_comment(self, data):
        pass

    def handle_decl(self, decl):
        self._drop("declaration")

    def handle_pi(self, data):
        self._drop("processing instruction")

    def unknown_decl(self, data):
        self._drop("declaration")


def clean_html(fragment: str) -> tuple[str, list[str]]:
    """The fragment with only allowed markup, and what was removed (empty if nothing)."""
    cleaner = _Cleaner()
    cleaner.feed(fragment)
    cleaner.close()
    if cleaner.rawdata:  # an unfinished tag at the end: not markup we can vouch for
        cleaner._drop("unfinished tag")
    return "".join(cleaner.out), cleaner.removed


def sanitize(ast: dict, chapter: Chapter, fix: bool = True) -> list[Diagnostic]:
    """Clean `ast` in place; one S007 warning per fragment, link or attribute changed.

    With fix=False the AST is left as it is and only the warnings are made (for `check`).
    """
    diags: list[Diagnostic] = []

    def report(removed: list[str], needle: str) -> None:
        line = _line_of(chapter.text, needle)
        diags.append(warning(chapter.path, line, "S007", "removed unsafe HTML: " + ", ".join(removed)))

    for node in iter_nodes(ast):
        kind = node.get("t")
        if kind in ("RawBlock", "RawInline"):
            fmt, text = node["c"]
            if fmt.lower() not in HTML_FORMATS:
                continue
            cleaned, removed = clean_html(text)
            if fix and cleaned != text:  # a lone `</iframe>` goes silently; its opening tag was reported
                node["c"] = [fmt, cleaned]
            if removed:
                report(removed, text.strip()[:40])
        elif kind == "Link" and unsafe_url(node["c"][2][0]):
            url = node["c"][2][0]
            if fix:
                node["t"], node["c"] = "Span", [node["c"][0], node["c"][1]]
            report([f"'{url.split(':')[0].strip()}:' link"], url[:40])
        attr = _attr_of(node)
        if attr is not None:
            keep = []
            for key, value in attr[2]:
                why = unsafe_attribute(key, value)
                if why:
                    report([why], value[:30] or f"{key}=")
                else:
                    keep.append([key, value])
            if fix:
                attr[2] = keep
    return diags


def _attr_of(node: dict) -> list | None:
    """The [id, classes, key-values] of a node that carries pandoc attributes."""
    kind, content = node.get("t"), node.get("c")
    if kind in ("Div", "Span", "Code", "CodeBlock", "Link", "Image", "Figure", "Table"):
        return content[0]
    if kind == "Header":
        return content[1]
    return None


def _line_of(text: str, needle: str) -> int | None:
    if not needle:
        return None
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    return None
