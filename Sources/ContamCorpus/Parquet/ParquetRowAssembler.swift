/// Rebuilds the rows of one row group from the levels and values of its leaf columns (record assembly,
/// Melnik et al., "Dremel", VLDB 2010, §4.3): a definition level below a node's own says the node (or an
/// ancestor) is null or an empty list, a repetition level equal to a repeated node's says the next entry is
/// another element of that list. LIST and MAP annotations (and their legacy two-level forms,
/// parquet-format LogicalTypes.md "backward-compatibility rules") become arrays and arrays of {key, value}.
/// Levels that disagree between the columns of one field are a damaged file, never a wrong row.
struct ParquetRowAssembler {
    let path: String
    let rowGroup: Int
    let columns: [ParquetLeafColumn]
    let conversions: [ParquetValueConversion]
    /// The data of each leaf column (empty for columns not read).
    var leaves: [ParquetLeafData]
    /// The next entry (level) and the next value of each leaf column.
    var entries: [Int]
    var valuesRead: [Int]

    init(path: String, rowGroup: Int, columns: [ParquetLeafColumn], leaves: [ParquetLeafData]) {
        self.path = path
        self.rowGroup = rowGroup
        self.columns = columns
        conversions = columns.map(ParquetValueConversion.init)
        self.leaves = leaves
        entries = Array(repeating: 0, count: columns.count)
        valuesRead = Array(repeating: 0, count: columns.count)
    }

    private func damaged(_ leaf: Int, _ detail: String) -> ParquetError {
        .damaged(path: path, location: ParquetLocation(rowGroup: rowGroup, column: columns[leaf].dottedPath), detail: detail)
    }

    private func definition(_ leaf: Int) throws -> Int {
        let entry = entries[leaf]
        guard entry < leaves[leaf].entryCount else {
            throw damaged(leaf, "the column's levels end after \(entry) entries, before the row group's last row")
        }
        return columns[leaf].maxDefinitionLevel == 0 ? 0 : Int(leaves[leaf].definitionLevels[entry])
    }

    private func repetition(_ leaf: Int) -> Int? {
        let entry = entries[leaf]
        guard entry < leaves[leaf].entryCount else { return nil }
        return columns[leaf].maxRepetitionLevel == 0 ? 0 : Int(leaves[leaf].repetitionLevels[entry])
    }

    /// The value of top-level field `node` in the next row.
    mutating func row(field node: ParquetSchemaNode) throws -> RecordValue {
        let leaf = node.leafRange.lowerBound
        if let level = repetition(leaf), level != 0 {
            throw damaged(leaf, "a row starts with repetition level \(level) at entry \(entries[leaf])")
        }
        return try field(node)
    }

    /// Checks that every column read has been consumed to its end.
    func finish(fields: [ParquetSchemaNode]) throws {
        for node in fields {
            for leaf in node.leafRange {
                guard entries[leaf] == leaves[leaf].entryCount, valuesRead[leaf] == leaves[leaf].values.count else {
                    throw damaged(leaf, "the column holds \(leaves[leaf].entryCount) levels and \(leaves[leaf].values.count) values, but the row group's rows use \(entries[leaf]) and \(valuesRead[leaf])")
                }
            }
        }
    }

    private mutating func field(_ node: ParquetSchemaNode) throws -> RecordValue {
        if node.repetition == .repeated {
            return .array(try repeated(node) { try $0.instance(node) })
        }
        if node.repetition == .optional, try definition(node.leafRange.lowerBound) < node.definitionLevel {
            try skipAbsent(node)
            return .null
        }
        return try instance(node)
    }

    /// One present value of `node` (its own repetition already dealt with).
    private mutating func instance(_ node: ParquetSchemaNode) throws -> RecordValue {
        if node.isLeaf { return try leafValue(node.leafRange.lowerBound) }
        if node.children.count == 1, let list = node.children.first, list.repetition == .repeated {
            if node.logicalType == .list {
                if !list.isLeaf, list.children.count == 1, list.name != "array", list.name != node.name + "_tuple" {
                    let element = list.children[0]
                    return .array(try repeated(list) { try $0.field(element) })
                }
                return .array(try repeated(list) { try $0.instance(list) })
            }
            if node.logicalType == .map, !list.isLeaf, list.children.count == 2 {
                let keyNode = list.children[0], valueNode = list.children[1]
                return .array(try repeated(list) { assembler in
                    let key = try assembler.field(keyNode)
                    let value = try assembler.field(valueNode)
                    return .object(RecordObject(keys: ["key", "value"], values: [key, value]))
                })
            }
        }
        var object = RecordObject()
        for child in node.children { object.append(child.name, try field(child)) }
        return .object(object)
    }

    /// The elements of repeated `node` in the current parent: none when the first entry's definition level says
    /// the list is empty, else elements while the next entry repeats at this node's level.
    private mutating func repeated(_ node: ParquetSchemaNode, _ element: (inout ParquetRowAssembler) throws -> RecordValue) throws -> [RecordValue] {
        let leaf = node.leafRange.lowerBound
        if try definition(leaf) < node.definitionLevel {
            try skipAbsent(node)
            return []
        }
        var items: [RecordValue] = []
        repeat {
            // Each element consumes at least one entry of `leaf`, so this loop ends.
            items.append(try element(&self))
        } while repetition(leaf) == node.repetitionLevel
        return items
    }

    /// Consumes the one entry each column under `node` has for a null or empty `node`.
    private mutating func skipAbsent(_ node: ParquetSchemaNode) throws {
        for leaf in node.leafRange {
            let level = try definition(leaf)
            guard level < node.definitionLevel else {
                throw damaged(leaf, "entry \(entries[leaf]) has definition level \(level) where the other columns of \"\(node.name)\" say it is absent")
            }
            entries[leaf] += 1
        }
    }

    private mutating func leafValue(_ leaf: Int) throws -> RecordValue {
        let level = try definition(leaf)
        guard level == columns[leaf].maxDefinitionLevel else {
            throw damaged(leaf, "entry \(entries[leaf]) has definition level \(level) where a value (level \(columns[leaf].maxDefinitionLevel)) is required")
        }
        let index = valuesRead[leaf]
        guard index < leaves[leaf].values.count else {
            throw damaged(leaf, "the levels call for more than the \(leaves[leaf].values.count) values the column holds")
        }
        entries[leaf] += 1
        valuesRead[leaf] += 1
        do {
            return try conversions[leaf].value(leaves[leaf].values, at: index)
        } catch let failure as ParquetPageFailure {
            throw damaged(leaf, failure.detail)
        }
    }
}
