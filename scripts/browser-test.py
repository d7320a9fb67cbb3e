#!/usr/bin/env python3
"""Drives the web page of a running `contam serve` in headless Chromium through the DevTools protocol
(a websocket client written here with the standard library only) and asserts on the resulting DOM.

Run by scripts/browser-test.sh, which builds the index, starts the server and stops it. The page is used
as a person would: typing (Input.insertText), Enter and arrow keys (Input.dispatchKeyEvent), mouse clicks
at the elements' positions (Input.dispatchMouseEvent). Expected values come from the contam CLI on the same
index, never from the page itself. Screenshots go to --artifacts.
"""
import argparse
import base64
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import urllib.request


class WebSocket:
    """A minimal RFC 6455 client: text frames out (masked), frames in (unmasked, possibly fragmented)."""

    def __init__(self, url):
        assert url.startswith("ws://"), url
        hostport, path = url[len("ws://"):].split("/", 1)
        host, port = hostport.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            response += chunk
        head, self.buffer = response.split(b"\r\n\r\n", 1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise ConnectionError(f"DevTools refused the websocket: {head.decode(errors='replace')}")

    def send(self, text):
        payload = text.encode()
        header = bytearray([0x81])
        if len(payload) < 126:
            header.append(0x80 | len(payload))
        elif len(payload) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(payload))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
        mask = os.urandom(4)
        self.sock.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))

    def _read(self, count):
        while len(self.buffer) < count:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:count], self.buffer[count:]
        return out

    def receive(self):
        message = b""
        while True:
            first, second = self._read(2)
            opcode, length = first & 0x0F, second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if second & 0x80 else None
            payload = self._read(length)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the websocket")
            if opcode in (0x9, 0xA):
                continue
            message += payload
            if first & 0x80:
                return message.decode()


class Page:
    """One page target: commands, the events seen meanwhile, and the few UI actions the test needs."""

    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def call(self, method, **params):
        self.next_id += 1
        wanted = self.next_id
        self.ws.send(json.dumps({"id": wanted, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.receive())
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"evaluating {expression[:80]!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression, what, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.1)
        status = self.evaluate("document.getElementById('status') ? document.getElementById('status').textContent : ''")
        raise AssertionError(f"timed out waiting for {what} (status line: {status!r})")

    def click(self, selector):
        point = self.evaluate(f"""(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return null;
            e.scrollIntoView({{block: 'center'}}); const r = e.getClientRects()[0]; return r ? [r.x + Math.min(r.width / 2, 8), r.y + r.height / 2] : null; }})()""")
        if not point:
            raise AssertionError(f"nothing to click at {selector}")
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=point[0], y=point[1], button="left", clickCount=1)

    def type_into(self, selector, text):
        found = self.evaluate(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); if (!e) return false; e.focus(); e.select(); return true; }})()")
        if not found:
            raise AssertionError(f"no field {selector}")
        self.call("Input.insertText", text=text)

    def key(self, name, code, text=None):
        down = {"type": "keyDown", "key": name, "code": name, "windowsVirtualKeyCode": code}
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", **down)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=name, code=name, windowsVirtualKeyCode=code)

    def screenshot(self, path):
        shown = self.evaluate("document.body.innerText")
        check("[object " not in shown,
              f"the page shows a value the script failed to render (before {os.path.basename(path)})")
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))
        print(f"browser-test: screenshot {path}", file=sys.stderr)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def normalized(text):
    return " ".join(text.lower().replace("\u2026", " ").split())


