// symnet tour: the glue of the live widgets. It builds controls, loops and draws; every formula it
// evaluates is a function symnet generated from a program (sn_tower, sn_descent, sn_loss_grad, sn_graph).
// Each number a test reads is also written, exactly (shortest round-trip text), in a data-value attribute.
(function () {
  "use strict";
  var SN = window.SN = window.SN || {};
  SN.errors = SN.errors || [];
  window.addEventListener("error", function (e) { SN.errors.push(String(e.message)); });

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
  function button(root, id, label, onClick) {
    var b = el("button", {type: "button", id: id}, root, label);
    b.addEventListener("click", onClick);
    return b;
  }
  function canvas(root, id, height) {
    return el("canvas", {id: id, width: 480, height: height || 360}, root);
  }
  // viridis, by five stops and straight lines between them (for the heat maps)
  var VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  function colour(v) {
    var t = Math.max(0, Math.min(1, Number.isFinite(v) ? v : 0)) * 4, k = Math.min(3, Math.floor(t)), f = t - k;
    return [0, 1, 2].map(function (i) { return Math.round(VIRIDIS[k][i] + f * (VIRIDIS[k + 1][i] - VIRIDIS[k][i])); });
  }
  function config(root) { return JSON.parse(root.querySelector("script.config").textContent); }
  function labels(root) { return JSON.parse(root.querySelector("script.labels").textContent); }

  // ---- axes: round ticks, a frame, numbers; a value → pixel map for each axis ------------------------
  function ticks(lo, hi, count) {
    var raw = (hi - lo) / Math.max(1, count), step = Math.pow(10, Math.floor(Math.log10(raw))), out = [];
    step *= raw / step >= 5 ? 5 : raw / step >= 2 ? 2 : 1;
    for (var v = Math.ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < 1e-12 ? 0 : v);
    return out;
  }
  function tickText(v) { return String(Number(v.toPrecision(6))).replace("-", "\u2212"); }
  // frame = {left, top, width, height} in canvas pixels; xr, yr = [lo, hi]; returns the two maps
  function axes(ctx, frame, xr, yr, names, yText) {
    var X = function (x) { return frame.left + (x - xr[0]) / (xr[1] - xr[0]) * frame.width; };
    var Y = function (y) { return frame.top + frame.height - (y - yr[0]) / (yr[1] - yr[0]) * frame.height; };
    ctx.save(); ctx.strokeStyle = "#94a3b8"; ctx.fillStyle = "#334155"; ctx.lineWidth = 1;
    ctx.font = "11px 'DejaVu Sans', sans-serif";
    ctx.strokeRect(frame.left, frame.top, frame.width, frame.height);
    ctx.textAlign = "center"; ctx.textBaseline = "top";
    ticks(xr[0], xr[1], Math.max(3, Math.min(6, Math.round(frame.width / 50)))).forEach(function (v) {
      ctx.beginPath(); ctx.moveTo(X(v), frame.top + frame.height); ctx.lineTo(X(v), frame.top + frame.height + 4); ctx.stroke();
      ctx.fillText(tickText(v), X(v), frame.top + frame.height + 6);
    });
    ctx.textAlign = "right"; ctx.textBaseline = "middle";
    ticks(yr[0], yr[1], Math.max(3, Math.min(5, Math.round(frame.height / 45)))).forEach(function (v) {
      ctx.beginPath(); ctx.moveTo(frame.left - 4, Y(v)); ctx.lineTo(frame.left, Y(v)); ctx.stroke();
      ctx.fillText((yText || tickText)(v), frame.left - 6, Y(v));
    });
    ctx.font = "italic 12px 'DejaVu Serif', serif"; ctx.textAlign = "center"; ctx.textBaseline = "alphabetic";
    if (names && names[0]) ctx.fillText(names[0], frame.left + frame.width / 2, frame.top + frame.height + 30);
    if (names && names[1]) {
      ctx.translate(12, frame.top + frame.height / 2); ctx.rotate(-Math.PI / 2); ctx.fillText(names[1], 0, 0);
    }
    ctx.restore();
    return [X, Y];
  }
  // a filled arrow head at (x, y) pointing along (dx, dy)
  function arrowHead(ctx, x, y, dx, dy, size) {
    var n = Math.hypot(dx, dy) || 1, ux = dx / n, uy = dy / n, s = size || 9;
    ctx.beginPath(); ctx.moveTo(x, y);
    ctx.lineTo(x - s * ux - 0.5 * s * uy, y - s * uy + 0.5 * s * ux);
    ctx.lineTo(x - s * ux + 0.5 * s * uy, y - s * uy - 0.5 * s * ux);
    ctx.closePath(); ctx.fill();
  }

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

  // a surface z = f(x, y) on [lo, hi]², z in [0, 1], as shaded quads drawn back to front (painter's order)
  function drawSurface(c, f, range, view) {
    var n = 44, lo = range[0], hi = range[1], z = [], quads = [], i, j;
    for (j = 0; j <= n; j++) for (i = 0; i <= n; i++) z.push(f(lo + i * (hi - lo) / n, lo + j * (hi - lo) / n));
    var ca = Math.cos(view.azimuth), sa = Math.sin(view.azimuth), ce = Math.cos(view.elevation), se = Math.sin(view.elevation);
    var scale = c.width / 2;
    function project(i, j, h) {
      var x = i / n - 0.5, y = j / n - 0.5, u = ca * x - sa * y, v = sa * x + ca * y;
      return [c.width / 2 + scale * u, c.height * 0.62 - scale * (v * se + 0.55 * h * ce), v];
    }
    for (j = 0; j < n; j++) {
      for (i = 0; i < n; i++) {
        var h = (z[j * (n + 1) + i] + z[j * (n + 1) + i + 1] + z[(j + 1) * (n + 1) + i] + z[(j + 1) * (n + 1) + i + 1]) / 4;
        var corners = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]].map(function (q) {
          return project(q[0], q[1], z[q[1] * (n + 1) + q[0]]);
        });
        quads.push([corners, h, corners[0][2] + corners[2][2]]);
      }
    }
    quads.sort(function (a, b) { return b[2] - a[2]; });
    var ctx = c.getContext("2d");
    ctx.clearRect(0, 0, c.width, c.height); ctx.lineWidth = 0.4; ctx.strokeStyle = "rgba(30, 41, 59, 0.35)";
    quads.forEach(function (q) {
      var rgb = colour(q[1]);
      ctx.fillStyle = "rgb(" + rgb[0] + "," + rgb[1] + "," + rgb[2] + ")";
      ctx.beginPath(); ctx.moveTo(q[0][0][0], q[0][0][1]);
      for (var k = 1; k < 4; k++) ctx.lineTo(q[0][k][0], q[0][k][1]);
      ctx.closePath(); ctx.fill(); ctx.stroke();
    });
  }

  // ---- sums of towers approximating G ------------------------------------------------------------
  function approx(root) {
    var cfg = config(root), words = labels(root), controls = el("div", {"class": "controls"}, root);
    var n = slider(controls, "approx", cfg.sliders[0], draw), nOut = document.getElementById("approx-n-out");
    var maps = el("div", {"class": "multiples"}, root), names = ["g", "yhat", "err"];
    var c = names.map(function (id) { return el("canvas", {id: "approx-" + id, width: 300, height: 280}, maps); });
    el("p", {"class": "readout"}, root, words.live_approx_maps);
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
    heatmap(c[0], {values: G, n: m, domain: d, range: gRange, level: null, points: null, title: words.live_approx_g,
                   names: ["x", "y"]});
    function draw() {
      var model = cfg.models[parseInt(n.value, 10)], yhat = fit(model), err = errors(yhat);
      nOut.textContent = String(model.n);
      var squares = err.reduce(function (sum, e) { return sum + e * e; }, 0);
      show(tOut, model.towers, 0); show(mOut, Math.max.apply(null, err), 6); show(rOut, Math.sqrt(squares / (m * m)), 6);
      heatmap(c[1], {values: yhat, n: m, domain: d, range: gRange, level: null, points: null,
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
  // h on fixed axes (the view and the curve's own range there): the path's points, the minimum, and each
  // iterate beyond the axes as an arrow on the edge it left by (its value written beside the last one)
  function plot(c, cfg, xs, hs, words) {
    var ctx = c.getContext("2d"), W = c.width, H = c.height, lo = cfg.view[0], hi = cfg.view[1], curve = [], i;
    for (i = 0; i <= 200; i++) { var x = lo + i * (hi - lo) / 200; curve.push([x, sn_descent(x, 0)[1]]); }
    var ys = curve.map(function (p) { return p[1]; }), ymin = Math.min.apply(null, ys), ymax = Math.max.apply(null, ys);
    var pad = 0.06 * (ymax - ymin || 1), yr = [ymin - pad, ymax + pad];
    var frame = {left: 48, top: 14, width: W - 62, height: H - 58};
    ctx.clearRect(0, 0, W, H);
    var map = axes(ctx, frame, [lo, hi], yr, ["x", "h(x)"]), X = map[0], Y = map[1];
    c.setAttribute("data-axes", JSON.stringify([lo, hi, yr[0], yr[1]]));
    ctx.lineWidth = 2; ctx.strokeStyle = "#334155"; ctx.beginPath();
    curve.forEach(function (p, k) { if (k) ctx.lineTo(X(p[0]), Y(p[1])); else ctx.moveTo(X(p[0]), Y(p[1])); });
    ctx.stroke();
    var m = cfg.minimum, mx = X(m[0]), my = Y(m[1]);
    ctx.fillStyle = "#059669"; ctx.beginPath(); ctx.arc(mx, my, 5, 0, 7); ctx.fill();
    ctx.font = "11px 'DejaVu Sans', sans-serif"; ctx.textAlign = "center";
    ctx.fillText(words.live_minimum + " (" + tickText(m[0]) + ", " + tickText(m[1]) + ")", mx, my - 12);
    c.setAttribute("data-minimum", JSON.stringify([m[0], m[1], mx, my]));
    var marks = xs.map(function (x, k) {
      var h = hs[k], off = (x < lo ? "left" : x > hi ? "right" : "") + (h > yr[1] ? "up" : "");
      var px = X(Math.max(lo, Math.min(hi, x))), py = Y(Math.max(yr[0], Math.min(yr[1], h)));
      return {x: x, h: h, px: px, py: py, off: off};
    });
    ctx.strokeStyle = "#dc2626"; ctx.fillStyle = "#dc2626"; ctx.lineWidth = 1.5;
    marks.forEach(function (q, k) {
      if (!k) return;
      var p = marks[k - 1];
      ctx.setLineDash(p.off || q.off ? [4, 4] : []);
      ctx.beginPath(); ctx.moveTo(p.px, p.py); ctx.lineTo(q.px, q.py); ctx.stroke();
    });
    ctx.setLineDash([]);
    marks.forEach(function (q, k) {
      if (!q.off) { ctx.beginPath(); ctx.arc(q.px, q.py, k === marks.length - 1 ? 5 : 3.5, 0, 7); ctx.fill(); return; }
      var d = [/left/.test(q.off) ? -1 : /right/.test(q.off) ? 1 : 0, /up/.test(q.off) ? -1 : 0];
      arrowHead(ctx, q.px + 2 * d[0], q.py + 2 * d[1], d[0], d[1], k === marks.length - 1 ? 14 : 8);
    });
    var last = marks[marks.length - 1];
    if (last.off) {
      var text = "x" + subscript(marks.length - 1) + " = " + tickText(last.x) + " " + words.live_offscale;
      ctx.font = "bold 12px 'DejaVu Sans', sans-serif"; ctx.textBaseline = "middle"; ctx.textAlign = "center";
      var tx = frame.left + frame.width / 2, ty = frame.top + 34, tw = ctx.measureText(text).width;
      ctx.fillStyle = "rgba(255, 255, 255, 0.9)"; ctx.fillRect(tx - tw / 2 - 4, ty - 9, tw + 8, 18);
      ctx.fillStyle = "#dc2626"; ctx.fillText(text, tx, ty);
    }
    c.setAttribute("data-marks", JSON.stringify(marks));
  }
  function subscript(n) {
    return String(n).replace(/[0-9]/g, function (d) { return "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089"[+d]; });
  }

  // ---- heat maps: values on a grid of cell centres, fixed axes, a colour bar, an optional contour ----
  // values[j * n + i] at x = d0 + (i + ½)(d1 − d0)/n, y = d2 + (j + ½)(d3 − d2)/n (j counts upwards)
  function gridValues(f, d, n) {
    var values = new Array(n * n);
    for (var j = 0; j < n; j++) for (var i = 0; i < n; i++)
      values[j * n + i] = f(d[0] + (i + 0.5) * (d[1] - d[0]) / n, d[2] + (j + 0.5) * (d[3] - d[2]) / n);
    return values;
  }
  // the segments where the grid crosses level (marching squares between cell centres, linear in each edge)
  function contour(values, d, n, level) {
    var out = [], hx = (d[1] - d[0]) / n, hy = (d[3] - d[2]) / n;
    function at(i, j) { return [d[0] + (i + 0.5) * hx, d[2] + (j + 0.5) * hy]; }
    for (var j = 0; j + 1 < n; j++) {
      for (var i = 0; i + 1 < n; i++) {
        var c = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]], cut = [];
        for (var k = 0; k < 4; k++) {
          var p = c[k], q = c[(k + 1) % 4], a = values[p[1] * n + p[0]] - level, b = values[q[1] * n + q[0]] - level;
          if ((a < 0) !== (b < 0)) {
            var s = a / (a - b), P = at(p[0], p[1]), Q = at(q[0], q[1]);
            cut.push([P[0] + s * (Q[0] - P[0]), P[1] + s * (Q[1] - P[1])]);
          }
        }
        if (cut.length >= 2) out.push([cut[0], cut[1]]);
        if (cut.length === 4) out.push([cut[2], cut[3]]);
      }
    }
    return out;
  }
  // map = {values, n, domain, range, title, level (or null), points [[x, y, label]] (or null)}
  function heatmap(c, map) {
    var ctx = c.getContext("2d"), d = map.domain, n = map.n, r = map.range;
    var frame = {left: 44, top: 26, width: c.width - 110, height: c.height - 70};
    ctx.clearRect(0, 0, c.width, c.height);
    if (map.values) {
      var off = document.createElement("canvas"), image;
      off.width = n; off.height = n; image = off.getContext("2d").createImageData(n, n);
      for (var q = 0; q < n * n; q++) {
        var rgb = colour((map.values[q] - r[0]) / (r[1] - r[0])), k = 4 * ((n - 1 - Math.floor(q / n)) * n + q % n);
        image.data[k] = rgb[0]; image.data[k + 1] = rgb[1]; image.data[k + 2] = rgb[2]; image.data[k + 3] = 255;
      }
      off.getContext("2d").putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(off, frame.left, frame.top, frame.width, frame.height);
    }
    var m = axes(ctx, frame, [d[0], d[1]], [d[2], d[3]], map.names || ["x\u2081", "x\u2082"]), X = m[0], Y = m[1];
    c.snGrid = {n: n, domain: d, values: map.values, frame: frame, range: r};
    c.snContour = map.level === null || !map.values ? [] : contour(map.values, d, n, map.level);
    ctx.strokeStyle = "#ffffff"; ctx.lineWidth = 2.5; ctx.beginPath();
    c.snContour.forEach(function (s) { ctx.moveTo(X(s[0][0]), Y(s[0][1])); ctx.lineTo(X(s[1][0]), Y(s[1][1])); });
    ctx.stroke();
    (map.points || []).forEach(function (p) {
      var rgb = colour((p[2] - r[0]) / (r[1] - r[0]));
      ctx.fillStyle = "rgb(" + rgb.join(",") + ")"; ctx.strokeStyle = "#1e293b"; ctx.lineWidth = 0.8;
      ctx.beginPath(); ctx.arc(X(p[0]), Y(p[1]), 3, 0, 7); ctx.fill(); ctx.stroke();
    });
    ctx.fillStyle = "#1e293b"; ctx.font = "12px 'DejaVu Sans', 'Noto Sans CJK SC', sans-serif"; ctx.textAlign = "left";
    ctx.fillText(map.title, frame.left, 16);
    colourBar(ctx, {left: frame.left + frame.width + 14, top: frame.top, width: 12, height: frame.height}, r);
  }
  function colourBar(ctx, box, r) {
    for (var y = 0; y < box.height; y++) {
      var rgb = colour(1 - y / (box.height - 1));
      ctx.fillStyle = "rgb(" + rgb.join(",") + ")"; ctx.fillRect(box.left, box.top + y, box.width, 1);
    }
    ctx.strokeStyle = "#94a3b8"; ctx.strokeRect(box.left, box.top, box.width, box.height);
    ctx.fillStyle = "#334155"; ctx.font = "11px 'DejaVu Sans', sans-serif"; ctx.textAlign = "left"; ctx.textBaseline = "middle";
    ticks(r[0], r[1], 4).forEach(function (v) {
      var y = box.top + box.height - (v - r[0]) / (r[1] - r[0]) * box.height;
      ctx.fillText(tickText(v), box.left + box.width + 4, y);
    });
    ctx.textBaseline = "alphabetic";
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
    var limit = el("span", {"class": "limit", id: "train-eta-limit"}, eta.parentNode);
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
      limit.textContent = set.eta_limit === null ? "" : words.live_eta_limit + " " + tickText(set.eta_limit);
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
  // the mean loss per epoch on a log axis (ticks at round powers, labelled with the loss itself)
  function lossCurve(c, losses, epoch, words) {
    var ctx = c.getContext("2d"), W = c.width, H = c.height, logs = losses.filter(Number.isFinite).map(Math.log10);
    var top = Math.max.apply(null, logs), bottom = Math.min.apply(null, logs), pad = Math.max(0.02, 0.05 * (top - bottom));
    var frame = {left: 58, top: 12, width: W - 72, height: H - 58};
    ctx.clearRect(0, 0, W, H);
    var m = axes(ctx, frame, [0, Math.max(1, logs.length - 1)], [bottom - pad, top + pad],
                 [words.live_epoch, words.live_loss + " (log)"],
                 function (v) { return tickText(Number(Math.pow(10, v).toPrecision(2))); });
    ctx.strokeStyle = "#2563eb"; ctx.lineWidth = 2; ctx.beginPath();
    logs.forEach(function (v, k) { if (k) ctx.lineTo(m[0](k), m[1](v)); else ctx.moveTo(m[0](k), m[1](v)); });
    ctx.stroke();
  }

  // ---- the computational graph, parameters as nodes ---------------------------------------------
  var SVGNS = "http://www.w3.org/2000/svg";
  function svg(tag, attrs, parent, text) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    parent.appendChild(node);
    return node;
  }
  function graph(root) {
    var cfg = config(root), words = labels(root), N = cfg.nodes.length, E = cfg.edges.length;
    el("p", {"class": "rule"}, root, words.live_graph_rule);
    var buttons = el("div", {"class": "buttons"}, root);
    button(buttons, "graph-back", words.live_back, back);
    button(buttons, "graph-reset", words.live_reset, reset);
    var readout = el("p", {"class": "readout", id: "graph-readout"}, root);
    var box = el("div", {"class": "graph-box"}, root);
    var pic = svg("svg", {viewBox: "0 0 " + cfg.width + " " + cfg.height, width: cfg.width, height: cfg.height,
                          id: "graph-svg"}, box);
    var out = sn_graph.apply(null, cfg.args), nArgs = cfg.n_args;
    var value = function (i) { return i < nArgs ? cfg.args[i] : out[i - nArgs]; };
    var local = function (k) { return out[N - nArgs + k]; };
    var delta = function (i) { return out[N - nArgs + E + i]; };
    var lines = cfg.edges.map(function (e, k) {
      var a = cfg.nodes[e[0]], b = cfg.nodes[e[1]];
      var line = svg("line", {x1: a.x, y1: a.y, x2: b.x, y2: b.y, "class": "edge"}, pic);
      var label = svg("text", {x: a.x + 0.62 * (b.x - a.x), y: a.y + 0.62 * (b.y - a.y) - 3, "class": "edge-label",
                               id: "graph-edge-" + k, "data-value": String(local(k))}, pic, local(k).toPrecision(3));
      return [line, label];
    });
    var nodes = cfg.nodes.map(function (n, i) {
      var g = svg("g", {id: "graph-node-" + i, "class": "node " + n.kind, "data-value": String(value(i))}, pic);
      svg("circle", {cx: n.x, cy: n.y, r: 19}, g);
      svg("text", {x: n.x, y: n.y - 3, "class": "name"}, g, n.name);
      svg("text", {x: n.x, y: n.y + 9, "class": "value"}, g, value(i).toPrecision(3));
      return [g, svg("text", {x: n.x, y: n.y + 32, "class": "delta"}, g, "")];
    });
    var lit;
    function reset() {
      lit = 0;
      nodes.forEach(function (n) { n[0].classList.remove("lit", "now"); n[1].textContent = ""; n[0].removeAttribute("data-delta"); });
      lines.forEach(function (l) { l[0].classList.remove("lit"); });
      readout.textContent = ""; root.setAttribute("data-lit", "0");
    }
    function back() {
      if (lit >= N) return;
      var i = cfg.order[lit], terms = [];
      nodes.forEach(function (n) { n[0].classList.remove("now"); });
      lines.forEach(function (l) { l[0].classList.remove("now"); });
      cfg.edges.forEach(function (e, k) {
        if (e[0] !== i) return;
        lines[k][0].classList.add("lit", "now");
        terms.push(delta(e[1]).toPrecision(4) + "·" + local(k).toPrecision(4));
      });
      nodes[i][0].classList.add("lit", "now");
      nodes[i][0].setAttribute("data-delta", String(delta(i)));
      nodes[i][1].textContent = "δ " + delta(i).toPrecision(3);
      readout.textContent = "δ(" + cfg.nodes[i].name + ") = " + (terms.length ? terms.join(" + ") + " = " : "") + delta(i).toPrecision(6);
      lit += 1; root.setAttribute("data-lit", String(lit));
    }
    reset();
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

  var KINDS = {tower: tower, approx: approx, descent: descent, train: train, graph: graph};
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
