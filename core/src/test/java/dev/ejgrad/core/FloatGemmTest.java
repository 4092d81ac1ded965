package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The float32 GEMMs ({@link FloatScalarGemm}, and {@code FloatVectorGemm} where the JVM has
 * {@code jdk.incubator.vector}) in each of the three product shapes: exact on integer operands, within float32's
 * rounding bound of a float64 product on Gaussian ones, the vector GEMM bit for bit the scalar one, and both the same
 * on 1 and on 2 threads. Surefire runs this suite with and without the Vector API; without it the vector half of each
 * test has nothing to run.
 */
class FloatGemmTest {

    /** The three shapes of {@code matmul}, {@code matmulT} and their gradients: which operand is read transposed. */
    enum Product {
        AB(false, false), AtB(true, false), ABt(false, true);

        final boolean ta;
        final boolean tb;

        Product(boolean ta, boolean tb) {
            this.ta = ta;
            this.tb = tb;
        }

        /** op(A)[i][p] with A stored {@code k x m} when transposed, else {@code m x k}. */
        double a(float[] a, int m, int k, int i, int p) {
            return ta ? a[p * m + i] : a[i * k + p];
        }

        /** op(B)[p][j] with B stored {@code n x k} when transposed, else {@code k x n}. */
        double b(float[] b, int n, int k, int p, int j) {
            return tb ? b[j * k + p] : b[p * n + j];
        }
    }

