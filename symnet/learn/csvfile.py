"""A data set from a CSV file: a header row of column names, then one number per cell.

Columns are matched to a network's inputs by header name, in the network's order, whatever their
order in the file; by position only when no header name is an input and the column count fits
(the data set's ``note`` says so). The file is streamed: its size, its columns and its rows are
checked against ``symnet.limits`` while it is read, never after reading it whole. Numbers are read
strictly: ``1.5``, ``-2``, ``3e-4`` — not ``1_000``, ``inf``, ``nan``, ``0x10`` or non-ASCII digits.
"""

from __future__ import annotations

import csv
from array import array
from pathlib import Path

import numpy as np

from symnet.io.files import regular_file
from symnet.io.options import parse_number
from symnet.io.parsing import NUMBER
from symnet.learn.dataset import Dataset
from symnet.limits import MAX_CSV_BYTES, MAX_CSV_COLUMNS, MAX_ROWS


def load_csv(path, target: str | None = None, inputs=None, max_rows: int = MAX_ROWS) -> Dataset:
    """A data set from a CSV file with a header row.

    Args:
        path: the file (UTF-8, an optional byte-order mark).
        target: the y column; default: the one column that is not an input, else the last.
        inputs: the network's input names, in order; its columns are found by header name.
            None: every column but the target, in file order.
        max_rows: refuse a file with more data rows (checked while reading).

    Returns:
        A ``Dataset`` whose X columns are in the network's order, named as in the file; ``note``
        tells how columns were matched when it was by position.

    A problem raises ``ValueError`` naming the file, the row (its line; the header is row 1) and the column.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = p.write_text("x2,x1,y\\n1,2,0\\n3,4,1\\n")
    >>> d = load_csv(p, inputs=("x1", "x2"))
    >>> d.inputs, d.X.tolist(), d.y.tolist()
    (('x1', 'x2'), [[2.0, 1.0], [4.0, 3.0]], [0.0, 1.0])
    """
    path = Path(path)
    with _open(path) as handle:
        rows = _rows(path, handle)
        header = _header(path, rows)
        if len(header) < 2:
            raise ValueError(f"{path}: expected at least two columns (inputs and a target); the header has "
                             f"{header[0]!r}")
        X_columns, j, note = _columns(path, header, target, None if inputs is None else tuple(map(str, inputs)))
        values = _values(path, rows, header, max_rows)
    data = values.reshape(-1, len(header))
    names = tuple(header[i] for i in X_columns)  # the file's names: a model reads the same columns again
    return Dataset(data[:, X_columns], data[:, j], names, path.stem, note)


def read_header(path) -> tuple[str, ...]:
    """The column names in the header row of a CSV file (checked: named, unique, not numbers)."""
    path = Path(path)
    with _open(path) as handle:
        return tuple(_header(path, _rows(path, handle)))


def few(names, shown: int = 5) -> str:
    """The first ``shown`` names, comma-separated, then how many more: a message never lists 64 columns.

    >>> few(["a", "b"]), few([f"p{k}" for k in range(1, 65)])
    ('a, b', 'p1, p2, p3, p4, p5 … and 59 more')
    """
    names = [str(n) for n in names]
    if len(names) <= shown + 1:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" … and {len(names) - shown} more"


def read_columns(path, names, max_rows: int = MAX_ROWS) -> np.ndarray:
    """The columns ``names`` of a CSV file with a header row, matched by name, as an (N, len(names)) array.

    Other columns are ignored (they need not hold numbers). A missing column raises ``ValueError``
    naming it and the header; a bad cell names its row and column, as in ``load_csv``.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = p.write_text("id,x2,x1\\nA,2,1\\nB,4,3\\n")
    >>> read_columns(p, ["x1", "x2"]).tolist()
    [[1.0, 2.0], [3.0, 4.0]]
    """
    path, names = Path(path), [str(n) for n in names]
    with _open(path) as handle:
        rows = _rows(path, handle)
        header = _header(path, rows)
        missing = [n for n in names if n not in header]
        if missing:
            raise ValueError(f"{path}: no column {few(missing)} ({len(missing)} of the network's {len(names)} "
                             f"inputs); the header has {few(header)}; name the columns after the inputs")
        index = [header.index(n) for n in names]
        values = _values(path, _picked(path, rows, header, index), names, max_rows)
    return values.reshape(-1, len(names))


def _picked(path: Path, rows, header: list, index: list):
    """The rows cut to the columns at ``index``; a row whose cell count is not the header's is refused."""
    for line, cells in rows:
        if len(cells) != len(header):
            raise ValueError(f"{path}: row {line} has {len(cells)} cells; expected {len(header)}, one per column "
                             f"({', '.join(header)})")
        yield line, [cells[j] for j in index]


def _open(path: Path):
    size = regular_file(path, "data file").stat().st_size
    if size > MAX_CSV_BYTES:
        raise ValueError(f"{path}: the file is {size:,} bytes; symnet reads CSV files of at most "
                         f"{MAX_CSV_BYTES // 2**20} MB")
    return open(path, newline="", encoding="utf-8-sig")


