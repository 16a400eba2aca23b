import Foundation
import Testing
@testable import MTSTCompiler
@testable import MTSTRuntime

/// An arena checker that shares nothing with the planner: over the real MiniLM and bert-base
/// plans it derives each buffer's lifetime from the schedule itself (written at its node, read
/// until its last consumer; inputs live for the whole run and across runs, named outputs until
/// the end), sizes each buffer from its shape at the maxima, and checks that buffers sharing
/// bytes are never alive together, except where the op table lets an op overwrite the input
/// that dies at it, and that every buffer lies inside the arena.
@Suite struct ArenaCheckerTests {
    struct Violation: CustomStringConvertible {
        var text: String
        var description: String { text }
    }

    static func check(_ program: Program, _ label: String) -> [Violation] {
        let g = program.graph
        let n = g.nodes.count
        let offsets = program.arena.offsets
        var problems: [Violation] = []
        // Which nodes hold a value in the arena: everything but parameters and their state
        // (the parameter store), gradient accumulations (write into a gradient buffer) and
        // nodes without a value (AdamW updates).
        func holdsValue(_ node: Node) -> Bool {
            ![.param, .gradient, .moment1, .moment2, .gradAccumulate].contains(node.kind)
                && node.accumulatesInto == nil && !node.shape.dims.isEmpty
        }
        var start = Array(0..<n), end = Array(0..<n)
        for node in g.nodes {
            for input in node.inputs { end[input.node] = max(end[input.node], node.id) }
            if node.kind == .input || node.kind == .constant { start[node.id] = -1 }
            if node.kind == .input { end[node.id] = n }
        }
        for id in g.outputs.values { end[id] = n }
        var buffers: [(id: Int, lo: Int, hi: Int)] = []
        for node in g.nodes where holdsValue(node) {
            let bytes = node.shape.dims.reduce(4) { $0 * $1.value(batch: g.maxBatch, seq: g.maxSeq) }
            let lo = offsets[node.id]
            guard lo >= 0, lo + bytes <= program.arena.bytes else {
                problems.append(Violation(text: "\(label) node \(node.id) \(node.name): [\(lo), \(lo + bytes)) outside the arena of \(program.arena.bytes) bytes"))
                continue
            }
            buffers.append((node.id, lo, lo + bytes))
        }
        buffers.sort { $0.lo < $1.lo }
        for (i, a) in buffers.enumerated() {
            for b in buffers[(i + 1)...] {
                if b.lo >= a.hi { break }
                let (x, y) = a.id < b.id ? (a.id, b.id) : (b.id, a.id)
                guard start[x] <= end[y] && start[y] <= end[x] else { continue }
                // x dies exactly where y is written, and y's op may overwrite that input in place.
                let node = g.nodes[y]
                let inPlace = node.kind.def.inPlaceInput.map { node.inputs[$0] == ValueRef(x) } == true && end[x] == y && offsets[x] == offsets[y]
                if !inPlace {
                    problems.append(Violation(text: "\(label): nodes \(x) \(g.nodes[x].name) [\(start[x]), \(end[x])] and \(y) \(node.name) [\(start[y]), \(end[y])] share bytes while both alive"))
                }
            }
        }
        return problems
    }

    static func compile(_ spec: String) throws -> Plan? {
        let root = repoRoot()
        guard FileManager.default.fileExists(atPath: "\(root)/Assets/all-MiniLM-L6-v2/vocab.txt") else { return nil }
        var options = CompileDriver.Options()
        options.checksums = false
        return try CompileDriver.compile(specPath: "\(root)/Graphs/\(spec)", options: options)
    }

    @Test(arguments: ["multitask.yaml", "bert-base.yaml"])
    func realPlansHaveNoOverlappingLiveBuffers(spec: String) throws {
        guard let plan = try Self.compile(spec) else { return }
        let training = try #require(plan.training)
        let update = try #require(plan.update)
        var problems = Self.check(plan.inference, "\(spec) inference")
        problems += Self.check(training, "\(spec) training")
        problems += Self.check(update, "\(spec) update")
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        // The checker looks at real reuse: the training arena is far smaller than one slot per value.
        #expect(training.arena.bytes < training.arena.naiveBytes / 2)
    }

    /// The checker finds what it is meant to find: moving one live buffer onto another is caught.
    @Test func checkerCatchesAnOverlap() throws {
        guard let plan = try Self.compile("bert-base.yaml") else { return }
        var training = try #require(plan.training)
        let g = training.graph
        let a = try #require(g.nodes.firstIndex { $0.kind == .linear })
        let b = try #require(g.nodes.firstIndex { $0.id > a && $0.kind == .attentionProbs })
        training.arena.offsets[b] = training.arena.offsets[a]
        #expect(!Self.check(training, "moved").isEmpty)
        var outside = plan.inference
        let last = try #require(outside.graph.outputs["embedding"])
        outside.arena.offsets[last] = outside.arena.bytes
        #expect(!Self.check(outside, "outside").isEmpty)
    }
}