def main():
    parser = argparse.ArgumentParser()
    for name in ("contam", "index", "url", "chromium", "artifacts", "profile", "items"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    os.makedirs(args.artifacts, exist_ok=True)

    def cli(*arguments, stdin_path=None):
        run = subprocess.run([args.contam, *arguments], capture_output=True, text=True)
        check(run.returncode in (0, 1), f"contam {' '.join(arguments)} failed ({run.returncode}): {run.stderr}")
        return run.stdout

    # The server: /healthz answers once it listens; then the page's own headers.
    deadline = time.time() + 60
    while True:
        try:
            with urllib.request.urlopen(args.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        check(time.time() < deadline, f"the server at {args.url} did not answer /healthz within 60 s")
        time.sleep(0.2)
    with urllib.request.urlopen(args.url + "/", timeout=10) as response:
        headers = response.headers
        check(headers.get("Content-Type") == "text/html; charset=utf-8", f"GET / Content-Type: {headers.get('Content-Type')}")
        check("default-src 'none'" in (headers.get("Content-Security-Policy") or ""), "GET / has no strict Content-Security-Policy")
        check(headers.get("X-Content-Type-Options") == "nosniff", "GET / lacks X-Content-Type-Options: nosniff")

    # Chromium with a DevTools port of its choosing (written to DevToolsActivePort in the profile).
    flags = ["--headless", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run", "--no-default-browser-check",
             "--remote-debugging-port=0", f"--user-data-dir={args.profile}", "--window-size=1280,1000"]
    if os.geteuid() == 0:
        flags.append("--no-sandbox")  # chromium refuses to run as root otherwise (containers, CI)
    port_file = os.path.join(args.profile, "DevToolsActivePort")
    if os.path.exists(port_file):
        os.remove(port_file)  # a stale one from an earlier run would name a closed port
    browser = subprocess.Popen([args.chromium, *flags, "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while not (os.path.exists(port_file) and open(port_file).read().strip()):
            check(browser.poll() is None, f"chromium exited ({browser.returncode}) before opening its DevTools port")
            check(time.time() < deadline, "chromium did not open a DevTools port within 30 s")
            time.sleep(0.1)
        devtools_port = open(port_file).read().split()[0]
        with urllib.request.urlopen(f"http://127.0.0.1:{devtools_port}/json/list", timeout=10) as response:
            targets = [t for t in json.load(response) if t.get("type") == "page"]
        check(targets, "chromium has no page target")
        page = Page(WebSocket(targets[0]["webSocketDebuggerUrl"]))
        run(page, args, cli)
    finally:
        browser.terminate()
        try:
            browser.wait(timeout=10)
        except subprocess.TimeoutExpired:
            browser.kill()


def run(page, args, cli):
    for domain in ("Page", "Runtime", "Log", "Network"):
        page.call(domain + ".enable")
    # Record CSP violations from the very start of the document.
    page.call("Page.addScriptToEvaluateOnNewDocument", source="window.__violations = []; document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")
    page.call("Page.navigate", url=args.url + "/")
    page.wait_for("document.body && document.body.dataset.ready === 'true'", "the index list")
    options = page.evaluate("[...document.querySelectorAll('#index option')].map((o) => o.value)")
    check(options == ["corpus"], f"index picker offers {options}, expected ['corpus']")
    check("documents" in page.evaluate("document.getElementById('index-info').textContent"), "no index statistics shown")

    # --- Search, typed and submitted with Enter; the first page equals `contam query locate`, the second continues it.
    phrase = "the python"
    expected = json.loads(cli("query", args.index, "locate", phrase, "--json", "--limit", "10"))
    check(expected["count"] > 10, f"the test phrase needs more than one page; it occurs {expected['count']} times")
    page.type_into("#search-q", phrase)
    page.key("Enter", 13, "\r")
    page.wait_for("document.querySelectorAll('#search-results > li').length > 0", "search results")
    count_text = page.evaluate("document.getElementById('search-count').textContent")
    check(count_text.startswith(f"{expected['count']:,} occurrences"), f"search count {count_text!r}, the CLI says {expected['count']}")
    shown = page.evaluate("""[...document.querySelectorAll('#search-results > li')].map((li) => ({
        where: li.querySelector('.where').textContent, match: li.querySelector('mark').textContent }))""")
    check(len(shown) == 10, f"{len(shown)} results on the first page, expected 10")
    for entry, occurrence in zip(shown, expected["occurrences"]):
        check(f"{occurrence['source']}:{occurrence['record']}" in entry["where"] and f"token {occurrence['tokenOffset']}" in entry["where"],
              f"result {entry['where']!r} is not the CLI's {occurrence['source']}:{occurrence['record']} token {occurrence['tokenOffset']}")
        check(normalized(entry["match"]) == phrase, f"highlighted {entry['match']!r}, not the phrase")
    page.click("#search-next")
    page.wait_for("document.getElementById('search-results').start === 11", "the second page")
    second = page.evaluate("[...document.querySelectorAll('#search-results > li .where')].map((w) => w.textContent)")
    check(second and not set(second) & {entry["where"] for entry in shown}, "the second page repeats the first")
    check("page 2 of" in page.evaluate("document.getElementById('search-page').textContent"), "the pager does not say page 2")
    check("offset=10" in page.evaluate("location.hash"), "the URL hash does not keep the page")
    page.screenshot(os.path.join(args.artifacts, "search.png"))

    # --- Check: a licence passage, verdicts equal to `contam check --json` on the same text.
    with open(os.path.join(args.items, "benchmark.jsonl")) as items:
        item_text = json.loads(items.readline())["answer"]
    item_path = os.path.join(args.profile, "..", "item.txt")
    with open(item_path, "w") as out:
        out.write(item_text)
    verdicts = json.loads(cli("check", args.index, item_path, "--json", "--method", "near,palm").splitlines()[0])
    page.click("#tab-check")
    page.wait_for("!document.getElementById('view-check').hidden", "the check view")
    page.type_into("#check-text", item_text)
    page.click("#check-go")
    page.wait_for("document.querySelectorAll('#check-result .badge').length > 0", "check verdicts")
    badges = page.evaluate("Object.fromEntries([...document.querySelectorAll('#check-result .badge')].map((b) => [b.dataset.method, b.textContent]))")
    want = {method: f"{method}: {verdict}" for method, verdict in verdicts["methods"].items()}
    check(badges == want, f"check badges {badges}, the CLI says {want}")
    heading = page.evaluate("document.querySelector('#check-result h2').textContent")
    check(heading.startswith("Flagged") == verdicts["flagged"], f"check heading {heading!r}; the CLI's flagged = {verdicts['flagged']}")
    check(verdicts["flagged"], "the licence passage should be flagged")
    marked = page.evaluate("[...document.querySelectorAll('#check-item-text mark')].map((m) => m.textContent)")
    check(marked and all(m in item_text for m in marked), f"check highlights {marked} are not pieces of the text")
    longest = max(verdicts["spans"], key=lambda s: s["tokens"])
    check(normalized(page.evaluate("document.querySelector('#check-item-text mark.m').textContent")) == normalized(longest["text"]),
          "the highlighted longest span is not the CLI's longest span")
    page.screenshot(os.path.join(args.artifacts, "check.png"))

    # --- Trace: a generation; every span the page shows occurs in the corpus as often as it says (CLI count).
    with open(os.path.join(args.items, "generations.txt")) as generations:
        # Two generations as one text: two spans, from a licence and from the tutorial.
        generation = generations.readline().strip() + " " + generations.readline().strip()
    page.click("#tab-trace")
    page.wait_for("!document.getElementById('view-trace').hidden", "the trace view")
    page.type_into("#trace-text", generation)
    page.click("#trace-go")
    page.wait_for("document.querySelectorAll('#trace-spans li').length > 0", "trace spans")
    spans = page.evaluate("""[...document.querySelectorAll('#trace-spans button')].map((b) => ({
        text: b.firstChild.textContent, meta: b.querySelector('.meta').textContent }))""")
    longest_match = json.loads(cli("query", args.index, "longest", generation, "--json"))
    check(longest_match["matchTokens"] >= 8, f"the generation's longest corpus match is {longest_match['matchTokens']} tokens")
    for span in spans:
        counted = json.loads(cli("query", args.index, "count", span["text"], "--json"))
        check(f"({counted['tokens']} tokens, {counted['count']}×)" == span["meta"],
              f"span {span['text']!r} shows {span['meta']}, the CLI counts {counted['tokens']} tokens, {counted['count']} times")
    check(max(json.loads(cli("query", args.index, "count", s["text"], "--json"))["tokens"] for s in spans) == longest_match["matchTokens"],
          "the longest traced span is not the CLI's longest match")
    marks_text = normalized(" ".join(page.evaluate("[...document.querySelectorAll('#trace-text-view mark')].map((m) => m.textContent)")))
    check(normalized(spans[0]["text"]) in marks_text, "the rarest span is not highlighted in the text")
    page.click("#trace-text-view mark")
    page.wait_for("document.querySelectorAll('#trace-sources li').length > 0", "the selected span's sources")
    selected = page.evaluate("document.querySelector('#trace-spans button[aria-pressed=true]').firstChild.textContent")
    check(normalized(page.evaluate("document.getElementById('trace-span-text').textContent")) == normalized(selected), "the detail is not the selected span")
    check(page.evaluate("document.querySelectorAll('#trace-text-view mark.sel').length") > 0, "the selected span is not marked in the text")
    page.screenshot(os.path.join(args.artifacts, "trace.png"))

    # --- The selected span's first source opens in the document viewer, the occurrence highlighted.
    page.click("#trace-sources button.link")
    page.wait_for("!document.getElementById('view-document').hidden && !!document.querySelector('#document-text mark')", "the source document")
    check(normalized(page.evaluate("document.querySelector('#document-text mark').textContent")) == normalized(selected),
          "the document viewer does not highlight the span")
    page.screenshot(os.path.join(args.artifacts, "document.png"))

    # --- Keyboard: arrow keys move between the tabs.
    page.evaluate("document.getElementById('tab-document').focus()")
    page.key("ArrowLeft", 37)
    check(page.evaluate("document.activeElement.id") == "tab-trace" and not page.evaluate("document.getElementById('view-trace').hidden"),
          "ArrowLeft on the Document tab does not select the Trace tab")

    # --- A narrow window: one column, nothing wider than the screen.
    page.call("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
    time.sleep(0.3)
    for view in ("search", "check", "document", "trace"):
        page.evaluate(f"document.getElementById('tab-{view}').click()")
        time.sleep(0.2)
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        check(width[0] <= width[1], f"the {view} view is {width[0]} px wide in a {width[1]} px window")
    page.screenshot(os.path.join(args.artifacts, "narrow.png"))
    page.call("Emulation.clearDeviceMetricsOverride")

    # --- A deep link runs its query on load.
    free = json.loads(cli("query", args.index, "count", "free software", "--json"))["count"]
    page.call("Page.navigate", url="about:blank")
    page.wait_for("location.href === 'about:blank'", "a blank page")
    page.call("Page.navigate", url=args.url + "/#view=search&q=free%20software")
    page.wait_for("!!document.getElementById('search-count') && document.getElementById('search-count').textContent.length > 0", "the deep-linked search")
    check(page.evaluate("document.getElementById('search-count').textContent").startswith(f"{free:,} occurrence"), "the deep link's count differs from the CLI's")

    # --- Nothing blocked, thrown or fetched from elsewhere.
    violations = page.evaluate("window.__violations")
    check(not violations, f"Content-Security-Policy violations: {violations}")
    errors = [e["params"] for e in page.events if e.get("method") == "Runtime.exceptionThrown"]
    errors += [e["params"]["entry"] for e in page.events if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"]
    check(not errors, f"errors in the page: {errors}")
    urls = [e["params"]["request"]["url"] for e in page.events if e.get("method") == "Network.requestWillBeSent"]
    foreign = [u for u in urls if not u.startswith(args.url + "/")]
    check(urls and not foreign, f"requests to other origins: {foreign}")
    print(f"browser-test: ok: search ({expected['count']} occurrences, 2 pages), check ({', '.join(f'{m} {v}' for m, v in verdicts['methods'].items())}), "
          f"trace ({len(spans)} spans), document viewer, keyboard tabs, narrow window, deep link; {len(urls)} same-origin requests", file=sys.stderr)


if __name__ == "__main__":
    # SIGTERM (the shell script's cleanup) unwinds like an error, so the finally block stops chromium.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    try:
        main()
    except AssertionError as failure:
        print(f"browser-test: FAILED: {failure}", file=sys.stderr)
        sys.exit(1)
