extension ModelConfig {
    /// The model a spec describes, with the label sets of `labels: from_data` heads filled in.
    static func from(_ spec: Spec, labels fromData: [String: [String]]) throws -> ModelConfig {
        for h in spec.heads where h.labels == .fromData {
            guard let l = fromData[h.name], !l.isEmpty else {
                let files = (spec.data?.train ?? []).map(\.path.value).joined(separator: ", ")
                let what = h.kind == .classification ? "a sentence label" : "tags"
                throw CompileError.located(spec.location(of: "heads.\(h.name).labels"),
                                           "heads.\(h.name).labels: from_data, but no example of data.train (\(files)) has \(what) routed to this head; list the labels here or add a source that has them")
            }
        }
        return ModelConfig(spec: spec, labels: fromData)
    }
}
