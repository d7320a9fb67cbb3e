import Foundation
import Testing
import ContamStorage
@testable import ContamIndex
@testable import ContamDetect
@testable import ContamApps
import ContamTestSupport

/// The sample corpus indexed once, in several shards, served by one `ServeAPI`.
enum ServeAPIFixture {
    static let built = Result { () -> (ServeAPI, Index, String) in
        let path = try temporaryDirectory("serve-api") + "/sample.idx"
        let index = try SampleIndex.build(path) { $0.shardTokens = 150_000 }
        return (try ServeAPI(indexes: [(name: "sample", path: path)]), index, path)
    }

    static func get() throws -> (api: ServeAPI, index: Index, path: String) { try built.get() }

    static func post(_ api: ServeAPI, _ path: String, _ body: [String: Any]) throws -> (status: Int, json: [String: Any]) {
        let data = try JSONSerialization.data(withJSONObject: body)
        let response = api.handle(HTTPRequest(method: "POST", target: path, path: path, body: Array(data)))
        return (response.status, try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]))
    }

    static func get(_ api: ServeAPI, _ path: String, query: [String: String] = [:]) throws -> (status: Int, json: [String: Any]) {
        let response = api.handle(HTTPRequest(method: "GET", target: path, path: path, query: query))
        return (response.status, try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]))
    }

    /// Brute force: every shard's token strings, document separators as nil.
    static func corpusTokens(_ index: Index) -> [[String?]] {
        index.shards.map { shard in
            let tokens = shard.suffixArray.tokens
            return (0..<tokens.count).map { tokens[$0] == 0 ? nil : shard.vocabulary.token(UInt32(tokens[$0])) }
        }
    }

    static let tokens = Result { corpusTokens(try get().index) }

    /// Occurrences of `pattern` by scanning, and what follows each.
    static func scan(_ pattern: [String]) throws -> (count: Int, next: [String: Int], ends: Int) {
        var count = 0, ends = 0
        var next: [String: Int] = [:]
        for shard in try tokens.get() {
            for start in 0..<shard.count where shard[start] != nil {
                guard start + pattern.count <= shard.count, (0..<pattern.count).allSatisfy({ shard[start + $0] == pattern[$0] }) else { continue }
                count += 1
                let after = start + pattern.count
                if after < shard.count, let token = shard[after] { next[token, default: 0] += 1 } else { ends += 1 }
            }
        }
        return (count, next, ends)
    }
}

@Suite struct ServeAPITests {
    let phrases = ["the free software foundation", "you may", "python", "of the", "zzzz not a word", "def"]

    @Test func infiniGramCountFindAndProbMatchBruteForce() throws {
        let (api, index, _) = try ServeAPIFixture.get()
        for phrase in phrases {
            let tokens = index.tokens(of: phrase).map(\.text)
            let scanned = try ServeAPIFixture.scan(tokens).count
            let count = try ServeAPIFixture.post(api, "/", ["index": "sample", "query_type": "count", "query": phrase])
            #expect(count.status == 200)
            #expect(count.json["count"] as? Int == scanned, "\(phrase)")
            #expect(count.json["count"] as? Int == PhraseQuery(index: index).count(phrase).count)
            #expect(count.json["approx"] as? Bool == false && count.json["latency"] is Double)
            let find = try ServeAPIFixture.post(api, "/", ["query_type": "find", "query": phrase])
            let segments = try #require(find.json["segment_by_shard"] as? [[Int]])
            #expect(segments.count == index.shards.count)
            #expect(segments.reduce(0) { $0 + $1[1] - $1[0] } == scanned && find.json["cnt"] as? Int == scanned)
            let prob = try ServeAPIFixture.post(api, "/", ["query_type": "prob", "query": phrase])
            let prompt = try ServeAPIFixture.scan(Array(tokens.dropLast())).count
            #expect(prob.json["prompt_cnt"] as? Int == prompt && prob.json["cont_cnt"] as? Int == scanned)
            #expect(abs((prob.json["prob"] as? Double ?? 99) - (prompt > 0 ? Double(scanned) / Double(prompt) : -1)) < 1e-12)
        }
        // The empty query counts every token.
        let all = try ServeAPIFixture.post(api, "/", ["query_type": "count", "query": ""])
        let total = try ServeAPIFixture.tokens.get().reduce(0) { $0 + $1.compactMap { $0 }.count }
        #expect(all.json["count"] as? Int == total)
    }

