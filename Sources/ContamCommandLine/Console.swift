import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Writes to stdout and stderr through raw descriptors (the global `stderr` is not concurrency-safe in
/// Swift 6). A closed stdout pipe (`contam … | head`) ends the process quietly with status 0.
public enum Console {
    /// True when the descriptor is a terminal (progress and colour only then).
    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }

    public static var stdoutIsTerminal: Bool { isTerminal(STDOUT_FILENO) }
    public static var stderrIsTerminal: Bool { isTerminal(STDERR_FILENO) }

    /// Writes `text` to stdout.
    public static func out(_ text: String) {
        write(text, to: STDOUT_FILENO)
    }

    /// Writes `text` followed by a newline to stdout.
    public static func line(_ text: String = "") {
        write(text + "\n", to: STDOUT_FILENO)
    }

    /// Writes `text` to stderr.
    public static func err(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    /// Ignores SIGPIPE so a closed pipe shows up as EPIPE, which `write` turns into a quiet exit.
    public static func installPipeHandling() {
        signal(SIGPIPE, SIG_IGN)
    }

    static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var done = 0
            while done < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    if errno == EPIPE && fd == STDOUT_FILENO { exit(0) }
                    return
                }
                done += n
            }
        }
    }
}
