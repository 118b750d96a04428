"""Training: what networks learn (and what the seed network cannot), exact updates, bad inputs.

Thresholds were measured (symnet 0.1.0, numpy 2.4) and given a margin; the measured values are in
each test's comment.
"""

import numpy as np
import pytest
from sympy import symbols

from symnet import binary_cross_entropy, from_expr, mlp, seed_network
from symnet.learn.data import make
from symnet.learn.training import THETA_LIMIT, TrainingDiverged, train

XOR = make("xor", n=200, noise=0.1, seed=0)


def quiet(*args, **kw):
    return train(*args, progress=False, **kw)


def linear():
    x, w, b = symbols("x w b")
    return from_expr(w * x + b, inputs=[x])  # params (b, w)


# ---- what networks learn --------------------------------------------------------------------


def test_mlp_learns_xor():
    # measured: loss 1.2e-4 after 300 Adam epochs (seeds 0–2: ≤ 4.1e-4), accuracy 1.0
    result = quiet(mlp([2, 4, 1], "tanh", "sigmoid"), XOR, epochs=300, seed=0)
    assert result.history.train_loss[-1] < 0.01
    assert result.accuracy(XOR) == 1.0


@pytest.mark.parametrize("seed", [0, 1])
def test_seed_network_cannot_represent_xor(seed):
    # Neurons 1 and 2 each see one input and neuron 3 only their sum, so (0,1) and (1,1) look alike
    # to neuron 5: training plateaus. measured: best loss 0.110–0.137 over 3000 epochs (seeds 0–5),
    # accuracy 0.76–0.785, against 1e-4 for the 2-4-1 MLP above.
    result = quiet(seed_network(), XOR, epochs=3000, learning_rate=0.1, seed=seed)
    assert min(result.history.train_loss) > 0.09
    assert result.accuracy(XOR) < 0.9


def test_seed_network_learns_teacher_data():
    # data made by a seed network with hidden parameters: the student recovers it.
    # measured: seed 3 reaches 4.0e-10 in 2000 epochs (seeds 0–2 stop at 1.2e-3–2.2e-3, a local minimum);
    # the targets' variance is 0.029.
    teacher = make("seed", n=200, noise=0.0)
    result = quiet(seed_network(), teacher, epochs=2000, seed=3)
    assert result.history.train_loss[-1] < 1e-6
    assert np.abs(result.predict(teacher.X) - teacher.y).max() < 1e-2
    local = quiet(seed_network(), teacher, epochs=2000, seed=0)
    assert local.history.train_loss[-1] < 0.005 < 0.1 * local.history.train_loss[0]


def test_mlp_fits_a_2d_function():
    # y = sin x1 · cos x2 + 0.1 ε; measured: loss falls 40× (0.36 → 0.0089) in 500 epochs, 154–269× for seeds 1–2
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (200, 2))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1]) + 0.1 * rng.standard_normal(200)
    history = quiet(mlp([2, 8, 1], "tanh", "identity"), (X, y), epochs=500, seed=0).history
    assert history.train_loss[0] / history.train_loss[-1] > 20
    assert history.train_loss[-1] < 0.02


def test_cross_entropy_loss_learns_xor():
    result = quiet(binary_cross_entropy(mlp([2, 4, 1], "tanh", "sigmoid")), XOR, epochs=200)
    assert result.loss.name == "binary_cross_entropy"
    assert result.accuracy(XOR) == 1.0
    named = quiet(mlp([2, 4, 1], "tanh", "sigmoid"), XOR, epochs=200, loss="bce")
    assert np.array_equal(named.theta, result.theta)


# ---- exact updates ----------------------------------------------------------------------------


def test_one_sgd_epoch_is_the_articles_update():
    # θ ← θ − η ∂L/∂θ with L = mean (y − (w x + b))²: ∂L/∂w = mean(−2x(y − ŷ)), ∂L/∂b = mean(−2(y − ŷ))
    X, y = np.array([[1.0], [2.0], [-1.0]]), np.array([1.0, 0.0, 2.0])
    b, w, eta = 0.3, -0.7, 0.1
    r = y - (w * X[:, 0] + b)
    expected = [b - eta * np.mean(-2 * r), w - eta * np.mean(-2 * X[:, 0] * r)]
    result = quiet(linear(), (X, y), optimizer="sgd", learning_rate=eta, epochs=1, theta0={"w": w, "b": b})
    assert result.params == ("b", "w")
    assert result.theta == pytest.approx(expected, rel=1e-14)
    assert result.history.train_loss[0] == pytest.approx(np.mean(r**2), rel=1e-14)


