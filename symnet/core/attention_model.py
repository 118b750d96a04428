"""The attention block as a formula: one head of self-attention over a sequence, and a classifier readout.

One sample is a sequence X of T tokens × d features (one row per token). The block's matrix steps are

    Q = X W_Q,   K = X W_K,   V = X W_V,   S = Q Kᵀ / √d_k,   A = softmax(S) by rows,   O = A V,

and the readout makes it a classifier of k classes: h = Oᵀ r (r = e₁ reads the first token's row, the
query; r = 1/T averages the tokens), z = W_o h + b_o, C = log Σₖ e^{zₖ} − yᵀz (softmax cross-entropy).
r is a constant, not a parameter. The steps form one ``Program``, so the one reverse sweep
(``symnet.core.backprop``) derives the gradient with the row softmax's rule (``symnet.core.attention``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import ImmutableMatrix, MatAdd, MatMul, MatrixSymbol, Rational, Symbol, sqrt

from symnet.core.attention import RowSoftmax
from symnet.core.lowering import entries, explicit, flat, flat_params
from symnet.core.matrix_rules import Softmax, SoftmaxCrossEntropy
from symnet.core.network import ARRAY_DEFAULTS
from symnet.core.program import Program

READOUTS = ("query", "mean")
MAX_SIZE = 4096
COST = Symbol("C")


@dataclass(frozen=True)
class AttentionNetwork:
    """One attention head and a dense softmax readout; ``program`` ends with the class probabilities.

    ``tokens`` T, ``features`` d, ``key_size`` d_k, ``value_size`` d_v, ``classes`` k, ``readout`` query or mean.
    """

    tokens: int
    features: int
    key_size: int
    value_size: int
    classes: int
    readout: str
    program: Program

    @property
    def inputs(self) -> tuple:
        return self.program.inputs

    @property
    def params(self) -> tuple:
        return self.program.params

    neurons = ()      # matrices W_Q, W_K, …: no neurons to name
    models = ()
    train_defaults = ARRAY_DEFAULTS   # mini-batches, a schedule, a held-out test set
    output_activation = "softmax"     # the readout's class probabilities

    @property
    def sizes(self) -> tuple[int, int]:
        """(numbers per sample T·d, classes k): what training reads as the input width and the outputs."""
        return (self.tokens * self.features, self.classes)

    @property
    def n_params(self) -> int:
        return int(sum(p.shape[0] * p.shape[1] for p in self.params))

    @property
    def spec(self) -> str:
        """The network's name on the command line, which ``parse_attention_spec`` reads back:
        ``attention:T=6,d=9,dk=4,dv=9,classes=4,readout=query``."""
        return (f"attention:T={self.tokens},d={self.features},dk={self.key_size},dv={self.value_size},"
                f"classes={self.classes},readout={self.readout}")

    @property
    def readout_vector(self) -> MatrixSymbol:
        """r, the constant T × 1 column the readout h = Oᵀ r uses."""
        return MatrixSymbol("r", self.tokens, 1)

    def loss(self, kind: str | None = None) -> AttentionLoss:
        """C = softmax cross-entropy of the logits z (the one loss a softmax readout takes)."""
        if kind not in (None, "softmax_cross_entropy", "cross_entropy", "ce"):
            raise ValueError(f"an attention classifier trains with softmax_cross_entropy; got loss {kind!r}")
        *steps, (_, probabilities) = self.program.assignments
        y = MatrixSymbol("y", self.classes, 1)
        program = Program(self.inputs + (y,), self.params,
                          tuple(steps) + ((COST, SoftmaxCrossEntropy(probabilities.args[0], y)),), (COST,))
        return AttentionLoss(self, "softmax_cross_entropy", program, y)

    def formula(self):
        """The logits z as one nested formula of X and the parameters (every step substituted)."""
        return self.program.closed_form((self.program.rhs(self.program.outputs[0]).args[0],))[0]

    def _symnet_text(self, printer):
        """The steps, then z as one formula (what ``print(network)`` shows)."""
        steps = [f"{printer._print(lhs)} = {printer._print(rhs)}" for lhs, rhs in self.program.assignments]
        return "\n".join(steps + [f"z = {printer._print(self.formula())}"])

    def _latex(self, printer):
        steps = [rf"{printer._print(lhs)} &= {printer._print(rhs)}" for lhs, rhs in self.program.assignments]
        return "\\begin{aligned}\n" + " \\\\\n".join(steps) + "\n\\end{aligned}"

    def __str__(self) -> str:
        from symnet.render.printing import pretty

        return pretty(self)

    def _repr_latex_(self) -> str:
        from symnet.render.printing import latex

        return f"$$\n{latex(self)}\n$$"

    def __repr__(self) -> str:
        return (f"attention(T={self.tokens}, d={self.features}, d_k={self.key_size}, d_v={self.value_size}, "
                f"classes={self.classes}, readout={self.readout!r})")


@dataclass(frozen=True)
class AttentionLoss:
    """The network's steps followed by C = softmax cross-entropy of z; y is the one-hot k × 1 target."""

    is_loss = True          # what every verb differentiates (``as_loss``)
    layout = "sequences"    # how it is compiled and checked (``symnet.numeric.kinds``): one matrix per sample
    network: AttentionNetwork
    name: str
    program: Program
    target: MatrixSymbol

    @property
    def display(self):
        """The loss step's formula (``SoftmaxCrossEntropy(z, y)``), as a scalar ``Loss`` has its formula in ŷ, y."""
        return self.program.rhs(self.program.outputs[0])

    def _symnet_text(self, printer):
        return "\n".join(f"{printer._print(lhs)} = {printer._print(rhs)}" for lhs, rhs in self.program.assignments)

    def __str__(self) -> str:
        from symnet.render.printing import pretty

        return pretty(self)


