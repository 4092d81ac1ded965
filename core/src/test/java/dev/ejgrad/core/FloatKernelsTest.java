package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The float32 kernels of the {@link Kernels} seam, on every path this JVM has, each against values computed here
 * independently: exactly, bit for bit (NaNs compared as NaN). Surefire runs this suite twice. Without the Vector API
 * the paths are the plain-Java kernels and the kernels in use (the same); with it, also the vector kernels on 1 and on
 * 2 threads and the staged kernels in use (scalar until their float32 warm-up, vector after), so that every path
 * matching the same expected bits is also every path matching the others.
 */
class FloatKernelsTest {

    /** A kernel path under test, named for the failure message. */
    record Path(String name, Kernels kernels) {
    }

    private static boolean hasVector() {
        return Kernels.get() instanceof StagedKernels;
    }

    private static List<Path> paths() {
        List<Path> paths = new ArrayList<>();
        paths.add(new Path("plain Java", JavaKernels.INSTANCE));
        paths.add(new Path("in use (" + KernelSelection.describe() + ")", Kernels.get()));
        if (hasVector()) {
            paths.add(new Path("vector, 1 thread", new VectorKernels(new Workers(1))));
            paths.add(new Path("vector, 2 threads", new VectorKernels(new Workers(2))));
        }
        return paths;
    }

    /**
     * Row lengths around the vector widths (8 floats on AVX2, 16 on AVX-512), so that whole vectors, the scalar tail,
     * and rows shorter than one vector all run; 0 for empty matrices.
     */
    private static final int[] LENGTHS = {0, 1, 7, 8, 9, 15, 16, 17, 33, 47, 48, 49, 100};

    /** Gaussian values of many magnitudes, one in eight a special one: signed zeros, infinities, NaN, subnormals. */
    private static FMatrixRMaj values(int rows, int cols, long seed) {
        float[] special = {0f, -0f, 1f, -1f, Float.MIN_VALUE, -1e-39f, Float.MAX_VALUE, -3e38f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        Random rng = new Random(seed);
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextInt(8) == 0 ? special[rng.nextInt(special.length)]
                    : (float) (rng.nextGaussian() * Math.scalb(1.0, rng.nextInt(40) - 20));
        }
        return m;
    }

    /** An output filled with a value no kernel gives here, so that a kernel that skips an element fails. */
    private static FMatrixRMaj stale(int rows, int cols) {
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        Arrays.fill(m.data, 123.25f);
        return m;
    }

    /** The element at {@code (i, j)} of {@code m} broadcast to a larger shape, widened. */
    private static double at(FMatrixRMaj m, int i, int j) {
        return m.data[(m.numRows == 1 ? 0 : i) * m.numCols + (m.numCols == 1 ? 0 : j)];
    }

