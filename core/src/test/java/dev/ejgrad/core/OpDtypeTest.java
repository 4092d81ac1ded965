package dev.ejgrad.core;

import static dev.ejgrad.testing.Golden.assertClose;
import static dev.ejgrad.testing.Golden.assertFloat32Values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.testing.Golden;
import dev.ejgrad.testing.OpCatalogue;
import dev.ejgrad.testing.OpCatalogue.Dtype;
import dev.ejgrad.testing.OpCatalogue.Input;
import dev.ejgrad.testing.OpCatalogue.Op;
import dev.ejgrad.testing.OpCatalogue.Order;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op of the catalogue ({@link OpCatalogue}) on the samples of every dtype of {@link OpCatalogue#DTYPES}: the
 * result has the samples' dtype (a {@code double} argument never promotes; a cast has its own) and, in float32, holds
 * float32 values; its value is within the dtype's rounding (float32: 1e-5·max(1, |x|)) of the float64 computation on
 * the same inputs widened, exactly for the value-only ops (comparisons, argmax); each input's gradient has the input's dtype and is
 * within the same rounding of the float64 gradient. An op of several tensors with one input float64 and the others in
 * another dtype computes in float64 (its value within 1e-12 of the float64 computation) and gives each input a
 * gradient of its own dtype within float32's rounding, as {@code torch.result_type} and PyTorch's autograd;
 * the products ({@code matmul}, {@code matmulT}, {@code conv2d}) refuse mixed dtypes, as PyTorch's {@code mm} and
 * {@code conv2d}, with a message that starts with the op's name and names both dtypes.
 */
class OpDtypeTest {

    /** The ops that refuse mixed dtypes, as PyTorch's mm and conv2d ("expected scalar type Float but found Double"). */
    private static final Set<String> REFUSE_MIXED = Set.of("matmul", "matmulT", "conv2d");

    private static final Random RNG = new Random(17);

    /** The rounding a dtype's result may carry against the float64 computation on the same values. */
    private static double tolerance(Dtype dtype) {
        return dtype == Dtype.FLOAT64 ? 0 : Golden.FLOAT32_TOLERANCE;
    }

    private static String name(Op op, List<Input> sample, Dtype dtype) {
        StringBuilder name = new StringBuilder(op.name());
        sample.forEach(in -> name.append(' ').append(in.rows()).append('x').append(in.cols()));
        return name + " " + dtype;
    }

    /** (name, op, dtype, inputs) of every sample of every op in every dtype. */
    static Stream<Arguments> samples() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Dtype dtype : OpCatalogue.DTYPES) {
            for (Op op : OpCatalogue.OPS) {
                for (List<Input> sample : op.samples()) {
                    b.add(Arguments.of(name(op, sample, dtype), op, dtype, OpCatalogue.tensors(sample, dtype, RNG)));
                }
            }
        }
        return b.build();
    }

    /** The samples of the entries with a {@code double} argument, in every dtype. */
    static Stream<Arguments> doubleArguments() {
        return samples().filter(a -> ((Op) a.get()[1]).signature().contains("double"));
    }

    /** (name, op, inputs, k): the samples of two or more tensors, input k float64 and the others float32. */
    static Stream<Arguments> mixed() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (Dtype dtype : OpCatalogue.DTYPES) {
            if (dtype == Dtype.FLOAT64) {
                continue;
            }
            for (Op op : OpCatalogue.OPS) {
                for (List<Input> sample : op.samples()) {
                    if (sample.size() < 2) {
                        continue;
                    }
                    for (int k = 0; k < sample.size(); k++) {
                        Tensor[] xs = OpCatalogue.tensors(sample, dtype, RNG);
                        xs[k] = xs[k].detach().to(DType.FLOAT64).requiresGrad(true);
                        b.add(Arguments.of(name(op, sample, dtype) + " with input " + k + " FLOAT64", op, xs, k));
                    }
                }
            }
        }
        return b.build();
    }

    @Test
    void everyDtypeHasSamplesAndSomeOpsMixTwoTensors() {
        assertEquals(OpCatalogue.DTYPES.size() * OpCatalogue.OPS.stream().mapToLong(op -> op.samples().size()).sum(),
                samples().count());
        assertTrue(doubleArguments().count() >= OpCatalogue.DTYPES.size() * 18L, "ops with a double argument");
        assertTrue(mixed().count() >= 2 * 9 * 7, "mixed-dtype samples of the broadcasting ops");
    }

    /** Widened copies of the inputs: float64 leaves with the same values. */
    private static Tensor[] widened(Tensor[] xs) {
        Tensor[] out = new Tensor[xs.length];
        for (int k = 0; k < xs.length; k++) {
            out[k] = xs[k].detach().to(DType.FLOAT64).requiresGrad(true);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void resultHasTheDtypeAndIsTheFloat64ValueRounded(String name, Op op, Dtype dtype, Tensor[] xs) {
        for (Tensor x : xs) {
            assertEquals(dtype.dtype(), x.dtype(), name + ": the sample's dtype");
        }
        Tensor out = op.apply(xs);
        Tensor[] wide = widened(xs);
        Tensor reference = op.apply(wide);
        assertEquals(DType.FLOAT64, reference.dtype(), name + ": the reference is float64");
        DType expected = op.yields() != null ? op.yields() : dtype.dtype();
        assertEquals(expected, out.dtype(), name + ": the result's dtype");
        if (expected == DType.FLOAT32) {
            assertFloat32Values(name + " output", out);
        }
        double tol = op.order() == Order.NONE ? 0 : tolerance(dtype);
        assertClose(name + " output", reference, out, tol);
        if (op.order() == Order.NONE) {
            assertFalse(out.requiresGrad(), name);
            return;
        }
        Tensor g = Tensor.rand(out.rows(), out.cols(), new Random(5)).add(0.5);
        out.backward(g.to(dtype.dtype()));
        reference.backward(g.to(dtype.dtype()).to(DType.FLOAT64));
        for (int k = 0; k < xs.length; k++) {
            Tensor grad = xs[k].grad();
            assertNotNull(grad, name + ": input " + k + " has a gradient");
            assertEquals(dtype.dtype(), grad.dtype(), name + ": the gradient of input " + k + " has its dtype");
            if (dtype == Dtype.FLOAT32) {
                assertFloat32Values(name + " grad " + k, grad);
            }
            assertClose(name + " grad " + k, wide[k].grad(), grad, tolerance(dtype));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("doubleArguments")
    void aDoubleArgumentDoesNotPromote(String name, Op op, Dtype dtype, Tensor[] xs) {
        assertEquals(dtype.dtype(), op.apply(xs).dtype(), name + ": " + op.signature() + " keeps the dtype");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mixed")
    void aFloat64TensorPromotesOrIsRefused(String name, Op op, Tensor[] xs, int k) {
        if (REFUSE_MIXED.contains(op.method())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.apply(xs), name);
            String m = e.getMessage().toLowerCase(Locale.ROOT);
            assertTrue(m.contains("float32") && m.contains("float64"), name + ": names both dtypes: "
                    + e.getMessage());
            assertTrue(e.getMessage().startsWith(op.method() + ":"), name + ": names the op: " + e.getMessage());
            return;
        }
        Tensor out = op.apply(xs);
        assertEquals(DType.FLOAT64, out.dtype(), name + ": a float64 tensor promotes");
        Tensor[] wide = widened(xs);
        Tensor reference = op.apply(wide);
        assertClose(name + " output", reference, out, Golden.TOLERANCE);
        if (op.order() == Order.NONE) {
            assertFalse(out.requiresGrad(), name);
            return;
        }
        Tensor g = Tensor.rand(out.rows(), out.cols(), new Random(5)).add(0.5);
        out.backward(g);
        reference.backward(g);
        for (int i = 0; i < xs.length; i++) {
            Tensor grad = xs[i].grad();
            assertNotNull(grad, name + ": input " + i + " has a gradient");
            assertEquals(xs[i].dtype(), grad.dtype(), name + ": the gradient of input " + i + " has its dtype");
            // float32's rounding even for the float64 input: a rule may compute a part in an input's own dtype, as
            // PyTorch's autograd does (pow's log(a) of a float32 base, b - 1 of a float32 exponent)
            assertClose(name + " grad " + i, wide[i].grad(), grad, Golden.FLOAT32_TOLERANCE);
        }
    }
}
