"""The EPUB's XML: namespaces, and reading and writing one of its files with lxml."""

from __future__ import annotations

from lxml import etree

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}


EPUB_TYPE = f"{{{NS['epub']}}}type"


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse(data: bytes) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(data, etree.XMLParser(remove_blank_text=False, resolve_entities=False)))


def serialize(tree: etree._ElementTree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")
