/// Bad inputs of quantization: `compile.quantize`, `compile --quantize/--calibration`, and
/// `--precision int8` on a plan without an int8 program.
extension BadInputTable {
    static func quantize(_ value: String) -> [String: Case.Content] {
        spec(("data:\n", "compile:\n  quantize: \(value)\ndata:\n"))
    }

    static let quantizeCases: [Case] = [
        Case(kind: .spec, title: "unknown quantization", files: quantize("int4"), args: compile,
             firstLine: "error: spec.yaml:23:13: compile.quantize: unknown quantization 'int4' (did you mean 'int8'?)",
             fix: "Use int8 (or none for fp32 only)."),
        Case(kind: .spec, title: "quantize mapping without a type", files: quantize("{min_cosine: 0.99}"), args: compile,
             firstLine: "error: spec.yaml:23:3: compile.quantize: missing required key 'type'",
             fix: "Add `type: int8` to the mapping."),
        Case(kind: .spec, title: "min_cosine above 1", files: quantize("{type: int8, min_cosine: 1.5}"), args: compile,
             firstLine: "error: spec.yaml:23:38: compile.quantize.min_cosine: must be in (0, 1] (the worst cosine between int8 and fp32 embeddings to accept), got 1.5",
             fix: "Give a cosine in (0, 1]; the default is 0.995."),
        Case(kind: .spec, title: "calibration_size of 0", files: quantize("{type: int8, calibration_size: 0}"), args: compile,
             firstLine: "error: spec.yaml:23:44: compile.quantize.calibration_size: must be a positive integer, got 0",
             fix: "Give a number of sentences ≥ 1 (default 512)."),
        Case(kind: .spec, title: "calibration file missing", files: quantize("{type: int8, calibration: calib.txt}"), args: compile,
             firstLine: "error: spec.yaml:23:39: compile.quantize.calibration: calib.txt does not exist",
             fix: "Give an existing text file, one sentence per line (paths are relative to the spec)."),
        Case(kind: .data, title: "empty calibration file", files: ["calib.txt": .text("\n  \n")],
             args: ["compile", "spec.yaml", "--quantize", "int8", "--calibration", "calib.txt", "-o", "out.plan"],
             firstLine: "error: calib.txt: no calibration sentences (the accuracy guard needs at least one)",
             fix: "Put one sentence per line in the file."),
        Case(kind: .data, title: "--calibration file missing",
             args: ["compile", "spec.yaml", "--quantize", "int8", "--calibration", "nope.txt", "-o", "out.plan"],
             firstLine: "error: nope.txt: cannot read calibration sentences: no such file or directory",
             fix: "Check the path; relative paths are taken from the working directory."),
        Case(kind: .arguments, title: "--calibration without quantization", files: ["calib.txt": .text("hello\n")],
             args: ["compile", "spec.yaml", "--calibration", "calib.txt", "-o", "out.plan"],
             firstLine: "error: calib.txt: --calibration: the spec is not quantized; add --quantize int8 (or compile.quantize: int8)",
             fix: "Add `--quantize int8`, or drop `--calibration`."),
        Case(kind: .arguments, title: "unknown --quantize value", args: ["compile", "spec.yaml", "--quantize", "int4"],
             firstLine: "Error: The value 'int4' is invalid for '--quantize <quantize>'. Please provide one of 'int8' and 'none'.",
             fix: "Use int8 or none."),
        Case(kind: .arguments, title: "--dump-after quantize without quantization", args: ["compile", "spec.yaml", "--dump-after", "quantize"],
             firstLine: "error: spec.yaml: --dump-after quantize: the spec does not quantize; add --quantize int8 (or compile.quantize: int8)",
             fix: "Add `--quantize int8`."),
        Case(kind: .plan, title: "--precision int8 on an fp32 plan", setup: compileSetup,
             args: ["embed", "--graph", "p.plan", "--precision", "int8", "hello"],
             firstLine: "error: p.plan: the plan has no int8 program; compile the spec with --quantize int8 (or compile.quantize: int8)",
             fix: "Recompile with `--quantize int8`, or drop `--precision int8`."),
        Case(kind: .arguments, title: "bench --train --precision int8", setup: compileSetup,
             args: ["bench", "--graph", "p.plan", "--train", "--precision", "int8"],
             firstLine: "Error: --precision int8 times inference: training programs are fp32",
             fix: "Drop `--precision int8` with `--train`."),
    ]
}
