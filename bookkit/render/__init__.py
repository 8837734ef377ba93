"""One renderer per output: html (print/preview document), pdf, epub."""
