// "Check my derivative": the learner's formula, parsed by the vendored jsep (MIT) into a tree, checked node
// by node against a whitelist (numbers, the question's names, + - * / ^ **, unary -, the listed functions)
// before anything is evaluated, then compared at random points with symnet's generated chain-rule paths
// (sn_check_<wrt>: every name's value, each path's product, each path's local factors). No eval, no Function.
(function () {
  "use strict";
  if (typeof jsep === "undefined") return;
  jsep.addBinaryOp("^", 11, true);          // a power, as in the article (jsep reads ^ as XOR otherwise)
  var BINARY = {"+": 1, "-": 1, "*": 1, "/": 1, "^": 1, "**": 1};
  var FUNCTIONS = Object.create(null);
  FUNCTIONS.sigmoid = FUNCTIONS["\u03c3"] = sn_sigmoid;
  FUNCTIONS.exp = Math.exp; FUNCTIONS.log = Math.log; FUNCTIONS.tanh = Math.tanh; FUNCTIONS.sqrt = Math.sqrt;
  FUNCTIONS.sin = Math.sin; FUNCTIONS.cos = Math.cos; FUNCTIONS.abs = Math.abs;
  FUNCTIONS.relu = sn_relu; FUNCTIONS.softplus = sn_softplus;
  function own(map, key) { return Object.prototype.hasOwnProperty.call(map, key); }
  function fill(template, fields) {
    return template.replace(/\{(\w+)\}/g, function (all, key) { return own(fields, key) ? String(fields[key]) : all; });
  }
  function Refusal(key, fields) { this.key = key; this.fields = fields; }

  // The typed text in jsep's syntax: − · × and superscripts ² ³ as ASCII; ŷ as yhat; δ_t, δt as delta_t.
  function normalize(text) {
    return text.replace(/\u2212/g, "-").replace(/[\u00b7\u00d7\u22c5]/g, "*").replace(/\u00b2/g, "^2")
      .replace(/\u00b3/g, "^3").replace(/y\u0302|\u0177/g, "yhat").replace(/\u03b4_?(?=[A-Za-z])/g, "delta_");
  }

  // Every node is checked before any is evaluated; a refused node throws a Refusal naming what it was.
  function validate(node, names) {
    switch (node.type) {
      case "Literal":
        if (typeof node.value !== "number") throw new Refusal("tutor_refused", {what: String(node.raw)});
        return;
      case "Identifier":
        if (!own(names, node.name)) throw new Refusal("tutor_unknown", {name: node.name});
        return;
      case "UnaryExpression":
        if (node.operator !== "-" && node.operator !== "+") throw new Refusal("tutor_refused", {what: node.operator});
        return validate(node.argument, names);
      case "BinaryExpression":
        if (!own(BINARY, node.operator)) throw new Refusal("tutor_refused", {what: node.operator});
        validate(node.left, names); return validate(node.right, names);
      case "CallExpression":
        if (node.callee.type !== "Identifier" || !own(FUNCTIONS, node.callee.name) || node.arguments.length !== 1) {
          throw new Refusal("tutor_refused", {what: node.callee.type === "Identifier" ? node.callee.name + "(…)" : "(…)(…)"});
        }
        return validate(node.arguments[0], names);
      default:
        throw new Refusal("tutor_refused", {what: node.type});
    }
  }

  // -a^b is -(a^b), as in mathematics (jsep binds the unary minus first).
  function evaluate(node, env) {
    switch (node.type) {
      case "Literal": return node.value;
      case "Identifier": return env[node.name];
      case "UnaryExpression": return node.operator === "-" ? -evaluate(node.argument, env) : evaluate(node.argument, env);
      case "CallExpression": return FUNCTIONS[node.callee.name](evaluate(node.arguments[0], env));
      default: break;
    }
    var op = node.operator;
    if ((op === "^" || op === "**") && node.left.type === "UnaryExpression" && node.left.operator === "-") {
      return -Math.pow(evaluate(node.left.argument, env), evaluate(node.right, env));
    }
    var a = evaluate(node.left, env), b = evaluate(node.right, env);
    if (op === "+") return a + b;
    if (op === "-") return a - b;
    if (op === "*") return a * b;
    if (op === "/") return a / b;
    return Math.pow(a, b);
  }

  // The tour's random points, as symnet quiz draws them: ±k/9 (k = 1…20) for inputs and parameters, y in (0, 1).
  function points(q, count) {
    var seed = 12345, out = [];
    function next() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; }
    for (var i = 0; i < count; i++) {
      out.push(q.args.map(function (name) {
        if (name === q.target) return (1 + Math.floor(next() * 8)) / 9;
        return (next() < 0.5 ? -1 : 1) * (1 + Math.floor(next() * 20)) / 9;
      }));
    }
    return out;
  }

  function close(a, b) { return Number.isFinite(a) && Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-15; }
  function all(n, test) { for (var i = 0; i < n; i++) { if (!test(i)) return false; } return true; }
  function ratio(mine, truth) {      // a constant small-rational c with mine = c·truth everywhere, or null
    var c = mine[0] / truth[0], best = null;
    for (var d = 1; d <= 12 && best === null; d++) {
      if (Math.abs(Math.round(c * d) - c * d) < 1e-7) best = [Math.round(c * d), d];
    }
    if (best === null || best[0] === 0) return null;
    var r = best[0] / best[1];
    return all(mine.length, function (i) { return close(mine[i], r * truth[i]); }) ? (best[1] === 1 ? String(best[0]) : best[0] + "/" + best[1]) : null;
  }

  // What a wrong answer has of the paths: one line per finding, or the point where it differs.
  function diagnose(q, mine, rows, labels) {
    var n = q.paths.length, m = mine.length, nv = q.names.length;
    var P = function (i, k) { return rows[i][nv + k]; };
    var T = rows.map(function (row) { var s = 0; for (var k = 0; k < n; k++) s += row[nv + k]; return s; });
    var factorAt = function (i, k, j) { var off = nv + n; for (var a = 0; a < k; a++) off += q.factors[a].length; return rows[i][off + j]; };
    var matches = function (f) { return all(m, function (i) { return close(mine[i], f(i)); }); };
    var lines = [];
    for (var k = 0; k < n; k++) {
      var kk = k;
      if (n > 1 && matches(function (i) { return T[i] - P(i, kk); })) return [fill(labels.tutor_missing, {path: q.paths[k]})];
      if (n > 2 && matches(function (i) { return P(i, kk); })) {
        lines = [fill(labels.tutor_only, {path: q.paths[k]})];
        q.paths.forEach(function (p, j) { if (j !== kk) lines.push(fill(labels.tutor_missing, {path: p})); });
        return lines;
      }
      if (matches(function (i) { return T[i] + P(i, kk); })) return [fill(labels.tutor_counted, {path: q.paths[k], times: 2})];
    }
    var c = ratio(mine, T);
    if (c !== null) return [fill(labels.tutor_scaled, {factor: c, what: q.what})];
    for (var s = 0; s < q.shared.length; s++) {
      var j0 = q.shared[s];
      if (matches(function (i) { return T[i] / factorAt(i, 0, j0); })) return [fill(labels.tutor_all_missing_factor, {factor: q.factors[0][j0]})];
      if (matches(function (i) { return T[i] * factorAt(i, 0, j0); })) return [fill(labels.tutor_all_extra_factor, {factor: q.factors[0][j0]})];
    }
    for (k = 0; k < n; k++) {
      for (var j = 0; j < q.factors[k].length; j++) {
        if (q.trivial[k][j]) continue;
        var k2 = k, j2 = j;
        if (matches(function (i) { return T[i] - P(i, k2) + P(i, k2) / factorAt(i, k2, j2); })) {
          return [fill(labels.tutor_path_missing_factor, {path: q.paths[k], factor: q.factors[k][j]})];
        }
        if (matches(function (i) { return T[i] - P(i, k2) + P(i, k2) * factorAt(i, k2, j2); })) {
          return [fill(labels.tutor_path_extra_factor, {path: q.paths[k], factor: q.factors[k][j]})];
        }
      }
    }
    return [];
  }

  function witness(q, at, mine, truth, labels) {
    var point = q.args.map(function (name, a) { return name + " = " + at[a].toPrecision(3); }).join(", ");
    if (!Number.isFinite(mine)) return fill(labels.tutor_not_real, {point: point});
    return fill(labels.tutor_witness, {point: point, mine: mine.toPrecision(6), what: q.what, truth: truth.toPrecision(6)});
  }

  // Judge one typed formula: {ok, lines, key} (key: the refusal's, "wrong" or "right").
  function judge(q, text, labels, functions) {
    var names = Object.create(null), tree;
    q.names.forEach(function (name, i) { names[name] = i; });
    try { tree = jsep(normalize(text)); } catch (err) {
      return {ok: false, key: "tutor_syntax", lines: [fill(labels.tutor_syntax, {error: err.message})]};
    }
    try { validate(tree, names); } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      err.fields.functions = functions;
      return {ok: false, key: err.key, lines: [fill(labels[err.key], err.fields)]};
    }
    var at = points(q, q.points), fn = window[q.fn], nv = q.names.length, n = q.paths.length;
    var rows = at.map(function (p) { return fn.apply(null, p); });
    var mine = rows.map(function (row) {
      var env = Object.create(null);
      q.names.forEach(function (name, i) { env[name] = row[i]; });
      return evaluate(tree, env);
    });
    var truth = rows.map(function (row) { var s = 0; for (var k = 0; k < n; k++) s += row[nv + k]; return s; });
    var bad = -1;
    for (var i = 0; i < mine.length && bad < 0; i++) { if (!close(mine[i], truth[i])) bad = i; }
    if (bad < 0) return {ok: true, key: "right", lines: [fill(labels.tutor_right, {what: q.what, points: q.points})]};
    var lines = all(mine.length, function (i) { return Number.isFinite(mine[i]); }) ? diagnose(q, mine, rows, labels) : [];
    return {ok: false, key: "wrong", lines: [fill(labels.tutor_wrong, {what: q.what})].concat(
      lines.length ? lines : [witness(q, at[bad], mine[bad], truth[bad], labels)])};
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function question(root, q, config, labels, index) {
    var box = element("div", "question");
    box.id = "check-" + q.wrt;
    box.appendChild(element("p", "", (index + 1) + ". " + q.question));
    var input = element("input", "answer");
    input.type = "text"; input.spellcheck = false; input.placeholder = labels.tutor_placeholder;
    input.setAttribute("aria-label", q.what);
    var button = element("button", "", labels.ex_check); button.type = "button";
    var row = element("div", "row"); row.appendChild(input); row.appendChild(button); box.appendChild(row);
    var verdict = element("div", "verdict"); verdict.setAttribute("role", "status"); box.appendChild(verdict);
    var names = element("details", "names"), paths = element("details", "names paths");
    names.appendChild(element("summary", "", labels.tutor_names_title));
    names.appendChild(element("p", "", fill(labels.tutor_names, {names: q.names.join(", "), functions: config.functions.join(", ")})));
    paths.appendChild(element("summary", "", fill(labels.tutor_paths, {count: q.paths.length})));
    var list = element("ol"); q.paths.forEach(function (p) { list.appendChild(element("li", "", p)); }); paths.appendChild(list);
    box.appendChild(names); box.appendChild(paths);
    function check() {
      var result = judge(q, input.value, labels, config.functions.join(", "));
      verdict.innerHTML = "";
      result.lines.forEach(function (line, i) { verdict.appendChild(element(i ? "div" : "b", "", line)); });
      verdict.className = "verdict " + (result.ok ? "right" : "wrong");
      box.setAttribute("data-verdict", result.key);
    }
    button.addEventListener("click", check);
    input.addEventListener("keydown", function (e) { if (e.key === "Enter") check(); });
    root.appendChild(box);
  }

  function start() {
    document.querySelectorAll('div.live[data-kind="checker"]').forEach(function (root) {
      var config = JSON.parse(root.querySelector("script.config").textContent);
      var labels = JSON.parse(root.querySelector("script.labels").textContent);
      var code = root.querySelector("details.code");
      config.questions.forEach(function (q, i) {
        var holder = element("div"); root.insertBefore(holder, code); question(holder, q, config, labels, i);
      });
      root.setAttribute("data-checker", "ready");
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