    private static void assertSame(float expected, float actual, String what) {
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual),
                what + ": expected " + expected + ", got " + actual);
    }

    /**
     * Every way two operands broadcast to {@code rows x cols}: each side the whole matrix, one row, one column or one
     * value.
     */
    private static List<FMatrixRMaj[]> operandPairs(int rows, int cols, long seed) {
        int[][] shapes = {{rows, cols}, {1, cols}, {rows, 1}, {1, 1}};
        List<FMatrixRMaj[]> pairs = new ArrayList<>();
        for (int[] sa : shapes) {
            for (int[] sb : shapes) {
                if (side(sa[0], sb[0]) == rows && side(sa[1], sb[1]) == cols) {
                    pairs.add(new FMatrixRMaj[] {values(sa[0], sa[1], seed++), values(sb[0], sb[1], seed++)});
                }
            }
        }
        return pairs;
    }

    /** A side of broadcasting {@code x} with {@code y}: equal, or the other where one is 1 (so 0 with 1 is 0). */
    private static int side(int x, int y) {
        return x == y || y == 1 ? x : x == 1 ? y : -1;
    }

    static Stream<Arguments> outShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int rows : new int[] {0, 1, 3}) {
            for (int cols : LENGTHS) {
                out.add(Arguments.of(rows, cols));
            }
        }
        return out.stream();
    }

    private static double apply(Kernels.Binary op, double x, double y) {
        switch (op) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            default: return x / y;
        }
    }

    /**
     * The four ops in float32 are correctly rounded, and float64 holds more than twice float32's 24 bits, so each
     * result must be exactly the float64 result rounded once to float32.
     */
    @ParameterizedTest(name = "to {0}x{1}")
    @MethodSource("outShapes")
    void binaryOpsBroadcastAndGiveTheFloat64ResultRoundedOnce(int rows, int cols) {
        for (FMatrixRMaj[] ab : operandPairs(rows, cols, 31L * rows + cols)) {
            FMatrixRMaj a = ab[0];
            FMatrixRMaj b = ab[1];
            String shapes = Shapes.of(a.numRows, a.numCols) + " and " + Shapes.of(b.numRows, b.numCols);
            for (Kernels.Binary op : Kernels.Binary.values()) {
                for (Path p : paths()) {
                    FMatrixRMaj out = stale(rows, cols);
                    p.kernels().binary(op, a, b, out);
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            float expected = (float) apply(op, at(a, i, j), at(b, i, j));
                            assertSame(expected, out.data[i * cols + j],
                                    p.name() + " " + op + " of " + shapes + " at (" + i + ", " + j + ")");
                        }
                    }
                }
            }
        }
    }

    /** As {@code Broadcast.expand} calls it: the output is also the left operand. */
    @Test
    void binaryMayWriteOverItsLeftOperand() {
        for (Path p : paths()) {
            FMatrixRMaj row = values(1, 37, 5);
            FMatrixRMaj out = new FMatrixRMaj(4, 37);
            p.kernels().binary(Kernels.Binary.ADD, out, row, out);
            for (int i = 0; i < out.data.length; i++) {
                assertSame(row.data[i % 37] + 0f, out.data[i], p.name() + " element " + i);
            }
            FMatrixRMaj x = values(3, 21, 6);
            FMatrixRMaj expected = x.copy();
            for (int i = 0; i < x.data.length; i++) {
                expected.data[i] = x.data[i] * x.data[i];
            }
            p.kernels().binary(Kernels.Binary.MUL, x, x, x);
            for (int i = 0; i < x.data.length; i++) {
                assertSame(expected.data[i], x.data[i], p.name() + " x·x in place, element " + i);
            }
        }
    }

    @Test
    void reluKeepsNegativeZeroAndNaNAndItsBackwardLetsNaNPass() {
        for (int n : LENGTHS) {
            FMatrixRMaj x = values(1, n, 100 + n);
            FMatrixRMaj g = values(1, n, 200 + n);
            for (Path p : paths()) {
                FMatrixRMaj out = stale(1, n);
                FMatrixRMaj grad = stale(1, n);
                p.kernels().relu(x, out);
                p.kernels().reluBackward(g, x, grad);
                for (int i = 0; i < n; i++) {
                    float v = x.data[i];
                    String what = p.name() + ", length " + n + ", x = " + v;
                    // max(x, 0) that keeps -0.0 and NaN as they are, as torch.relu does
                    float expected = Float.isNaN(v) || v > 0 || v == 0 ? v : 0f;
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out.data[i]), "relu " + what);
                    // threshold_backward: 0 where x <= 0 (-0.0 included), g where x > 0 or x is NaN
                    float gradExpected = Float.isNaN(v) || v > 0 ? g.data[i] : 0f;
                    assertEquals(Float.floatToIntBits(gradExpected), Float.floatToIntBits(grad.data[i]),
                            "reluBackward " + what);
                }
            }
        }
        // the cases the random values might miss, spelled out
        FMatrixRMaj x = new FMatrixRMaj(1, 4);
        x.data = new float[] {-0f, Float.NaN, -1f, 2f};
        for (Path p : paths()) {
            FMatrixRMaj out = stale(1, 4);
            p.kernels().relu(x, out);
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(out.data[0]), p.name() + " -0.0");
            assertTrue(Float.isNaN(out.data[1]), p.name() + " NaN");
            assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(out.data[2]), p.name() + " -1");
            assertEquals(2f, out.data[3], p.name() + " 2");
        }
    }

    /** The length of the scalar tail changes nothing: relu in place on a long row, whole vectors and tail. */
    @Test
    void reluMayRunInPlace() {
        for (Path p : paths()) {
            FMatrixRMaj x = values(7, 143, 7);
            FMatrixRMaj expected = stale(7, 143);
            JavaKernels.INSTANCE.relu(x, expected);
            p.kernels().relu(x, x);
            for (int i = 0; i < x.data.length; i++) {
                assertSame(expected.data[i], x.data[i], p.name() + " element " + i);
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("outShapes")
    void mapAndZipWidenComputeInFloat64AndRoundOnce(int rows, int cols) {
        DoubleUnaryOperator f = v -> Math.exp(v) / 3 + Math.sin(v);
        DoubleBinaryOperator h = (u, v) -> Math.atan2(u, v) + u * 1e-3;
        FMatrixRMaj in = values(rows, cols, 7L * rows + cols);
        for (Path p : paths()) {
            FMatrixRMaj out = stale(rows, cols);
            p.kernels().map(in, f, out);
            for (int i = 0; i < in.data.length; i++) {
                assertSame((float) f.applyAsDouble(in.data[i]), out.data[i], p.name() + " map, element " + i);
            }
        }
        for (FMatrixRMaj[] ab : operandPairs(rows, cols, 11L * rows + cols)) {
            for (Path p : paths()) {
                FMatrixRMaj out = stale(rows, cols);
                p.kernels().zip(ab[0], ab[1], h, out);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        assertSame((float) h.applyAsDouble(at(ab[0], i, j), at(ab[1], i, j)), out.data[i * cols + j],
                                p.name() + " zip of " + Shapes.of(ab[0].numRows, ab[0].numCols) + " and "
                                        + Shapes.of(ab[1].numRows, ab[1].numCols) + " at (" + i + ", " + j + ")");
                    }
                }
            }
        }
    }

    @Test
    void transposeMovesEveryElement() {
        int[][] shapes = {{1, 1}, {0, 3}, {3, 0}, {1, 100}, {100, 1}, {33, 65}, {64, 32}, {70, 45}};
        for (int[] s : shapes) {
            FMatrixRMaj a = values(s[0], s[1], s[0] * 1000L + s[1]);
            for (Path p : paths()) {
                FMatrixRMaj t = stale(s[1], s[0]);
                p.kernels().transpose(a, t);
                for (int i = 0; i < s[0]; i++) {
                    for (int j = 0; j < s[1]; j++) {
                        assertSame(a.data[i * s[1] + j], t.data[j * s[0] + i],
                                p.name() + " " + s[0] + "x" + s[1] + " at (" + i + ", " + j + ")");
                    }
                }
            }
        }
    }

    /** Each {@code g} shape with every shape it sums to (a side of {@code g}'s or 1). */
    static Stream<Arguments> sumShapes() {
        int[][] gs = {{1, 1}, {1, 7}, {7, 1}, {5, 33}, {129, 17}, {0, 4}, {3, 0}};
        List<List<Integer>> out = new ArrayList<>();
        for (int[] g : gs) {
            for (int[] to : new int[][] {{g[0], g[1]}, {1, g[1]}, {g[0], 1}, {1, 1}}) {
                out.add(List.of(g[0], g[1], to[0], to[1]));
            }
        }
        return out.stream().distinct().map(x -> Arguments.of(x.toArray()));
    }

    /**
     * Whole numbers sum exactly, whatever the order; Gaussian ones give exactly {@code (float)} of the float64
     * {@code Broadcast.sumTo} of the widened values (the same float64 order, one rounding at the end).
     */
    @ParameterizedTest(name = "{0}x{1} to {2}x{3}")
    @MethodSource("sumShapes")
    void sumToAccumulatesInFloat64AndRoundsOnce(int rows, int cols, int toRows, int toCols) {
        Random rng = new Random(rows * 100L + cols);
        FMatrixRMaj ints = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < ints.data.length; i++) {
            ints.data[i] = rng.nextInt(2001) - 1000;
        }
        FMatrixRMaj gauss = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < gauss.data.length; i++) {
            gauss.data[i] = (float) rng.nextGaussian();
        }
        DMatrixRMaj wide = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < gauss.data.length; i++) {
            wide.data[i] = gauss.data[i];
        }
        DMatrixRMaj wideSum = Broadcast.sumTo("test", wide, toRows, toCols);
        for (Path p : paths()) {
            FMatrixRMaj out = stale(toRows, toCols);
            p.kernels().sumTo(ints, out);
            for (int i = 0; i < toRows; i++) {
                for (int j = 0; j < toCols; j++) {
                    long exact = 0;
                    for (int r = 0; r < rows; r++) {
                        for (int c = 0; c < cols; c++) {
                            if ((toRows == 1 || r == i) && (toCols == 1 || c == j)) {
                                exact += (long) ints.data[r * cols + c];
                            }
                        }
                    }
                    assertEquals((float) exact, out.data[i * toCols + j], 0f,
                            p.name() + " integers at (" + i + ", " + j + ")");
                }
            }
            p.kernels().sumTo(gauss, out);
            for (int i = 0; i < out.data.length; i++) {
                assertSame((float) wideSum.data[i], out.data[i], p.name() + " Gaussian, element " + i);
            }
        }
    }

    /**
     * 1 and 4096 terms of 2⁻²⁵, each below half an ulp of 1 in float32: a float32 running sum stays at 1, a float64
     * one reaches 1 + 2⁻¹³, which float32 holds exactly. Along a row (to one column) and down a column (to one row).
     */
    @Test
    void sumToKeepsWhatAFloat32AccumulatorWouldLose() {
        int n = 4097;
        float tiny = Math.scalb(1f, -25);
        float expected = (float) (1 + 4096 * Math.scalb(1.0, -25));
        assertEquals(1 + Math.scalb(1.0, -13), expected, 0.0);
        FMatrixRMaj row = new FMatrixRMaj(1, n);
        Arrays.fill(row.data, tiny);
        row.data[0] = 1f;
        FMatrixRMaj column = new FMatrixRMaj(n, 1);
        column.data = row.data.clone();
        for (Path p : paths()) {
            FMatrixRMaj out = stale(1, 1);
            p.kernels().sumTo(row, out);
            assertEquals(expected, out.data[0], 0f, p.name() + " along a row");
            p.kernels().sumTo(column, out);
            assertEquals(expected, out.data[0], 0f, p.name() + " down a column");
        }
    }

    @Test
    void sumToTheSameShapeIsACopyThatKeepsNegativeZero() {
        FMatrixRMaj g = new FMatrixRMaj(2, 2);
        g.data = new float[] {-0f, 1.5f, Float.NaN, -2f};
        for (Path p : paths()) {
            FMatrixRMaj out = stale(2, 2);
            p.kernels().sumTo(g, out);
            for (int i = 0; i < 4; i++) {
                assertEquals(Float.floatToIntBits(g.data[i]), Float.floatToIntBits(out.data[i]), p.name() + " " + i);
            }
        }
    }

    /** {@code m, n, k}: single elements, edge tiles and blocks, an empty inner side, and one product for 2 threads. */
    static Stream<Arguments> productShapes() {
        int[][] s = {{1, 1, 1}, {3, 5, 7}, {5, 49, 129}, {9, 17, 300}, {0, 4, 3}, {4, 0, 3}, {3, 4, 0},
            {128, 256, 784}};
        return Stream.of(s).map(x -> Arguments.of(x[0], x[1], x[2]));
    }

    private static FMatrixRMaj integers(int rows, int cols, long seed) {
        Random rng = new Random(seed);
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextInt(17) - 8;
        }
        return m;
    }

    private static FMatrixRMaj gaussian(int rows, int cols, long seed) {
        Random rng = new Random(seed);
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = (float) rng.nextGaussian();
        }
        return m;
    }

    /**
     * The three products through the seam: exact on whole numbers (every partial sum is a float32), and on Gaussian
     * operands bit for bit {@link FloatScalarGemm} on one thread, on every path and thread count.
     */
    @ParameterizedTest(name = "{0}x{2} · {2}x{1}")
    @MethodSource("productShapes")
    void theThreeProductsGiveTheFloatGemmsBitsOnEveryPath(int m, int n, int k) {
        for (boolean whole : new boolean[] {true, false}) {
            FMatrixRMaj a = whole ? integers(m, k, 1) : gaussian(m, k, 1);
            FMatrixRMaj b = whole ? integers(k, n, 2) : gaussian(k, n, 2);
            FMatrixRMaj at = whole ? integers(k, m, 3) : gaussian(k, m, 3);
            FMatrixRMaj bt = whole ? integers(n, k, 4) : gaussian(n, k, 4);
            FMatrixRMaj ab = new FMatrixRMaj(m, n);
            FMatrixRMaj atb = new FMatrixRMaj(m, n);
            FMatrixRMaj abt = new FMatrixRMaj(m, n);
            Workers one = new Workers(1);
            FloatScalarGemm.gemm(one, false, false, m, n, k, a.data, b.data, ab.data);
            FloatScalarGemm.gemm(one, true, false, m, n, k, at.data, b.data, atb.data);
            FloatScalarGemm.gemm(one, false, true, m, n, k, a.data, bt.data, abt.data);
            if (whole) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double e1 = 0;
                        double e2 = 0;
                        double e3 = 0;
                        for (int q = 0; q < k; q++) {
                            e1 += a.data[i * k + q] * (double) b.data[q * n + j];
                            e2 += at.data[q * m + i] * (double) b.data[q * n + j];
                            e3 += a.data[i * k + q] * (double) bt.data[j * k + q];
                        }
                        assertEquals(e1, ab.data[i * n + j], 0.0, "a·b");
                        assertEquals(e2, atb.data[i * n + j], 0.0, "aᵀ·b");
                        assertEquals(e3, abt.data[i * n + j], 0.0, "a·bᵀ");
                    }
                }
            }
            for (Path p : paths()) {
                FMatrixRMaj c = stale(m, n);
                p.kernels().mult(a, b, c);
                assertAllSame(ab, c, p.name() + " a·b");
                c = stale(m, n);
                p.kernels().multTransA(at, b, c);
                assertAllSame(atb, c, p.name() + " aᵀ·b");
                c = stale(m, n);
                p.kernels().multTransB(a, bt, c);
                assertAllSame(abt, c, p.name() + " a·bᵀ");
            }
        }
    }

    private static void assertAllSame(FMatrixRMaj expected, FMatrixRMaj actual, String what) {
        for (int i = 0; i < expected.getNumElements(); i++) {
            assertSame(expected.data[i], actual.data[i], what + " element " + i);
        }
    }

    /**
     * The staged kernels leave float32 alone until a float32 kernel is called (a float64 program never pays for its
     * warm-up), then switch to the vector kernels, which give the same bits.
     */
    @Test
    void theFloat32WarmUpStartsOnTheFirstFloat32CallAndSwitches() throws InterruptedException {
        if (!hasVector()) {
            assertTrue(KernelSelection.describe().startsWith("plain Java"), KernelSelection.describe());
            return;
        }
        StagedKernels k = new StagedKernels(new Workers(1));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!k.warm() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(k.warm(), "float64 warmed up within a minute");
        Thread.sleep(200);
        assertFalse(k.warmFloat(), "float32 warmed up without a float32 call");

        FMatrixRMaj x = values(5, 77, 8);
        FMatrixRMaj y = values(1, 77, 9);
        FMatrixRMaj cold = stale(5, 77);
        k.binary(Kernels.Binary.DIV, x, y, cold);
        deadline = System.nanoTime() + 120_000_000_000L;
        while (!k.warmFloat() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(k.warmFloat(), "float32 warmed up within two minutes of the first float32 call");
        FMatrixRMaj warm = stale(5, 77);
        k.binary(Kernels.Binary.DIV, x, y, warm);
        assertAllSame(cold, warm, "DIV before and after the switch");
    }
}
