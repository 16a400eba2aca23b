import Foundation
import MTSTKernels
import Testing
@testable import MTSTRuntime

/// The CRF kernels against plain PyTorch autograd of the forward algorithm (fixture from
/// Scripts/reference/make_crf_fixture.py): the mean NLL, its gradients with respect to the
/// emissions, transitions, start and end scores, and the Viterbi paths, on packed token rows with
/// unlabelled rows inside the sentences. Case 1 multiplies every score by 40.
struct CRFParityTests {
    static func fixture() throws -> SafeTensorFile {
        let url = try #require(Bundle.module.url(forResource: "crf", withExtension: "safetensors", subdirectory: "Fixtures"))
        return try SafeTensorFile.read(path: url.path)
    }

    static func close(_ ours: [Float], _ theirs: [Float], relative: Float) -> Bool {
        let scale = max(theirs.map(abs).max() ?? 0, 1)
        return ours.count == theirs.count && zip(ours, theirs).allSatisfy { abs($0 - $1) <= relative * scale }
    }

    @Test(arguments: [0, 1])
    func matchesPyTorch(index: Int) throws {
        let file = try Self.fixture()
        func t(_ name: String) throws -> [Float] { try file.tensor("\(index).\(name)").data }
        let emissions = try t("emissions"), labels = try t("labels"), transitions = try t("transitions")
        let start = try t("start"), end = try t("end")
        let starts = try t("starts").map { Int32($0) }
        let expectedPaths = try t("viterbi")
        let c = start.count, rows = labels.count, batch = starts.count - 1
        #expect(emissions.count == rows * c && transitions.count == c * c)
        let seq = (0..<batch).map { Int(starts[$0 + 1] - starts[$0]) }.max()!

        var loss: Float = .nan
        var dE = [Float](repeating: .nan, count: rows * c), dT = [Float](repeating: .nan, count: c * c)
        var dS = [Float](repeating: .nan, count: c), dN = [Float](repeating: .nan, count: c)
        transitions.withUnsafeBufferPointer { tp in start.withUnsafeBufferPointer { sp in end.withUnsafeBufferPointer { np in
            let scores = CRFScores(transitions: tp.baseAddress!, start: sp.baseAddress!, end: np.baseAddress!, classes: c)
            starts.withUnsafeBufferPointer { st in
                Kernels.crfNegLogLikelihood(emissions: emissions, labels: labels, batch: batch, seq: seq, starts: st.baseAddress,
                                            scores: scores, loss: &loss)
                dE.withUnsafeMutableBufferPointer { e in dT.withUnsafeMutableBufferPointer { tr in
                    dS.withUnsafeMutableBufferPointer { s in dN.withUnsafeMutableBufferPointer { n in
                        Kernels.crfGradients(emissions: emissions, labels: labels, rows: rows, batch: batch, seq: seq,
                                             starts: st.baseAddress, scores: scores, dloss: 1,
                                             into: CRFGradients(emissions: e.baseAddress, transitions: tr.baseAddress,
                                                                start: s.baseAddress, end: n.baseAddress))
                    } }
                } }
            }
            // Viterbi per sentence over its labelled rows, as the predictor calls it.
            var viterbi = [Float](repeating: -1, count: rows)
            for b in 0..<batch {
                let chain = (Int(starts[b])..<Int(starts[b + 1])).filter { labels[$0] >= 0 }
                var path = [Int32](repeating: -1, count: chain.count)
                chain.withUnsafeBufferPointer { r in
                    path.withUnsafeMutableBufferPointer { Kernels.viterbi(emissions: emissions, rows: r, scores: scores, path: $0) }
                }
                for (r, tag) in zip(chain, path) { viterbi[r] = Float(tag) }
            }
            #expect(viterbi == expectedPaths, "Viterbi paths \(viterbi) vs \(expectedPaths)")
        } } }

        let nll = try t("nll")[0]
        #expect(abs(loss - nll) <= 1e-5 * max(1, abs(nll)), "nll \(loss) vs \(nll)")
        #expect(Self.close(dE, try t("grad.emissions"), relative: 1e-5), "d emissions")
        #expect(Self.close(dT, try t("grad.transitions"), relative: 1e-5), "d transitions")
        #expect(Self.close(dS, try t("grad.start"), relative: 1e-5), "d start")
        #expect(Self.close(dN, try t("grad.end"), relative: 1e-5), "d end")
        // The graph's start and end gradient ops read them off the emission gradient.
        for (last, name) in [(false, "grad.start"), (true, "grad.end")] {
            var sum = [Float](repeating: .nan, count: c)
            starts.withUnsafeBufferPointer { st in
                Kernels.crfChainBoundarySum(dE, labels: labels, classes: c, batch: batch, seq: seq, starts: st.baseAddress,
                                            last: last, &sum)
            }
            #expect(Self.close(sum, try t(name), relative: 1e-5), "\(name) from the emission gradient")
        }
    }
}
