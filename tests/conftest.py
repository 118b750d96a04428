"""Test configuration: the Agg backend for every figure (the Hypothesis profiles are in the root conftest.py)."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
