"""The live tour page in a real browser: headless Chromium (Debian's) driven by Selenium.

The page is opened from ``file://`` with the network off; sliders are moved (value + input event),
buttons pressed, and the numbers the page computed (``data-value`` attributes, exact round-trip
text) are compared with symnet's NumPy results to 1e-12. Any script error fails the test.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from sympy import Symbol, exp, log, symbols, tanh

from symnet.core.activations import relu, sigmoid, softplus
from symnet.core.losses import squared_error
from symnet.core.network import seed_network
from symnet.core.program import Program
from symnet.learn.data import make
from symnet.learn.descent import descend
from symnet.numeric.codegen import compile_network, params_vector, to_function, value_and_grad
from symnet.numeric.jscode import JS_PRELUDE, expression_to_javascript, to_javascript
from symnet.tour.checker import checker_widget
from symnet.tour.exercises import ARM, TOP, descent_exercise, gradient_exercises, tower_exercises
from symnet.tour.graphlive import graph_program, graph_widget
from symnet.tour.live import (
    APPROX_SAMPLES,
    DESCENT_H,
    DESCENT_START,
    approx_widget,
    descent_widget,
    tower_widget,
    train_widget,
)
from symnet.tour.records import AT, POINTS, STUDENT, Formula, Section, TourContext
from symnet.tour.render import render_html
from symnet.tour.sections import model_section
from symnet.towers.approximation import approximate, dense_grid
from symnet.towers.tower import tower

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
TOL = 1e-12
APPROXIMATIONS = tuple(approximate("sin(x)*cos(y)", n=n) for n in (2, 4))
pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
                                reason="Debian's chromium and chromium-driver are not installed (.ci/run installs them)")


def _browser(width: int = 1280):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="symnet-chromium-")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", f"--user-data-dir={profile}",
                 f"--window-size={width},1000"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options), profile


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """The tour's live widgets and a typeset formula on one page, written like the tour writes it."""
    out = tmp_path_factory.mktemp("live")
    sections = (model_section(TourContext(out, "en")),
                Section("towers", "towers", (), (Formula("F", "x", r"F(\Theta, x) = \sigma\left(w x + b\right)"),),
                        widgets=(tower_widget("en"),), exercises=tower_exercises("en")),
                Section("approx", "approx", (), widgets=(approx_widget("en", APPROXIMATIONS),)),
                Section("descent", "descent", (), widgets=(descent_widget("en"),)),
                Section("train", "train", (), widgets=(train_widget("zh"),)),
                Section("gradients", "gradients", (), widgets=(graph_widget("en", AT), checker_widget("en")),
                        exercises=gradient_exercises("en")),
                Section("descent1", "descent", (), exercises=descent_exercise(
                    [descend(DESCENT_H, DESCENT_START, eta, steps=12) for eta in (0.1, 0.4, 1.05)], "en")))
    path = out / "index.html"
    path.write_text(render_html(sections, "en"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def driver(page):
    browser, profile = _browser()
    browser.get(page.as_uri())
    assert browser.execute_script("return document.body.getAttribute('data-ready')") == "1"
    yield browser
    errors = _severe(browser)
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)
    assert not errors, errors


def _severe(browser) -> list:
    logs = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    return logs + list(browser.execute_script("return window.SN.errors"))


def _set(browser, element_id: str, value: float) -> float:
    """Move a slider: set its value and dispatch the input event; returns the value it snapped to."""
    return float(browser.execute_script(
        "var s = document.getElementById(arguments[0]); s.value = arguments[1];"
        "s.dispatchEvent(new Event('input')); return s.value;", element_id, str(value)))


def _click(browser, element_id: str, times: int = 1) -> None:
    for _ in range(times):
        browser.find_element("id", element_id).click()


def _value(browser, element_id: str) -> float:
    return float(browser.find_element("id", element_id).get_attribute("data-value"))


def test_page_loads_offline_with_no_script_error_and_typesets(driver):
    assert driver.execute_script("return document.querySelectorAll('.katex').length") >= 1
    assert driver.execute_script("return document.querySelectorAll('.katex-error').length") == 0
    assert driver.execute_script("return document.querySelectorAll('canvas').length") == 14
    assert driver.execute_script("return document.querySelectorAll('#graph-svg g.node').length") == 26
    assert _severe(driver) == []


def _set_slider(browser, prefix: str, spec: dict, value: float) -> float:
    """Move a slider to ``value``; a log-scale slider moves log₁₀ of it. Returns the value the page uses."""
    raw = np.log10(value) if spec.get("scale") == "log" else value
    _set(browser, f"{prefix}-{spec['id']}", raw)
    return _value(browser, f"{prefix}-{spec['id']}-out")


def test_tower_sliders_match_numpy(driver):
    cfg = tower_widget("en").config
    for values in ((-0.3, 0.7, -0.2, 0.8, 1000, 30, 1.1), (-1.0, 0.5, 0.1, 0.9, 100, 12.5, 0.6)):
        moved = [_set_slider(driver, "tower", spec, v) for spec, v in zip(cfg["sliders"], values)]
        assert moved == pytest.approx(values, abs=1e-12)
        cells = driver.find_elements("css selector", "#tower-probes td.probe")
        got = np.array([float(c.get_attribute("data-value")) for c in cells])
        expected = tower(*moved).evaluate(np.array(cfg["probes"]))
        assert np.max(np.abs(got - expected)) <= TOL, (got, expected)
    assert got.max() > 0.9 and got.min() < 0.1        # inside and outside the box: a tower, not a constant
    painted = driver.execute_script("var c = document.getElementById('tower-surface');"
                                    "var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;"
                                    "for (var i = 3; i < d.length; i += 4) n += d[i] > 0; return n / (d.length / 4);")
    assert 0.2 < painted < 0.95                         # the 3-D surface is drawn, and not as a full rectangle


@pytest.mark.parametrize("eta, steps", [(0.4, 6), (1.05, 9)])
def test_descent_steps_match_numpy(driver, eta, steps):
    eta = _set(driver, "descent-eta", eta)               # a new η resets the path to x₀
    _click(driver, "descent-step", steps)
    xs = json.loads(driver.find_element("id", "live-descent").get_attribute("data-xs"))
    path = descend(DESCENT_H, DESCENT_START, eta, steps=steps)
    assert np.max(np.abs(np.array(xs) - np.array(path.xs))) <= TOL
    assert _value(driver, "descent-k") == steps
    status = driver.find_element("id", "descent-status").text
    assert ("diverging" in status) == (eta > 1)          # h = x² − 2x diverges exactly when η > 1


def test_descent_divergence_is_shown(driver):
    _set(driver, "descent-eta", 1.2)
    _click(driver, "descent-step", 60)                   # |x − 1| grows ×1.4 a step: past 1e6 by step 45
    assert "diverged" in driver.find_element("id", "descent-status").text
    assert _value(driver, "descent-k") < 60
    _click(driver, "descent-reset")
    assert _value(driver, "descent-k") == 0 and _value(driver, "descent-x") == DESCENT_START


def test_training_steps_match_numpy_gradient_descent(driver):
    compiled, data = value_and_grad(squared_error(seed_network())), make("seed", n=200, noise=0.05, seed=0)
    eta = _set(driver, "train-eta", 3.0)
    _click(driver, "train-reset")
    _click(driver, "train-step", 7)
    theta = params_vector(compiled.params, STUDENT)
    for _ in range(7):
        theta = theta - eta * compiled(theta, data.X, data.y)[1]
    got = np.array(json.loads(driver.find_element("id", "live-train").get_attribute("data-theta")))
    assert np.max(np.abs(got - theta)) <= TOL
    assert abs(_value(driver, "train-loss") - compiled.value(theta, data.X, data.y)) <= TOL
    assert _value(driver, "train-epoch") == 7
    cells = driver.find_elements("css selector", "#train-outputs td.prediction")
    predicted = compile_network(seed_network())(theta, np.array(POINTS))
    assert np.max(np.abs(np.array([float(c.get_attribute("data-value")) for c in cells]) - predicted)) <= TOL
    assert _value(driver, "train-loss") < compiled.value(params_vector(compiled.params, STUDENT), data.X, data.y)


def test_training_runs_and_pauses(driver):
    _click(driver, "train-reset")
    _click(driver, "train-run")
    driver.execute_script("return new Promise(function (done) { setTimeout(done, 300); })")
    _click(driver, "train-run")                          # pause
    paused = _value(driver, "train-epoch")
    driver.execute_script("return new Promise(function (done) { setTimeout(done, 200); })")
    assert paused > 0 and _value(driver, "train-epoch") == paused


def test_generated_javascript_matches_numpy_with_awkward_names(driver):
    """Symbols named like JavaScript constants and keywords, and σ at ±1000: the same numbers as NumPy."""
    e, Math, ret, z, h = symbols("e Math return z h")
    program = Program((e, Math), (ret,), ((z, ret * e - Math), (h, sigmoid(z) + softplus(-z) + relu(z))),
                      (h, tanh(h) * exp(-e**2) + log(1 + Math**2)))
    args = (e, Math, ret)
    numpy_fn = to_function(program, args)
    code = JS_PRELUDE + to_javascript(program, args, "generated")
    for point in ((0.3, -1.2, 2.0), (5.0, 2.0, 200.0), (-5.0, 2.0, 200.0)):
        got = driver.execute_script(code + "; return generated.apply(null, arguments[0]);", list(point))
        expected = [float(v) for v in numpy_fn(*point)]
        assert np.all(np.isfinite(got))
        assert np.max(np.abs(np.array(got) - expected)) <= TOL * max(1.0, np.max(np.abs(expected)))
    one = driver.execute_script(JS_PRELUDE + expression_to_javascript(Symbol("x")**2, [Symbol("x")], "sq")
                                + "; return sq(3);")
    assert one == 9


def test_graph_steps_backward_to_every_gradient(driver):
    """Every node lit in reverse order; a parameter's δ is NumPy's ∂L/∂θ, a node's δ is Σ δ_head·(edge label)."""
    loss = squared_error(seed_network())
    _, args, nodes, edges, _ = graph_program(loss)
    _click(driver, "graph-reset")
    assert driver.find_element("id", "live-graph").get_attribute("data-lit") == "0"
    _click(driver, "graph-back", len(nodes) + 2)         # two extra presses do nothing
    assert driver.find_element("id", "live-graph").get_attribute("data-lit") == str(len(nodes))
    node = lambda i, what: float(driver.find_element("id", f"graph-node-{i}").get_attribute(what))  # noqa: E731
    value, delta = [node(i, "data-value") for i in range(len(nodes))], [node(i, "data-delta") for i in range(len(nodes))]
    compiled = value_and_grad(loss)
    L, g = compiled(params_vector(compiled.params, STUDENT), np.array([[AT["x1"], AT["x2"]]]), np.array([AT["y"]]))
    index = {s: i for i, s in enumerate(nodes)}
    assert abs(value[-1] - L) <= TOL and delta[-1] == 1.0
    assert max(abs(delta[index[p]] - gp) for p, gp in zip(compiled.params, g)) <= TOL
    labels = [float(driver.find_element("id", f"graph-edge-{k}").get_attribute("data-value")) for k in range(len(edges))]
    for s in nodes[:-1]:
        flows = sum(delta[index[h]] * labels[k] for k, (t, h, _) in enumerate(edges) if t == s)
        assert abs(delta[index[s]] - flows) <= TOL, s
    readout = driver.find_element("id", "graph-readout")
    assert readout.get_attribute("data-node") == "0"
    assert readout.find_element("css selector", ".math").get_attribute("data-tex").startswith(r"\begin{aligned}\delta_{x_{1}} &=")


def _answer(browser, exercise_id: str, typed: str) -> str:
    box = browser.find_element("id", exercise_id)
    field = box.find_element("css selector", "input")
    field.clear()
    field.send_keys(typed)
    box.find_element("css selector", "button").click()
    return box.find_element("css selector", "output").get_attribute("class")


def test_exercises_are_checked_on_the_page(driver):
    """Answers worked out here independently: sympy.diff of the closed form (at y = 0), paths by hand, η > 1 diverges."""
    from sympy import diff

    loss = squared_error(seed_network())
    (closed,) = loss.program.closed_form()
    b4 = float(diff(closed, Symbol("b4")).subs({Symbol(k): v for k, v in {**AT, "y": 0.0}.items()}))
    assert _answer(driver, "ex-gradients-1", f"{b4 + 0.01:.6f}") == "verdict wrong"
    assert _answer(driver, "ex-gradients-1", f"{b4:.6f}".replace("-", "\u2212")) == "verdict right"
    assert _answer(driver, "ex-gradients-2", "1") == "verdict wrong"
    assert _answer(driver, "ex-gradients-2", "2") == "verdict right"
    assert _answer(driver, "ex-descent1-1", "0.4") == "verdict wrong"
    assert _answer(driver, "ex-descent1-1", "1.05") == "verdict right"
    assert driver.find_element("css selector", "#ex-descent1-1 output").text == "Right!"   # the page is English


@pytest.mark.parametrize("index", [0, 1])
def test_sum_of_towers_errors_match_numpy(driver, index):
    approximation = APPROXIMATIONS[index]
    assert _set(driver, "approx-n", index) == index
    X = np.column_stack([c.ravel() for c in dense_grid(approximation.domain, APPROX_SAMPLES)])
    error = np.abs(np.sin(X[:, 0]) * np.cos(X[:, 1]) - approximation.evaluate(X))
    assert abs(_value(driver, "approx-max") - error.max()) <= TOL
    assert abs(_value(driver, "approx-rms") - np.sqrt(np.mean(error**2))) <= TOL
    assert _value(driver, "approx-towers") == approximation.n**2


def test_the_whole_chinese_tour_page_runs_in_the_browser(tour_zh_without_tex):
    """The real page `symnet tour --lang zh` writes: every formula typeset, every widget built, no script error."""
    out, _ = tour_zh_without_tex         # tests/conftest.py: built once, shared with tests/test_tour.py
    browser, profile = _browser(420)
    try:
        browser.get((out / "index.html").as_uri())
        assert browser.execute_script("return document.body.getAttribute('data-ready')") == "1"
        count = lambda css: browser.execute_script(f"return document.querySelectorAll('{css}').length")  # noqa: E731
        assert count(".katex") > 30 and count(".katex-error") == 0
        assert count("div.live[data-kind]") == 6 and count("div.exercise") >= 12 and count("details.step") >= 6
        assert browser.execute_script("return Array.from(document.querySelectorAll('details.step')).every("
                                      "function (d) { return d.querySelector('.katex-display') !== null; })")  # no empty step
        assert browser.execute_script("return document.querySelector('figure.fold p.fold-note').textContent")\
            .startswith("下面的数值都取在点")                                          # a sentence, not a step
        assert browser.execute_script("return document.querySelector('[data-kind=checker]').getAttribute('data-checker')") \
            == "ready"
        assert _derivative(browser, "w2_1", "delta_z2*x2") == ("right", "正确：在 24 个随机点上，你的公式等于 ∂L/∂w₂,₁。")
        assert _severe(browser) == []
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _pixel(browser, canvas_id: str, x: float, y: float) -> list:
    """The RGBA of one canvas pixel (canvas coordinates)."""
    return browser.execute_script("var c = document.getElementById(arguments[0]).getContext('2d');"
                                  "return Array.from(c.getImageData(arguments[1], arguments[2], 1, 1).data);",
                                  canvas_id, int(round(x)), int(round(y)))


def _canvas_json(browser, canvas_id: str, attribute: str):
    return json.loads(browser.find_element("id", canvas_id).get_attribute(attribute))


def test_descent_axes_stay_fixed_with_the_minimum_marked_and_an_off_scale_arrow(driver):
    """A converging and a diverging η share one pair of axes; a run that leaves them ends in a red arrow at the edge."""
    grid = np.linspace(*descent_widget("en").config["view"], 60001)
    h = grid**2 - 2 * grid                               # h(x) = x² − 2x, by hand
    _set(driver, "descent-eta", 0.4)                     # a new η resets the run to x₀ = 3, far from the minimum
    x_min, h_min, mx, my = _canvas_json(driver, "descent-canvas", "data-minimum")
    assert abs(x_min - grid[np.argmin(h)]) < 1e-4 and abs(h_min - h.min()) < 1e-8
    r, g, b, _ = _pixel(driver, "descent-canvas", mx, my)
    assert g > 120 and r < 60                            # the minimum's green dot
    _click(driver, "descent-step", 6)
    calm = _canvas_json(driver, "descent-canvas", "data-axes")
    assert calm[:2] == [grid[0], grid[-1]] and calm[2] < h.min() and calm[3] > h.max()
    assert all(not m["off"] for m in _canvas_json(driver, "descent-canvas", "data-marks"))
    _set(driver, "descent-eta", 1.2)
    _click(driver, "descent-step", 20)
    assert _canvas_json(driver, "descent-canvas", "data-axes") == calm      # the axes did not follow the run
    marks = _canvas_json(driver, "descent-canvas", "data-marks")
    path = descend(DESCENT_H, DESCENT_START, 1.2, steps=20)
    assert np.max(np.abs(np.array([m["x"] for m in marks]) - np.array(path.xs))) <= TOL
    last = marks[-1]
    assert abs(last["x"]) > 100 and last["off"] in ("leftup", "rightup")
    assert last["px"] == max(m["px"] for m in marks) or last["px"] == min(m["px"] for m in marks)
    dx = 1 if "right" in last["off"] else -1
    r, g, b, _ = _pixel(driver, "descent-canvas", last["px"] + 2 * dx - 5 * dx / 2**0.5, last["py"] - 2 + 5 / 2**0.5)
    assert r > 180 and g < 90 and b < 90, (r, g, b)     # the arrow head is drawn there, in red


VIRIDIS = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))


