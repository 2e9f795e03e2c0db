package io.simdgrad.simd;

/**
 * The Vector API kernel instances of every facade. A facade reads a field here only when
 * {@link Simd#SCALAR} is false or a caller asks for {@code vector()}, so this class and the
 * {@code Vector*} classes initialise, and {@code jdk.incubator.vector} loads, only then. A plain
 * holder (not a service lookup): the fields are {@code static final}, and the facades'
 * {@code static final} kernel fields copied from them stay constants the JIT folds.
 */
final class VectorKernels {
    static final FloatElementwiseKernels FLOAT_ELEMENTWISE = new VectorFloatElementwise();
    static final DoubleElementwiseKernels DOUBLE_ELEMENTWISE = new VectorDoubleElementwise();
    static final FloatLayoutKernels FLOAT_LAYOUT = new VectorFloatLayout();
    static final DoubleLayoutKernels DOUBLE_LAYOUT = new VectorDoubleLayout();
    static final FloatReductionKernels FLOAT_REDUCTIONS = new VectorFloatReductions();
    static final DoubleReductionKernels DOUBLE_REDUCTIONS = new VectorDoubleReductions();
    static final FloatNormKernels FLOAT_NORM = new VectorFloatNorm();
    static final DoubleNormKernels DOUBLE_NORM = new VectorDoubleNorm();
    static final FloatGemmKernels FLOAT_GEMM = new VectorFloatGemm();
    static final DoubleGemmKernels DOUBLE_GEMM = new VectorDoubleGemm();

    private VectorKernels() {}
}
