// Kernels: raw CPU loops and BLAS calls on unsafe float buffers. They know nothing of graphs.
//
// Conventions shared by every kernel:
// - row-major storage; sizes are element counts, `ld*` are row strides in elements;
// - integer data (token ids, labels) arrives float-encoded, a negative label means "ignore";
// - an output never aliases an input unless its doc comment says "may alias";
// - gradient kernels overwrite their outputs unless they take `accumulate:`.
public enum Kernels {}
