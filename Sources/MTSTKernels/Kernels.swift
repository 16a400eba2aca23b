// Kernels: raw CPU loops and BLAS calls on unsafe float buffers. They know nothing of graphs.
public enum Kernels {}