def _viridis(v: float) -> np.ndarray:
    """The page's colour scale, worked out here: five stops, straight lines between them, v in [0, 1]."""
    t = min(1.0, max(0.0, v)) * 4
    k = min(3, int(t))
    return np.array(VIRIDIS[k]) + (t - k) * (np.array(VIRIDIS[k + 1]) - np.array(VIRIDIS[k]))


def _grid(browser, canvas_id: str) -> dict:
    return browser.execute_script("return document.getElementById(arguments[0]).snGrid", canvas_id)


def _centres(grid: dict, cells) -> np.ndarray:
    d, n = grid["domain"], grid["n"]
    return np.array([[d[0] + (i + 0.5) * (d[1] - d[0]) / n, d[2] + (j + 0.5) * (d[3] - d[2]) / n] for i, j in cells])


CELLS = ((3, 2), (5, 40), (24, 24), (44, 3), (30, 11))   # away from the frame line


# cells of the 80² approximation maps clear of the white cell lines and the centre dots of n = 2 and 4
APPROX_CELLS = ((15, 25), (25, 45), (45, 65), (65, 15), (35, 35))


def _check_map(browser, canvas_id: str, predict, scale=(0.0, 1.0), cells=CELLS) -> None:
    """The map's values at a few cells are NumPy's, and each cell is painted in that value's colour on ``scale``."""
    grid = _grid(browser, canvas_id)
    n, frame = grid["n"], grid["frame"]
    got = np.array([grid["values"][j * n + i] for i, j in cells])
    assert np.max(np.abs(got - predict(_centres(grid, cells)))) <= TOL
    for (i, j), v in zip(cells, got):
        px = frame["left"] + (i + 0.5) * frame["width"] / n
        py = frame["top"] + frame["height"] - (j + 0.5) * frame["height"] / n
        colour = _viridis((v - scale[0]) / (scale[1] - scale[0]))
        assert np.max(np.abs(np.array(_pixel(browser, canvas_id, px, py)[:3]) - np.round(colour))) <= 2


