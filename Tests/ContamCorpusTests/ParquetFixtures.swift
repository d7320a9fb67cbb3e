import Foundation
import Testing
import ContamCorpus
import ContamTestSupport

/// Parquet fixtures written by pyarrow in the test venv, with what pyarrow itself reads back from each file, as
/// canonical row strings (see `ParquetCanonical`). Made once per test run, shared by the Parquet tests.
final class ParquetFixtures: Sendable {
    struct File: Sendable {
        let rows: [String]
        let rowGroups: Int
        /// Row group 0's column chunks by dotted path: data page offset, dictionary page offset (0 if none), total compressed size.
        let chunks: [String: [Int]]
    }

    let directory: String
    let files: [String: File]

    static let shared: Result<ParquetFixtures, any Error> = Result { try ParquetFixtures() }

    static func get() throws -> ParquetFixtures { try shared.get() }

    func path(_ name: String) -> String { "\(directory)/\(name).parquet" }

    private init() throws {
        directory = try temporaryDirectory("parquet-fixtures")
        try ExternalTools.runPython(Self.generator, [directory])
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/manifest.json"))
        guard let manifest = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let files = manifest["files"] as? [String: [String: Any]], let tables = manifest["tables"] as? [String: [String]] else {
            throw FixtureError.missing("the Parquet fixture manifest in \(directory) is not what the generator writes")
        }
        var result: [String: File] = [:]
        for (name, entry) in files {
            guard let key = entry["rows"] as? String, let rows = tables[key], let rowGroups = entry["row_groups"] as? Int,
                  let chunks = entry["chunks"] as? [String: [Any]] else {
                throw FixtureError.missing("the Parquet fixture manifest entry \(name) is incomplete")
            }
            result[name] = File(rows: rows, rowGroups: rowGroups, chunks: chunks.mapValues { $0.compactMap { $0 as? Int } })
        }
        self.files = result
    }

