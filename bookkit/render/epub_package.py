"""Finishing pandoc's EPUB for stores, e-readers and screen readers.

pandoc writes valid EPUB 3, but leaves things a store or a screen reader wants:
accessibility metadata derived from the content, landmarks for the bibliography and
the start of the text, back-links from notes, `xml:lang` on Chinese spans, the
right `epub:type`/DPUB-ARIA role on each file, and a byte-for-byte reproducible zip.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from ..matter import ROLES as MATTER_ROLES

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = "{%s}type" % NS["epub"]
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ROLES = {"chapter": "doc-chapter", "preface": "doc-preface", "appendix": "doc-appendix",
         "bibliography": "doc-bibliography", "index": "doc-index",
         **{r.epub_type: r.aria for r in MATTER_ROLES.values() if r.epub_type}}  # issue 16: bookkit/matter.py
#: the landmarks a section's epub:type adds, with their labels
LANDMARKS = {"bodymatter": "Start of Content", "bibliography": "Bibliography", "index": "Index",
             **{r.epub_type: r.label for r in MATTER_ROLES.values() if r.landmark}}
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


@dataclass
class PackageFacts:
    """What the finishing step needs to know about the book."""

    modified: str  # e.g. 2026-11-22T00:00:00Z
    title: str = ""
    page_source: str = ""  # identifier of the print edition the page-list follows
    marks: list = field(default_factory=list)  # pagelist.PageMark, in page order
    lists: list = field(default_factory=list)  # lists.CaptionList: a nav of figures or tables each

    @property
    def has_page_list(self) -> bool:
        return bool(self.marks)


def finish_epub(data: bytes, facts: PackageFacts, zip_time: tuple[int, int, int, int, int, int]) -> bytes:
    """Rewrite pandoc's EPUB in memory and return the finished, deterministic zip."""
    files = _read_zip(data)
    opf_name = next(n for n in files if n.endswith(".opf"))
    base = opf_name.rsplit("/", 1)[0] + "/" if "/" in opf_name else ""
    stats = ContentStats()
    landmarks: list[tuple[str, str, str]] = []
    page_links: dict[str, str] = {}  # label -> href
    wanted = {e.ident for caption_list in facts.lists for e in caption_list.entries}
    id_files: dict[str, str] = {}  # id of a listed figure or table -> its file
    for name in sorted(files):
        if name.endswith(".xhtml") and not name.endswith("nav.xhtml"):
            files[name], found, placed = _finish_xhtml(files[name], stats, facts)
            rel = name[len(base):]
            if wanted:
                id_files.update((i, rel) for i in _ids(files[name]) if i in wanted)
            for kind in found:
                landmarks.append((kind, rel, ""))
            for label in placed:
                page_links[label] = f"{rel}#page-{label}"
    _link_index(files)
    nav_name = next(n for n in files if n.endswith("nav.xhtml"))
    pages = [(m.label, page_links[m.label]) for m in facts.marks if m.label in page_links]
    files[nav_name] = _finish_nav(files[nav_name], landmarks, pages, _caption_navs(facts.lists, id_files))
    ncx_name = next((n for n in files if n.endswith(".ncx")), None)
    if ncx_name is not None:
        files[ncx_name] = _ncx_titles(files[ncx_name], files[nav_name])
    files[opf_name] = _finish_opf(files[opf_name], facts, stats)
    return _write_zip(files, zip_time)


# --- the back-of-book index (issue 16) -----------------------------------------------------------
_INDEX_FILE = re.compile(rb'<section[^>]*epub:type="index"')
_LOCATOR = re.compile(rb'(<a epub:type="index-locator" class="index-locator" href=")#([^"]+)"')


def _link_index(files: dict[str, bytes]) -> None:
    """Point the Index's locators (written as `#id`, in raw HTML pandoc leaves alone) at the file
    of the split EPUB that holds each anchor."""
    holder: dict[bytes, str] = {}
    for name, data in files.items():
        if name.endswith(".xhtml"):
            for ident in re.findall(rb'\sid="([^"]+)"', data):
                holder.setdefault(ident, name.rsplit("/", 1)[-1])
    for name, data in files.items():
        if name.endswith(".xhtml") and _INDEX_FILE.search(data):
            files[name] = _LOCATOR.sub(lambda m: m.group(1) + holder.get(m.group(2), "").encode() + b"#" + m.group(2) + b'"',
                                       data)


