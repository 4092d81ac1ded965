package dev.ejgrad.nn;

import java.math.BigDecimal;

/** Numbers written as Python's {@code repr(float)} writes them, so that modules print as PyTorch's do. */
final class Repr {

    private Repr() {
    }

    /**
     * The shortest decimal that reads back as {@code x}, in Python's layout: {@code 0.1}, {@code 1.0}, {@code 1e-05},
     * {@code 1e+16}, {@code nan}, {@code inf}.
     */
    static String pyFloat(double x) {
        if (Double.isNaN(x)) {
            return "nan";
        }
        if (Double.isInfinite(x)) {
            return x > 0 ? "inf" : "-inf";
        }
        if (x == 0) {
            return Double.compare(x, 0.0) == 0 ? "0.0" : "-0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(x)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String sign = x < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = d.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "")
                + Math.abs(exponent);
    }
}
