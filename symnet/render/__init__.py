"""Printers and documents: text, Unicode, LaTeX and Markdown printers for every symnet object, derivation
documents in English and Chinese, LaTeX builds and the translation tables. Renders what it is given;
runs no numerics of its own.
"""
