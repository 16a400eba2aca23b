/// The op table: one definition per kind. The switch is exhaustive, so a new `OpKind` does not
/// compile until it has its shape rule, kernel and gradient rule.
public extension OpKind {
    var def: any OpDef.Type {
        switch self {
        case .input: InputOp.self
        case .param: ParamOp.self
        case .constant: ConstantOp.self
        case .gather: GatherOp.self
        case .add: AddOp.self
        case .scale: ScaleOp.self
        case .biasAdd: BiasAddOp.self
        case .matmul: MatmulOp.self
        case .linear: LinearOp.self
        case .gelu: GeluOp.self
        case .biasGelu: BiasGeluOp.self
        case .layerNorm: LayerNormOp.self
        case .skipLayerNorm: SkipLayerNormOp.self
        case .attentionProbs: AttentionProbsOp.self
        case .attentionContext: AttentionContextOp.self
        case .meanPool: MeanPoolOp.self
        case .clsPool: ClsPoolOp.self
        case .maxPool: MaxPoolOp.self
        case .l2Normalize: L2NormalizeOp.self
        case .dropout: DropoutOp.self
        case .crossEntropy: CrossEntropyOp.self
        case .crf: CRFLossOp.self
        case .int8Linear: Int8LinearOp.self
        case .geluGrad: GeluGradOp.self
        case .biasGeluGrad: BiasGeluGradOp.self
        case .layerNormGrad: LayerNormGradOp.self
        case .layerNormGammaGrad: LayerNormGammaGradOp.self
        case .sumRows: SumRowsOp.self
        case .attentionContextGradProbs: AttentionContextGradProbsOp.self
        case .attentionContextGradV: AttentionContextGradVOp.self
        case .softmaxGrad: SoftmaxGradOp.self
        case .attentionScoresGradQ: AttentionScoresGradQOp.self
        case .attentionScoresGradK: AttentionScoresGradKOp.self
        case .relativeBiasGrad: RelativeBiasGradOp.self
        case .meanPoolGrad: MeanPoolGradOp.self
        case .clsPoolGrad: ClsPoolGradOp.self
        case .maxPoolGrad: MaxPoolGradOp.self
        case .l2NormalizeGrad: L2NormalizeGradOp.self
        case .dropoutGrad: DropoutGradOp.self
        case .crossEntropyGrad: CrossEntropyGradOp.self
        case .crfEmissionsGrad: CRFEmissionsGradOp.self
        case .crfTransitionsGrad: CRFTransitionsGradOp.self
        case .crfStartGrad: CRFStartGradOp.self
        case .crfEndGrad: CRFEndGradOp.self
        case .embeddingGrad: EmbeddingGradOp.self
        case .concatColumns: ConcatColumnsOp.self
        case .gradAccumulate: GradAccumulateOp.self
        case .gradient: GradientBufferOp.self
        case .paramState: ParamStateOp.self
        case .gradSquaredNorm: GradSquaredNormOp.self
        case .clipScale: ClipScaleOp.self
        case .adamw: AdamWOp.self
        case .sgd: SGDOp.self
        case .allReduceStart: AllReduceStartOp.self
        case .allReduceWait: AllReduceWaitOp.self
        }
    }
}
