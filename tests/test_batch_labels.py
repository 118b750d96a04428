"""Class labels on the hot path (numeric/batch.py): integer labels checked by one max and kept as integers,
float labels by their range and fractions; every refusal says the same as the full check, first call or later."""

import re

import numpy as np
import pytest

from symnet.core.layers import layers
from symnet.numeric.batch import labels_ok
from symnet.numeric.codegen import value_and_grad

K = 3
NET = layers("4-5-3", "tanh", "softmax")
RNG = np.random.default_rng(7)
THETA, X = RNG.normal(size=NET.n_params), RNG.normal(size=(6, 4))
LABELS = np.array([0, 2, 1, 1, 0, 2])


@pytest.mark.parametrize("y, ok", [
    (np.array([0, 1, 2]), True), (np.array([0, 1, 3]), False), (np.array([-1, 0, 1]), False),
    (np.array([0, 2], dtype=np.int8), True), (np.array([0, -128], dtype=np.int8), False),
    (np.array([2, 255], dtype=np.uint8), False), (np.array([0, 2], dtype=np.uint16), True),
    (np.array([0, 2], dtype=">i8"), True), (np.array([0, -1], dtype=">i8"), False),
    (np.array([np.iinfo(np.int64).min, 0]), False), (np.array([0.0, 2.0]), True), (np.array([0.0, 2.5]), False),
    (np.array([-0.5, 1.0]), False), (np.array([0.0, 3.0]), False), (np.array([0.0, np.nan]), False),
    (np.array([[0.0, 1.0, 0.0]]), True)])   # one-hot rows: their shape is checked elsewhere
def test_labels_ok_takes_class_labels_0_to_k_minus_1_only(y, ok):
    assert labels_ok(y, K) is ok


@pytest.mark.parametrize("backend", ["numpy", "jax"])
def test_integer_labels_stay_integers_and_give_the_float_labels_result(backend):
    if backend == "jax":
        pytest.importorskip("jax")
    fn = value_and_grad(NET, backend=backend)
    for _ in range(2):   # the first call runs the full check, the second the hot path
        theta, X_, y = fn.checker(THETA, X, LABELS)
        assert y is LABELS and theta.dtype == X_.dtype == np.float64
    (a, ga), (b, gb) = fn(THETA, X, LABELS), fn(THETA, X, LABELS.astype(float))
    assert a == b and (ga == gb).all()
    reference = value_and_grad(NET, backend="numpy")(THETA, X, np.eye(K)[LABELS])   # one-hot rows
    assert abs(a - reference[0]) <= 1e-12 and np.allclose(ga, reference[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("backend", ["numpy", "jax"])
@pytest.mark.parametrize("bad, shown", [(np.array([0, 2, 1, 3, 0, 2]), "y[3] is 3"),
                                        (np.array([0, 2, -1, 1, 0, 2]), "y[2] is -1"),
                                        (np.array([0, 2, 1, 1, 0.5, 2]), "y[4] is 0.5"),
                                        (np.array([0, 2, 1, 1, 0, 2], dtype=np.uint8) + 1, "y[1] is 3")])
def test_a_bad_label_gets_the_full_checks_message_on_every_call(backend, bad, shown):
    if backend == "jax":
        pytest.importorskip("jax")
    fn = value_and_grad(NET, backend=backend)
    fn(THETA, X, LABELS)                      # the shapes are known: the next call takes the hot path
    for _ in range(2):
        with pytest.raises(ValueError, match=rf"y must hold class labels 0…2 \(or one-hot rows\).*{re.escape(shown)}$"):
            fn(THETA, X, bad)
    with pytest.raises(ValueError, match="X must be finite; row 2"):
        fn(THETA, np.where(np.arange(24).reshape(6, 4) == 5, np.inf, X), LABELS)   # X still checked beside int y
