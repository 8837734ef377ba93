"""Raw HTML fragments made safe and well-formed, the way a browser would read them.

pandoc passes raw HTML through to the print HTML and to the EPUB's XHTML as it is,
and splits it at blank lines: `<div class="box">`, the Markdown inside it and the
closing `</div>` become three nodes. Written out as they are, `<hr>`, an unclosed
`<p>` or a stray `</div>` make the EPUB's XHTML malformed. So the raw fragments of a
run of sibling nodes are parsed together, with a placeholder element standing for
each pandoc node between them, by an HTML5 tree builder (tinyhtml5: the WHATWG
algorithm, which closes what is left open and ignores what closes nothing). The
tree is filtered by the allow-list below and written back as XHTML (void elements
self-closed, entities as characters), cut at the placeholders into raw chunks: each
chunk may open or close elements, but the run taken together is balanced.

The allow-list: known formatting tags with plain attributes stay; dangerous
elements go with their content; any other tag (including `<img>`, whose source
would bypass the image gate) is dropped and its text kept.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser as Tokenizer
from xml.etree import ElementTree

from tinyhtml5.parser import HTMLParser

#: Elements removed together with everything inside them.
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "applet", "form", "textarea", "select",
                     "button", "template", "noscript", "frame", "frameset", "svg", "math", "audio", "video",
                     "canvas", "link", "meta", "base", "input", "param", "source", "track", "portal"}

ALLOWED_TAGS = {"a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
                "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4",
                "h5", "h6", "hr", "i", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby",
                "s", "samp", "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
                "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "aside", "details", "summary"}

#: What may stand inside running text (a raw HTML node within a paragraph).
PHRASING = {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark",
            "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
            "wbr"}

#: Elements that mean nothing outside their parent; elsewhere they are unwrapped.
PARENTS = {"li": {"ul", "ol"}, "dt": {"dl"}, "dd": {"dl"}, "figcaption": {"figure"}, "summary": {"details"},
           "rt": {"ruby"}, "rp": {"ruby"}}

ALLOWED_ATTRS = {"id", "class", "lang", "dir", "title", "colspan", "rowspan", "datetime", "start", "reversed",
                 "type", "value", "span", "headers", "scope", "abbr", "role", "epub:type", "href", "xml:lang"}

#: URL schemes a link may use; a path or `#id` without a scheme is always fine.
LINK_SCHEMES = ("http:", "https:", "mailto:")

#: HTML's void elements (no end tag); the allowed ones are written self-closed.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
        "wbr"}

#: Start tags that close an open element, as HTML's parser does: tag -> (what it closes, where the search stops).
IMPLIED_ENDS = {"li": ({"li"}, {"ul", "ol"}), "dt": ({"dt", "dd"}, {"dl"}), "dd": ({"dt", "dd"}, {"dl"}),
                "tr": ({"tr"}, {"table"}), "td": ({"td", "th"}, {"tr", "table"}),
                "th": ({"td", "th"}, {"tr", "table"})}
#: Start tags that close an open `<p>`, and where the search for it stops.
CLOSES_P = {"address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption", "figure",
            "footer", "header", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "main", "nav", "ol", "p", "pre",
            "section", "table", "ul", "li", "dd", "dt"}
P_SCOPE = {"table", "td", "th", "caption", "button", "object"}

#: Deepest nesting of raw HTML elements accepted. HTML's tree builder takes time that grows
#: with the square of the depth (a pasted `<div>` repeated 40,000 times would take minutes),
#: and no book nests its markup this deep on purpose.
MAX_DEPTH = 64

#: An XML name with at most one prefix.
XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?\Z")
#: The prefixes an EPUB's XHTML declares (pandoc writes xmlns:epub; xml is built in).
PREFIXES = {"xml", "epub"}

#: Characters XML 1.0 forbids (C0 controls but tab, newline and return; U+FFFE, U+FFFF; surrogates).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

#: Elements that mean nothing when empty and bare: an unclosed `<p>` before a Markdown block leaves one.
EMPTY_DROPPED = PHRASING - {"br", "wbr"} | {"p", "div", "blockquote", "section", "aside", "figure", "pre"}

_NODE = "data-bookkit-node"


def control_character_message(char: str) -> str:
    return f"removed the control character U+{ord(char):04X}, which neither output can carry"


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


def tag_verdict(tag: str) -> str | None:
    """Why a raw tag must go (S007), or None for a tag that stays."""
    if tag in DROP_WITH_CONTENT:
        return f"<{tag}> element"
    if tag not in ALLOWED_TAGS:
        return f"<{tag}> tag" + (" (use Markdown image syntax)" if tag == "img" else "")
    return None


def attribute_verdict(key: str, value: str) -> str | None:
    """Why an attribute of a raw tag must go (S007), or None."""
    why = unsafe_attribute(key, value)
    if why is None and key == "href" and unsafe_url(value):
        why = f"'{value.split(':')[0].strip()}:' URL"
    if why is None and key not in ALLOWED_ATTRS and not key.startswith(("aria-", "data-")):
        why = f"'{key}' attribute"
    if why is None and not xhtml_name(key):
        why = f"attribute name '{key}', which XHTML cannot carry"
    return why


def xhtml_name(key: str) -> bool:
    """True for an attribute name the EPUB's XHTML can carry: an XML name, no undeclared prefix."""
    prefix, _, _ = key.rpartition(":")
    return bool(XML_NAME.match(key)) and (not prefix or prefix in PREFIXES) and key.split(":")[0] != "xmlns"


