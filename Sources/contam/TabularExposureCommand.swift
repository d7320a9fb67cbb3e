import ContamKit
import Foundation

/// `contam tabular exposure`: corpus-side exposure (registered once the index read side is merged).
enum TabularExposureCommand {
    static let commands: [(spec: CommandSpec, run: @Sendable (ParsedArguments) async throws -> Int32)] = []
}
