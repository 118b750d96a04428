"""A data set: inputs X (N, d), targets y (N,), the names of the input columns and a name."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from symnet.numeric.batch import real_array


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs ``X`` (N, d), targets ``y`` (N,), the input names, a name, and a note on how columns were matched.

    >>> d = Dataset([[0, 1], [1, 0]], [1, 1], ("x1", "x2"), "tiny")
    >>> d.X.shape, d.y.shape, d.inputs, d.is_classification
    ((2, 2), (2,), ('x1', 'x2'), True)
    """

    X: np.ndarray
    y: np.ndarray
    inputs: tuple[str, ...]
    name: str
    note: str = ""

    def __post_init__(self):
        X, y = real_array(self.X, "X"), real_array(self.y, "y")
        if X.ndim != 2 or y.shape != (X.shape[0],) or X.shape[1] != len(self.inputs):
            raise ValueError(f"a Dataset needs X of shape (N, {len(self.inputs)}) and y of shape (N,); "
                             f"got X {X.shape} and y {y.shape}")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "inputs", tuple(self.inputs))

    def __len__(self) -> int:
        return self.X.shape[0]

    @property
    def is_classification(self) -> bool:
        """True when every target is 0 or 1."""
        return bool(np.isin(self.y, (0.0, 1.0)).all())

    def __repr__(self) -> str:
        return f"<Dataset {self.name}: {len(self)} × {len(self.inputs)} ({', '.join(self.inputs)})>"

    def __str__(self) -> str:
        from symnet.render.printing import text

        return text(self)
