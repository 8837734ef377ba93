"""Code several outputs share; no output of its own, and it imports no output package."""