def test_training_heat_maps_of_f_and_the_teacher_match_numpy(driver):
    from symnet.learn.data import SEED_TEACHER

    compiled, data = value_and_grad(squared_error(seed_network())), make("seed", n=200, noise=0.05, seed=0)
    _click(driver, "train-set-seed")
    eta = _set(driver, "train-eta", 4.0)
    _click(driver, "train-reset")
    _click(driver, "train-step", 5)
    theta = params_vector(compiled.params, STUDENT)
    for _ in range(5):
        theta = theta - eta * compiled(theta, data.X, data.y)[1]
    forward = compile_network(seed_network())
    _check_map(driver, "train-map-f", lambda X: forward(theta, X))
    _check_map(driver, "train-map-g", lambda X: forward(params_vector(compiled.params, SEED_TEACHER), X))
    assert driver.execute_script("return document.getElementById('train-map-f').snContour.length") == 0


def test_training_toggles_to_xor_and_draws_its_half_contour(driver):
    from symnet.core.network import mlp
    from symnet.learn.training import train

    network, data = mlp([2, 4, 1], "tanh", "sigmoid"), make("xor", n=200, seed=0)
    _click(driver, "train-set-xor")
    assert driver.find_element("id", "live-train").get_attribute("data-set") == "xor"
    eta = float(driver.find_element("id", "train-eta").get_attribute("value"))
    _click(driver, "train-step", 60)
    fit = train(network, data, optimizer="sgd", learning_rate=eta, epochs=60, progress=False)   # the tour's own loop
    got = np.array(json.loads(driver.find_element("id", "live-train").get_attribute("data-theta")))
    assert np.max(np.abs(got - fit.theta)) <= 1e-10
    assert abs(_value(driver, "train-loss") - fit.history.train_loss[-1]) <= 1e-10
    _check_map(driver, "train-map-f", lambda X: compile_network(network)(got, X))
    segments = np.array(driver.execute_script("return document.getElementById('train-map-f').snContour"))
    assert len(segments) > 20
    middles = segments.mean(axis=1)
    assert np.max(np.abs(compile_network(network)(got, middles) - 0.5)) < 0.02   # ŷ = ½ there, to grid accuracy
    assert _grid(driver, "train-map-g")["values"] is None                         # XOR has data, not a teacher
    _click(driver, "train-set-seed")


