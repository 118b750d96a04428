"""Text and files in and out: the safe expression parser, option parsers, network files and atomic
writes. Builds on ``symnet.core``; nothing here evaluates user text.
"""
