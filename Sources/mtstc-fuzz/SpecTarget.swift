import Foundation
import MTSTCompiler
import MTSTRuntime

extension FuzzTarget {
    /// The spec is read as if it were a file beside the shipped ones in `Graphs/`, so the relative
    /// paths of a mutated real spec (tiny-vocab.txt, tiny-data/…) still name real files and the
    /// compile can get past its file checks.
    static let spec = FuzzTarget(
        name: "spec",
        covers: "YAML spec text → YAMLReader → typed, validated Spec; with MTSTC_FUZZ_SPEC_COMPILE=1 also the whole compile to a plan"
    ) { data in
        let path = repositoryRoot + "/Graphs/fuzz.yaml"
        let spec: Spec
        do {
            spec = try Spec.parse(data: data, path: path)
        } catch {
            checkRejection(error, file: path)
            return
        }
        guard compileSpecs else { return }
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
}

private let compileSpecs = environmentFlag("MTSTC_FUZZ_SPEC_COMPILE")
