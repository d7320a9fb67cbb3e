import Foundation
import Testing
@testable import ContamText
@testable import ContamIndex
@testable import ContamDetect
@testable import ContamApps
import ContamTestSupport

/// `--normalize lmeval` and `--method lmeval13` against lm-evaluation-harness's own janitor.py (0.4.13, the
/// test venv's): for generated documents and items (code, CJK, Unicode and ASCII punctuation, apostrophes,
/// numbers, odd white space, items shorter than 13 words), the tokens must be the Janitor's
/// (`normalize_string(text).split()`) and every item's verdict decontaminate.py's: dirty when one of its
/// `word_ngrams(normalize_string(item), 13)` is among the corpus's. One Python call answers everything.
@Suite(.serialized) struct JanitorAgreementTests {
    /// Words the generated texts are made of: what the Janitor and contam's tokenizer treat differently.
    static let vocabulary: [String] = [
        "the", "The", "THE", "of", "and", "to", "in", "is", "was", "for", "on", "with", "as", "by", "that", "this",
        "model", "data", "train", "test", "value", "result", "number", "function", "return", "list", "string",
        "can't", "don't", "it's", "I'm", "o'clock", "rock'n'roll", "it’s", "don’t", "l'été", "C'est",
        "i_lock", "snake_case", "__init__", "self.value", "x[0]", "foo(x):", "a->b", "a==b", "x+=1", "#include",
        "0.5", "3.14", "1,000", "10%", "$5", "e.g.", "U.S.A.", "v2.0", "2024-01-02", "12:30", "1/2",
        "--", "-", "...", "…", "—", "–", "(see", "below)", "[1.0,", "2.0]", "{", "}", "//", "/*", "*/", "->", "!",
        "«bonjour»", "“quoted”", "‘single’", "„unten“", "¿qué?", "¡sí!", "naïve", "Café", "CAFÉ", "ÉCOLE",
        "straße", "STRASSE", "ﬁnd", "x²", "½", "Ｆｕｌｌ", "Ⅻ", "e\u{301}cole", "Москва", "ΟΔΟΣ",
        "中文分词", "日本語の文章です", "한국어", "使用Linux内核", "你好，世界", "。", "、",
        "def", "class", "import", "lambda", "None", "True", "print(\"hi\")", "`code`", "**bold**", "<b>", "&amp;",
        "tab\u{0}nul", "soft\u{AD}hyphen", "zero\u{200B}width", "bom\u{FEFF}",
    ]

    /// What goes between words: ASCII and Unicode white space (all split by Python), and characters that
    /// look like spaces but are not Python white space (zero-width space: the words join).
    static let separators: [String] = [
        " ", " ", " ", " ", " ", " ", "  ", "\n", "\t", "\r\n", "\u{A0}", "\u{3000}", "\u{2009}", "\u{202F}", "\u{85}",
        "\u{1C}", "\u{2028}", "\u{200B}", " -- ", " , ",
    ]

    /// A document: words and the separators after them.
    struct Text {
        var words: [String]
        var separators: [String]
        var joined: String { zip(words, separators).map { $0 + $1 }.joined() }
    }

    static func randomText(_ random: inout SeededRandom, wordCount: Int) -> Text {
        var text = Text(words: [], separators: [])
        for _ in 0..<wordCount {
            // Mostly common words, so copied 13-grams are not the only shared ones.
            let index = Int.random(in: 0..<20, using: &random) < 12 ? Int.random(in: 0..<16, using: &random) : Int.random(in: 0..<vocabulary.count, using: &random)
            var word = vocabulary[index]
            switch Int.random(in: 0..<12, using: &random) {
            case 0: word += ","
            case 1: word += "."
            case 2: word = "(" + word + ")"
            case 3: word = word.uppercased()
            default: break
            }
            text.words.append(word)
            text.separators.append(Int.random(in: 0..<3, using: &random) == 0 ? separators[Int.random(in: 0..<separators.count, using: &random)] : " ")
        }
        return text
    }

