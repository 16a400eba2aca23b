import Testing
@testable import MTSTCompiler

/// Random graphs of element-wise ops over token matrices of a few widths.
func randomGraph(seed: UInt64, nodes: Int) throws -> Graph {
    var rng = TestRNG(seed)
    var g = Graph(maxBatch: 3, maxSeq: 5)
    var byWidth: [Int: [NodeID]] = [:]
    for w in [2, 4, 8] {
        byWidth[w] = [try g.add(.input, [], attrs: .input(.tokenIds, shape: Shape(.tokens, .const(w))), name: "in\(w)")]
    }
    for i in 0..<nodes {
        let w = [2, 4, 8][rng.int(3)]
        let pool = byWidth[w]!
        let x = pool[rng.int(pool.count)]
        let id: NodeID
        switch rng.int(3) {
        case 0:
            id = try g.add(.scale, [x], attrs: .scale(factor: 0.5), name: "s\(i)")
        case 1: id = try g.add(.add, [x, pool[rng.int(pool.count)]], name: "a\(i)")
        default: id = try g.add(.gelu, [x], name: "g\(i)")
        }
        byWidth[w]!.append(id)
    }
    for k in 0..<3 { g.outputs["out\(k)"] = g.nodes.count - 1 - rng.int(min(nodes, 10)) }
    return g.compacted(keeping: g.live())
}

struct TestRNG {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &+ 0x1234_5678 }
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 17
    }
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func float() -> Float { Float(next() % 1_000_000) / 500_000 - 1 }
}

struct ArenaPlannerTests {
    @Test(arguments: 0..<40)
    func liveBuffersNeverOverlap(seed: Int) throws {
        let g = try randomGraph(seed: UInt64(seed), nodes: 20 + seed * 3)
        let layout = try ArenaPlanner.plan(g)
        var lastUse = Array(0..<g.nodes.count)
        for n in g.nodes { for i in n.inputs { lastUse[i.node] = max(lastUse[i.node], n.id) } }
        for id in g.outputs.values { lastUse[id] = g.nodes.count }
        for n in g.nodes where n.kind == .input { lastUse[n.id] = g.nodes.count }
        let start = g.nodes.map { $0.kind == .input ? 0 : $0.id }
        #expect(layout.bytes <= layout.naiveBytes)
        for a in g.nodes where layout.offsets[a.id] >= 0 {
            #expect(layout.offsets[a.id] % ArenaLayout.alignment == 0)
            #expect(layout.offsets[a.id] + layout.sizes[a.id] <= layout.bytes)
            for b in g.nodes where b.id > a.id && layout.offsets[b.id] >= 0 {
                let memory = layout.offsets[a.id] < layout.offsets[b.id] + layout.sizes[b.id]
                    && layout.offsets[b.id] < layout.offsets[a.id] + layout.sizes[a.id]
                let alive = start[a.id] <= lastUse[b.id] && start[b.id] <= lastUse[a.id]
                guard memory && alive else { continue }
                // Only an in-place op may take over the buffer of the input that dies at it.
                let inPlace = b.kind.def.inPlaceInput.map { b.inputs[$0].node } == a.id
                    && lastUse[a.id] == b.id && layout.offsets[a.id] == layout.offsets[b.id]
                #expect(inPlace, "nodes \(a.id) and \(b.id) overlap while both alive")
            }
        }
    }

    @Test func chainReusesMemory() throws {
        var g = Graph(maxBatch: 2, maxSeq: 4)
        var x = try g.add(.input, [], attrs: .input(.tokenIds, shape: Shape(.tokens, .const(16))), name: "x")
        for i in 0..<10 { x = try g.add(.gelu, [try g.add(.add, [x, x], name: "a\(i)")], name: "g\(i)") }
        g.outputs["y"] = x
        let layout = try ArenaPlanner.plan(g)
        // Input plus one or two working buffers, not 21 buffers.
        #expect(layout.bytes <= 3 * 2 * 4 * 16 * 4)
        #expect(layout.inPlace > 0)
    }
}
