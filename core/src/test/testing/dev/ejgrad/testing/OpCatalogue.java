package dev.ejgrad.testing;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Every public op of {@link Tensor}, one entry each, as PyTorch's {@code OpInfo} database and tinygrad's
 * {@code helper_test_op}: its name, the Tensor method it calls, a lambda, sample inputs with their domain, its order
 * (twice differentiable, a zero second derivative, or not differentiable) and its tag in the differential test. The
 * entries drive the gradient and gradgrad checks ({@code OpGradientTest}), the property tests
 * ({@code OpPropertiesTest}), the error tests ({@code ErrorsTest}), the graph glossary test and the differential
 * test's op set; {@code OpCatalogueTest} fails when a public op of {@code Tensor} has no entry.
 *
 * <p>A new op is one entry here. A new dtype is one more {@link Dtype} constant: the tests iterate
 * {@link #DTYPES} and ask each entry for samples of that dtype, so no test is copied.
 */
public final class OpCatalogue {

    /** What is known of an op's derivatives. */
    public enum Order {
        /** Differentiable twice: gradcheck and gradgradcheck. */
        SECOND,
        /** Linear or piecewise linear: gradcheck and gradgradcheck, and its second derivative is zero. */
        ZERO,
        /** Not differentiable (comparisons, argmax): its result never requires grad. */
        NONE
    }

    /** Where an input's sample values lie, for the fixed samples and for the random values of the property tests. */
    public enum Domain {
        /** Either sign, away from 0 (the kink of relu, abs and leakyRelu): ±[0.3, 1.8]; properties: [-5, 5] ≥ 0.01 off 0. */
        OFF_ZERO,
        /** Positive, for log, sqrt and fractional powers: [0.5, 1.5); properties: [0.05, 50]. */
        POSITIVE,
        /** Off the kinks at ±0.9, 1.1, 1.5 and ±2 (clamp and hardtanh bounds, softplus(2, 3)'s threshold). */
        OFF_BOUNDS,
        /** Distinct values far apart, so that max and min have no ties within a central difference. */
        DISTINCT
    }

    /** The dtypes every entry is tested in. */
    public enum Dtype {
        /** {@code double}, checked against central differences and libtorch to 1e-12. */
        FLOAT64(DType.FLOAT64, true),
        /**
         * {@code float}: checked against the float64 computation on the same (widened) inputs to float32's rounding,
         * for float32 storage, promotion and gradient dtypes; never by central differences ({@code GradCheck}
         * refuses float32 by contract: at float32's precision a difference quotient means nothing).
         */
        FLOAT32(DType.FLOAT32, false);

        private final DType dtype;
        private final boolean gradChecked;

        Dtype(DType dtype, boolean gradChecked) {
            this.dtype = dtype;
            this.gradChecked = gradChecked;
        }

        /** {@return the core dtype of the samples} */
        public DType dtype() {
            return dtype;
        }

        /** {@return whether the gradient and gradgrad checks run in this dtype (float64 only)} */
        public boolean gradChecked() {
            return gradChecked;
        }
    }

    /** The dtypes of the tests, in order. */
    public static final List<Dtype> DTYPES = List.of(Dtype.FLOAT64, Dtype.FLOAT32);

    /** One input of a sample: its shape and where its values lie. */
    public record Input(int rows, int cols, Domain domain) {
    }

    /** One entry. Built with the fluent setters below, read by the tests. */
    public static final class Op {
        private final String name;
        private final String signature;
        private final Function<Tensor[], Tensor> fn;
        private final List<List<Input>> samples = new ArrayList<>();
        private Order order = Order.SECOND;
        private String difftest;
        private boolean broadcasts;
        private boolean saturates;
        private boolean anyShape;
        private BiFunction<Tensor, Integer, Object> atDim;
        private DType yields;

        Op(String name, String signature, Function<Tensor[], Tensor> fn) {
            this.name = name;
            this.signature = signature;
            this.fn = fn;
        }

        /** {@return the entry's name, unique: the op and its arguments, e.g. {@code "pow 3"}} */
        public String name() {
            return name;
        }

        /** {@return the Tensor method it calls, as {@code "pow(double)"}: the completeness test's key} */
        public String signature() {
            return signature;
        }

        /** {@return the method's name alone, as error messages start with it} */
        public String method() {
            return signature.substring(0, signature.indexOf('('));
        }

        /**
         * Applies the op.
         *
         * @param inputs one tensor per input of the sample
         * @return the op's result
         */
        public Tensor apply(Tensor... inputs) {
            return fn.apply(inputs);
        }

        /** {@return the op as a function of its inputs, for GradCheck} */
        public Function<Tensor[], Tensor> fn() {
            return fn;
        }

        /** {@return its order} */
        public Order order() {
            return order;
        }

        /** {@return its tag in the differential test's expressions, or null where it has none} */
        public String difftest() {
            return difftest;
        }

        /** {@return whether it is elementwise over two broadcasting tensors: every broadcast pattern is a sample} */
        public boolean broadcasts() {
            return broadcasts;
        }

        /** {@return whether it saturates, so that the property tests also try it at magnitudes up to 1000} */
        public boolean saturates() {
            return saturates;
        }

        /** {@return whether it takes one tensor of any shape, so that the property tests try random shapes} */
        public boolean anyShape() {
            return anyShape;
        }

        /** {@return the op along a given dim (for the bad-dim error test), or null for an op without a dim} */
        public BiFunction<Tensor, Integer, Object> atDim() {
            return atDim;
        }

        /** {@return the dtype of its result whatever the inputs' (a cast), or null: that of its inputs} */
        public DType yields() {
            return yields;
        }

        /** {@return the sample inputs: the broadcast patterns of a broadcasting op, else the listed samples} */
        public List<List<Input>> samples() {
            if (!broadcasts) {
                return Collections.unmodifiableList(samples);
            }
            List<List<Input>> out = new ArrayList<>();
            Domain a = samples.get(0).get(0).domain();
            Domain b = samples.get(0).get(1).domain();
            for (int[][] s : BROADCAST_PATTERNS) {
                out.add(List.of(new Input(s[0][0], s[0][1], a), new Input(s[1][0], s[1][1], b)));
            }
            return out;
        }

        /** {@return the domain of the first input of the first sample} */
        public Domain domain() {
            return samples.get(0).get(0).domain();
        }

        @Override
        public String toString() {
            return name;
        }

        Op sample(Input... inputs) {
            samples.add(List.of(inputs));
            return this;
        }

        Op order(Order o) {
            this.order = o;
            return this;
        }

        Op tag(String t) {
            this.difftest = t;
            return this;
        }

        Op saturating() {
            this.saturates = true;
            return this;
        }

        Op broadcasting() {
            this.broadcasts = true;
            return this;
        }

        Op yields(DType d) {
            this.yields = d;
            return this;
        }

        Op alongDim(BiFunction<Tensor, Integer, Object> f) {
            this.atDim = f;
            return this;
        }
    }

    /** Every broadcast pattern of two 2-D tensors, in both argument orders. */
    public static final int[][][] BROADCAST_PATTERNS = {
        {{3, 4}, {3, 4}}, {{3, 4}, {1, 4}}, {{3, 4}, {3, 1}}, {{3, 4}, {1, 1}}, {{3, 1}, {1, 4}},
        {{1, 4}, {3, 4}}, {{3, 1}, {3, 4}}, {{1, 1}, {3, 4}}, {{1, 4}, {3, 1}}};

    private static final Domain Z = Domain.OFF_ZERO;
    private static final Domain P = Domain.POSITIVE;
    /** The images of the image ops' samples: 2 channels of 3x4 pixels. */
    private static final ImageShape IMAGES = new ImageShape(2, 3, 4);

    /** Every entry, in the order of Tensor's sections. */
    public static final List<Op> OPS = build();

    private OpCatalogue() {
    }

    /** One tensor of any shape in, one out: the property tests try it on random shapes. */
    private static Op unary(String name, String signature, UnaryOperator<Tensor> f, Domain d) {
        Op op = new Op(name, signature, xs -> f.apply(xs[0])).sample(new Input(3, 4, d));
        op.anyShape = true;
        return op;
    }

    /** An op of fixed sample shapes. */
    private static Op of(String name, String signature, Function<Tensor[], Tensor> f) {
        return new Op(name, signature, f);
    }

    /** Two broadcasting tensors in: every broadcast pattern is a sample. */
    private static Op binary(String name, String signature, Function<Tensor[], Tensor> f, Domain a, Domain b) {
        return new Op(name, signature, f).sample(new Input(3, 4, a), new Input(3, 4, b)).broadcasting();
    }

    /** argmax/argmin's indices as a tensor keeping the reduced dim, as the differential test compares them. */
    public static Tensor indices(int[] index, int dim) {
        double[] v = new double[index.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = index[i];
        }
        return dim == 0 ? Tensor.of(1, v.length, v) : Tensor.of(v.length, 1, v);
    }

    /** argmax/argmin's indices as a tensor of the given dtype (that of the op's input, as comparisons' 0/1). */
    public static Tensor indices(int[] index, int dim, DType dtype) {
        return indices(index, dim).to(dtype);
    }

    private static List<Op> build() {
        List<Op> ops = new ArrayList<>();
        Order zero = Order.ZERO;
        Order none = Order.NONE;
        // ArithmeticOps: elementwise over two tensors, and with a number
        ops.add(binary("add", "add(Tensor)", xs -> xs[0].add(xs[1]), Z, Z).order(zero).tag("add"));
        ops.add(unary("add scalar", "add(double)", x -> x.add(2.5), Z).order(zero).tag("adds"));
        ops.add(binary("sub", "sub(Tensor)", xs -> xs[0].sub(xs[1]), Z, Z).order(zero).tag("sub"));
        ops.add(unary("sub scalar", "sub(double)", x -> x.sub(2.5), Z).order(zero).tag("subs"));
        ops.add(binary("mul", "mul(Tensor)", xs -> xs[0].mul(xs[1]), Z, Z).tag("mul"));
        ops.add(unary("mul scalar", "mul(double)", x -> x.mul(-1.5), Z).order(zero).tag("muls"));
        ops.add(binary("div", "div(Tensor)", xs -> xs[0].div(xs[1]), Z, Z).tag("div"));
        ops.add(unary("div scalar", "div(double)", x -> x.div(-1.5), Z).order(zero).tag("divs"));
        ops.add(binary("maximum", "maximum(Tensor)", xs -> xs[0].maximum(xs[1]), Z, Z).order(zero).tag("maximum"));
        ops.add(binary("minimum", "minimum(Tensor)", xs -> xs[0].minimum(xs[1]), Z, Z).order(zero).tag("minimum"));
        ops.add(binary("pow(Tensor)", "pow(Tensor)", xs -> xs[0].pow(xs[1]), P, Z).tag("powt"));
        ops.add(unary("neg", "neg()", Tensor::neg, Z).order(zero).tag("neg"));
        // MatrixOps
        ops.add(of("matmul", "matmul(Tensor)", xs -> xs[0].matmul(xs[1])).tag("matmul")
                .sample(new Input(3, 4, Z), new Input(4, 2, Z)).sample(new Input(1, 3, Z), new Input(3, 1, Z))
                .sample(new Input(4, 1, Z), new Input(1, 3, Z)));
        ops.add(of("matmulT", "matmulT(Tensor)", xs -> xs[0].matmulT(xs[1]))
                .sample(new Input(3, 4, Z), new Input(2, 4, Z)).sample(new Input(1, 3, Z), new Input(1, 3, Z))
                .sample(new Input(4, 1, Z), new Input(3, 1, Z)));
        ops.add(unary("t", "t()", Tensor::t, Z).order(zero).tag("t"));
        // UnaryOps
        ops.add(unary("exp", "exp()", Tensor::exp, Z).tag("exp"));
        ops.add(unary("log", "log()", Tensor::log, P).tag("log"));
        ops.add(unary("sqrt", "sqrt()", Tensor::sqrt, P).tag("sqrt"));
        ops.add(unary("abs", "abs()", Tensor::abs, Z).order(zero).tag("abs"));
        ops.add(unary("pow 3", "pow(double)", x -> x.pow(3), Z).tag("pow"));
        ops.add(unary("pow -1.5", "pow(double)", x -> x.pow(-1.5), P).tag("pow"));
        ops.add(unary("pow 0", "pow(double)", x -> x.pow(0), Z).tag("pow"));
        ops.add(unary("sigmoid", "sigmoid()", Tensor::sigmoid, Z).saturating().tag("sigmoid"));
        ops.add(unary("tanh", "tanh()", Tensor::tanh, Z).saturating().tag("tanh"));
        ops.add(unary("relu", "relu()", Tensor::relu, Z).order(zero).tag("relu"));
        ops.add(unary("logSigmoid", "logSigmoid()", Tensor::logSigmoid, Z).saturating().tag("logsigmoid"));
        ops.add(unary("softplus", "softplus()", Tensor::softplus, Z).saturating().tag("softplus"));
        ops.add(unary("softplus beta 2 threshold 3", "softplus(double,double)", x -> x.softplus(2, 3),
                Domain.OFF_BOUNDS).tag("softplusbt"));
        ops.add(unary("clamp", "clamp(double,double)", x -> x.clamp(-0.9, 1.1), Domain.OFF_BOUNDS).order(zero)
                .tag("clamp"));
        ops.add(unary("square", "square()", Tensor::square, Z).tag("square"));
        ops.add(unary("log1p", "log1p()", Tensor::log1p, P).tag("log1p"));
        ops.add(unary("expm1", "expm1()", Tensor::expm1, Z).tag("expm1"));
        ops.add(unary("reciprocal", "reciprocal()", Tensor::reciprocal, Z).tag("reciprocal"));
        ops.add(unary("rsqrt", "rsqrt()", Tensor::rsqrt, P).tag("rsqrt"));
        ops.add(unary("sin", "sin()", Tensor::sin, Z).tag("sin"));
        ops.add(unary("cos", "cos()", Tensor::cos, Z).tag("cos"));
        ops.add(unary("erf", "erf()", Tensor::erf, Z).tag("erf"));
        // Activations
        ops.add(unary("gelu", "gelu()", Tensor::gelu, Z).tag("gelu"));
        ops.add(unary("geluTanh", "geluTanh()", Tensor::geluTanh, Z).tag("gelutanh"));
        ops.add(unary("leakyRelu", "leakyRelu(double)", x -> x.leakyRelu(0.1), Z).order(zero).tag("leakyrelu"));
        ops.add(unary("elu", "elu(double)", x -> x.elu(0.7), Z).tag("elu"));
        ops.add(unary("silu", "silu()", Tensor::silu, Z).tag("silu"));
        ops.add(unary("hardtanh", "hardtanh(double,double)", x -> x.hardtanh(-0.9, 1.1), Domain.OFF_BOUNDS)
                .order(zero).tag("hardtanh"));
        // Reductions
        ops.add(unary("sum", "sum()", Tensor::sum, Z).order(zero).tag("sum"));
        ops.add(unary("mean", "mean()", Tensor::mean, Z).order(zero).tag("mean"));
        for (int d = 0; d <= 1; d++) {
            int dim = d;
            ops.add(unary("sum dim " + d, "sum(int)", x -> x.sum(dim), Z).order(zero).tag("sumd")
                    .alongDim(Tensor::sum));
            ops.add(unary("mean dim " + d, "mean(int)", x -> x.mean(dim), Z).order(zero).tag("meand")
                    .alongDim(Tensor::mean));
            ops.add(unary("max dim " + d, "max(int)", x -> x.max(dim), Domain.DISTINCT).order(zero).tag("max")
                    .alongDim(Tensor::max));
            ops.add(unary("min dim " + d, "min(int)", x -> x.min(dim), Domain.DISTINCT).order(zero).tag("mind")
                    .alongDim(Tensor::min));
            ops.add(unary("logSumExp dim " + d, "logSumExp(int)", x -> x.logSumExp(dim), Z).saturating().tag("lse")
                    .alongDim(Tensor::logSumExp));
            ops.add(unary("argmax dim " + d, "argmax(int)", x -> indices(x.argmax(dim), dim, x.dtype()), Z)
                    .order(none).tag("argmax").alongDim(Tensor::argmax));
            ops.add(unary("argmin dim " + d, "argmin(int)", x -> indices(x.argmin(dim), dim, x.dtype()), Z)
                    .order(none).tag("argmin").alongDim(Tensor::argmin));
        }
        // var and std need more rows than the correction: fixed shapes
        ops.add(of("var dim 0 unbiased", "var(int,int)", xs -> xs[0].var(0, 1)).sample(new Input(3, 4, Z)).tag("var")
                .alongDim((x, d) -> x.var(d, 1)));
        ops.add(of("var dim 1 biased", "var(int,int)", xs -> xs[0].var(1, 0)).sample(new Input(3, 4, Z)).tag("var"));
        ops.add(of("std dim 0 biased", "std(int,int)", xs -> xs[0].std(0, 0)).sample(new Input(3, 4, Z)).tag("std")
                .alongDim((x, d) -> x.std(d, 0)));
        ops.add(of("std dim 1 unbiased", "std(int,int)", xs -> xs[0].std(1, 1)).sample(new Input(3, 4, Z))
                .tag("std"));
        ops.add(unary("norm", "norm()", Tensor::norm, Z).tag("norm"));
        // Softmax
        for (int d = 0; d <= 1; d++) {
            int dim = d;
            ops.add(unary("softmax dim " + d, "softmax(int)", x -> x.softmax(dim), Z).saturating().tag("softmax")
                    .alongDim(Tensor::softmax));
            ops.add(unary("logSoftmax dim " + d, "logSoftmax(int)", x -> x.logSoftmax(dim), Z).saturating()
                    .tag("logsoftmax").alongDim(Tensor::logSoftmax));
        }
        // Comparisons: value only
        ops.add(binary("gt", "gt(Tensor)", xs -> xs[0].gt(xs[1]), Z, Z).order(none).tag("gt"));
        ops.add(unary("gt scalar", "gt(double)", x -> x.gt(0.5), Z).order(none).tag("gts"));
        ops.add(binary("ge", "ge(Tensor)", xs -> xs[0].ge(xs[1]), Z, Z).order(none).tag("ge"));
        ops.add(unary("ge scalar", "ge(double)", x -> x.ge(0.5), Z).order(none).tag("ges"));
        ops.add(binary("lt", "lt(Tensor)", xs -> xs[0].lt(xs[1]), Z, Z).order(none).tag("lt"));
        ops.add(unary("lt scalar", "lt(double)", x -> x.lt(0.5), Z).order(none).tag("lts"));
        ops.add(binary("le", "le(Tensor)", xs -> xs[0].le(xs[1]), Z, Z).order(none).tag("le"));
        ops.add(unary("le scalar", "le(double)", x -> x.le(0.5), Z).order(none).tag("les"));
        ops.add(binary("eq", "eq(Tensor)", xs -> xs[0].eq(xs[1]), Z, Z).order(none).tag("eq"));
        ops.add(unary("eq scalar", "eq(double)", x -> x.eq(0.5), Z).order(none).tag("eqs"));
        // IndexOps
        ops.add(of("gather dim 0", "gather(int,int[][])", xs -> xs[0].gather(0, new int[][] {{2, 0, 0, 1}}))
                .sample(new Input(3, 4, Z)).order(zero).tag("gather").alongDim((x, d) -> x.gather(d, new int[][] {{0}})));
        ops.add(of("gather dim 1, repeats", "gather(int,int[][])",
                xs -> xs[0].gather(1, new int[][] {{3, 3}, {0, 1}, {2, 2}})).sample(new Input(3, 4, Z)).order(zero)
                .tag("gather"));
        // the mask and the condition in the dtype of the first input: they select, they do not take part in promotion
        ops.add(of("maskedFill", "maskedFill(Tensor,double)",
                xs -> xs[0].maskedFill(Tensor.row(1, 0, 0, 1).to(xs[0].dtype()), 2.5))
                .sample(new Input(3, 4, Z)).order(zero).tag("maskedfill"));
        ops.add(of("where, broadcasting", "where(Tensor,Tensor,Tensor)",
                xs -> Tensor.where(Tensor.column(1, 0, 1).to(xs[0].dtype()), xs[0], xs[1]))
                .sample(new Input(3, 4, Z), new Input(1, 4, Z)).order(zero).tag("where"));
        ops.add(of("indexSelect dim 0, repeats", "indexSelect(int,int[])", xs -> xs[0].indexSelect(0, 2, 0, 2))
                .sample(new Input(3, 4, Z)).order(zero).tag("indexselect").alongDim((x, d) -> x.indexSelect(d, 0)));
        ops.add(of("indexSelect dim 1, repeats", "indexSelect(int,int[])", xs -> xs[0].indexSelect(1, 3, 3, 1))
                .sample(new Input(3, 4, Z)).order(zero).tag("indexselect"));
        // ShapeOps
        ops.add(of("to", "to(DType)", xs -> xs[0].to(DType.FLOAT64)).sample(new Input(3, 4, Z))
                .order(zero).yields(DType.FLOAT64));
        ops.add(of("reshape", "reshape(int,int)", xs -> xs[0].reshape(2, 6)).sample(new Input(3, 4, Z)).order(zero)
                .tag("reshape"));
        ops.add(of("narrow dim 0", "narrow(int,int,int)", xs -> xs[0].narrow(0, 1, 2)).sample(new Input(3, 4, Z))
                .order(zero).tag("narrow").alongDim((x, d) -> x.narrow(d, 0, 1)));
        ops.add(of("narrow dim 1", "narrow(int,int,int)", xs -> xs[0].narrow(1, -3, 2)).sample(new Input(3, 4, Z))
                .order(zero).tag("narrow"));
        ops.add(of("cat dim 0", "cat(int,Tensor[])", xs -> Tensor.cat(0, xs[0], xs[1], xs[0]))
                .sample(new Input(2, 3, Z), new Input(1, 3, Z)).order(zero).tag("cat")
                .alongDim((x, d) -> Tensor.cat(d, x, x)));
        ops.add(of("cat dim 1, a list", "cat(int,List)", xs -> Tensor.cat(1, List.of(xs[0], xs[1])))
                .sample(new Input(2, 3, Z), new Input(2, 1, Z)).order(zero).tag("cat"));
        // images as rows: two images of 2 channels, 3x4 pixels, a row each
        ops.add(of("unfold k2 d1 p1 s2", "unfold(ImageShape,int,int,int,int)", xs -> xs[0].unfold(IMAGES, 2, 1, 1, 2))
                .sample(new Input(2, IMAGES.size(), Z)).order(zero));
        ops.add(of("unfold k2 d2 p0 s1", "unfold(ImageShape,int,int,int,int)", xs -> xs[0].unfold(IMAGES, 2, 2, 0, 1))
                .sample(new Input(2, IMAGES.size(), Z)).order(zero));
        ops.add(of("fold k2 d1 p1 s1", "fold(ImageShape,int,int,int,int)", xs -> xs[0].fold(IMAGES, 2, 1, 1, 1))
                .sample(new Input(2, 2 * 2 * 2 * 4 * 5, Z)).order(zero));
        ops.add(of("conv2d k2 with bias", "conv2d(ImageShape,Tensor,Tensor,int,int,int)",
                xs -> xs[0].conv2d(IMAGES, xs[1], xs[2], 1, 0, 1))
                .sample(new Input(2, IMAGES.size(), Z), new Input(3, 2 * 2 * 2, Z), new Input(1, 3, Z)));
        ops.add(of("conv2d k2 s2 p1 d2 without bias", "conv2d(ImageShape,Tensor,Tensor,int,int,int)",
                xs -> xs[0].conv2d(IMAGES, xs[1], null, 2, 1, 2))
                .sample(new Input(2, IMAGES.size(), Z), new Input(2, 2 * 2 * 2, Z)));
        ops.add(of("maxPool2d k2 s1 p1", "maxPool2d(ImageShape,int,int,int)", xs -> xs[0].maxPool2d(IMAGES, 2, 1, 1))
                .sample(new Input(2, IMAGES.size(), Domain.DISTINCT)).order(zero));
        ops.add(of("maxPool2d k3 s2 p1", "maxPool2d(ImageShape,int,int,int)", xs -> xs[0].maxPool2d(IMAGES, 3, 2, 1))
                .sample(new Input(2, IMAGES.size(), Domain.DISTINCT)).order(zero));
        ops.add(of("avgPool2d k2 s1 p1", "avgPool2d(ImageShape,int,int,int)", xs -> xs[0].avgPool2d(IMAGES, 2, 1, 1))
                .sample(new Input(2, IMAGES.size(), Z)).order(zero));
        ops.add(of("avgPool2d k3 s2 p0", "avgPool2d(ImageShape,int,int,int)", xs -> xs[0].avgPool2d(IMAGES, 3, 2, 0))
                .sample(new Input(2, IMAGES.size(), Z)).order(zero));
        Set<String> names = new LinkedHashSet<>();
        for (Op op : ops) {
            if (!names.add(op.name())) {
                throw new IllegalStateException("two catalogue entries are named " + op.name());
            }
        }
        return Collections.unmodifiableList(ops);
    }

    /** {@return the differential test's op tags of every entry that has one} */
    public static Set<String> difftestTags() {
        Set<String> tags = new TreeSet<>();
        for (Op op : OPS) {
            if (op.difftest() != null) {
                tags.add(op.difftest());
            }
        }
        return tags;
    }

    /** {@return the entries of a given order} */
    public static List<Op> ofOrder(Order order) {
        return OPS.stream().filter(op -> op.order() == order).toList();
    }

    /**
     * Sample tensors of a sample's inputs, each a leaf requiring grad. Float32 samples are the float64 draws rounded
     * to nearest, so a sample's values lie in its domain in either dtype.
     *
     * @param sample the inputs
     * @param dtype the dtype of the tensors
     * @param rng the source of values; advanced
     * @return one tensor per input
     */
    public static Tensor[] tensors(List<Input> sample, Dtype dtype, Random rng) {
        Objects.requireNonNull(dtype, "dtype");
        Tensor[] out = new Tensor[sample.size()];
        for (int k = 0; k < out.length; k++) {
            Input in = sample.get(k);
            double[] v = new double[in.rows() * in.cols()];
            for (int i = 0; i < v.length; i++) {
                v[i] = value(in.domain(), rng);
            }
            if (dtype == Dtype.FLOAT32) {
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) {
                    f[i] = (float) v[i];
                }
                out[k] = Tensor.ofFloats(in.rows(), in.cols(), f).requiresGrad(true);
            } else {
                out[k] = Tensor.of(in.rows(), in.cols(), v).requiresGrad(true);
            }
        }
        return out;
    }

    private static double value(Domain d, Random rng) {
        switch (d) {
            case POSITIVE:
                return 0.5 + rng.nextDouble();
            default: {
                double m = 0.3 + 1.5 * rng.nextDouble();
                return rng.nextBoolean() ? m : -m;
            }
        }
    }

    /** {@return the signatures of the entries, each once} */
    public static Set<String> signatures() {
        Set<String> out = new TreeSet<>();
        OPS.forEach(op -> out.add(op.signature()));
        return out;
    }
}