    /// An item: a copied run of a document's words (some edited in ways that matter to one tokenizer and
    /// not the other), or a random text, of 3 to 40 words.
    static func randomItem(_ random: inout SeededRandom, documents: [Text]) -> String {
        let length = [3, 8, 12, 13, 14, 16, 20, 30, 40][Int.random(in: 0..<9, using: &random)]
        if Int.random(in: 0..<4, using: &random) == 0 { return randomText(&random, wordCount: length).joined }
        let document = documents[Int.random(in: 0..<documents.count, using: &random)]
        let start = Int.random(in: 0...max(0, document.words.count - length), using: &random)
        var text = Text(words: Array(document.words[start..<min(document.words.count, start + length)]),
                        separators: Array(document.separators[start..<min(document.words.count, start + length)]))
        let middle = text.words.count / 2
        switch Int.random(in: 0..<10, using: &random) {
        case 0: text.words[middle] = text.words[middle].replacingOccurrences(of: "'", with: "")  // can't -> cant
        case 1: text.words[middle] = text.words[middle].replacingOccurrences(of: "'", with: "’")
        case 2: text.words[middle] = text.words[middle].uppercased()
        case 3: text.words[middle] += "!?"
        case 4: text.separators[middle] = "_"  // two words joined by punctuation: one Janitor word
        case 5: text.separators[middle] = " ... "
        case 6: text.separators[middle] = "\u{200B}"
        case 7: text.words[middle] = "zyxwvu"
        default: break
        }
        return text.joined
    }

    /// janitor.py's answers: the Janitor's tokens of every document and item, each item's verdict, and
    /// the scalars Python splits at.
    struct JanitorAnswers: Decodable {
        var documentTokens: [[String]]
        var itemTokens: [[String]]
        var dirty: [Bool]
        var spaces: [UInt32]
    }

    static let oracleScript = """
        import contextlib, importlib.util, io, json, os, sys
        package = importlib.util.find_spec("lm_eval").submodule_search_locations[0]
        spec = importlib.util.spec_from_file_location("janitor", os.path.join(package, "decontamination", "janitor.py"))
        janitor = importlib.util.module_from_spec(spec)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            spec.loader.exec_module(janitor)  # warns that its C++ module is missing: the Python code is the reference
        request = json.load(sys.stdin)
        jan = janitor.Janitor()
        # decontaminate.py's get_train_overlap: the training set's 13-grams (as generate_13_grams.py makes them)
        # against each item's.
        train = set()
        for document in request["documents"]:
            train.update(janitor.word_ngrams(jan.normalize_string(document), 13))
        dirty = [any(g in train for g in janitor.word_ngrams(jan.normalize_string(item), 13)) for item in request["items"]]
        json.dump({
            "documentTokens": [jan.normalize_string(d).split() for d in request["documents"]],
            "itemTokens": [jan.normalize_string(i).split() for i in request["items"]],
            "dirty": dirty,
            "spaces": [c for c in range(0x110000) if chr(c).isspace()],
        }, sys.stdout)
        """

    static func janitor(documents: [String], items: [String]) throws -> JanitorAnswers {
        let request = try JSONSerialization.data(withJSONObject: ["documents": documents, "items": items])
        let output = try ExternalTools.runPython(oracleScript, stdin: request)
        return try JSONDecoder().decode(JanitorAnswers.self, from: output)
    }

    /// Builds an index of `documents` (one JSONL record each) with `tokenizer` and checks `items` with lmeval13.
    static func lmevalVerdicts(documents: [String], items: [String], tokenizer: TokenizerOptions, firstPass: Bool, in dir: TestDirectory) throws -> [MethodVerdict] {
        let lines = try documents.map { String(decoding: try JSONSerialization.data(withJSONObject: ["text": $0]), as: UTF8.self) }
        let corpusPath = dir.write("corpus-\(tokenizer.normalization)-\(firstPass).jsonl", lines.joined(separator: "\n") + "\n")
        var options = IndexBuildOptions()
        options.tokenizer = tokenizer
        let indexPath = dir.file("index-\(tokenizer.normalization)-\(tokenizer.dropPunctuation)-\(firstPass).idx")
        _ = try IndexBuilder(inputs: [corpusPath], outputPath: indexPath, options: options).build()
        let index = try Index.open(path: indexPath)
        #expect(index.manifest.tokenizer == tokenizer)
        var check = CheckOptions()
        check.methods = [.lmeval13]
        check.firstPass = firstPass
        let checkItems = items.enumerated().map { k, text in
            CheckItem(id: "item-\(k)", sourcePath: "generated", recordNumber: k + 1, text: Array(text.utf8), rawRecord: Array(text.utf8))
        }
        return try ContaminationChecker(corpus: index, options: check).check(checkItems).map { $0.result(.lmeval13)?.verdict ?? .clean }
    }

