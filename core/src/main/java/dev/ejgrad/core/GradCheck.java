package dev.ejgrad.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;

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
 * GradCheck.assertGradGradPasses(in -> in[0].softmax(1), x);   // second derivatives too
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
     * @throws IllegalArgumentException if no input requires grad, or an input is float32 (check in float64)
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
     * @throws IllegalArgumentException if no input requires grad, an input is float32 (check in float64), or a
     *     tolerance is negative
     */
    public static Result check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        return check(f, eps, atol, rtol, false, inputs);
    }

    private static Result check(Function<Tensor[], Tensor> f, double eps, double atol, double rtol,
            boolean numericNeedsGrad, Tensor... inputs) {
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
        requireFloat64("GradCheck", inputs);
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
                if (!y.requiresGrad()) {
                    analytic[o] = new double[n];   // a constant (e.g. the first derivative of pow(x, 0))
                    continue;
                }
                double[] seed = new double[outN];
                seed[o] = 1;
                y.backward(Tensor.of(y.rows(), y.cols(), seed));
                Tensor g = xs[k].grad();
                analytic[o] = g == null ? new double[n] : g.values().data.clone();
            }
            for (int e = 0; e < n; e++) {
                double[] plus = evaluate(f, inputs, k, e, eps, numericNeedsGrad);
                double[] minus = evaluate(f, inputs, k, e, -eps, numericNeedsGrad);
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

    /**
     * Compares second derivatives with central differences of the first, as {@code torch.autograd.gradgradcheck},
     * with the default tolerances: {@link #check} applied to the function that maps the inputs and an upstream
     * gradient {@code u} to the first-order gradients {@code Autograd.grad(f(inputs), inputs, u, createGraph)} of
     * every input that requires grad. {@code u} is random (normal, seeded, so the check is repeatable) and is itself
     * checked, so a rule's dependence on the upstream gradient is tested as well as its dependence on the inputs.
     *
     * @param f the function; called several times with copies of {@code inputs}
     * @param inputs the point at which to check; not modified
     * @return the outcome, naming the worst element; input index {@code inputs.length} is {@code u}
     * @throws IllegalArgumentException if no input requires grad, or an input is float32 (check in float64)
     */
    public static Result checkGradGrad(Function<Tensor[], Tensor> f, Tensor... inputs) {
        Objects.requireNonNull(f, "f");
        Objects.requireNonNull(inputs, "inputs");
        List<Integer> differentiable = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            if (Objects.requireNonNull(inputs[i], "inputs[i]").requiresGrad()) {
                differentiable.add(i);
            }
        }
        requireFloat64("GradCheck", inputs);
        if (differentiable.isEmpty()) {
            throw new IllegalArgumentException("GradCheck: no input requires grad, so there is nothing to check");
        }
        Tensor shape;
        try (NoGrad scope = NoGrad.enter()) {
            shape = f.apply(copies(inputs, -1, 0, 0));
        }
        Tensor u = Tensor.randn(shape.rows(), shape.cols(), new Random(20_240_601L)).requiresGrad(true);
        Tensor[] withU = Arrays.copyOf(inputs, inputs.length + 1);
        withU[inputs.length] = u;
        Function<Tensor[], Tensor> firstOrder = xs -> {
            Tensor[] ins = Arrays.copyOf(xs, inputs.length);
            List<Tensor> wrt = new ArrayList<>();
            for (int i : differentiable) {
                wrt.add(ins[i]);
            }
            Tensor y = f.apply(ins);
            if (!y.requiresGrad()) {
                throw new IllegalArgumentException("GradCheck: f's output does not depend on any input that "
                        + "requires grad");
            }
            return flatConcat(Autograd.grad(y, wrt, xs[inputs.length], true));
        };
        return check(firstOrder, EPS, ATOL, RTOL, true, withU);
    }

    /**
     * Throws if the second-derivative check fails.
     *
     * @param f the function
     * @param inputs the point at which to check; not modified
     * @throws AssertionError carrying {@link Result#toString()} if an element differs beyond the tolerances
     */
    public static void assertGradGradPasses(Function<Tensor[], Tensor> f, Tensor... inputs) {
        Result r = checkGradGrad(f, inputs);
        if (!r.passed()) {
            throw new AssertionError(r.toString());
        }
    }

    /** The parts' entries one after another, row-major, as a 1 x n row; each part's rule is its slice. */
    private static Tensor flatConcat(List<Tensor> parts) {
        int n = 0;
        for (Tensor p : parts) {
            n += p.numel();
        }
        DMatrixRMaj out = new DMatrixRMaj(1, n);
        Tensor[] inputs = parts.toArray(new Tensor[0]);
        GradFn[] rules = new GradFn[inputs.length];
        int offset = 0;
        for (int k = 0; k < inputs.length; k++) {
            Tensor p = inputs[k];
            System.arraycopy(p.values().data, 0, out.data, offset, p.numel());
            int from = offset;
            rules[k] = g -> flatSlice(g, from, p.rows(), p.cols());
            offset += p.numel();
        }
        return Autograd.op("flatConcat", out, inputs, rules);
    }

    /** Entries {@code from .. from + rows·cols} of a 1 x n row as a {@code rows x cols} tensor. */
    private static Tensor flatSlice(Tensor g, int from, int rows, int cols) {
        DMatrixRMaj out = new DMatrixRMaj(rows, cols);
        System.arraycopy(g.values().data, from, out.data, 0, rows * cols);
        int n = g.numel();
        return Autograd.op("flatSlice", out, g, gg -> {
            DMatrixRMaj padded = new DMatrixRMaj(1, n);
            System.arraycopy(gg.values().data, 0, padded.data, from, rows * cols);
            return Autograd.op("flatPad", padded, gg, ggg -> flatSlice(ggg, from, rows, cols));
        });
    }

    private static double[] evaluate(Function<Tensor[], Tensor> f, Tensor[] inputs, int k, int e, double delta,
            boolean needsGrad) {
        if (needsGrad) {
            return f.apply(copies(inputs, k, e, delta)).values().data.clone();
        }
        try (NoGrad scope = NoGrad.enter()) {
            return f.apply(copies(inputs, k, e, delta)).values().data.clone();
        }
    }

    /** Fresh leaves with the inputs' values and flags; element {@code e} of input {@code k} shifted by delta. */
    private static Tensor[] copies(Tensor[] inputs, int k, int e, double delta) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor c = new Tensor(inputs[i].values().copy());
            if (i == k) {
                c.values().data[e] += delta;
            }
            xs[i] = c.requiresGrad(inputs[i].requiresGrad());
        }
        return xs;
    }

    /**
     * Refuses float32 inputs, as central differences are meaningless at float32's precision (PyTorch's gradcheck
     * warns about them).
     */
    static void requireFloat64(String op, Tensor... inputs) {
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException(op + ": input " + i + " is " + inputs[i].dtype() + "; check "
                        + "derivatives in " + DType.FLOAT64 + " (central differences are meaningless at float32's "
                        + "precision): pass x.to(DType.FLOAT64)");
            }
        }
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
