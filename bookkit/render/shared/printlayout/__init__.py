"""The print edition's page layout (WeasyPrint), which the PDF writes and the EPUB's page-list and the cover's spine read."""
