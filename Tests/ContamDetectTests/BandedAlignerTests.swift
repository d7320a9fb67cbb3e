import Foundation
import Testing
@testable import ContamDetect
import ContamTestSupport

@Suite struct BandedAlignerTests {
    /// Checks that an alignment is a valid path whose operations spell the sequences and add up to its score.
    func checkConsistent(_ alignment: LocalAlignment, _ a: [Int32], _ b: [Int32], scoring: AlignmentScoring = AlignmentScoring(), sourceLocation: SourceLocation = #_sourceLocation) {
        var score = 0
        var itemCount = 0, targetCount = 0
        alignment.forEachColumn { kind, i, j in
            score += scoring.score(kind)
            switch kind {
            case .match: #expect(a[i] == b[j] && a[i] >= 0, sourceLocation: sourceLocation)
            case .substitution: #expect(a[i] != b[j] || a[i] < 0, sourceLocation: sourceLocation)
            default: break
            }
            if kind.consumesItem { itemCount += 1 }
            if kind.consumesDocument { targetCount += 1 }
        }
        #expect(score == alignment.score, sourceLocation: sourceLocation)
        #expect(itemCount == alignment.itemRange.count, sourceLocation: sourceLocation)
        #expect(targetCount == alignment.targetRange.count, sourceLocation: sourceLocation)
        if let first = alignment.operations.first, let last = alignment.operations.last {
            #expect(first.kind == .match && last.kind == .match, sourceLocation: sourceLocation)
        }
    }

    @Test func fullBandEqualsPlainDynamicProgramOnRandomInputs() {
        var rng = SeededRandom(seed: 7)
        for round in 0..<400 {
            let alphabet: Int32 = [2, 4, 20, 1000][round % 4]
            let a = DetectTestSupport.randomSequence(Int.random(in: 0...40, using: &rng), alphabet: alphabet, using: &rng)
            let b = DetectTestSupport.randomSequence(Int.random(in: 0...50, using: &rng), alphabet: alphabet, using: &rng)
            let alignment = BandedAligner.align(a, b, diagonals: -1000...1000)
            #expect(alignment.score == DetectTestSupport.plainScore(a, b), "round \(round)")
            checkConsistent(alignment, a, b)
        }
    }

    @Test func bandedEqualsMaskedDynamicProgram() {
        var rng = SeededRandom(seed: 8)
        for round in 0..<400 {
            let alphabet: Int32 = [2, 3, 10][round % 3]
            let a = DetectTestSupport.randomSequence(Int.random(in: 1...35, using: &rng), alphabet: alphabet, using: &rng)
            let b = DetectTestSupport.randomSequence(Int.random(in: 1...45, using: &rng), alphabet: alphabet, using: &rng)
            let lo = Int.random(in: -40...40, using: &rng)
            let band = lo...(lo + Int.random(in: 0...12, using: &rng))
            let alignment = BandedAligner.align(a, b, diagonals: band)
            #expect(alignment.score == DetectTestSupport.plainScore(a, b, band: band), "round \(round) band \(band)")
            checkConsistent(alignment, a, b)
            alignment.forEachColumn { kind, i, j in
                if kind == .match { #expect(band.contains(j - i)) }
            }
        }
    }

    @Test func otherScoringsAgreeToo() {
        var rng = SeededRandom(seed: 9)
        let scorings = [AlignmentScoring(match: 1, mismatch: -4, gap: -4), AlignmentScoring(match: 2, mismatch: -1, gap: -3), AlignmentScoring(match: 3, mismatch: -2, gap: -1)]
        for round in 0..<300 {
            let scoring = scorings[round % 3]
            let a = DetectTestSupport.randomSequence(Int.random(in: 0...30, using: &rng), alphabet: 4, using: &rng)
            let b = DetectTestSupport.randomSequence(Int.random(in: 0...30, using: &rng), alphabet: 4, using: &rng)
            let alignment = BandedAligner.align(a, b, diagonals: -5...7, scoring: scoring)
            #expect(alignment.score == DetectTestSupport.plainScore(a, b, band: -5...7, scoring: scoring))
            checkConsistent(alignment, a, b, scoring: scoring)
        }
    }

    @Test func nearCopiesInsideTheBandScoreLikeTheFullProgram() {
        // An edited copy planted in a longer random target: a band of ±(number of indels) around the
        // copy's diagonal finds the same best score as the full matrix.
        var rng = SeededRandom(seed: 10)
        for round in 0..<150 {
            let alphabet: Int32 = 5000
            let source = DetectTestSupport.randomSequence(Int.random(in: 20...120, using: &rng), alphabet: alphabet, using: &rng)
            let copy = DetectTestSupport.mutate(source, rate: [0, 0.05, 0.1, 0.2][round % 4], alphabet: alphabet, using: &rng)
            let before = DetectTestSupport.randomSequence(Int.random(in: 0...60, using: &rng), alphabet: alphabet, using: &rng)
            let target = before + source + DetectTestSupport.randomSequence(Int.random(in: 0...60, using: &rng), alphabet: alphabet, using: &rng)
            let drift = abs(copy.count - source.count) + 12
            let diagonal = before.count
            let alignment = BandedAligner.align(copy, target, diagonals: (diagonal - drift)...(diagonal + drift))
            #expect(alignment.score == DetectTestSupport.plainScore(copy, target), "round \(round)")
            checkConsistent(alignment, copy, target)
        }
    }

    @Test func knownAlignment() {
        // item:   1 2 3 9 4 5 6 7 8
        // target: 0 1 2 3 4 5 6 X 8 0    (9 inserted in the item, 7 substituted)
        let a: [Int32] = [1, 2, 3, 9, 4, 5, 6, 7, 8]
        let b: [Int32] = [0, 1, 2, 3, 4, 5, 6, 77, 8, 0]
        let alignment = BandedAligner.align(a, b, diagonals: -3...3)
        #expect(alignment.score == 5)
        #expect(alignment.itemRange == 0..<9)
        #expect(alignment.targetRange == 1..<9)
        #expect(EditOperation.cigar(alignment.operations) == "3=1I3=1X1=")
        #expect(alignment.matches == 7)
        #expect(alignment.columns == 9)
        // Unknown tokens (negative ids) never match, not even each other.
        #expect(BandedAligner.align([-1, -1, -1], [-1, -1, -1], diagonals: -3...3) == .empty)
        #expect(BandedAligner.align([], [1], diagonals: -3...3) == .empty)
        #expect(BandedAligner.align([1], [1], diagonals: 5...9) == .empty)
    }
}
