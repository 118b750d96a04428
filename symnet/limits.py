"""Every size limit of symnet in one place: what a command or a library call refuses up front.

symnet promises bounded work: anything that would take more than about 10 s or 2 GB is refused
before it starts, with a message naming the limit, or stopped by a time limit (``--timeout``, CPU
seconds; exit 2 in the CLI; see ``symnet/cli/timelimit.py``).
The numbers were measured on one laptop core; ``docs/cli.md`` ("Limits") lists them for users.

Cost model. A network's size is its number of scalar parameters and of steps in its straight-line
program (one step per operation). Building an MLP symbolically costs about 10 µs per weight times
its neuron's fan-in; the compiled loss and gradient hold about one float64 array of the batch per
step; one training epoch costs about 100 µs per step plus 100 ns per step and sample.
"""

from __future__ import annotations

from itertools import pairwise

# --- files -------------------------------------------------------------------------------------
MAX_CSV_BYTES = 256 * 2**20       # a CSV data file
MAX_CSV_COLUMNS = 1000
MAX_ROWS = 1_000_000              # samples of a data set (CSV rows or --samples)
MAX_NETWORK_FILE_BYTES = 1_000_000   # a JSON network file
MAX_MODEL_BYTES = 10_000_000      # a model.json written by train

# --- networks ----------------------------------------------------------------------------------
MAX_PARAMS = 20_000               # scalar parameters of one network
MAX_STEPS = 100_000               # steps of its program (operations), estimated before building
MAX_MLP_LAYERS = 12               # an ``mlp:`` network named on the command line ...
MAX_MLP_NEURONS = 256             # ... and its neurons, all layers together
MAX_BUILD_COST = 500_000          # an MLP's Σ width · fan_in², about 10 µs each to build
MAX_LAYER_PARAMS = 20_000_000     # a layer network's Σ nₗ(nₗ₋₁ + 1): 160 MB of float64 for θ, as much again
                                  # for its gradient and each of the optimiser's states

# --- numeric work ------------------------------------------------------------------------------
MAX_BATCH_BYTES = 1_000_000_000   # 8 bytes x program steps x samples per step, held at once when training
MAX_TRAIN_WORK = 500_000_000      # epochs x steps x (1000 + samples): about a minute of NumPy
MAX_GRAPH_NODES = 120             # inputs, parameters and neurons (or steps) drawn by ``symnet graph``

# --- towers (symnet approx) ------------------------------------------------------------------
MAX_TOWER_N = 32                  # cells per axis: 1024 towers, about 15 s to build and measure
MAX_REFINE_N = 16                 # with --refine: training 256 heights takes about 25 s
MAX_TOWERS = 1400                 # towers of one study, all sizes together (n*n each), at MAX_TOWER_N

MAX_TIMEOUT = 3600.0              # CPU seconds; --timeout accepts 0 < t <= this


def mlp_cost(sizes) -> tuple[int, int]:
    """(parameters, program steps) of an affine MLP with these layer sizes, before it is built.

    A neuron with k inputs has k weights and a bias; its program is k products, k additions and
    the activation (about 2k + 2 steps).

    >>> mlp_cost([2, 3, 1])
    (13, 26)
    """
    params = steps = 0
    for fan_in, width in pairwise(sizes):
        params += (fan_in + 1) * width
        steps += (2 * fan_in + 2) * width
    return params, steps


def check_network_size(params: int, steps: int, what: str = "the network") -> None:
    """Refuse a network over ``MAX_PARAMS`` parameters or ``MAX_STEPS`` program steps (ValueError).

    >>> check_network_size(13, 26)
    """
    if params > MAX_PARAMS:
        raise ValueError(f"{what} has {params:,} parameters; symnet works with at most {MAX_PARAMS:,} "
                         f"(a symbolic network of that size takes minutes to build); use fewer neurons")
    if steps > MAX_STEPS:
        raise ValueError(f"{what} has about {steps:,} operations; symnet works with at most {MAX_STEPS:,}; "
                         f"use a smaller network")


