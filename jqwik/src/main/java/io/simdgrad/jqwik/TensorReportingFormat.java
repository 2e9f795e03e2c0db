package io.simdgrad.jqwik;

import io.simdgrad.core.Tensor;
import net.jqwik.api.SampleReportingFormat;

/**
 * How jqwik prints a {@link Tensor} in a failure report (the original and the shrunk sample):
 * dtype, shape, strides and offset of a non-contiguous view, and the values. Registered as a
 * service, so it applies to every property on a classpath with simdgrad-jqwik.
 */
public final class TensorReportingFormat implements SampleReportingFormat {
    /** The service constructor. */
    public TensorReportingFormat() {}

    @Override
    public boolean appliesTo(Object value) {
        return value instanceof Tensor;
    }

    @Override
    public Object report(Object value) {
        return Describe.tensor((Tensor) value);
    }
}
