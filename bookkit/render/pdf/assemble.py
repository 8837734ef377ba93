"""What WeasyPrint cannot write itself, added to its PDF with pikepdf.

Page labels (/PageLabels) make a viewer's page box show the printed folio, so
"page v" of the contents and "page 1" of chapter 1 are what the reader types.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid

from ..shared.printlayout.pagelabels import page_label_ranges

#: CSS counter styles to PDF page-label styles
LABEL_STYLES = {"lower-roman": "/r", "upper-roman": "/R", "decimal": "/D"}


def add_page_labels(pdf_bytes: bytes, ranges: list[tuple[int, str, int]]) -> bytes:
    """The same PDF with a /PageLabels number tree built from `ranges`."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        nums = []
        for index, style, first in ranges:
            nums += [index, pikepdf.Dictionary(S=pikepdf.Name(LABEL_STYLES[style]), St=first)]
        pdf.Root.PageLabels = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def set_page_labels(pdf, ranges: list[tuple[int, str, int]]) -> None:
    import pikepdf

    nums = []
    for index, style, first in ranges:
        nums += [index, pikepdf.Dictionary(S=pikepdf.Name(LABEL_STYLES[style]), St=first)]
    pdf.Root.PageLabels = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))


def assembly_key(layout) -> str:
    """Everything `assemble` reads from a `PartsLayout`, hashed: equal keys, equal PDFs."""
    import json

    import pikepdf

    from ... import __version__
    from ...cache import digest

    parts = [[p.name, p.first_page, sorted(p.stand_ins), p.content.bookmarks, hashlib.sha256(p.content.pdf).hexdigest(),
              hashlib.sha256(p.margins.pdf).hexdigest() if p.margins else ""] for p in layout.parts]
    return digest("assembled-2", __version__, pikepdf.__version__,
                  json.dumps([parts, layout.pages, layout.body_start]))


def assemble(layout) -> bytes:
    """One PDF from the parts of a `PartsLayout`: pages in order, blank versos, margins stacked on.

    The front-matter PDF is the base, so its document-wide parts (PDF/X-4 metadata,
    output intent, document info) are the book's; page labels and the outline are
    rebuilt for the whole book, and the trailer /ID is derived from the content.
    """
    import pikepdf

    front, *chapters = layout.parts
    base = pikepdf.open(io.BytesIO(stable_document_id(front.content.pdf)))
    first = base.pages[0]
    boxes = {k: first.obj[k] for k in ("/MediaBox", "/TrimBox", "/BleedBox", "/ArtBox") if k in first.obj}

    def blank():
        page = base.add_blank_page(page_size=(72, 72))
        for key, value in boxes.items():
            page.obj[key] = pikepdf.Array(list(value))

    opened = []
    dests = _destinations(base, 0)
    for part in chapters:
        while len(base.pages) < part.first_page:
            blank()
        content = pikepdf.open(io.BytesIO(part.content.pdf))
        margins = pikepdf.open(io.BytesIO(part.margins.pdf))
        opened += [content, margins]
        for name, dest in _destinations(content, part.first_page).items():
            if str(name).lstrip("/") in part.stand_ins:
                dests.setdefault(name, dest)  # the part that holds the id sets it, wherever it comes
            else:
                dests[name] = dest
        for page, overlay in zip(content.pages, margins.pages, strict=True):
            base.pages.append(page)
            added = base.pages[-1]
            _overlay(added, overlay, pikepdf.Rectangle(*added.trimbox), len(base.pages))
    while len(base.pages) < layout.pages:
        blank()
    _set_destinations(base, dests)
    set_page_labels(base, page_label_ranges(layout.pages, layout.body_start))
    _set_outline(base, layout)
    out = io.BytesIO()
    base.save(out, deterministic_id=True)
    for pdf in opened:
        pdf.close()
    base.close()
    return out.getvalue()


def _overlay(page, overlay, rect, number: int) -> None:
    """`page.add_overlay`, but under a name from the page number instead of pikepdf's random
    one, so that the same book gives the same bytes. Pages can share one /Resources
    dictionary, so the name must differ from page to page."""
    import pikepdf

    placed = page.add_overlay(overlay, rect)
    stable = pikepdf.Name(f"/BookkitMargins{number}")
    xobjects = page.obj.Resources.XObject
    xobjects[stable] = xobjects[placed]
    del xobjects[placed]
    contents = page.obj.Contents
    for stream in (contents if isinstance(contents, pikepdf.Array) else [contents]):
        data = stream.read_bytes()
        if str(placed).encode() in data:
            stream.write(data.replace(str(placed).encode() + b" Do", str(stable).encode() + b" Do"))


def _set_outline(pdf, layout) -> None:
    """The bookmarks WeasyPrint made for each part, at their pages in the whole book."""
    import pikepdf

    with pdf.open_outline() as outline:
        outline.root.clear()
        stack: list[tuple[int, list]] = [(0, outline.root)]
        for part in layout.parts:
            for level, label, page in part.content.bookmarks:
                while stack[-1][0] >= level:
                    stack.pop()
                item = pikepdf.OutlineItem(label, part.first_page + page)
                stack[-1][1].append(item)
                stack.append((level, item.children))


def _destinations(pdf, offset: int) -> dict[str, tuple[int, list]]:
    """A part's named destinations (WeasyPrint's link targets): name → (book page index, view)."""
    import pikepdf

    names = pdf.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return {}
    index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    found = {}
    for name, dest in pikepdf.NameTree(names.Dests).items():
        array = dest.D if isinstance(dest, pikepdf.Dictionary) else dest
        if array[0].objgen in index:
            found[name] = (offset + index[array[0].objgen], list(array)[1:])
    return found


def _set_destinations(pdf, dests: dict[str, tuple[int, list]]) -> None:
    """One name tree for the book, so links between parts (contents → chapters) reach their pages."""
    import pikepdf

    tree = pikepdf.NameTree.new(pdf)
    for name, (page, view) in sorted(dests.items()):
        tree[name] = pikepdf.Array([pdf.pages[page].obj, *view])
    if "/Names" not in pdf.Root:
        pdf.Root.Names = pikepdf.Dictionary()
    pdf.Root.Names.Dests = tree.obj


#: WeasyPrint's PDF/X-4 metadata carries a random `xmpMM:DocumentID` (uuid4).
_RANDOM_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

#: The trailer's /ID, which WeasyPrint derives partly from the random id above.
_TRAILER_ID = re.compile(rb"/ID\s*\[[^\]]*\]")


def stable_document_id(pdf_bytes: bytes) -> bytes:
    """The same PDF with WeasyPrint's random XMP document id replaced by a hash of the content.

    The replacement has the same length, so the file's cross-reference offsets stay
    right; with it, the same sources give the same bytes (and pikepdf's
    deterministic /ID, computed afterwards, is stable too).
    """
    blanked = _TRAILER_ID.sub(b"", _RANDOM_DOCUMENT_ID.sub(b"xmp.did:" + b"0" * 36, pdf_bytes))
    stable = uuid.UUID(bytes=hashlib.sha256(blanked).digest()[:16])
    return _RANDOM_DOCUMENT_ID.sub(f"xmp.did:{stable}".encode(), pdf_bytes)