def check_training_cost(steps: int, samples: int, epochs: int, batch: int | None = None) -> None:
    """Refuse training whose memory (8 bytes x steps x batch) or work (epochs x steps x (1000 + samples))
    is over ``MAX_BATCH_BYTES`` or ``MAX_TRAIN_WORK`` (ValueError), before compiling anything.

    The 1000 stands for NumPy's fixed cost per operation and step (about 100 µs).

    >>> check_training_cost(50, 200, 200)
    >>> check_training_cost(18, 200, 1_000_000)
    Traceback (most recent call last):
    ...
    ValueError: training would do about 2.2e+10 units of work (1,000,000 epochs x 18 operations x (1000 + 200 samples)); the limit is 5e+08 (about a minute): use fewer epochs, fewer samples or a smaller network
    """
    rows = min(batch or samples, samples)
    held = 8 * steps * rows
    if held > MAX_BATCH_BYTES:
        raise ValueError(f"training would hold about {held / 1e9:.1f} GB at once ({steps:,} operations x "
                         f"{rows:,} samples per step); the limit is {MAX_BATCH_BYTES / 1e9:g} GB: "
                         f"use fewer samples, a smaller batch size or a smaller network")
    work = epochs * steps * (1000 + samples)
    if work > MAX_TRAIN_WORK:
        raise ValueError(f"training would do about {work:.2g} units of work ({epochs:,} epochs x {steps:,} "
                         f"operations x (1000 + {samples:,} samples)); the limit is {MAX_TRAIN_WORK:.0e} "
                         f"(about a minute): use fewer epochs, fewer samples or a smaller network")


def check_mlp_size(sizes) -> None:
    """Refuse an MLP too large to build symbolically, before building it (ValueError).

    Building costs about 10 µs per weight times the neuron's fan-in (SymPy sums of k terms), so
    the estimate is Σ width · fan_in²; parameters and program steps are bounded too.

    >>> check_mlp_size([2, 3, 1])
    >>> check_mlp_size([2000, 1])
    Traceback (most recent call last):
    ...
    ValueError: mlp [2000, 1] would take about 40 s to build symbolically (a neuron with 2,000 inputs); the limit is about 5 s (sum of width * fan-in**2 at most 500,000): use fewer inputs or neurons
    """
    params, steps = mlp_cost(sizes)
    check_network_size(params, steps, f"mlp {list(sizes)}")
    build = sum(width * fan_in * fan_in for fan_in, width in pairwise(sizes))
    check_build_cost(build, max(sizes[:-1]), f"mlp {list(sizes)}", "sum of width * fan-in**2")


def check_build_cost(build: int, widest: int, what: str, formula: str = "sum of fan-in**2 over its neurons") -> None:
    """Refuse a network whose symbolic build cost (Σ fan-in² over its neurons) is over ``MAX_BUILD_COST``.

    >>> check_build_cost(3_000**2, 3_000, "the network")
    Traceback (most recent call last):
    ...
    ValueError: the network would take about 90 s to build symbolically (a neuron with 3,000 inputs); the limit is about 5 s (sum of fan-in**2 over its neurons at most 500,000): use fewer inputs or neurons
    """
    if build > MAX_BUILD_COST:
        raise ValueError(f"{what} would take about {build * 1e-5:,.0f} s to build symbolically (a neuron "
                         f"with {widest:,} inputs); the limit is about 5 s ({formula} at most "
                         f"{MAX_BUILD_COST:,}): use fewer inputs or neurons")


def check_neurons_size(neurons, what: str = "the network") -> None:
    """Refuse a network of neurons too large to build, before building it (ValueError), as ``check_mlp_size``.

    Args:
        neurons: one ``(fan_in, affine)`` pair per neuron; an affine neuron has a weight per input and
            a bias (2k + 2 steps), a scalar one θ·Σu a single parameter (k + 2 steps).
        what: the network's name in the message.

    >>> check_neurons_size([(2, True)] * 3 + [(3, True)])
    >>> check_neurons_size([(3_000, True)], "the network of net.json")
    Traceback (most recent call last):
    ...
    ValueError: the network of net.json would take about 90 s to build symbolically (a neuron with 3,000 inputs); the limit is about 5 s (sum of fan-in**2 over its neurons at most 500,000): use fewer inputs or neurons
    """
    neurons = list(neurons)
    params = sum(k + 1 if affine else 1 for k, affine in neurons)
    steps = sum(2 * k + 2 if affine else k + 2 for k, affine in neurons)
    check_network_size(params, steps, what)
    if neurons:
        check_build_cost(sum(k * k for k, _ in neurons), max(k for k, _ in neurons), what)


def check_layer_size(sizes) -> None:
    """Refuse a layer network over ``MAX_LAYER_PARAMS`` parameters (ValueError), before anything is allocated.

    >>> check_layer_size([64, 32, 10])
    >>> check_layer_size([100_000, 100_000, 10])
    Traceback (most recent call last):
    ...
    ValueError: the layer network 100000-100000-10 has 10,001,100,010 parameters; symnet works with at most 20,000,000 (160 MB of float64 for θ, as much again for its gradient and the optimiser): use narrower layers
    """
    params = sum((fan_in + 1) * width for fan_in, width in pairwise(sizes))
    if params > MAX_LAYER_PARAMS:
        raise ValueError(f"the layer network {'-'.join(map(str, sizes))} has {params:,} parameters; symnet works "
                         f"with at most {MAX_LAYER_PARAMS:,} (160 MB of float64 for θ, as much again for its "
                         f"gradient and the optimiser): use narrower layers")
