/// Documents' texts in one flat buffer, with each document's end and source: one allocation for many
/// documents (the sketch build's batches and its sizing sample), where an array per document would
/// stay behind in the heap.
struct DocumentTexts {
    private(set) var bytes: [UInt8] = []
    /// End offset in `bytes` of each document.
    private(set) var ends: [Int] = []
    private(set) var sourceIndices: [Int] = []

    var count: Int { ends.count }
    var isEmpty: Bool { ends.isEmpty }
    var byteCount: Int { bytes.count }
    var byteCapacity: Int { bytes.capacity }

    mutating func reserveCapacity(bytes count: Int) { bytes.reserveCapacity(count) }

    mutating func append(_ text: UnsafeRawBufferPointer, sourceIndex: Int) {
        bytes.append(contentsOf: text)
        ends.append(bytes.count)
        sourceIndices.append(sourceIndex)
    }

    /// Empties the buffer, keeping its capacity.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        sourceIndices.removeAll(keepingCapacity: true)
    }

    /// The byte range of document `index` in `bytes`.
    func range(of index: Int) -> Range<Int> { (index == 0 ? 0 : ends[index - 1])..<ends[index] }

    /// Calls `body` with each document's index, text and source index, in order.
    func forEach(_ body: (_ index: Int, _ text: UnsafeRawBufferPointer, _ sourceIndex: Int) -> Void) {
        bytes.withUnsafeBytes { all in
            for index in ends.indices {
                body(index, UnsafeRawBufferPointer(rebasing: all[range(of: index)]), sourceIndices[index])
            }
        }
    }
}
