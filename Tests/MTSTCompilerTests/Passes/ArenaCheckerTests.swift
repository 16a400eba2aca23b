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
        var problems: [Violation] = []
        // Which nodes hold values in the arena: everything but parameters and their state
        // (the parameter store), gradient accumulations (write into a gradient buffer) and
        // nodes without a value (optimizer updates). Every output of a node is a value of its own.
        func holdsValue(_ node: Node) -> Bool {
            ![.param, .gradient, .paramState, .gradAccumulate].contains(node.kind)
                && node.accumulatesInto == nil && !node.shape.dims.isEmpty
        }
        var start: [ValueRef: Int] = [:], end: [ValueRef: Int] = [:]
        for node in g.nodes {
            for o in 0..<node.outputCount {
                let v = ValueRef(node.id, output: o)
                start[v] = node.kind == .input || node.kind == .constant ? -1 : node.id
                end[v] = node.kind == .input ? n : node.id
            }
        }
        for node in g.nodes {
            for input in node.inputs { end[input] = max(end[input] ?? 0, node.id) }
        }
        for id in g.outputs.values { end[ValueRef(id)] = n }
        var buffers: [(v: ValueRef, lo: Int, hi: Int)] = []
        for node in g.nodes where holdsValue(node) {
            for o in 0..<node.outputCount {
                let v = ValueRef(node.id, output: o)
                let bytes = node.shape(of: o).dims.reduce(4) { $0 * $1.value(batch: g.maxBatch, seq: g.maxSeq) }
                let lo = o == 0 ? program.arena.offsets[node.id]
                    : (program.arena.extraOffsets[node.id].indices.contains(o - 1) ? program.arena.extraOffsets[node.id][o - 1] : -1)
                guard lo >= 0, lo + bytes <= program.arena.bytes else {
                    problems.append(Violation(text: "\(label) value \(v) \(node.name): [\(lo), \(lo + bytes)) outside the arena of \(program.arena.bytes) bytes"))
                    continue
                }
                buffers.append((v, lo, lo + bytes))
            }
        }
        buffers.sort { $0.lo < $1.lo }
        for (i, a) in buffers.enumerated() {
            for b in buffers[(i + 1)...] {
                if b.lo >= a.hi { break }
                let (x, y) = (a.v.node, a.v.output) < (b.v.node, b.v.output) ? (a.v, b.v) : (b.v, a.v)
                guard start[x]! <= end[y]! && start[y]! <= end[x]! else { continue }
                // x dies exactly where y (an op's first output) is written, and y's op may
                // overwrite that input in place.
                let node = g.nodes[y.node]
                let inPlace = y.output == 0 && node.kind.def.inPlaceInput.map { node.inputs[$0] == x } == true
                    && end[x] == y.node && a.lo == b.lo
                if !inPlace {
                    problems.append(Violation(text: "\(label): values \(x) \(g.nodes[x.node].name) [\(start[x]!), \(end[x]!)] and \(y) \(node.name) [\(start[y]!), \(end[y]!)] share bytes while both alive"))
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
        // An extra output (a LayerNorm's statistics, read in backward) moved onto a live buffer.
        var stats = try #require(plan.training)
        let ln = try #require(g.nodes.firstIndex { !$0.extraShapes.isEmpty })
        let reader = try #require(g.nodes.firstIndex { $0.kind == .layerNormGrad && $0.inputs.contains(ValueRef(ln, output: 1)) })
        let victim = try #require(g.nodes.firstIndex { $0.id > ln && $0.id < reader && $0.kind == .linear })
        stats.arena.extraOffsets[ln][0] = stats.arena.offsets[victim]
        #expect(!Self.check(stats, "moved stats").isEmpty)
        var outside = plan.inference
        let last = try #require(outside.graph.outputs["embedding"])
        outside.arena.offsets[last] = outside.arena.bytes
        #expect(!Self.check(outside, "outside").isEmpty)
    }
}
