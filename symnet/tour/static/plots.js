// symnet tour: the drawing helpers of the live widgets (axes and ticks, heat maps with a colour bar and
// contours, the 3-D surface, the descent and loss plots). They draw numbers they are given or that a
// generated function returns (sn_descent); no formula of the article is written here.
(function () {
  "use strict";
  var SN = window.SN = window.SN || {};

  // viridis, by five stops and straight lines between them (for the heat maps)
  var VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  function colour(v) {
    var t = Math.max(0, Math.min(1, Number.isFinite(v) ? v : 0)) * 4, k = Math.min(3, Math.floor(t)), f = t - k;
    return [0, 1, 2].map(function (i) { return Math.round(VIRIDIS[k][i] + f * (VIRIDIS[k + 1][i] - VIRIDIS[k][i])); });
  }
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
    if (map.cells) cellLines(ctx, frame, map.cells);
    c.snPoints = map.points || [];
    var dot = map.cells > 8 ? 2 : 3;
    (map.points || []).forEach(function (p) {
      var rgb = colour((p[2] - r[0]) / (r[1] - r[0]));
      ctx.fillStyle = "rgb(" + rgb.join(",") + ")"; ctx.strokeStyle = "#1e293b"; ctx.lineWidth = 0.8;
      ctx.beginPath(); ctx.arc(X(p[0]), Y(p[1]), dot, 0, 7); ctx.fill(); ctx.stroke();
    });
    ctx.fillStyle = "#1e293b"; ctx.font = "12px 'DejaVu Sans', 'Noto Sans CJK SC', sans-serif"; ctx.textAlign = "left";
    ctx.fillText(map.title, frame.left, 16);
    colourBar(ctx, {left: frame.left + frame.width + 14, top: frame.top, width: 12, height: frame.height}, r);
  }
  // the n×n cells of a sum of towers, as thin white lines over the map
  function cellLines(ctx, frame, n) {
    ctx.strokeStyle = "rgba(255, 255, 255, 0.7)"; ctx.lineWidth = 1; ctx.beginPath();
    for (var k = 1; k < n; k++) {     // on pixel centres: one crisp pixel wide
      var x = Math.round(frame.left + k * frame.width / n) + 0.5, y = Math.round(frame.top + k * frame.height / n) + 0.5;
      ctx.moveTo(x, frame.top); ctx.lineTo(x, frame.top + frame.height);
      ctx.moveTo(frame.left, y); ctx.lineTo(frame.left + frame.width, y);
    }
    ctx.stroke();
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

  SN.plot = {colour: colour, ticks: ticks, tickText: tickText, axes: axes, arrowHead: arrowHead, drawSurface: drawSurface,
             plot: plot, subscript: subscript, gridValues: gridValues, contour: contour, heatmap: heatmap,
             colourBar: colourBar, lossCurve: lossCurve};
})();
