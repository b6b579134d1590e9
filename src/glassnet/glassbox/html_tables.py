"""A trace's arrays as HTML tables, with digits chosen per table.

A table's cells share one format, chosen from its values so that a typical
entry shows two significant digits: with m the median of the non-zero
magnitudes,

    decimals = clamp(1 − ⌊log₁₀ m⌋, 2, 6),

and scientific notation (``1.23e-05``) when m < 1e-4 or a value reaches 1e6.
So the tutorial's tables keep their two decimals, while the deltas and
updates of a trained network (1e-3 … 1e-6) stay readable instead of reading
``0.00``. Every cell keeps its full value in its ``title`` (hover to see it), and
the page's digits control re-renders the cells from it.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import numpy as np

#: the digits a table may be given automatically
MIN_DECIMALS, MAX_DECIMALS = 2, 6
#: tables with more columns than this say that they scroll
WIDE_COLUMNS = 16


def table_format(values: np.ndarray) -> tuple[str, int]:
    """``("f", decimals)`` or ``("e", digits after the point)`` for one table."""
    finite = np.abs(values[np.isfinite(values)])
    nonzero = finite[finite > 0]
    if nonzero.size == 0:
        return "f", MIN_DECIMALS
    typical = float(np.median(nonzero))
    if typical < 1e-4 or float(nonzero.max()) >= 1e6:
        return "e", 2
    decimals = 1 - math.floor(math.log10(typical))
    return "f", min(max(decimals, MIN_DECIMALS), MAX_DECIMALS)


def format_value(v: float, style: str, digits: int) -> str:
    return f"{v:.{digits}{style}}"


def _header(columns: Sequence[str] | None, n_columns: int, corner: bool = False) -> str:
    if not columns or len(columns) != n_columns:
        return ""
    cells = "".join(f'<th title="{html.escape(str(c))}">{html.escape(str(c))}</th>'
                    for c in columns)
    return f"<thead><tr>{'<th></th>' if corner else ''}{cells}</tr></thead>"


def _cell(key: str, i: int, j: int, v: float, style: str, digits: int) -> str:
    if math.isnan(v) and key == "":
        return "<td></td>"
    return f'<td data-k="{key}:{i}:{j}" title="{v:.10g}">{format_value(v, style, digits)}</td>'


def table_html(name: str, arr: np.ndarray, kind: str, max_rows: int,
               decimals: int | None = None, columns: Sequence[str] | None = None,
               label: str | None = None, rows: Sequence[str] | None = None,
               blank_nan: bool = False, note: str = "") -> str:
    """One array as a titled ``<table>``: ``kind`` is ``operand``, ``result`` or
    ``delta`` (CSS classes); cells carry ``data-k="name:i:j"`` for the hover map.

    decimals : fixed digits for every cell (default: :func:`table_format`).
    columns : column labels (feature or class names), shown when they fit.
    rows : row labels, shown in a first column when there is one per row.
    blank_nan : show NaN as an empty cell (a row shorter than the table), not "nan".
    note : a line under the table.
    """
    style, digits = ("f", decimals) if decimals is not None else table_format(arr)
    key = html.escape(name)
    labelled = rows is not None and len(rows) == arr.shape[0]
    body = []
    for i, row in enumerate(arr[:max_rows]):
        head = f'<th class="r">{html.escape(str(rows[i]))}</th>' if labelled and rows else ""
        tds = "".join(_cell("" if blank_nan and math.isnan(v) else key, i, j, v, style, digits)
                      for j, v in enumerate(row))
        body.append(f"<tr>{head}{tds}</tr>")
    more = (f'<div class="more">… {arr.shape[0] - max_rows} more rows</div>'
            if arr.shape[0] > max_rows else "")
    shown = html.escape(label or name)
    wide = " — scroll sideways for every column" if arr.shape[1] > WIDE_COLUMNS else ""
    below = f'<div class="note">{html.escape(note)}</div>' if note else ""
    return (f'<div class="arr {kind}"><div class="name">{shown} '
            f'<span class="more">{arr.shape[0]}×{arr.shape[1]}{wide}</span></div>'
            f'<div class="scroll"><table class="m {kind}" data-fmt="{style}" data-d="{digits}">'
            f'{_header(columns, arr.shape[1], labelled)}<tbody>{"".join(body)}</tbody></table>'
            f"</div>{more}{below}</div>")


#: the page's digits control: −/+ re-render every cell from its title
DIGITS_JS = """
(function(){
  var extra = 0, label = document.getElementById('digits-extra');
  function render(){
    document.querySelectorAll('table.m').forEach(function(t){
      var d = Math.max(0, Math.min(15, parseInt(t.dataset.d, 10) + extra));
      var exp = t.dataset.fmt === 'e';
      t.querySelectorAll('td[title]').forEach(function(td){
        var v = Number(td.title);
        td.textContent = exp ? v.toExponential(d) : v.toFixed(d);
      });
    });
    label.textContent = (extra >= 0 ? '+' : '') + extra;
  }
  document.getElementById('digits-more').addEventListener('click', function(){
    if (extra < 8) { extra += 1; render(); }});
  document.getElementById('digits-fewer').addEventListener('click', function(){
    if (extra > -2) { extra -= 1; render(); }});
})();
"""

DIGITS_CONTROL = ('<div class="digits">Digits: <button id="digits-fewer" type="button">−'
                  '</button> <span id="digits-extra">+0</span> <button id="digits-more" '
                  'type="button">+</button> <span class="more">(each table picks its own '
                  "digits from its values; hover a cell for all of them)</span></div>")


_HOVER_JS = """
(function(){
  var deps = JSON.parse(document.getElementById('deps').textContent);
  function clear(){
    document.querySelectorAll('td.active,td.src').forEach(function(td){
      td.classList.remove('active'); td.classList.remove('src');});
  }
  function show(td){
    var sec = td.closest('section.step'); var k = td.dataset.k;
    var src = (deps[sec.dataset.step] || {})[k]; if(!src) return;
    clear(); td.classList.add('active');
    src.forEach(function(s){
      var c = sec.querySelector('%SOURCES%[data-k="'+s+'"]');
      if(c) c.classList.add('src');
    });
    sec.querySelector('.status').textContent = k.replace(/:(\\d+):(\\d+)$/, '[$1, $2]') +
      ' = ' + td.title + '   computed from ' + src.length + ' cell(s)';
  }
  document.querySelectorAll('%CELLS%[data-k]').forEach(function(td){
    td.addEventListener('mouseenter', function(){ show(td); });
    td.addEventListener('click', function(){ show(td); });
  });
})();
"""


def hover_js(cells: str, sources: str) -> str:
    """The script that lights a cell's sources: hovering (or clicking) a cell matched
    by the CSS selector ``cells`` marks it ``active`` and the cells of its step
    section matched by ``sources`` that the page's ``deps`` JSON lists for it ``src``,
    and writes "name[i, j] = value   computed from n cell(s)" in the step's status."""
    return _HOVER_JS.replace("%CELLS%", cells).replace("%SOURCES%", sources)