    /// Writes every fixture (argv[1] is the directory) and manifest.json with pyarrow's reading of each file.
    static let generator = #"""
import hashlib, sys, json, struct, os, datetime, decimal, random
import pyarrow as pa, pyarrow.parquet as pq

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rnd = random.Random(7)

def plain(t):
    if pa.types.is_timestamp(t): return pa.int64()
    if pa.types.is_date32(t): return pa.int32()
    if pa.types.is_list(t): return pa.list_(pa.field(t.value_field.name, plain(t.value_type), t.value_field.nullable))
    if pa.types.is_struct(t): return pa.struct([pa.field(f.name, plain(f.type), f.nullable) for f in t])
    if pa.types.is_map(t): return pa.map_(plain(t.key_type), plain(t.item_type))
    return t

def dbits(v): return "d%d" % struct.unpack('<Q', struct.pack('<d', float(v)))[0]

def canon(v, t):
    if v is None: return "null"
    if pa.types.is_boolean(t): return "true" if v else "false"
    if pa.types.is_integer(t): return "i%d" % v if v < 2**63 else dbits(v)
    if pa.types.is_floating(t) or pa.types.is_decimal(t): return dbits(v)
    if pa.types.is_string(t) or pa.types.is_large_string(t): return "s" + v.encode().hex()
    if pa.types.is_binary(t) or pa.types.is_fixed_size_binary(t) or pa.types.is_large_binary(t): return "b" + v.hex()
    if pa.types.is_timestamp(t):
        per = {'s': None, 'ms': 1000, 'us': 1, 'ns': -1000}[t.unit]
        return "t%d" % (v * per if per > 0 else v // 1000)
    if pa.types.is_date32(t): return "t%d" % (v * 86400000000)
    if pa.types.is_list(t): return "[" + ",".join(canon(x, t.value_type) for x in v) + "]"
    if pa.types.is_struct(t): return "{" + ",".join(f.name + ":" + canon(v[f.name], f.type) for f in t) + "}"
    if pa.types.is_map(t): return "[" + ",".join("{key:" + canon(k, t.key_type) + ",value:" + canon(x, t.item_type) + "}" for k, x in v) + "]"
    raise Exception("no canon for %s" % t)

def rows_of(path):
    table = pq.read_table(path)
    flat = table.cast(pa.schema([pa.field(f.name, plain(f.type), f.nullable) for f in table.schema]))
    fields = table.schema
    cols = [flat.column(i).to_pylist() for i in range(flat.num_columns)]
    return ["{" + ",".join(fields[c].name + ":" + canon(cols[c][r], fields[c].type) for c in range(len(cols))) + "}" for r in range(table.num_rows)]

def maybe(v, p=0.15): return None if rnd.random() < p else v

N = 200
words = ["alpha", "béta", "γάμμα", "数据", "🙂 emoji", "", "x" * 700, "plain text", "tab\tand\nnewline", "quote\"s"]
def text(): return rnd.choice(words) + ("" if rnd.random() < 0.5 else " %d" % rnd.randint(0, 50))
ts0 = 1_700_000_000_000_000
types_table = pa.table({
    "b": pa.array([maybe(rnd.random() < 0.5) for _ in range(N)], pa.bool_()),
    "i8": pa.array([maybe(rnd.randint(-128, 127)) for _ in range(N)], pa.int8()),
    "i16": pa.array([rnd.randint(-32768, 32767) for _ in range(N)], pa.int16()),
    "i32": pa.array([maybe(rnd.choice([-2**31, 2**31 - 1, 0, rnd.randint(-1000, 1000)])) for _ in range(N)], pa.int32()),
    "i64": pa.array([rnd.choice([-2**63, 2**63 - 1, rnd.randint(-2**40, 2**40), 5]) for _ in range(N)], pa.int64()),
    "u8": pa.array([rnd.randint(0, 255) for _ in range(N)], pa.uint8()),
    "u32": pa.array([maybe(rnd.choice([0, 2**32 - 1, rnd.randint(0, 2**32 - 1)])) for _ in range(N)], pa.uint32()),
    "u64": pa.array([rnd.choice([0, 2**64 - 1, 2**63, rnd.randint(0, 2**62)]) for _ in range(N)], pa.uint64()),
    "f32": pa.array([maybe(rnd.choice([1.5, -0.0, float("inf"), 3.4e38, rnd.random()])) for _ in range(N)], pa.float32()),
    "f64": pa.array([rnd.choice([1e-300, -2.5, float("-inf"), 1e300, rnd.random()]) for _ in range(N)], pa.float64()),
    "s": pa.array([maybe(text()) for _ in range(N)], pa.string()),
    "s2": pa.array([text() for _ in range(N)], pa.string()),
    "bin": pa.array([maybe(bytes(rnd.randint(0, 255) for _ in range(rnd.randint(0, 12)))) for _ in range(N)], pa.binary()),
    "fsb": pa.array([maybe(bytes(rnd.randint(0, 255) for _ in range(4))) for _ in range(N)], pa.binary(4)),
    "ts_ms": pa.array([maybe(ts0 // 1000 + rnd.randint(-10**12, 10**9)) for _ in range(N)], pa.timestamp("ms")),
    "ts_us": pa.array([ts0 + rnd.randint(-10**15, 10**12) for _ in range(N)], pa.timestamp("us", tz="UTC")),
    "ts_ns": pa.array([maybe(ts0 * 1000 + rnd.randint(-10**18, 10**15)) for _ in range(N)], pa.timestamp("ns")),
    "date": pa.array([maybe(rnd.randint(-30000, 30000)) for _ in range(N)], pa.date32()),
    "dec": pa.array([maybe(decimal.Decimal(rnd.randint(-10**8, 10**8)) / 100) for _ in range(N)], pa.decimal128(10, 2)),
    "lst": pa.array([maybe([maybe(text(), 0.2) for _ in range(rnd.randint(0, 4))]) for _ in range(N)], pa.list_(pa.string())),
    "lst_struct": pa.array([maybe([{"text": maybe(text()), "label": maybe(rnd.randint(0, 9))} for _ in range(rnd.randint(0, 3))]) for _ in range(N)],
                           pa.list_(pa.struct([("text", pa.string()), ("label", pa.int64())]))),
    "nested": pa.array([maybe({"a": maybe(rnd.randint(0, 99)), "b": maybe({"c": maybe(text()), "d": maybe([maybe(rnd.randint(-5, 5)) for _ in range(rnd.randint(0, 3))])})}) for _ in range(N)],
                       pa.struct([("a", pa.int32()), ("b", pa.struct([("c", pa.string()), ("d", pa.list_(pa.int64()))]))])),
    "m": pa.array([maybe([(text(), maybe(rnd.randint(0, 9))) for _ in range(rnd.randint(0, 3))]) for _ in range(N)], pa.map_(pa.string(), pa.int32())),
    "ll": pa.array([maybe([maybe([rnd.randint(0, 9) for _ in range(rnd.randint(0, 3))]) for _ in range(rnd.randint(0, 3))]) for _ in range(N)], pa.list_(pa.list_(pa.int32()))),
})

manifest = {}
tables = {}
def emit(name, table, **kw):
    path = os.path.join(out, name + ".parquet")
    pq.write_table(table, path, **kw)
    md = pq.ParquetFile(path).metadata
    chunks = {}
    for c in range(md.num_columns):
        col = md.row_group(0).column(c)
        chunks[col.path_in_schema] = [col.data_page_offset, col.dictionary_page_offset or 0, col.total_compressed_size, col.compression]
    rows = rows_of(path)
    key = hashlib.sha1("\n".join(rows).encode()).hexdigest()
    tables[key] = rows
    manifest[name] = {"rows": key, "row_groups": md.num_row_groups, "chunks": chunks}

small = dict(data_page_size=700, write_batch_size=17, row_group_size=71, dictionary_pagesize_limit=300)
for codec in ["NONE", "SNAPPY", "GZIP", "ZSTD", "LZ4", "BROTLI"]:
    for version in ["1.0", "2.0"]:
        for dictionary in [True, False]:
            emit("types-%s-v%s-%s" % (codec.lower(), version[0], "dict" if dictionary else "plain"), types_table,
                 compression=codec, data_page_version=version, use_dictionary=dictionary, **small)

delta_cols = ["b", "i32", "i64", "s", "s2", "f32", "f64", "fsb", "bin"]
delta_table = types_table.select(delta_cols)
encodings = {"i32": "DELTA_BINARY_PACKED", "i64": "DELTA_BINARY_PACKED", "s": "DELTA_BYTE_ARRAY", "s2": "DELTA_LENGTH_BYTE_ARRAY",
             "bin": "DELTA_LENGTH_BYTE_ARRAY", "fsb": "DELTA_BYTE_ARRAY", "b": "RLE", "f32": "BYTE_STREAM_SPLIT", "f64": "BYTE_STREAM_SPLIT"}
for codec in ["NONE", "SNAPPY", "ZSTD"]:
    for version in ["1.0", "2.0"]:
        emit("delta-%s-v%s" % (codec.lower(), version[0]), delta_table, compression=codec, data_page_version=version,
             use_dictionary=False, column_encoding=encodings, **small)
# Sequences that exercise wide deltas and long runs.
seq = pa.table({"inc": pa.array(range(5000), pa.int64()), "big": pa.array([(-1) ** i * (2**62 - i * 12345) for i in range(5000)], pa.int64()),
                "small32": pa.array([i % 7 - 3 for i in range(5000)], pa.int32()), "same": pa.array(["same"] * 5000)})
emit("delta-sequences", seq, use_dictionary=["same"], column_encoding={"inc": "DELTA_BINARY_PACKED", "big": "DELTA_BINARY_PACKED", "small32": "DELTA_BINARY_PACKED"},
     data_page_version="2.0", compression="SNAPPY")
emit("int96", types_table.select(["ts_ns", "ts_us", "i32"]), use_deprecated_int96_timestamps=True, compression="SNAPPY", **small)
emit("decimal-ints", pa.table({"d9": pa.array([maybe(decimal.Decimal(rnd.randint(-10**8, 10**8)) / 1000) for _ in range(N)], pa.decimal128(9, 3)),
                               "d18": pa.array([decimal.Decimal(rnd.randint(-10**17, 10**17)) / 10**4 for _ in range(N)], pa.decimal128(18, 4))}),
     store_decimal_as_integer=True)
emit("legacy-lists", types_table.select(["lst", "lst_struct", "ll"]), use_compliant_nested_type=False, compression="NONE")
emit("empty", types_table.slice(0, 0), compression="SNAPPY")
emit("one-row-group-many-pages", types_table.select(["s", "i64"]), compression="SNAPPY", data_page_size=256, write_batch_size=5)

emit("extreme-date", pa.table({"d": pa.array([0, 2**31 - 1], pa.date32())}), compression="NONE")
emit("codec-target", pa.table({"n": pa.array(range(101), pa.int64())}), compression="ZSTD", use_dictionary=False, write_statistics=False)
emit("fuzz-seed", types_table.slice(0, 30).select(["b", "i32", "s", "lst_struct", "nested", "m"]), compression="SNAPPY", data_page_size=200, write_batch_size=7, row_group_size=11)
emit("fuzz-seed-v2", types_table.slice(0, 30).select(["i64", "s2", "ll", "ts_ns", "fsb"]), compression="NONE", data_page_version="2.0", use_dictionary=["s2"],
     column_encoding={"i64": "DELTA_BINARY_PACKED"}, data_page_size=200, write_batch_size=7, row_group_size=11)
json.dump({"files": manifest, "tables": tables}, open(os.path.join(out, "manifest.json"), "w"))
"""#
}

/// The one text form both pyarrow's values and ours are compared in: exact (floats by bit pattern, strings and
/// bytes in hex), so equal strings mean equal values.
enum ParquetCanonical {
    static func text(_ value: RecordValue) -> String {
        switch value {
        case .null: return "null"
        case let .bool(flag): return flag ? "true" : "false"
        case let .integer(number): return "i\(number)"
        case let .double(number): return "d\(number.bitPattern)"
        case let .string(text): return "s" + hex(Array(text.utf8))
        case let .bytes(bytes): return "b" + hex(bytes)
        case let .timestamp(micros): return "t\(micros)"
        case let .array(items): return "[" + items.map(text).joined(separator: ",") + "]"
        case let .object(object): return row(object)
        }
    }

    static func row(_ object: RecordObject) -> String {
        "{" + zip(object.keys, object.values).map { "\($0):\(text($1))" }.joined(separator: ",") + "}"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes { out.append(digits[Int(byte >> 4)]); out.append(digits[Int(byte & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Every row of the file at `path`, canonical.
    static func rows(_ path: String, columns: [String]? = nil) throws -> [String] {
        var rows: [String] = []
        try ParquetFile(path: path).forEachRow(columns: columns) { row, number in
            #expect(number == rows.count)
            rows.append(Self.row(row))
        }
        return rows
    }
}
