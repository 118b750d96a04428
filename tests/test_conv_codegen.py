"""``symnet codegen`` of a convolutional network: a standalone NumPy module that carries the conv and pooling
kernels (``numeric.conv_numpy``) as source, with their geometry NamedTuples, and imports no symnet; its loss and
gradient equal the compiled ones (issue 19)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from symnet.core.convnet import convnet
from symnet.numeric.codegen import value_and_grad

from .cli_helpers import refused, run

SPECS = ("conv:8x8:c3x3x8:relu:pool2:d10:softmax",           # the digits CNN: conv2d, maxpool, channel sums
         "conv:6x6x2:c3x3x3/s2/same:tanh:avg2:d3",           # channels, stride 2, 'same' padding, average pooling
         "conv:7x7:c3x3x2:relu:c3x3x3/same:sigmoid:pool2:d1")  # a second conv: ∂C/∂X, δ ∗full rot180(K); pool floors


def _batch(fn, net, seed=0, n=5):
    rng = np.random.default_rng(seed)
    k = net.sizes[-1]
    y = rng.integers(0, k, n) if net.output_activation == "softmax" else rng.uniform(size=n)
    return rng.normal(scale=0.5, size=net.n_params), rng.normal(size=(n, net.sizes[0])), y


def _run_alone(path, theta, X, y):
    """The written module's value_and_grad in a fresh Python that cannot import symnet."""
    script = (f"import sys, json; sys.modules['symnet'] = None; import {path.stem} as m; "
              f"v, g = m.value_and_grad({theta.tolist()}, {X.tolist()}, {y.tolist()}); "
              f"print(json.dumps([v, g.tolist(), m.NETWORK]))")
    out = subprocess.run([sys.executable, "-E", "-c", script], cwd=path.parent, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.parametrize("index", range(len(SPECS)))
def test_the_written_conv_module_runs_alone_and_equals_the_compiled_loss(tmp_path, index):
    net = convnet(SPECS[index])
    fn = value_and_grad(net)
    source = fn.module
    assert not [line for line in source.splitlines() if line.startswith(("import symnet", "from symnet"))]
    assert "def conv2d(" in source and "class Geometry(NamedTuple)" in source
    path = tmp_path / f"cnn{index}.py"
    path.write_text(source, encoding="utf-8")
    theta, X, y = _batch(fn, net, seed=index)
    value, grad, spec = _run_alone(path, theta, X, y)
    expected_value, expected_grad = fn(theta, X, y)
    assert value == pytest.approx(expected_value, rel=1e-13)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-14)
    assert spec == net.spec and np.abs(expected_grad).max() > 0      # a real gradient, not zeros


def test_the_module_text_is_the_same_every_time():
    first = value_and_grad(convnet(SPECS[2])).module
    assert value_and_grad(convnet(SPECS[2])).module == first
    assert first.count("def _windows(") == 1 and "def conv_input_grad(" in first   # each kernel written once


def test_cli_codegen_writes_a_conv_module(tmp_path):
    target = tmp_path / "cnn.py"
    result = run("codegen", SPECS[0], "-o", target)
    assert result.exit_code == 0, result.output
    net = convnet(SPECS[0])
    fn = value_and_grad(net)
    assert target.read_text(encoding="utf-8").rstrip("\n") == fn.module.rstrip("\n")
    theta, X, y = _batch(fn, net, seed=3)
    value, grad, _ = _run_alone(target, theta, X, y)
    assert value == pytest.approx(fn(theta, X, y)[0], rel=1e-13)
    ascii_target = tmp_path / "cnn_ascii.py"
    assert run("codegen", SPECS[0], "--ascii", "-o", ascii_target).exit_code == 0
    assert ascii_target.read_text(encoding="utf-8").isascii()
    assert _run_alone(ascii_target, theta, X, y)[0] == pytest.approx(value, rel=1e-15)


def test_cli_codegen_to_a_path_it_cannot_write_is_refused_and_leaves_nothing(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    refused(run("codegen", SPECS[0], "-o", blocker / "cnn.py"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]     # no half-written module, no temp file
