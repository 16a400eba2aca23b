import Foundation
import MTSTCompiler
import MTSTRuntime

extension FuzzTarget {
    static let spec = FuzzTarget(
        name: "spec",
        covers: "YAML spec text → YAMLReader → typed, validated Spec"
    ) { data in
        _ = parseSpec(data)
    }

    /// Slower (a few hundred inputs a second) than `spec`, hence a target of its own.
    static let compile = FuzzTarget(
        name: "compile",
        covers: "a spec that parses goes on through lowering, the passes, autodiff and arena planning to a plan"
    ) { data in
        guard let spec = parseSpec(data) else { return }
        var options = CompileDriver.Options()
        options.checksums = false
        do {
            let plan = try CompileDriver.compile(spec: spec, options: options)
            if plan.inference.graph.maxBatch != spec.compile.maxBatch {
                violated("plan maxBatch \(plan.inference.graph.maxBatch), spec compile.max_batch \(spec.compile.maxBatch)")
            }
        } catch {
            // A compile error may name the vocabulary or a data file rather than the spec.
            checkRejection(error, file: "")
        }
    }

    /// The spec is read as if it were a file beside the shipped ones in `Graphs/`, so the relative
    /// paths of a mutated real spec (tiny-vocab.txt, tiny-data/…) still name real files and the
    /// compile can get past its file checks.
    private static func parseSpec(_ data: Data) -> Spec? {
        let path = repositoryRoot + "/Graphs/fuzz.yaml"
        do {
            return try Spec.parse(data: data, path: path)
        } catch {
            checkRejection(error, file: path)
            return nil
        }
    }
}