def _size(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIZE:
        raise ValueError(f"{what} must be a whole number from 1 to {MAX_SIZE}; got {value!r}")
    return value


def attention(T: int | str, d: int | None = None, d_k: int | None = None, *, d_v: int | None = None,
              classes: int = 2, readout: str = "query", echo: bool = False) -> AttentionNetwork:
    """One head of self-attention on a sequence of ``T`` tokens × ``d`` features, read out as a classifier.

    Args:
        T, d: tokens per sequence and features per token (X is T × d); or T alone as the CLI's spec,
            ``attention("attention:T=6,d=9,dk=4,classes=4")`` (what ``.spec`` prints, read back).
        d_k, d_v: the width of queries and keys, and of values (default d).
        classes: k, the number of classes of the softmax readout.
        readout: "query" (h = the first token's row of O, the query) or "mean" (the mean of O's rows).
        echo: print the formula it built (the steps, then z as one formula).

    Returns:
        An ``AttentionNetwork``; ``.loss()`` is its softmax cross-entropy.

    >>> net = attention(4, 3, 2, classes=2)
    >>> print(net.program.rhs(net.program.symbols[3]))
    (sqrt(2)/2)*Q*K.T
    >>> net.n_params
    29
    """
    if isinstance(T, str):
        if d is not None or d_k is not None or d_v is not None:
            raise TypeError("attention takes a spec string alone, or the sizes T, d, …; not both")
        network = parse_attention_spec(T)
        if echo:
            print(network)
        return network
    if d is None:
        raise TypeError("attention needs T and d (tokens and features per token), or a spec string "
                        "'attention:T=6,d=9,classes=4'")
    T, d, classes = _size(T, "T (tokens)"), _size(d, "d (features)"), _size(classes, "classes")
    d_k, d_v = _size(d if d_k is None else d_k, "d_k"), _size(d if d_v is None else d_v, "d_v")
    if readout not in READOUTS:
        raise ValueError(f"readout must be one of {', '.join(READOUTS)}; got {readout!r}")
    network = AttentionNetwork(T, d, d_k, d_v, classes, readout, _program(T, d, d_k, d_v, classes))
    if echo:
        print(network)
    return network


SPEC_KEYS = {"T": "T", "d": "d", "dk": "d_k", "dv": "d_v", "classes": "classes", "readout": "readout"}


def parse_attention_spec(spec: str) -> AttentionNetwork:
    """``attention:T=6,d=9[,dk=4][,dv=9][,classes=4][,readout=query|mean]``, what ``network.spec`` prints.

    >>> parse_attention_spec("attention:T=4,d=3,dk=2").spec
    'attention:T=4,d=3,dk=2,dv=3,classes=2,readout=query'
    """
    head, _, body = spec.strip().partition(":")
    if head != "attention" or not body:
        raise ValueError(f"expected attention:T=…,d=…[,dk=…][,dv=…][,classes=…][,readout=query|mean]; got {spec!r}")
    given = {}
    for part in body.split(","):
        key, sep, value = (t.strip() for t in part.partition("="))
        if not sep or key not in SPEC_KEYS or key in given:
            what = "repeated" if key in given else "unknown"
            raise ValueError(f"{spec}: {what} entry {part.strip()!r}; entries are {', '.join(SPEC_KEYS)} (name=value)")
        if key != "readout" and not value.isdigit():
            raise ValueError(f"{spec}: {key} must be a whole number; got {value!r}")
        given[key] = value if key == "readout" else int(value)
    if "T" not in given or "d" not in given:
        raise ValueError(f"{spec}: T (tokens) and d (features) are required, e.g. attention:T=6,d=9,classes=4")
    options = {SPEC_KEYS[k]: v for k, v in given.items()}
    return attention(options.pop("T"), options.pop("d"), options.pop("d_k", None), **options)


def _program(T, d, d_k, d_v, classes) -> Program:
    """The steps Q, K, V, S, A, O, h, z and the class probabilities p = softmax(z), in that order."""
    X = MatrixSymbol("X", T, d)
    WQ, WK, WV = MatrixSymbol("W_Q", d, d_k), MatrixSymbol("W_K", d, d_k), MatrixSymbol("W_V", d, d_v)
    Wo, bo = MatrixSymbol("W_o", classes, d_v), MatrixSymbol("b_o", classes, 1)
    Q, K, V = MatrixSymbol("Q", T, d_k), MatrixSymbol("K", T, d_k), MatrixSymbol("V", T, d_v)
    S, A, O = MatrixSymbol("S", T, T), MatrixSymbol("A", T, T), MatrixSymbol("O", T, d_v)
    h, z, r = MatrixSymbol("h", d_v, 1), MatrixSymbol("z", classes, 1), MatrixSymbol("r", T, 1)
    steps = ((Q, MatMul(X, WQ)), (K, MatMul(X, WK)), (V, MatMul(X, WV)),
             (S, MatMul(1 / sqrt(d_k), Q, K.T).doit(deep=False)), (A, RowSoftmax(S)), (O, MatMul(A, V)),
             (h, MatMul(O.T, r)), (z, MatAdd(MatMul(Wo, h), bo)), (MatrixSymbol("p", classes, 1), Softmax(z)))
    return Program((X,), (WQ, WK, WV, Wo, bo), steps, (steps[-1][0],))


def readout_column(network: AttentionNetwork) -> ImmutableMatrix:
    """r as explicit numbers: e₁ (the query token's row) or 1/T in every entry (the mean of the rows)."""
    T = network.tokens
    if network.readout == "query":
        return ImmutableMatrix(T, 1, [1] + [0] * (T - 1))
    return ImmutableMatrix(T, 1, [Rational(1, T)] * T)


def lower_attention(target) -> Program:
    """The attention loss (or network) written entry by entry: one scalar step per entry of Q, K, V, S, A, …

    The bridge to the scalar engine for tiny sizes: ``check_grads`` differentiates it as a second, independent
    gradient (softmax by rows becomes e^{S_ij} / Σₖ e^{S_ik}, entry by entry). Parameters come row by row.

    >>> low = lower_attention(attention(2, 1, classes=2).loss())
    >>> len(low.params), low.symbols[:2]
    (7, (Q_1_1, Q_2_1))
    """
    network = getattr(target, "network", target)
    program = target.program
    env = {m: entries(m) for m in program.inputs + program.params}
    env[network.readout_vector] = readout_column(network)
    steps = []
    for lhs, rhs in program.assignments:
        value = explicit(rhs, env)      # softmax by rows of explicit entries is explicit (``_RowWise``)
        if isinstance(lhs, MatrixSymbol):
            env[lhs] = ImmutableMatrix(*lhs.shape, [Symbol(f"{lhs.name}_{i + 1}_{j + 1}") for i in range(lhs.rows)
                                                    for j in range(lhs.cols)])
            steps += list(zip(env[lhs], value))
        else:
            steps.append((lhs, value))
    outputs = tuple(o if not isinstance(o, MatrixSymbol) else env[o][0] for o in program.outputs)
    return Program(flat(env[m] for m in program.inputs), flat_params(program), tuple(steps), outputs)
