"""The renderers: one package per output (pdf/, epub/, cover/, web/), each exposing a `Renderer`
(`base.py`) that `registry.py` lists; `shared/` holds what several outputs use. See README's
"How it works".
"""
