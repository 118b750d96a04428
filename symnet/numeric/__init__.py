"""Numbers from programs: NumPy code generation, the independent numeric reverse mode, finite
differences and the four-way gradient check. Builds on ``symnet.core`` and ``symnet.io``.
"""
