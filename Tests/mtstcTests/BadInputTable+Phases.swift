/// Bad inputs of `bench --train --phase N` (gradual-unfreezing phases).
extension BadInputTable {
    static let phaseCases: [Case] = [
        Case(kind: .arguments, title: "--phase without --train", setup: compileSetup, args: ["bench", "--graph", "p.plan", "--phase", "0"],
             firstLine: "Error: --phase times a training phase: add --train", fix: "Add `--train`; inference has no phases."),
        Case(kind: .arguments, title: "--phase the plan does not have", setup: compileSetup,
             args: ["bench", "--graph", "p.plan", "--train", "--phase", "2"],
             firstLine: "error: p.plan: --phase 2: the plan has one training phase (0); gradual unfreezing makes one per distinct train_from_epoch",
             fix: "Use a phase `compile` lists under \"gradual unfreezing\" (or in `phases` of `compile --json`)."),
    ]
}
