/// The web page of `contam serve` (docs/serve.md, "Web page"): one HTML document, its script, style sheet
/// and icon, compiled into the binary as string literals: no external asset, no CDN, works offline. The page
/// calls the API from the browser (`/v1/indexes`, `/v1/locate`, `/v1/check`, `/v1/trace`, `/v1/documents`)
/// and puts every text it shows into the DOM as text, never as markup. Each response is built once.
public enum WebPage {
    /// The paths of the page and its assets, each answered to `GET` only.
    public static let paths: [String] = ["/", "/app.js", "/app.css", "/favicon.svg"]

    /// Same origin only; no inline script or style, no frames, no form posts, no `<base>`.
    public static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// True for a `GET` of the page or one of its assets. They hold no corpus data (the page reads it through
    /// the API, which sends the bearer token), so a server that requires a token may let these through
    /// for a browser to load the page and ask for the token.
    public static func isPageRequest(_ request: HTTPRequest) -> Bool {
        request.method == "GET" && paths.contains(request.path)
    }

    /// The response for `GET path`, nil when `path` is not one of `paths`.
    public static func response(for path: String) -> HTTPResponse? {
        responses[path]
    }

    static let responses: [String: HTTPResponse] = [
        "/": page(document, contentType: "text/html; charset=utf-8"),
        "/app.js": page(script, contentType: "text/javascript; charset=utf-8"),
        "/app.css": page(style, contentType: "text/css; charset=utf-8"),
        "/favicon.svg": page(icon, contentType: "image/svg+xml"),
    ]

    static func page(_ text: String, contentType: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [
            ("Content-Type", contentType),
            ("Content-Security-Policy", contentSecurityPolicy),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", "no-referrer"),
            ("X-Frame-Options", "DENY"),
            // Small, and they change with the binary: always revalidate.
            ("Cache-Control", "no-cache"),
        ], body: Array(text.utf8))
    }

    /// A 16×16 icon, so that the browser's request for one gets an answer rather than a logged 404.
    static let icon = ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1f5fbf"/><path d="M3 8h10" stroke="#ffe27a" stroke-width="3"/></svg>"##
}