class Scan(Tokenizer):
    """What the allow-list removes from one fragment, and the end tags that close nothing.

    `open_tags` is shared by the fragments of one run, so a `</div>` closes a `<div>`
    opened in an earlier node. This scan only reports; `repair` does the work.
    """

    def __init__(self, open_tags: list[str]):
        super().__init__(convert_charrefs=True)
        self.open_tags = open_tags
        self.removed: list[str] = []
        self.strays: list[tuple[int, str]] = []  # (line within the fragment, tag)
        self.skipping: list[str] = []  # open DROP_WITH_CONTENT elements
        self.too_deep: int | None = None  # the line where the nesting passes MAX_DEPTH

    def _note(self, what: str) -> None:
        if what not in self.removed:
            self.removed.append(what)

    def handle_starttag(self, tag, attrs):
        self._tag(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._tag(tag, attrs, closed=True)

    def _tag(self, tag, attrs, closed):
        if self.skipping or self.too_deep is not None:
            return
        why = tag_verdict(tag)
        if why:
            self._note(why)
            if tag in DROP_WITH_CONTENT and not closed and tag not in VOID:
                self.skipping.append(tag)
            return
        for key, value in attrs:
            why = attribute_verdict(key, value or "")
            if why:
                self._note(why)
        if tag in CLOSES_P:
            self._close({"p"}, P_SCOPE)
        if tag in IMPLIED_ENDS:
            self._close(*IMPLIED_ENDS[tag])
        if not closed and tag not in VOID:
            self.open_tags.append(tag)
            if len(self.open_tags) > MAX_DEPTH and self.too_deep is None:
                self.too_deep = self.getpos()[0]

    def _close(self, names: set[str], stops: set[str]) -> None:
        for index in range(len(self.open_tags) - 1, -1, -1):
            if self.open_tags[index] in names:
                del self.open_tags[index:]
                return
            if self.open_tags[index] in stops:
                return

    def handle_endtag(self, tag):
        if self.too_deep is not None:
            return
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in self.open_tags:
            while self.open_tags.pop() != tag:
                pass
        elif tag_verdict(tag) is None:
            self.strays.append((self.getpos()[0], tag))

    def handle_decl(self, decl):
        self._note("declaration")

    def handle_pi(self, data):
        self._note("processing instruction")

    def unknown_decl(self, data):
        self._note("declaration")


def scan(fragment: str, open_tags: list[str]) -> Scan:
    found = Scan(open_tags)
    found.feed(fragment)
    found.close()
    return found


def placeholder(index: int, phrasing: bool) -> str:
    """The element that stands for pandoc node `index` of a run while its raw HTML is parsed."""
    tag = "span" if phrasing else "div"
    return f'<{tag} {_NODE}="{index}"></{tag}>'


def repair(source: str, inline: bool) -> list[str | int]:
    """`source` (raw HTML with placeholders) parsed, cleaned and written as XHTML chunks.

    Returns the chunks in document order with each placeholder's index between them.
    """
    parser = HTMLParser(namespace_html_elements=False)
    fragment = parser.parse_fragment(NOT_XML.sub("", source), container="div")
    out = _write(fragment, inline)
    merged: list[str | int] = []
    for item in out:
        if isinstance(item, str) and merged and isinstance(merged[-1], str):
            merged[-1] += item
        else:
            merged.append(item)
    return merged


def _text(text: str | None, out: list) -> None:
    if text:
        out.append(html.escape(NOT_XML.sub("", text), quote=False))


def _write(root: ElementTree.Element, inline: bool) -> list[str | int]:
    """The children of `root` as XHTML: each element kept, unwrapped, or dropped with its content.

    A loop over an explicit stack, not recursion: the tree is as deep as the HTML says.
    """
    out: list[str | int] = []
    todo: list[tuple] = []

    def children(el, parent: str) -> None:
        for child in reversed(el):
            todo.append(("text", child.tail))
            todo.append(("element", child, parent))

    _text(root.text, out)
    children(root, "p" if inline else "div")
    while todo:
        item = todo.pop()
        if item[0] == "text":
            _text(item[1], out)
            continue
        if item[0] == "end":
            out.append(item[1])
            continue
        _, el, parent = item
        if not isinstance(el.tag, str):  # a comment or processing instruction
            continue
        if _NODE in el.attrib:
            out.append(int(el.attrib[_NODE]))
            continue
        name = el.tag
        if name.startswith("{") or name in DROP_WITH_CONTENT:  # SVG, MathML and the dangerous: keep only pandoc's nodes
            out.extend(int(d.attrib[_NODE]) for d in el.iter() if isinstance(d.tag, str) and _NODE in d.attrib)
            continue
        keep = (tag_verdict(name) is None and not (inline and name not in PHRASING)
                and parent in PARENTS.get(name, {parent}))
        if keep and name in EMPTY_DROPPED and not el.attrib and not el.text and not len(el):
            continue
        if keep:
            attrs = "".join(f' {key}="{html.escape(NOT_XML.sub("", value), quote=True)}"'
                            for key, value in el.attrib.items() if attribute_verdict(key, value) is None)
            if name in VOID:
                out.append(f"<{name}{attrs} />")
                continue
            out.append(f"<{name}{attrs}>")
            todo.append(("end", f"</{name}>"))
        _text(el.text, out)
        children(el, name if keep else parent)
    return out
