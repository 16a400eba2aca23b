/// Remembers where every decoded key path came from, so `Spec.location(of:)` can point the
/// compiler's errors at the YAML that produced a graph node.
final class LocationTable {
    private(set) var entries: [String: SourceLocation] = [:]

    func record(_ keyPath: String, _ location: SourceLocation) {
        if entries[keyPath] == nil { entries[keyPath] = location }
    }
}