def _read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {info.filename: z.read(info) for info in z.infolist() if not info.is_dir()}


def _write_zip(files: dict[str, bytes], when) -> bytes:
    """mimetype first and stored; then every file in a fixed order with a fixed date."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        info = zipfile.ZipInfo("mimetype", date_time=when)
        info.compress_type = zipfile.ZIP_STORED
        z.writestr(info, files["mimetype"])
        for name in sorted(n for n in files if n != "mimetype"):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name], compresslevel=9)
    return out.getvalue()


def _parse(data: bytes) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False)))


def _serialize(tree: etree._ElementTree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def _finish_xhtml(data: bytes, stats: ContentStats, facts: PackageFacts) -> tuple[bytes, list[str], list[str]]:
    """Roles, body matter type, xml:lang, note back-links, page breaks.

    Returns the landmark kinds found and the page labels placed in this file.
    """
    tree = _parse(data)
    root = tree.getroot()
    found: list[str] = []
    body = root.find("x:body", NS)
    top = root.find("x:body/x:section", NS)
    if top is not None and top.get(EPUB_TYPE):
        kind = top.get(EPUB_TYPE)
        if kind in ROLES:
            top.set("role", ROLES[kind])
        matter = {"titlepage": "frontmatter", "preface": "frontmatter", "chapter": "bodymatter",
                  "appendix": "backmatter", "bibliography": "backmatter", "index": "backmatter"}.get(kind)
        has_role = False
        for el in (top, top.find("x:h1", NS)):  # a front- or back-matter role's part, from epub.joined_ast
            if el is not None and el.get("data-matter"):
                matter, has_role = el.attrib.pop("data-matter"), True
        if matter:
            body.set(EPUB_TYPE, matter)
        if kind in ("bibliography", "index") or (has_role and kind in LANDMARKS):
            found.append(kind)
        if kind == "chapter":
            found.append("bodymatter")
    for el in root.iter("{%s}*" % NS["x"]):
        if el.get("lang") and not el.get(XML_LANG):
            el.set(XML_LANG, el.get("lang"))
    _count_content(root, stats)
    for aside in root.iter("{%s}aside" % NS["x"]):
        ident = aside.get("id", "")
        if aside.get("role") != "doc-footnote" or not ident.startswith("fn"):
            continue
        if aside.find(".//x:a[@role='doc-backlink']", NS) is not None:
            continue
        target = aside.findall("x:p", NS)
        holder = target[-1] if target else aside
        link = etree.SubElement(holder, "{%s}a" % NS["x"], href=f"#fnref{ident[2:]}", role="doc-backlink")
        link.set("class", "footnote-back")
        link.set("aria-label", f"Back to note reference {ident[2:]}")
        link.text = "↩︎"
        link.tail = ""
        if len(holder) > 1 or holder.text:
            prev = link.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + " "
            else:
                holder.text = (holder.text or "") + " "
    for svg in root.iter("{http://www.w3.org/2000/svg}svg"):
        if body is not None and body.get("id") == "cover":
            svg.set("role", "img")
            svg.set("aria-label", f"Cover of {facts.title}" if facts.title else "Cover")
    placed = _place_page_breaks(root, facts.marks)
    return _serialize(tree), found, placed


def _pagebreak(label: str):
    span = etree.Element("{%s}span" % NS["x"], id=f"page-{label}", role="doc-pagebreak")
    span.set(EPUB_TYPE, "pagebreak")
    span.set("aria-label", label)
    return span


def _place_page_breaks(root, marks: list) -> list[str]:
    """Insert a page-break marker where each print page of this file's sections begins."""
    placed: list[str] = []
    sections = {el.get("id"): el for el in root.findall("x:body/x:section", NS)}
    for mark in marks:
        section = sections.get(mark.section)
        if section is None:
            continue
        span = _pagebreak(mark.label)
        paragraphs = [p for p in section.iter("{%s}p" % NS["x"])]
        target = next((el for el in section.iter() if el.get("id") == mark.anchor), None) if mark.anchor else None
        if target is not None:  # a page that starts with an element, not a paragraph (a figure)
            span.tail = "\n"
            target.addprevious(span)
        elif mark.paragraph < 0:  # a blank page after the section's end
            span.tail = "\n"
            section.append(span)
        elif mark.paragraph == 0 or mark.paragraph > len(paragraphs):
            heading = section.find("x:h1", NS)
            index = list(section).index(heading) if heading is not None else 0
            span.tail = "\n"
            section.insert(index, span)
        else:
            _insert_at_text(paragraphs[mark.paragraph - 1], mark.line, span)
        placed.append(mark.label)
    return placed


