import Foundation
import MTSTDistributed
import MTSTKernels
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// The pieces of data parallelism that need no second process: how a batch is shared, how a
/// launcher is recognised, and that a shard's dropout draws the global tensor's mask.
struct DataParallelShareTests {
    @Test(arguments: [1, 2, 3, 5])
    func sharesAreContiguousAndBalanced(ranks: Int) {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let lengths = (0..<Int(rng.next() % 40)).map { _ in 1 + Int(rng.next() % 30) }
            let shares = DataParallel.shares(lengths: lengths, ranks: ranks)
            #expect(shares.count == ranks)
            #expect(shares.first?.lowerBound == 0 && shares.last?.upperBound == lengths.count)
            for (a, b) in zip(shares, shares.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            // Each rank's tokens are within one sentence of an equal part.
            let total = lengths.reduce(0, +), longest = lengths.max() ?? 0
            for s in shares {
                let tokens = lengths[s].reduce(0, +)
                #expect(abs(tokens * ranks - total) <= ranks * longest, "\(lengths) → \(shares)")
            }
        }
    }

    @Test func tinyBatchesLeaveRanksEmpty() {
        #expect(DataParallel.shares(lengths: [5], ranks: 2).map(\.count).sorted() == [0, 1])
        #expect(DataParallel.shares(lengths: [], ranks: 2) == [0..<0, 0..<0])
        #expect(DataParallel.shares(lengths: [4, 4, 4, 4], ranks: 2) == [0..<2, 2..<4])
        #expect(DataParallel.shares(lengths: [30, 2, 2, 2], ranks: 2) == [0..<1, 1..<4])
    }

    @Test func launcherFromEnvironment() {
        #expect(Launcher.detect([:]) == nil)
        #expect(Launcher.detect(["PATH": "/usr/bin", "OMPI_MCA_foo": "1"]) == nil)
        let ompi = Launcher.detect(["OMPI_COMM_WORLD_SIZE": "4", "OMPI_COMM_WORLD_RANK": "2", "OMPI_COMM_WORLD_LOCAL_SIZE": "2"])
        #expect(ompi?.variable == "OMPI_COMM_WORLD_SIZE" && ompi?.rank == 2 && ompi?.size == 4 && ompi?.localSize == 2)
        #expect(Launcher.detect(["PMIX_RANK": "1"])?.rank == 1)
        #expect(Launcher.detect(["PMI_RANK": "0", "PMI_SIZE": "8"])?.size == 8)
    }

    /// A plain process never starts MPI: the identity collectives.
    @Test func noLauncherMeansOneProcess() throws {
        let c = try Distributed.start(environment: ["HOME": "/root"])
        #expect(c is SingleProcess && c.size == 1 && c.rank == 0)
    }

    /// Dropout of a shard's rows equals the same rows of the global tensor's dropout, for token
    /// rows `[B·T, H]`, pooled rows `[B, H]` and attention `[heads·B, T, T]` (each sentence's n×n
    /// block dense at the start of its slot, T the batch's longest).
    @Test(arguments: [Shape(.tokens, .const(6)), Shape(.batch, .const(5)), Shape(Dim(3, batchPower: 1), .seq, .seq)])
    func shardDropoutDrawsTheGlobalMask(shape: Shape) throws {
        let lengths = [3, 7, 2, 5, 4]
        let node = Node(id: 1, kind: .dropout, inputs: [ValueRef(0)], attrs: .dropout(p: 0.4, stream: 3), shape: shape, name: "d")
        func run(_ lens: [Int], shard: ShardLayout?) -> [Float] {
            let seq = lens.max() ?? 1, tokens = lens.reduce(0, +)
            let count = shape.elementCount(batch: lens.count, seq: seq, tokens: tokens)
            var starts = [Int32(0)]
            for n in lens { starts.append(starts.last! + Int32(n)) }
            let x = UnsafeMutablePointer<Float>.allocate(capacity: count), out = UnsafeMutablePointer<Float>.allocate(capacity: count)
            defer { x.deallocate(); out.deallocate() }
            x.initialize(repeating: 1, count: count)
            starts.withUnsafeBufferPointer { s in
                DropoutOp.run(KernelArgs(node: node, inputShapes: [shape], inputs: [x], output: out, batch: lens.count, seq: seq,
                                         tokens: tokens, starts: s.baseAddress, seed: 99, shard: shard))
            }
            return Array(UnsafeBufferPointer(start: out, count: count))
        }
        let global = run(lengths, shard: nil)
        for share in [0..<2, 2..<5, 1..<2, 4..<5] {
            let mine = Array(lengths[share])
            let layout = ShardLayout(firstSentence: share.lowerBound, firstToken: lengths[..<share.lowerBound].reduce(0, +),
                                     globalBatch: lengths.count, globalSeq: lengths.max()!, globalTokens: lengths.reduce(0, +))
            let local = run(mine, shard: layout)
            // The elements that carry data in both layouts, by (sentence, element of it).
            for (i, b) in share.enumerated() {
                let n = lengths[b]
                switch shape.rank {
                case 3:
                    let (gs, ls) = (lengths.max()! * lengths.max()!, mine.max()! * mine.max()!)
                    for h in 0..<3 {
                        #expect(Array(local[((i * 3 + h) * ls)..<((i * 3 + h) * ls + n * n)])
                                == Array(global[((b * 3 + h) * gs)..<((b * 3 + h) * gs + n * n)]), "attention slot \(b).\(h)")
                    }
                default:
                    let cols = shape.dims[1].coefficient
                    let (g0, l0, rows) = shape.dims[0] == .tokens
                        ? (lengths[..<b].reduce(0, +), mine[..<i].reduce(0, +), n) : (b, i, 1)
                    #expect(Array(local[(l0 * cols)..<((l0 + rows) * cols)]) == Array(global[(g0 * cols)..<((g0 + rows) * cols)]),
                            "rows of sentence \(b)")
                }
            }
            #expect(local.contains(0) && local.contains { $0 > 1 }, "a mask was drawn")
        }
    }
}