    @Test func ntdIsTheBruteForceDistributionAndSumsToOne() throws {
        let (api, index, _) = try ServeAPIFixture.get()
        for phrase in ["the free software", "you may", "of the"] {
            let tokens = index.tokens(of: phrase).map(\.text)
            let scanned = try ServeAPIFixture.scan(tokens)
            let ntd = try ServeAPIFixture.post(api, "/", ["query_type": "ntd", "query": phrase])
            #expect(ntd.status == 200)
            #expect(ntd.json["prompt_cnt"] as? Int == scanned.count)
            let distribution = try #require(ntd.json["result_by_token_id"] as? [String: [String: Any]])
            if scanned.count <= 1000 {
                #expect(ntd.json["approx"] as? Bool == false)
                #expect(distribution.mapValues { $0["cont_cnt"] as? Int ?? -1 } == scanned.next, "\(phrase)")
                #expect(ntd.json["document_ends"] as? Int == scanned.ends)
            } else {
                #expect(ntd.json["approx"] as? Bool == true)
            }
            let sum = distribution.values.reduce(0.0) { $0 + ($1["prob"] as? Double ?? 0) }
            #expect(abs(sum - 1) < 1e-9)
        }
        let capped = try ServeAPIFixture.post(api, "/", ["query_type": "ntd", "query": "the", "max_support": 10])
        #expect(capped.json["approx"] as? Bool == true && capped.json["examined"] as? Int == 10)
        let infgram = try ServeAPIFixture.post(api, "/", ["query_type": "infgram_prob", "query": "zzzz qqqq the free software foundation"])
        #expect(infgram.json["suffix_len"] as? Int == 3 && infgram.json["longest_suffix"] as? String == "the free software")
        let expected = try ServeAPIFixture.scan(["the", "free", "software", "foundation"]).count
        #expect(infgram.json["cont_cnt"] as? Int == expected)
    }

    @Test func searchDocsAndDocumentRetrieval() throws {
        let (api, index, _) = try ServeAPIFixture.get()
        let search = try ServeAPIFixture.post(api, "/", ["query_type": "search_docs", "query": "free software foundation", "maxnum": 3])
        #expect(search.status == 200)
        let documents = try #require(search.json["documents"] as? [[String: Any]])
        #expect(documents.count == 3)
        for document in documents {
            let spans = try #require(document["spans"] as? [[Any]])
            #expect(spans.contains { ($0[1] as? String) == "0" && index.tokens(of: $0[0] as? String ?? "").map(\.text) == ["free", "software", "foundation"] })
            let metadata = try #require(try JSONSerialization.jsonObject(with: Data((document["metadata"] as? String ?? "").utf8)) as? [String: Any])
            #expect(metadata["path"] is String)
        }
        let find = try ServeAPIFixture.post(api, "/", ["query_type": "find", "query": "free software foundation"])
        let segments = try #require(find.json["segment_by_shard"] as? [[Int]])
        let shard = try #require(segments.firstIndex { $0[1] > $0[0] })
        let byRank = try ServeAPIFixture.post(api, "/", ["query_type": "get_doc_by_rank", "query": "free software foundation", "s": shard, "rank": segments[shard][0]])
        #expect(byRank.status == 200 && byRank.json["doc_ix"] is Int)
        let byIndex = try ServeAPIFixture.post(api, "/", ["query_type": "get_doc_by_ix", "doc_ix": 0, "max_disp_len": 5])
        #expect(byIndex.status == 200 && byIndex.json["disp_len"] as? Int == 5)
        #expect(try ServeAPIFixture.post(api, "/", ["query_type": "get_doc_by_ix", "doc_ix": 10_000_000]).status == 400)
        #expect(try ServeAPIFixture.post(api, "/", ["query_type": "get_doc_by_rank", "s": 99, "rank": 0]).status == 400)

        let document = try ServeAPIFixture.get(api, "/v1/documents/0/1")
        #expect(document.status == 200)
        #expect(document.json["text"] as? String == String(decoding: try index.documentText(CorpusDocumentRef(shard: 0, document: 1)), as: UTF8.self))
        #expect(document.json["bytes"] as? Int == (document.json["text"] as? String)?.utf8.count)
        for (path, status) in [("/v1/documents/x/1", 400), ("/v1/documents/-1/0", 400), ("/v1/documents/0/99999999", 404), ("/v1/documents/999/0", 404),
                               ("/v1/documents/0/1/2", 404), ("/v1/documents/99999999999999999999999/0", 400), ("/v1/documents/0/", 400)] {
            let answer = try ServeAPIFixture.get(api, path)
            #expect(answer.status == status, "\(path)")
            #expect(answer.json["status"] as? Int == status && answer.json["error"] is String)
        }
    }