def test_training_a_too_large_eta_is_said(driver):
    from symnet.render.i18n import t as words

    compiled, data = value_and_grad(squared_error(seed_network())), make("seed", n=200, noise=0.05, seed=0)
    eta = _set(driver, "train-eta", 64.0)
    assert eta == 64.0
    _click(driver, "train-reset")
    theta = params_vector(compiled.params, STUDENT)
    losses = [compiled.value(theta, data.X, data.y)]
    while len(losses) < 2 or losses[-1] <= losses[-2]:
        theta = theta - eta * compiled(theta, data.X, data.y)[1]
        losses.append(compiled.value(theta, data.X, data.y))
    _click(driver, "train-step", len(losses) - 1)
    status = driver.find_element("id", "train-status")
    assert status.text == words("live_loss_grew", "zh") and "bad" in status.get_attribute("class")
    assert abs(_value(driver, "train-loss") - losses[-1]) <= TOL
    while not losses[-1] < losses[-2]:                    # on to an epoch where it falls, yet stays above the start
        theta = theta - eta * compiled(theta, data.X, data.y)[1]
        losses.append(compiled.value(theta, data.X, data.y))
    assert losses[-1] > losses[0]
    _click(driver, "train-step", len(losses) - 1 - int(_value(driver, "train-epoch")))
    assert status.text == words("live_loss_above", "zh") and "bad" in status.get_attribute("class")
    _set(driver, "train-eta", 4.0)
    _click(driver, "train-reset")
    _click(driver, "train-step")
    assert "bad" not in driver.find_element("id", "train-status").get_attribute("class")


def test_the_notation_key_comes_first_and_section_0_shows_f_at_theta0(driver):
    """The key typesets every symbol before §0; §0 states F(Θ₀; x₁ = 1, x₂ = 2), worked out here by hand."""
    from symnet.learn.data import SEED_TEACHER
    from symnet.tour.htmlparts import NOTATION

    key = driver.find_element("id", "notation")
    assert len(key.find_elements("css selector", ".katex")) == len(NOTATION)
    assert not key.find_elements("css selector", ".katex-error")
    first = driver.find_element("css selector", "section")
    assert first.get_attribute("id") == "model"
    assert driver.execute_script("return arguments[0].compareDocumentPosition(arguments[1]) & 4", key, first)
    s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    p = STUDENT
    h1, h2 = s(p["w1_1"] * 1 + p["b1"]), s(p["w2_1"] * 2 + p["b2"])
    h3, h4 = s(p["w3_1"] * (h1 + h2) + p["b3"]), s(p["w4_1"] * h2 + p["b4"])
    F = s(p["w5_1"] * h3 + p["w5_2"] * h4 + p["b5"])
    stated = first.find_element("css selector", "figure.formula .math").get_attribute("data-tex")
    assert stated.endswith(f"= {F:.4f}") and f"{F:.4f}" == "0.5355"
    rows = [[c.text for c in r.find_elements("css selector", "td")]
            for r in first.find_elements("css selector", "table")[0].find_elements("css selector", "tbody tr")]
    assert [(float(a), float(b)) for _, a, b in rows] == [(STUDENT[k], SEED_TEACHER[k]) for k in STUDENT]


def test_tower_sliders_are_named_k_is_logarithmic_and_the_map_has_axes_and_a_colour_bar(driver):
    cfg = tower_widget("zh").config
    names = [n.text for n in driver.find_elements("css selector", "#live-tower label.slider .name")]
    assert names == ["a", "b", "c", "d", "k", "s", "t"] and not {"x₀", "x₁", "y₀", "y₁"} & set(names)
    assert all(w.text for w in driver.find_elements("css selector", "#live-tower label.slider .what"))
    assert all(spec["title"] for spec in cfg["sliders"])                 # words in the other language too
    k = driver.find_element("id", "tower-k")
    assert (k.get_attribute("data-scale"), k.get_attribute("min"), k.get_attribute("max")) == ("log", "0", "3")
    values = [_set_slider(driver, "tower", spec, v)
              for spec, v in zip(cfg["sliders"], (-0.8, 0.4, -0.5, 0.6, 10, 30, 1.1))]
    assert values[4] == 10.0
    _check_map(driver, "tower-canvas", lambda X: tower(*values).evaluate(X))
    grid = _grid(driver, "tower-canvas")
    assert grid["domain"] == [-1.5, 1.5, -1.5, 1.5]
    frame = grid["frame"]
    bar_x = frame["left"] + frame["width"] + 20                         # the colour bar: 1 at the top, 0 at the bottom
    top = _pixel(driver, "tower-canvas", bar_x, frame["top"] + 3)[:3]
    bottom = _pixel(driver, "tower-canvas", bar_x, frame["top"] + frame["height"] - 3)[:3]
    assert np.max(np.abs(np.array(top) - _viridis(1.0))) <= 8 and np.max(np.abs(np.array(bottom) - _viridis(0.0))) <= 8


def test_tower_small_multiples_are_its_four_steps_and_z5_with_the_zero_contour(driver):
    """h₁…h₄ and z₅ worked out by hand from the sliders: hᵢ = σ(k·(x − edge)), z₅ = s·(h₁ − h₂ + h₃ − h₄ − t)."""
    cfg = tower_widget("en").config
    a, b, c, d, k, s, t = (_set_slider(driver, "tower", spec, v)
                           for spec, v in zip(cfg["sliders"], (-0.6, 0.5, -0.4, 0.7, 10, 20, 1.2)))
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    steps = (lambda X: sig(k * (X[:, 0] - a)), lambda X: sig(k * (X[:, 0] - b)),
             lambda X: sig(k * (X[:, 1] - c)), lambda X: sig(k * (X[:, 1] - d)))
    z5 = lambda X: s * (steps[0](X) - steps[1](X) + steps[2](X) - steps[3](X) - t)  # noqa: E731
    assert cfg["parts"] == ["h₁", "h₂", "h₃", "h₄", "z₅"]
    for i, step in enumerate(steps, start=1):
        _check_map(driver, f"tower-part-{i}", step)
    grid = _grid(driver, "tower-part-5")
    _check_map(driver, "tower-part-5", z5, (min(grid["values"]), max(grid["values"])))
    segments = np.array(driver.execute_script("return document.getElementById('tower-part-5').snContour"))
    assert len(segments) > 20
    cell = (grid["domain"][1] - grid["domain"][0]) / grid["n"]
    around = np.array([[dx, dy] for dx in (-cell, 0, cell) for dy in (-cell, 0, cell)])
    for middle in segments.mean(axis=1):              # z₅ changes sign within a cell of every contour piece
        near = z5(middle + around)
        assert near.min() < 0 < near.max()


def test_sum_of_towers_maps_show_g_yhat_and_the_error_on_one_scale_for_every_n(driver):
    target = lambda X: np.sin(X[:, 0]) * np.cos(X[:, 1])  # noqa: E731
    X = np.column_stack([c.ravel() for c in dense_grid(APPROXIMATIONS[0].domain, APPROX_SAMPLES)])
    worst = max(np.max(np.abs(target(X) - a.evaluate(X))) for a in APPROXIMATIONS)
    scales = []
    for index, approximation in enumerate(APPROXIMATIONS):
        _set(driver, "approx-n", index)
        g_scale = tuple(_grid(driver, "approx-g")["range"])
        assert g_scale == pytest.approx((target(X).min(), target(X).max()), abs=TOL)
        _check_map(driver, "approx-g", target, g_scale, APPROX_CELLS)
        _check_map(driver, "approx-yhat", approximation.evaluate, g_scale, APPROX_CELLS)          # ŷ on G's scale
        scales.append(tuple(_grid(driver, "approx-err")["range"]))
        _check_map(driver, "approx-err", lambda P: np.abs(target(P) - approximation.evaluate(P)), scales[-1])
    assert scales[0] == scales[1] and abs(scales[0][1] - worst) <= TOL                # one fixed error scale


# ---- the stability limit: 2/h″(x*) on the 1-D descent, 2/λ_max of the seed network's Hessian at Θ₀ ------------