def _insert_at_text(paragraph, line: str, span) -> None:
    """Put `span` where `line` starts inside the paragraph's text (note calls skipped)."""
    slots = []  # (element, "text"|"tail", string) in reading order

    def walk(el, skip):
        if not skip:
            slots.append((el, "text", el.text or ""))
        for child in el:
            inner_skip = skip or "footnote-ref" in (child.get("class") or "")
            walk(child, inner_skip)
            slots.append((child, "tail", child.tail or ""))

    walk(paragraph, False)
    flat, owners = "", []
    for i, (_, _, text) in enumerate(slots):
        for j, ch in enumerate(text):
            if not ch.isspace():
                flat += ch
                owners.append((i, j))
    # the print line may carry invisible format characters the EPUB has not: a soft hyphen,
    # the word joiner that keeps a note call with its word
    wanted = "".join(ch for ch in line if not ch.isspace() and unicodedata.category(ch) != "Cf").rstrip("-‐")
    for size in (24, 12, 6):
        probe = wanted[:size]
        at = flat.find(probe) if probe else -1
        if at >= 0:
            break
    heading = _heading_before(paragraph) if at == 0 else None
    if heading is not None:
        # The page starts with the paragraph's first line, so the heading kept with it
        # (print.css: `break-after: avoid`) opens the page: the page starts before it.
        span.tail = "\n"
        heading.addprevious(span)
        return
    if at <= 0:
        span.tail = paragraph.text
        paragraph.text = None
        paragraph.insert(0, span)
        return
    slot, offset = owners[at]
    el, where, text = slots[slot]
    while offset > 0 and not text[offset - 1].isspace():  # a hyphenated word: mark where it starts
        offset -= 1
    if where == "text":
        el.text, span.tail = text[:offset], text[offset:]
        el.insert(0, span)
    else:
        el.tail, span.tail = text[:offset], text[offset:]
        el.addnext(span)


def _heading_before(paragraph):
    """The section heading (h2–h6) right before `paragraph`, if there is one."""
    previous = paragraph.getprevious()
    if previous is not None and previous.tag in {"{%s}h%d" % (NS["x"], n) for n in range(2, 7)}:
        return previous
    return None


def _ids(data: bytes) -> list[str]:
    return [el.get("id") for el in _parse(data).getroot().iter() if el.get("id")]


def _caption_navs(lists: list, id_files: dict[str, str]) -> list:
    """A `<nav epub:type="lof">` / `"lot"` per list of figures or tables (render/lists.py)."""
    from urllib.parse import quote

    navs = []
    for caption_list in lists:
        links = [(f"{id_files[e.ident]}#{quote(e.ident, safe=':')}", f"{e.label} {e.text}".strip())
                 for e in caption_list.entries if e.ident in id_files]
        if not links:
            continue
        nav = etree.Element("{%s}nav" % NS["x"], id=caption_list.epub_type)
        nav.set(EPUB_TYPE, caption_list.epub_type)
        nav.set("aria-labelledby", f"{caption_list.epub_type}-title")  # a landmark needs its own name
        heading = etree.SubElement(nav, "{%s}h2" % NS["x"], id=f"{caption_list.epub_type}-title")
        heading.text = caption_list.title
        ol = etree.SubElement(nav, "{%s}ol" % NS["x"])
        for href, text in links:
            li = etree.SubElement(ol, "{%s}li" % NS["x"])
            etree.SubElement(li, "{%s}a" % NS["x"], href=href).text = text
        nav.tail = "\n"
        navs.append(nav)
    return navs


