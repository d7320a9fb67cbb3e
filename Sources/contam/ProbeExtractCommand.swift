import Foundation
import ContamApps
import ContamCommandLine

/// `contam probe extract INDEX`: discoverable and probabilistic extraction of the indexed corpus.
enum ProbeExtractCommand {
    static let commands: [(spec: CommandSpec, run: NestedCommands.Run)] = []
}
