"""``symnet quiz``: check your own derivative. Type ∂L/∂s as a formula; symnet says whether it is right, who
decided (a symbolic proof, or exact numbers at random points), and which chain-rule path or factor is
missing or extra. Exit 0 right, 1 wrong, 2 bad input.

The answer is read by the safe parser (``symnet.io.parsing``) and judged by ``symnet.derivation.quiz_judge``.
SymPy is imported inside the command.
"""

from __future__ import annotations

from contextlib import contextmanager

import click

from .common import (
    EXIT_CHECK_FAILED,
    Command,
    ascii_option,
    echo_out,
    emit,
    examples,
    format_option,
    handle_errors,
    lang_option,
    load_network,
    loss_option,
    make_loss,
    network_options,
    preload,
    time_limit,
    timeout_option,
)
from .timelimit import TimeLimitExceeded

SIMPLIFY_SECONDS = 5.0     # the closed-form simplification's share of --timeout, at most
ANSWER_HELP = ("The derivative, a formula in the names symnet prints: inputs x1, x2, the target y, parameters "
               "w2_1, b5, nodes z1, h1, u3_1 (yhat for the output) and δ's of the nodes between WRT and L "
               "(delta_z2 or δ_z2); functions sigmoid (or σ), exp, log, tanh, relu, softplus. Asked for when left out.")


@click.command(cls=Command, epilog=examples(
    'symnet quiz seed --wrt b5 --answer "2*(yhat - y)*yhat*(1 - yhat)"',
    'symnet quiz seed --wrt w2_1 --answer "(delta_u3_1 + delta_z4*w4_1)*h2*(1 - h2)*x2"',
    'symnet quiz seed --wrt h2 --answer "delta_u3_1 + delta_z4*w4_1" --lang zh'))
@network_options
@loss_option
@click.option("--wrt", required=True, metavar="NAME",
              help="What the derivative is taken by: a parameter (w2_1), an input (x1) or a node (h2, z3): ∂L/∂NAME; "
                   "two names A,B (B a parameter or an input) ask for the Hessian entry ∂²L/∂A∂B.")
@click.option("--answer", metavar="FORMULA", help=ANSWER_HELP)
@click.option("--points", type=click.IntRange(3, 50), default=8, show_default=True,
              help="Random points the answer is compared at (exactly, to 50 digits).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the random points.")
@format_option("json", choices=("unicode", "text"))
@lang_option
@timeout_option
@ascii_option
@handle_errors
def quiz(network, expr, inputs, params, activation, loss_name, wrt, answer, points, seed, fmt, lang, timeout, ascii):
    """Check your own derivative: is your formula ∂L/∂WRT? If not, which path or factor is off.

    \b
    Equality is decided symbolically when it can be (the difference expands or
    simplifies to 0) and else by exact numbers at random points; one point where
    the two differ proves an answer wrong. Exit status 0 right, 1 wrong, 2 bad input.
    """
    from symnet.derivation.quiz import question, read_answer
    from symnet.derivation.quiz_judge import judge

    import sys

    from .lang import shows_chinese

    lang = lang if shows_chinese(sys.stdout) else "en"      # English words, not '?', where Chinese cannot show
    preload(extra=("symnet.derivation.quiz_judge",))
    with time_limit(timeout, "building the question"), in_language(lang):
        q = question(make_loss(load_network(network or ("seed" if expr is None else None), expr, inputs, params,
                                            activation), loss_name), wrt)
    spec = network or (expr if network is None and expr else "seed")
    if answer is None:
        answer = _ask(q, fmt, lang)
    answer = answer.strip()
    with in_language(lang):
        parsed = read_answer(q, answer)
    with time_limit(timeout, "judging the answer", "write the answer with fewer nested functions, or give a larger "
                                                   "--timeout"):
        verdict = judge(q, parsed, points, seed, _bounded(min(SIMPLIFY_SECONDS, timeout / 2)))
    if fmt == "json":
        from .records import dumps

        emit(dumps(quiz_record(q, spec, answer, verdict, lang)), None, ascii, "json")
    else:
        echo_out("\n".join(report(q, spec, answer, verdict, fmt, lang)), ascii=ascii)
    if not verdict.correct:
        raise SystemExit(EXIT_CHECK_FAILED)


