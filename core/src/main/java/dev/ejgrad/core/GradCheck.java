package dev.ejgrad.core;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Checks analytic gradients against central differences, as {@code torch.autograd.gradcheck}: the whole Jacobian of
 * {@code f}'s output with respect to every input that requires grad, in float64.
 *
 * <p>An element passes when {@code |analytic - numeric| <= atol + rtol * |numeric|}. The inputs given are not
 * changed: {@code f} is evaluated on fresh copies, so no gradient is left on them.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(3, 4, new Random(1)).requiresGrad(true);
 * GradCheck.assertPasses(in -> in[0].softmax(1), x);
 * }</pre>
 */
public final class GradCheck {

    /** Default perturbation, as torch.autograd.gradcheck. */
    public static final double EPS = 1e-6;
    /** Default absolute tolerance, as torch.autograd.gradcheck. */
    public static final double ATOL = 1e-5;
    /** Default relative tolerance, as torch.autograd.gradcheck. */
    public static final double RTOL = 1e-3;

    private GradCheck() {
    }

    /**
     * Compares analytic and numeric Jacobians with the default tolerances.
     *
     * @param f the function; called several times with copies of {@code inputs}
     * @param inputs the point at which to check; not modified
     * @return the outcome, naming the worst element
     * @throws IllegalArgumentException if no input requires grad
     */
    public static Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, EPS, ATOL, RTOL, inputs);
    }

    /**
     * Compares analytic and numeric Jacobians.
     *
     * @param f the function; called several times with copies of {@code inputs}
     * @param eps the central-difference step
     * @param atol absolute tolerance
     * @param rtol relative tolerance
     * @param inputs the point at which to check; not modified
     * @return the outcome, naming the worst element
     * @throws IllegalArgumentException if no input requires grad, or a tolerance is negative
     */
    public static Result check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(inputs, "inputs");
        if (!(eps > 0) || !(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("GradCheck: need eps > 0, atol >= 0, rtol >= 0; got eps " + eps
                    + ", atol " + atol + ", rtol " + rtol);
        }
        boolean any = false;
        for (Tensor t : inputs) {
            any |= Objects.requireNonNull(t, "inputs[i]").requiresGrad();
        }
        if (!any) {
            throw new IllegalArgumentException("GradCheck: no input requires grad, so there is nothing to check");
        }
        Tensor out = f.apply(copies(inputs, -1, 0, 0));
        int outN = out.numel();

        Result worst = new Result(true, -1, -1, 0, 0, 0, "no element");
        for (int k = 0; k < inputs.length; k++) {
            if (!inputs[k].requiresGrad()) {
                continue;
            }
            int n = inputs[k].numel();
            double[][] analytic = new double[outN][];
            for (int o = 0; o < outN; o++) {
                Tensor[] xs = copies(inputs, -1, 0, 0);
                Tensor y = f.apply(xs);
                double[] seed = new double[outN];
                seed[o] = 1;
                y.backward(Tensor.of(y.rows(), y.cols(), seed));
                Tensor g = xs[k].grad();
                analytic[o] = g == null ? new double[n] : g.data.data.clone();
            }
            for (int e = 0; e < n; e++) {
                double[] plus = evaluate(f, inputs, k, e, eps);
                double[] minus = evaluate(f, inputs, k, e, -eps);
                for (int o = 0; o < outN; o++) {
                    double numeric = (plus[o] - minus[o]) / (2 * eps);
                    double a = analytic[o][e];
                    double err = Math.abs(a - numeric);
                    double allowed = atol + rtol * Math.abs(numeric);
                    boolean ok = err <= allowed || a == numeric;   // a == numeric covers matching infinities
                    double excess = err - allowed;
                    // the worst element: any failure beats a pass; among failures the largest excess, among passes
                    // the largest error
                    boolean worse = worst.passed ? !ok || err > worst.error : !ok && excess > worst.excess;
                    if (worse) {
                        String where = String.format(Locale.ROOT, "input %d (%s) element (%d, %d), output element %d",
                                k, Shapes.of(inputs[k]), e / inputs[k].cols(), e % inputs[k].cols(), o);
                        worst = new Result(ok, k, e, a, numeric, excess, where);
                    }
                }
            }
        }
        return worst;
    }

    /**
     * Throws if the check fails.
     *
     * @param f the function
     * @param inputs the point at which to check; not modified
     * @throws AssertionError carrying {@link Result#toString()} if an element differs beyond the tolerances
     */
    public static void assertPasses(Function<Tensor[], Tensor> f, Tensor... inputs) {
        Result r = check(f, inputs);
        if (!r.passed()) {
            throw new AssertionError(r.toString());
        }
    }

    private static double[] evaluate(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, int e, double delta) {
        try (NoGrad scope = NoGrad.enter()) {
            return f.apply(copies(inputs, k, e, delta)).data.data.clone();
        }
    }

    /** Fresh leaves with the inputs' values and flags; element {@code e} of input {@code k} shifted by delta. */
    private static Tensor[] copies(Tensor[] inputs, int k, int e, double delta) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor c = new Tensor(inputs[i].data.copy());
            if (i == k) {
                c.data.data[e] += delta;
            }
            xs[i] = c.requiresGrad(inputs[i].requiresGrad());
        }
        return xs;
    }

    /** The outcome of a gradient check: the worst element found, failing or not. */
    public static final class Result {
        private final boolean passed;
        private final int input;
        private final int element;
        private final double analytic;
        private final double numeric;
        private final double excess;
        private final double error;
        private final String where;

        Result(boolean passed, int input, int element, double analytic, double numeric, double excess, String where) {
            this.passed = passed;
            this.input = input;
            this.element = element;
            this.analytic = analytic;
            this.numeric = numeric;
            this.excess = excess;
            this.error = Math.abs(analytic - numeric);
            this.where = where;
        }

        /** {@return whether every element agreed within the tolerances} */
        public boolean passed() {
            return passed;
        }

        /** {@return index of the input holding the worst element, or -1 if nothing was compared} */
        public int input() {
            return input;
        }

        /** {@return row-major index of the worst element within its input} */
        public int element() {
            return element;
        }

        /** {@return the analytic derivative at the worst element} */
        public double analytic() {
            return analytic;
        }

        /** {@return the central-difference derivative at the worst element} */
        public double numeric() {
            return numeric;
        }

        /** {@return {@code |analytic - numeric|} at the worst element} */
        public double error() {
            return error;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "GradCheck %s: worst at %s: analytic %.12g, numeric %.12g, |diff| %.3g",
                    passed ? "passed" : "FAILED", where, analytic, numeric, error);
        }
    }
}