def _mark(browser, prefix: str) -> dict:
    """The limit mark of slider ``prefix``-eta: its value, where it is drawn, and the slider's box."""
    return browser.execute_script(
        "var m = document.getElementById(arguments[0] + '-eta-limit-mark'), s = document.getElementById(arguments[0] + '-eta');"
        "var r = m.getBoundingClientRect(), q = s.getBoundingClientRect();"
        "return {value: parseFloat(document.getElementById(arguments[0] + '-eta-limit').getAttribute('data-value')),"
        "        text: document.getElementById(arguments[0] + '-eta-limit').textContent,"
        "        centre: r.left + r.width / 2, top: r.top, bottom: r.bottom, visible: m.offsetParent !== null,"
        "        left: q.left, width: q.width, stop: q.top, sbottom: q.bottom, min: parseFloat(s.min), max: parseFloat(s.max)};",
        prefix)


def _at_fraction(mark: dict, value: float) -> float:
    """Where Chromium draws the thumb's centre for ``value``: 8 px in from each end of the track (16 px thumb)."""
    return mark["left"] + 8 + (value - mark["min"]) / (mark["max"] - mark["min"]) * (mark["width"] - 16)


def test_descent_limit_mark_sits_at_2_over_h2_and_parts_settling_from_growing(driver):
    x = Symbol("x")
    h = x**2 - 2 * x
    x_star = 1.0                                            # h′(x) = 2x − 2 = 0, by hand
    limit = 2 / float(h.diff(x, 2).subs(x, x_star))        # sympy.diff, not symnet's rule table: 2/h″(x*) = 1
    mark = _mark(driver, "descent")
    assert mark["value"] == limit and mark["visible"] and mark["text"].endswith(" 1")
    assert abs(mark["centre"] - _at_fraction(mark, limit)) <= 2
    assert mark["top"] <= mark["sbottom"] and mark["bottom"] >= mark["stop"]   # on the slider's track
    for eta, grows in ((limit - 0.01, False), (limit + 0.01, True)):
        eta = _set(driver, "descent-eta", eta)
        _click(driver, "descent-step", 40)
        xs = np.array(json.loads(driver.find_element("id", "live-descent").get_attribute("data-xs")))
        assert np.max(np.abs(xs - (x_star + (DESCENT_START - x_star) * (1 - eta * 2) ** np.arange(41)))) <= 1e-9
        errors = np.abs(xs - x_star)
        assert (errors[-1] > errors[0]) == grows            # |1 − η·h″| = 0.98 shrinks the error; 1.02 grows it
        status = driver.find_element("id", "descent-status")
        assert ("bad" in status.get_attribute("class")) == grows


def _eigenvalues_by_differences(network, theta, data) -> np.ndarray:
    """The Hessian's eigenvalues from central differences of the compiled gradient: no Hessian program used."""
    from symnet.numeric.hessian import gradient_differences

    compiled = value_and_grad(squared_error(network))
    H = gradient_differences(lambda th: compiled(th, data.X, data.y)[1], theta)
    return np.linalg.eigvalsh((H + H.T) / 2)


def test_training_limit_mark_is_2_over_lambda_max_at_theta0_and_what_crossing_it_does(driver):
    from symnet.numeric.hessian import compile_hessian

    network, data = seed_network(), make("seed", n=200, noise=0.05, seed=0)
    compiled, theta0 = value_and_grad(squared_error(network)), params_vector(network.params, STUDENT)
    _click(driver, "train-set-seed")
    mark = _mark(driver, "train")
    exact = 2 / np.linalg.eigvalsh(compile_hessian(network)(theta0, data.X, data.y))[-1]
    assert abs(mark["value"] - exact) <= TOL * exact and mark["text"].endswith(f" {exact:.4g}")
    assert abs(mark["value"] - 2 / _eigenvalues_by_differences(network, theta0, data)[-1]) <= 1e-6 * exact
    assert mark["visible"] and abs(mark["centre"] - _at_fraction(mark, mark["value"])) <= 2
    start = compiled.value(theta0, data.X, data.y)
    for eta in (mark["value"] - 0.1, mark["value"] + 0.1):  # either side of the mark, from Θ₀: both go on learning
        eta = _set(driver, "train-eta", eta)
        _click(driver, "train-reset")
        _click(driver, "train-step", 40)
        theta = theta0
        for _ in range(40):
            theta = theta - eta * compiled(theta, data.X, data.y)[1]
        loss = compiled.value(theta, data.X, data.y)
        assert abs(_value(driver, "train-loss") - loss) <= 1e-9 and loss < start
    eta = _set(driver, "train-eta", 2 * mark["value"])      # far above it, the very first step raises L̄
    _click(driver, "train-reset")
    _click(driver, "train-step")
    one = compiled.value(theta0 - eta * compiled(theta0, data.X, data.y)[1], data.X, data.y)
    assert abs(_value(driver, "train-loss") - one) <= TOL and one > start
    _click(driver, "train-set-xor")                         # the XOR set has its own limit, at its own θ₀
    xor = json.loads(driver.find_element("css selector", "#live-train script.config").get_attribute("textContent"))["sets"][1]
    from symnet.core.network import mlp

    xor_net, xor_data = mlp([2, 4, 1], "tanh", "sigmoid"), make("xor", n=200, seed=0)
    limit = 2 / _eigenvalues_by_differences(xor_net, np.array(xor["theta0"]), xor_data)[-1]
    assert abs(_mark(driver, "train")["value"] - limit) <= 1e-6 * limit
    _click(driver, "train-set-seed")


# ---- "Check my derivative" and the exercises' reveals (issue 21, items 9 and 10) -------------------------------

# ∂L/∂w₂,₁ of the seed network written out by hand: the path through neuron 3 (via u₃,₁) and the one through neuron 4
VIA_3 = "2*(h5 - y)*h5*(1 - h5)*w5_1*h3*(1 - h3)*w3_1*h2*(1 - h2)*x2"
VIA_4 = "2*(h5 - y)*h5*(1 - h5)*w5_2*h4*(1 - h4)*w4_1*h2*(1 - h2)*x2"
HOSTILE = ('constructor.constructor("alert(1)")()', "__proto__", "constructor", "x2.constructor", "this", '"a"',
           "[1]", "x2 ? 1 : 2", "alert(1)", "Math.exp(1)", "toString", "x2 = 1", "exp(1)(2)", "(x2, y)")


def _derivative(browser, wrt: str, typed: str) -> tuple[str, str]:
    """Type a formula into the checker's box for ∂L/∂``wrt`` and press Check: (the verdict's key, its text)."""
    box = browser.find_element("id", f"check-{wrt}")
    browser.execute_script("arguments[0].value = arguments[1];", box.find_element("css selector", "input"), typed)
    box.find_element("css selector", "button").click()
    return box.get_attribute("data-verdict"), box.find_element("css selector", ".verdict").text


