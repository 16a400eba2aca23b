/// Fixes the execution order. Node order after compaction is a valid topological order that
/// runs each node right after its last input is ready, which keeps lifetimes short.
struct SchedulePass: Pass {
    var name: String { "schedule" }
    func run(_ graph: inout Graph, _ context: inout PassContext) throws {
        graph = graph.compacted(keeping: graph.live())
    }
}