    @Test func contamEndpointsGiveTheQueryAnswers() throws {
        let (api, index, path) = try ServeAPIFixture.get()
        let query = PhraseQuery(index: index)
        let indexes = try ServeAPIFixture.get(api, "/v1/indexes")
        let listed = try #require((indexes.json["indexes"] as? [[String: Any]])?.first)
        #expect(listed["name"] as? String == "sample" && listed["path"] as? String == path && listed["kind"] as? String == "full")
        #expect(listed["shards"] as? Int == index.shards.count && listed["documents"] as? Int == index.manifest.corpus.documents)
        let count = try ServeAPIFixture.post(api, "/v1/count", ["query": "free software"])
        #expect(count.json["count"] as? Int == query.count("free software").count && count.json["tokens"] as? Int == 2)
        let locate = try ServeAPIFixture.post(api, "/v1/locate", ["query": "free software", "limit": 2])
        #expect((locate.json["occurrences"] as? [Any])?.count == 2)
        let expected = try JSONSerialization.jsonObject(with: Data(JSONOutput.line(try QueryAnswer.locate("free software", query: query, limit: 2, contextBytes: 80)).utf8)) as? NSDictionary
        #expect(NSDictionary(dictionary: locate.json) == expected)
        let longest = try ServeAPIFixture.post(api, "/v1/longest", ["query": "qqq the free software foundation zzz"])
        #expect(longest.json["matchTokens"] as? Int == 4)
        let has = try ServeAPIFixture.post(api, "/v1/has", ["query": "you may convey verbatim copies of the program's source code as you receive it"])
        #expect(has.status == 200 && has.json["present"] as? Bool == true)
    }

    @Test func traceReportsExactlyTheMaximalSpans() throws {
        let (api, index, _) = try ServeAPIFixture.get()
        let text = "Here is my answer: you may convey verbatim copies of the Program's source code as you receive it, in any medium, and then something else entirely about the free software foundation."
        let minMatch = 4
        let traced = try ServeAPIFixture.post(api, "/v1/trace", ["text": text, "min_match": minMatch, "max_spans": 1000, "max_sources": 1])
        #expect(traced.status == 200)
        let spans = try #require(traced.json["spans"] as? [[String: Any]])
        let reported = Set(spans.map { [$0["token_start"] as? Int ?? -1, $0["token_end"] as? Int ?? -1] })
        // Brute force: every occurring span, then those in no other.
        let tokens = index.tokens(of: text).map(\.text)
        var occurring: [[Int]] = []
        for i in tokens.indices {
            for j in (i + 1)...tokens.count where try ServeAPIFixture.scan(Array(tokens[i..<j])).count > 0 { occurring.append([i, j]) }
        }
        let maximal = occurring.filter { span in span[1] - span[0] >= minMatch && !occurring.contains { $0 != span && $0[0] <= span[0] && $0[1] >= span[1] } }
        #expect(reported == Set(maximal))
        #expect(!maximal.isEmpty)
        let utf16 = Array(text.unicodeScalars)
        for span in spans {
            let tokenRange = (span["token_start"] as! Int)..<(span["token_end"] as! Int)
            #expect(span["count"] as? Int == (try ServeAPIFixture.scan(Array(tokens[tokenRange])).count))
            let chars = String(String.UnicodeScalarView(utf16[(span["char_start"] as! Int)..<(span["char_end"] as! Int)]))
            #expect(chars == span["text"] as? String)
            #expect((span["sources"] as? [Any])?.count == 1)
        }
        let ranks = spans.map { $0["unigram_logprob"] as? Double ?? 0 }
        #expect(ranks == ranks.sorted())
    }

