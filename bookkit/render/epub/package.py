"""Finishing pandoc's EPUB for stores, e-readers and screen readers.

pandoc writes valid EPUB 3, but leaves things a store or a screen reader wants:
accessibility metadata derived from the content, landmarks for the bibliography and
the start of the text, back-links from notes, `xml:lang` on Chinese spans, the
right `epub:type`/DPUB-ARIA role on each file, and a byte-for-byte reproducible zip.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from ...matter import ROLES as MATTER_ROLES
from .accessibility import ContentStats, accessibility_entries, count_content
from .navtext import math_as_text, ncx_titles
from .pagebreaks import place_page_breaks
from .xhtml import EPUB_TYPE, NS, XML_LANG, parse, serialize

ROLES = {"chapter": "doc-chapter", "preface": "doc-preface", "appendix": "doc-appendix",
         "bibliography": "doc-bibliography", "index": "doc-index",
         **{r.epub_type: r.aria for r in MATTER_ROLES.values() if r.epub_type}}  # issue 16: bookkit/matter.py
#: the landmarks a section's epub:type adds, with their labels
LANDMARKS = {"bodymatter": "Start of Content", "bibliography": "Bibliography", "index": "Index",
             **{r.epub_type: r.label for r in MATTER_ROLES.values() if r.landmark}}


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
        files[ncx_name] = ncx_titles(files[ncx_name], files[nav_name])
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
            files[name] = _LOCATOR.sub(
                lambda m: m.group(1) + holder.get(m.group(2), "").encode() + b"#" + m.group(2) + b'"', data)


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


def _finish_xhtml(data: bytes, stats: ContentStats, facts: PackageFacts) -> tuple[bytes, list[str], list[str]]:
    """Roles, body matter type, xml:lang, note back-links, page breaks.

    Returns the landmark kinds found and the page labels placed in this file.
    """
    tree = parse(data)
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
    for el in root.iter(f"{{{NS['x']}}}*"):
        if el.get("lang") and not el.get(XML_LANG):
            el.set(XML_LANG, el.get("lang"))
    count_content(root, stats)
    for aside in root.iter(f"{{{NS['x']}}}aside"):
        ident = aside.get("id", "")
        if aside.get("role") != "doc-footnote" or not ident.startswith("fn"):
            continue
        if aside.find(".//x:a[@role='doc-backlink']", NS) is not None:
            continue
        target = aside.findall("x:p", NS)
        holder = target[-1] if target else aside
        link = etree.SubElement(holder, f"{{{NS['x']}}}a", href=f"#fnref{ident[2:]}", role="doc-backlink")
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
    placed = place_page_breaks(root, facts.marks)
    return serialize(tree), found, placed


def _ids(data: bytes) -> list[str]:
    return [el.get("id") for el in parse(data).getroot().iter() if el.get("id")]


def _caption_navs(lists: list, id_files: dict[str, str]) -> list:
    """A `<nav epub:type="lof">` / `"lot"` per list of figures or tables (bookkit/caption_lists.py)."""
    from urllib.parse import quote

    navs = []
    for caption_list in lists:
        links = [(f"{id_files[e.ident]}#{quote(e.ident, safe=':')}", f"{e.label} {e.text}".strip())
                 for e in caption_list.entries if e.ident in id_files]
        if not links:
            continue
        nav = etree.Element(f"{{{NS['x']}}}nav", id=caption_list.epub_type)
        nav.set(EPUB_TYPE, caption_list.epub_type)
        nav.set("aria-labelledby", f"{caption_list.epub_type}-title")  # a landmark needs its own name
        heading = etree.SubElement(nav, f"{{{NS['x']}}}h2", id=f"{caption_list.epub_type}-title")
        heading.text = caption_list.title
        ol = etree.SubElement(nav, f"{{{NS['x']}}}ol")
        for href, text in links:
            li = etree.SubElement(ol, f"{{{NS['x']}}}li")
            etree.SubElement(li, f"{{{NS['x']}}}a", href=href).text = text
        nav.tail = "\n"
        navs.append(nav)
    return navs


def _finish_nav(data: bytes, landmarks: list[tuple[str, str, str]], pages: list[tuple[str, str]],
                caption_navs: Sequence = ()) -> bytes:
    tree = parse(data)
    root = tree.getroot()
    nav = root.find(".//x:nav[@id='landmarks']", NS)
    if nav is None:
        return data
    toc = root.find(".//x:nav[@id='toc']", NS)
    if toc is not None:
        math_as_text(toc)
    for caption_nav in reversed(caption_navs):  # after the contents, in book.yaml's order
        (toc if toc is not None else nav).addnext(caption_nav)
    if pages:
        page_nav = etree.Element(f"{{{NS['x']}}}nav", id="page-list", hidden="hidden")
        page_nav.set(EPUB_TYPE, "page-list")
        heading = etree.SubElement(page_nav, f"{{{NS['x']}}}h2")
        heading.text = "Pages"
        ol = etree.SubElement(page_nav, f"{{{NS['x']}}}ol")
        for label, href in pages:
            li = etree.SubElement(ol, f"{{{NS['x']}}}li")
            link = etree.SubElement(li, f"{{{NS['x']}}}a", href=href)
            link.text = label
        page_nav.tail = "\n"
        nav.addnext(page_nav)
    ol = nav.find("x:ol", NS)
    have = {a.get(EPUB_TYPE) for a in ol.iter(f"{{{NS['x']}}}a")}
    seen = set()
    for kind, href, _ in landmarks:
        if kind in have or kind in seen:
            continue
        seen.add(kind)
        li = etree.SubElement(ol, f"{{{NS['x']}}}li")
        a = etree.SubElement(li, f"{{{NS['x']}}}a", href=href)
        a.set(EPUB_TYPE, kind)
        a.text = LANDMARKS[kind]
        li.tail = "\n"
    return serialize(tree)


def _finish_opf(data: bytes, facts: PackageFacts, stats: ContentStats) -> bytes:
    tree = parse(data)
    meta = tree.getroot().find("opf:metadata", NS)
    for el in list(meta):
        prop = el.get("property", "")
        if prop.startswith("schema:access") or prop in ("dcterms:modified", "dcterms:conformsTo"):
            meta.remove(el)
    lang = meta.findtext("dc:language", default="", namespaces=NS)
    entries = [("dcterms:modified", facts.modified)] + accessibility_entries(stats, facts.has_page_list, lang)
    for prop, value in entries:
        el = etree.SubElement(meta, f"{{{NS['opf']}}}meta", property=prop)
        el.text = value
        el.tail = "\n    "
    if facts.has_page_list and facts.page_source and meta.find("dc:source", NS) is None:
        src = etree.SubElement(meta, f"{{{NS['dc']}}}source", id="print-source")
        src.text = facts.page_source
        src.tail = "\n    "
        refine = etree.SubElement(meta, f"{{{NS['opf']}}}meta", refines="#print-source", property="source-of")
        refine.text = "pagination"
        refine.tail = "\n  "
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")
