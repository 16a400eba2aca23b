import Foundation
import Testing
@testable import MTSTRuntime

@Suite struct NiceScaleTests {
    @Test func roundTicksCoverTheData() {
        let s = NiceScale(values: [0.37, 2.9, 1.2], from: 0, to: 100)
        #expect(s.lower <= 0.37 && s.upper >= 2.9)
        #expect(s.step == 1)
        #expect(s.ticks == [0, 1, 2, 3])
        #expect(s.ticks.map(s.label) == ["0", "1", "2", "3"])
        let small = NiceScale(values: [0.12, 0.33], from: 0, to: 1)
        #expect(small.step == 0.1 && small.ticks.count == 4)
        #expect(small.ticks.map(small.label) == ["0.1", "0.2", "0.3", "0.4"])
        #expect(s.position(s.lower) == 0 && s.position(s.upper) == 100)
    }

    @Test func steps() {
        #expect(NiceScale.niceStep(0.13) == 0.2)
        #expect(NiceScale.niceStep(3) == 5)
        #expect(NiceScale.niceStep(7) == 10)
        #expect(NiceScale.niceStep(1000) == 1000)
        let big = NiceScale(values: [83.1, 97.6], from: 0, to: 1)
        #expect(big.ticks.first! <= 83.1 && big.ticks.last! >= 97.6 && big.ticks.count <= 8)
        #expect(big.decimals == 0)
    }

    @Test func degenerateInputs() {
        let empty = NiceScale(values: [], from: 0, to: 10)
        #expect(empty.lower == 0 && empty.upper == 1)
        let nan = NiceScale(values: [.nan, .infinity], from: 0, to: 10)
        #expect(nan.lower == 0 && nan.upper == 1)
        let single = NiceScale(values: [1.0], from: 200, to: 0)
        #expect(single.lower < 1 && single.upper > 1)
        #expect(single.position(1) > 0 && single.position(1) < 200)
        let negative = NiceScale(values: [-3, -3], from: 0, to: 1)
        #expect(negative.lower < -3 && negative.upper > -3)
        // A tick at zero never prints as "-0".
        let symmetric = NiceScale(values: [-1, 1], from: 0, to: 1)
        #expect(symmetric.ticks.map(symmetric.label).contains("0.0") || symmetric.ticks.map(symmetric.label).contains("0"))
        #expect(!symmetric.ticks.map(symmetric.label).contains { $0.hasPrefix("-") && Double($0) == 0 })
    }

    @Test func integerTicksForEpochs() {
        let s = NiceScale(values: [1, 2], from: 0, to: 1, integer: true)
        #expect(s.step == 1)
        #expect(s.ticks == [1, 2])
        #expect(s.ticks.map(s.label) == ["1", "2"])
    }
}
