"""Root pytest configuration: figures use the Agg backend everywhere, doctests included."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
