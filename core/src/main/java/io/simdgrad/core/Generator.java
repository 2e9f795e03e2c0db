package io.simdgrad.core;

/**
 * A seeded random number generator whose stream is specified, so the same seed gives the same
 * numbers on every machine and JDK: SplitMix64 (Steele, Lea and Flood 2014) for the bits,
 * {@code nextFloat} from the top 24 bits, {@code nextDouble} from the top 53, and
 * {@code nextGaussian} by the Box-Muller transform on {@link StrictMath} (whose results are
 * specified to the bit), the second value of each pair kept for the next call.
 */
public final class Generator {
    private long state;
    private double spare;
    private boolean hasSpare;

    /** A generator seeded with {@code seed}. */
    public Generator(long seed) {
        manualSeed(seed);
    }

    /** Restarts the stream from {@code seed}, like torch.manual_seed. */
    public Generator manualSeed(long seed) {
        state = seed;
        hasSpare = false;
        return this;
    }

    /** Copies this generator's whole state (position and any kept Gaussian) into {@code other}, allocating nothing. */
    public void copyStateTo(Generator other) {
        other.state = state;
        other.spare = spare;
        other.hasSpare = hasSpare;
    }

    /**
     * The generator's state, PyTorch's {@code get_state()}: the SplitMix64 state, the bits of the
     * saved second Box-Muller value and 1 if one is saved; {@link #setState} continues the stream
     * exactly (checkpoints).
     */
    public long[] getState() {
        return new long[] {state, Double.doubleToRawLongBits(spare), hasSpare ? 1 : 0};
    }

    /** Restores a {@link #getState()}, PyTorch's {@code set_state()}. */
    public Generator setState(long[] s) {
        if (s == null || s.length != 3 || (s[2] != 0 && s[2] != 1)) {
            throw new IllegalArgumentException("Generator.setState: expected the 3 values of getState()");
        }
        state = s[0];
        spare = Double.longBitsToDouble(s[1]);
        hasSpare = s[2] == 1;
        return this;
    }

    /** The next 64 random bits. */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Uniform in {@code [0, bound)} without bias: 63 random bits reduced modulo {@code bound},
     * drawing again when they fall in the incomplete last block (as {@code java.util.Random.nextInt(bound)}).
     */
    public long nextLong(long bound) {
        if (bound <= 0) throw new IllegalArgumentException("nextLong: bound must be positive, got " + bound);
        long bits, v;
        do {
            bits = nextLong() >>> 1;
            v = bits % bound;
        } while (bits - v + (bound - 1) < 0);
        return v;
    }

    /** Uniform in [0, 1) with 24 random bits. */
    public float nextFloat() {
        return (nextLong() >>> 40) * 0x1.0p-24f;
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal (mean 0, variance 1). */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u1 = 1.0 - nextDouble(); // in (0, 1]: log stays finite
        double u2 = nextDouble();
        double r = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
        double theta = 2.0 * Math.PI * u2;
        spare = r * StrictMath.sin(theta);
        hasSpare = true;
        return r * StrictMath.cos(theta);
    }
}