def _math_as_text(nav) -> None:
    """A title's formula in the contents as text (`E = mc²`, mathtex.plain_text), as in the print
    contents: a reading system's navigation shows text, and MathML there needs the OPF's `mathml`."""
    from ..mathtex import plain_text

    for span in [s for s in nav.iter(f"{{{NS['x']}}}span") if "inline-math" in (s.get("class") or "").split()]:
        math = span.find("{http://www.w3.org/1998/Math/MathML}math")
        text = plain_text(math.get("alttext", "")) if math is not None else "".join(span.itertext())
        text += span.tail or ""
        before, parent = span.getprevious(), span.getparent()
        if before is not None:
            before.tail = (before.tail or "") + text
        else:
            parent.text = (parent.text or "") + text
        parent.remove(span)


def _ncx_titles(ncx: bytes, nav: bytes) -> bytes:
    """The EPUB 2 contents (toc.ncx) with the titles of the nav's: pandoc writes a title's formula
    there as nothing at all ("Deriving "), the nav has it as text (`_math_as_text`)."""
    toc = etree.fromstring(nav).find(".//x:nav[@id='toc']", NS)
    if toc is None:
        return ncx
    titles = {a.get("href"): " ".join("".join(a.itertext()).split()) for a in toc.iter(f"{{{NS['x']}}}a")}
    tree = _parse(ncx)
    ns = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
    for point in tree.getroot().iterfind(".//n:navPoint", ns):
        content, text = point.find("n:content", ns), point.find("n:navLabel/n:text", ns)
        if content is not None and text is not None and titles.get(content.get("src")):
            text.text = titles[content.get("src")]
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def _finish_nav(data: bytes, landmarks: list[tuple[str, str, str]], pages: list[tuple[str, str]],
                caption_navs: list = ()) -> bytes:
    tree = _parse(data)
    root = tree.getroot()
    nav = root.find(".//x:nav[@id='landmarks']", NS)
    if nav is None:
        return data
    toc = root.find(".//x:nav[@id='toc']", NS)
    if toc is not None:
        _math_as_text(toc)
    for caption_nav in reversed(caption_navs):  # after the contents, in book.yaml's order
        (toc if toc is not None else nav).addnext(caption_nav)
    if pages:
        page_nav = etree.Element("{%s}nav" % NS["x"], id="page-list", hidden="hidden")
        page_nav.set(EPUB_TYPE, "page-list")
        heading = etree.SubElement(page_nav, "{%s}h2" % NS["x"])
        heading.text = "Pages"
        ol = etree.SubElement(page_nav, "{%s}ol" % NS["x"])
        for label, href in pages:
            li = etree.SubElement(ol, "{%s}li" % NS["x"])
            link = etree.SubElement(li, "{%s}a" % NS["x"], href=href)
            link.text = label
        page_nav.tail = "\n"
        nav.addnext(page_nav)
    ol = nav.find("x:ol", NS)
    have = {a.get(EPUB_TYPE) for a in ol.iter("{%s}a" % NS["x"])}
    seen = set()
    for kind, href, _ in landmarks:
        if kind in have or kind in seen:
            continue
        seen.add(kind)
        li = etree.SubElement(ol, "{%s}li" % NS["x"])
        a = etree.SubElement(li, "{%s}a" % NS["x"], href=href)
        a.set(EPUB_TYPE, kind)
        a.text = LANDMARKS[kind]
        li.tail = "\n"
    return _serialize(tree)


def _count_content(root, stats: ContentStats) -> None:
    """Add what one XHTML file holds to the book's accessibility facts."""
    for img in root.iter("{%s}img" % NS["x"]):
        stats.images += 1
        if not (img.get("alt") or "").strip():
            stats.images_without_alt += 1
    for link in root.iter("{%s}a" % NS["x"]):
        if link.get("href") and not ("".join(link.itertext()).strip() or link.get("aria-label")
                                     or any((i.get("alt") or "").strip() for i in link.iter("{%s}img" % NS["x"]))):
            stats.links_without_text += 1
    for table in root.iter("{%s}table" % NS["x"]):
        stats.tables += 1
        if table.find(".//x:th", NS) is None:
            stats.tables_without_headers += 1
    for el in root.iter("{%s}*" % NS["x"]):
        if el.get("lang"):
            stats.languages.add(el.get("lang"))
    stats.notes += sum(1 for a in root.iter("{%s}aside" % NS["x"]) if a.get("role") == "doc-footnote")