def _rows(path: Path, handle):
    """(line, cells) of the non-empty rows, read lazily, with the byte cap checked as lines arrive."""
    read = [0]

    def lines():
        for line in iter(lambda: handle.readline(MAX_CSV_BYTES + 1), ""):
            read[0] += len(line)
            if read[0] > MAX_CSV_BYTES:
                raise ValueError(f"{path}: more than {MAX_CSV_BYTES // 2**20} MB of text; symnet reads "
                                 f"CSV files of at most that size")
            yield line

    try:
        for number, cells in enumerate(csv.reader(lines()), start=1):
            if any(c.strip() for c in cells):
                yield number, cells
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not a UTF-8 text file ({err.reason}); save it as UTF-8 CSV") from None
    except csv.Error as err:
        raise ValueError(f"{path}: not a readable CSV file: {err}") from None


def _header(path: Path, rows) -> list:
    first = next(rows, None)
    if first is None:
        raise ValueError(f"{path}: the file is empty; expected a header row (e.g. x1,x2,y) and rows of numbers")
    header = [h.strip() for h in first[1]]
    if len(header) > MAX_CSV_COLUMNS:
        raise ValueError(f"{path}: {len(header)} columns; symnet reads at most {MAX_CSV_COLUMNS}")
    for k, name in enumerate(header, start=1):
        if not name:
            raise ValueError(f"{path}: row 1 (the header), column {k} has no name; name every column")
        if NUMBER.fullmatch(name) or name.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise ValueError(f"{path}: row 1 must be a header of column names, but column {k} is the number "
                             f"{name!r}; add a header row such as x1,x2,y")
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise ValueError(f"{path}: duplicate column name {', '.join(dupes)} in the header; names must be unique")
    return header


def _columns(path: Path, header: list, target, inputs) -> tuple:
    """(indices of the X columns in input order, index of y, note)."""
    if target is not None and target not in header:
        raise ValueError(f"{path}: no column named {target!r} for the target; the header has {', '.join(header)}")
    if inputs is None:
        j = header.index(target) if target is not None else len(header) - 1
        return [i for i in range(len(header)) if i != j], j, ""
    found = [name for name in inputs if name in header]
    if not found:
        return _by_position(path, header, target, inputs)
    missing = [name for name in inputs if name not in header]
    if missing:
        raise ValueError(f"{path}: the network's input(s) {few(missing)} have no column; the header has "
                         f"{few(header)} (columns are matched to inputs by name)")
    rest = [h for h in header if h not in inputs]
    if target is None and len(rest) == 1:
        target = rest[0]
    if target is None or target in inputs:
        why = "is an input of the network" if target else "is ambiguous"
        raise ValueError(f"{path}: the target column {why}: the columns that are not inputs are "
                         f"{', '.join(rest) or 'none'}; name the target with --target")
    extra = [h for h in rest if h != target]
    if extra:
        raise ValueError(f"{path}: column(s) {', '.join(extra)} are neither inputs of the network "
                         f"({', '.join(inputs)}) nor the target {target!r}; remove them from the file")
    return [header.index(name) for name in inputs], header.index(target), ""


def _by_position(path: Path, header: list, target, inputs) -> tuple:
    """No header name is an input: columns by position, if the count fits (inputs, then the target)."""
    if len(header) != len(inputs) + 1:
        raise ValueError(f"{path}: no column is named like the network's inputs ({', '.join(inputs)}), and "
                         f"the file has {len(header)} columns, not {len(inputs) + 1}; name the columns "
                         f"{','.join(inputs)},y in the header")
    j = header.index(target) if target is not None else len(header) - 1
    X_columns = [i for i in range(len(header)) if i != j]
    pairs = ", ".join(f"{header[i]} -> {name}" for i, name in zip(X_columns, inputs))
    note = (f"no CSV column is named like an input, so columns were taken by position: {pairs}; "
            f"target {header[j]}")
    return X_columns, j, note


def _values(path: Path, rows, header: list, max_rows: int) -> np.ndarray:
    """Every cell as float64 in one flat array, stopping at the row limit."""
    values, count = array("d"), 0
    for line, cells in rows:
        count += 1
        if count > max_rows:
            raise ValueError(f"{path}: more than {max_rows:,} rows; symnet trains on at most {max_rows:,} samples")
        if len(cells) != len(header):
            raise ValueError(f"{path}: row {line} has {len(cells)} cells; expected {len(header)}, one per column "
                             f"({', '.join(header)})")
        values.extend(_number(path, line, name, cell) for name, cell in zip(header, cells))
    if not count:
        raise ValueError(f"{path}: only a header row, no data; add rows of numbers below it")
    return np.frombuffer(values, dtype=float).copy()


def _number(path: Path, line: int, name: str, cell: str) -> float:
    text = cell.strip()
    if not text:
        raise ValueError(f"{path}: row {line}, column {name!r}: '' is not a number; fill in missing values")
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ValueError(f"{path}: row {line}, column {name!r}: {text!r} is not a finite number; "
                         f"remove or fill in missing values")
    try:
        return parse_number(text)
    except OverflowError:
        raise ValueError(f"{path}: row {line}, column {name!r}: {text!r} is too large for a float64") from None
    except ValueError:
        raise ValueError(f"{path}: row {line}, column {name!r}: {text!r} is not a number "
                         f"(write numbers like 12, -0.5 or 3e-4)") from None

