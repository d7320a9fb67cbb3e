extension WebPage {
    /// The HTML of `GET /`: loads only `/app.css`, `/app.js` and `/favicon.svg`; no inline script or style (the CSP forbids them).
    static let document = #"""
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>contam serve</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head><body>
<header>
<div class="bar">
<h1>contam</h1>
<label for="index">Index</label>
<select id="index" aria-describedby="index-info"></select>
<span id="index-info" class="meta"></span>
<details id="token-box"><summary>Token</summary>
<label for="token">Bearer token</label>
<input id="token" type="password" autocomplete="off" spellcheck="false">
<button id="token-save" type="button">Use</button>
<span class="meta">kept in this tab only (sessionStorage)</span>
</details>
</div>
<nav role="tablist" aria-label="Views">
<button role="tab" id="tab-search" aria-controls="view-search" aria-selected="true" type="button">Search</button>
<button role="tab" id="tab-check" aria-controls="view-check" aria-selected="false" tabindex="-1" type="button">Check</button>
<button role="tab" id="tab-trace" aria-controls="view-trace" aria-selected="false" tabindex="-1" type="button">Trace</button>
<button role="tab" id="tab-document" aria-controls="view-document" aria-selected="false" tabindex="-1" type="button">Document</button>
</nav>
</header>
<main>
<p id="status" class="status" role="status" aria-live="polite"></p>

<section id="view-search" role="tabpanel" aria-labelledby="tab-search">
<h2 class="visually-hidden">Search</h2>
<form id="search-form" class="query">
<div class="field grow"><label for="search-q">Phrase</label><input id="search-q" type="search" autocomplete="off" spellcheck="false" required></div>
<div class="field"><label for="search-limit">Per page</label><select id="search-limit"><option>10</option><option>25</option><option>50</option><option>100</option></select></div>
<div class="field"><label for="search-context">Context (bytes)</label><input id="search-context" type="number" min="0" max="10000" value="80"></div>
<button id="search-go" class="primary" type="submit">Search</button>
</form>
<p id="search-count" class="meta" aria-live="polite"></p>
<ol id="search-results" class="results"></ol>
<nav id="search-pager" class="pager" aria-label="Result pages" hidden>
<button id="search-prev" type="button">Previous page</button>
<span id="search-page"></span>
<button id="search-next" type="button">Next page</button>
</nav>
</section>

<section id="view-check" role="tabpanel" aria-labelledby="tab-check" hidden>
<h2 class="visually-hidden">Check</h2>
<form id="check-form" class="query">
<div class="field wide"><label for="check-text">Text to check (a benchmark item or a generation)</label><textarea id="check-text" rows="6" spellcheck="false" required></textarea></div>
<fieldset id="check-methods"><legend>Methods</legend></fieldset>
<div class="field"><label for="check-min-match">Min. verbatim span (tokens)</label><input id="check-min-match" type="number" min="1" max="100000" value="8"></div>
<button id="check-go" class="primary" type="submit">Check</button>
</form>
<div id="check-result" aria-live="polite"></div>
</section>

<section id="view-trace" role="tabpanel" aria-labelledby="tab-trace" hidden>
<h2 class="visually-hidden">Trace</h2>
<form id="trace-form" class="query">
<div class="field wide"><label for="trace-text">Model output to trace</label><textarea id="trace-text" rows="6" spellcheck="false" required></textarea></div>
<div class="field"><label for="trace-min-match">Min. span (tokens)</label><input id="trace-min-match" type="number" min="1" max="10000" value="8"></div>
<div class="field"><label for="trace-max-sources">Sources per span</label><input id="trace-max-sources" type="number" min="0" max="100" value="3"></div>
<button id="trace-go" class="primary" type="submit">Trace</button>
</form>
<p id="trace-summary" class="meta" aria-live="polite"></p>
<div id="trace-result" class="trace" hidden>
<div class="side"><h3>Text, verbatim corpus spans highlighted</h3><div id="trace-text-view" class="text"></div>
<h3>Spans, rarest first</h3><ol id="trace-spans" class="spans"></ol></div>
<div id="trace-detail" class="detail" aria-live="polite"><p class="meta">Select a span to see where it occurs.</p></div>
</div>
</section>

<section id="view-document" role="tabpanel" aria-labelledby="tab-document" hidden>
<h2 class="visually-hidden">Document</h2>
<form id="document-form" class="query">
<div class="field"><label for="document-shard">Shard</label><input id="document-shard" type="number" min="0" value="0" required></div>
<div class="field"><label for="document-doc">Document</label><input id="document-doc" type="number" min="0" value="0" required></div>
<button id="document-go" class="primary" type="submit">Open</button>
</form>
<div id="document-result"></div>
</section>
</main>
</body></html>
"""#
}
