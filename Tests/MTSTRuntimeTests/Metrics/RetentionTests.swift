import Testing
@testable import MTSTRuntime

@Suite struct RetentionTests {
    @Test func averageRanksForTies() {
        #expect(Retention.ranks([3, 1, 2, 2]) == [4, 1, 2.5, 2.5])
        #expect(Retention.ranks([5, 5, 5]) == [2, 2, 2])
    }

    @Test func spearmanByHand() {
        // Ranks equal to the values: d = (0, 1, −1, 0), 1 − 6·2/(4·15) = 0.8.
        #expect(Retention.spearman([1, 2, 3, 4], [1, 3, 2, 4]) == 0.8)
        #expect(Retention.spearman([1, 2, 3], [30, 20, 10]) == -1)
        #expect(Retention.spearman([1, 1, 1], [1, 2, 3]) == nil)
        #expect(Retention.spearman([1], [1]) == nil)
    }

    @Test func identicalEmbeddingsScoreExactlyOne() {
        let e: [[Float]] = [[0.3, -1.2, 0.7], [1, 2, 3], [-0.5, 0.1, 0.9], [0.31, -1.1, 0.69]]
        let r = Retention.score(original: e, current: e)
        #expect(r.spearman == 1 && r.mean_cosine == 1)
    }

    @Test func smallCaseByHand() throws {
        // Original a, b, c = (1,0), (0,1), (1,1); now b and c traded places.
        // Pair cosines (ab, ac, bc): before (0, √½, √½), ranks (1, 2.5, 2.5); after (√½, 0, √½),
        // ranks (2.5, 1, 2.5): ρ = −0.75 / 1.5 = −0.5. Own cosines 1, √½, √½.
        let r = Retention.score(original: [[1, 0], [0, 1], [1, 1]], current: [[1, 0], [1, 1], [0, 1]])
        #expect(abs(try #require(r.spearman) + 0.5) < 1e-12)
        #expect(abs(r.mean_cosine - (1 + 2 * 0.5.squareRoot()) / 3) < 1e-12)
    }
}
