import MTSTKernels
import Testing

@Suite struct EmbeddingTests {
    @Test func gatherCopiesRowsAndZeroesInvalidIds() {
        var rng = TestRNG(seed: 50)
        let (vocab, width) = (6, 13)
        let table = randomBuffer(vocab * width, &rng)
        let ids = Buffer([5, 0, 3, 3, -1, .nan])
        let out = Buffer(ids.count * width, value: 9)
        Kernels.gather(table: table.c, width: width, ids: ids.c, count: ids.count, out.p)
        var expected: [Float] = []
        for id in [5, 0, 3, 3] { expected += table.array[(id * width)..<((id + 1) * width)] }
        expected += [Float](repeating: 0, count: 2 * width)
        expectEqual(out.array, expected)
    }

    @Test func scatterAddAccumulatesRepeatedIds() {
        var rng = TestRNG(seed: 51)
        let (vocab, width) = (6, 13)
        let table = randomBuffer(vocab * width, &rng)
        let ids = Buffer([2, 4, 2, -1, 2])
        let dy = randomBuffer(ids.count * width, &rng)
        var expected = table.doubles
        for (i, id) in [2, 4, 2, -1, 2].enumerated() where id >= 0 {
            for j in 0..<width { expected[id * width + j] += Double(dy[i * width + j]) }
        }
        Kernels.scatterAdd(dy.c, ids: ids.c, count: ids.count, width: width, table: table.p)
        expectClose(table.array, expected, abs: 1e-6)
    }

    @Test func scatterAddIsTheGradientOfGather() {
        var rng = TestRNG(seed: 52)
        let (vocab, width, count) = (50, 300, 400)   // large enough to split columns across threads
        let table = randomBuffer(vocab * width, &rng)
        let ids = Buffer((0..<count).map { _ in Float(Int.random(in: 0..<vocab, using: &rng)) })
        let dy = randomBuffer(count * width, &rng)
        let grad = Buffer(vocab * width)
        Kernels.scatterAdd(dy.c, ids: ids.c, count: count, width: width, table: grad.p)
        var expected = [Double](repeating: 0, count: vocab * width)
        for i in 0..<count {
            let id = Int(ids[i])
            for j in 0..<width { expected[id * width + j] += Double(dy[i * width + j]) }
        }
        expectClose(grad.array, expected, abs: 1e-4)
        _ = table
    }
}
