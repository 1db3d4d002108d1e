// The class view of a gradcheck audit: sort and filter the class table, click a chart to filter.
// The page works without this script (every row shown, in the audit's order); the state lives in
// the address (?verdict=fail&bug=sign_flip&q=smith&sort=points&desc=1), so a view can be shared.
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.className = doc.documentElement.className.replace("no-js", "js");
  var table = doc.querySelector("table.class");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var q = doc.getElementById("filter-text");
  var verdict = doc.getElementById("filter-verdict");
  var bug = doc.getElementById("filter-bug");
  var shown = doc.getElementById("shown");
  var state = { sort: null, desc: false };

  function value(row, key) {
    var cell = row.querySelector('[data-col="' + key + '"]');
    var v = cell ? cell.getAttribute("data-value") : "";
    var n = parseFloat(v);
    return v !== "" && !isNaN(n) && isFinite(v) ? n : (v || "").toLowerCase();
  }

  function compare(key, desc) {
    return function (a, b) {
      var x = value(a, key), y = value(b, key), r;
      if (typeof x === "number" && typeof y === "number") { r = x - y; }
      else { r = String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0; }
      if (r === 0) { r = +a.getAttribute("data-index") - +b.getAttribute("data-index"); return r; }
      return desc ? -r : r;
    };
  }

  function apply() {
    var text = q.value.trim().toLowerCase(), v = verdict.value, b = bug.value, n = 0;
    rows.forEach(function (row) {
      var ok = (!text || row.getAttribute("data-search").indexOf(text) >= 0) &&
               (!v || row.getAttribute("data-verdict") === v) &&
               (!b || row.getAttribute("data-bug") === b);
      row.hidden = !ok;
      n += ok ? 1 : 0;
    });
    var ordered = rows.slice();
    if (state.sort) { ordered.sort(compare(state.sort, state.desc)); }
    ordered.forEach(function (row) { body.appendChild(row); });
    heads.forEach(function (th) {
      var key = th.getAttribute("data-key");
      if (key === state.sort) { th.setAttribute("aria-sort", state.desc ? "descending" : "ascending"); }
      else { th.removeAttribute("aria-sort"); }
    });
    shown.textContent = "showing " + n + " of " + rows.length;
    table.setAttribute("data-shown", String(n));
    save();
  }

  function save() {
    var p = [];
    if (q.value.trim()) { p.push("q=" + encodeURIComponent(q.value.trim())); }
    if (verdict.value) { p.push("verdict=" + encodeURIComponent(verdict.value)); }
    if (bug.value) { p.push("bug=" + encodeURIComponent(bug.value)); }
    if (state.sort) { p.push("sort=" + encodeURIComponent(state.sort) + (state.desc ? "&desc=1" : "")); }
    try { history.replaceState(null, "", (p.length ? "?" + p.join("&") : location.pathname) + location.hash); }
    catch (e) { /* file:// pages may refuse; the view still works */ }
  }

  function load() {
    location.search.replace(/^\?/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("="), k = decodeURIComponent(kv.slice(0, i)), val = decodeURIComponent(kv.slice(i + 1));
      if (k === "q") { q.value = val; }
      if (k === "verdict") { verdict.value = val; }
      if (k === "bug") { bug.value = val; }
      if (k === "sort") { state.sort = val; }
      if (k === "desc") { state.desc = val === "1"; }
    });
  }

  heads.forEach(function (th) {
    var key = th.getAttribute("data-key");
    if (!key) { return; }
    th.tabIndex = 0;
    function sort() {
      state.desc = state.sort === key ? !state.desc : th.getAttribute("data-first") === "desc";
      state.sort = key;
      apply();
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });
  [q, verdict, bug].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  Array.prototype.forEach.call(doc.querySelectorAll("[data-filter-verdict],[data-filter-bug]"), function (el) {
    el.addEventListener("click", function () {
      var v = el.getAttribute("data-filter-verdict"), b = el.getAttribute("data-filter-bug");
      if (v !== null) { verdict.value = verdict.value === v ? "" : v; }
      if (b !== null) { bug.value = bug.value === b ? "" : b; }
      apply();
      table.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  });

  function openTarget() {  // a link to a student opens their (folded) section
    var id = location.hash.slice(1), el = id && doc.getElementById(id);
    var d = el && el.querySelector("details");
    if (d) { d.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  load();
  apply();
  openTarget();
})();
