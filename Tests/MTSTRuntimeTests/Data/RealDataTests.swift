import MTSTCompiler
import Testing
@testable import MTSTRuntime

/// Facts about the real data sets; run only after `Scripts/fetch-assets.sh`.
@Suite struct RealDataTests {
    @Test(.enabled(if: DataTestSupport.hasAsset("atis/train_dev") && DataTestSupport.hasAsset("atis/test")))
    func atisCountsAndUnseenTestLabels() throws {
        let train = try DataFormat.atis.read(path: DataTestSupport.assetPath("atis/train_dev"))
        let test = try DataFormat.atis.read(path: DataTestSupport.assetPath("atis/test"))
        #expect(train.count == 4978)
        #expect(test.count == 893)
        #expect(train.reduce(0) { $0 + $1.words.count } == 56200)
        #expect(test.reduce(0) { $0 + $1.words.count } == 9164)

        let intents = LabelVocabulary.intents(of: train), tags = LabelVocabulary.tags(of: train)
        #expect(intents.count == 22) // 17 single intents + 5 multi-intent strings such as "atis_flight;atis_airfare"
        #expect(tags.count == 121)   // "O" + B-/I- tags over 79 slot types
        #expect(tags.labels.first == "O")
        #expect(LabelVocabulary.intents(of: test).count == 20)
        #expect(LabelVocabulary.tags(of: test).count == 101)

        // Test labels never seen in training: the model cannot predict them, so they count as errors.
        let unseenIntents = Set(test.compactMap(\.label).filter { intents.index(of: $0) == nil })
        #expect(unseenIntents == ["atis_day_name", "atis_airfare;atis_flight", "atis_flight;atis_airline", "atis_flight_no;atis_airline"])
        let unseenTags = Set(test.compactMap(\.tags).joined().filter { tags.index(of: $0) == nil })
        #expect(unseenTags == ["B-booking_class", "B-compartment", "B-flight", "B-stoploc.airport_code", "I-flight_number", "I-state_name"])
    }

    @Test(.enabled(if: DataTestSupport.hasAsset("wnut16/ner.txt")))
    func wnutReadsAsTabSeparatedCoNLL() throws {
        let sentences = try DataFormat.conll.read(path: DataTestSupport.assetPath("wnut16/ner.txt"))
        #expect(sentences.count == 2394)
        #expect(sentences.reduce(0) { $0 + $1.words.count } == 46469)
        let tags = LabelVocabulary.tags(of: sentences)
        #expect(tags.count == 21) // "O" + B-/I- over 10 entity types
        #expect(tags.labels.prefix(3) == ["O", "B-company", "B-facility"])
        #expect(sentences[0].words.prefix(3) == ["@paulwalk", "It", "'s"])
    }

    /// Graphs/atis-wnut.yaml's split: 1,915 sentences train, the other 479 evaluate.
    @Test(.enabled(if: DataTestSupport.hasAsset("wnut16/ner.txt")))
    func wnutHoldoutOfAtisWNUT() throws {
        let path = DataTestSupport.assetPath("wnut16/ner.txt")
        let train = try TrainingData.read(DataSourceRef(format: .conll, path: path, split: .holdout(fraction: 0.2, seed: 7, part: .rest)))
        let eval = try TrainingData.read(DataSourceRef(format: .conll, path: path, split: .holdout(fraction: 0.2, seed: 7, part: .holdout)))
        #expect(train.count == 1915 && eval.count == 479)
        let lines = { (e: [Example]) in Set(e.map(\.source.line)) }
        #expect(lines(train).isDisjoint(with: lines(eval)) && lines(train).union(lines(eval)).count == 2394)
    }
}
