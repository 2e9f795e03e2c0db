package io.simdgrad.nn;

import java.math.BigDecimal;

/** Python's printed forms of the values modules show in {@code extra_repr}. */
final class Repr {
    private Repr() {}

    /** Python's {@code repr(float)}: shortest digits, {@code 1e-05}, {@code 0.1}, {@code 2.0}. */
    static String py(double v) {
        if (Double.isNaN(v)) return "nan";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e16) return (v == 0 && 1 / v < 0 ? "-" : "") + (long) v + ".0";
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        int exp = d.precision() - d.scale() - 1;
        if (exp >= -4 && exp < 16) return d.toPlainString();
        String digits = d.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    /** Python's tuple of ints: {@code (3,)}, {@code (3, 3)}. */
    static String tuple(int... v) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) b.append(i == 0 ? "" : ", ").append(v[i]);
        return b.append(v.length == 1 ? ",)" : ")").toString();
    }

    static String bool(boolean b) {
        return b ? "True" : "False";
    }
}
