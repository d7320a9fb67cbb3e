import Foundation
import ContamModel

/// The HTTP/1.1 response parser of `SocketHTTPTransport` (status line, headers, Content-Length, chunked and
/// read-to-close bodies) over the input as a whole response, received in one piece and again a few bytes at a
/// time; when both parse, they must give the same status, headers and body. Bodies over 1 MiB are refused.
enum HTTPResponseTarget {
    static func run(_ input: UnsafeRawBufferPointer) {
        let bytes = [UInt8](input)
        let limit = 1 << 20
        let whole = try? SocketHTTPTransport.response(parsing: bytes, maxResponseBytes: limit)
        let pieceBytes = 1 + bytes.count % 7
        let pieces = try? SocketHTTPTransport.response(parsing: bytes, pieceBytes: pieceBytes, maxResponseBytes: limit)
        if let whole, let pieces, whole.status != pieces.status || whole.headers != pieces.headers || whole.body != pieces.body {
            FuzzTargets.mismatch("the response parsed whole (status \(whole.status), \(whole.body.count) body bytes) and in \(pieceBytes)-byte pieces (status \(pieces.status), \(pieces.body.count) body bytes) differ")
        }
    }
}
