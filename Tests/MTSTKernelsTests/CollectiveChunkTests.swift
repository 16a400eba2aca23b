import Testing
@testable import MTSTKernels

/// `CollectiveChunk.split`: the windows cover the buffer once, in order, and each rank's parts
/// add up to its slice at the right offsets.
struct CollectiveChunkTests {
    @Test func slicesStraddleChunks() {
        // Slices [0,5) [5,5) [5,12), chunks of 4: [0,4) [4,8) [8,12).
        let chunks = CollectiveChunk.split([5, 0, 7], chunk: 4)
        #expect(chunks == [CollectiveChunk(start: 0, counts: [4, 0, 0]),
                           CollectiveChunk(start: 4, counts: [1, 0, 3]),
                           CollectiveChunk(start: 8, counts: [0, 0, 4])])
        #expect(chunks[1].displacements == [0, 1, 1])
    }

    @Test func partsCoverEverySliceOnce() {
        let counts = [1000, 3, 0, 2048, 17]
        for chunk in [1, 2, 7, 64, 1000, 4096, Int.max] {
            let chunks = CollectiveChunk.split(counts, chunk: chunk)
            var owner: [Int] = []
            var at = 0
            for c in chunks {
                #expect(c.start == at && c.counts.reduce(0, +) <= chunk && c.counts.reduce(0, +) > 0)
                for (r, n) in c.counts.enumerated() { owner += Array(repeating: r, count: n) }
                at += c.counts.reduce(0, +)
            }
            #expect(owner == counts.enumerated().flatMap { r, n in Array(repeating: r, count: n) })
        }
        #expect(CollectiveChunk.split([0, 0], chunk: 8).isEmpty)
    }
}
