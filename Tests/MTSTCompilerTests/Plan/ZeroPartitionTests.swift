import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// ZeRO stage 1's split of the parameters: contiguous runs per rank in both layouts, every
/// trainable root owned once, balanced by gradient floats, frozen parameters owned by nobody.
@Suite struct ZeroPartitionTests {
    static let plan: Plan = PlanVerifierTests.plan

    @Test(arguments: [1, 2, 3, 5, 64])
    func runsCoverBothLayoutsInRankOrder(ranks: Int) throws {
        var params = Self.plan.params
        // A frozen root in the middle travels with a neighbour's value run and owns nothing.
        let frozen = try #require(params.indices.first { params[$0].path.hasPrefix("backbone.layers[1].") && params[$0].sliceOf == nil })
        params[frozen].setting.frozen = true
        let layout = try #require(ParamLayout(params: params))
        var owners: [Int] = []
        for r in 0..<ranks {
            let z = ZeroPartition(layout: layout, params: params, rank: r, size: ranks)
            #expect(z.gradientCounts.reduce(0, +) == layout.trainable && z.valueCounts.reduce(0, +) == layout.values)
            #expect(z.gradientCounts.allSatisfy { $0 >= 0 } && z.valueCounts.allSatisfy { $0 >= 0 })
            owners = z.owner
            // What this rank owns lies inside its runs of both layouts.
            let g = z.ownedGradients
            let v = z.valueCounts[..<r].reduce(0, +)..<(z.valueCounts[..<r].reduce(0, +) + z.valueCounts[r])
            for (i, p) in params.enumerated() where p.sliceOf == nil && z.owns(i) {
                #expect(g.contains(layout.trainOffsets[i]) && v.contains(layout.offsets[i]))
            }
        }
        #expect(owners[frozen] == -1)
        for (i, p) in params.enumerated() where p.sliceOf == nil && p.trains { #expect((0..<ranks).contains(owners[i])) }
        // Owners never decrease along the table: the runs are contiguous.
        let roots = params.indices.filter { params[$0].sliceOf == nil && owners[$0] >= 0 }.sorted { layout.trainOffsets[$0] < layout.trainOffsets[$1] }
        #expect(roots.map { owners[$0] } == roots.map { owners[$0] }.sorted())
        // Balanced: no share is more than its fair part plus the largest tensor.
        let z = ZeroPartition(layout: layout, params: params, rank: 0, size: ranks)
        let largest = params.filter { $0.sliceOf == nil }.map { ParamLayout.padded($0.count) }.max() ?? 0
        #expect(z.gradientCounts.max()! <= layout.trainable / ranks + largest)
    }

    @Test func perRankEstimateShrinksTheOptimizerState() throws {
        let full = try #require(MemoryEstimate.atMaxima(Self.plan))
        let two = try #require(MemoryEstimate.perRank(Self.plan, zeroRanks: 2))
        #expect(two.moments < full.moments && two.moments * 2 >= full.moments - 2 * MemoryEstimate.pageSize)
        #expect(two.weights == full.weights && two.gradients == full.gradients && two.arena == full.arena)
    }
}