def test_checker_paths_are_numpys_gradient_and_right_answers_pass(driver):
    """The generated per-path functions sum to NumPy's ∂L/∂w₂,₁; right answers, in any of the accepted spellings, pass."""
    question, _ = checker_widget("en").config["questions"]
    compiled = value_and_grad(squared_error(seed_network()))
    rng = np.random.default_rng(3)
    for _ in range(5):
        point = dict(zip(question["args"], rng.uniform(-2, 2, len(question["args"]))))
        point["y"] = float(rng.uniform(0, 1))
        row = driver.execute_script(f"return {question['fn']}.apply(null, arguments[0]);",
                                    [point[a] for a in question["args"]])
        paths = row[len(question["names"]):len(question["names"]) + len(question["paths"])]
        theta = params_vector(compiled.params, {str(p): point[str(p)] for p in compiled.params})
        _, g = compiled(theta, np.array([[point["x1"], point["x2"]]]),
                        np.array([point["y"]]))
        assert abs(sum(paths) - g[[str(p) for p in compiled.params].index("w2_1")]) < TOL * max(1, abs(g).max())
    for typed in ("delta_z2*x2", "δ_z2·x2", "x2*δz2", f"{VIA_3} + {VIA_4}", f"{VIA_3} + {VIA_4}".replace("-", "\u2212"),
                  "(delta_u3_1 + delta_z4*w4_1)*h2*(1 - h2)*x2", "2*(yhat - y)*σ(z5)*(1 - h5)*(w5_1*h3*(1-h3)*w3_1"
                  " + w5_2*h4*(1-h4)*w4_1)*h2*(1-h2)*x2"):
        assert _derivative(driver, "w2_1", typed)[0] == "right", typed
    assert _derivative(driver, "h2", "delta_u3_1 + delta_z4*w4_1") == ("right", "Right: your formula equals ∂L/∂h₂ at 24 random points.")
    assert _severe(driver) == []


def test_checker_names_the_missing_path_or_factor(driver):
    """One path left out is named (the one through u₃,₁, as symnet quiz names it); a constant or a shared factor off too."""
    from symnet.cli.quiz import path_text
    from symnet.derivation.quiz import question

    q = question(seed_network(), "w2_1")
    via_3 = next(path_text(q, p, "unicode") for p in q.paths if Symbol("u3_1") in p.nodes)
    via_4 = next(path_text(q, p, "unicode") for p in q.paths if Symbol("u3_1") not in p.nodes)
    key, text = _derivative(driver, "w2_1", VIA_4)
    assert key == "wrong" and text.splitlines() == ["Not ∂L/∂w₂,₁.", f"missing the path {via_3}"]
    assert "u₃,₁" in via_3 and "u₃,₁" not in via_4
    assert _derivative(driver, "w2_1", VIA_3)[1].splitlines()[1] == f"missing the path {via_4}"
    assert _derivative(driver, "w2_1", f"2*({VIA_3} + {VIA_4})")[1].splitlines()[1].startswith("your answer is 2 ×")
    assert _derivative(driver, "w2_1", f"-({VIA_3} + {VIA_4})")[1].splitlines()[1].startswith("your answer is -1 ×")
    assert "misses it" in _derivative(driver, "w2_1", "delta_h2*x2")[1] and "∂h₂/∂z₂" in _derivative(driver, "w2_1", "delta_h2*x2")[1]
    assert "extra factor" in _derivative(driver, "w2_1", f"({VIA_3})*w3_1 + {VIA_4}")[1]
    key, text = _derivative(driver, "h2", "delta_u3_1")
    assert key == "wrong" and "missing the path h₂ → z₄" in text
    key, text = _derivative(driver, "w2_1", "sin(x2)")          # no path at all: a point where the two differ
    assert key == "wrong" and " but ∂L/∂w₂,₁ is " in text


def test_checker_refuses_hostile_input_without_running_anything(driver):
    """Only numbers, the question's names, + − * / ^ and listed functions; everything else is refused before evaluation."""
    from importlib import resources

    driver.execute_script("window.__ran = 0; window.alert = function () { window.__ran += 1; };")
    for typed in HOSTILE:
        key, text = _derivative(driver, "w2_1", typed)
        assert key in ("tutor_refused", "tutor_unknown", "tutor_syntax"), (typed, key, text)
        assert text.startswith(("refused:", "unknown name", "cannot read")), (typed, text)
    assert driver.execute_script("return [window.__ran, ({}).polluted === undefined, typeof Object.prototype.x2]") \
        == [0, True, "undefined"]
    assert _derivative(driver, "w2_1", "__proto__")[1].startswith("unknown name '__proto__'")
    assert "Names you may use" in _derivative(driver, "w2_1", "wrong_name")[1]
    source = resources.files("symnet.tour").joinpath("static", "checker.js").read_text(encoding="utf-8")
    code = "\n".join(line.split("//")[0] for line in source.splitlines())
    assert "eval(" not in code and "Function(" not in code and "innerHTML = \"\"" in code   # text only, never markup
    assert _severe(driver) == []


def _reveal(browser, exercise_id: str) -> str:
    box = browser.find_element("id", exercise_id)
    browser.execute_script("arguments[0].querySelector('details').open = true;", box)
    return box.find_element("css selector", "details p").text


def test_every_reveal_shows_symnets_answer_and_the_answers_hold(driver):
    """Each exercise's folded answer is the number symnet computed; those numbers agree with NumPy and with the math."""
    from math import ceil, floor, log

    exercises = {"towers": tower_exercises("en"), "gradients": gradient_exercises("en"),
                 "descent1": descent_exercise([descend(DESCENT_H, DESCENT_START, eta, steps=12)
                                               for eta in (0.1, 0.4, 1.05)], "en")}
    assert sum(map(len, exercises.values())) >= 12
    assert driver.execute_script("return document.querySelectorAll('div.exercise').length") == 14
    for key, items in exercises.items():
        for k, ex in enumerate(items, start=1):
            assert _reveal(driver, f"ex-{key}-{k}").startswith(f"{ex.answer:.6g} — "), (key, k)
    centre, corner, arms, stands = (ex.answer for ex in exercises["towers"])
    sig = lambda z: 1 / (1 + np.exp(-z))                                    # noqa: E731
    box = lambda x, y: sig(30 * (sig(1000 * x) - sig(1000 * (x - 1)) + sig(1000 * y) - sig(1000 * (y - 1)) - 1.1))  # noqa: E731
    assert abs(centre - box(0.5, 0.5)) < TOL and abs(corner - box(1.0, 1.0)) < TOL
    assert arms == ceil((1 + log(1 / ARM - 1) / 30) / 0.05 - 1e-9) * 0.05 == pytest.approx(1.1)
    assert stands == pytest.approx(floor((2 - log(TOP / (1 - TOP)) / 30) / 0.05) * 0.05)
    rates = [ex.answer for ex in exercises["descent1"]]
    assert rates == [1.05, 1.0, 0.5, 3 - 0.25 * (2 * 3 - 2)]              # diverging, 2/h″, 1/h″, one step
    assert [ex.answer for ex in exercises["gradients"][1:4]] == [2, 2, 8]   # paths to w₂,₁ and b₂, hops of the longest
    assert exercises["gradients"][5].answer == 10 * 144                     # ∂C/∂W² of 64-144-10 is 10 × 144


def test_the_training_widget_confirms_the_eta_exercise(driver):
    """At symnet's η one Step of the training widget raises the seed network's mean loss; 0.1 below, it lowers it."""
    eta = gradient_exercises("en")[4].answer

    def one_step(rate: float) -> tuple[float, float]:
        _set(driver, "train-eta", rate)
        _click(driver, "train-reset")
        start = _value(driver, "train-loss")
        _click(driver, "train-step")
        assert _value(driver, "train-epoch") == 1
        return start, _value(driver, "train-loss")

    start, end = one_step(eta)
    assert end > start
    start, end = one_step(round(eta - 0.1, 1))
    assert end < start
    _set(driver, "train-eta", train_widget("zh").config["sliders"][0]["value"])
    _click(driver, "train-reset")


