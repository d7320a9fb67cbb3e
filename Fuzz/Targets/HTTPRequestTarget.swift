import Foundation
import ContamApps

/// The request-head parser of `contam serve` (`HTTPRequestHead`) over the input up to its first CRLF CRLF (or all
/// of it): every input is a head or an `HTTPParseError` with a status, never a trap; a head it accepts keeps
/// its promises (a body length within the limit, a path that starts with "/", lowercased header names).
enum HTTPRequestTarget {
    static func run(_ input: UnsafeRawBufferPointer) {
        let bytes = [UInt8](input)
        var end = bytes.count
        if bytes.count >= 4 {
            for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
                end = i
                break
            }
        }
        let limit = 1 << 20
        do {
            let head = try HTTPRequestHead(parsing: bytes[0..<end], maxBodyBytes: limit)
            if head.contentLength < 0 || head.contentLength > limit { FuzzTargets.mismatch("accepted a body of \(head.contentLength) bytes over the limit \(limit)") }
            if !head.target.hasPrefix("/") { FuzzTargets.mismatch("accepted the target \(head.target)") }
            if head.headers.contains(where: { $0.name != $0.name.lowercased() }) { FuzzTargets.mismatch("a header name is not lowercased") }
        } catch {
            if !(400...505).contains(error.status) { FuzzTargets.mismatch("refused with status \(error.status)") }
        }
    }
}
