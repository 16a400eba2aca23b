import Testing
@testable import MTSTRuntime

/// Expected counts are worked out by hand from conlleval's start/end rules.
@Suite struct SlotF1Tests {
    private func counts(_ gold: [[String]], _ predicted: [[String]]) -> [Int] {
        let score = SlotF1.score(gold: gold, predicted: predicted)
        return [score.goldChunks, score.predictedChunks, score.correctChunks]
    }

    @Test func perfectPrediction() {
        let tags = [["B-a", "I-a", "O", "B-b"], ["O", "B-c"]]
        let score = SlotF1.score(gold: tags, predicted: tags)
        #expect([score.goldChunks, score.predictedChunks, score.correctChunks] == [3, 3, 3])
        #expect(score.precision == 1 && score.recall == 1 && score.f1 == 1)
        #expect(score.tokens == 6 && score.correctTags == 6)
    }

    @Test func iAfterOOpensAChunk() {
        // Gold "O I-a I-a O" holds one chunk a[1..2]; "B-a I-a" over the same words matches it.
        #expect(counts([["O", "I-a", "I-a", "O"]], [["O", "B-a", "I-a", "O"]]) == [1, 1, 1])
        // An I- of another type right after a chunk opens a new one too.
        #expect(counts([["B-a", "I-b"]], [["B-a", "B-b"]]) == [2, 2, 2])
    }

    @Test func typeChangeMidRunSplitsTheChunk() {
        // Prediction a[0] b[1..2] against gold a[0..2]: the gold chunk's end differs, so nothing matches.
        let score = SlotF1.score(gold: [["B-a", "I-a", "I-a"]], predicted: [["B-a", "I-b", "I-b"]])
        #expect([score.goldChunks, score.predictedChunks, score.correctChunks] == [1, 2, 0])
        #expect(score.precision == 0 && score.recall == 0 && score.f1 == 0)
        #expect(score.byType == ["a": ChunkCounts(gold: 1, predicted: 1, correct: 0), "b": ChunkCounts(gold: 0, predicted: 1, correct: 0)])
    }

    @Test func bAfterISameTypeStartsASecondChunk() {
        #expect(counts([["B-a", "I-a", "B-a", "O"]], [["B-a", "I-a", "B-a", "O"]]) == [2, 2, 2])
        // Merging the two gold chunks into one prediction gets neither right.
        #expect(counts([["B-a", "I-a", "B-a", "O"]], [["B-a", "I-a", "I-a", "O"]]) == [2, 1, 0])
    }

    @Test func chunksEndingEarlyOrLateAreWrong() {
        #expect(counts([["B-a", "I-a", "O"]], [["B-a", "O", "O"]]) == [1, 1, 0])
        #expect(counts([["B-a", "O", "O"]], [["B-a", "I-a", "O"]]) == [1, 1, 0])
        #expect(counts([["O", "B-a", "I-a"]], [["O", "O", "B-a"]]) == [1, 1, 0])
    }

    @Test func sentenceBoundaryClosesChunks() {
        // Without the boundary "B-a | I-a" would be one gold chunk; with it, it is two.
        #expect(counts([["O", "B-a"], ["I-a", "O"]], [["O", "B-a"], ["B-a", "O"]]) == [2, 2, 2])
    }

    @Test func typesKeepHyphensAfterTheFirst() {
        let score = SlotF1.score(gold: [["B-geo-loc", "I-geo-loc"]], predicted: [["B-geo-loc", "I-geo-other"]])
        #expect([score.goldChunks, score.predictedChunks, score.correctChunks] == [1, 2, 0])
        #expect(score.byType["geo-loc"] == ChunkCounts(gold: 1, predicted: 1, correct: 0))
    }

    @Test func bareTagsFollowConllevalToo() {
        // A bare tag has an empty type: it opens a chunk only after a typed tag, as in conlleval.
        #expect(counts([["PER", "PER"]], [["PER", "PER"]]) == [0, 0, 0])
        #expect(counts([["B-a", "PER"]], [["B-a", "PER"]]) == [2, 2, 2])
        // conlleval reads a type of "0" as no type (Perl truthiness), so "I-0" after a bare tag continues it.
        #expect(counts([["PER", "I-0"]], [["PER", "I-0"]]) == [0, 0, 0])
    }

    @Test func microAveragingOverSentences() {
        // 4 gold, 3 predicted, 2 correct → P 2/3, R 1/2, F1 4/7.
        let score = SlotF1.score(
            gold: [["B-a", "O", "B-b"], ["B-c", "I-c", "B-a"]],
            predicted: [["B-a", "O", "O"], ["B-c", "I-c", "B-b"]])
        #expect([score.goldChunks, score.predictedChunks, score.correctChunks] == [4, 3, 2])
        #expect(abs(score.precision - 2.0 / 3) < 1e-12)
        #expect(score.recall == 0.5)
        #expect(abs(score.f1 - 4.0 / 7) < 1e-12)
        #expect(score.tokens == 6 && score.correctTags == 4)
    }

    @Test func truncatedPredictionCountsAsOutside() {
        #expect(counts([["B-a", "O", "B-b"]], [["B-a", "O"]]) == [2, 1, 1])
    }

    @Test func emptyInputScoresZero() {
        let score = SlotF1.score(gold: [], predicted: [])
        #expect(score.f1 == 0 && score.goldChunks == 0 && score.byType.isEmpty)
    }
}
