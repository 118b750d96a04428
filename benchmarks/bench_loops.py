"""``symnet.train`` beside an ordinary one-thread PyTorch loop with the same network, optimiser and data.

The PyTorch side is what its users write: ``nn.Linear`` layers (one per neuron for the seed network),
``torch.optim.SGD`` or ``Adam`` (weight decay on the weights only, as symnet's L2 penalty ½λ‖W‖²,
``LambdaLR`` for the linear decay), shuffled mini-batches and ``opt.zero_grad(); loss.backward();
opt.step()``. Both start from the same θ; PyTorch's first loss and gradient are checked against
symnet's before anything is timed. symnet's time is the training loop ``train`` reports
(``history.seconds``; compiling is timed apart, and the last column counts it in: a short run pays
for LLVM's compile), PyTorch's the loop's.
The two alternate round by round; each time is the median of the rounds.

    python benchmarks/bench_loops.py [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_training import first_step, torch_loop  # noqa: E402

from symnet import mlp, value_and_grad  # noqa: E402
from symnet.core.layers import layers  # noqa: E402
from symnet.learn.data import make  # noqa: E402
from symnet.learn.inplace import prepare_fused  # noqa: E402
from symnet.learn.optim import get_optimizer  # noqa: E402
from symnet.learn.training import LAYER_DEFAULTS, train  # noqa: E402

# (label, network spec, samples, train's keyword arguments beyond the defaults, epochs when --quick)
CASES = (("2-8-8-1 · train's defaults (Adam η 0.05, full batch)", "2-8-8-1", 256, {}, 20),
         ("2-8-8-1 · SGD η 0.5, full batch", "2-8-8-1", 256, {"optimizer": "sgd", "learning_rate": 0.5}, 20),
         ("2-8-8-1 · SGD η 0.5, batch 32", "2-8-8-1", 256,
          {"optimizer": "sgd", "learning_rate": 0.5, "batch_size": 32, "epochs": 40}, 4),
         ("784-128-10 · layer defaults (Adam η 0.01, batch 32, L2 10⁻³, linear decay)", "784-128-10", 2048,
          {**LAYER_DEFAULTS, "epochs": 2}, 1))


def case_data(spec, samples):
    """(network, X, y, θ₀): moons for 2-8-8-1; 784 Gaussian pixels, labels 0–9 for 784-128-10 (MNIST's shape)."""
    rng = np.random.default_rng(0)
    if spec == "2-8-8-1":
        net, data = mlp([2, 8, 8, 1]), make("moons", n=samples, seed=0)
        return net, data.X, data.y, 0.5 * rng.standard_normal(len(net.params))
    net = layers(spec)
    theta = np.concatenate([np.append(rng.normal(scale=(2 / n_in) ** 0.5, size=n_out * n_in), np.zeros(n_out))
                            for n_in, n_out in zip(net.sizes, net.sizes[1:])])
    return net, rng.normal(size=(samples, net.sizes[0])), rng.integers(0, net.sizes[-1], size=samples), theta


def torch_model_for(net, spec, theta):
    """(a fresh PyTorch model holding θ, its loss function: None for the mean squared error)."""
    import torch

    from peers import torch_model

    if spec == "2-8-8-1":
        return torch_model(theta, [2, 8, 8, 1]), None
    parts = []
    for n_in, n_out in zip(net.sizes, net.sizes[1:]):
        parts += [torch.nn.Linear(n_in, n_out, dtype=torch.float64), torch.nn.ReLU()]
    model = torch.nn.Sequential(*parts[:-1])
    _load_layers(model, net, theta)
    return model, torch.nn.functional.cross_entropy


def check_peer(net, spec, X, y, theta):
    """PyTorch's first loss and gradient against symnet's: a peer that disagrees stops the run."""
    import torch

    from bench_systems import check

    model, loss_fn = torch_model_for(net, spec, theta)
    if loss_fn is None:
        value, grad = first_step(model, X, y)
    else:
        loss = loss_fn(model(torch.as_tensor(X)), torch.as_tensor(y))
        loss.backward()
        value, grad = loss.item(), np.concatenate([np.append(m.weight.grad.numpy().ravel(), m.bias.grad.numpy())
                                                   for m in model if isinstance(m, torch.nn.Linear)])
    check(spec, "PyTorch (training)", value, grad, value_and_grad(net, backend="numpy")(theta, X, y))


def _load_layers(model, net, theta):
    import torch

    start = 0
    for m, (n_in, n_out) in zip([m for m in model if isinstance(m, torch.nn.Linear)], zip(net.sizes, net.sizes[1:])):
        with torch.no_grad():
            m.weight.copy_(torch.from_numpy(theta[start:start + n_in * n_out].reshape(n_out, n_in)))
            m.bias.copy_(torch.from_numpy(theta[start + n_in * n_out:start + (n_in + 1) * n_out]))
        start += (n_in + 1) * n_out


def _optimiser(settings):
    """(optimiser factory, scheduler factory or None) matching train's settings."""
    import torch

    rate, decay, epochs = settings.get("learning_rate", 0.05), settings.get("weight_decay", 0.0), settings["epochs"]
    kind = torch.optim.SGD if settings.get("optimizer", "adam") == "sgd" else torch.optim.Adam

    def make_optimizer(model):
        weights = [p for name, p in model.named_parameters() if name.endswith("weight")]
        biases = [p for name, p in model.named_parameters() if name.endswith("bias")]
        return kind([{"params": weights, "weight_decay": decay}, {"params": biases, "weight_decay": 0.0}], lr=rate)

    linear = settings.get("schedule") == "linear"
    return make_optimizer, (lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, lambda e: 1 - e / epochs)) \
        if linear else None


