import Foundation
import Testing
@testable import ContamStorage
import ContamTestSupport

/// Views of a mapping keep it alive: a view outlives every other reference to its file and still reads
/// the file's bytes, and the mapping goes away with the last view (no reference cycle).
@Suite struct MappingLifetimeTests {
    /// Writes `values` packed at `width` bits as a binary file and returns its path.
    func writePacked(_ values: [UInt64], width: Int, in dir: TestDirectory) throws -> String {
        let path = dir.file("packed.bin")
        let writer = try BinaryFileWriter(path: path, header: BinaryFileHeader(kind: "TEST", elementBits: UInt32(width), count: UInt64(values.count)))
        try values.withUnsafeBufferPointer { try PackedIntArray.write($0, bitWidth: width, to: writer) }
        try writer.finish()
        return path
    }

    /// Opens `path` and returns only a view of it: the `BinaryFile` is released on return.
    func openView(_ path: String, count: Int, width: Int, mapping: (MappedFile) -> Void) throws -> PackedIntArray {
        let file = try BinaryFile(path: path, kind: "TEST")
        mapping(file.file)
        return PackedIntArray(bytes: file.payload, count: count, bitWidth: width)
    }

    @Test func packedArrayReadsItsFileAfterTheFileIsReleased() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        var rng = SeededRandom(seed: 11)
        let width = 21
        let values = (0..<100_000).map { _ in UInt64.random(in: 0..<(1 << 21), using: &rng) }
        let path = try writePacked(values, width: width, in: dir)
        weak var mapping: MappedFile?
        var view: PackedIntArray? = try openView(path, count: values.count, width: width) { mapping = $0 }
        #expect(mapping != nil, "the view keeps the mapping")
        #expect(view.map { packed in (0..<values.count).allSatisfy { packed[$0] == values[$0] } } == true)
        view = nil
        #expect(mapping == nil, "the mapping goes away with its last view")
    }

    @Test func payloadBytesOutliveTheirBinaryFile() throws {
        let dir = TestDirectory(); defer { dir.cleanup() }
        let contents = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let path = dir.file("bytes.bin")
        let writer = try BinaryFileWriter(path: path, header: BinaryFileHeader(kind: "TEST", elementBits: 8, count: UInt64(contents.count)))
        try writer.append(contents)
        try writer.finish()
        let payload = try BinaryFile(path: path, kind: "TEST").payload
        #expect(Array(payload) == contents)
        #expect(payload.extracting(100..<108).loadUnaligned(as: UInt64.self) == contents[100..<108].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        #expect(Array(try MappedFile(path: path).bytes.extracting(BinaryFileHeader.size..<(BinaryFileHeader.size + 10))) == Array(contents.prefix(10)))
    }

    @Test func heapCopiesAreViewsToo() {
        let values: [UInt32] = [5, 0, 17, 3, 31]
        let packed = PackedIntArray(packing: values, bitWidth: 5)
        #expect((0..<5).map { packed[$0] } == values.map(UInt64.init))
        #expect(SharedBytes(copying: [UInt8]()).isEmpty)
    }
}
