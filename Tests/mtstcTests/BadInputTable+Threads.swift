/// Bad values of `--threads N` (run, bench, embed, predict).
extension BadInputTable {
    static let threadCases: [Case] = [
        Case(kind: .arguments, title: "zero threads", setup: compileSetup, args: ["run", "--graph", "p.plan", "--threads", "0"],
             firstLine: "Error: --threads must be from 1 to 1024, got 0", fix: "Give at least one thread, or leave `--threads` out for the default (cores ÷ ranks on the host)."),
        Case(kind: .arguments, title: "negative threads", setup: compileSetup, args: ["bench", "--graph", "p.plan", "--threads=-2"],
             firstLine: "Error: --threads must be from 1 to 1024, got -2", fix: "Give a positive count."),
        Case(kind: .arguments, title: "absurd thread count", setup: compileSetup, args: ["embed", "--graph", "p.plan", "--threads", "100000", "hi"],
             firstLine: "Error: --threads must be from 1 to 1024, got 100000", fix: "Give about as many threads as the cores each rank has; more only slow the kernels down."),
        Case(kind: .arguments, title: "thread count that is not a number", setup: compileSetup, args: ["run", "--graph", "p.plan", "--threads", "two"],
             firstLine: "Error: The value 'two' is invalid for '--threads <threads>'", fix: "Write the count as a number."),
    ]
}
