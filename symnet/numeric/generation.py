"""Generated code from programs: assignments and outputs become the lines of one Python function.

The assignments are handed to ``lambdify`` as its ``cse``, so the generated source reads like the
derivation (``z5 = …``, ``h5 = sigmoid(z5)``, ``delta_z5 = …``). A ``Target`` says what it is printed
for (NumPy here; ``jax.numpy`` in ``jaxgen``). Each symbol is printed under a generated identifier
(``printer.identifiers``) that no global the code reads can equal: the printed source is read back
and, should one clash, printed again with that name reserved.

``mean_outputs`` moves the mean over the batch into the program: ∂(1/N Σₙ Lₙ)/∂θ = 1/N Σₙ ∂Lₙ/∂θ,
taken only of the outputs that vary with the data.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.constants
import scipy.special
from sympy import Basic, Dummy, Symbol, lambdify, sympify

from symnet.core.program import Program
from symnet.numeric.printer import (HELPERS, RESERVED, NumPyCodePrinter, batch_mean, function_names, global_names,
                                    identifiers, user_functions)

@dataclass(frozen=True)
class Target:
    """What generated code is printed for: a printer class, the modules its paths start with, bound helpers."""

    printer: type
    modules: dict
    helpers: dict
    backend: str = "numpy"      # the name its lowerings are registered under (``symnet.numeric.lowerings``)


NUMPY = Target(NumPyCodePrinter, {"numpy": np, "scipy": scipy, "functools": functools}, HELPERS)


@dataclass(frozen=True)
class Generated:
    """A generated function, its source, the imports a standalone module needs and the user callables it uses."""

    function: object
    source: str
    imports: tuple[str, ...]
    user: tuple[str, ...]
    names: tuple[tuple[Symbol, str], ...]  # (symbol, its identifier in the source)


def generate(args: Sequence[Symbol], outputs: Sequence[Basic], assignments=(), name: str = "program",
             numpy: Mapping | None = None, target: Target = NUMPY) -> Generated:
    """Compile ``assignments`` then ``return [outputs]`` to a function of ``args`` (NumPy unless ``target``).

    ``numpy`` maps the names of functions symnet does not know to callables, for this call only.
    """
    assignments = tuple(assignments)
    exprs = [rhs for _, rhs in assignments] + list(outputs)
    bound = user_functions(exprs, numpy, target.helpers)
    symbols = _ordered_symbols(args, assignments, exprs)
    reserved = set(bound) | function_names(exprs) | set(target.modules)
    while True:
        names = identifiers(symbols, reserved)
        fn, printer = _lambdify(names, args, outputs, assignments, bound, target)
        text = inspect.getsource(fn).replace("def _lambdifygenerated(", f"def {name}(", 1)
        globals_read = global_names(text)
        clash = globals_read & set(names.values())
        if not clash:  # no generated identifier is also a global the code reads
            break
        reserved |= clash
    foreign = sorted({m.split(".")[0] for m in printer.module_imports} - set(target.modules))
    if foreign:  # e.g. math.erf where the target has no form of a function: it would fail when called
        raise NotImplementedError(f"no {target.printer.__name__} form for {_calls_into(printer, foreign)}; give one "
                                  f"per call, value_and_grad(..., numpy={{name: f}})")
    fn.__name__ = name
    used = globals_read - set(target.modules) - RESERVED  # the functions it calls by name
    helpers = {n for n in used if n in target.helpers and bound.get(n) is target.helpers[n][0]}
    imports = tuple(f"import {module}" for module in sorted(printer.module_imports))
    imports += tuple(target.helpers[n][1] for n in sorted(helpers))
    return Generated(fn, text, imports, tuple(sorted(used - helpers)), tuple(names.items()))


def expression_function(expr: Basic, args: Sequence[Symbol], numpy: Mapping | None = None):
    """Compile a single expression (e.g. a 1-D function h(x), or σ′ in (z, σ)) with the stable activations."""
    fn = generate(args, [expr], (), "expression", numpy).function
    return functools.wraps(fn)(lambda *values: fn(*values)[0])


def source(fn) -> str:
    """The generated Python source of a compiled function, under the name it was compiled as."""
    return inspect.getsource(fn).replace("def _lambdifygenerated(", f"def {fn.__name__}(", 1)


def _calls_into(printer, roots) -> str:
    return ", ".join(f"{module}.{name}" for module, names in sorted(printer.module_imports.items())
                     for name in sorted(names) if module.split(".")[0] in roots)


def _ordered_symbols(args, assignments, exprs) -> list:
    seen = dict.fromkeys(list(args) + [lhs for lhs, _ in assignments])
    for expr in exprs:
        seen.update(dict.fromkeys(sorted((s for s in expr.free_symbols if s not in seen), key=str)))  # O(step)
    return list(seen)


def _lambdify(names, args, outputs, assignments, bound, target):
    rename = {s: Symbol(n, **s.assumptions0) for s, n in names.items()}
    new_assignments = [(rename[lhs], rhs.xreplace(rename)) for lhs, rhs in assignments]
    printer = target.printer(bound)
    exprs = [sympify(o).xreplace(rename) for o in outputs]
    fn = lambdify([rename[a] for a in args], exprs,
                  modules=[{**target.modules, **bound}], printer=printer, cse=lambda exprs: (new_assignments, exprs),
                  docstring_limit=0)
    return fn, printer


def data_dependent(program: Program, data: Sequence[Symbol]) -> set:
    """The program's symbols whose value changes from sample to sample (they depend on ``data``)."""
    varying = set(data)
    for lhs, rhs in program.assignments:
        if rhs.free_symbols & varying:
            varying.add(lhs)
    return varying


def mean_outputs(program: Program):
    """The program's assignments and outputs with every per-sample output replaced by its batch mean."""
    varying = data_dependent(program, program.inputs)
    assignments, outputs = list(program.assignments), []
    for out in program.outputs:
        if not (out.free_symbols & varying):
            outputs.append(out)
            continue
        if not out.is_Symbol:  # name it, so the mean reads ``numpy.add.reduce(g)/g.size``
            name = Dummy("g")
            assignments.append((name, out))
            out = name
        outputs.append(batch_mean(out))
    return tuple(assignments), outputs
