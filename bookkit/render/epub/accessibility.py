"""The EPUB's accessibility metadata, derived from what its XHTML holds, never claimed blindly.

Images with and without alternative text, links without text, tables without header
cells, notes and languages are counted in every file; the schema.org properties and
the WCAG conformance claim follow from those counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .xhtml import NS

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def count_content(root, stats: ContentStats) -> None:
    """Add what one XHTML file holds to the book's accessibility facts."""
    for img in root.iter(f"{{{NS['x']}}}img"):
        stats.images += 1
        if not (img.get("alt") or "").strip():
            stats.images_without_alt += 1
    for link in root.iter(f"{{{NS['x']}}}a"):
        if link.get("href") and not ("".join(link.itertext()).strip() or link.get("aria-label")
                                     or any((i.get("alt") or "").strip() for i in link.iter(f"{{{NS['x']}}}img"))):
            stats.links_without_text += 1
    for table in root.iter(f"{{{NS['x']}}}table"):
        stats.tables += 1
        if table.find(".//x:th", NS) is None:
            stats.tables_without_headers += 1
    for el in root.iter(f"{{{NS['x']}}}*"):
        if el.get("lang"):
            stats.languages.add(el.get("lang"))
    stats.notes += sum(1 for a in root.iter(f"{{{NS['x']}}}aside") if a.get("role") == "doc-footnote")


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
    other = sorted(tag for tag in stats.languages if tag.split("-")[0].lower() != lang.split("-")[0].lower())
    if other:
        names = ", ".join(LANGUAGE_NAMES.get(tag, tag) for tag in other)
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
