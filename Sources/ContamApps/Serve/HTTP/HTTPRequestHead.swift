import Foundation

/// The head of one HTTP/1.1 request (request line and header fields), parsed strictly: the server answers
/// anything it does not understand with the status in `HTTPParseError` and closes the connection, so a
/// request can never be read two ways (no obsolete line folding, one Content-Length, no Transfer-Encoding).
package struct HTTPRequestHead: Sendable {
    package var method: String
    package var target: String
    package var path: String
    package var query: [String: String]
    package var headers: [(name: String, value: String)]
    package var contentLength: Int
    /// The client wants the connection kept open after this request (HTTP/1.1 unless `Connection: close`;
    /// HTTP/1.0 only with `Connection: keep-alive`).
    package var keepAlive: Bool
    /// `Expect: 100-continue`: the client waits for a 100 before it sends the body.
    package var expectsContinue: Bool

    /// Parses `bytes`, the head without its final CRLF CRLF. `maxBodyBytes` is checked here so an oversized
    /// body is refused before it is read.
    package init(parsing bytes: ArraySlice<UInt8>, maxBodyBytes: Int) throws(HTTPParseError) {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            line.last == 0x0D ? line.dropLast() : line
        }
        // RFC 9112 §2.2: a server should ignore at least one empty line before the request line.
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let requestLine = lines.first else { throw HTTPParseError(400, "empty request") }
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw HTTPParseError(400, "the request line is not METHOD TARGET HTTP/1.1") }
        guard !parts[0].isEmpty, parts[0].allSatisfy(Self.isTokenByte) else { throw HTTPParseError(400, "the method is not a token") }
        method = String(decoding: parts[0], as: UTF8.self)
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { throw HTTPParseError(505, "only HTTP/1.1 and HTTP/1.0 are served, not \(version.prefix(20))") }
        guard parts[1].first == UInt8(ascii: "/"), parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPParseError(400, "the request target must be a path starting with /")
        }
        target = String(decoding: parts[1], as: UTF8.self)
        let pathPart: Substring
        let queryPart: Substring?
        if let mark = target.firstIndex(of: "?") {
            pathPart = target[..<mark]
            queryPart = target[target.index(after: mark)...]
        } else {
            pathPart = target[...]
            queryPart = nil
        }
        guard let decodedPath = Self.percentDecoded(pathPart, plusIsSpace: false) else { throw HTTPParseError(400, "the path has a bad percent escape") }
        path = decodedPath
        query = [:]
        for pair in (queryPart ?? "").split(separator: "&") {
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.percentDecoded(halves[0], plusIsSpace: true),
                  let value = Self.percentDecoded(halves.count > 1 ? halves[1] : "", plusIsSpace: true) else {
                throw HTTPParseError(400, "the query string has a bad percent escape")
            }
            query[name] = value
        }

        headers = []
        var length: Int?
        var connection = ""
        var expectation: String?
        for line in lines.dropFirst() {
            guard let first = line.first else { continue }
            if first == 0x20 || first == 0x09 { throw HTTPParseError(400, "obsolete header line folding is not accepted") }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                  line[..<colon].allSatisfy(Self.isTokenByte) else {
                throw HTTPParseError(400, "a header line is not NAME: VALUE")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)
            headers.append((name, value))
            switch name {
            case "content-length":
                guard let parsed = Self.decimal(value) else { throw HTTPParseError(400, "Content-Length is not a decimal number of bytes") }
                if let length, length != parsed { throw HTTPParseError(400, "two different Content-Length headers") }
                length = parsed
            case "transfer-encoding":
                throw HTTPParseError(501, "Transfer-Encoding is not supported; send the body with Content-Length")
            case "connection":
                connection += "," + value.lowercased()
            case "expect":
                expectation = value.lowercased()
            default:
                break
            }
        }
        contentLength = length ?? 0
        if contentLength > maxBodyBytes {
            throw HTTPParseError(413, "the body is \(contentLength) bytes; the limit is \(maxBodyBytes)")
        }
        let tokens = connection.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        keepAlive = version == "HTTP/1.1" ? !tokens.contains("close") : tokens.contains("keep-alive")
        if let expectation, expectation != "100-continue" { throw HTTPParseError(417, "only Expect: 100-continue is understood") }
        expectsContinue = expectation == "100-continue" && version == "HTTP/1.1"
    }

    /// RFC 9110 token characters (method and header names).
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return true
        default: return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice.removeFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice.removeLast() }
        return slice
    }

    /// A non-negative decimal of ASCII digits only; beyond 18 significant digits it is `Int.max` (over any limit).
    static func decimal(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        let significant = text.drop { $0 == "0" }
        guard significant.count <= 18 else { return Int.max }
        return significant.isEmpty ? 0 : Int(significant)
    }

    /// `%XX` decoded (and `+` as a space in query strings); nil for a bad escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else { return nil }
                bytes.append(high << 4 | low)
            } else if byte == UInt8(ascii: "+") && plusIsSpace {
                bytes.append(0x20)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// A request the server refuses before any handler sees it: the status and a message for the error body.
package struct HTTPParseError: Error, Sendable {
    package var status: Int
    package var message: String

    init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }
}
