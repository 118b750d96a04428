"""The article, section by section: ``symnet tour`` builds every figure, formula and derivation
and writes an index page.
"""
