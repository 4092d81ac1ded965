package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernels in use against the plain-Java reference. Surefire runs this suite twice, with and without
 * {@code jdk.incubator.vector}, so both paths are checked; where the fast kernels are present they must agree with
 * the reference to 1e-12 and give bit-identical results on 1 and on 2 threads.
 */
class KernelsTest {

    private static DMatrixRMaj random(int rows, int cols, long seed) {
        Random rng = new Random(seed);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextGaussian();
        }
        return m;
    }

    /** Shapes around every blocking edge: tiles of 4 rows, panels of 12 or 24 columns, KC 256, MC 128. */
    static Stream<Arguments> shapes() {
        int[][] s = {{1, 1, 1}, {3, 5, 7}, {4, 24, 8}, {5, 25, 9}, {128, 256, 784}, {128, 10, 256}, {10, 256, 128},
            {129, 97, 257}, {256, 784, 128}, {7, 1, 300}, {1, 300, 7}, {130, 50, 513}};
        return Stream.of(s).map(x -> Arguments.of(x[0], x[1], x[2]));
    }

    private static void assertClose(DMatrixRMaj expected, DMatrixRMaj actual, String what) {
        for (int i = 0; i < expected.data.length; i++) {
            double e = expected.data[i];
            assertEquals(e, actual.data[i], 1e-12 * Math.max(1, Math.abs(e)), what + " element " + i);
        }
    }

    @ParameterizedTest(name = "{0}x{2} · {2}x{1}")
    @MethodSource("shapes")
    void allThreeProductsAgreeWithThePlainJavaReference(int m, int n, int k) {
        Kernels fast = Kernels.get();
        Kernels ref = JavaKernels.INSTANCE;
        DMatrixRMaj a = random(m, k, 1);
        DMatrixRMaj b = random(k, n, 2);
        DMatrixRMaj at = random(k, m, 3);
        DMatrixRMaj bt = random(n, k, 4);

        DMatrixRMaj c1 = new DMatrixRMaj(m, n);
        DMatrixRMaj c2 = new DMatrixRMaj(m, n);
        c2.fill(123);   // kernels overwrite, they do not accumulate into stale values
        ref.mult(a, b, c1);
        fast.mult(a, b, c2);
        assertClose(c1, c2, "a·b");
        ref.multTransA(at, b, c1);
        fast.multTransA(at, b, c2);
        assertClose(c1, c2, "aᵀ·b");
        ref.multTransB(a, bt, c1);
        fast.multTransB(a, bt, c2);
        assertClose(c1, c2, "a·bᵀ");
    }

    @Test
    void expAndTanhAgreeWithMathAcrossTheirRange() {
        int n = 1003;   // not a multiple of the vector length, so the masked tail runs too
        DMatrixRMaj x = new DMatrixRMaj(1, n);
        for (int i = 0; i < n; i++) {
            x.data[i] = -745 + 1454.0 * i / (n - 1);   // exp underflows to 0 below, overflows near 709.8
        }
        x.data[0] = Double.NEGATIVE_INFINITY;
        x.data[1] = Double.NaN;
        x.data[2] = -0.0;
        DMatrixRMaj e = new DMatrixRMaj(1, n);
        DMatrixRMaj t = new DMatrixRMaj(1, n);
        Kernels.get().exp(x, e);
        Kernels.get().tanh(x, t);
        for (int i = 0; i < n; i++) {
            double ee = Math.exp(x.data[i]);
            double te = Math.tanh(x.data[i]);
            String at = "at x = " + x.data[i];
            if (Double.isFinite(ee)) {
                assertEquals(ee, e.data[i], 1e-15 * Math.abs(ee), "exp " + at);
            } else {
                assertEquals(ee, e.data[i], "exp " + at);
            }
            if (Double.isNaN(te)) {
                assertTrue(Double.isNaN(t.data[i]), "tanh " + at);
            } else {
                assertEquals(te, t.data[i], 1e-15 * Math.max(1e-300, Math.abs(te)), "tanh " + at);
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        DMatrixRMaj a = random(256, 784, 5);
        DMatrixRMaj b = random(784, 300, 6);
        DMatrixRMaj c1 = new DMatrixRMaj(256, 300);
        DMatrixRMaj c2 = new DMatrixRMaj(256, 300);
        ScalarGemm.gemm(new Workers(1), false, false, 256, 300, 784, a.data, b.data, c1.data);
        ScalarGemm.gemm(new Workers(2), false, false, 256, 300, 784, a.data, b.data, c2.data);
        assertSameBits(c1, c2, "scalar GEMM, 1 and 2 threads");
        if (!(Kernels.get() instanceof StagedKernels)) {
            assertTrue(KernelSelection.describe().startsWith("plain Java"));
            return;   // the plain-Java path is single-threaded
        }
        new VectorKernels(new Workers(1)).mult(a, b, c1);
        new VectorKernels(new Workers(2)).mult(a, b, c2);
        assertSameBits(c1, c2, "vector GEMM, 1 and 2 threads");
    }

    private static void assertSameBits(DMatrixRMaj expected, DMatrixRMaj actual, String what) {
        for (int i = 0; i < expected.data.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected.data[i]), Double.doubleToRawLongBits(actual.data[i]),
                    what + " element " + i + ": " + expected.data[i] + " and " + actual.data[i]);
        }
    }

    @ParameterizedTest(name = "{0}x{2} · {2}x{1}")
    @MethodSource("shapes")
    void theScalarGemmAgreesWithTheReferenceAndGivesTheVectorGemmsBitsExactly(int m, int n, int k) {
        DMatrixRMaj a = random(m, k, 7);
        DMatrixRMaj b = random(k, n, 8);
        DMatrixRMaj at = random(k, m, 9);
        DMatrixRMaj bt = random(n, k, 10);
        DMatrixRMaj ref = new DMatrixRMaj(m, n);
        DMatrixRMaj scalar = new DMatrixRMaj(m, n);
        DMatrixRMaj vector = new DMatrixRMaj(m, n);
        boolean hasVector = Kernels.get() instanceof StagedKernels;
        Kernels v = hasVector ? new VectorKernels(new Workers(2)) : null;
        Workers two = new Workers(2);
        scalar.fill(123);   // the GEMM overwrites, it does not accumulate into stale values

        JavaKernels.INSTANCE.mult(a, b, ref);
        ScalarGemm.gemm(two, false, false, m, n, k, a.data, b.data, scalar.data);
        assertClose(ref, scalar, "a·b");
        if (hasVector) {
            v.mult(a, b, vector);
            assertSameBits(vector, scalar, "a·b");
        }
        JavaKernels.INSTANCE.multTransA(at, b, ref);
        ScalarGemm.gemm(two, true, false, m, n, k, at.data, b.data, scalar.data);
        assertClose(ref, scalar, "aᵀ·b");
        if (hasVector) {
            v.multTransA(at, b, vector);
            assertSameBits(vector, scalar, "aᵀ·b");
        }
        JavaKernels.INSTANCE.multTransB(a, bt, ref);
        ScalarGemm.gemm(two, false, true, m, n, k, a.data, bt.data, scalar.data);
        assertClose(ref, scalar, "a·bᵀ");
        if (hasVector) {
            v.multTransB(a, bt, vector);
            assertSameBits(vector, scalar, "a·bᵀ");
        }
    }

    @Test
    void theWarmUpSwitchesToTheVectorGemm() throws InterruptedException {
        if (!(Kernels.get() instanceof StagedKernels)) {
            return;
        }
        StagedKernels k = new StagedKernels(new Workers(1));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!k.warm() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(k.warm(), "warmed up within a minute");
    }

    @Test
    void theKernelsInUseAreTheOnesTheJvmAllows() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(module, Kernels.get() instanceof StagedKernels, KernelSelection.describe());
    }
}
