import Foundation
import ContamModel
import ContamCommandLine

/// The options that reach a model, declared once: `contam tabular` and `contam probe` take the same names with
/// the same meaning and defaults, and build their client here.
enum ModelClientOptions {
    static let endpoint = Option.string("--endpoint", value: "url", help: "Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1 (default: $OPENAI_BASE_URL).")
    static let modelName = Option.string("--model", value: "name", help: "Model name sent with every request (required).")
    static let apiKeyEnv = Option.string("--api-key-env", value: "name", default: "OPENAI_API_KEY",
                                         help: "Environment variable holding the API key (default {default}); never printed, logged or cached.")
    // The client's defaults are arguments of `ModelClient.Configuration.init`, not stored values to read.
    static let concurrency = Option.integer("--concurrency", value: "n", default: ModelClient.Configuration.defaultConcurrency, range: 1...1024, help: "Requests in flight at most (default {default}).")
    static let timeout = Option.integer("--timeout", value: "seconds", default: Int(ModelClient.Configuration.defaultTimeout), range: 1...86_400,
                                        help: "Seconds a request may take in all before it counts as timed out (default {default}).")
    static let retries = Option.integer("--retries", value: "n", default: RetryPolicy().maxAttempts - 1, range: 0...100,
                                        help: "Retries after timeouts, connection errors, 429 and 5xx, with backoff (default {default}).")
    static let maxResponseBytes = Option.integer("--max-response-bytes", value: "bytes", default: ModelClient.Configuration.defaultMaxResponseBytes, range: 1024...(1 << 40),
                                                 help: "Bytes of one answer at most; a longer answer is an error (default {default}).")
    static let cacheDir = Option.string("--cache-dir", value: "dir", help: "Response cache directory (default $XDG_CACHE_HOME/contam, else ~/.cache/contam).")
    static let noCache = Option.flag("--no-cache", help: "Neither read nor write the response cache.")

    /// How requests travel and are kept: everything but the endpoint, the model and the API kind.
    static let connection: [any DeclaredOption] = [apiKeyEnv, concurrency, timeout, retries, maxResponseBytes, cacheDir, noCache]

    static func model(_ a: ParsedArguments) throws -> String {
        guard let model = try a[modelName], !model.isEmpty else { throw a.error("missing --model <name>: the model name to send (e.g. gpt-4o-mini, smollm2)") }
        return model
    }

    /// The client of `--endpoint` (or $OPENAI_BASE_URL) with the connection options; the cache directory is
    /// created now, so an unusable one is refused before any request is paid for.
    static func client(_ a: ParsedArguments) throws -> ModelClient {
        let environment = ProcessInfo.processInfo.environment
        guard let endpointText = try a[Self.endpoint] ?? environment["OPENAI_BASE_URL"] else {
            throw a.error("missing --endpoint <url>: the base URL of an OpenAI-compatible API (or set OPENAI_BASE_URL)")
        }
        let endpoint: URL
        do { endpoint = try ModelClient.endpointURL(endpointText) } catch { throw a.error("\(error)") }
        let key = try APIKey.fromEnvironment(try a[apiKeyEnv])
        let cache = try a[noCache] ? nil : ResponseCache(directory: try a[cacheDir] ?? ResponseCache.defaultDirectory())
        try cache?.prepare()
        let configuration = ModelClient.Configuration(
            endpoint: endpoint, model: try model(a), apiKey: key,
            timeout: Double(try a[timeout]),
            concurrency: try a[concurrency],
            retry: RetryPolicy(maxAttempts: try a[retries] + 1),
            cache: cache,
            maxResponseBytes: try a[maxResponseBytes])
        return ModelClient(configuration: configuration)
    }
}