@contextmanager
def in_language(lang: str):
    """The quiz's own errors (``QuizError``) in ``lang``: a ValueError (exit 2) with the words of lang_en/lang_zh."""
    from symnet.derivation.quiz import QuizError
    from symnet.render.i18n import t

    try:
        yield
    except QuizError as error:
        raise ValueError(error.render(lambda key, **fields: t(key, lang, **fields))) from None


def _ask(q, fmt: str, lang: str) -> str:
    """The answer typed at the prompt; a ValueError (exit 2) when there is no input to read."""
    from symnet.render.i18n import t

    try:
        return click.prompt(t("quiz_prompt", lang, what=_what(q, fmt)).rstrip(" ="), prompt_suffix=" = ")
    except click.Abort:
        raise ValueError(t("quiz_need_answer", lang)) from None


def _bounded(seconds: float):
    """``bounded(fn)``: ``fn()`` under a time limit of ``seconds``, None when it runs out."""
    def run(fn):
        try:
            with time_limit(seconds, "the symbolic simplification", soft=True):  # its end, never a kill
                return fn()
        except TimeLimitExceeded:
            return None
    return run


def _show(expr, q, fmt: str) -> str:
    """``expr`` as symnet prints it, the network's output written ŷ (yhat)."""
    from sympy import Symbol

    from symnet.render.printing import format_expr

    output = q.loss.network.program.outputs[0]
    return format_expr(expr.xreplace({output: Symbol("yhat")}), fmt)


def _what(q, fmt: str) -> str:
    from sympy import Derivative, Symbol

    if q.second is not None:       # ∂²L/∂a∂b, or ∂²L/∂a²; "d2L/da db" in text
        a, b = _show(q.wrt, q, fmt), _show(q.second, q, fmt)
        d, two = ("d", "2") if fmt == "text" else ("∂", "²")
        return f"{d}{two}L/{d}{a}{two}" if q.wrt == q.second else f"{d}{two}L/{d}{a}{d}{b}"
    return _show(Derivative(Symbol("L"), q.wrt), q, fmt)


def part_text(q, part, fmt: str, lang: str) -> str:
    """One product-rule term of ∂²L/∂a∂b: which factor of which path is differentiated by b."""
    from symnet.render.i18n import t

    factor = f"{_show(part.factor.what, q, fmt)} = {_show(part.factor.formula, q, fmt)}"
    return t("quiz_part", lang, b=_show(part.b, q, fmt), factor=factor, path=path_text(q, q.paths[part.path], fmt))


def path_text(q, path, fmt: str) -> str:
    """A path from the parameter to the loss: w₂,₁ → z₂ → h₂ → … → L."""
    return " → ".join(_show(node, q, fmt) for node in reversed(path.nodes))


def report(q, spec: str, answer, verdict, fmt: str, lang: str) -> list[str]:
    """The lines the command prints: question, the answer as typed, verdict, who decided, and what is off."""
    from symnet.render.i18n import t

    what = _what(q, fmt)
    lines = [t("quiz_question", lang, what=what, network=spec), t("quiz_answer", lang, answer=answer),
             t("quiz_right" if verdict.correct else "quiz_wrong", lang, what=what), decided(q, verdict, fmt, lang)]
    if not verdict.correct and q.second is not None:
        lines.append(t("quiz_parts", lang, count=len(q.paths), n=len(q.parts), what=what))
        lines += ["  " + line for line in diagnosis(q, verdict, fmt, lang)]
    elif not verdict.correct:
        lines.append(t("quiz_paths", lang, count=len(q.paths), wrt=_show(q.wrt, q, fmt)))
        lines += ["  " + line for line in diagnosis(q, verdict, fmt, lang)]
    return lines


