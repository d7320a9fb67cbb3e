import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes report files (`--html`, `-o`), after the command has checked that the path is none of its inputs.
public enum ReportFile {
    /// The file could not be written.
    public struct WriteError: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): cannot write this file: \(reason)" }
    }

    public static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
            throw WriteError(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
