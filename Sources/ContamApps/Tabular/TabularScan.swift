import Foundation
import ContamModel

/// Tests many datasets against one model, one dataset at a time (its requests concurrently). A dataset that
/// fails (bad CSV, a request that keeps failing) is reported as failed and the scan goes on; only when the
/// endpoint itself is down (connection failures or timeouts on several datasets in a row) does the scan stop,
/// marking the rest as not run. Resuming is free: answers already received are in the response cache.
public struct TabularScan: Sendable {
    /// Progress events for the command line.
    public enum Event: Sendable {
        /// Starting dataset `index` (0-based) of `count`.
        case datasetStarted(index: Int, count: Int, path: String)
        /// `done` of `total` answers of the current dataset.
        case answers(done: Int, total: Int)
        /// A dataset is finished (or failed).
        case datasetFinished(TabularDatasetReport)
    }

    public var options: TabularOptions
    public var fewShot: [TabularDataset]
    public var client: ModelClient
    /// Stop after this many datasets in a row failed because the endpoint could not be reached.
    public var stopAfterUnreachable = 3

    public init(options: TabularOptions, fewShot: [TabularDataset], client: ModelClient) {
        self.options = options
        self.fewShot = fewShot
        self.client = client
    }

    /// Runs every file in order; returns one report per file (failed ones with `failure` set).
    public func run(files: [String], events: (@Sendable (Event) -> Void)? = nil) async -> [TabularDatasetReport] {
        var reports = [TabularDatasetReport]()
        var unreachableInARow = 0
        let runner = TabularRunner(client: client)
        let model = client.configuration.model, endpoint = client.configuration.endpoint.absoluteString
        for (index, path) in files.enumerated() {
            if unreachableInARow >= stopAfterUnreachable {
                let error = TabularError.unreadable(path: path, reason: "not run: the endpoint failed for \(unreachableInARow) datasets in a row; fix it and run the same command again (answers so far are cached)")
                let report = TabularRunner.failedReport(path: path, error: error, options: options, model: model, endpoint: endpoint)
                reports.append(report)
                events?(.datasetFinished(report))
                continue
            }
            events?(.datasetStarted(index: index, count: files.count, path: path))
            let report: TabularDatasetReport
            do {
                let dataset = try TabularDataset.load(path: path, maxRows: options.maxRows)
                let plan = try TabularPlanner.plan(dataset, options: options, fewShot: fewShot)
                report = try await runner.run(plan) { done, total in events?(.answers(done: done, total: total)) }
                unreachableInARow = 0
            } catch {
                report = TabularRunner.failedReport(path: path, error: error, options: options, model: model, endpoint: endpoint)
                if let modelError = error as? ModelError, modelError.isConnectionFailure {
                    unreachableInARow += 1
                } else {
                    unreachableInARow = 0
                }
            }
            reports.append(report)
            events?(.datasetFinished(report))
        }
        return reports
    }
}

extension ModelError {
    /// True when the endpoint could not be reached or did not answer (as opposed to answering badly).
    public var isConnectionFailure: Bool {
        switch self {
        case .unreachable, .timedOut: return true
        default: return false
        }
    }
}
