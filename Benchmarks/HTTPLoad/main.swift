// contam-http-load: a keep-alive HTTP/1.1 load generator for Benchmarks/serve-bench.py. C connections, one
// thread each, send the requests of a file round robin (each line {"method"?, "path", "body"?}) until N requests
// are answered, and time every request. Prints one JSON object: requests, seconds, requests per second, latency
// percentiles (microseconds), and statuses. Not part of the test suite: it measures, it asserts nothing.
//
//   contam-http-load --port P --connections C --requests N --requests-file F [--host 127.0.0.1]
import Foundation
#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var host = "127.0.0.1"
    var port = 8080
    var connections = 64
    var requests = 20_000
    var file = ""
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let name = arguments.next() {
        guard let value = arguments.next() else { fatalError("\(name) needs a value") }
        switch name {
        case "--host": options.host = value
        case "--port": options.port = Int(value)!
        case "--connections": options.connections = Int(value)!
        case "--requests": options.requests = Int(value)!
        case "--requests-file": options.file = value
        default: fatalError("unknown option \(name)")
        }
    }
    return options
}

let options = parseOptions()
let lines = try String(contentsOfFile: options.file, encoding: .utf8).split(separator: "\n")
let templates: [[UInt8]] = lines.map { line in
    let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
    let method = object["method"] as? String ?? "POST"
    let path = object["path"] as! String
    let body = (object["body"] as? String) ?? ((object["body"] as Any?).flatMap { try? JSONSerialization.data(withJSONObject: $0) }.map { String(decoding: $0, as: UTF8.self) }) ?? ""
    var head = "\(method) \(path) HTTP/1.1\r\nHost: \(options.host)\r\n"
    if method == "POST" { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
    return Array((head + "\r\n" + (method == "POST" ? body : "")).utf8)
}

final class Worker: @unchecked Sendable {
    var latencies: [UInt64] = []
    var statuses: [Int: Int] = [:]
    var failure: String?
}

func connectSocket() -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(options.port).bigEndian)
    address.sin_addr.s_addr = inet_addr(options.host)
    let result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    if result != 0 { return -1 }
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    return fd
}

/// Reads one response into `buffer` (which may hold the start of it); returns its status, or nil on failure.
func readResponse(_ fd: Int32, _ buffer: inout [UInt8], _ scratch: inout [UInt8]) -> Int? {
    var headEnd = -1
    var scanned = 0
    while headEnd < 0 {
        if buffer.count >= 4 {
            var i = scanned
            while i + 3 < buffer.count {
                if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { headEnd = i; break }
                i += 1
            }
            scanned = max(0, buffer.count - 3)
        }
        if headEnd >= 0 { break }
        let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return nil }
        buffer.append(contentsOf: scratch[0..<n])
    }
    let head = String(decoding: buffer[0..<headEnd], as: UTF8.self)
    let status = Int(head.split(separator: " ", maxSplits: 2)[1]) ?? 0
    var length = 0
    for line in head.split(separator: "\r\n") where line.lowercased().hasPrefix("content-length:") {
        length = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
    }
    let total = headEnd + 4 + length
    while buffer.count < total {
        let n = scratch.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return nil }
        buffer.append(contentsOf: scratch[0..<n])
    }
    buffer.removeFirst(total)
    return status
}

let workers = (0..<options.connections).map { _ in Worker() }
let perConnection = (options.requests + options.connections - 1) / options.connections
let started = DispatchTime.now().uptimeNanoseconds
DispatchQueue.concurrentPerform(iterations: options.connections) { k in
    let worker = workers[k]
    let fd = connectSocket()
    guard fd >= 0 else { worker.failure = "connect failed"; return }
    defer { close(fd) }
    var buffer: [UInt8] = []
    var scratch = [UInt8](repeating: 0, count: 1 << 16)
    worker.latencies.reserveCapacity(perConnection)
    for r in 0..<perConnection {
        let request = templates[(k + r * options.connections) % templates.count]
        let begin = DispatchTime.now().uptimeNanoseconds
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count, let status = readResponse(fd, &buffer, &scratch) else { worker.failure = "connection lost after \(r) requests"; return }
        worker.latencies.append(DispatchTime.now().uptimeNanoseconds - begin)
        worker.statuses[status, default: 0] += 1
    }
}
let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
let latencies = workers.flatMap(\.latencies).sorted()
func percentile(_ p: Double) -> Double {
    latencies.isEmpty ? 0 : Double(latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))]) / 1000
}
var statuses: [String: Int] = [:]
for worker in workers { for (status, count) in worker.statuses { statuses[String(status), default: 0] += count } }
let result: [String: Any] = [
    "requests": latencies.count, "seconds": seconds, "requests_per_second": Double(latencies.count) / seconds,
    "p50_us": percentile(0.5), "p90_us": percentile(0.9), "p99_us": percentile(0.99), "max_us": percentile(1.0),
    "statuses": statuses, "failures": workers.compactMap(\.failure),
]
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))
