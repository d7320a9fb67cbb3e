import Foundation
import Testing
@testable import ContamIndex
@testable import ContamApps
import ContamTestSupport

/// The web page of `contam serve` as `ServeAPI` answers it: routes, headers, same-origin assets, and the
/// page's static promises (labelled controls, no markup built from data). The browser test
/// (scripts/browser-test.sh) drives the page itself in headless Chromium.
@Suite struct WebPageTests {
    static func request(_ api: ServeAPI, _ method: String, _ path: String, _ body: String = "") -> HTTPResponse {
        api.handle(HTTPRequest(method: method, target: path, path: path, body: Array(body.utf8)))
    }

    static func header(_ response: HTTPResponse, _ name: String) -> String? {
        response.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    static func text(_ response: HTTPResponse) -> String { String(decoding: response.body, as: UTF8.self) }

    /// Every match of `pattern`'s first capture group in `text`.
    static func captures(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        let whole = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: whole).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func pageAndAssetsAnswerWithTheirTypesAndStrictHeaders() throws {
        let (api, _, _) = try ServeAPIFixture.get()
        let expected = ["/": "text/html; charset=utf-8", "/app.js": "text/javascript; charset=utf-8",
                        "/app.css": "text/css; charset=utf-8", "/favicon.svg": "image/svg+xml"]
        #expect(Set(expected.keys) == Set(WebPage.paths))
        for (path, type) in expected {
            let response = Self.request(api, "GET", path)
            #expect(response.status == 200, "\(path)")
            #expect(Self.header(response, "Content-Type") == type, "\(path)")
            #expect(Self.header(response, "X-Content-Type-Options") == "nosniff", "\(path)")
            let policy = try #require(Self.header(response, "Content-Security-Policy"), "\(path)")
            #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'") && policy.contains("style-src 'self'")
                    && policy.contains("connect-src 'self'") && policy.contains("frame-ancestors 'none'"))
            #expect(!policy.contains("unsafe") && !policy.contains("http") && !policy.contains("*"))
            #expect(!response.body.isEmpty)
            #expect(WebPage.isPageRequest(HTTPRequest(method: "GET", target: path, path: path)))
        }
        #expect(Self.text(Self.request(api, "GET", "/")).hasPrefix("<!DOCTYPE html>"))
        #expect(!WebPage.isPageRequest(HTTPRequest(method: "POST", target: "/", path: "/")))
        #expect(!WebPage.isPageRequest(HTTPRequest(method: "GET", target: "/v1/indexes", path: "/v1/indexes")))
    }

    @Test func postSlashIsStillInfiniGram() throws {
        let (api, index, _) = try ServeAPIFixture.get()
        let answer = try ServeAPIFixture.post(api, "/", ["index": "sample", "query_type": "count", "query": "free software"])
        #expect(answer.status == 200)
        #expect(answer.json["count"] as? Int == PhraseQuery(index: index).count("free software").count)
        #expect(answer.json["approx"] as? Bool == false)
        // A POST with the page's body is a bad infini-gram request, not the page.
        let notJSON = Self.request(api, "POST", "/", "")
        #expect(notJSON.status == 400 && Self.header(notJSON, "Content-Type")?.hasPrefix("application/json") == true)
    }

    @Test func otherMethodsGet405WithAllow() throws {
        let (api, _, _) = try ServeAPIFixture.get()
        for method in ["PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"] {
            let root = Self.request(api, method, "/")
            #expect(root.status == 405, "\(method) /")
            #expect(Self.header(root, "Allow") == "GET, POST")
            for path in ["/app.js", "/app.css", "/favicon.svg"] {
                let asset = Self.request(api, method, path)
                #expect(asset.status == 405 && Self.header(asset, "Allow") == "GET", "\(method) \(path)")
            }
        }
        #expect(Self.request(api, "POST", "/app.js", "{}").status == 405)
        #expect(Self.request(api, "GET", "/app.jsx").status == 404)
        #expect(Self.request(api, "GET", "/index.html").status == 404)
    }

    @Test func pageReferencesOnlySameOriginAssetsAndNoInlineCode() throws {
        let html = WebPage.document
        let references = try Self.captures(#"(?:src|href)\s*=\s*"([^"]*)""#, in: html)
        #expect(references.count >= 3)
        for reference in references {
            #expect(reference.hasPrefix("/") && !reference.hasPrefix("//"), "\(reference)")
            #expect(WebPage.paths.contains(reference), "\(reference) is not served")
        }
        // Nothing the CSP would block: no inline script or style, no handler attributes, no other origin.
        #expect(try Self.captures(#"<script\b([^>]*)>"#, in: html).allSatisfy { $0.contains("src=") })
        #expect(try Self.captures(#"<script\b[^>]*>([\s\S]*?)</script>"#, in: html).allSatisfy(\.isEmpty))
        #expect(!html.contains("<style") && !html.contains(" style="))
        #expect(try Self.captures(#"\s(on[a-z]+)\s*="#, in: html).isEmpty)
        for asset in [html, WebPage.script, WebPage.style] {
            #expect(!asset.contains("http://") && !asset.contains("https://"))
        }
        #expect(!WebPage.style.contains("url(") && !WebPage.style.contains("@import"))
        // The script builds elements and text nodes, never markup from data.
        for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
            let used = WebPage.script.contains(sink)
            #expect(!used, "the script uses \(sink)")
        }
    }

