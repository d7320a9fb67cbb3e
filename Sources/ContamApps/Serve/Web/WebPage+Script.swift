extension WebPage {
    /// The script of the page (`GET /app.js`): calls the API with `fetch`, puts every text into the DOM as text nodes.
    static let script = #"""
"use strict";
// The page of `contam serve` (docs/serve.md, "Web page"). Every text that comes from the server or the
// user reaches the DOM as a text node (el() below) or through textContent, never parsed as markup.
(() => {
  const $ = (id) => document.getElementById(id);
  const views = ["search", "check", "trace", "document"];
  const methods = ["near", "palm", "gpt3", "lmeval13", "llama2", "gpt4", "exactsubstr"];
  const state = { indexes: [], search: null, trace: null, selected: -1 };

  // A new element: attributes (class, on* listeners, others as given) and children (strings become text nodes).
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function setStatus(text, isError) {
    const status = $("status");
    status.textContent = text || "";
    status.className = isError ? "status error" : "status";
    status.setAttribute("role", isError ? "alert" : "status");
  }

  function token() {
    try { return sessionStorage.getItem("contam-token") || ""; } catch (e) { return ""; }
  }

  // One API call; resolves to the parsed JSON, rejects with the server's message.
  async function api(method, path, body) {
    const headers = {};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const bearer = token();
    if (bearer) headers["Authorization"] = "Bearer " + bearer;
    let response;
    try {
      response = await fetch(path, { method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new Error("the server did not answer (" + error.message + ")");
    }
    const text = await response.text();
    let data = null;
    try { data = JSON.parse(text); } catch (e) { data = null; }
    if (response.status === 401) {
      $("token-box").open = true;
      throw new Error("the server needs a bearer token (401): enter it under Token");
    }
    if (!response.ok) throw new Error((data && data.error) || ("HTTP " + response.status));
    if (data === null) throw new Error("the server's answer is not JSON");
    return data;
  }

  function currentIndex() { return $("index").value || undefined; }

  // Runs a request for a view: disables its button, reports errors in the status line.
  async function busy(view, work) {
    const button = $(view + "-go");
    const panel = $("view-" + view);
    button.disabled = true;
    panel.setAttribute("aria-busy", "true");
    setStatus("Working…");
    try {
      await work();
      setStatus("");
    } catch (error) {
      setStatus(error.message, true);
    } finally {
      button.disabled = false;
      panel.removeAttribute("aria-busy");
    }
  }

  // Offsets: the API counts UTF-8 bytes (locate, check, documents) or Unicode scalars (trace); JavaScript
  // strings count UTF-16 units. These map an API offset in `text` to a string index.
  function byteOffsets(text) {
    const map = [];
    let unit = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0);
      const width = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      for (let k = 0; k < width; k++) map.push(unit);
      unit += ch.length;
    }
    map.push(unit);
    return (offset) => map[Math.max(0, Math.min(offset, map.length - 1))];
  }
  function scalarOffsets(text) {
    const map = [];
    let unit = 0;
    for (const ch of text) { map.push(unit); unit += ch.length; }
    map.push(unit);
    return (offset) => map[Math.max(0, Math.min(offset, map.length - 1))];
  }

  // Fills `container` with `text`, the string ranges [{start, end, cls}] wrapped in <mark> (ranges may
  // overlap: a piece covered by several gets the first one's class and "multi"). `decorate(mark, covering)`
  // may add behaviour to each mark.
  function renderMarked(container, text, ranges, decorate) {
    container.replaceChildren();
    const cuts = new Set([0, text.length]);
    for (const range of ranges) {
      cuts.add(Math.max(0, Math.min(range.start, text.length)));
      cuts.add(Math.max(0, Math.min(range.end, text.length)));
    }
    const points = [...cuts].sort((a, b) => a - b);
    for (let k = 0; k + 1 < points.length; k++) {
      const start = points[k], end = points[k + 1];
      const piece = text.slice(start, end);
      const covering = ranges.filter((range) => range.start <= start && range.end >= end && range.end > range.start);
      if (covering.length === 0) { container.append(piece); continue; }
      const mark = el("mark", { class: covering[0].cls + (covering.length > 1 ? " multi" : "") }, piece);
      if (decorate) decorate(mark, covering);
      container.append(mark);
    }
  }

  // A passage {before, match, after} with its match highlighted.
  function passage(p, cls) {
    if (!p) return el("div", { class: "text none" }, "(no passage)");
    return el("div", { class: "text" }, p.before, el("mark", { class: cls || "m" }, p.match), p.after);
  }

  function openButton(shard, doc, byteRange) {
    return el("button", { type: "button", class: "link", onclick: () => { selectView("document"); openDocument(shard, doc, byteRange); } },
      "open document " + shard + "/" + doc);
  }

  // ---- views and the URL hash (#view=search&q=…: a deep link runs its query on load)

  function selectView(view, focus) {
    for (const name of views) {
      const tab = $("tab-" + name);
      const selected = name === view;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      $("view-" + name).hidden = !selected;
    }
    if (focus) $("tab-" + view).focus();
  }

  function setHash(fields) {
    const params = new URLSearchParams();
    const index = currentIndex();
    if (index) params.set("index", index);
    for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== "") params.set(key, String(value));
    history.replaceState(null, "", "#" + params.toString());
  }

  function applyHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    const index = params.get("index");
    if (index && state.indexes.some((entry) => entry.name === index)) { $("index").value = index; showIndexInfo(); }
    const view = params.get("view");
    if (!views.includes(view)) return;
    selectView(view);
    const number = (name, input) => { const value = params.get(name); if (value !== null && /^\d+$/.test(value)) $(input).value = value; };
    if (view === "search" && params.get("q")) {
      $("search-q").value = params.get("q");
      number("limit", "search-limit"); number("context", "search-context");
      const offset = Number(params.get("offset") || 0);
      runSearch(Number.isInteger(offset) && offset >= 0 ? offset : 0);
    } else if (view === "check" && params.get("text")) {
      $("check-text").value = params.get("text");
      const wanted = (params.get("methods") || "").split(",").filter((m) => methods.includes(m));
      if (wanted.length) for (const m of methods) $("method-" + m).checked = wanted.includes(m);
      number("min_match", "check-min-match");
      runCheck();
    } else if (view === "trace" && params.get("text")) {
      $("trace-text").value = params.get("text");
      number("min_match", "trace-min-match"); number("max_sources", "trace-max-sources");
      runTrace();
    } else if (view === "document" && params.get("shard") !== null && params.get("doc") !== null) {
      number("shard", "document-shard"); number("doc", "document-doc");
      openDocument(Number($("document-shard").value), Number($("document-doc").value), null);
    }
  }

  // ---- indexes

  function showIndexInfo() {
    const entry = state.indexes.find((e) => e.name === currentIndex());
    $("index-info").textContent = entry
      ? entry.kind + " · " + entry.documents.toLocaleString("en") + " documents · " + entry.tokens.toLocaleString("en") + " tokens · " +
        entry.shards + " shard" + (entry.shards === 1 ? "" : "s") + " · " + entry.tokenizer.summary
      : "";
  }

  async function loadIndexes() {
    try {
      const data = await api("GET", "/v1/indexes");
      state.indexes = data.indexes;
      const select = $("index");
      select.replaceChildren(...data.indexes.map((entry) => el("option", { value: entry.name }, entry.name)));
      showIndexInfo();
      setStatus("");
      document.body.dataset.ready = "true";
      applyHash();
    } catch (error) {
      setStatus("Cannot list the indexes: " + error.message, true);
    }
  }

  // ---- search: /v1/locate, paged with offset

  function runSearch(offset) {
    const query = $("search-q").value;
    if (!query.trim()) { setStatus("Enter a phrase to search for.", true); return; }
    const limit = Number($("search-limit").value) || 10;
    const context = Number($("search-context").value);
    return busy("search", async () => {
      const data = await api("POST", "/v1/locate", { index: currentIndex(), query, limit, context: Number.isFinite(context) ? context : 80, offset });
      state.search = { query, limit, offset, count: data.count };
      const shown = data.occurrences.length;
      $("search-count").textContent = data.count.toLocaleString("en") + " occurrence" + (data.count === 1 ? "" : "s") + " of " +
        data.tokens + " token" + (data.tokens === 1 ? "" : "s") + (shown ? "; showing " + (offset + 1) + "–" + (offset + shown) : "");
      const list = $("search-results");
      list.start = offset + 1;
      list.replaceChildren(...data.occurrences.map((occurrence) => el("li", { class: "hit" },
        el("p", { class: "where" }, el("code", null, occurrence.source + ":" + occurrence.record),
          occurrence.documentID ? " · " + occurrence.documentID : "", " · token " + occurrence.tokenOffset + " · ",
          openButton(occurrence.shard, occurrence.document, occurrence.passage ? occurrence.passage.byteRange : null)),
        passage(occurrence.passage))));
      const pages = Math.max(1, Math.ceil(data.count / limit));
      $("search-pager").hidden = data.count <= limit;
      $("search-page").textContent = "page " + (Math.floor(offset / limit) + 1) + " of " + pages;
      $("search-prev").disabled = offset === 0;
      $("search-next").disabled = offset + limit >= data.count;
      setHash({ view: "search", q: query, offset: offset || "", limit: limit === 10 ? "" : limit });
    });
  }

  // ---- check: /v1/check, verdicts and evidence like `contam check --html`

  function verdictClass(verdict) { return verdict === "dirty" ? "dirty" : verdict === "clean" ? "clean" : "notclean"; }

  function runCheck() {
    const text = $("check-text").value;
    if (!text.trim()) { setStatus("Enter a text to check.", true); return; }
    const chosen = methods.filter((m) => $("method-" + m).checked);
    if (!chosen.length) { setStatus("Choose at least one method.", true); return; }
    const minMatch = Number($("check-min-match").value) || 8;
    return busy("check", async () => {
      const data = await api("POST", "/v1/check", { index: currentIndex(), items: [{ id: "text", text }], methods: chosen, min_match: minMatch });
      renderCheck(data, text, chosen);
      setHash({ view: "check", text, methods: chosen.join(","), min_match: minMatch === 8 ? "" : minMatch });
    });
  }

  function renderCheck(data, text, chosen) {
    const item = data.items[0];
    const out = $("check-result");
    const badges = chosen.filter((m) => item.method_details[m]).map((m) =>
      el("span", { class: "badge " + verdictClass(item.method_details[m].verdict), "data-method": m }, m + ": " + item.method_details[m].verdict));
    const figures = [item.tokens + " tokens"];
    figures.push(item.longest_match_tokens === null ? "longest match not computed" : "longest match " + item.longest_match_tokens + " tokens (" + item.longest_match_chars + " chars)");
    if (item.coverage !== null) figures.push("coverage " + Math.round(item.coverage * 100) + "%");
    if (item.best_similarity) figures.push("similarity " + item.best_similarity.toFixed(2));
    const evidence = chosen.filter((m) => item.method_details[m] && item.method_details[m].verdict !== "clean")
      .map((m) => el("li", null, el("b", null, m), ": " + item.method_details[m].evidence));
    // The item with its verbatim spans: the longest with a source in yellow, the others lighter.
    const spans = item.spans || [];
    const withSource = spans.filter((s) => s.sources.length);
    const longest = withSource.reduce((best, s) => (!best || s.tokens > best.tokens ? s : best), null);
    const toIndex = byteOffsets(text);
    const ranges = spans.map((s) => ({ start: toIndex(s.byte_start), end: toIndex(s.byte_end), cls: s === longest ? "m" : "e" }));
    if (longest) ranges.sort((a, b) => (a.cls === "m" ? -1 : 0) - (b.cls === "m" ? -1 : 0));
    const itemText = el("div", { class: "text", id: "check-item-text" });
    renderMarked(itemText, text, ranges);
    // The source side: the near-verbatim alignment's passage when there is one, else the longest span's first source.
    let source;
    const near = item.near;
    if (near && near.source && (near.near_verbatim || (!withSource.length && near.similarity > 0))) {
      source = [el("h3", null, "Source: " + near.source.document + " — aligned " + near.alignment.columns + " tokens, similarity " +
        near.alignment.similarity.toFixed(2) + " (" + near.alignment.cigar + ")"),
        el("p", { class: "where" }, openButton(near.source.shard, near.source.doc, [near.source.byte_start, near.source.byte_end])), passage(near.source)];
    } else if (longest) {
      const first = longest.sources[0];
      source = [el("h3", null, "Source: " + (first.document || "document " + first.doc) + " — verbatim span of " + longest.tokens + " tokens, " +
        longest.occurrences + " occurrence" + (longest.occurrences === 1 ? "" : "s") + " in the corpus"),
        el("p", { class: "where" }, openButton(first.shard, first.doc, [first.byte_start, first.byte_end])), passage(first)];
    } else {
      source = [el("h3", null, "Source"), el("div", { class: "text none" }, "No source passage: no verbatim span of at least the minimum length, and no near-verbatim alignment.")];
    }
    const spanList = spans.length ? [el("h3", null, "Verbatim spans"), el("div", { class: "scroll" }, el("table", { class: "summary" },
      el("thead", null, el("tr", null, el("th", null, "span"), el("th", null, "tokens"), el("th", null, "occurrences"), el("th", null, "sources"))),
      el("tbody", null, spans.map((s) => el("tr", null, el("td", null, s.text), el("td", { class: "num" }, s.tokens), el("td", { class: "num" }, s.occurrences),
        el("td", null, s.sources.map((src) => el("div", null, (src.document || "") + " ", openButton(src.shard, src.doc, [src.byte_start, src.byte_end])))))))))] : [];
    out.replaceChildren(...[
      el("h2", null, item.flagged ? "Flagged " : "Not flagged ", badges),
      el("p", { class: "meta" }, "against ", el("code", null, data.index), " · " + figures.join(" · ")),
      evidence.length ? el("ul", { class: "evidence" }, evidence) : null,
      data.notes.map((note) => el("p", { class: "note" }, "Note: " + note)),
      el("p", { class: "legend" }, "Legend: ", el("mark", { class: "m" }, "longest verbatim span"), " ", el("mark", { class: "e" }, "other verbatim spans")),
      el("div", { class: "pair" }, el("div", { class: "side" }, el("h3", null, "Text"), itemText), el("div", { class: "side" }, source)),
      spanList].flat(Infinity).filter((child) => child !== null));
  }

  // ---- trace: /v1/trace, spans highlighted; selecting one shows its sources

  function runTrace() {
    const text = $("trace-text").value;
    if (!text.trim()) { setStatus("Enter a text to trace.", true); return; }
    const minMatch = Number($("trace-min-match").value) || 8;
    const maxSources = Number($("trace-max-sources").value);
    return busy("trace", async () => {
      const data = await api("POST", "/v1/trace", { index: currentIndex(), text, min_match: minMatch, max_sources: Number.isFinite(maxSources) ? maxSources : 3 });
      state.trace = { text, data };
      state.selected = -1;
      renderTrace();
      setHash({ view: "trace", text, min_match: minMatch === 8 ? "" : minMatch });
    });
  }

  function renderTrace() {
    const { text, data } = state.trace;
    $("trace-summary").textContent = data.span_count + " span" + (data.span_count === 1 ? "" : "s") + " of at least " + data.min_match +
      " tokens " + (data.span_count === 1 ? "occurs" : "occur") + " verbatim in the corpus (" + data.tokens + " tokens traced)" + (data.spans.length < data.span_count ? "; the " + data.spans.length + " rarest shown" : "");
    $("trace-result").hidden = data.spans.length === 0;
    const toIndex = scalarOffsets(text);
    const ranges = data.spans.map((span, rank) => ({ start: toIndex(span.char_start), end: toIndex(span.char_end), cls: "t", rank }));
    renderMarked($("trace-text-view"), text, ranges, (mark, covering) => {
      const rank = Math.min(...covering.map((range) => range.rank));
      mark.dataset.spans = covering.map((range) => range.rank).join(" ");
      mark.title = "span " + (rank + 1) + ": select to see its sources";
      mark.addEventListener("click", () => selectSpan(rank));
    });
    $("trace-spans").replaceChildren(...data.spans.map((span, rank) => el("li", null,
      el("button", { type: "button", "aria-pressed": "false", "data-rank": rank, onclick: () => selectSpan(rank) },
        span.text, " ", el("span", { class: "meta" }, "(" + (span.token_end - span.token_start) + " tokens, " + span.count + "×)")))));
    $("trace-detail").replaceChildren(el("p", { class: "meta" }, data.spans.length ? "Select a span (in the text or the list) to see where it occurs." : ""));
  }

  function selectSpan(rank) {
    const span = state.trace.data.spans[rank];
    if (!span) return;
    state.selected = rank;
    for (const mark of $("trace-text-view").querySelectorAll("mark")) {
      mark.classList.toggle("sel", mark.dataset.spans.split(" ").includes(String(rank)));
    }
    for (const button of $("trace-spans").querySelectorAll("button")) button.setAttribute("aria-pressed", String(button.dataset.rank === String(rank)));
    $("trace-detail").replaceChildren(
      el("h3", null, "Span " + (rank + 1) + " of " + state.trace.data.spans.length),
      el("div", { class: "text", id: "trace-span-text" }, span.text),
      el("p", { class: "meta" }, "tokens " + span.token_start + "–" + span.token_end + " · " + span.count + " occurrence" + (span.count === 1 ? "" : "s") +
        " in the corpus · unigram log-probability " + span.unigram_logprob.toFixed(1)),
      span.sources.length ? el("ol", { class: "results", id: "trace-sources" }, span.sources.map((source) => el("li", null,
        el("p", { class: "where" }, el("code", null, source.source + ":" + source.record), source.documentID ? " · " + source.documentID : "", " · ",
          openButton(source.shard, source.document, source.passage ? source.passage.byteRange : null)),
        passage(source.passage)))) : el("p", { class: "meta" }, "No sources requested."));
  }

  // ---- documents: /v1/documents/S/D

  function openDocument(shard, doc, byteRange) {
    $("document-shard").value = shard;
    $("document-doc").value = doc;
    const index = currentIndex();
    return busy("document", async () => {
      const data = await api("GET", "/v1/documents/" + shard + "/" + doc + (index ? "?index=" + encodeURIComponent(index) : ""));
      const body = el("div", { class: "text", id: "document-text", tabindex: "0", "aria-label": "document text" });
      const toIndex = byteOffsets(data.text);
      renderMarked(body, data.text, byteRange ? [{ start: toIndex(byteRange[0]), end: toIndex(byteRange[1]), cls: "m" }] : []);
      const field = (name, value) => [el("dt", null, name), el("dd", null, value)];
      $("document-result").replaceChildren(
        el("h2", null, data.id || "document " + shard + "/" + doc),
        el("dl", { class: "doc" }, field("source", el("code", null, data.source + ":" + data.record)), field("shard / document", shard + " / " + doc),
          field("doc_ix", data.doc_ix), field("size", data.tokens + " tokens, " + data.bytes + " bytes")),
        body);
      const mark = body.querySelector("mark");
      if (mark) mark.scrollIntoView({ block: "center" });
      setHash({ view: "document", shard, doc });
    });
  }

  // ---- wiring

  function start() {
    $("check-methods").append(...methods.map((m) => el("label", { for: "method-" + m },
      el("input", { type: "checkbox", id: "method-" + m, value: m, checked: m === "near" || m === "palm" }), " " + m)));
    $("token").value = token();
    $("token-save").addEventListener("click", () => {
      try { sessionStorage.setItem("contam-token", $("token").value); } catch (e) { /* storage refused: the field still works this once */ }
      loadIndexes();
    });
    $("token").addEventListener("keydown", (event) => { if (event.key === "Enter") $("token-save").click(); });
    for (const [k, name] of views.entries()) {
      const tab = $("tab-" + name);
      tab.addEventListener("click", () => selectView(name));
      // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
      tab.addEventListener("keydown", (event) => {
        const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
        if (event.key === "Home" || event.key === "End") { event.preventDefault(); selectView(views[event.key === "Home" ? 0 : views.length - 1], true); }
        if (step) { event.preventDefault(); selectView(views[(k + step + views.length) % views.length], true); }
      });
    }
    $("index").addEventListener("change", () => { showIndexInfo(); setHash({}); });
    $("search-form").addEventListener("submit", (event) => { event.preventDefault(); runSearch(0); });
    $("search-prev").addEventListener("click", () => { const s = state.search; if (s) { $("search-q").value = s.query; runSearch(Math.max(0, s.offset - s.limit)); } });
    $("search-next").addEventListener("click", () => { const s = state.search; if (s) { $("search-q").value = s.query; runSearch(s.offset + s.limit); } });
    $("check-form").addEventListener("submit", (event) => { event.preventDefault(); runCheck(); });
    $("trace-form").addEventListener("submit", (event) => { event.preventDefault(); runTrace(); });
    $("document-form").addEventListener("submit", (event) => { event.preventDefault(); openDocument(Number($("document-shard").value), Number($("document-doc").value), null); });
    // Ctrl+Enter (or Cmd+Enter) in a text area runs its form.
    for (const id of ["check-text", "trace-text"]) {
      $(id).addEventListener("keydown", (event) => { if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); $(id).form.requestSubmit(); } });
    }
    window.addEventListener("hashchange", applyHash);
    loadIndexes();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
"""#
}
