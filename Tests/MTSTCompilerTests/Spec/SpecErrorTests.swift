import Foundation
import Testing
@testable import MTSTCompiler

/// Every kind of spec error, with the exact one-line message and position it produces.
/// Line numbers refer to `baseYAML` (see SpecTestSupport.swift).
@Suite struct SpecErrorTests {
    @Test func baseFixtureIsValid() {
        #expect(specError(baseYAML) == "parsed")
    }

    @Test func unreadableFiles() throws {
        let dir = try makeTempDirectory()
        #expect(throws: SpecError.unreadable(file: "\(dir)/nope.yaml", reason: "no such file or directory")) {
            try Spec.load(path: "\(dir)/nope.yaml")
        }
        let error = #expect(throws: SpecError.self) { try Spec.load(path: dir) }
        #expect(error?.description == "\(dir): cannot read spec: it is a directory")
    }

    @Test func bytesInMemoryAreCheckedAsTheFileIs() throws {
        #expect(throws: SpecError.unreadable(file: "mem.yaml", reason: "not UTF-8 text")) {
            try Spec.parse(data: Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF]), path: "mem.yaml")
        }
        #expect(try Spec.parse(data: Data(baseYAML.utf8), path: "t.yaml").name == Spec.parse(yaml: baseYAML, path: "t.yaml").name)
    }

    /// Found by the spec fuzz target: a folded plain scalar quoted raw split the message in two.
    @Test func quotedValuesAndKeysStayOnOneLine() {
        #expect(specError("z%1\n\nL") == #"t.yaml:1:1: expected a mapping, got 'z%1\nL'"#)
        #expect(specError("name: t\n\"bad\\x1B[2Jkey\": 1\n")
            == #"t.yaml:2:1: bad\u{1B}[2Jkey: unknown key 'bad\u{1B}[2Jkey' (expected one of: name, backbone, tokenizer, pooling, normalize, heads, losses, optimizer, training, data, compile, distributed)"#)
    }

    @Test func emptySpec() {
        #expect(specError("# nothing yet\n") == "t.yaml:1:1: the spec is empty; it needs at least backbone and tokenizer")
        #expect(specError("- a\n- b\n") == "t.yaml:1:1: expected a mapping, got a list")
    }

    @Test func syntaxError() {
        #expect(specError(edited("  max_length: 32", "  max_length: [32")) ==
            "t.yaml:12:6: YAML syntax error: did not find expected ',' or ']' while parsing a flow sequence started at 11:15")
        #expect(specError(edited("  vocab: vocab.txt", "  vocab: vocab.txt: x")) ==
            "t.yaml:10:19: YAML syntax error: mapping values are not allowed in this context")
    }

    @Test func unquotedStarIsAnAlias() {
        #expect(specError(baseYAML + "optimizer:\n  no_decay: [*.bias]\n") ==
            "t.yaml:26:15: YAML syntax error: did not find expected alphabetic or numeric character while scanning an alias started at 26:14 (a pattern starting with '*' must be quoted: \"*.bias\")")
        #expect(specError(baseYAML + "optimizer:\n  rules:\n    - params: *norm\n      frozen: true\n") ==
            "t.yaml:27:15: YAML syntax error: found undefined alias (a pattern starting with '*' must be quoted: \"*.bias\")")
    }

    @Test func unknownKeys() {
        #expect(specError(edited("  hidden_size: 16", "  hiden_size: 16")) ==
            "t.yaml:4:3: backbone.hiden_size: unknown key 'hiden_size' (did you mean 'hidden_size'?)")
        #expect(specError(edited("name: t", "name: t\nmodel: x")) ==
            "t.yaml:2:1: model: unknown key 'model' (expected one of: name, backbone, tokenizer, pooling, normalize, heads, losses, optimizer, training, data, compile, distributed)")
        #expect(specError(edited("    input: tokens", "    inptu: tokens")) ==
            "t.yaml:18:5: heads.slots.inptu: unknown key 'inptu' (did you mean 'input'?)")
        #expect(specError(edited("  epochs: 3", "  epoch: 3")) ==
            "t.yaml:20:3: training.epoch: unknown key 'epoch' (did you mean 'epochs'?)")
    }

    @Test func duplicateKeys() {
        #expect(specError(edited("  slots:\n", "  intent:\n")) ==
            "t.yaml:16:3: heads.intent: duplicate key, first given at 13:3")
        #expect(specError(edited("  num_layers: 2", "  num_layers: 2\n  num_layers: 3")) ==
            "t.yaml:6:3: backbone.num_layers: duplicate key, first given at 5:3")
    }

    @Test func wrongTypes() {
        #expect(specError(edited("  hidden_size: 16", "  hidden_size: sixteen")) ==
            "t.yaml:4:16: backbone.hidden_size: expected an integer, got 'sixteen'")
        #expect(specError(edited("  hidden_size: 16", "  hidden_size: \"16\"")) ==
            "t.yaml:4:16: backbone.hidden_size: expected an integer, got \"16\"")
        #expect(specError(edited("  hidden_size: 16", "  hidden_size: 16.0")) ==
            "t.yaml:4:16: backbone.hidden_size: expected an integer, got '16.0'")
        #expect(specError(edited("  max_length: 32", "  max_length: 32\n  lowercase: yes")) ==
            "t.yaml:12:14: tokenizer.lowercase: expected true or false, got 'yes'")
        #expect(specError(edited("tokenizer:\n  vocab: vocab.txt\n  max_length: 32", "tokenizer: vocab.txt")) ==
            "t.yaml:9:12: tokenizer: expected a mapping, got 'vocab.txt'")
        #expect(specError(edited("    labels: [a, b, c]", "    labels: {a: 1}")) ==
            "t.yaml:15:13: heads.intent.labels: expected a list, got a mapping")
        #expect(specError(edited("  epochs: 3", "  epochs:")) ==
            "parsed")  // null means "use the default"
        #expect(specError(edited("  vocab: vocab.txt", "  vocab:")) ==
            "t.yaml:10:9: tokenizer.vocab: expected a string, got nothing (null)")
    }

    @Test func missingKeys() {
        #expect(specError(edited("  hidden_size: 16\n", "")) == "t.yaml:2:1: backbone: missing required key 'hidden_size'")
        #expect(specError(edited("  vocab: vocab.txt\n", "")) == "t.yaml:9:1: tokenizer: missing required key 'vocab'")
        #expect(specError(edited("    type: tagging\n", "")) == "t.yaml:16:3: heads.slots: missing required key 'type'")
        #expect(specError(edited("name: t\n", "name: t\nbackbone_: {}\n").replacingOccurrences(of: "backbone:", with: "xx:")) != "parsed")
        let noBackbone = "tokenizer:\n  vocab: v.txt\n"
        #expect(specError(noBackbone) == "t.yaml:1:1: missing required key 'backbone'")
    }

    @Test func badSizes() {
        #expect(specError(edited("  num_layers: 2", "  num_layers: 0")) ==
            "t.yaml:5:15: backbone.num_layers: must be a positive integer, got 0")
        #expect(specError(edited("  vocab_size: 100", "  vocab_size: -5")) ==
            "t.yaml:3:15: backbone.vocab_size: must be a positive integer, got -5")
        #expect(specError(edited("  hidden_size: 16", "  hidden_size: 15")) ==
            "t.yaml:4:16: backbone.hidden_size: 15 is not divisible by num_heads 2")
        #expect(specError(edited("  epochs: 3", "  epochs: 0")) ==
            "t.yaml:20:11: training.epochs: must be a positive integer, got 0")
        #expect(specError(edited("  max_position_embeddings: 64", "  max_position_embeddings: 64\n  layer_norm_eps: 0")) ==
            "t.yaml:9:19: backbone.layer_norm_eps: must be > 0, got 0.0")
    }

    @Test func badProbabilities() {
        #expect(specError(edited("  max_position_embeddings: 64", "  max_position_embeddings: 64\n  hidden_dropout: 1.0")) ==
            "t.yaml:9:19: backbone.hidden_dropout: must be in [0, 1), got 1.0")
        #expect(specError(edited("    type: tagging", "    type: tagging\n    dropout: -0.1")) ==
            "t.yaml:18:14: heads.slots.dropout: must be in [0, 1), got -0.1")
    }

    @Test func lengthLimits() {
        #expect(specError(edited("  max_length: 32", "  max_length: 100")) ==
            "t.yaml:11:15: tokenizer.max_length: 100 exceeds backbone.max_position_embeddings 64")
        #expect(specError(edited("  max_seq: 16", "  max_seq: 33")) ==
            "t.yaml:24:12: compile.max_seq: 33 exceeds tokenizer.max_length 32")
        #expect(specError(edited("  max_batch: 4", "  max_batch: 2")) ==
            "t.yaml:23:14: compile.max_batch: 2 is smaller than training.batch_size 4; the compiled graph could not hold one batch")
    }

    @Test func unknownChoices() {
        #expect(specError(edited("name: t", "name: t\npooling: avg")) ==
            "t.yaml:2:10: pooling: unknown pooling 'avg' (expected one of: mean, cls, max)")
        #expect(specError(edited("name: t", "name: t\nnormalize: L2")) ==
            "t.yaml:2:12: normalize: unknown normalize 'L2' (did you mean 'l2'?)")
        #expect(specError(edited("    type: tagging", "    type: taging")) ==
            "t.yaml:17:11: heads.slots.type: unknown head type 'taging' (did you mean 'tagging'?)")
        let data = baseYAML + "data:\n  train: {format: xlsx, path: x.xlsx}\n"
        #expect(specError(data) == "t.yaml:26:19: data.train.format: unknown data format 'xlsx' (expected one of: atis, conll, jsonl, csv, tsv, pairs_jsonl, pairs_csv)")
        #expect(specError(edited("  max_position_embeddings: 64", "  max_position_embeddings: 64\n  activation: swish")) ==
            "t.yaml:9:15: backbone.activation: unknown activation 'swish' (expected one of: gelu)")
    }

    @Test func headNamesAndLosses() {
        #expect(specError(edited("  slots:", "  Slots:")) ==
            "t.yaml:16:3: heads.Slots: head names must match [a-z_][a-z0-9_]* (they become parameter paths heads.<name>.weight)")
        #expect(specError(baseYAML + "losses:\n  intent: 1.0\n  slot: 2.0\n") ==
            "t.yaml:27:3: losses.slot: no head named 'slot' (did you mean 'slots'?)")
        #expect(specError(baseYAML + "losses:\n  intent: -1\n") ==
            "t.yaml:26:11: losses.intent: must be ≥ 0, got -1.0")
        #expect(specError(edited("    labels: [a, b, c]", "    labels: [a, b, a]")) ==
            "t.yaml:15:20: heads.intent.labels[2]: label 'a' already given at index 0")
        #expect(specError(edited("    labels: [a, b, c]", "    labels: fromdata")) ==
            "t.yaml:15:13: heads.intent.labels: expected from_data or a list of label strings")
    }

    @Test func headInputMismatch() {
        #expect(specError(edited("    input: tokens", "    input: pooled")) ==
            "t.yaml:18:12: heads.slots.input: a tagging head expects per-token features [B,T,16], got pooled [B,16]")
        #expect(specError(edited("    labels: [a, b, c]", "    labels: [a, b, c]\n    input: tokens")) ==
            "t.yaml:16:12: heads.intent.input: a classification head expects a sentence vector [B,16] (embedding or pooled), got per-token features [B,T,16]")
    }

    @Test func dataHeads() {
        let wrongKind = baseYAML + "data:\n  train: {format: atis, path: a.txt, label_head: slots}\n"
        #expect(specError(wrongKind) == "t.yaml:26:50: data.train.label_head: head 'slots' is not a classification head")
        let unknown = baseYAML + "data:\n  train:\n    - {format: atis, path: a.txt}\n    - {format: conll, path: b.txt, tag_head: slot}\n"
        #expect(specError(unknown) == "t.yaml:28:46: data.train[1].tag_head: no tagging head named 'slot' (did you mean 'slots'?)")
        #expect(specError(baseYAML + "data:\n  eval: {format: atis, path: a.txt}\n") == "t.yaml:25:1: data: missing required key 'train'")
    }

    @Test func badPatterns() {
        let rules = { (pattern: String) in baseYAML + "optimizer:\n  rules:\n    - params: \(pattern)\n      frozen: true\n" }
        #expect(specError(rules("backbone.layers[4-2].*")) ==
            "t.yaml:27:15: optimizer.rules[0].params: bad pattern 'backbone.layers[4-2].*': range [4-2] is empty (4 > 2)")
        #expect(specError(rules("backbone.layers[1.*")) ==
            "t.yaml:27:15: optimizer.rules[0].params: bad pattern 'backbone.layers[1.*': '[' at offset 15 is never closed")
        #expect(specError(rules("[\"heads.*\", \"backbone.layers[x].*\"]")) ==
            "t.yaml:27:27: optimizer.rules[0].params[1]: bad pattern 'backbone.layers[x].*': '[x]' is not an index: use [n], [a-b] or [*]")
        #expect(specError(rules("backbone.layers[6].*")) ==
            "t.yaml:27:15: optimizer.rules[0].params: bad pattern 'backbone.layers[6].*': [6] reaches layer 6, but the backbone has 2 layers (layers[0-1])")
        // A range that matches some layers but reaches past the last is as wrong as one that matches none.
        #expect(specError(rules("backbone.layers[0-99].*")) ==
            "t.yaml:27:15: optimizer.rules[0].params: bad pattern 'backbone.layers[0-99].*': [0-99] reaches layer 99, but the backbone has 2 layers (layers[0-1])")
        #expect(specError(rules("backbone.layers[0-1].*")) == "parsed")
        #expect(specError(rules("heads.intent_head.*")) ==
            "t.yaml:27:15: optimizer.rules[0].params: bad pattern 'heads.intent_head.*': matches no parameter (backbone has layers[0-1]; heads: intent, slots)")
        let noDecay = baseYAML + "optimizer:\n  no_decay: [\"*.bias\", \"*LayerNorm*\"]\n"
        #expect(specError(noDecay) ==
            "t.yaml:26:24: optimizer.no_decay[1]: bad pattern '*LayerNorm*': matches no parameter (backbone has layers[0-1]; heads: intent, slots)")
    }

    @Test func badRules() {
        let rule = { (body: String) in baseYAML + "optimizer:\n  rules:\n    - params: backbone.*\n\(body)" }
        #expect(specError(rule("      frozen: true\n      unfreeze: gradual\n")) ==
            "t.yaml:29:17: optimizer.rules[0].unfreeze: conflicts with frozen in the same rule; set one of frozen, unfreeze, frozen_until_epoch")
        #expect(specError(rule("      lr: 1e-4\n      lr_scale: 2\n")) ==
            "t.yaml:29:17: optimizer.rules[0].lr_scale: conflicts with lr in the same rule; use lr (absolute) or lr_scale (relative)")
        #expect(specError(rule("")) ==
            "t.yaml:27:7: optimizer.rules[0]: the rule changes nothing; set frozen, unfreeze, frozen_until_epoch, lr, lr_scale or weight_decay")
        #expect(specError(rule("      frozen_until_epoch: 3\n")) ==
            "t.yaml:28:27: optimizer.rules[0].frozen_until_epoch: epoch 3 is past the last epoch (2, epochs are 0-based), so these parameters would never train; use frozen: true")
        #expect(specError(rule("      unfreeze: {start_epoch: 2}\n")) ==
            "t.yaml:28:17: optimizer.rules[0].unfreeze: the embeddings would start training at epoch 4, but the last epoch is 2 (epochs are 0-based); unfreeze more layers per epoch or train longer")
        #expect(specError(baseYAML + "optimizer:\n  rules:\n    - params: heads.*\n      unfreeze: gradual\n") ==
            "t.yaml:28:17: optimizer.rules[0].unfreeze: gradual unfreezing goes layer by layer, but heads.intent.weight belongs to no backbone layer")
        #expect(specError(rule("      unfreeze: slowly\n")) ==
            "t.yaml:28:17: optimizer.rules[0].unfreeze: expected 'gradual' or a mapping {start_epoch, layers_per_epoch}")
        #expect(specError(rule("      lr: 0\n")) == "t.yaml:28:11: optimizer.rules[0].lr: must be > 0, got 0.0")
    }

    /// An optimizer setting on parameters that never train would be silently without effect.
    @Test func settingsOnFrozenParameters() {
        let rule = { (body: String) in baseYAML + "optimizer:\n  rules:\n    - params: backbone.*\n\(body)" }
        #expect(specError(rule("      frozen: true\n      lr: 1e-4\n")) ==
            "t.yaml:29:11: optimizer.rules[0].lr: has no effect: the same rule sets frozen: true, and a frozen parameter never trains; remove lr, or set it in the rule that makes these parameters train")
        #expect(specError(rule("      frozen: true\n      weight_decay: 0\n")) ==
            "t.yaml:29:21: optimizer.rules[0].weight_decay: has no effect: the same rule sets frozen: true, and a frozen parameter never trains; remove weight_decay, or set it in the rule that makes these parameters train")
        #expect(specError(rule("      frozen: false\n      lr: 1e-4\n")) == "parsed")
        let later = baseYAML + "optimizer:\n  rules:\n    - params: backbone.layers[1].*\n      lr_scale: 2\n    - params: backbone.*\n      frozen: true\n"
        #expect(specError(later) ==
            "t.yaml:28:17: optimizer.rules[0].lr_scale: has no effect: every parameter this rule selects is frozen for the whole run by optimizer.rules[1]; remove lr_scale, or unfreeze the parameters")
        // Only some of the selected parameters frozen: the setting still matters for the rest.
        let partly = baseYAML + "optimizer:\n  rules:\n    - params: backbone.*\n      lr: 1e-4\n    - params: backbone.embeddings.*\n      frozen: true\n"
        #expect(specError(partly) == "parsed")
        // Unfrozen again by a later rule: the lr applies.
        let thawed = later + "    - params: backbone.layers[1].*\n      frozen: false\n"
        #expect(specError(thawed) == "parsed")
    }

    /// optimizer.lr and layerwise_decay.base both set every parameter's lr; two different values
    /// would leave one silently unused.
    @Test func layerwiseBaseAgainstLr() {
        #expect(specError(baseYAML + "optimizer:\n  lr: 1e-3\n  layerwise_decay: {base: 2e-4, decay: 0.9}\n") ==
            "t.yaml:27:27: optimizer.layerwise_decay.base: 0.0002 differs from optimizer.lr 0.001 (26:7), which layer-wise decay would ignore: it sets every parameter's lr from base; give one of them (base defaults to optimizer.lr)")
        #expect(specError(baseYAML + "optimizer:\n  lr: 2e-4\n  layerwise_decay: {base: 2e-4, decay: 0.9}\n") == "parsed")
        #expect(specError(baseYAML + "optimizer:\n  layerwise_decay: {base: 2e-4, decay: 0.9}\n") == "parsed")
    }

    /// The name becomes runs/<name>: anything that is not one plain path component is refused.
    @Test func specNames() {
        let rule = "names may use letters, digits, '_', '-' and '.', start with a letter, digit or '_', and have at most 100 characters (the name becomes the folder runs/<name>)"
        for bad in ["../../etc", ".hidden", "a/b", "-rf", "a b", String(repeating: "x", count: 101)] {
            #expect(specError(edited("name: t", "name: \"\(bad)\"")) == "t.yaml:1:7: name: '\(bad)' is not a safe name; \(rule)")
        }
        #expect(specError(edited("name: t", "name: \"a\\0b\"")) == "t.yaml:1:7: name: 'a\\0b' is not a safe name; \(rule)")
        #expect(specError(edited("name: t", "name: \"\"")) == "t.yaml:1:7: name: cannot be empty")
        for good in ["t", "MiniLM-L6_v2.atis", "_x", "9"] {
            #expect(specError(edited("name: t", "name: \(good)")) == "parsed")
        }
        let unnamed = edited("name: t\n", "")
        #expect(specError(unnamed, path: "dir/my-spec.v2.yaml") == "parsed")
        #expect(specError(unnamed, path: "dir/.yaml") ==
            "dir/.yaml:1:1: name: no name given and the file name '.yaml' is not a safe name; set name: explicitly; \(rule)")
    }

    @Test func badOptimizerSettings() {
        #expect(specError(baseYAML + "optimizer:\n  type: lamb\n") ==
            "t.yaml:26:9: optimizer.type: unknown optimizer 'lamb' (expected one of: adamw, sgd)")
        #expect(specError(baseYAML + "optimizer:\n  type: sgd\n  betas: [0.9, 0.99]\n") ==
            "t.yaml:27:10: optimizer.betas: applies to adamw only, but optimizer.type is sgd")
        #expect(specError(baseYAML + "optimizer:\n  momentum: 0.9\n") ==
            "t.yaml:26:13: optimizer.momentum: applies to sgd only, but optimizer.type is adamw")
        #expect(specError(baseYAML + "optimizer:\n  type: sgd\n  momentum: 1\n") ==
            "t.yaml:27:13: optimizer.momentum: must be in [0, 1), got 1.0")
        #expect(specError(baseYAML + "optimizer:\n  betas: [0.9]\n") ==
            "t.yaml:26:10: optimizer.betas: needs two numbers [beta1, beta2], got 1")
        #expect(specError(baseYAML + "optimizer:\n  betas: [0.9, 1.0]\n") ==
            "t.yaml:26:16: optimizer.betas[1]: must be in [0, 1), got 1.0")
        #expect(specError(baseYAML + "optimizer:\n  schedule: {warmup: 10}\n") ==
            "t.yaml:26:22: optimizer.schedule.warmup: is a fraction of the total steps and must be in [0, 1), got 10.0; use warmup_steps for a count")
        #expect(specError(baseYAML + "optimizer:\n  schedule: {warmup: 0.1, warmup_steps: 10}\n") ==
            "t.yaml:26:41: optimizer.schedule.warmup_steps: give either warmup (a fraction) or warmup_steps, not both")
        #expect(specError(baseYAML + "optimizer:\n  layerwise_decay: {decay: 1.5}\n") ==
            "t.yaml:26:28: optimizer.layerwise_decay.decay: must be in (0, 1], got 1.5")
        #expect(specError(baseYAML + "optimizer:\n  layerwise_decay: {base: 1e-4}\n") ==
            "t.yaml:26:3: optimizer.layerwise_decay: missing required key 'decay'")
    }

    @Test func locationAccessorOnError() throws {
        let error = #expect(throws: SpecError.self) { try parseSpec(edited("  hidden_size: 16", "  hidden_size: 15")) }
        #expect(error?.location == SourceLocation(file: "t.yaml", line: 4, column: 16))
    }
}

