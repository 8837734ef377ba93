"""The EPUB 3 output."""