    @Test func lmevalIndexAgreesWithJanitorOnEveryItem() throws {
        var random = SeededRandom(seed: 0x1A2B)
        let texts = (0..<150).map { _ in Self.randomText(&random, wordCount: Int.random(in: 20...160, using: &random)) }
        let documents = texts.map(\.joined)
        // Every item has at least one word the Janitor keeps (an item with no token is refused as blank).
        let items = (0..<400).map { _ in Self.randomItem(&random, documents: texts) }
            .filter { !Tokenizer(options: .lmeval).tokens(in: $0).isEmpty }
        let answers = try Self.janitor(documents: documents, items: items)

        // Python's white space is the Janitor's separator set.
        let ours = (0..<UInt32(0x110000)).filter { JanitorNormalization.isPythonSpace($0) }
        #expect(ours == answers.spaces)

        // The tokens, word for word.
        let tokenizer = Tokenizer(options: .lmeval)
        let documentMismatches = zip(documents, answers.documentTokens).filter { tokenizer.tokens(in: $0).map(\.text) != $1 }
        #expect(documentMismatches.isEmpty, "\(documentMismatches.count) documents tokenized differently, first: \(documentMismatches.first.map { "\($0.0.debugDescription) → \(tokenizer.tokens(in: $0.0).map(\.text)) vs \($0.1)" } ?? "")")
        let itemMismatches = zip(items, answers.itemTokens).filter { tokenizer.tokens(in: $0).map(\.text) != $1 }
        #expect(itemMismatches.isEmpty, "\(itemMismatches.count) items tokenized differently")

        // The verdicts, item for item, with the sketch first pass and without.
        let dir = TestDirectory(); defer { dir.cleanup() }
        let dirtyCount = answers.dirty.filter { $0 }.count
        #expect(dirtyCount >= 80 && items.count - dirtyCount >= 80, "the generated items should be both dirty and clean: \(dirtyCount) of \(items.count) dirty")
        for firstPass in [true, false] {
            let verdicts = try Self.lmevalVerdicts(documents: documents, items: items, tokenizer: .lmeval, firstPass: firstPass, in: dir)
            let disagreements = items.indices.filter { (verdicts[$0] == .dirty) != answers.dirty[$0] }
            #expect(disagreements.isEmpty, "first pass \(firstPass): \(disagreements.count) of \(items.count) verdicts differ from janitor.py, first: \(disagreements.first.map { "\(items[$0].debugDescription): janitor \(answers.dirty[$0])" } ?? "")")
        }

        // On a --drop-punct index of contam's tokens the definition is only approximated (the report says so).
        let approximate = try Self.lmevalVerdicts(documents: documents, items: items, tokenizer: TokenizerOptions(dropPunctuation: true), firstPass: true, in: dir)
        let approximateDisagreements = items.indices.filter { (approximate[$0] == .dirty) != answers.dirty[$0] }.count
        #expect(approximateDisagreements > 0)
        #expect(CheckReport.methodNotes([.lmeval13], tokenizerOptions: TokenizerOptions(dropPunctuation: true)).contains { $0.contains("an approximation") })
        #expect(CheckReport.methodNotes([.lmeval13], tokenizerOptions: .lmeval).allSatisfy { !$0.contains("approximation") })
    }

    @Test func janitorTokensByExample() {
        func tokens(_ text: String) -> [String] { Tokenizer(options: .lmeval).tokens(in: text).map(\.text) }
        #expect(tokens("I can't lock i_lock at 0.5, OK?") == ["i", "cant", "lock", "ilock", "at", "05", "ok"])
        #expect(tokens("«Café» — ÉCOLE 中文分词") == ["«café»", "—", "École", "中文分词"])
        #expect(tokens("a -- b ... c\u{A0}d\u{200B}e\u{3000}f") == ["a", "b", "c", "d\u{200B}e", "f"])
        #expect(tokens("  ") == [] && tokens("!!! ...") == [])
        let ranges = Tokenizer(options: .lmeval).tokens(in: "(x) yes").map(\.byteRange)
        #expect(ranges == [0..<3, 4..<7])
    }
}