    /**
     * {@code m, n, k} around every blocking edge of both GEMMs: tiles of 4 rows, scalar panels of 4 columns, vector
     * panels of 48 columns (16 lanes; 24 on AVX2) cut at lane boundaries between threads, k blocks of 128, row blocks
     * of 128; single rows and columns; k not a multiple of the block; and products large enough for two threads.
     */
    static final int[][] SHAPES = {{1, 1, 1}, {1, 300, 7}, {7, 1, 300}, {1, 1, 257}, {300, 1, 1}, {1, 48, 129},
        {3, 5, 7}, {4, 4, 128}, {4, 48, 128}, {5, 49, 129}, {8, 96, 256}, {9, 97, 255}, {4, 47, 1}, {15, 17, 16},
        {33, 63, 65}, {128, 10, 256}, {10, 256, 128}, {129, 25, 130}, {131, 95, 127}, {2, 1000, 3},
        {128, 256, 784}, {256, 784, 128}, {129, 97, 257}, {130, 50, 513}, {64, 200, 1000}};

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (int[] s : SHAPES) {
            for (Product p : Product.values()) {
                out.add(Arguments.of(p, s[0], s[1], s[2]));
            }
        }
        return out.stream();
    }

    private static boolean hasVector() {
        return Kernels.get() instanceof StagedKernels;
    }

    private static float[] gaussian(int size, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /** Whole numbers in [-8, 8]: every partial sum of a product with k ≤ 2¹⁸ is a float32 exactly. */
    private static float[] integers(int size, long seed) {
        Random rng = new Random(seed);
        float[] x = new float[size];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(17) - 8;
        }
        return x;
    }

    /** C filled with a value no product gives, so that a GEMM that reads C instead of overwriting it fails. */
    private static float[] stale(int m, int n) {
        float[] c = new float[m * n];
        Arrays.fill(c, 123.25f);
        return c;
    }

    private static void assertSameBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    what + " element " + i + ": " + expected[i] + " and " + actual[i]);
        }
    }

    @ParameterizedTest(name = "{0} {1}x{3} · {3}x{2}")
    @MethodSource("cases")
    void integerOperandsGiveTheExactProductOnBothPaths(Product p, int m, int n, int k) {
        float[] a = integers(m * k, 1);
        float[] b = integers(k * n, 2);
        float[] scalar = stale(m, n);
        FloatScalarGemm.gemm(new Workers(2), p.ta, p.tb, m, n, k, a, b, scalar);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                for (int q = 0; q < k; q++) {
                    exact += p.a(a, m, k, i, q) * p.b(b, n, k, q, j);
                }
                assertEquals(exact, scalar[i * n + j], 0.0, p + " C[" + i + "][" + j + "]");
            }
        }
        if (hasVector()) {
            float[] vector = stale(m, n);
            new FloatVectorGemm(new Workers(2)).gemm(p.ta, p.tb, m, n, k, a, b, vector);
            assertSameBits(scalar, vector, p + " vector and scalar");
        }
    }

    /**
     * Gaussian operands, where nearly every fma rounds: the scalar GEMM lies within the float32 bound of the float64
     * product, {@code (k + ⌈k/128⌉)·2⁻²⁴·Σ|a·b|} (one rounding per fma and per block added), and the vector GEMM
     * gives its bits exactly.
     */
    @ParameterizedTest(name = "{0} {1}x{3} · {3}x{2}")
    @MethodSource("cases")
    void gaussianOperandsStayWithinFloat32RoundingAndBothPathsGiveTheSameBits(Product p, int m, int n, int k) {
        float[] a = gaussian(m * k, 3);
        float[] b = gaussian(k * n, 4);
        float[] scalar = stale(m, n);
        FloatScalarGemm.gemm(new Workers(2), p.ta, p.tb, m, n, k, a, b, scalar);
        double roundings = k + (k + FloatScalarGemm.KC - 1) / FloatScalarGemm.KC;
        double u = Math.scalb(1.0, -24);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double magnitude = 0;
                for (int q = 0; q < k; q++) {
                    double t = p.a(a, m, k, i, q) * p.b(b, n, k, q, j);   // exact: a float times a float
                    exact += t;
                    magnitude += Math.abs(t);
                }
                double bound = roundings * u * magnitude * (1 + 1e-3) + 1e-12 * magnitude;
                float c = scalar[i * n + j];
                assertTrue(Math.abs(c - exact) <= bound, p + " C[" + i + "][" + j + "] = " + c + ", float64 product "
                        + exact + ", off by " + Math.abs(c - exact) + " > bound " + bound);
            }
        }
        if (hasVector()) {
            float[] vector = stale(m, n);
            new FloatVectorGemm(new Workers(2)).gemm(p.ta, p.tb, m, n, k, a, b, vector);
            assertSameBits(scalar, vector, p + " vector and scalar");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("productKinds")
    void resultsDoNotDependOnTheThreadCount(Product p) {
        int m = 256;
        int n = 300;
        int k = 784;   // 6e7 multiply-adds: well above the two-thread threshold
        float[] a = gaussian(m * k, 5);
        float[] b = gaussian(k * n, 6);
        float[] one = stale(m, n);
        float[] two = stale(m, n);
        FloatScalarGemm.gemm(new Workers(1), p.ta, p.tb, m, n, k, a, b, one);
        FloatScalarGemm.gemm(new Workers(2), p.ta, p.tb, m, n, k, a, b, two);
        assertSameBits(one, two, p + " scalar GEMM, 1 and 2 threads");
        if (hasVector()) {
            float[] v1 = stale(m, n);
            float[] v2 = stale(m, n);
            new FloatVectorGemm(new Workers(1)).gemm(p.ta, p.tb, m, n, k, a, b, v1);
            new FloatVectorGemm(new Workers(2)).gemm(p.ta, p.tb, m, n, k, a, b, v2);
            assertSameBits(one, v1, p + " vector GEMM on 1 thread and scalar");
            assertSameBits(one, v2, p + " vector GEMM on 2 threads and scalar");
        }
    }

    static Stream<Product> productKinds() {
        return Stream.of(Product.values());
    }

    /**
     * Float32 accumulation in the documented order. 1 followed by 4095 terms of 2⁻²⁵, each below half an ulp of 1: the
     * first block of 128 rounds all its small terms away (1, as PyTorch 1.13's float32 {@code mm} gives for the whole
     * sum: its accumulator is float32 too), each of the 31 later blocks sums its 128 terms to 2⁻¹⁸ exactly and adds
     * that to C. Float64 accumulation would give 1 + 4095·2⁻²⁵; one float32 accumulator over all of k, 1.
     */
    @Test
    void accumulatesInFloat32WithinBlocksOf128() {
        int k = 4096;
        float[] a = new float[k];
        float[] b = new float[k];
        Arrays.fill(a, 1f);
        Arrays.fill(b, Math.scalb(1f, -25));
        b[0] = 1f;
        float expected = (float) (1 + 31 * Math.scalb(1.0, -18));   // exact in float32
        assertEquals(1 + 31 * Math.scalb(1.0, -18), expected, 0.0);
        float[] c = {7f};
        FloatScalarGemm.gemm(new Workers(1), false, false, 1, 1, k, a, b, c);
        assertEquals(expected, c[0], 0f, "scalar GEMM");
        if (hasVector()) {
            float[] v = {7f};
            new FloatVectorGemm(new Workers(1)).gemm(false, false, 1, 1, k, a, b, v);
            assertEquals(expected, v[0], 0f, "vector GEMM");
        }
    }

    @Test
    void anEmptyInnerDimensionGivesZeros() {
        float[] c = stale(3, 5);
        FloatScalarGemm.gemm(new Workers(1), false, false, 3, 5, 0, new float[0], new float[0], c);
        assertSameBits(new float[15], c, "scalar GEMM");
        if (hasVector()) {
            float[] v = stale(3, 5);
            new FloatVectorGemm(new Workers(1)).gemm(false, true, 3, 5, 0, new float[0], new float[0], v);
            assertSameBits(new float[15], v, "vector GEMM");
        }
    }

    @Test
    void theWarmUpFindsTheVectorGemmFaster() {
        if (!hasVector()) {
            assertTrue(KernelSelection.describe().startsWith("plain Java"), KernelSelection.describe());
            return;
        }
        FloatVectorGemm v = new FloatVectorGemm(new Workers(1));
        assertTrue(v.warmUp(60_000_000_000L), "warmed up within a minute: " + FloatVectorGemm.describe());
    }
}
