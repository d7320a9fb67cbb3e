/// One node of a Parquet schema tree: a group (struct, list, map) or a primitive leaf column, with the maximum
/// definition and repetition levels of values at this node (Melnik et al., "Dremel", VLDB 2010, §4).
struct ParquetSchemaNode: Sendable {
    let name: String
    let repetition: ParquetRepetition
    /// The physical type of a leaf; nil for a group.
    let physicalType: ParquetPhysicalType?
    /// FIXED_LEN_BYTE_ARRAY width in bytes (0 otherwise).
    let typeLength: Int
    let logicalType: ParquetLogicalType?
    let children: [ParquetSchemaNode]
    /// The definition level a value at this node has when the node itself is present.
    let definitionLevel: Int
    /// The number of repeated nodes from the root down to this one, inclusive.
    let repetitionLevel: Int
    /// The leaf columns under this node (indices into `ParquetSchema.leaves`).
    let leafRange: Range<Int>

    var isLeaf: Bool { physicalType != nil }
}

/// A leaf column: its dotted path, its type and its maximum levels.
struct ParquetLeafColumn: Sendable {
    let path: [String]
    let physicalType: ParquetPhysicalType
    let typeLength: Int
    let logicalType: ParquetLogicalType?
    let maxDefinitionLevel: Int
    let maxRepetitionLevel: Int
    /// The index of the top-level field this column belongs to.
    let topLevelField: Int

    var dottedPath: String { path.joined(separator: ".") }
}

/// The schema of a Parquet file as a tree, built from the flattened depth-first `SchemaElement` list.
struct ParquetSchema: Sendable {
    /// Schemas nested deeper than this are refused (levels are stored in one byte, and recursion must stay bounded).
    static let maximumDepth = 100

    /// The top-level fields (the root's children).
    let fields: [ParquetSchemaNode]
    let leaves: [ParquetLeafColumn]

    init(elements: [ParquetSchemaElement], path: String) throws {
        func damaged(_ detail: String) -> ParquetError {
            .damaged(path: path, location: ParquetLocation(part: "the schema in the file metadata"), detail: detail)
        }
        guard let root = elements.first else { throw damaged("the schema is empty") }
        guard let rootChildren = root.childCount, rootChildren >= 0 else { throw damaged("the schema root is not a group") }
        var next = 1
        var leaves: [ParquetLeafColumn] = []

        func node(parentDefinition: Int, parentRepetition: Int, parentPath: [String], depth: Int, topLevel: Int) throws -> ParquetSchemaNode {
            guard depth <= Self.maximumDepth else { throw damaged("the schema is nested more than \(Self.maximumDepth) levels deep") }
            guard next < elements.count else { throw damaged("the schema ends before all of its groups' children (\(elements.count) elements)") }
            let element = elements[next]
            next += 1
            let repetition = element.repetition ?? .optional
            let definition = parentDefinition + (repetition == .required ? 0 : 1)
            let repetitionLevel = parentRepetition + (repetition == .repeated ? 1 : 0)
            let path = parentPath + [element.name]
            let firstLeaf = leaves.count
            if let childCount = element.childCount, element.type == nil || childCount > 0 {
                guard childCount > 0 else { throw damaged("the group \"\(path.joined(separator: "."))\" has no fields") }
                guard Int(childCount) <= elements.count - next else {
                    throw damaged("the group \"\(path.joined(separator: "."))\" claims \(childCount) fields but the schema has only \(elements.count - next) elements left")
                }
                var children: [ParquetSchemaNode] = []
                for _ in 0 ..< childCount {
                    children.append(try node(parentDefinition: definition, parentRepetition: repetitionLevel, parentPath: path, depth: depth + 1, topLevel: topLevel))
                }
                return ParquetSchemaNode(name: element.name, repetition: repetition, physicalType: nil, typeLength: 0,
                                         logicalType: element.logicalType, children: children, definitionLevel: definition,
                                         repetitionLevel: repetitionLevel, leafRange: firstLeaf ..< leaves.count)
            }
            guard let type = element.type else { throw damaged("the column \"\(path.joined(separator: "."))\" has neither a type nor fields") }
            var typeLength = 0
            if type == .fixedLenByteArray {
                guard let length = element.typeLength, length > 0 else {
                    throw damaged("the FIXED_LEN_BYTE_ARRAY column \"\(path.joined(separator: "."))\" has no positive type_length")
                }
                typeLength = Int(length)
            }
            leaves.append(ParquetLeafColumn(path: path, physicalType: type, typeLength: typeLength, logicalType: element.logicalType,
                                            maxDefinitionLevel: definition, maxRepetitionLevel: repetitionLevel, topLevelField: topLevel))
            return ParquetSchemaNode(name: element.name, repetition: repetition, physicalType: type, typeLength: typeLength,
                                     logicalType: element.logicalType, children: [], definitionLevel: definition,
                                     repetitionLevel: repetitionLevel, leafRange: firstLeaf ..< leaves.count)
        }

        var fields: [ParquetSchemaNode] = []
        for index in 0 ..< Int(rootChildren) {
            fields.append(try node(parentDefinition: 0, parentRepetition: 0, parentPath: [], depth: 1, topLevel: index))
        }
        guard next == elements.count else {
            throw damaged("the schema has \(elements.count - next) elements after its last field")
        }
        self.fields = fields
        self.leaves = leaves
    }
}
