package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.testing.OpCatalogue;
import dev.ejgrad.testing.OpCatalogue.Op;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error path of core: the exception type, and a message that names the op and the shapes or values. The
 * broadcast and dim errors run over every op of the catalogue ({@link OpCatalogue}) that broadcasts or takes a dim.
 */
class ErrorsTest {

    /** Every broadcasting op of the catalogue. */
    static Stream<Arguments> broadcastingOps() {
        return OpCatalogue.OPS.stream().filter(Op::broadcasts).map(op -> Arguments.of(op.name(), op));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broadcastingOps")
    void binaryOpsNameTheOpAndBothShapes(String name, Op op) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> op.apply(Tensor.zeros(3, 4), Tensor.zeros(2, 4)));
        assertEquals(op.method() + ": shapes 3x4 and 2x4 do not broadcast", e.getMessage());
    }

    @Test
    void rowByColumnBroadcastsButMismatchedSidesDoNot() {
        assertEquals(12, Tensor.zeros(3, 1).add(Tensor.zeros(1, 4)).numel());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(3, 2).add(Tensor.zeros(1, 4)));
        assertTrue(e.getMessage().contains("3x2") && e.getMessage().contains("1x4"), e.getMessage());
    }

    @Test
    void matmulNamesBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)));
        assertEquals("matmul: shapes 2x3 and 4x5 cannot be multiplied (3 columns vs 4 rows)", e.getMessage());
    }

    @Test
    void matmulTNamesBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(2, 3).matmulT(Tensor.zeros(4, 5)));
        assertEquals("matmulT: shapes 2x3 and 4x5 cannot be multiplied as a·bᵀ (3 columns vs 5 columns)",
                e.getMessage());
    }

    @Test
    void raggedRowsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new double[][] {{1, 2}, {3}}));
        assertTrue(e.getMessage().contains("ragged") && e.getMessage().contains("row 1 has 1"), e.getMessage());
    }

    @Test
    void wrongValueCountIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.of(2, 3, 1, 2));
        assertEquals("of: shape 2x3 needs 6 values, got 2", e.getMessage());
    }

    @Test
    void negativeSizesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(-1, 3));
        assertTrue(e.getMessage().contains("-1x3"), e.getMessage());
    }

    /** Every op of the catalogue that takes a dim. */
    static Stream<Arguments> dims() {
        return OpCatalogue.OPS.stream().filter(op -> op.atDim() != null).map(op -> Arguments.of(op.name(), op));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dims")
    void badDimsNameTheOpAndTheDim(String name, Op op) {
        Tensor x = Tensor.zeros(2, 3);
        for (int dim : new int[] {2, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> op.atDim().apply(x, dim));
            assertTrue(e.getMessage().startsWith(op.method() + ": dim must be 0") && e.getMessage().contains("got "
                    + dim), e.getMessage());
        }
    }

    @Test
    void clampWithMinAboveMaxNamesBothBounds() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(1, 1).clamp(2, 1));
        assertEquals("clamp: need min <= max, got min 2.0 and max 1.0", e.getMessage());
    }

    @Test
    void maxOverAnEmptyDimensionIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 0).max(1));
        assertTrue(e.getMessage().contains("2x0"), e.getMessage());
    }

    @Test
    void getOutOfRangeNamesIndexAndShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3).get(2, 0));
        assertEquals("get: index (2, 0) is out of range for shape 2x3", e.getMessage());
    }

    @Test
    void itemOnANonScalarIsAStateError() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Tensor.zeros(2, 3).item());
        assertTrue(e.getMessage().contains("2x3"), e.getMessage());
    }

    @Test
    void nullArgumentsNameTheParameter() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Tensor.zeros(1, 1).add(null));
        assertTrue(e.getMessage().contains("add"), e.getMessage());
        assertThrows(NullPointerException.class, () -> Tensor.randn(1, 1, null));
    }
}
