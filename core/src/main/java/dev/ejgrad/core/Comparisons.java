package dev.ejgrad.core;

import java.util.Objects;
import java.util.function.DoubleBinaryOperator;
import org.ejml.data.DMatrixRMaj;

/**
 * gt, ge, lt, le, eq: 0/1 values, broadcasting, never requiring grad. NaN compares false (NaN == NaN is 0), and
 * -0.0 == 0.0 is 1, as IEEE and libtorch.
 */
final class Comparisons {

    enum Op {
        GT("gt", (a, b) -> a > b ? 1 : 0),
        GE("ge", (a, b) -> a >= b ? 1 : 0),
        LT("lt", (a, b) -> a < b ? 1 : 0),
        LE("le", (a, b) -> a <= b ? 1 : 0),
        EQ("eq", (a, b) -> a == b ? 1 : 0);

        final String name;
        final DoubleBinaryOperator test;

        Op(String name, DoubleBinaryOperator test) {
            this.name = name;
            this.test = test;
        }
    }

    private Comparisons() {
    }

    static Tensor compare(Op op, Tensor a, Tensor b) {
        Objects.requireNonNull(b, op.name + ": other");
        return ArithmeticOps.zip(op.name, a, b, op.test);
    }
}
