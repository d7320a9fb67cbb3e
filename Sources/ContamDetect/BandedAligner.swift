/// Local alignment (Smith & Waterman 1981, linear gap costs) of two token-id sequences restricted to a
/// band of diagonals: only cells (i, j) with `lo <= j - i <= hi` are computed, every other cell counts
/// as 0 (a local alignment may start anywhere, and a path entering the band through a gap from outside
/// could never score above 0 there). With the band covering every diagonal it is the plain O(n·m)
/// dynamic program. Cost O(n · band width) time, n · band width bytes for the traceback.
public enum BandedAligner {
    /// Best local alignment of `item` against `target` within `diagonals` (values of j − i, where i, j are
    /// 0-based token positions). Tokens with negative ids never match anything (unknown tokens).
    /// Ties go to the last best cell in row-major order (so an alignment extends through a substitution
    /// that a later match pays back); in traceback, diagonal before up before left.
    public static func align(_ item: [Int32], _ target: [Int32], diagonals: ClosedRange<Int>, scoring: AlignmentScoring = AlignmentScoring()) -> LocalAlignment {
        let n = item.count
        let m = target.count
        let lo = max(diagonals.lowerBound, 1 - n)
        let hi = min(diagonals.upperBound, m - 1)
        guard n > 0, m > 0, lo <= hi else { return .empty }
        return item.withUnsafeBufferPointer { a in
            target.withUnsafeBufferPointer { b in
                alignKernel(a, b, lo: lo, hi: hi, scoring: scoring)
            }
        }
    }

    private static let stop: UInt8 = 0, diagonal: UInt8 = 1, up: UInt8 = 2, left: UInt8 = 3

    /// The dynamic program. Rows are 1-based item positions i (row i aligns item[i-1]); within a row,
    /// band slot k is the cell j = i + lo + k (1-based target position). Rows hold the slots at offset 1
    /// with a 0 sentinel on each side, so slot k's neighbours are: diagonal (i-1, j-1) = previous row k,
    /// up (i-1, j) = previous row k+1, left (i, j-1) = this row k-1.
    private static func alignKernel(_ a: UnsafeBufferPointer<Int32>, _ b: UnsafeBufferPointer<Int32>, lo: Int, hi: Int, scoring: AlignmentScoring) -> LocalAlignment {
        let n = a.count
        let m = b.count
        let width = hi &- lo &+ 1
        // Rows with at least one cell inside the matrix: 1 <= i + lo + k <= m for some k in 0..<width.
        let firstRow = max(1, 1 &- hi)
        let lastRow = min(n, m &- lo)
        guard firstRow <= lastRow else { return .empty }
        let rowCount = lastRow &- firstRow &+ 1
        let matchScore = scoring.match, mismatchScore = scoring.mismatch, gapScore = scoring.gap
        var bestScore: Int32 = 0
        var bestRow = 0
        var bestSlot = 0
        let directions = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: rowCount &* width)
        defer { directions.deallocate() }
        var previous = UnsafeMutableBufferPointer<Int32>.allocate(capacity: width &+ 2)
        var current = UnsafeMutableBufferPointer<Int32>.allocate(capacity: width &+ 2)
        defer { previous.deallocate(); current.deallocate() }
        previous.initialize(repeating: 0)
        current.initialize(repeating: 0)
        // Invariants: 1 <= i <= n, so a[i-1] is in bounds; slots k in 0..<width touch rows at k, k+1, k+2
        // < width + 2; b[j-1] is read only when 1 <= j <= m; directions index (i-firstRow)*width + k < rowCount*width.
        var i = firstRow
        while i <= lastRow {
            let itemToken = a[i &- 1]
            let directionBase = (i &- firstRow) &* width
            var k = 0
            while k < width {
                let j = i &+ lo &+ k
                var score: Int32 = 0
                var direction = stop
                if j >= 1 && j <= m {
                    let targetToken = b[j &- 1]
                    let diagonalScore = previous[k &+ 1] &+ (itemToken >= 0 && itemToken == targetToken ? matchScore : mismatchScore)
                    let upScore = previous[k &+ 2] &+ gapScore
                    let leftScore = current[k] &+ gapScore
                    if diagonalScore > 0 { score = diagonalScore; direction = diagonal }
                    if upScore > score { score = upScore; direction = up }
                    if leftScore > score { score = leftScore; direction = left }
                    if score > 0 && score >= bestScore { bestScore = score; bestRow = i; bestSlot = k }
                }
                current[k &+ 1] = score
                directions[directionBase &+ k] = direction
                k &+= 1
            }
            swap(&previous, &current)
            i &+= 1
        }
        guard bestScore > 0 else { return .empty }
        // Traceback from the best cell to the first cell whose score came from 0.
        var reversed: [EditOperation] = []
        var row = bestRow
        var slot = bestSlot
        let endItem = bestRow
        let endTarget = bestRow &+ lo &+ bestSlot
        while row >= firstRow {
            let direction = directions[(row &- firstRow) &* width &+ slot]
            if direction == stop { break }
            let j = row &+ lo &+ slot
            if direction == diagonal {
                EditOperation.append(a[row &- 1] >= 0 && a[row &- 1] == b[j &- 1] ? .match : .substitution, to: &reversed)
                row &-= 1
            } else if direction == up {
                EditOperation.append(.insertion, to: &reversed)
                row &-= 1
                slot &+= 1
            } else {
                EditOperation.append(.deletion, to: &reversed)
                slot &-= 1
            }
        }
        let startTarget = row &+ lo &+ slot
        return LocalAlignment(score: Int(bestScore), itemRange: row..<endItem, targetRange: startTarget..<endTarget, operations: reversed.reversed())
    }
}