def test_the_vendored_parser_is_jsep_with_its_mit_licence_on_the_page(page):
    """The inlined parser is the version recorded beside it, and its licence notice is inside the page."""
    from importlib import resources

    from symnet.tour.inline import JSEP_VERSION

    vendor = resources.files("symnet.tour").joinpath("static", "vendor", "jsep")
    licence = vendor.joinpath("LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("Copyright (c) 2013 Stephen Oney") and "Permission is hereby granted" in licence
    assert f'return"{JSEP_VERSION}"' in vendor.joinpath("jsep.min.js").read_text(encoding="utf-8")
    assert f"jsep {JSEP_VERSION}" in vendor.joinpath("README.md").read_text(encoding="utf-8")
    html = page.read_text(encoding="utf-8")
    assert html.count("Copyright (c) 2013 Stephen Oney") == 1 and "sourceMappingURL" not in html


# ---- the graph writes each δ, draws arrows, keeps labels apart, lights the paths from a θ (issue 21, item 5) ----

def _graph_reference():
    """The seed loss at the graph's point, by NumPy: (nodes, edges, ∂L/∂θ by name, the step values by hand)."""
    loss = squared_error(seed_network())
    _, _, nodes, edges, _ = graph_program(loss)
    compiled = value_and_grad(loss)
    _, g = compiled(params_vector(compiled.params, STUDENT), np.array([[AT["x1"], AT["x2"]]]), np.array([AT["y"]]))
    return nodes, edges, dict(zip(map(str, compiled.params), g))


def _back_to(browser, nodes, name: str) -> int:
    """Reset the graph and step backward until the node ``name`` is the one lit last; returns its index."""
    index = [str(n) for n in nodes].index(name)
    _click(browser, "graph-reset")
    _click(browser, "graph-back", len(nodes) - index)
    readout = browser.find_element("id", "graph-readout")
    assert readout.get_attribute("data-node") == str(index)
    return index


def test_graph_writes_each_delta_in_symbols_and_in_numbers_with_the_rule_of_each_factor(driver):
    """δ_{h₂} = δ_{u₃,₁}·∂u₃,₁/∂h₂ + δ_{z₄}·∂z₄/∂h₂, every number worked out here from NumPy's gradient by hand."""
    nodes, _, grad = _graph_reference()
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    h2 = sig(STUDENT["w2_1"] * AT["x2"] + STUDENT["b2"])
    delta_u31 = grad["b3"] * STUDENT["w3_1"]              # z₃ = w₃,₁·u₃,₁ + b₃, and δ_{z₃} = ∂L/∂b₃
    delta_z4 = grad["b4"]
    delta_h2 = grad["b2"] / (h2 * (1 - h2))              # δ_{z₂} = ∂L/∂b₂ = δ_{h₂}·σ′(z₂)
    _back_to(driver, nodes, "h2")
    readout = driver.find_element("id", "graph-readout")
    terms = np.array(json.loads(readout.get_attribute("data-terms")))
    assert np.max(np.abs(terms - [[delta_u31, 1.0], [delta_z4, STUDENT["w4_1"]]])) <= TOL
    assert abs(float(readout.get_attribute("data-value")) - delta_h2) <= 1e-12
    source = readout.find_element("css selector", ".math").get_attribute("data-tex")
    assert source.startswith(r"\begin{aligned}\delta_{h_{2}} &= \delta_{u_{3,1}}\,\frac{\partial u_{3,1}}{\partial h_{2}}")
    assert r"\delta_{z_{4}}\,\frac{\partial z_{4}}{\partial h_{2}}" in source and f"{delta_h2:.4g}" in source
    rules = [li.text for li in readout.find_elements("css selector", "li .rule-name")]
    assert rules == ["(sum rule)", "(sum rule, product rule)"]
    assert not readout.find_elements("css selector", ".katex-error") and readout.find_elements("css selector", ".katex")
    rows = driver.execute_script("return arguments[0].querySelector('.math').getBoundingClientRect().height", readout)
    assert 60 < rows < 150                                 # three typeset rows, no KaTeX box wrapped by the page's CSS
    _click(driver, "graph-back")                          # on to z₂: one factor, σ′ by the sigmoid's own rule
    item = readout.find_element("css selector", "li")
    assert item.find_element("css selector", ".rule-name").text == "(σ′ = σ(1 − σ))"
    assert r"h_{2} \left(1 - h_{2}\right)" in item.find_element("css selector", "span").get_attribute("data-tex")
    assert abs(float(readout.get_attribute("data-value")) - grad["b2"]) <= TOL


def test_graph_edges_are_arrows_and_no_label_overlaps_another(driver):
    """Each edge ends in an arrowhead touching its head's circle; edge labels, circles and δs share no pixel."""
    nodes, edges, _ = _graph_reference()
    _click(driver, "graph-reset")
    _click(driver, "graph-back", len(nodes))             # every δ written
    cfg = graph_widget("en", AT).config
    tips = driver.execute_script("return Array.from(document.querySelectorAll('#graph-svg .edge polygon'))"
                                 ".map(function (p) { return JSON.parse(p.getAttribute('data-tip')); });")
    assert len(tips) == len(edges)
    for (tail, head), tip in zip(cfg["edges"], tips):
        a, b = cfg["nodes"][tail], cfg["nodes"][head]
        assert abs(np.hypot(tip[0] - b["x"], tip[1] - b["y"]) - 19) < 1e-6             # on the head's circle
        assert np.hypot(tip[0] - a["x"], tip[1] - a["y"]) > np.hypot(a["x"] - b["x"], a["y"] - b["y"]) - 19 - 1e-6
    boxes = driver.execute_script(
        "function b(n, kind) { var r = n.getBBox(); return [kind, r.x, r.y, r.width, r.height]; }"
        "var s = document.getElementById('graph-svg');"
        "return Array.from(s.querySelectorAll('.edge-label')).map(function (n) { return b(n, 'label'); })"
        ".concat(Array.from(s.querySelectorAll('.delta')).map(function (n) { return b(n, 'delta'); }))"
        ".concat(Array.from(s.querySelectorAll('circle')).map(function (n) { return b(n, 'circle'); }));")
    assert sum(kind == "delta" and w > 0 for kind, _, _, w, _ in boxes) == len(nodes)
    clashes = [(p, q) for i, p in enumerate(boxes) for q in boxes[i + 1:]
               if "label" in (p[0], q[0]) or p[0] != q[0] or p[0] == "delta"
               if p[1] < q[1] + q[3] and q[1] < p[1] + p[3] and p[2] < q[2] + q[4] and q[2] < p[2] + p[4]]
    assert clashes == []


def _choose(browser, name: str) -> None:
    browser.execute_script("var s = document.getElementById('graph-theta'); s.value = arguments[0];"
                           "s.dispatchEvent(new Event('change'));",
                           str(next(k for k, o in enumerate(graph_widget("en", AT).config["paths"])
                                    if o[0] == name)) if isinstance(name, int) else name)


def test_graph_selector_lights_every_path_from_theta_to_l_and_their_products_add_up_to_numpys_gradient(driver):
    """The lit edges are the paths found here by walking the edges forward from θ; Σ of products is ∂L/∂θ."""
    nodes, edges, grad = _graph_reference()
    names = [str(n) for n in nodes]
    options = driver.execute_script("return Array.from(document.querySelectorAll('#graph-theta option'))"
                                    ".map(function (o) { return [o.value, o.textContent]; });")
    assert [text for _, text in options[1:]] == ["w₁,₁", "b₁", "w₂,₁", "b₂", "w₃,₁", "b₃", "w₄,₁", "b₄", "w₅,₁",
                                                "w₅,₂", "b₅"]

    def walk(node):                                       # every path forward from node to L, as edge indices
        if names[node] == "L":
            return [[]]
        return [[k] + rest for k, (s, h, _) in enumerate(edges) if s == nodes[node] for rest in walk(names.index(str(h)))]

    labels = [float(driver.find_element("id", f"graph-edge-{k}").get_attribute("data-value")) for k in range(len(edges))]
    for theta, count in (("w2_1", 2), ("b2", 2), ("w5_2", 1), ("b1", 1)):
        value = next(v for v, text in options if text == graph_widget("en", AT).config["nodes"][names.index(theta)]["name"])
        _choose(driver, value)
        paths = walk(names.index(theta))
        assert len(paths) == count
        lit = driver.execute_script("return Array.from(document.querySelectorAll('#graph-svg .edge.path'))"
                                    ".map(function (g) { return parseInt(g.id.split('-').pop(), 10); });")
        assert sorted(lit) == sorted({k for path in paths for k in path})
        box = driver.find_element("id", "graph-paths")
        products = json.loads(box.get_attribute("data-products"))
        assert products == pytest.approx([np.prod([labels[k] for k in path]) for path in paths], abs=TOL)
        assert abs(float(box.get_attribute("data-value")) - grad[theta]) <= TOL
        assert len(box.find_elements("css selector", "li")) == count and f"{count} path(s)" in box.text
    _choose(driver, "-1")
    assert not driver.find_elements("css selector", "#graph-svg .path") and driver.find_element("id", "graph-paths").text == ""


# ---- sums of towers: the cells and centres the heights come from, and n = 16 on the real page (item 6) ----------

def test_sum_of_towers_g_panel_shows_each_towers_cell_centre_and_height(driver):
    """The dots on G are the n×n cell centres (by hand), their heights are G there (NumPy), and ŷ there is ≈ cₖ."""
    for index, approximation in enumerate(APPROXIMATIONS):
        _set(driver, "approx-n", index)
        n, (x0, x1, y0, y1) = approximation.n, approximation.domain
        dots = np.array(driver.execute_script("return document.getElementById('approx-g').snPoints"))
        xs, ys = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n, y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
        assert sorted(map(tuple, dots[:, :2].round(12))) == sorted((x, y) for x in xs.round(12) for y in ys.round(12))
        assert np.max(np.abs(dots[:, 2] - np.sin(dots[:, 0]) * np.cos(dots[:, 1]))) <= TOL
        assert np.max(np.abs(approximation.evaluate(dots[:, :2]) - dots[:, 2])) < 1e-3   # one tower alone there
        grid = _grid(driver, "approx-g")
        frame = grid["frame"]
        x, y = frame["left"] + frame["width"] / n, frame["top"] + frame["height"] * 0.37
        line, beside = _pixel(driver, "approx-g", x, y), _pixel(driver, "approx-g", x - 4, y)
        assert sum(line[:3]) - sum(beside[:3]) > 60       # a cell boundary drawn in white over the map


def test_the_tour_page_offers_sixteen_cells_a_side_with_numpys_error(tour_zh_without_tex):
    """The page `symnet tour` writes goes up to n = 16 (256 towers); its errors at n = 16 are NumPy's on the 80² grid."""
    from symnet.towers.approximation import approximate

    out, _ = tour_zh_without_tex
    browser, profile = _browser(1280)
    try:
        browser.get((out / "index.html").as_uri())
        top = browser.find_element("id", "approx-n").get_attribute("max")
        assert _set(browser, "approx-n", float(top)) == float(top)
        assert browser.find_element("id", "approx-n-out").text == "16" and _value(browser, "approx-towers") == 256
        sixteen = approximate("sin(x)*cos(y)", (-2.0, 2.0, -2.0, 2.0), n=16)
        X = np.column_stack([c.ravel() for c in dense_grid(sixteen.domain, APPROX_SAMPLES)])
        error = np.abs(np.sin(X[:, 0]) * np.cos(X[:, 1]) - sixteen.evaluate(X))
        assert abs(_value(browser, "approx-max") - error.max()) <= TOL
        assert abs(_value(browser, "approx-rms") - np.sqrt(np.mean(error**2))) <= TOL
        assert len(browser.execute_script("return document.getElementById('approx-g').snPoints")) == 256
        assert _severe(browser) == []
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


# ---- one notation, formulas that fit (item 8) ---------------------------------------------------------------------

OVERFLOWING = """
  return Array.from(document.querySelectorAll('div.math, .katex-display, table')).filter(function (n) {
    return n.offsetParent !== null && n.scrollWidth > n.clientWidth + 1;
  }).map(function (n) { return (n.getAttribute('data-tex') || n.textContent).slice(0, 80); });"""


@pytest.mark.parametrize("width", [420, 1280])
def test_every_formula_of_the_tour_fits_the_screen_without_scrolling(tour_zh_without_tex, width):
    """At a phone's 420 px and a desktop's 1280 px no formula is wider than its box (long ones are broken
    across lines at their joints, the other setting hidden), and nothing widens the page."""
    out, _ = tour_zh_without_tex
    browser, profile = _browser(width)
    try:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",      # Chromium's window is ≥ 500 px wide
                                {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False})
        browser.get((out / "index.html").as_uri())
        browser.execute_script("document.querySelectorAll('details.step').forEach(function (d) { d.open = true; });")
        assert browser.execute_script("return window.innerWidth") == width
        assert browser.execute_script(OVERFLOWING) == []
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        shown = browser.execute_script("return Array.from(document.querySelectorAll('div.math[data-fit]'))"
                                       ".filter(function (n) { return n.offsetParent !== null; })"
                                       ".map(function (n) { return n.getAttribute('data-fit'); });")
        assert shown and set(shown) == {"narrow" if width < 600 else "wide"}
        assert _severe(browser) == []
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


