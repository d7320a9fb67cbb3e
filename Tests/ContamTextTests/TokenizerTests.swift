import Foundation
import Testing
@testable import ContamStorage
@testable import ContamText
import ContamTestSupport

/// The obviously-correct tokenizer the fast one is checked against: decodes with the standard
/// library's UTF-8 parser, classifies each scalar from its general category, and normalizes every
/// token with Foundation. With `foldTypography`, each scalar is folded on its own first (a removed one
/// belongs to the token it is in, or to none; `…` is three `.` tokens).
struct ReferenceTokenizer {
    let options: TokenizerOptions

    private enum Kind { case separator, word, ideograph, mark, other }

    private static func kind(of scalar: Unicode.Scalar) -> Kind {
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .control, .format:
            return .separator
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return scalar.properties.isIdeographic ? .ideograph : .word
        case .nonspacingMark, .spacingMark, .enclosingMark:
            return .mark
        default:
            return .other
        }
    }

    func tokens(in bytes: [UInt8]) -> [Token] {
        // (scalar or nil for an invalid byte, its byte range)
        var items: [(Unicode.Scalar?, Range<Int>)] = []
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        parsing: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                items.append((Unicode.UTF8.decode(encoded), offset..<(offset + encoded.count)))
                offset += encoded.count
            case .error(let length):
                for k in 0..<length { items.append((nil, (offset + k)..<(offset + k + 1))) }
                offset += length
            case .emptyInput:
                break parsing
            }
        }

        var result: [Token] = []
        var current: (range: Range<Int>, isWord: Bool, takesLetters: Bool)?
        func close() {
            guard let token = current else { return }
            current = nil
            if token.isWord || !options.dropPunctuation {
                var raw = String(decoding: bytes[token.range], as: UTF8.self)
                if options.foldTypography { raw = Self.folded(raw) }
                let composed = raw.precomposedStringWithCompatibilityMapping
                result.append(Token(text: options.keepCase ? composed : composed.lowercased(), byteRange: token.range))
            }
        }
        for (scalar, range) in items {
            guard var scalar else {
                close()
                if !options.dropPunctuation { result.append(Token(text: "\u{FFFD}", byteRange: range)) }
                continue
            }
            if options.foldTypography, let fold = Self.fold(scalar) {
                guard let replacement = fold else {
                    // Removed: part of the token it is in, if any.
                    if let token = current { current = (token.range.lowerBound..<range.upperBound, token.isWord, token.takesLetters) }
                    continue
                }
                if scalar == "…" {
                    close()
                    if !options.dropPunctuation { result += [Token(text: ".", byteRange: range), Token(text: ".", byteRange: range)] }
                }
                scalar = replacement
            }
            switch Self.kind(of: scalar) {
            case .separator:
                close()
            case .word:
                if let token = current, token.takesLetters {
                    current = (token.range.lowerBound..<range.upperBound, true, true)
                } else {
                    close()
                    current = (range, true, true)
                }
            case .ideograph:
                close()
                current = (range, true, false)
            case .mark:
                if let token = current {
                    current = (token.range.lowerBound..<range.upperBound, token.isWord, token.takesLetters)
                } else {
                    current = (range, false, false)
                }
            case .other:
                close()
                current = (range, false, false)
            }
        }
        close()
        return result
    }

    /// The fold of one scalar, spelled out: nil when it is not folded, .some(nil) when it is removed.
    private static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar?? {
        switch scalar {
        case "‘", "’", "‚", "‛": return .some("'")
        case "“", "”", "„", "‟": return .some("\"")
        case "\u{2010}", "\u{2011}", "‒", "–", "—", "―", "−": return .some("-")
        case "…": return .some(".")
        case "\u{AD}", "\u{61C}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202B}", "\u{202C}",
             "\u{202D}", "\u{202E}", "\u{2060}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}", "\u{FEFF}":
            return .some(nil)
        default: return nil
        }
    }

    /// A token's text folded scalar by scalar (`…` is `.`: each of its three tokens is one dot).
    static func folded(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch fold(scalar) {
            case .none: result.append(scalar)
            case .some(.none): break
            case .some(.some(let replacement)): result.append(replacement)
            }
        }
        return String(result)
    }
}

@Suite struct TokenizerTests {
    static let allOptions: [TokenizerOptions] = [
        TokenizerOptions(),
        TokenizerOptions(keepCase: true),
        TokenizerOptions(dropPunctuation: true),
        TokenizerOptions(keepCase: true, dropPunctuation: true),
        TokenizerOptions(foldTypography: false),
        TokenizerOptions(keepCase: true, dropPunctuation: true, foldTypography: false),
    ]

