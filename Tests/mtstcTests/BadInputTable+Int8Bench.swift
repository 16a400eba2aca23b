/// Bad inputs of `bench --gemm … --int8 [--int8-kernel V]` (the int8 GEMM rows).
extension BadInputTable {
    static let int8BenchCases: [Case] = [
        Case(kind: .arguments, title: "--int8-kernel that does not exist", args: ["bench", "--gemm", "shapes", "--int8-kernel", "sse9"],
             firstLine: "Error: --int8-kernel expects one of scalar, avx2, avx_vnni, avx512_vnni",
             fix: "Name a variant this CPU runs; without the flag mtstc picks the fastest."),
        Case(kind: .arguments, title: "--int8 without --gemm", args: ["bench", "--graph", "p.plan", "--int8"],
             firstLine: "Error: --int8 measures GEMMs: add --gemm M,N,K or --gemm shapes",
             fix: "Add `--gemm M,N,K` or `--gemm shapes`; a quantized plan's speed is `bench --graph`'s."),
        Case(kind: .arguments, title: "--int8 on a transposed activation", args: ["bench", "--gemm", "64,64,64,TN", "--int8"],
             firstLine: "Error: --int8 measures x · Wᵀ: give --gemm M,N,K or M,N,K,NT",
             fix: "Drop the transposes: the int8 GEMM is always x · Wᵀ with W [N, K]."),
    ]
}
