import MTSTKernels

/// `op(A)·op(B)` on matrices; `op` transposes when `transA`/`transB` is set. BERT's linear layers
/// store weights `[out, in]`, so the forward product is `x·Wᵀ` (transB).
enum MatmulOp: OpDef {
    static var attributes: Attributes.Case { .matmul }
    static var canAccumulateIntoGradient: Bool { true }
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 2)
        try ShapeRules.rank(inputs[0], 2, "a")
        try ShapeRules.rank(inputs[1], 2, "b")
        let t = attrs.matmul ?? (false, false)
        let (m, ka) = t.transA ? (inputs[0][1], inputs[0][0]) : (inputs[0][0], inputs[0][1])
        let (kb, n) = t.transB ? (inputs[1][1], inputs[1][0]) : (inputs[1][0], inputs[1][1])
        guard ka == kb else { throw ShapeRuleError("inner dimensions differ: \(inputs[0]) × \(inputs[1])") }
        return Shape(m, n)
    }

    static func run(_ a: KernelArgs) {
        let k = a.attr(\.matmul).transA ? a.dim(0, 0) : a.dim(0, 1)
        Kernels.gemm(transA: a.attr(\.matmul).transA, transB: a.attr(\.matmul).transB, m: a.outputRows, n: a.outputCols, k: k,
                     alpha: 1, a: a.input(0), lda: a.cols(0), b: a.input(1), ldb: a.cols(1),
                     beta: a.accumulates ? 1 : 0, c: a.output, ldc: a.outputCols)
    }

    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        let (a, b) = (node.inputs[0], node.inputs[1])
        func mm(_ x: ValueRef, _ y: ValueRef, _ ta: Bool, _ tb: Bool, _ name: String) throws -> ValueRef {
            try g.add(.matmul, [x, y], attrs: .matmul(transA: ta, transB: tb), name)
        }
        switch ((node.attrs.matmul?.transA ?? false), (node.attrs.matmul?.transB ?? false)) {
        case (false, false): return [.full(try mm(dOut, b, false, true, "da")), .full(try mm(a, dOut, true, false, "db"))]
        case (false, true): return [.full(try mm(dOut, b, false, false, "da")), .full(try mm(dOut, a, true, false, "db"))]
        case (true, false): return [.full(try mm(b, dOut, false, true, "da")), .full(try mm(a, dOut, false, false, "db"))]
        case (true, true): return [.full(try mm(b, dOut, true, true, "da")), .full(try mm(dOut, a, true, true, "db"))]
        }
    }
}

/// Fused `x·Wᵀ + bias`: the bias is written first and the GEMM accumulates onto it (beta = 1).
enum LinearOp: OpDef {
    static func shape(_ inputs: [Shape], _ attrs: Attributes) throws(ShapeRuleError) -> Shape {
        try ShapeRules.arity(inputs, 3)
        try ShapeRules.rank(inputs[0], 2, "x")
        try ShapeRules.rank(inputs[1], 2, "weight")
        guard inputs[0][1] == inputs[1][1] else {
            throw ShapeRuleError("x \(inputs[0]) does not fit weight \(inputs[1]) (expects [out, \(inputs[0][1])])")
        }
        try ShapeRules.vector(inputs[2], length: inputs[1][0], "bias")
        return Shape(inputs[0][0], inputs[1][0])
    }

    static func run(_ a: KernelArgs) {
        let (rows, cols) = (a.outputRows, a.outputCols)
        Kernels.broadcastRows(a.input(2), rows: rows, cols: cols, a.output)
        Kernels.gemm(transA: false, transB: true, m: rows, n: cols, k: a.cols(0), alpha: 1, a: a.input(0), lda: a.cols(0),
                     b: a.input(1), ldb: a.cols(1), beta: 1, c: a.output, ldc: cols)
    }

    static func gradient(_ g: inout GradientBuilder, _ node: Node, _ dOut: ValueRef) throws -> [GradientContribution?] {
        let dx = try g.add(.matmul, [dOut, node.inputs[1]], attrs: .matmul(), "dx")
        let dw = try g.add(.matmul, [dOut, node.inputs[0]], attrs: .matmul(transA: true), "dweight")
        let db = try g.add(.sumRows, [dOut], "dbias")
        return [.full(dx), .full(dw), .full(db)]
    }
}