    /// Pieces random strings are made of: every case the tokenizer distinguishes.
    static let pieces: [String] = {
        var pieces: [String] = []
        pieces += "abcxyzABCXYZ0123456789".map { String($0) }
        pieces += ["hello", "World", "foo_bar", "x86", "HTTP2", "i", "I"]
        pieces += "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".map { String($0) }
        pieces += [" ", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{0}", "\u{7F}", "\u{1F}", "\u{0B}", "\u{0C}"]
        // Latin, precomposed and decomposed, with case and compatibility quirks.
        pieces += ["é", "É", "ß", "ẞ", "ñ", "Ñ", "Å", "\u{212B}", "\u{212A}", "ø", "Œ", "ǅ", "İ", "ı", "ﬁ", "ﬂ", "ﬀ", "ŉ"]
        pieces += ["e\u{301}", "E\u{301}", "\u{301}", "\u{308}", "\u{327}", "\u{20E3}", "\u{FE0F}", "\u{FE0E}",
                   "a\u{323}\u{302}", "a\u{302}\u{323}", "\u{302}\u{323}", "o\u{308}\u{304}", "\u{344}", "\u{F73}"]
        // Greek and Cyrillic.
        pieces += ["Σ", "σ", "ς", "ΐ", "Ω", "\u{2126}", "ά", "ΆΈ", "ΟΔΟΣ", "Д", "д", "Ё", "ё", "й", "и\u{306}", "Москва"]
        // CJK, kana, Hangul (precomposed, conjoining and compatibility jamo).
        pieces += ["的", "中", "文", "中文", "〇", "\u{F900}", "\u{2F800}", "𠀀", "，", "。", "（", "）", "、"]
        pieces += ["ひらがな", "カタカナ", "ｶﾞ", "ﾞ", "ﾟ", "が", "か\u{3099}", "ゟ", "ｱｲｳ"]
        pieces += ["한국어", "한", "\u{1100}", "\u{1161}", "\u{11A8}", "ㄱ", "ㅏ", "ᄀ", "가", "\u{AC00}\u{11A8}"]
        // Emoji and their sequences.
        pieces += ["😀", "👍🏽", "❤️", "👨‍👩‍👧", "🇺🇸", "1️⃣", "🏴\u{E0067}\u{E0062}\u{E007F}", "\u{1F3FB}"]
        // Compatibility characters.
        pieces += ["²", "³", "½", "…", "™", "℃", "①", "Ⅻ", "ＡＢ", "ｘ", "µ", "ª", "㎏", "\u{FDFA}", "ǆ", "ﬆ", "ℌ", "⁵"]
        // Scripts with combining vowel signs and compositions.
        pieces += ["हिन्दी", "क़", "क\u{93C}", "\u{9CB}", "\u{9C7}\u{9BE}", "\u{B47}\u{B3E}", "\u{B47}\u{B56}",
                   "\u{1025}\u{102E}", "السلام", "\u{64E}", "שָׁלוֹם", "ภาษาไทย", "\u{E33}"]
        // Unicode spaces and format characters.
        pieces += ["\u{A0}", "\u{2003}", "\u{3000}", "\u{2028}", "\u{2029}", "\u{85}", "\u{1680}", "\u{200B}",
                   "\u{AD}", "\u{FEFF}", "\u{200D}", "\u{200C}", "\u{2060}", "\u{202F}", "\u{61C}", "\u{200E}", "\u{202A}", "\u{2066}"]
        // Typographic quotes, dashes and the ellipsis (folded by default).
        pieces += ["‘", "’", "‚", "‛", "“", "”", "„", "‟", "\u{2010}", "\u{2011}", "‒", "–", "—", "―", "−", "…", "…\u{301}", "’\u{301}",
                   "don’t", "“quoted”", "a—b", "wait…", "hy\u{AD}phen", "zero\u{200B}width", "\u{AD}\u{301}"]
        // Case outside the BMP, Cherokee, math letters, private use, unassigned, specials.
        pieces += ["Ꭰ", "ꭰ", "𐐀", "𐐨", "𝐀", "𝟏", "\u{E000}", "\u{378}", "\u{FFFD}", "\u{FFFF}", "\u{10FFFD}"]
        return pieces
    }()

    /// A random string of `pieceCount` pieces, some replaced by random BMP or supplementary scalars.
    static func randomString(_ random: inout SeededRandom, pieceCount: Int) -> String {
        var text = ""
        for _ in 0..<pieceCount {
            switch Int.random(in: 0..<20, using: &random) {
            case 0:
                if let scalar = Unicode.Scalar(UInt32.random(in: 0x80...0xFFFF, using: &random)) {
                    text.unicodeScalars.append(scalar)
                }
            case 1:
                if let scalar = Unicode.Scalar(UInt32.random(in: 0x10000...0x10FFFF, using: &random)) {
                    text.unicodeScalars.append(scalar)
                }
            default:
                text += pieces[Int.random(in: 0..<pieces.count, using: &random)]
            }
        }
        return text
    }

    /// Checks `tokens` against the reference and against the properties every tokenization must have.
    static func check(
        _ bytes: [UInt8], options: TokenizerOptions, checkNormalize: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let tokenizer = Tokenizer(options: options)
        let tokens = tokenizer.tokens(in: bytes)
        let expected = ReferenceTokenizer(options: options).tokens(in: bytes)
        #expect(tokens == expected, "\(options.summary): \(String(decoding: bytes, as: UTF8.self).debugDescription)",
                sourceLocation: sourceLocation)
        // The hashing entry point (short words hashed from a register) gives each token's TokenHash.
        var hashed: [(hash: UInt64, range: Range<Int>)] = []
        bytes.withUnsafeBytes { text in tokenizer.forEachTokenHash(in: text) { hashed.append(($0, $1)) } }
        #expect(hashed.map(\.hash) == tokens.map { TokenHash.hash($0.text) } && hashed.map(\.range) == tokens.map(\.byteRange),
                "forEachTokenHash, \(options.summary)", sourceLocation: sourceLocation)
        // Ranges strictly increasing, non-empty, non-overlapping, in bounds; each raw token normalizes to its text.
        // (A folded `…` is three tokens with the same range.)
        var previousEnd = 0
        var previousRange = 0..<0
        var badRanges: [Range<Int>] = []
        var badTexts: [String] = []
        for token in tokens {
            let sameEllipsis = token.byteRange.lowerBound == previousRange.lowerBound && !previousRange.isEmpty && token.text.utf8.first == UInt8(ascii: ".") && options.foldTypography
            previousRange = token.byteRange
            if (token.byteRange.lowerBound < previousEnd && !sameEllipsis) || token.byteRange.isEmpty || token.byteRange.upperBound > bytes.count {
                badRanges.append(token.byteRange)
                continue
            }
            previousEnd = token.byteRange.upperBound
            guard checkNormalize else { continue }
            let raw = String(decoding: bytes[token.byteRange], as: UTF8.self)
            if tokenizer.normalize(raw) != token.text || token.text.isEmpty { badTexts.append(token.text) }
        }
        #expect(badRanges.isEmpty && badTexts.isEmpty, "\(badRanges) \(badTexts)", sourceLocation: sourceLocation)
    }

    static func texts(_ text: String, _ options: TokenizerOptions = TokenizerOptions()) -> [String] {
        Tokenizer(options: options).tokens(in: text).map(\.text)
    }

    @Test func explicitExamples() {
        #expect(Self.texts("Hello, World!") == ["hello", ",", "world", "!"])
        #expect(Self.texts("foo_bar") == ["foo", "_", "bar"])
        #expect(Self.texts("ÉCOLE") == ["école"])
        #expect(Self.texts("E\u{301}COLE") == ["école"])
        #expect(Self.texts("ﬁnd") == ["find"])
        #expect(Self.texts("x²") == ["x2"])
        #expect(Self.texts("H₂O") == ["h2o"])
        #expect(Self.texts("½") == ["1⁄2"])
        #expect(Self.texts("Wait…") == ["wait", ".", ".", "."])
        #expect(Self.texts("Wait…", TokenizerOptions(foldTypography: false)) == ["wait", "..."])
        #expect(Self.texts("It’s “done” – really—no…") == Self.texts("It's \"done\" - really-no..."))
        #expect(Self.texts("hy\u{AD}phen\u{200B}ation \u{FEFF}x") == ["hyphenation", "x"])
        #expect(Self.texts("ＡＢＣ，ｄｅｆ") == ["abc", ",", "def"])
        #expect(Self.texts("Ⅻ ① ™") == ["xii", "1", "tm"])
        #expect(Self.texts("ΟΔΟΣ") == ["οδοσ"])  // per-scalar lowercase: no final sigma
        #expect(Self.texts("Straße STRASSE") == ["straße", "strasse"])
        #expect(Self.texts("C'est l'été.") == ["c", "'", "est", "l", "'", "été", "."])
        #expect(Self.texts("Москва́ — столица") == ["москва́", "-", "столица"])
        #expect(Self.texts("使用Linux内核2024年") == ["使", "用", "linux", "内", "核", "2024", "年"])
        #expect(Self.texts("すること") == ["すること"])
        #expect(Self.texts("한국어 텍스트") == ["한국어", "텍스트"])
        #expect(Self.texts("❤️ 👍🏽") == ["❤\u{FE0F}", "👍", "🏽"])
        #expect(Self.texts("a\u{200B}b a\u{AD}b a\u{A0}b\u{3000}c") == ["ab", "ab", "a", "b", "c"])
        #expect(Self.texts("a\u{200B}b a\u{AD}b a\u{A0}b\u{3000}c", TokenizerOptions(foldTypography: false)) == ["a", "b", "a", "b", "a", "b", "c"])
        #expect(Self.texts("\u{301}x !\u{301}") == ["\u{301}", "x", "!\u{301}"])
        #expect(Self.texts("  \t\r\n ") == [])
        #expect(Self.texts("") == [])
        #expect(Self.texts("Hello, World!", TokenizerOptions(keepCase: true)) == ["Hello", ",", "World", "!"])
        #expect(Self.texts("ÉCOLE", TokenizerOptions(keepCase: true)) == ["ÉCOLE"])
        #expect(Self.texts("ﬁnd", TokenizerOptions(keepCase: true)) == ["find"])
        #expect(Self.texts("Hello, World! foo_bar ❤️ 中文", TokenizerOptions(dropPunctuation: true))
                == ["hello", "world", "foo", "bar", "中", "文"])
    }

    @Test func byteRanges() {
        let text = "Héllo, wörld_42 中文!"
        let tokens = Tokenizer().tokens(in: text)
        let raw = tokens.map { String(decoding: Array(text.utf8)[$0.byteRange], as: UTF8.self) }
        #expect(raw == ["Héllo", ",", "wörld", "_", "42", "中", "文", "!"])
        #expect(tokens.first?.byteRange == 0..<6)
        #expect(Tokenizer().tokens(in: Array(text.utf8)) == tokens)
    }

    @Test func randomStringsMatchReference() {
        var random = SeededRandom(seed: 0x5EED)
        for round in 0..<4000 {
            let text = Self.randomString(&random, pieceCount: Int.random(in: 1...32, using: &random))
            Self.check(Array(text.utf8), options: Self.allOptions[round % Self.allOptions.count])
        }
    }

    /// Folding is tokenizing the text folded scalar by scalar beforehand (the naive definition), on texts
    /// dense in folded characters.
    @Test func foldingIsTokenizingTheFoldedText() {
        var random = SeededRandom(seed: 0xF01D)
        let typographic = ["‘", "’", "“", "”", "–", "—", "−", "…", "\u{AD}", "\u{200B}", "\u{200D}", "\u{FEFF}", "\u{200E}", "\u{2066}"]
        for round in 0..<3000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...24, using: &random) {
                text += Int.random(in: 0..<3, using: &random) == 0 ? typographic.randomElement(using: &random)! : Self.randomString(&random, pieceCount: 1)
            }
            for base in [TokenizerOptions(), TokenizerOptions(keepCase: true, dropPunctuation: round % 2 == 0)] {
                var plain = base
                plain.foldTypography = false
                let folded = Self.texts(text, base)
                let reference = Self.texts(TypographicFolding.folded(text), plain)
                #expect(folded == reference, "\(text.debugDescription): \(folded) vs \(reference)")
            }
        }
    }

    /// A manifest from before `normalization` and `foldTypography` decodes to what its index was built with.
    @Test func optionsFromOldManifestsMeanNoFolding() throws {
        let old = try JSONDecoder().decode(TokenizerOptions.self, from: Data(#"{"keepCase": false, "dropPunctuation": true}"#.utf8))
        #expect(old == TokenizerOptions(dropPunctuation: true, normalization: .contam, foldTypography: false))
        let new = TokenizerOptions()
        #expect(try JSONDecoder().decode(TokenizerOptions.self, from: JSONEncoder().encode(new)) == new && new.foldTypography)
        #expect(try JSONDecoder().decode(TokenizerOptions.self, from: JSONEncoder().encode(TokenizerOptions.lmeval)) == .lmeval)
    }

    @Test func invalidUTF8DoesNotCrashAndMatchesReference() {
        let cases: [[UInt8]] = [
            [0xFF], [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0x61, 0xE2, 0x82], [0x61, 0xE2, 0x82, 0x62], [0xF0, 0x9F, 0x98], [0xC3],
            [0x61, 0xFF, 0x62], [0xCC, 0x81, 0x61, 0xCC], Array("é".utf8) + [0x80, 0xCC, 0x81],
        ]
        for bytes in cases {
            for options in Self.allOptions { Self.check(bytes, options: options) }
        }
        #expect(Tokenizer().tokens(in: [0x61, 0xFF, 0x62]).map(\.text) == ["a", "\u{FFFD}", "b"])
        #expect(Tokenizer().tokens(in: [0x61, 0xFF, 0x62]).map(\.byteRange) == [0..<1, 1..<2, 2..<3])

        var random = SeededRandom(seed: 0xBAD)
        for round in 0..<1000 {
            var bytes = Array(Self.randomString(&random, pieceCount: Int.random(in: 1...12, using: &random)).utf8)
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0...bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes.insert(UInt8.random(in: 0x80...0xFF, using: &random), at: position)
                case 1: if position < bytes.count { bytes.remove(at: position) }
                default: if position < bytes.count { bytes[position] = UInt8.random(in: 0...0xFF, using: &random) }
                }
            }
            Self.check(bytes, options: Self.allOptions[round % Self.allOptions.count])
        }
    }

    /// Every BMP scalar between letters, in both case modes (the per-scalar table against Foundation).
    @Test(arguments: [(false, true), (true, true), (false, false)])
    func everyBMPScalarMatchesReference(keepCase: Bool, fold: Bool) {
        let options = TokenizerOptions(keepCase: keepCase, foldTypography: fold)
        var batch = ""
        for value in UInt32(0x80)..<0x10000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            batch.unicodeScalars.append(contentsOf: ["a", scalar, "B", " "])
            if value % 512 == 0 {
                Self.check(Array(batch.utf8), options: options, checkNormalize: false)
                batch = ""
            }
        }
        Self.check(Array(batch.utf8), options: options, checkNormalize: false)
    }

    /// The second element of every canonical composition (a scalar that can compose with the one before it)
    /// must be a composition hazard, or, outside the BMP, a letter or mark (which the per-scalar path
    /// refuses there), or the per-scalar normalization would miss the composition.
    @Test func compositionSecondElementsAreHazards() {
        var missing: [String] = []
        for value in UInt32(0x80)..<0x20000 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let text = String(scalar)
            let decomposed = Array(text.decomposedStringWithCanonicalMapping.unicodeScalars)
            // Only primary composites (NFC recomposes them; composition exclusions do not count).
            guard decomposed.count >= 2, let last = decomposed.last,
                  last.properties.canonicalCombiningClass == .notReordered,
                  text.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(text.unicodeScalars)
            else { continue }
            let refusedOutsideBMP = last.value >= 0x10000
                && [.word, .mark].contains(UnicodeScalarTable.kind(computedFor: last))
            if !UnicodeScalarTable.isCompositionHazard(last) && !refusedOutsideBMP {
                missing.append(String(last.value, radix: 16))
            }
        }
        #expect(missing.isEmpty, "not marked as composition hazards: \(Set(missing).sorted())")
    }

    @Test func optionsBehave() {
        var random = SeededRandom(seed: 0x0971)
        for _ in 0..<300 {
            let bytes = Array(Self.randomString(&random, pieceCount: 16).utf8)
            let plain = Tokenizer().tokens(in: bytes)
            let kept = Tokenizer(options: TokenizerOptions(keepCase: true)).tokens(in: bytes)
            let dropped = Tokenizer(options: TokenizerOptions(dropPunctuation: true)).tokens(in: bytes)
            // Case does not change where tokens are.
            #expect(kept.map(\.byteRange) == plain.map(\.byteRange))
            // Dropping punctuation keeps exactly the tokens that start with a letter or digit.
            let words = plain.filter { token in
                guard let first = String(decoding: bytes[token.byteRange], as: UTF8.self).unicodeScalars.first
                else { return false }
                return first.properties.generalCategory.isLetterOrNumber
            }
            #expect(dropped == words)
            // Lowercase output has nothing left to lowercase.
            #expect(plain.allSatisfy { $0.text.lowercased() == $0.text })
        }
    }

    @Test func longTokens() {
        for text in [String(repeating: "Ab", count: 1500), String(repeating: "ab", count: 1500),
                     String(repeating: "é", count: 700), String(repeating: "É", count: 700),
                     String(repeating: "e\u{301}", count: 500), "x" + String(repeating: "\u{301}", count: 600),
                     String(repeating: "\u{FDFA}", count: 100), String(repeating: "ﬁ", count: 600) + "!"] {
            for options in Self.allOptions { Self.check(Array(text.utf8), options: options) }
        }
        #expect(Self.texts(String(repeating: "AB", count: 1000)) == [String(repeating: "ab", count: 1000)])
    }

    @Test func realText() throws {
        let gpl = try String(contentsOfFile: "/usr/share/common-licenses/GPL-3", encoding: .utf8)
        for options in Self.allOptions { Self.check(Array(gpl.utf8), options: options) }
        #expect(Tokenizer().tokens(in: gpl).count > 5000)
    }

    @Test func realPythonDocumentation() throws {
        let directory = "/usr/share/doc/python3.11/html/_sources/library"
        let candidates = ["stdtypes.rst.txt", "unicodedata.rst.txt", "codecs.rst.txt", "re.rst.txt"]
        let paths = candidates.map { "\(directory)/\($0)" }.filter { FileManager.default.fileExists(atPath: $0) }
        guard !paths.isEmpty else { return }  // documentation not installed here
        for path in paths.prefix(2) {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            for options in Self.allOptions { Self.check(bytes, options: options) }
        }
    }

    /// Real Chinese, Japanese, Korean and Italian text: the Linux kernel's translated "howto" documents
    /// (part of the benchmark corpus), when the kernel source is on this machine.
    @Test func realTranslatedDocuments() throws {
        let directory = "/work/bench/linux-source-6.1/Documentation/translations"
        let paths = ["zh_CN/process/howto.rst", "zh_TW/process/howto.rst", "ja_JP/howto.rst", "ko_KR/howto.rst",
                     "it_IT/process/howto.rst"].map { "\(directory)/\($0)" }
            .filter { FileManager.default.fileExists(atPath: $0) }
        for path in paths {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            for options in [TokenizerOptions(), TokenizerOptions(keepCase: true, dropPunctuation: true)] {
                Self.check(bytes, options: options)
            }
        }
    }

    @Test func bodyErrorsPropagate() {
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try Array("one two three".utf8).withUnsafeBytes { text in
                try Tokenizer().forEachToken(in: text) { _, _ in
                    seen += 1
                    if seen == 2 { throw Stop() }
                }
            }
        }
        #expect(seen == 2)
    }
}

