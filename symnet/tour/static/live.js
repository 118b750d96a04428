// symnet tour: the glue of the live widgets. It builds controls and loops and draws with static/plots.js;
// every formula it evaluates is a function symnet generated from a program (sn_tower, sn_descent,
// sn_loss_grad, sn_predict, sn_graph, …).
// Each number a test reads is also written, exactly (shortest round-trip text), in a data-value attribute.
(function () {
  "use strict";
  var SN = window.SN = window.SN || {};
  SN.errors = SN.errors || [];
  window.addEventListener("error", function (e) { SN.errors.push(String(e.message)); });
  var P = SN.plot;   // static/plots.js, inlined before this file
  var tickText = P.tickText, heatmap = P.heatmap, gridValues = P.gridValues, drawSurface = P.drawSurface;
  var plot = P.plot, lossCurve = P.lossCurve;

  function el(tag, attrs, parent, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }
  function show(node, value, digits) {
    node.setAttribute("data-value", String(value));
    node.textContent = Number.isFinite(value) ? value.toFixed(digits === undefined ? 6 : digits) : String(value);
  }
  // a labelled slider; spec.scale "log" moves log₁₀ of the value (the page shows and uses the value itself)
  function slider(root, prefix, spec, onInput) {
    var row = el("label", {"class": "slider"}, root);
    el("span", {"class": "name"}, row, spec.label);
    if (spec.title) el("span", {"class": "what"}, row, spec.title);
    var input = el("input", {type: "range", id: prefix + "-" + spec.id, min: spec.min, max: spec.max,
                             step: spec.step, value: spec.value, "data-scale": spec.scale || "linear"}, row);
    var out = el("output", {id: prefix + "-" + spec.id + "-out"}, row);
    function shown() { var v = sliderValue(input); out.setAttribute("data-value", String(v)); out.textContent = tickText(v); }
    input.addEventListener("input", function () { shown(); onInput(); });
    shown();
    return input;
  }
  function sliderValue(input) {
    var v = parseFloat(input.value);
    return input.getAttribute("data-scale") === "log" ? Math.pow(10, v) : v;
  }
  // the stability limit 2/λ_max (2/h″(x*) in 1-D) as a line across the slider's track and as words beside it;
  // returns set(value): a number moves the mark there, null hides it (no limit is made up)
  // (the slider's row takes the whole width then: the mark needs a long track to be crossed with care)
  function limitMark(input, id, words) {
    var row = input.parentNode, track = el("span", {style: "position: relative; flex: 1; min-width: 6rem; display: flex;"});
    row.insertBefore(track, input); track.appendChild(input); input.style.width = "100%";
    row.style.gridColumn = "1 / -1"; row.style.flexWrap = "wrap";
    var line = el("span", {id: id + "-mark", "class": "limit-mark", title: words.live_eta_limit,
                           style: "position: absolute; top: 0; bottom: 0; width: 3px; margin-left: -1px; " +
                                  "background: #d97706; pointer-events: none;"}, track);
    var text = el("span", {"class": "limit", id: id}, row);
    return function (value) {
      var lo = parseFloat(input.min), hi = parseFloat(input.max), shown = value !== null && value <= hi;
      line.style.display = shown ? "" : "none";
      text.textContent = value === null ? "" : words.live_eta_limit + " " + tickText(Number(value.toPrecision(4)));
      text.setAttribute("data-value", String(value));
      if (!shown) return;
      var f = (value - lo) / (hi - lo);      // Chromium's thumb is 16 px wide: its centre runs from 8 px to width − 8 px
      line.setAttribute("data-fraction", String(f));
      line.style.left = "calc(8px + " + f + " * (100% - 16px))";
    };
  }
  function button(root, id, label, onClick) {
    var b = el("button", {type: "button", id: id}, root, label);
    b.addEventListener("click", onClick);
    return b;
  }
  function canvas(root, id, height) {
    return el("canvas", {id: id, width: 480, height: height || 360}, root);
  }
  function config(root) { return JSON.parse(root.querySelector("script.config").textContent); }
  function labels(root) { return JSON.parse(root.querySelector("script.labels").textContent); }

  // ---- tower builder ----------------------------------------------------------------------------
  function tower(root) {
    var cfg = config(root), words = labels(root), controls = el("div", {"class": "controls"}, root);
    var inputs = cfg.sliders.map(function (s) { return slider(controls, "tower", s, draw); });
    var row = el("div", {"class": "pictures"}, root), c = el("canvas", {id: "tower-canvas", width: 400, height: 364}, row);
    var surface = canvas(row, "tower-surface"), view = {azimuth: -0.9, elevation: 0.55}, last = null;
    surface.addEventListener("pointerdown", function (e) { last = [e.clientX, e.clientY]; });
    window.addEventListener("pointerup", function () { last = null; });
    surface.addEventListener("pointermove", function (e) {
      if (!last) return;
      view.azimuth += (e.clientX - last[0]) * 0.01;
      view.elevation = Math.max(0.05, Math.min(1.5, view.elevation + (e.clientY - last[1]) * 0.01));
      last = [e.clientX, e.clientY]; draw();
    });
    el("p", {"class": "readout"}, root, words.live_tower_parts);
    var multiples = el("div", {"class": "multiples"}, root), parts = cfg.parts.map(function (name, k) {
      return el("canvas", {id: "tower-part-" + (k + 1), width: 300, height: 280}, multiples);
    });
    var table = el("table", {"class": "probes", id: "tower-probes"}, root);
    var head = el("tr", {}, el("thead", {}, table));
    ["x", "y", words.live_value].forEach(function (h) { el("th", {}, head, h); });
    var body = el("tbody", {}, table), cells = cfg.probes.map(function (p) {
      var row = el("tr", {}, body);
      el("td", {}, row, String(p[0])); el("td", {}, row, String(p[1]));
      return el("td", {"class": "probe"}, row);
    });
    function draw() {
      var p = inputs.map(sliderValue), lo = cfg.view[0], hi = cfg.view[1];
      var tower = function (x, y) { return sn_tower.apply(null, [x, y].concat(p))[0]; };
      heatmap(c, {values: gridValues(tower, [lo, hi, lo, hi], cfg.grid), n: cfg.grid, domain: [lo, hi, lo, hi],
                  range: cfg.range, level: null, points: null, title: words.live_tower_map, names: ["x", "y"]});
      drawParts(p, lo, hi);
      cfg.probes.forEach(function (q, m) { show(cells[m], sn_tower.apply(null, q.concat(p))[0], 6); });
      drawSurface(surface, function (x, y) { return sn_tower.apply(null, [x, y].concat(p))[0]; }, cfg.view, view);
    }
    // h₁…h₄ on the fixed scale [0, 1]; z₅ on its own range, with z₅ = 0 (where the last σ is ½) in white
    function drawParts(p, lo, hi) {
      var n = cfg.part_grid, d = [lo, hi, lo, hi], all = gridValues(function (x, y) {
        return sn_tower_parts.apply(null, [x, y].concat(p));
      }, d, n);
      parts.forEach(function (c, k) {
        var values = all.map(function (v) { return v[k]; }), last = k === parts.length - 1;
        var r = last ? [Math.min.apply(null, values), Math.max.apply(null, values)] : cfg.range;
        if (r[1] - r[0] < 1e-12) r = [r[0] - 1, r[1] + 1];
        heatmap(c, {values: values, n: n, domain: d, range: r, level: last ? 0 : null, points: null,
                    title: cfg.parts[k], names: ["x", "y"]});
      });
    }
    draw();
  }

  // ---- sums of towers approximating G ------------------------------------------------------------
  function approx(root) {
    var cfg = config(root), words = labels(root), controls = el("div", {"class": "controls"}, root);
    var n = slider(controls, "approx", cfg.sliders[0], draw), nOut = document.getElementById("approx-n-out");
    var maps = el("div", {"class": "multiples"}, root), names = ["g", "yhat", "err"];
    var c = names.map(function (id) { return el("canvas", {id: "approx-" + id, width: 300, height: 280}, maps); });
    el("p", {"class": "readout"}, root, words.live_approx_cells + " " + words.live_approx_maps);
    var info = el("p", {"class": "readout"}, root);
    el("span", {}, info, words.h_towers + " = "); var tOut = el("output", {id: "approx-towers"}, info);
    el("span", {}, info, "   " + words.h_max + " = "); var mOut = el("output", {id: "approx-max"}, info);
    el("span", {}, info, "   " + words.h_rms + " = "); var rOut = el("output", {id: "approx-rms"}, info);
    var d = cfg.domain, m = cfg.samples, G = gridValues(sn_target, d, m);
    var gRange = [Math.min.apply(null, G), Math.max.apply(null, G)];
    function fit(model) {
      var f = window["sn_approx_" + model.n];
      return gridValues(function (x, y) { return f.apply(null, [x, y].concat(model.theta))[0]; }, d, m);
    }
    function errors(yhat) { return yhat.map(function (v, q) { return Math.abs(G[q] - v); }); }
    // one error scale for every n: the largest error of any n shown, so the maps darken as n grows
    var worstOfAll = Math.max.apply(null, cfg.models.map(function (model) { return Math.max.apply(null, errors(fit(model))); }));
    function draw() {
      var model = cfg.models[parseInt(n.value, 10)], yhat = fit(model), err = errors(yhat);
      nOut.textContent = String(model.n);
      // G with the n×n cells and their centres: each tower's height cₖ is G at its dot
      heatmap(c[0], {values: G, n: m, domain: d, range: gRange, level: null, points: model.cells, cells: model.n,
                     title: words.live_approx_g, names: ["x", "y"]});
      var squares = err.reduce(function (sum, e) { return sum + e * e; }, 0);
      show(tOut, model.towers, 0); show(mOut, Math.max.apply(null, err), 6); show(rOut, Math.sqrt(squares / (m * m)), 6);
      heatmap(c[1], {values: yhat, n: m, domain: d, range: gRange, level: null, points: null, cells: model.n,
                     title: words.live_approx_yhat, names: ["x", "y"]});
      heatmap(c[2], {values: err, n: m, domain: d, range: [0, worstOfAll || 1], level: null, points: null,
                     title: "|G − ŷ|", names: ["x", "y"]});
    }
    draw();
  }

  // ---- 1-D descent --------------------------------------------------------------------------------
  function descent(root) {
    var cfg = config(root), words = labels(root), controls = el("div", {"class": "controls"}, root);
    var eta = slider(controls, "descent", cfg.sliders[0], reset), timer = null;
    limitMark(eta, "descent-eta-limit", words)(cfg.eta_limit);
    var buttons = el("div", {"class": "buttons"}, root);
    button(buttons, "descent-step", words.live_step, step);
    var run = button(buttons, "descent-run", words.live_run, toggle);
    button(buttons, "descent-reset", words.live_reset, reset);
    var c = canvas(root, "descent-canvas"), info = el("p", {"class": "readout"}, root);
    el("span", {}, info, "k = "); var kOut = el("output", {id: "descent-k"}, info);
    el("span", {}, info, "   x = "); var xOut = el("output", {id: "descent-x"}, info);
    el("span", {}, info, "   h(x) = "); var hOut = el("output", {id: "descent-h"}, info);
    var status = el("p", {"class": "status", id: "descent-status"}, root);
    var xs, hs, diverged;
    function reset() {
      xs = [cfg.x0]; hs = [sn_descent(cfg.x0, parseFloat(eta.value))[1]]; diverged = false; stop(); draw();
    }
    function step() {
      if (diverged) return;
      var rate = parseFloat(eta.value), x = sn_descent(xs[xs.length - 1], rate)[0];
      var h = Number.isFinite(x) ? sn_descent(x, rate)[1] : NaN;
      if (Number.isFinite(x) && Number.isFinite(h)) { xs.push(x); hs.push(h); }
      if (!(Number.isFinite(x) && Number.isFinite(h) && Math.abs(x) <= cfg.limit && Math.abs(h) <= cfg.limit * cfg.limit)) {
        diverged = true; stop();
      }
      draw();
    }
    function stop() { if (timer) { clearInterval(timer); timer = null; } run.textContent = words.live_run; }
    function toggle() {
      if (timer) { stop(); return; }
      run.textContent = words.live_pause;
      timer = setInterval(function () { if (xs.length > 200) stop(); else step(); }, 250);
    }
    function draw() {
      var n = xs.length;
      show(kOut, n - 1, 0); show(xOut, xs[n - 1], 6); show(hOut, hs[n - 1], 6);
      root.setAttribute("data-xs", JSON.stringify(xs));
      var growing = n > 2 && Math.abs(xs[n - 1] - xs[n - 2]) > Math.abs(xs[1] - xs[0]);
      status.textContent = diverged ? words.live_diverged : n < 2 ? words.h : growing ? words.live_growing : words.live_converging;
      status.className = "status" + (diverged || growing ? " bad" : "");
      plot(c, cfg, xs, hs, words);
    }
    reset();
  }
  // ---- training: the seed network on its teacher's data, or the XOR MLP -----------------------------
  function train(root) {
    var cfg = config(root), words = labels(root), controls = el("div", {"class": "controls"}, root);
    var choice = el("div", {"class": "choice", role: "radiogroup"}, controls);
    el("span", {"class": "name"}, choice, words.live_data_set);
    var radios = cfg.sets.map(function (s, k) {
      var label = el("label", {}, choice), r = el("input", {type: "radio", name: "train-set", id: "train-set-" + s.key,
                                                           value: String(k)}, label);
      el("span", {}, label, " " + s.label);
      r.addEventListener("change", function () { choose(k); });
      return r;
    });
    var eta = slider(controls, "train", cfg.sliders[0], function () {}), running = false;
    var limit = limitMark(eta, "train-eta-limit", words);
    var buttons = el("div", {"class": "buttons"}, root);
    button(buttons, "train-step", words.live_step, function () { step(); draw(); });
    var run = button(buttons, "train-run", words.live_run, toggle);
    button(buttons, "train-reset", words.live_reset, reset);
    var info = el("p", {"class": "readout"}, root);
    el("span", {}, info, words.live_epoch + " = "); var eOut = el("output", {id: "train-epoch"}, info);
    el("span", {}, info, "   " + words.live_loss + " = "); var lOut = el("output", {id: "train-loss"}, info);
    var status = el("p", {"class": "status", id: "train-status"}, root);
    var maps = el("div", {"class": "pictures"}, root);
    var mapF = map("train-map-f"), mapG = map("train-map-g");
    var c = canvas(root, "train-canvas", 260), tables = el("div", {"class": "pictures"}, root);
    var set, loss, predict, theta, epoch, losses, cells, fcells;
    function map(id) { return el("canvas", {id: id, width: 400, height: 364}, maps); }
    function evaluate(th) {
      var N = set.y.length, P = th.length, L = 0, g = new Array(P).fill(0);
      for (var n = 0; n < N; n++) {
        var r = loss.apply(null, set.X[n].concat([set.y[n]], th));
        L += r[0];
        for (var i = 0; i < P; i++) g[i] += r[1 + i];
      }
      return [L / N, g.map(function (v) { return v / N; })];
    }
    function step() {
      if (!Number.isFinite(losses[losses.length - 1])) return;
      var rate = parseFloat(eta.value), g = evaluate(theta)[1];
      theta = theta.map(function (t, i) { return t - rate * g[i]; });
      epoch += 1; losses.push(evaluate(theta)[0]);
    }
    function choose(k) {
      set = cfg.sets[k]; loss = window[set.loss_grad]; predict = window[set.predict]; radios[k].checked = true;
      root.setAttribute("data-set", set.key);
      eta.value = set.eta; eta.dispatchEvent(new Event("input"));
      limit(set.eta_limit);
      tables.textContent = "";
      var body = el("tbody", {}, el("table", {"class": "params", id: "train-params"}, tables));
      cells = set.names.map(function (name) {
        var row = el("tr", {}, body); el("td", {"class": "word"}, row, name); return el("td", {}, row);
      });
      var outputs = el("table", {"class": "outputs", id: "train-outputs"}, tables), head = el("tr", {}, el("thead", {}, outputs));
      set.columns.forEach(function (h) { el("th", {}, head, h); });
      var obody = el("tbody", {}, outputs);
      fcells = set.points.map(function (p, m) {
        var row = el("tr", {}, obody);
        el("td", {}, row, String(p[0])); el("td", {}, row, String(p[1]));
        var f = el("td", {"class": "prediction"}, row); show(el("td", {}, row), set.targets[m], 4);
        return f;
      });
      var teacher = set.teacher_theta;
      heatmap(mapG, {values: teacher && gridValues(function (x, y) { return predict.apply(null, [x, y].concat(teacher))[0]; },
                                                   cfg.domain, cfg.grid),
                     n: cfg.grid, domain: cfg.domain, range: cfg.range, level: null,
                     title: teacher ? words.live_map_g : words.live_map_data,
                     points: teacher ? null : set.X.map(function (x, n) { return [x[0], x[1], set.y[n]]; })});
      reset();
    }
    function reset() { theta = set.theta0.slice(); epoch = 0; losses = [evaluate(theta)[0]]; stop(); draw(); }
    function stop() { running = false; run.textContent = words.live_run; }
    function toggle() {
      if (running) { stop(); return; }
      running = true; run.textContent = words.live_pause; requestAnimationFrame(loop);
    }
    function loop() {
      if (!running) return;
      for (var k = 0; k < 5; k++) step();
      draw();
      if (epoch >= 5000 || !Number.isFinite(losses[losses.length - 1])) stop(); else requestAnimationFrame(loop);
    }
    function draw() {
      var last = losses[losses.length - 1], grew = losses.length > 1 && last > losses[losses.length - 2];
      show(eOut, epoch, 0); show(lOut, last, 6);
      root.setAttribute("data-theta", JSON.stringify(theta));
      var above = last > losses[0], bad = grew || above || !Number.isFinite(last);
      status.textContent = !Number.isFinite(last) ? words.live_train_diverged : grew ? words.live_loss_grew :
        above ? words.live_loss_above : losses.length > 1 ? words.live_loss_falls : "";
      status.className = "status" + (bad ? " bad" : "");
      theta.forEach(function (t, i) { show(cells[i], t, 4); });
      set.points.forEach(function (p, m) { show(fcells[m], predict.apply(null, p.concat(theta))[0], 4); });
      heatmap(mapF, {values: gridValues(function (x, y) { return predict.apply(null, [x, y].concat(theta))[0]; },
                                        cfg.domain, cfg.grid),
                     n: cfg.grid, domain: cfg.domain, range: cfg.range, level: set.contour,
                     title: set.teacher_theta ? words.live_map_f : words.live_map_xor, points: null});
      lossCurve(c, losses, epoch, words);
    }
    choose(0);
  }
  // ---- exercises: the typed number against symnet's answer ---------------------------------------
  function exercises(box) {
    box.querySelectorAll("div.exercise").forEach(function (ex) {
      var input = ex.querySelector("input"), verdict = ex.querySelector("output");
      function check() {
        var typed = parseFloat(input.value.replace(/\u2212/g, "-").replace(",", "."));
        var ok = Number.isFinite(typed) &&
          Math.abs(typed - parseFloat(ex.getAttribute("data-answer"))) <= parseFloat(ex.getAttribute("data-tol"));
        verdict.textContent = box.getAttribute(ok ? "data-right" : "data-wrong");
        verdict.className = "verdict " + (ok ? "right" : "wrong");
      }
      ex.querySelector("button").addEventListener("click", check);
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") check(); });
    });
  }

  SN.ui = {el: el, button: button, config: config, labels: labels};   // for static/graph.js
  var KINDS = {tower: tower, approx: approx, descent: descent, train: train,
               graph: function (root) { SN.graph(root); }};
  function start() {
    if (typeof katex !== "undefined") {
      document.querySelectorAll("[data-tex]").forEach(function (node) {
        katex.render(node.getAttribute("data-tex"), node, {displayMode: node.tagName === "DIV", throwOnError: false});
      });
    }
    document.querySelectorAll("div.live[data-kind]").forEach(function (root) {
      var build = KINDS[root.getAttribute("data-kind")];
      if (build) build(root);
    });
    document.querySelectorAll("div.exercises").forEach(exercises);
    document.body.setAttribute("data-ready", "1");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
