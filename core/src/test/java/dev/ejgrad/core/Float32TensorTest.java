package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;

/**
 * Float32 tensors as API.md's third part has them: made, stored, read, cast, promoted and refused where PyTorch
 * refuses. The values of every op against libtorch are the golden tests' job.
 */
class Float32TensorTest {

    private static final Tensor X = Tensor.ofFloats(2, 3, 0.1f, -2.5f, 3f, 4f, -0.3f, 7.25f);
    private static final Tensor D = Tensor.of(new double[][] {{0.1, 2, 3}, {4, 5, 6}});

    /** Every element a float32 value: widening the float and rounding back changes nothing. */
    private static void assertFloat32(Tensor t) {
        assertEquals(DType.FLOAT32, t.dtype());
        float[][] f = t.toFloatArray();
        double[][] d = t.toArray();
        for (int i = 0; i < d.length; i++) {
            for (int j = 0; j < d[i].length; j++) {
                assertEquals((double) f[i][j], d[i][j], 0.0);
            }
        }
    }

    @Test
    void factoriesMakeFloat32ValuesRoundedToNearest() {
        assertEquals(DType.FLOAT64, Tensor.of(2, 2, 1, 2, 3, 4).dtype());
        Tensor full = Tensor.full(1, 2, 0.1, DType.FLOAT32);
        assertFloat32(full);
        assertEquals((double) 0.1f, full.get(0, 1), 0.0);
        assertEquals(0.0, Tensor.zeros(2, 3, DType.FLOAT32).sum().item(), 0.0);
        assertEquals(6.0, Tensor.ones(2, 3, DType.FLOAT32).sum().item(), 0.0);
        Tensor r = Tensor.randn(3, 4, new Random(7), DType.FLOAT32);
        double[][] wide = Tensor.randn(3, 4, new Random(7)).toArray();
        assertFloat32(r);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals((double) (float) wide[i][j], r.get(i, j), 0.0);
            }
        }
        assertFloat32(Tensor.rand(2, 2, new Random(1), DType.FLOAT32));
        Tensor rows = Tensor.of(new float[][] {{1.5f, 2f}, {3f, 1e-30f}});
        assertArrayEquals(new float[] {3f, 1e-30f}, rows.toFloatArray()[1]);
        assertEquals(1e-30f, rows.get(1, 1), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofFloats(2, 2, 1f, 2f, 3f));
        assertEquals("ofFloats: shape 2x2 needs 4 values, got 3", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[][] {{1f}, {1f, 2f}}));
    }

    @Test
    void castsRoundToNearestWidenExactlyAndReturnTheTensorForItsOwnDtype() {
        assertSame(X, X.to(DType.FLOAT32));
        assertSame(D, D.to(DType.FLOAT64));
        Tensor f = D.to(DType.FLOAT32);
        assertFloat32(f);
        assertEquals((double) 0.1f, f.get(0, 0), 0.0);
        Tensor back = f.to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, back.dtype());
        assertEquals((double) 0.1f, back.get(0, 0), 0.0);
        // ties go to even: 1 + 2^-24 lies halfway between 1 and the next float
        assertEquals(1.0, Tensor.scalar(1 + Math.pow(2, -24)).to(DType.FLOAT32).item(), 0.0);
        IllegalStateException e = assertThrows(IllegalStateException.class, D::toFloatArray);
        assertTrue(e.getMessage().contains("FLOAT64") && e.getMessage().contains("FLOAT32"), e.getMessage());
    }

    @Test
    void aCastsGradientIsCastBackToItsInputsDtype() {
        Tensor d = Tensor.row(0.5, -1.25).requiresGrad(true);
        d.to(DType.FLOAT32).exp().sum().backward();
        assertEquals(DType.FLOAT64, d.grad().dtype());
        assertEquals((double) (float) Math.exp(0.5), d.grad().get(0, 0), 0.0);
        Tensor f = Tensor.ofFloats(1, 2, 0.5f, -1.25f).requiresGrad(true);
        f.to(DType.FLOAT64).mul(D.narrow(0, 0, 1).narrow(1, 0, 2)).sum().backward();
        assertFloat32(f.grad());
        assertArrayEquals(new float[] {0.1f, 2f}, f.grad().toFloatArray()[0]);
    }

    @Test
    void float32OpsStayFloat32AndDoubleArgumentsDoNotPromote() {
        Tensor x = X.requiresGrad(false);
        List<Tensor> results = List.of(x.add(1.5), x.mul(0.1), x.pow(2.0), x.clamp(-1, 1), x.exp(), x.relu(),
                x.sum(), x.mean(1), x.softmax(1), x.logSoftmax(0), x.gt(0.5), x.maskedFill(D.gt(3), 0.25),
                x.matmul(x.t()), x.matmulT(x), x.t(), x.reshape(3, 2), Tensor.cat(0, x, x), x.var(1, 1));
        for (Tensor t : results) {
            assertFloat32(t);
        }
        // the double is rounded to float32 first, as PyTorch's scalar of a float32 op
        assertEquals((double) (0.1f * 0.1f), x.mul(0.1).get(0, 0), 0.0);
        assertEquals((double) (0.1f + 0.3f), Tensor.ofFloats(1, 1, 0.1f).add(0.3).item(), 0.0);
    }

    @Test
    void aFloat64TensorPromotesElementwiseOpsComparisonsWhereAndCat() {
        for (Tensor t : List.of(X.add(D), D.sub(X), X.mul(D), X.div(D), X.maximum(D), X.pow(D.abs()), X.gt(D),
                D.eq(X), Tensor.where(X.gt(0), X, D), Tensor.cat(1, X, D))) {
            assertEquals(DType.FLOAT64, t.dtype(), t.toString());
        }
        assertEquals(DType.FLOAT32, Tensor.where(D.gt(0), X, X.mul(2)).dtype());   // the condition does not count
        // computed in float64 from the float32 value: 0.1f + 0.1 is not a float32 sum
        assertEquals((double) 0.1f + 0.1, X.add(D).get(0, 0), 0.0);
    }

    @Test
    void matrixProductsRefuseMixedDtypesNamingBoth() {
        for (IllegalArgumentException e : List.of(
                assertThrows(IllegalArgumentException.class, () -> X.matmul(D.t())),
                assertThrows(IllegalArgumentException.class, () -> D.matmulT(X)))) {
            assertTrue(e.getMessage().contains("FLOAT32") && e.getMessage().contains("FLOAT64"), e.getMessage());
        }
    }

    @Test
    void gradientsHaveTheirTensorsDtypeThroughAMixedGraph() {
        Tensor w = Tensor.ofFloats(3, 2, 1, 2, 3, 4, 5, 6).requiresGrad(true);
        Tensor b = Tensor.row(0.5, 0.25).requiresGrad(true);
        Tensor x = Tensor.ofFloats(1, 3, 1, -1, 2).requiresGrad(true);
        Tensor y = x.matmul(w).add(b).tanh().sum();   // float32 product, then float64 from the bias on
        assertEquals(DType.FLOAT64, y.dtype());
        y.backward();
        assertFloat32(w.grad());
        assertFloat32(x.grad());
        assertEquals(DType.FLOAT64, b.grad().dtype());
        List<Tensor> g = Autograd.grad(x.matmul(w).sum(), List.of(x, w));
        assertFloat32(g.get(0));
        assertFloat32(g.get(1));
        assertArrayEquals(new float[] {3, 7, 11}, g.get(0).toFloatArray()[0]);
    }

    @Test
    void aCustomOpOnFloat32InputsGivesFloat32() {
        Tensor x = Tensor.ofFloats(1, 2, 0.1f, 3f).requiresGrad(true);
        DMatrixRMaj v = Autograd.valuesOf(x);
        assertEquals((double) 0.1f, v.get(0, 0), 0.0);
        DMatrixRMaj cube = new DMatrixRMaj(1, 2, true, v.get(0, 0) * v.get(0, 0) * v.get(0, 0), 27);
        Tensor y = Autograd.op("cube", cube, x, g -> g.mul(x.pow(2).mul(3)));
        assertFloat32(y);
        assertEquals((double) (float) (v.get(0, 0) * v.get(0, 0) * v.get(0, 0)), y.get(0, 0), 0.0);
        y.sum().backward();
        assertFloat32(x.grad());
    }

    @Test
    void readingWidensExactly() {
        assertEquals((double) 0.1f, X.get(0, 0), 0.0);
        assertEquals((double) -0.3f, X.toArray()[1][1], 0.0);
        assertEquals((double) 7.25f, X.narrow(1, 2, 1).narrow(0, 1, 1).item(), 0.0);
        assertEquals((double) 0.1f, X.toMatrix().get(0, 0), 0.0);
        assertTrue(X.toString().startsWith("tensor(2x3, dtype=float32)"), X.toString());
        assertTrue(D.toString().startsWith("tensor(2x3)"), D.toString());
    }

    @Test
    void updatesInPlaceKeepFloat32Values() {
        Tensor p = Tensor.ofFloats(1, 2, 1f, 2f).requiresGrad(true);
        p.mul(Tensor.ofFloats(1, 2, 3f, 5f)).sum().backward();
        p.updateInPlace((v, g) -> {
            v[0] -= 0.1 * g[0];
            v[1] += 1e-12;
        });
        assertEquals((double) (float) (1 - 0.1 * 3), p.get(0, 0), 0.0);
        assertEquals(2.0, p.get(0, 1), 0.0);
        p.updateFloatsInPlace((v, g) -> v[1] -= 0.1f * g[1]);
        assertEquals((double) (2f - 0.1f * 5f), p.get(0, 1), 0.0);
        assertFloat32(p);
        assertThrows(IllegalStateException.class, () -> D.updateFloatsInPlace((v, g) -> { }));
        assertThrows(IllegalStateException.class, () -> p.grad().updateFloatsInPlace((v, g) -> { }));
    }

    @Test
    void setGradWantsTheTensorsDtype() {
        Tensor p = Tensor.ofFloats(1, 2, 1f, 2f).requiresGrad(true);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.setGrad(Tensor.row(1, 2)));
        assertTrue(e.getMessage().contains("FLOAT32") && e.getMessage().contains("FLOAT64"), e.getMessage());
        p.setGrad(Tensor.ofFloats(1, 2, 0.5f, 1f));
        assertFloat32(p.grad());
    }

    @Test
    void derivativeCheckersRefuseFloat32SayingToUseFloat64() {
        Tensor x = Tensor.ofFloats(1, 2, 1f, 2f).requiresGrad(true);
        List<IllegalArgumentException> errors = List.of(
                assertThrows(IllegalArgumentException.class, () -> GradCheck.check(xs -> xs[0].exp().sum(), x)),
                assertThrows(IllegalArgumentException.class,
                        () -> GradCheck.checkGradGrad(xs -> xs[0].exp().sum(), x)),
                assertThrows(IllegalArgumentException.class, () -> Derivatives.hessian(t -> t.exp().sum(), x)),
                assertThrows(IllegalArgumentException.class, () -> Derivatives.jacobian(Tensor::exp, x)));
        for (IllegalArgumentException e : errors) {
            assertTrue(e.getMessage().contains("FLOAT32") && e.getMessage().contains("x.to(DType.FLOAT64)"),
                    e.getMessage());
        }
    }

    @Test
    void aFloat32ProductDoesNotDependOnTheThreadCount() {
        Tensor a = Tensor.randn(256, 300, new Random(3), DType.FLOAT32);
        Tensor b = Tensor.randn(300, 200, new Random(4), DType.FLOAT32);
        Tensor c = a.matmul(b);
        assertFloat32(c);
        // the float32 GEMM accumulates in float32: within its bound of the float64 product, not equal to it
        Tensor exact = a.to(DType.FLOAT64).matmul(b.to(DType.FLOAT64));
        double worst = c.to(DType.FLOAT64).sub(exact).abs().max(0).max(1).item();
        assertTrue(worst > 0 && worst < 300 * 0x1p-24 * 300, "worst " + worst);
        // a one-row product runs on one thread; its rows are the same sums
        Tensor row = a.narrow(0, 17, 1).matmul(b);
        assertArrayEquals(c.narrow(0, 17, 1).toFloatArray()[0], row.toFloatArray()[0]);
    }
}