    @Test func checkGivesTheCLIObjects() throws {
        let (api, index, path) = try ServeAPIFixture.get()
        let texts = ["you may convey verbatim copies of the Program's source code as you receive it, in any medium", "a sentence about trains and weather"]
        let answer = try ServeAPIFixture.post(api, "/v1/check", ["items": texts.enumerated().map { ["id": "i\($0.offset)", "text": $0.element] }, "methods": ["near", "gpt3", "exactsubstr"]])
        #expect(answer.status == 200)
        let items = try #require(answer.json["items"] as? [[String: Any]])
        // The CLI's library path on the same items from a JSONL file.
        let file = try temporaryDirectory("serve-api-check") + "/items.jsonl"
        try texts.enumerated().map { JSONOutput.line(["id": "i\($0.offset)", "text": $0.element]) }.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        var request = CheckRequest(indexPath: path, itemPaths: [file])
        request.output = .json
        request.options.methods = [.near, .gpt3, .exactsubstr]
        let outcome = try CheckPipeline.run(request, membership: CheckMembership(.full(index)))
        let lines = outcome.standardOutput.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(lines.count == items.count)
        for (served, cli) in zip(items, lines) {
            var a = served, b = try #require(cli)
            a["source"] = nil; b["source"] = nil
            #expect(NSDictionary(dictionary: a) == NSDictionary(dictionary: b))
        }
    }

    @Test func errorsHaveTheirStatusAndNameTheProblem() throws {
        let (api, _, _) = try ServeAPIFixture.get()
        func raw(_ method: String, _ path: String, _ body: String) -> HTTPResponse {
            api.handle(HTTPRequest(method: method, target: path, path: path, body: Array(body.utf8)))
        }
        func message(_ response: HTTPResponse) -> String {
            ((try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any])?["error"] as? String ?? ""
        }
        #expect(raw("GET", "/nope", "").status == 404)
        let wrong = raw("GET", "/v1/count", "")
        #expect(wrong.status == 405 && wrong.headers.contains { $0.name == "Allow" && $0.value == "POST" })
        #expect(raw("POST", "/v1/indexes", "").status == 405)
        #expect(raw("POST", "/v1/count", "{not json").status == 400)
        #expect(raw("POST", "/v1/count", "[1]").status == 400)
        let unknown = raw("POST", "/v1/count", #"{"index": "other", "query": "a"}"#)
        #expect(unknown.status == 400 && message(unknown).contains("other"))
        let missing = raw("POST", "/v1/count", "{}")
        #expect(missing.status == 400 && message(missing).contains("query"))
        let badLimit = raw("POST", "/v1/locate", #"{"query": "free", "limit": "x"}"#)
        #expect(badLimit.status == 400 && message(badLimit).contains("limit"))
        let ids = raw("POST", "/", #"{"query_type": "count", "query_ids": [1, 2]}"#)
        #expect(ids.status == 400 && message(ids).contains("query_ids"))
        let type = raw("POST", "/", #"{"query_type": "find_cnf", "query": "a"}"#)
        #expect(type.status == 400 && message(type).contains("find_cnf"))
        #expect(raw("POST", "/", #"{"query_type": "count", "query": "a AND b"}"#).status == 400)
        let long = String(repeating: "word ", count: 1001)
        #expect(raw("POST", "/", #"{"query_type": "count", "query": "\#(long)"}"#).status == 413)
        #expect(raw("POST", "/v1/count", #"{"query": "\#(long)"}"#).status == 413)
        #expect(raw("POST", "/v1/check", #"{"items": []}"#).status == 400)
        #expect(raw("POST", "/v1/check", #"{"items": [{"id": "x"}]}"#).status == 400)
        #expect(raw("POST", "/v1/check", #"{"items": [{"text": "a"}], "methods": ["nope"]}"#).status == 400)
        let past = api.handle(HTTPRequest(method: "POST", target: "/v1/trace", path: "/v1/trace", body: Array(#"{"text": "you may convey verbatim copies of the program"}"#.utf8),
                                          deadline: ContinuousClock.now - .seconds(1)))
        #expect(past.status == 504)
        #expect(throws: ServeError.self) { try ServeAPI(indexes: [(name: "a", path: "/nonexistent/index")]) }
        let path = try ServeAPIFixture.get().path
        #expect(throws: ServeError.self) { try ServeAPI(indexes: [(name: "a", path: path), (name: "a", path: path)]) }
    }
}
