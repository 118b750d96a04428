"""The JAX backend's call for layer networks (``numeric.jax_layers``): θ whole from NumPy, θ as a JAX vector, or θ
as its arrays (a pytree), with X and y as NumPy or JAX arrays; the values checked after the jitted call from one
number it adds up, so bad data is refused with the NumPy backend's own message."""

import numpy as np
import pytest

from symnet import layers, value_and_grad
from symnet.core.convnet import convnet

jax = pytest.importorskip("jax")
from symnet.numeric.jaxgen import float64  # noqa: E402

NETS = {"softmax": ("5-4-3", "tanh", "softmax"), "sigmoid": ("5-4-1", "relu", "sigmoid"),
        "identity": ("5-4-2", "sigmoid", "identity")}


def _data(kind, n=7, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    y = {"softmax": rng.integers(0, 3, n), "sigmoid": rng.integers(0, 2, n).astype(float),
         "identity": rng.normal(size=(n, 2))}[kind]
    return X, y


@pytest.fixture(scope="module")
def compiled():
    """(JAX backend, NumPy backend) for each network, built once."""
    return {kind: (value_and_grad(layers(*spec), backend="jax"), value_and_grad(layers(*spec), backend="numpy"))
            for kind, spec in NETS.items()}


def _on_device(*arrays):
    with float64(jax):
        return [jax.numpy.asarray(a) for a in arrays]


@pytest.mark.parametrize("kind", NETS)
def test_three_forms_of_theta_give_numpys_loss_and_gradient_in_thetas_own_form(compiled, kind):
    fn, numpy = compiled[kind]
    theta = np.random.default_rng(1).normal(scale=0.5, size=fn.network.n_params)
    X, y = _data(kind)
    loss, grad = numpy(theta, X, y)
    value, g = fn(theta, X, y)                                       # NumPy in, NumPy out
    assert isinstance(g, np.ndarray) and g.shape == grad.shape
    assert abs(value - loss) <= 1e-12 and np.allclose(g, grad, rtol=1e-12, atol=1e-12)
    flat, Xj, yj = _on_device(theta, X, y)
    value, g = fn(flat, Xj, yj)                                      # θ on the device: the gradient stays there
    assert isinstance(value, float) and isinstance(g, jax.Array) and g.dtype == np.float64
    assert abs(value - loss) <= 1e-12 and np.allclose(np.asarray(g), grad, rtol=1e-12, atol=1e-12)
    tree = _on_device(*fn.unflatten(theta))
    value, grads = fn(tree, Xj, yj)                                  # θ as its arrays: the gradient as arrays
    assert [tuple(a.shape) for a in grads] == [tuple(s) for s in fn.shapes]
    assert all(isinstance(a, jax.Array) for a in grads)
    joined = np.concatenate([np.ravel(np.asarray(a)) for a in grads])
    assert abs(value - loss) <= 1e-12 and np.allclose(joined, grad, rtol=1e-12, atol=1e-12)
    value, g = fn(theta, Xj, yj)                                     # NumPy θ with data on the device
    assert isinstance(g, np.ndarray) and np.allclose(g, grad, rtol=1e-12, atol=1e-12)


def _message(call):
    with pytest.raises(ValueError) as caught:
        call()
    return str(caught.value)


@pytest.mark.parametrize("where", ["numpy", "device"])
def test_bad_values_are_refused_after_the_call_with_numpys_message(compiled, where):
    fn, numpy = compiled["softmax"]
    theta = np.random.default_rng(2).normal(size=fn.network.n_params)
    X, y = _data("softmax")
    fn(theta, X, y)                                                  # shapes seen: later calls skip the full check
    place = (lambda *a: _on_device(*a)) if where == "device" else (lambda *a: a)
    bad_X = X.copy()
    bad_X[3, 2] = np.nan
    inf_theta = theta.copy()
    inf_theta[5] = np.inf
    cases = [(theta, bad_X, y), (theta, X, np.r_[y[:6], 3]), (theta, X, np.r_[y[:6], -1]),
             (theta, X, np.r_[y[:6], 1.5]), (inf_theta, X, y)]
    for t, a, b in cases:
        expected = _message(lambda: numpy(t, a, b))
        assert _message(lambda: fn(*place(t, a, b))) == expected
    if where == "device":                                            # θ as its arrays, one of them infinite
        tree = _on_device(*fn.unflatten(inf_theta))
        assert "finite" in _message(lambda: fn(tree, *_on_device(X, y)))


def test_an_infinite_bias_before_a_sigmoid_is_refused_though_the_loss_and_gradient_stay_finite(compiled):
    # σ(∞) = 1 and σ'(∞) = 0: the loss and every gradient entry are finite, so θ·θ is what catches it
    fn, numpy = compiled["sigmoid"]
    theta = np.zeros(fn.network.n_params)
    theta[-1] = np.inf                                               # b², the output unit's bias
    X, y = _data("sigmoid")
    y = np.ones_like(y)
    with np.errstate(all="ignore"):
        assert np.isfinite(numpy.run(X, y, theta)[1]).all()          # the unchecked NumPy run: finite
    expected = _message(lambda: numpy(theta, X, y))
    assert _message(lambda: fn(theta, X, y)) == expected
    assert _message(lambda: fn(*_on_device(theta, X, y))) == expected
    assert _message(lambda: fn(_on_device(*fn.unflatten(theta)), *_on_device(X, y))) == expected


def test_targets_outside_the_losss_range_are_refused(compiled):
    fn, numpy = compiled["sigmoid"]
    theta = np.zeros(fn.network.n_params)
    X, y = _data("sigmoid")
    fn(theta, X, y)
    y = y.copy()
    y[2] = 1.5                                                       # binary cross-entropy takes 0 ≤ y ≤ 1
    expected = _message(lambda: numpy(theta, X, y))
    assert "takes targets from 0 to 1" in expected
    assert _message(lambda: fn(theta, X, y)) == expected
    assert _message(lambda: fn(*_on_device(theta, X, y))) == expected


def test_theta_as_arrays_of_the_wrong_shapes_is_refused_saying_which(compiled):
    fn, _ = compiled["softmax"]
    tree = list(fn.unflatten(np.zeros(fn.network.n_params)))
    X, y = _data("softmax")
    with pytest.raises(ValueError, match=r"theta as a list of arrays \[W¹, b¹, …\] must have the shapes "
                                         r"\[\(4, 5\), \(4,\), \(3, 4\), \(3,\)\]; got"):
        fn(tree[::-1], X, y)


def test_data_on_the_device_in_float32_is_cast_inside_the_jit(compiled):
    fn, numpy = compiled["identity"]
    theta = np.random.default_rng(3).normal(size=fn.network.n_params)
    X, y = _data("identity")
    X32 = jax.numpy.asarray(X, dtype=np.float32)                     # JAX's own default dtype
    value, g = fn(theta, X32, y)
    loss, grad = numpy(theta, X.astype(np.float32).astype(float), y)
    assert abs(value - loss) <= 1e-12 and np.allclose(g, grad, rtol=1e-12, atol=1e-12)


def test_a_convolutional_network_checks_x_before_the_call():
    # a stride past the kernel (1 × 1, stride 2) leaves pixels unread: a NaN there would not show in the result
    fn = value_and_grad(convnet("conv:6x6:c1x1x2/s2:relu:d2:softmax"), backend="jax")
    assert fn.network.reads_every_input is False
    theta = np.random.default_rng(4).normal(size=fn.network.n_params)
    X, y = np.random.default_rng(5).normal(size=(3, 36)), np.array([0, 1, 1])
    fn(theta, X, y)
    X[0, 1] = np.nan                                                 # row 0, column 1: a pixel stride 2 skips
    numpy = value_and_grad(convnet("conv:6x6:c1x1x2/s2:relu:d2:softmax"), backend="numpy")
    assert _message(lambda: fn(theta, X, y)) == _message(lambda: numpy(theta, X, y))


# found by a review: inputs the NumPy backend refuses (or reads) that the JAX call must treat alike

def test_float32_refuses_values_beyond_its_range_as_numpy_does():
    fn = value_and_grad(layers("3-4-2", "tanh", "identity"), backend="jax", dtype="float32")
    numpy = value_and_grad(layers("3-4-2", "tanh", "identity"), dtype="float32")
    rng = np.random.default_rng(6)
    theta, X, y = rng.normal(size=fn.network.n_params), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    fn(theta, X, y)
    wide = X.copy()
    wide[0, 0] = 1e39                                                # finite in float64, ∞ in float32
    big_theta = theta.copy()
    big_theta[4] = 1e39
    with np.errstate(over="ignore"):
        for t, a in ((theta, wide), (big_theta, X)):
            assert _message(lambda: fn(t, a, y)) == _message(lambda: numpy(t, a, y))


def test_float32_labels_beyond_int32_are_refused_not_wrapped():
    fn = value_and_grad(layers("5-4-3"), backend="jax", dtype="float32")
    numpy = value_and_grad(layers("5-4-3"), dtype="float32")
    theta, X = np.zeros(fn.network.n_params), _data("softmax", n=4)[0]
    fn(theta, X, np.array([0, 1, 2, 1]))
    for label in (2**32 + 1, -2**32 + 1):                            # int32 would read 1: a valid class
        y = np.array([0, 1, 2, label])
        assert "y[3]" in _message(lambda: fn(theta, X, y)) == _message(lambda: numpy(theta, X, y))


def test_a_loss_of_your_own_that_squashes_a_target_still_refuses_it():
    import symnet

    L = symnet.loss(layers("3-4-2", "tanh", "identity"), "(yhat - tanh(y))**2")   # tanh(∞) = 1: a finite loss
    fn, numpy = value_and_grad(L, backend="jax"), value_and_grad(L)
    rng = np.random.default_rng(7)
    theta, X, y = rng.normal(size=fn.network.n_params), rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    fn(theta, X, y)
    y[1, 0] = np.inf
    assert _message(lambda: fn(theta, X, y)) == _message(lambda: numpy(theta, X, y))


def test_narrow_and_bool_labels_and_a_list_of_numbers_read_as_numpy_reads_them():
    fn, numpy = value_and_grad(layers("3-300", "tanh", "softmax"), backend="jax"), value_and_grad(
        layers("3-300", "tanh", "softmax"))
    rng = np.random.default_rng(8)
    theta, X = rng.normal(scale=0.1, size=fn.network.n_params), rng.normal(size=(4, 3))
    labels = np.array([5, 44, 255, 0], dtype=np.uint8)               # 300 classes: arange(300) would wrap in uint8
    assert fn(theta, X, labels)[0] == pytest.approx(numpy(theta, X, labels)[0], abs=1e-12)
    assert fn(theta.tolist(), X, labels)[0] == pytest.approx(numpy(theta, X, labels)[0], abs=1e-12)
    small, small_np = value_and_grad(layers("3-4-2"), backend="jax"), value_and_grad(layers("3-4-2"))
    t = rng.normal(size=small.network.n_params)
    y = np.array([True, False, True, True])
    (yj,) = _on_device(y)
    assert small(t, X, yj)[0] == pytest.approx(small_np(t, X, y)[0], abs=1e-12)   # bool labels on the device


def test_int8_labels_of_more_classes_than_int8_holds_refuse_a_negative_one():
    # read as unsigned, -3 is 253 < 300: the one-pass check needs the minimum too (both backends share it)
    for backend in ("numpy", "jax"):
        fn = value_and_grad(layers("3-300", "tanh", "softmax"), backend=backend)
        theta, X = np.zeros(fn.network.n_params), np.zeros((4, 3))
        fn(theta, X, np.array([0, 1, 2, 3], dtype=np.int8))
        with pytest.raises(ValueError, match=r"y\[3\] is -3"):
            fn(theta, X, np.array([0, 1, 2, -3], dtype=np.int8))
