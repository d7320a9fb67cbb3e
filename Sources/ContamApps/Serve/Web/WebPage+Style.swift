extension WebPage {
    /// The style sheet of the page (`GET /app.css`), after the look of `contam check --html` (HTMLReport.css); one column under 800 px.
    static let style = #"""
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1400px;padding:0 1.2em 2em;color:#1d2127;background:#fff}
header{padding:.8em 0 0;border-bottom:1px solid #d8dbe0;margin-bottom:1em}
h1{font-size:1.5em;margin:0 .6em 0 0;display:inline-block;vertical-align:middle}h2{font-size:1.15em;margin:.2em 0 .5em}h3{font-size:.95em;margin:0 0 .4em;color:#444}
code{font:13px ui-monospace,Menlo,Consolas,monospace;background:#f2f3f5;padding:0 .25em;border-radius:3px;word-break:break-all}
.bar{display:flex;flex-wrap:wrap;align-items:center;gap:.4em .8em;margin:.4em 0 .6em}
.bar .meta{flex:1 1 16em}
label{font-weight:600;font-size:.9em}
input,select,textarea,button{font:inherit;color:inherit}
input[type=text],input[type=search],input[type=password],input[type=number],select,textarea{border:1px solid #b9bec6;border-radius:4px;padding:.3em .45em;background:#fff;max-width:100%}
input[type=number]{width:6.5em}
textarea{width:100%;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;resize:vertical}
button{border:1px solid #8a929e;border-radius:4px;background:#f4f5f7;padding:.3em .8em;cursor:pointer}
button.primary{background:#1f5fbf;border-color:#1f5fbf;color:#fff}
button:disabled{opacity:.5;cursor:default}
button.link{border:none;background:none;padding:0;color:#1f5fbf;text-decoration:underline;font-size:.9em}
:focus-visible{outline:3px solid #f0a500;outline-offset:1px}
[role=tablist]{display:flex;flex-wrap:wrap;gap:.2em}
[role=tab]{border:1px solid #d8dbe0;border-bottom:none;border-radius:6px 6px 0 0;background:#f4f5f7;padding:.4em 1em;margin-bottom:-1px}
[role=tab][aria-selected=true]{background:#fff;font-weight:600;border-color:#b9bec6}
form.query{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.5em .9em;margin:0 0 .8em}
form.query .field{display:flex;flex-direction:column;gap:.15em}
form.query .grow{flex:1 1 18em}
form.query .grow input{width:100%}
form.query .wide{flex:1 1 100%}
fieldset{border:1px solid #d8dbe0;border-radius:4px;padding:.2em .6em .4em;margin:0}
fieldset label{font-weight:normal;margin-right:.7em;white-space:nowrap}
legend{font-weight:600;font-size:.9em}
.meta{color:#555;margin:.3em 0}
.status{min-height:1.4em;margin:.2em 0 .6em;color:#555}
.status.error{color:#a4161a;background:#fde2e1;padding:.4em .7em;border-radius:4px}
.note{color:#7a5b00;background:#fff8e1;padding:.4em .7em;border-radius:4px}
.results{padding-left:2.2em}
.results>li{margin:0 0 .9em}
.where{margin:0 0 .3em;font-size:.85em;color:#666}
.text{white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.5 ui-monospace,Menlo,Consolas,monospace;background:#fafbfc;border:1px solid #e3e5e8;border-radius:4px;padding:.6em .7em;max-height:32em;overflow:auto}
.text.none{color:#777;font-family:inherit}
.pager{display:flex;align-items:center;gap:.8em;margin:.5em 0}
.summary{border-collapse:collapse;margin:.6em 0}.summary th,.summary td{border:1px solid #d8dbe0;padding:.3em .6em;text-align:left;vertical-align:top}
.summary th{background:#f4f5f7}.scroll{overflow-x:auto}.num{text-align:right;white-space:nowrap}
.badge{display:inline-block;font-size:.8em;font-weight:600;padding:.1em .55em;border-radius:9px;margin:0 .3em .2em 0}
.badge.dirty{background:#fde2e1;color:#a4161a}.badge.notclean{background:#fff1c2;color:#7a5b00}.badge.clean{background:#e8f5e9;color:#2e6b30}
.evidence{margin:.4em 0 .8em;padding-left:1.3em;color:#333}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1.2em}
.side{min-width:0}
mark{border-radius:2px;padding:0 1px;color:inherit}
mark.m{background:#ffe27a}mark.e{background:#fff2bd}mark.t{background:#ffe27a}mark.t.multi{background:#ffc94d}
mark.t{cursor:pointer}mark.sel,mark.t.sel{background:#ffa94d;outline:2px solid #c25e00}
.legend mark{padding:0 .3em}
.spans{padding-left:2.2em}
.spans li{margin:.15em 0}
.spans button{text-align:left;max-width:100%;overflow-wrap:anywhere}
.spans button[aria-pressed=true]{background:#ffe0bd;border-color:#c25e00}
.trace{display:grid;grid-template-columns:3fr 2fr;gap:1.2em}
.detail{border:1px solid #d8dbe0;border-radius:6px;padding:.7em .9em;min-width:0}
dl.doc{display:grid;grid-template-columns:max-content 1fr;gap:.1em .8em;margin:.3em 0 .8em}
dl.doc dt{font-weight:600;color:#444}dl.doc dd{margin:0;min-width:0;overflow-wrap:anywhere}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:800px){.pair,.trace{grid-template-columns:1fr}body{padding:0 .6em 2em}[role=tab]{padding:.35em .6em}}
"""#
}
