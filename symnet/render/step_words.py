"""What each line of a matrix-form derivation says, in English or Chinese: the kind of network (dense layers,
a convolutional network, an attention head) picks the document's title and prose, and each line's ``rules``
(``symnet.derivation.matrix``) become its note, with the numbers of its step filled in.

    z¹ = K¹ ⋆ x + b¹   (8×6×6)     — cross-correlation of the 1 × 8 × 8 input with 8 filters of 1 × 3 × 3, …
    ∂C/∂K¹ = x ⋆ δ¹    (8×1×3×3)   — ∂C/∂K = X ⋆ δ: the kernel's gradient is the correlation of the layer's …
"""

from __future__ import annotations

from symnet.core.attention import RowSoftmax
from symnet.core.conv import ConvNode, Geometry
from symnet.core.pooling import PoolGeometry
from symnet.render import i18n

KINDS = ("dense", "conv", "attention")
BY_KIND = ("title", "network_text", "equations_text", "batch_text")     # the words a kind has its own of


def network_kind(program) -> str:
    """'conv' when the program convolves or pools, 'attention' when it takes a softmax by rows, else 'dense'."""
    rhs = [rhs for _, rhs in program.assignments]
    if any(isinstance(r, ConvNode) for r in rhs):
        return "conv"
    return "attention" if any(isinstance(r, RowSoftmax) for r in rhs) else "dense"


def kind_key(key: str, kind: str) -> str:
    """The language key of ``key`` (without ``bp_``) for a network of ``kind``: bp_title_conv, bp_title, …"""
    return f"bp_{key}_{kind}" if key in BY_KIND and kind != "dense" else f"bp_{key}"


def step_note(step, lang: str) -> str:
    """The words of a line's ``rules``, joined by '; ', each with its step's numbers (sizes, stride, window)."""
    fields = note_fields(step.rhs, lang)
    return i18n.t("bp_note_join", lang).join(_note(key, lang, fields) for key in step.rules)


def _note(key: str, lang: str, fields: dict) -> str:
    text = i18n.t("bp_" + key, lang, **fields) if fields and key.startswith("fwd_") else i18n.t("bp_" + key, lang)
    floor = fields.get("floor") if key in ("fwd_maxpool", "fwd_avgpool") else ""
    return text + i18n.t("bp_note_join", lang) + floor if floor else text


def note_fields(rhs, lang: str) -> dict:
    """The numbers a forward step's note names: a convolution's sizes, stride and padding, a pooling's window (and
    what a window that does not tile the image drops), a flatten's length."""
    geometry = rhs.geometry if isinstance(rhs, ConvNode) else None
    if isinstance(geometry, Geometry):
        return geometry._asdict()
    if isinstance(geometry, PoolGeometry):
        return {"k": geometry.k, "floor": _floor(geometry, f"{rhs.stage}{geometry.k}", lang)}
    if hasattr(rhs, "dims"):                                     # a reshape: the length of the column
        return {"n": int(rhs.shape[0]) * int(rhs.shape[1])}
    return {}


def floor_notes(program, lang: str) -> list[str]:
    """What each pooling whose windows do not tile its image drops (``pool2 on 7 × 7 uses 6 × 6 and drops …``)."""
    return [note_fields(rhs, lang)["floor"] for _, rhs in program.assignments
            if isinstance(getattr(rhs, "geometry", None), PoolGeometry) and any(rhs.geometry.dropped)]


def _floor(g: PoolGeometry, stage: str, lang: str) -> str:
    """'' when the windows tile the image, else which rows and columns the pooling never reads."""
    rows, cols = g.dropped
    if not rows and not cols:
        return ""
    parts = [i18n.t(f"bp_dropped_{what}" + ("s" if n > 1 else ""), lang, n=n)
             for what, n in (("row", rows), ("col", cols)) if n]
    return i18n.t("bp_pool_floor", lang, stage=stage, H=g.H, W=g.W, h=g.k * g.out[0], w=g.k * g.out[1],
                  dropped=i18n.t("bp_dropped_and", lang).join(parts))


def distinct_notes(steps, lang: str) -> list[str]:
    """The backward lines' rules, once each, dense reasons in the order of the equations, then the others."""
    from symnet.derivation.matrix import ORDER

    keys = dict.fromkeys(key for step in steps for key in step.rules)
    dense = sorted((k for k in keys if k.startswith("rule_bp") or k == "rule_fused"),
                   key=lambda rule: rule.replace("fused", "bp1"))
    others = sorted((k for k in keys if k not in dense), key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER))
    return [i18n.t("bp_" + key, lang) for key in dense + others]


__all__ = ["network_kind", "kind_key", "step_note", "note_fields", "distinct_notes", "floor_notes", "KINDS"]
