import Testing

/// The tolerance the gradient-parity tests share: relative to the reference tensor's largest
/// value (1e-3 of it, at least 1e-7), or `absolute` where the reference is zero by construction.
func expectParity(_ ours: [Float], _ theirs: [Float], _ name: String, absolute: Float? = nil,
                  sourceLocation: SourceLocation = #_sourceLocation) {
    let scale = theirs.map(abs).max() ?? 0
    let tolerance = absolute ?? max(1e-3 * scale, 1e-7)
    let worst = zip(ours, theirs).map { abs($0 - $1) }.max() ?? 0
    #expect(ours.count == theirs.count && worst <= tolerance, "\(name): max difference \(worst), tolerance \(tolerance)",
            sourceLocation: sourceLocation)
}