@dataclass
class ContentStats:
    """What the book's XHTML holds, from which its accessibility metadata is derived."""

    images: int = 0
    images_without_alt: int = 0
    links_without_text: int = 0
    tables: int = 0
    tables_without_headers: int = 0
    notes: int = 0
    languages: set = field(default_factory=set)

    def unmet(self) -> list[str]:
        """What keeps the book from the WCAG 2.2 AA claim, of what a build can verify."""
        out = []
        if self.images_without_alt:
            out.append(f"images without a text alternative: {self.images_without_alt} of {self.images}")
        if self.links_without_text:
            out.append(f"links without text: {self.links_without_text}")
        if self.tables_without_headers:
            out.append(f"tables without header cells: {self.tables_without_headers} of {self.tables}")
        return out


#: Names of the languages a passage may be marked with, for the summary.
LANGUAGE_NAMES = {"zh-Hans": "Simplified Chinese", "zh-Hant": "Traditional Chinese", "zh": "Chinese"}


def accessibility_entries(stats: ContentStats, page_list: bool, lang: str) -> list[tuple[str, str]]:
    """The schema.org accessibility properties and the conformance claim, true of this book."""
    modes = ["textual"] + (["visual"] if stats.images else [])
    sufficient = ["textual,visual"] if stats.images else []
    if not stats.images_without_alt:
        sufficient.insert(0, "textual")
    features = ["tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability"]
    if stats.images and not stats.images_without_alt:
        features.append("alternativeText")
    if page_list:
        features += ["pageNavigation", "pageBreakMarkers"]
    summary = "Reflowable text with a navigable table of contents, landmarks and headings."
    if stats.notes:
        summary += " Notes link to their references and back."
    other = sorted(l for l in stats.languages if l.split("-")[0].lower() != lang.split("-")[0].lower())
    if other:
        names = ", ".join(LANGUAGE_NAMES.get(l, l) for l in other)
        summary += f" Passages in {names} are marked with their language."
    if stats.images and not stats.images_without_alt:
        summary += " Every image has a text alternative."
    if page_list:
        summary += " Page numbers follow the print edition."
    unmet = stats.unmet()
    if unmet:
        summary += " No WCAG conformance is claimed (" + "; ".join(unmet) + ")."
    entries = [("schema:accessMode", m) for m in modes]
    entries += [("schema:accessModeSufficient", m) for m in sufficient]
    entries += [("schema:accessibilityFeature", f) for f in features]
    entries += [("schema:accessibilityHazard", "none"), ("schema:accessibilitySummary", summary)]
    if not unmet:
        entries.append(("dcterms:conformsTo", CONFORMS_TO))
    return entries


def _finish_opf(data: bytes, facts: PackageFacts, stats: ContentStats) -> bytes:
    tree = _parse(data)
    meta = tree.getroot().find("opf:metadata", NS)
    for el in list(meta):
        prop = el.get("property", "")
        if prop.startswith("schema:access") or prop in ("dcterms:modified", "dcterms:conformsTo"):
            meta.remove(el)
    lang = meta.findtext("dc:language", default="", namespaces=NS)
    entries = [("dcterms:modified", facts.modified)] + accessibility_entries(stats, facts.has_page_list, lang)
    for prop, value in entries:
        el = etree.SubElement(meta, "{%s}meta" % NS["opf"], property=prop)
        el.text = value
        el.tail = "\n    "
    if facts.has_page_list and facts.page_source and meta.find("dc:source", NS) is None:
        src = etree.SubElement(meta, "{%s}source" % NS["dc"], id="print-source")
        src.text = facts.page_source
        src.tail = "\n    "
        refine = etree.SubElement(meta, "{%s}meta" % NS["opf"], refines="#print-source", property="source-of")
        refine.text = "pagination"
        refine.tail = "\n  "
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