/// `crf` on heads: a tagging head takes it; anywhere else it is an error at its position.
@Suite struct CRFSpecTests {
    @Test func taggingHeadTakesCRF() throws {
        let spec = try parseSpec(edited("    input: tokens\n", "    input: tokens\n    crf: true\n"))
        #expect(spec.heads.map(\.crf) == [false, true])
        let paths = ModelDescription.parameters(for: spec).map(\.path)
        #expect(paths.suffix(5) == ["heads.slots.weight", "heads.slots.bias", "heads.slots.crf.transitions",
                                    "heads.slots.crf.start", "heads.slots.crf.end"])
        #expect(try parseSpec(baseYAML).heads.allSatisfy { !$0.crf })
    }

    /// The CRF head's description (what rules and size checks see) is what its lowering
    /// declares, in both programs.
    @Test func descriptionMatchesTheLoweredParameters() throws {
        let spec = try parseSpec(edited("    input: tokens\n", "    input: tokens\n    crf: true\n"))
        let described = ModelDescription.parameters(for: spec, headClasses: ["slots": 4])
        let m = ModelConfig(spec: spec, labels: ["slots": ["O", "B-x", "I-x", "B-y"]])
        #expect(m.taskHeads.map(\.crf) == [false, true])
        for mode in [Lowering.Mode.training, .inference] {
            #expect(try Lowering.lower(m, mode: mode, maxBatch: 2, maxSeq: 5).params == described, "\(mode)")
        }
        #expect(described.filter { $0.path.hasPrefix("heads.slots.crf.") }.map(\.shape) == [[4, 4], [4], [4]])
    }

    @Test func crfOnAClassificationHeadIsAnError() {
        let message = specError(edited("    labels: [a, b, c]\n", "    labels: [a, b, c]\n    crf: true\n"))
        #expect(message == "t.yaml:16:10: heads.intent.crf: a CRF scores tag sequences: crf: true needs type: tagging, this head is classification",
                "\(message)")
        #expect(specError(edited("    input: tokens\n", "    input: tokens\n    crf: maybe\n")).hasPrefix("t.yaml:19:10: heads.slots.crf:"))
    }
}
