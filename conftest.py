"""Root pytest configuration: figures use the Agg backend everywhere, doctests included, and the Hypothesis
profiles.

Profiles (loaded here, before pytest reads ``--hypothesis-profile``, so the command line wins):

- ``dev`` (the default, for ``python -m pytest -n 2``): a few examples per property, so the suite stays quick;
- ``ci`` (``.ci/run`` passes ``--hypothesis-profile=ci``): Hypothesis' full 100 examples per property.

Both are deterministic (``derandomize=True``) and have no deadline (the machines are shared). A test that
names its own count scales it with :func:`tests.strategies.examples`. ``HYPOTHESIS_PROFILE=ci`` in the
environment selects a profile too.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

_COMMON = {"deadline": None, "derandomize": True, "print_blob": True, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("ci", max_examples=100, **_COMMON)
settings.register_profile("dev", max_examples=25, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
