import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ContamStorage

/// An on-disk cache of model answers keyed by the request URL, the model name and the exact request body,
/// so a rerun of a scan sends no request it already paid for and an interrupted scan resumes where it stopped.
/// One small JSON file per answer under `DIR/responses/xx/KEY.json`, written atomically (temporary file +
/// rename), so a crash never leaves a half-written entry. The key is 128 bits of XXH64 over the three parts;
/// each entry also stores them in full and a lookup checks them, so a hash collision is a miss, never a wrong
/// answer. The API key is never part of the body and is never written here.
public final class ResponseCache: Sendable {
    /// The cache directory.
    public let directory: String

    private struct Entry: Codable {
        var url: String
        var model: String
        var request: String
        var text: String
        var finish_reason: String?
        var logprobs: TokenLogprobs?
    }

    /// Uses (and creates when needed) `directory`.
    public init(directory: String) {
        self.directory = directory
    }

    /// Creates the cache's directories now, so a `--cache-dir` that cannot hold a cache (a file, a read-only
    /// place) is refused before any request is paid for. Throws `CacheError` saying which path is in the way.
    public func prepare() throws {
        try Self.makeDirectory(directory + "/responses")
    }

    /// `mkdir -p`, with a reason a user can act on instead of Foundation's error domain and code.
    static func makeDirectory(_ folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            var path = folder
            var reason = "\(error.localizedDescription)"
            // The nearest existing ancestor says what is in the way.
            while !path.isEmpty && path != "/" {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                    reason = isDirectory.boolValue
                        ? "\(path) cannot be written to (permission denied or a read-only file system)"
                        : "\(path) is a file, not a directory"
                    break
                }
                path = (path as NSString).deletingLastPathComponent
            }
            throw CacheError(path: folder, operation: "create the cache directory", reason: reason)
        }
    }

    /// The default location: `$XDG_CACHE_HOME/contam`, else `~/.cache/contam`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/contam" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.cache/contam"
    }

    /// The 32-hex-digit key of a request.
    public static func key(url: String, model: String, body: Data) -> String {
        var material = [UInt8]()
        material.reserveCapacity(url.utf8.count + model.utf8.count + body.count + 2)
        material += Array(url.utf8)
        material.append(0)
        material += Array(model.utf8)
        material.append(0)
        material += body
        let low = XXHash64.hash(material, seed: 0x636F_6E74_616D_0001)
        let high = XXHash64.hash(material, seed: 0x636F_6E74_616D_0002)
        return hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    private func path(forKey key: String) -> String {
        "\(directory)/responses/\(key.prefix(2))/\(key).json"
    }

    /// The cached answer, or nil (missing, unreadable, or stored for a different request).
    public func lookup(url: String, model: String, body: Data) -> ModelResponse? {
        let file = path(forKey: Self.key(url: url, model: model, body: body))
        guard let data = FileManager.default.contents(atPath: file),
              let entry = try? JSONDecoder().decode(Entry.self, from: data),
              entry.url == url, entry.model == model, entry.request == String(decoding: body, as: UTF8.self)
        else { return nil }
        return ModelResponse(text: entry.text, finishReason: entry.finish_reason, fromCache: true, logprobs: entry.logprobs)
    }

    /// Stores an answer atomically. Throws when the directory cannot be created or written.
    public func store(_ response: ModelResponse, url: String, model: String, body: Data) throws {
        let key = Self.key(url: url, model: model, body: body)
        let file = path(forKey: key)
        let folder = (file as NSString).deletingLastPathComponent
        try Self.makeDirectory(folder)
        let entry = Entry(url: url, model: model, request: String(decoding: body, as: UTF8.self), text: response.text, finish_reason: response.finishReason, logprobs: response.logprobs)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(entry)) ?? Data()
        let temporary = "\(file).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw CacheError(path: temporary, operation: "write a cache entry", reason: String(cString: strerror(errno)))
        }
        guard rename(temporary, file) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CacheError(path: file, operation: "rename a cache entry into place", reason: reason)
        }
    }

    /// Number of cached answers (walks the directory; for `--help`-style summaries and tests).
    public func entryCount() -> Int {
        guard let enumerator = FileManager.default.enumerator(atPath: directory + "/responses") else { return 0 }
        var count = 0
        while let name = enumerator.nextObject() as? String {
            if name.hasSuffix(".json") { count += 1 }
        }
        return count
    }
}

/// The response cache could not be written.
public struct CacheError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var operation: String
    public var reason: String

    public var description: String {
        "\(path): could not \(operation): \(reason); pass --cache-dir DIR or --no-cache"
    }
}
