"""Built-in data sets, CSV loading (every bad-file path), splitting and the load() dispatcher."""

import numpy as np
import pytest

from symnet.learn.data import SEED_TEACHER, Dataset, load, load_csv, make, split, target_function

CLASSIFICATION = ("xor", "moons", "circles", "spiral")


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets(name):
    d = make(name, n=100, seed=1)
    assert d.X.shape == (100, 2) and d.y.shape == (100,) and d.inputs == ("x1", "x2") and d.name == name
    assert set(np.unique(d.y)) == {0.0, 1.0} and d.is_classification
    assert 30 <= d.y.sum() <= 70  # both classes well represented
    assert np.isfinite(d.X).all()


@pytest.mark.parametrize("name", CLASSIFICATION + ("sine", "seed"))
def test_same_seed_same_data_other_seed_other_data(name):
    a, b, c = make(name, n=50, seed=3), make(name, n=50, seed=3), make(name, n=50, seed=4)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert not np.array_equal(a.X, c.X)


def test_xor_labels_follow_the_quadrant_when_noise_is_zero():
    d = make("xor", n=40, noise=0.0)
    assert set(map(tuple, np.abs(d.X))) == {(1.0, 1.0)}
    assert np.array_equal(d.y, (np.sign(d.X[:, 0]) != np.sign(d.X[:, 1])).astype(float))


def test_circles_inner_is_class_one():
    d = make("circles", n=60, noise=0.0)
    r = np.hypot(d.X[:, 0], d.X[:, 1])
    assert np.allclose(r[d.y == 1], 0.5) and np.allclose(r[d.y == 0], 1.0)


def test_sine_is_sin_plus_noise():
    clean = make("sine", n=80, noise=0.0)
    assert clean.inputs == ("x1",) and np.allclose(clean.y, np.sin(clean.X[:, 0]))
    noisy = make("sine", n=2000, noise=0.1)
    assert 0.08 < np.std(noisy.y - np.sin(noisy.X[:, 0])) < 0.12
    assert not noisy.is_classification


def test_seed_data_is_the_teacher_network():
    from symnet import seed_network

    d = make("seed", n=5, noise=0.0)
    values = {**SEED_TEACHER, "x1": d.X[0, 0], "x2": d.X[0, 1]}
    exact = float(seed_network()(**values))  # symbolic substitution, independent of codegen
    assert d.y[0] == pytest.approx(exact, rel=1e-12)
    assert make("seed", n=500, noise=0.0).y.std() > 0.1  # the teacher's output really varies


def test_function_data_through_the_safe_parser():
    d = make("function:sin(x1)*cos(x2)", n=50, noise=0.0)
    assert d.name == "function:sin(x1)*cos(x2)"
    assert np.allclose(d.y, np.sin(d.X[:, 0]) * np.cos(d.X[:, 1]))
    assert np.abs(d.X).max() <= 2.0
    const = make("function:3", n=10, noise=0.0)
    assert np.array_equal(const.y, np.full(10, 3.0))


@pytest.mark.parametrize("spec, match", [
    ("function:sin(x3)", r"uses x3; expected a formula in x, y only \(or in x1, x2\)"),
    ("function:sin(x1)*z", r"uses z; expected a formula in x1, x2 only \(or in x, y\)"),
    ("function:x*x2", "mixes x with x2; write it in x, y or in x1, x2, not both"),
    ("function:log(x1)", "not finite at x1="),
])
def test_bad_function_data(spec, match):
    with pytest.raises(ValueError, match=match):
        make(spec, n=50)


def test_function_data_in_x_and_y_or_in_x1_and_x2():
    xy, numbered = make("function:sin(x)*cos(y)", n=50, noise=0.0), make("function:sin(x1)*cos(x2)", n=50, noise=0.0)
    assert xy.inputs == ("x", "y") and numbered.inputs == ("x1", "x2")
    assert np.array_equal(xy.X, numbered.X) and np.array_equal(xy.y, numbered.y)
    assert make("function:y", n=4, noise=0.0).y.tolist() == make("function:x2", n=4, noise=0.0).y.tolist()


def test_target_function_names_and_broadcasts():
    G = target_function("3")
    assert G.inputs == ("x", "y") and G(np.zeros((2, 3)), np.zeros((2, 3))).tolist() == [[3.0] * 3] * 2
    assert target_function("sin(x1)", dims=1).inputs == ("x1",)
    assert target_function("u - v", inputs=("u", "v"))(np.array([5.0]), np.array([2.0])).tolist() == [3.0]
    with pytest.raises(ValueError, match="uses y; expected a formula in x only"):
        target_function("x*y", dims=1)
    with pytest.raises(ValueError, match="uses x; expected a formula in u, v only"):
        target_function("x", inputs=("u", "v"))


