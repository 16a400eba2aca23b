import Foundation
import MTSTCompiler
import MTSTRuntime

extension FuzzTarget {
    /// Mutated bytes almost never keep a valid SHA-256, so besides the bytes as a whole file the
    /// target frames them as a plan payload with a correct header and checksum: that is the
    /// input the plan verifier has to refuse (people share plan files; a checksum proves nothing).
    static let plan = FuzzTarget(
        name: "plan",
        covers: "PlanCodec.decode on the bytes as a file and as a checksummed payload; with MTSTC_FUZZ_PLAN_RUN=1 a decoded plan is loaded into a Model and embeds one sentence"
    ) { data in
        let path = "fuzz.plan"
        do {
            _ = try PlanCodec.decode([UInt8](data), path: path)
        } catch {
            checkRejection(error, file: path)
        }
        let plan: Plan
        do {
            plan = try PlanCodec.decode(PlanCodec.frame([UInt8](data)), path: path)
        } catch {
            checkRejection(error, file: path)
            return
        }
        if runPlans { embedOnce(plan) }
    } seeds: {
        planSeeds()
    }

    /// The payloads of `Graphs/tiny.yaml` compiled with and without its training program, so the
    /// seeds always follow the current plan format.
    private static func planSeeds() -> [String: Data] {
        var seeds: [String: Data] = [:]
        var options = CompileDriver.Options()
        options.checksums = false
        do {
            var spec = try Spec.load(path: repositoryRoot + "/Graphs/tiny.yaml")
            seeds["tiny-training.json"] = Data(try PlanCodec.encode(CompileDriver.compile(spec: spec, options: options)).dropFirst(PlanCodec.headerSize))
            spec.data = nil
            seeds["tiny-inference.json"] = Data(try PlanCodec.encode(CompileDriver.compile(spec: spec, options: options)).dropFirst(PlanCodec.headerSize))
        } catch {
            FileHandle.standardError.write(Data("mtstc-fuzz: no plan seeds from Graphs/tiny.yaml: \(error)\n".utf8))
        }
        return seeds
    }

    /// Loads the plan as `mtstc embed` would, but with the tiny vocabulary, seeded weights and no
    /// checksums, so every byte that matters comes from the fuzzer's payload.
    private static func embedOnce(_ decoded: Plan) {
        var plan = decoded
        plan.tokenizer.vocab = FileRef(path: repositoryRoot + "/Graphs/tiny-vocab.txt", sha256: "")
        plan.weights = nil
        do {
            let model = try Model(plan: plan, verifyChecksums: false)
            let embeddings = try model.embed(["show me flights from boston to denver"])
            guard embeddings.count == 1, embeddings[0].count == plan.model.hidden else {
                violated("embed returned \(embeddings.map(\.count)) values for one sentence of hidden size \(plan.model.hidden)")
            }
        } catch {
            checkRejection(error, file: "")
        }
    }
}

private let runPlans = environmentFlag("MTSTC_FUZZ_PLAN_RUN")