    @Test func everyControlIsLabelledAndEveryScriptedIdExists() throws {
        let html = WebPage.document
        let ids = Set(try Self.captures(#"\sid="([^"]+)""#, in: html))
        let labelled = Set(try Self.captures(#"<label for="([^"]+)""#, in: html))
        #expect(labelled.isSubset(of: ids), "labels for missing ids: \(labelled.subtracting(ids))")
        for control in try Self.captures(#"<(?:input|select|textarea)\b[^>]*\sid="([^"]+)""#, in: html) {
            #expect(labelled.contains(control), "\(control) has no <label for>")
        }
        // Every id the script looks up literally, $("…"), is in the page (ids built from names are made by the script).
        let scripted = Set(try Self.captures(#"\$\("([a-z0-9-]+)"\)"#, in: WebPage.script))
        #expect(scripted.count > 20)
        #expect(scripted.isSubset(of: ids), "ids the script needs but the page lacks: \(scripted.subtracting(ids))")
        // The tabs: one tabpanel per tab, each named by its tab.
        for view in ["search", "check", "trace", "document"] {
            #expect(html.contains(#"id="tab-\#(view)" aria-controls="view-\#(view)""#))
            #expect(html.contains(#"id="view-\#(view)" role="tabpanel" aria-labelledby="tab-\#(view)""#))
        }
        #expect(html.contains(#"name="viewport""#) && html.contains(#"lang="en""#))
    }

    /// The sample corpus in shards of 30,000 tokens, so that pages cross shard boundaries.
    static let sharded = Result { () -> (ServeAPI, Index) in
        let path = try temporaryDirectory("web-page") + "/sharded.idx"
        let index = try SampleIndex.build(path) { $0.shardTokens = 30_000 }
        return (try ServeAPI(indexes: [(name: "sample", path: path)]), index)
    }

    @Test func locateOffsetPagesThroughEveryOccurrenceOnce() throws {
        let (api, index) = try Self.sharded.get()
        try #require(index.shards.count > 2)
        for phrase in ["you may", "free software", "python", "zzzz not a word"] {
            let tokens = index.tokens(of: phrase).map(\.text)
            let total = index.count(of: tokens[...])
            try #require(total <= 1_000)
            func key(_ occurrence: [String: Any]) -> String {
                "\(occurrence["shard"] as? Int ?? -1)/\(occurrence["document"] as? Int ?? -1)/\(occurrence["tokenOffset"] as? Int ?? -1)"
            }
            let all = Set(index.occurrences(of: tokens[...], limit: max(total, 1)).map { "\($0.document.shard)/\($0.document.document)/\($0.tokenOffset)" })
            #expect(all.count == total)
            var seen: [String] = []
            var offset = 0
            repeat {
                let page = try ServeAPIFixture.post(api, "/v1/locate", ["query": phrase, "limit": 7, "offset": offset, "context": 10])
                #expect(page.status == 200 && page.json["count"] as? Int == total)
                let occurrences = try #require(page.json["occurrences"] as? [[String: Any]])
                #expect(occurrences.count == min(7, max(total - offset, 0)), "\(phrase) at \(offset)")
                seen += occurrences.map(key)
                offset += 7
            } while offset < total
            #expect(seen.count == total && Set(seen) == all, "\(phrase): pages repeat or skip an occurrence")
            // Offset 0 is the unpaged answer; past the end there is nothing, with the count unchanged.
            let first = try ServeAPIFixture.post(api, "/v1/locate", ["query": phrase, "limit": 4, "offset": 0])
            let plain = try ServeAPIFixture.post(api, "/v1/locate", ["query": phrase, "limit": 4])
            #expect(NSDictionary(dictionary: first.json) == NSDictionary(dictionary: plain.json))
            let past = try ServeAPIFixture.post(api, "/v1/locate", ["query": phrase, "offset": total + 5])
            #expect((past.json["occurrences"] as? [Any])?.isEmpty == true && past.json["count"] as? Int == total)
        }
        let negative = try ServeAPIFixture.post(api, "/v1/locate", ["query": "python", "offset": -1])
        #expect(negative.status == 400 && (negative.json["error"] as? String)?.contains("offset") == true)
    }
}