def test_make_accepts_numpy_integers_and_checks_the_seed():
    assert len(make("xor", n=np.int64(6), seed=np.int32(1))) == 6
    with pytest.raises(ValueError, match="seed must be an integer ≥ 0"):
        make("xor", seed=-1)


def test_function_data_rejects_code():
    from symnet.io.parsing import ParseError

    with pytest.raises((ValueError, ParseError)):
        make("function:__import__('os').system('true')", n=10)


@pytest.mark.parametrize("kwargs, match", [
    (dict(name="mnist"), "unknown data set 'mnist'"),
    (dict(name="xor", n=2), "n must be an integer"),
    (dict(name="xor", n=10.5), "n must be an integer"),
    (dict(name="xor", noise=-1), "noise must be"),
    (dict(name="xor", noise=float("nan")), "noise must be"),
])
def test_bad_make_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make(**kwargs)


def test_name_must_be_text():
    with pytest.raises(TypeError, match="must be a string"):
        make(3)


def test_dataset_checks_shapes():
    with pytest.raises(ValueError, match="X of shape"):
        Dataset(np.zeros((3, 2)), np.zeros(4), ("a", "b"), "bad")


# ---- CSV ------------------------------------------------------------------------------------


def write(tmp_path, text, name="d.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_csv_default_target_is_last(tmp_path):
    d = load_csv(write(tmp_path, "a,b,label\n1,2,0\n3.5,-4e-1,1\n\n"))
    assert d.inputs == ("a", "b") and d.name == "d"
    assert d.X.tolist() == [[1.0, 2.0], [3.5, -0.4]] and d.y.tolist() == [0.0, 1.0]


def test_load_csv_named_target(tmp_path):
    d = load_csv(write(tmp_path, "y,x1,x2\n5,1,2\n6,3,4\n"), target="y")
    assert d.inputs == ("x1", "x2") and d.y.tolist() == [5.0, 6.0] and d.X.tolist() == [[1, 2], [3, 4]]


def test_load_csv_accepts_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffx,y\n1,2\n".encode("utf-8"))
    assert load_csv(path).inputs == ("x",)


@pytest.mark.parametrize("text, target, match", [
    ("", None, "empty"),
    ("x1,x2,y\n", None, "only a header"),
    ("x1,x2,y\n1,2,3\n", "label", "no column named 'label'"),
    ("x1,x2,y\n1,2,3\n4,5\n", None, "row 3 has 2 cells; expected 3"),
    ("x1,x2,y\n1,2,3\n4,5,6,7\n", None, "row 3 has 4 cells"),
    ("x1,x2,y\n1,abc,3\n", None, "row 2, column 'x2': 'abc' is not a number"),
    ("x1,x2,y\n1,2,3\n1,,3\n", None, "row 3, column 'x2': '' is not a number"),
    ("x1,x2,y\n1,2,nan\n", None, "row 2, column 'y': 'nan' is not a finite number"),
    ("x1,x2,y\n1,2,3\n-inf,2,3\n", None, "row 3, column 'x1': '-inf' is not a finite"),
    ("x1,x2,y\n1,1e999,3\n", None, "row 2, column 'x2': '1e999' is too large for a float64"),
    ("x1,x2,y\n1,0x10,3\n", None, r"row 2, column 'x2': '0x10' is not a number \(write numbers like"),
    ("x1,x2,y\n1_000,2,3\n", None, "row 2, column 'x1': '1_000' is not a number"),
    ("1,2,3\n4,5,6\n", None, "must be a header"),
    ("x,x,y\n1,2,3\n", None, "duplicate column name x"),
    ("x,,y\n1,2,3\n", None, "column 2 has no name"),
    ("y\n1\n", None, "at least two columns"),
])
def test_bad_csv(tmp_path, text, target, match):
    with pytest.raises(ValueError, match=match):
        load_csv(write(tmp_path, text), target=target)


def test_csv_not_utf8(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("x,y\n1,\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match="not a UTF-8"):
        load_csv(path)


def test_csv_missing_file(tmp_path):
    with pytest.raises(OSError):
        load_csv(tmp_path / "nope.csv")


# ---- split and load -------------------------------------------------------------------------


def test_split_partitions_the_data():
    d = make("moons", n=50)
    train, val = split(d, validation=0.2, seed=5)
    assert len(train) == 40 and len(val) == 10
    assert "train" in train.name and "validation" in val.name
    rows = sorted(map(tuple, np.vstack([train.X, val.X])))
    assert rows == sorted(map(tuple, d.X))
    again = split(d, validation=0.2, seed=5)
    assert np.array_equal(again[1].X, val.X)
    assert not np.array_equal(split(d, validation=0.2, seed=6)[1].X, val.X)


@pytest.mark.parametrize("fraction, error", [
    (0, ValueError), (1, ValueError), (1.5, ValueError), (-0.1, ValueError), (0.001, ValueError),
    (True, TypeError), ("0.2", TypeError),
])
def test_bad_split(fraction, error):
    with pytest.raises(error, match="validation must be|empty part"):
        split(make("xor", n=20), validation=fraction)


def test_split_needs_a_dataset():
    with pytest.raises(TypeError):
        split((np.zeros((4, 2)), np.zeros(4)))


def test_load_dispatches(tmp_path):
    assert load("spiral", n=20).name == "spiral"
    path = write(tmp_path, "p,q\n1,2\n3,4\n", name="table.CSV")
    assert load(str(path)).inputs == ("p",)
    assert load(path, target="p").inputs == ("q",)
    with pytest.raises(ValueError, match="unknown data set"):
        load("iris")
    with pytest.raises(TypeError, match="only target"):
        load(str(path), n=5)


# ---- CSV columns by header name, strict numbers, bounded reading ------------------------------


def test_csv_columns_are_matched_by_header_name_not_position(tmp_path):
    d = load_csv(write(tmp_path, "x2,x1,y\n1,2,6\n3,4,12\n"), inputs=("x1", "x2"))
    assert d.inputs == ("x1", "x2") and d.note == ""
    assert d.X.tolist() == [[2.0, 1.0], [4.0, 3.0]] and d.y.tolist() == [6.0, 12.0]


def test_csv_target_is_the_column_that_is_not_an_input(tmp_path):
    d = load_csv(write(tmp_path, "label,b,a\n1,2,3\n"), inputs=("a", "b"))
    assert d.y.tolist() == [1.0] and d.X.tolist() == [[3.0, 2.0]]


def test_csv_columns_by_position_only_when_no_name_matches_and_it_says_so(tmp_path):
    d = load_csv(write(tmp_path, "p,q,r\n1,2,3\n"), inputs=("x1", "x2"))
    assert d.X.tolist() == [[1.0, 2.0]] and d.y.tolist() == [3.0] and d.inputs == ("p", "q")
    assert d.note.startswith("no CSV column is named like an input, so columns were taken by position: p -> x1")


@pytest.mark.parametrize("text, inputs, target, match", [
    ("x1,y\n1,2\n", ("x1", "x2"), None, "input\\(s\\) x2 have no column"),
    ("p,q,r,s\n1,2,3,4\n", ("x1", "x2"), None, "has 4 columns, not 3"),
    ("x1,x2,y,z\n1,2,3,4\n", ("x1", "x2"), None, "target column is ambiguous"),
    ("x1,x2,y,z\n1,2,3,4\n", ("x1", "x2"), "y", "column\\(s\\) z are neither inputs"),
    ("x1,x2,y\n1,2,3\n", ("x1", "x2"), "x1", "target column is an input"),
])
def test_csv_columns_that_do_not_fit_the_network_are_refused(tmp_path, text, inputs, target, match):
    with pytest.raises(ValueError, match=match):
        load_csv(write(tmp_path, text), target=target, inputs=inputs)


@pytest.mark.parametrize("cell", ["1_000", "0x10", "١٢", "1e5e", "--1", "infinity"])
def test_csv_numbers_are_read_strictly(tmp_path, cell):
    with pytest.raises(ValueError, match=f"row 2, column 'x': '{cell}' is not a"):
        load_csv(write(tmp_path, f"x,y\n{cell},1\n"))


def test_csv_row_limit_refuses_while_reading(tmp_path):
    # the rows past the limit are broken: a reader that read the whole file first would report them
    text = "x,y\n" + "1,2\n" * 6 + "broken\n"
    with pytest.raises(ValueError, match="more than 5 rows"):
        load_csv(write(tmp_path, text), max_rows=5)


def test_csv_from_a_device_is_refused_before_reading():
    with pytest.raises(ValueError, match="/dev/zero is not a regular file"):
        load_csv("/dev/zero")
