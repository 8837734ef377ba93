"""The print edition's pages (WeasyPrint): the PDF writes them; the EPUB's page-list and Index
and the cover's spine read them."""
