package dev.ejgrad.nn.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss in float32: input, target and tensor options of one dtype give a result of that dtype (each reduction),
 * within float32's rounding of the float64 loss of the same values; any one of them in the other dtype is refused
 * before computing, with both dtypes and the argument named. One entry per loss configuration.
 */
class Float32LossesTest {

    /** A loss applied to {@code args} (input first, then target and options), with their names for the messages. */
    record Case(String name, Function<Tensor[], Tensor> loss, List<String> names, Function<Random, Tensor[]> args) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final int[] CLASSES = {2, 0, 1, 2};
    private static final int[] CLASSES_IGNORING = {2, -100, 1, 0};

    static Stream<Case> losses() {
        List<Case> out = new ArrayList<>();
        for (Reduction r : List.of(Reduction.MEAN, Reduction.SUM, Reduction.NONE)) {
            out.add(new Case("MSELoss " + r, a -> new MSELoss().reduction(r).forward(a[0], a[1]),
                    List.of("input", "target"), rng -> new Tensor[] {Tensor.randn(4, 3, rng), Tensor.randn(4, 3, rng)}));
            out.add(new Case("BCELoss weight " + r, a -> new BCELoss().weight(a[2]).reduction(r).forward(a[0], a[1]),
                    List.of("input", "target", "weight"), rng -> new Tensor[] {
                        Tensor.rand(4, 3, rng).mul(0.9).add(0.05), Tensor.rand(4, 3, rng), Tensor.rand(1, 3, rng)}));
            out.add(new Case("BCEWithLogitsLoss weight posWeight " + r,
                    a -> new BCEWithLogitsLoss().weight(a[2]).posWeight(a[3]).reduction(r).forward(a[0], a[1]),
                    List.of("input", "target", "weight", "posWeight"), rng -> new Tensor[] {Tensor.randn(4, 3, rng),
                        Tensor.rand(4, 3, rng), Tensor.rand(4, 1, rng), Tensor.rand(1, 3, rng).add(0.5)}));
            out.add(new Case("CrossEntropyLoss indices weight smoothing " + r,
                    a -> new CrossEntropyLoss().weight(a[1]).labelSmoothing(0.1).reduction(r)
                            .forward(a[0], CLASSES_IGNORING),
                    List.of("input", "weight"), rng -> new Tensor[] {Tensor.randn(4, 3, rng), Tensor.rand(1, 3, rng)}));
            out.add(new Case("CrossEntropyLoss probabilities weight " + r,
                    a -> new CrossEntropyLoss().weight(a[2]).reduction(r).forward(a[0], a[1]),
                    List.of("input", "target", "weight"), rng -> new Tensor[] {Tensor.randn(4, 3, rng),
                        Tensor.randn(4, 3, rng).softmax(1), Tensor.rand(1, 3, rng)}));
            out.add(new Case("NLLLoss weight " + r, a -> new NLLLoss().weight(a[1]).reduction(r).forward(a[0], CLASSES),
                    List.of("input", "weight"), rng -> new Tensor[] {Tensor.randn(4, 3, rng).logSoftmax(1),
                        Tensor.rand(1, 3, rng)}));
            out.add(new Case("KLDivLoss " + r, a -> new KLDivLoss().reduction(r).forward(a[0], a[1]),
                    List.of("input", "target"), rng -> new Tensor[] {Tensor.randn(4, 3, rng).logSoftmax(1),
                        Tensor.randn(4, 3, rng).softmax(1)}));
            out.add(new Case("PoissonNLLLoss full rates " + r,
                    a -> new PoissonNLLLoss().logInput(false).full(true).reduction(r).forward(a[0], a[1]),
                    List.of("input", "target"), rng -> new Tensor[] {Tensor.rand(4, 3, rng).add(0.1),
                        Tensor.of(4, 3, 0, 1, 2, 3, 4, 5, 0, 2, 7, 1, 1, 3)}));
            out.add(new Case("GaussianNLLLoss full " + r,
                    a -> new GaussianNLLLoss().full(true).reduction(r).forward(a[0], a[1], a[2]),
                    List.of("input", "target", "var"), rng -> new Tensor[] {Tensor.randn(4, 3, rng),
                        Tensor.randn(4, 3, rng), Tensor.rand(4, 1, rng).add(0.1)}));
        }
        out.add(new Case("KLDivLoss logTarget BATCHMEAN",
                a -> new KLDivLoss().logTarget(true).reduction(Reduction.BATCHMEAN).forward(a[0], a[1]),
                List.of("input", "target"), rng -> new Tensor[] {Tensor.randn(4, 3, rng).logSoftmax(1),
                    Tensor.randn(4, 3, rng).logSoftmax(1)}));
        return out.stream();
    }

    /** The case's arguments drawn from a seed, rounded to float32 values, in {@code dtype}. */
    private static Tensor[] args(Case c, DType dtype) {
        Tensor[] a = c.args().apply(new Random(11));
        for (int i = 0; i < a.length; i++) {
            a[i] = a[i].to(DType.FLOAT32).to(dtype);
        }
        a[0].requiresGrad(true);
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void aLossOfFloat32TensorsIsFloat32AndMatchesFloat64(Case c) {
        Tensor[] a64 = args(c, DType.FLOAT64);
        Tensor[] a32 = args(c, DType.FLOAT32);
        Tensor l64 = c.loss().apply(a64);
        Tensor l32 = c.loss().apply(a32);
        assertEquals(DType.FLOAT32, l32.dtype(), c.name());
        for (int i = 0; i < l32.rows(); i++) {
            double v = l32.get(i, 0);
            assertEquals((double) (float) v, v, 0, c.name() + ": a float32 value");
            assertEquals(l64.get(i, 0), v, 1e-5 * Math.max(1, Math.abs(l64.get(i, 0))), c.name() + " row " + i);
        }
        l64.add(1).square().sum().backward();
        l32.add(1).square().sum().backward();
        assertEquals(DType.FLOAT32, a32[0].grad().dtype(), c.name() + " input grad");
        double[][] g64 = a64[0].grad().toArray();
        double[][] g32 = a32[0].grad().toArray();
        for (int i = 0; i < g64.length; i++) {
            for (int j = 0; j < g64[i].length; j++) {
                assertEquals(g64[i][j], g32[i][j], 1e-4 * Math.max(1, Math.abs(g64[i][j])),
                        c.name() + " grad (" + i + ", " + j + ")");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void anyArgumentInTheOtherDtypeIsRefusedNamingBoth(Case c) {
        for (int k = 1; k < c.names().size(); k++) {
            for (DType input : DType.values()) {
                DType other = input == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
                Tensor[] a = args(c, input);
                a[k] = a[k].to(other);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.loss().apply(a),
                        c.name() + " with " + c.names().get(k) + " " + other);
                String m = e.getMessage();
                assertTrue(m.contains(input.toString()) && m.contains(other.toString())
                        && m.contains(c.names().get(k)) && m.startsWith(c.name().split(" ")[0] + ":"), m);
                assertNull(a[0].grad(), "nothing computed");
            }
        }
    }
}
