"""Test configuration: a deterministic Hypothesis profile and the Agg backend for every figure."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(params=["mlp", "layers"])
def kind(request):
    """Each kind of network a verb takes: scalar neurons (``mlp``) or matrix layers (``layers``)."""
    return request.param