def measure(case, rounds, quick):
    """(symnet backend, compile s, symnet loop s, PyTorch loop s): medians of alternating rounds."""
    label, spec, samples, extra, quick_epochs = case
    settings = {"epochs": 200, **extra, **({"epochs": quick_epochs} if quick else {})}
    net, X, y, theta = case_data(spec, samples // (4 if quick else 1))
    check_peer(net, spec, X, y, theta)
    make_optimizer, schedule = _optimiser(settings)
    start = time.perf_counter()
    fn = value_and_grad(net)
    prepare_fused(get_optimizer(settings.get("optimizer", "adam"), 0.05), fn.dtype,   # train's update, once a process
                  settings.get("weight_decay", 0.0) != 0)
    backend, compile_s = fn.backend, time.perf_counter() - start
    ours, theirs = [], []
    for _ in range(rounds):
        result = train(net, (X, y), theta0=theta, progress=False, **settings)
        ours.append(result.history.seconds)
        model, loss_fn = torch_model_for(net, spec, theta)
        theirs.append(torch_loop(model, X, y, settings["epochs"], settings.get("batch_size"), make_optimizer,
                                 loss_fn, schedule))
    return backend, compile_s, statistics.median(ours), statistics.median(theirs)


def table(rounds, quick) -> str:
    lines = ["| run | samples | symnet backend | symnet compile s | symnet train s | PyTorch loop s | "
             "symnet/PyTorch throughput × | with symnet's compile × |", "|---|---:|---|---:|---:|---:|---:|---:|"]
    for case in CASES:
        backend, compile_s, ours, theirs = measure(case, rounds, quick)
        samples = case[2] // (4 if quick else 1)
        lines.append(f"| {case[0]} | {samples} | {backend} | {compile_s:.3f} | {ours:.3f} | {theirs:.3f} | "
                     f"{theirs / ours:.2f} | {theirs / (ours + compile_s):.2f} |")
        print(lines[-1], flush=True)
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    print(table(2 if args.quick else args.rounds, args.quick))


if __name__ == "__main__":
    main()