ASCII_INDICES = """
  var out = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    var p = walker.currentNode.parentElement;
    if (p.closest('pre, code, script, style, .katex, [data-kind=checker] details')) continue;
    var m = walker.currentNode.textContent.match(/(^|[^A-Za-z_])[θΘxwbhzuδ][0-9]|λ_max|δ_[st]\b/);
    if (m) out.push(walker.currentNode.textContent.slice(0, 80));
  }
  return out;"""


def test_page_text_writes_indices_as_subscripts(tour_zh_without_tex):
    """θ₁, x₁, w₁,₁ in every sentence, caption and table of the page; ASCII names only where they are typed."""
    out, _ = tour_zh_without_tex
    browser, profile = _browser(1280)
    try:
        browser.get((out / "index.html").as_uri())
        assert browser.execute_script(ASCII_INDICES) == []
        typed = browser.execute_script("return document.querySelector('[data-kind=checker] details p').textContent")
        assert "x1" in typed and "w5_1" in typed                 # the names the checker reads stay typeable
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_the_narrow_setting_of_a_broken_formula_is_the_same_expression():
    """The rows of the broken ŷ, joined and read back by SymPy's LaTeX parser-free check: the same pieces in order."""
    from symnet.render.printing import latex
    from symnet.tour.breaking import NARROW, WIDE, broken

    closed = seed_network().concrete()
    for width in (NARROW, WIDE):
        tex = broken(r"\hat{y}", closed, width)
        rows = tex.removeprefix(r"\begin{aligned}").removesuffix(r"\end{aligned}").split(r" \\ ")
        assert len(rows) > 1 and all(len(r) < 4 * width + 60 for r in rows)
        flat = "".join(r.replace(r"&\qquad ", " ").replace("&= ", "= ") for r in rows)
        squash = lambda s: "".join(s.replace(r"\left", "").replace(r"\right", "").replace(r"\cdot", "").split())  # noqa: E731
        assert squash(flat) == squash(r"\hat{y} = " + latex(closed))