extension Unicode.GeneralCategory {
    var isLetterOrNumber: Bool {
        switch self {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber:
            return true
        default:
            return false
        }
    }
}

extension TokenizerTests {
    /// The eight-bytes-at-once classifications (word, upper, separator) equal the byte-class table on
    /// every byte value, in every lane, next to every other kind of byte.
    @Test func asciiMasksMatchTheTable() {
        let table = TokenizerByteClass.table
        for byte in 0..<256 {
            for lane in 0..<8 {
                for filler: UInt8 in [0x20, 0x41, 0x61, 0x7A, 0x80, 0xFF, 0x00] {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[lane] = UInt8(byte)
                    let x = bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
                    let masks = TokenizerByteClass.asciiWordMasks(x)
                    let separators = TokenizerByteClass.asciiSeparatorMask(x)
                    for k in 0..<8 {
                        let byteClass = table[Int(bytes[k])]
                        let isSeparator = byteClass == TokenizerByteClass.separator
                        #expect((separators >> UInt64(k * 8 + 7)) & 1 == (isSeparator ? 1 : 0), "byte \(bytes[k]) in lane \(k)")
                        #expect(separators & ~(UInt64(0x80) << UInt64(k * 8)) & (UInt64(0xFF) << UInt64(k * 8)) == 0)
                        let isWord = byteClass != TokenizerByteClass.nonASCII && byteClass & TokenizerByteClass.word != 0
                        let isUpper = isWord && byteClass & TokenizerByteClass.upperFlag != 0
                        #expect((masks.word >> UInt64(k * 8 + 7)) & 1 == (isWord ? 1 : 0), "byte \(bytes[k]) in lane \(k)")
                        #expect((masks.upper >> UInt64(k * 8 + 7)) & 1 == (isUpper ? 1 : 0), "byte \(bytes[k]) in lane \(k)")
                    }
                }
            }
        }
    }
}