def test_history_is_the_loss_after_each_epoch():
    result = quiet(seed_network(), XOR, epochs=5, validation=0.25)
    h = result.history
    assert h.epochs == (0, 1, 2, 3, 4, 5) and len(h.train_loss) == len(h.val_loss) == 6
    assert h.seconds > 0
    assert result.settings["n_train"] == 150 and result.settings["n_validation"] == 50


def test_final_loss_matches_evaluate():
    result = quiet(mlp([2, 3, 1]), XOR, epochs=7)
    assert result.evaluate(XOR) == result.history.train_loss[-1]
    assert result.predict(XOR.X).shape == (200,)


def test_same_seed_same_result_bit_for_bit():
    kw = dict(epochs=20, batch_size=32, validation=0.2, optimizer="momentum", learning_rate=0.1)
    a, b = quiet(seed_network(), XOR, seed=7, **kw), quiet(seed_network(), XOR, seed=7, **kw)
    assert a.theta.tobytes() == b.theta.tobytes()
    assert a.history.train_loss == b.history.train_loss and a.history.val_loss == b.history.val_loss
    c = quiet(seed_network(), XOR, seed=8, **kw)
    assert not np.array_equal(a.theta, c.theta)


def test_minibatches_take_more_steps():
    full = quiet(seed_network(), XOR, epochs=10, optimizer="sgd", learning_rate=0.5)
    mini = quiet(seed_network(), XOR, epochs=10, optimizer="sgd", learning_rate=0.5, batch_size=20)
    assert len(mini.history.train_loss) == 11
    assert mini.history.train_loss[-1] < full.history.train_loss[-1]  # 100 steps beat 10
    assert mini.settings["batch_size"] == 20


def test_trainable_holds_the_others_fixed():
    theta0 = {p: 0.1 * i for i, p in enumerate(map(str, seed_network().params))}
    result = quiet(seed_network(), XOR, epochs=20, theta0=theta0, trainable=["w5_1", "b5"])
    values = result.values()
    for name, start in theta0.items():
        if name in ("w5_1", "b5"):
            assert values[name] != start
        else:
            assert values[name] == start  # exactly
    assert result.settings["trainable"] == ["w5_1", "b5"]


def test_clip_limits_the_step():
    X, y = np.array([[10.0], [20.0]]), np.array([100.0, -50.0])
    result = quiet(linear(), (X, y), optimizer="sgd", learning_rate=1.0, epochs=1, clip=0.5, theta0=[0.0, 0.0])
    assert np.linalg.norm(result.theta) == pytest.approx(0.5, rel=1e-12)


def test_callback_sees_each_epoch_and_can_stop():
    seen = []

    def callback(epoch, theta, train_loss, val_loss):
        seen.append((epoch, train_loss, val_loss))
        return epoch == 3

    result = quiet(seed_network(), XOR, epochs=50, validation=XOR, callback=callback)
    assert [e for e, _, _ in seen] == [1, 2, 3]
    assert result.history.epochs == (0, 1, 2, 3)
    assert seen[-1][1] == result.history.train_loss[-1] and seen[-1][2] == result.history.val_loss[-1]


def test_progress_log_lines_when_not_a_terminal(capsys):
    train(seed_network(), XOR, epochs=4, log_every=2)
    err = capsys.readouterr().err
    assert "epoch 2/4: loss" in err and "epoch 4/4" in err and "epoch 3/4" not in err
    quiet(seed_network(), XOR, epochs=4)
    assert capsys.readouterr().err == ""


# ---- divergence -------------------------------------------------------------------------------


def test_huge_learning_rate_diverges_at_a_named_epoch():
    # w starts at 0.5, ∂L/∂w ~ 1 → w ~ 1e7 after epoch 1 → ~1e14 > 1e12 after epoch 2
    X, y = np.array([[1.0], [2.0]]), np.array([1.0, 2.0])
    with pytest.raises(TrainingDiverged, match="diverged at epoch 2") as info:
        quiet(linear(), (X, y), optimizer="sgd", learning_rate=1e7, epochs=50, theta0=[0.0, 0.5])
    err = info.value
    assert err.epoch == 2 and np.isfinite(err.loss) and err.max_grad > 1e6
    assert "learning rate" in str(err) and "largest gradient" in str(err)
    assert isinstance(err, ValueError)
    assert THETA_LIMIT == 1e12