def decided(q, verdict, fmt: str, lang: str) -> str:
    """Who decided: the symbolic proof, the random points, or one point where the two differ."""
    from symnet.render.i18n import t

    if verdict.witness is None:
        return t(f"quiz_by_{verdict.reason}", lang, points=verdict.points)
    point = ", ".join(f"{_show_name(name, q, fmt)} = {value:.3g}" for name, value in verdict.witness.items())
    mine, truth = ("?" if v is None else f"{v:.6g}" for v in verdict.values)
    return t(f"quiz_by_{verdict.reason}", lang, point=point, mine=mine, truth=truth, what=_what(q, fmt))


def _show_name(name: str, q, fmt: str) -> str:
    from sympy import Symbol

    return _show(Symbol(name), q, fmt)


def diagnosis(q, verdict, fmt: str, lang: str) -> list[str]:
    """What a wrong answer has of the paths: present and missing paths, a constant off, or notes per term."""
    from symnet.render.i18n import t

    paths = ([part_text(q, part, fmt, lang) for part in q.parts] if q.second is not None
             else [path_text(q, p, fmt) for p in q.paths])
    c = verdict.coefficients
    if c is not None and len(set(c)) == 1 and c[0] != 0:
        first = q.paths[0].factors[0]
        return [t("quiz_scaled_all", lang, factor=_fraction(c[0]), what=_what(q, fmt), dl=_show(first.formula, q, fmt))]
    if verdict.shared is not None:
        kind, local = verdict.shared
        return [t(f"quiz_all_{kind}", lang, factor=f"{_show(local.what, q, fmt)} = {_show(local.formula, q, fmt)}")]
    if c is None and q.second is not None:
        return [t("quiz_no_parts", lang)]
    if c is not None:
        keys = ({1: "quiz_have_part", 0: "quiz_missing_part"} if q.second is not None
                else {1: "quiz_have", 0: "quiz_missing"})
        return [t(keys[k], lang, path=p) if k in keys else t("quiz_counted", lang, path=p, times=_fraction(k))
                for p, k in zip(paths, c)]
    lines = [term_line(q, note, paths, fmt, lang) for note in verdict.terms]
    covered = {note.path for note in verdict.terms if note.kind != "unknown"}
    return lines + [t("quiz_missing", lang, path=p) for k, p in enumerate(paths) if k not in covered]


def term_line(q, note, paths: list, fmt: str, lang: str) -> str:
    """One term of a wrong answer and what is off in it."""
    from symnet.render.i18n import t

    term = _show(note.term, q, fmt)
    if note.path is None:
        return t("quiz_term_unreal", lang, term=term)
    fields = {"term": term, "path": paths[note.path]}
    if note.factor is not None:
        fields["factor"] = f"{_show(note.factor.what, q, fmt)} = {_show(note.factor.formula, q, fmt)}"
    if note.kind == "scaled":
        fields["factor"] = _show(note.ratio, q, fmt)
    if note.kind == "unknown":
        fields["ratio"] = "?" if note.ratio is None else _show(note.ratio, q, fmt)
    return t(f"quiz_term_{note.kind}", lang, **fields)


def _fraction(value) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def quiz_record(q, spec: str, answer: str, verdict, lang: str) -> dict:
    """The verdict as JSON data: right or not, who decided, the paths and what the answer has of them."""
    paths = [path_text(q, p, "text") for p in q.paths]
    record = {"network": spec, "wrt": q.wrt.name if q.second is None else [q.wrt.name, q.second.name], "answer": answer, "correct": verdict.correct,
              "decided_by": verdict.decided_by, "reason": verdict.reason, "points": verdict.points,
              "paths": paths, "witness": verdict.witness,
              "coefficients": None if verdict.coefficients is None else [_fraction(c) for c in verdict.coefficients],
              "terms": [{"term": _show(n.term, q, "text"), "path": n.path, "kind": n.kind} for n in verdict.terms],
              "message": [] if verdict.correct else diagnosis(q, verdict, "text", lang)}
    return record
