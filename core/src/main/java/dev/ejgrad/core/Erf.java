package dev.ejgrad.core;

/**
 * The error function in float64, from two classical expansions (Abramowitz and Stegun,
 * <i>Handbook of Mathematical Functions</i>, 1964), written for ejgrad: Java has no {@code Math.erf}.
 *
 * <ul>
 *   <li>{@code |x| <= 1.5}: the series 7.1.6, {@code erf x = 2/√π · e^(-x²) · Σ 2ⁿ x^(2n+1) / (1·3···(2n+1))},
 *       whose terms are all positive, so nothing cancels;</li>
 *   <li>{@code |x| > 1.5}: the continued fraction 7.1.14, {@code erfc x = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x +
 *       (3/2)/(x + ...))))}, evaluated by Lentz's method;</li>
 * </ul>
 *
 * <p>with {@code e^(-x²)} taken from the exact square (its rounding error recovered with an fma) and
 * {@code erf x = 1 - erfc x} above 1.5. Within a few ulps of the correctly rounded value and of the C library's
 * {@code erf}, which libtorch calls ({@code ErfTest} holds it to PyTorch's values).
 */
final class Erf {

    private static final double TWO_OVER_SQRT_PI = 1.12837916709551257390;
    private static final double ONE_OVER_SQRT_PI = 0.56418958354775628695;
    /** Below this, the series; above, the continued fraction. */
    private static final double SWITCH = 1.5;
    /** Beyond this, erfc underflows below half the smallest subnormal: erf is ±1 and erfc 0 or 2. */
    private static final double SATURATION = 27.3;

    private Erf() {
    }

    /**
     * The error function.
     *
     * @param x any double
     * @return {@code erf x}, odd, ±1 at ±infinity, NaN for NaN, -0.0 at -0.0
     */
    static double erf(double x) {
        double a = Math.abs(x);
        if (!(a <= SWITCH)) {
            if (Double.isNaN(x)) {
                return x;
            }
            return Math.copySign(1 - erfcLarge(a), x);
        }
        return Math.copySign(series(a), x);
    }

    /** erf for 0 <= a <= 1.5: series 7.1.6. */
    private static double series(double a) {
        if (a < 0x1p-28) {
            return a * TWO_OVER_SQRT_PI;   // erf a = 2a/√π (1 - a²/3 + ...), and a²/3 is below half an ulp
        }
        double twoA2 = 2 * a * a;
        double term = a;
        double sum = a;
        for (int n = 1; term > 0x1p-60 * sum; n++) {
            term *= twoA2 / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * expMinusSquare(a) * sum;
    }

    /** erfc for a > 1.5: continued fraction 7.1.14 by the modified Lentz method. */
    private static double erfcLarge(double a) {
        if (a > SATURATION) {
            return 0;
        }
        double tiny = 1e-300;
        double f = a;
        double c = a;
        double d = 0;
        for (int n = 1; n < 500; n++) {
            double an = n / 2.0;
            d = a + an * d;
            d = d == 0 ? tiny : d;
            c = a + an / c;
            c = c == 0 ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 0x1p-56) {
                break;
            }
        }
        return ONE_OVER_SQRT_PI * expMinusSquare(a) / f;
    }

    /** {@code e^(-a²)}, with the rounding error of {@code a²} (recovered by an fma) folded back in. */
    private static double expMinusSquare(double a) {
        double s = a * a;
        double e = Math.fma(a, a, -s);
        return Math.exp(-s) * (1 - e);
    }
}