def test_overflowing_loss_diverges_at_epoch_zero():
    X, y = np.array([[1e200], [1.0]]), np.array([0.0, 1.0])
    with pytest.raises(TrainingDiverged, match="epoch 0: the loss or its gradient is not finite") as info:
        quiet(linear(), (X, y), theta0=[0.0, 1.0])
    assert info.value.loss == np.inf


def test_divergence_in_a_minibatch():
    X, y = np.linspace(-1, 1, 20)[:, None], np.linspace(0, 3, 20)
    with pytest.raises(TrainingDiverged) as info:
        quiet(mlp([1, 4, 1], "identity"), (X, y), optimizer="sgd", learning_rate=50.0, batch_size=5, epochs=100)
    assert 1 <= info.value.epoch <= 100


# ---- bad inputs ------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(optimizer="rmsprop"), ValueError, "unknown optimizer 'rmsprop'"),
    (dict(learning_rate=-0.1), ValueError, "learning_rate must be"),
    (dict(epochs=0), ValueError, "epochs must be"),
    (dict(epochs=2.5), ValueError, "epochs must be"),
    (dict(batch_size=0), ValueError, "batch_size must be"),
    (dict(seed=-1), ValueError, "seed must be"),
    (dict(clip=0), ValueError, "clip must be"),
    (dict(loss="hinge"), ValueError, "unknown loss 'hinge'"),
    (dict(trainable=["w9_9"]), ValueError, "trainable must name"),
    (dict(trainable=[]), ValueError, "trainable must name"),
    (dict(theta0=[1.0, 2.0]), ValueError, "theta0 must hold 11"),
    (dict(theta0={"w7": 1.0}), ValueError, "unknown parameter"),
    (dict(theta0=[float("nan")] * 11), ValueError, "finite"),
    (dict(validation=1.5), ValueError, "validation must be"),
    (dict(validation=(np.zeros((3, 3)), np.zeros(3))), ValueError, "validation: the network has 2 input"),
    (dict(log_every=0), ValueError, "log_every"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        train(seed_network(), XOR, **{"epochs": 2, **kwargs})


@pytest.mark.parametrize("data, match", [
    ((np.zeros((5, 3)), np.zeros(5)), "X needs 2 column"),
    ((np.zeros((5, 2)), np.zeros(4)), "X must have shape"),
    ((np.array([[0.0, np.nan]]), np.zeros(1)), "non-finite value nan"),
    ((np.zeros((2, 2)), np.array([0.0, np.inf])), "non-finite value inf"),
    ((np.zeros((0, 2)), np.zeros(0)), "at least"),
])
def test_bad_data(data, match):
    with pytest.raises(ValueError, match=match):
        quiet(seed_network(), data, epochs=1)


def test_bad_target_and_data_types():
    with pytest.raises(TypeError, match="Network or Loss"):
        quiet("seed", XOR)
    with pytest.raises(TypeError, match="Dataset or a pair"):
        quiet(seed_network(), np.zeros((4, 2)))


def test_save_and_load_are_still_importable_from_training():
    import symnet.learn.modelfile
    import symnet.learn.training

    assert symnet.learn.training.save is symnet.learn.modelfile.save and symnet.learn.training.load is symnet.learn.modelfile.load
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        symnet.learn.training.nothing  # noqa: B018


def test_numpy_integers_and_clip_are_checked():
    result = quiet(linear(), (np.array([[0.0], [1.0]]), np.array([1.0, 3.0])), epochs=np.int64(2), seed=np.int32(1),
                   batch_size=np.int64(1), clip=np.float32(1.0))
    assert result.settings["epochs"] == 2 and type(result.settings["epochs"]) is int
    with pytest.raises(TypeError, match="clip must be positive"):
        quiet(linear(), ([[0.0]], [1.0]), clip="1")


def test_loss_object_and_optimizer_object():
    from symnet import squared_error
    from symnet.learn.optim import Momentum

    result = quiet(squared_error(seed_network()), XOR, optimizer=Momentum(0.2, beta=0.5), epochs=3)
    assert result.settings["optimizer"] == "momentum" and result.settings["learning_rate"] == 0.2
    with pytest.raises(TypeError, match="callback must be callable"):
        quiet(seed_network(), XOR, epochs=1, callback="print")
