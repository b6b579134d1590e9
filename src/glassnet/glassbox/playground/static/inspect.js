// glassnet playground: the inspector's markup. It lays out numbers the server
// computed (GET /api/link, /api/bias, /api/neuron); it computes none itself.
"use strict";

const Inspect = (() => {
  function node(tag, text, attrs = {}) {
    const el = document.createElement(tag);
    if (text !== undefined && text !== null) el.textContent = text;
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    return el;
  }
  // One number: shown with 4 significant digits, kept whole in data-value.
  function num(sym, value, title) {
    const shown = value === null || value === undefined ? "NaN"
      : Number.isInteger(value) && Math.abs(value) < 1e6 ? String(value) : Number(value).toPrecision(4);
    return node("span", shown, {class: "num", "data-sym": sym, "data-value": String(value), title: `${title} = ${value}`});
  }
  function line(...parts) {
    const p = node("div", null, {class: "formula"});
    for (const part of parts) p.append(typeof part === "string" ? document.createTextNode(part) : part);
    return p;
  }

  function editor(label, value, onSet) {
    const row = node("div", null, {class: "edit"});
    const input = node("input", null, {type: "number", step: "any", id: "edit-value"});
    input.value = value === null ? "" : String(value);
    const button = node("button", "Set", {class: "basic", id: "edit-set"});
    const apply = () => { if (input.value !== "") onSet(+input.value); };
    button.onclick = apply;
    input.onkeydown = (e) => { if (e.key === "Enter") apply(); };
    row.append(node("label", label + " ", {for: "edit-value"}), input, button);
    return row;
  }

  function parameter(what, data, nodeName, send) {
    const out = [];
    const isLink = what.kind === "link";
    const k = data.layer;
    const title = isLink
      ? `Weight of the link ${nodeName(k, data.i)} → ${nodeName(k + 1, data.j)}  (layers[${k}].W[${data.i}, ${data.j}])`
      : `Bias of ${nodeName(k + 1, data.j)}  (layers[${k}].b[${data.j}])`;
    out.push(node("h3", title));
    const value = isLink ? data.weight : data.bias;
    out.push(line("now: ", num(isLink ? "weight" : "bias", value, isLink ? "w" : "b"), `  (epoch ${data.epoch})`));
    out.push(editor(isLink ? "Edit the weight:" : "Edit the bias:", value, (v) =>
      send(isLink ? {action: "weight", layer: k, i: data.i, j: data.j, value: v}
                  : {action: "bias", layer: k, j: data.j, value: v})));
    const u = data.update;
    if (!u) { out.push(node("p", "No update yet: play or step to train.", {class: "hint"})); return out; }
    out.push(node("h4", `Its last update (Playground's step, over B = ${u.B} examples)`));
    if (isLink) {
      const R = {L1: "sign(w)", L2: "w", none: "0"}[u.regularization];
      out.push(line(`w ← w − η · (1/B) · Σ δ·a_prev − η · λ · R′(w)      R′(w) = ${R} (${u.regularization})`));
      out.push(line("   = ", num("w", u.w, "w before"), " − ", num("lr", u.lr, "η"), " · (1/", num("B", u.B, "B"),
        ") · (", num("sum", u.sum, "Σ δ·a_prev"), ") − ", num("lr2", u.lr, "η"), " · ", num("rate", u.rate, "λ"),
        " · ", num("R", u.R, "R′(w)")));
      out.push(line("   = ", num("w", u.w, "w before"), " − ", num("gradient_step", u.gradient_step, "η·(1/B)·Σ δ·a_prev"),
        " − ", num("regularization_step", u.regularization_step, "η·λ·R′(w)")));
      out.push(line("   = ", num("w_after", u.w_after, "w after"), u.clamped ? "  (L1 crossed zero: set to 0, the link is dead from now on)" : ""));
      if (u.dead && !u.clamped) out.push(node("p", "This link was set to 0 by L1 earlier and is no longer trained.", {class: "hint"}));
    } else {
      out.push(line("b ← b − η · (1/B) · Σ δ        (biases are not regularised)"));
      out.push(line("   = ", num("b", u.b, "b before"), " − ", num("lr", u.lr, "η"), " · (1/", num("B", u.B, "B"),
        ") · (", num("sum", u.sum, "Σ δ"), ")"));
      out.push(line("   = ", num("b_after", u.b_after, "b after")));
    }
    const now = isLink ? u.w_now : u.b_now;
    const after = isLink ? u.w_after : u.b_after;
    if (now !== after) out.push(node("p", `Edited since: it is ${Number(now).toPrecision(4)} now.`, {class: "hint"}));
    return out;
  }

  function table(rows, header) {
    const t = node("table", null, {class: "values"});
    const head = node("tr");
    for (const h of header) head.append(node("th", h));
    t.append(head);
    for (const row of rows) {
      const tr = node("tr");
      for (const cell of row) tr.append(node("td", typeof cell !== "number" ? String(cell) : Number.isInteger(cell) ? String(cell) : cell.toPrecision(4)));
      t.append(tr);
    }
    return t;
  }

  function neuron(data, nodeName) {
    const out = [node("h3", `Neuron ${nodeName(data.layer, data.j)}  (layer ${data.layer}, node ${data.j}, ${data.activation})`)];
    out.push(node("p", `z = Σ a_prev · w + b,  a = ${data.activation}(z),  δ = ∂E/∂z, for the ${data.rows.length} examples of the next update (rows ${data.first}–${data.first + data.rows.length - 1} of the training set, E = ½(ŷ − t)²).`, {class: "hint"}));
    out.push(table(data.rows.map((r) => [r.row, r.x1, r.x2, r.t, r.z, r.a, r.delta]), ["row", "x₁", "x₂", "t", "z", "a", "δ"]));
    const s = data.stats;
    out.push(node("h4", "Every layer over the training set"));
    out.push(table(data.layers.map((l, k) => [k === data.layers.length - 1 ? "output" : `hidden ${k + 1}`,
      l.a_mean, l.a_std, `${(100 * l.a_zero).toFixed(1)} %`, l.delta_mean, l.delta_std, `${(100 * l.delta_zero).toFixed(1)} %`]),
      ["layer", "mean a", "std a", "a = 0", "mean δ", "std δ", "δ = 0"]));
    out.push(node("p", `Over the training set: a mean ${s.a_mean.toPrecision(4)}, std ${s.a_std.toPrecision(4)}, ${(100 * s.a_zero).toFixed(1)} % zero; δ mean ${s.delta_mean.toPrecision(4)}, std ${s.delta_std.toPrecision(4)}.`));
    return out;
  }

  return {parameter, neuron};
})();
