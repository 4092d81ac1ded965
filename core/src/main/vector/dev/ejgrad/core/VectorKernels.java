package dev.ejgrad.core;

import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Kernels on the JDK Vector API ({@code jdk.incubator.vector}), used when that module is present.
 *
 * <p>The matrix products are one BLIS-style GEMM: {@code B} is packed into panels {@code NR} columns wide and
 * {@code KC} deep (128: a 128 x 24 panel of B fits a 32 KB L1 data cache), a transposed {@code A} into panels
 * {@code MR} rows high (a row-major {@code A} is read in place), and a flat micro-kernel keeps an {@code MR x NR}
 * tile of {@code C} in {@code 3·MR} vector registers while it walks {@code k}. Transposed operands are read transposed
 * while packing, so no transpose is ever materialised. Large products are split over column ranges of {@code C}, one
 * range per thread; every element is summed in the same order whatever the split, so results do not depend on the
 * thread count.
 *
 * <p><b>float32.</b> The float32 products run {@link FloatVectorGemm}, with {@link FloatScalarGemm}'s bits. The
 * float32 {@code binary}, {@code relu} and {@code reluBackward} run on {@link FloatVector} (twice the lanes of
 * float64), with each row's tail, and a broadcast op's rows where neither side is contiguous, on the scalar loops of
 * {@link JavaKernels}: the same float32 operations, so the same bits. {@code map}, {@code zip} (a lambda per element),
 * {@code transpose} and {@code sumTo} are the plain-Java ones.
 */
final class VectorKernels implements Kernels {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = 4;
    private static final int NR = 3 * L;
    private static final int KC = ScalarGemm.KC;
    private static final int MC = 128;
    /** Below this many multiply-adds a product stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 20;

    /** Packing buffers, one pair per thread, grown as needed and reused: a product allocates nothing. */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[2][0]);

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int FL = F.length();

    private final Workers workers;
    private final FloatVectorGemm floatGemm;

    VectorKernels(Workers workers) {
        this.workers = workers;
        this.floatGemm = new FloatVectorGemm(workers);
    }

    /** The longest the warm-up tries before it leaves the products on the scalar twin for good. */
    private static final long WARM_UP_LIMIT_NANOS = 60_000_000_000L;

    /**
     * Runs every path of the vector GEMM (the three transposes, full and edge tiles, first and later blocks of k, more
     * than one block of rows) on small products, so that C2 compiles it once with complete profiles, until a product
     * on it runs clearly faster than on the scalar GEMM three times in a row (or {@code limitNanos} have passed).
     *
     * @return whether the vector GEMM is now the faster one
     */
    boolean warmUp(long limitNanos) {
        int[][] shapes = {{2 * MR + 1, 2 * NR + 3, 4}, {2 * MR + 1, 2 * NR + 3, KC + 4}, {MC + MR + 1, NR + 1, 2}};
        double[] a = new double[(MC + MR + 1) * (KC + 4)];
        double[] b = new double[(2 * NR + 3) * (KC + 4)];
        double[] c = new double[(MC + MR + 1) * (2 * NR + 3)];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7) - 3;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (i % 5) - 2;
        }
        Workers one = new Workers(1);
        return WarmUp.untilFaster(limitNanos, 64, 4, products -> {
            for (int r = 0; r < products; r++) {
                int[] s = shapes[r % 16 == 0 ? 1 : r % 16 == 1 ? 2 : 0];
                for (int t = 0; t < 3; t++) {
                    gemmColumns(t == 1, t == 2, s[0], s[1], s[2], a, b, c, 0, s[1]);
                }
            }
        }, () -> {
            // a product of the reference step's kind, on both GEMMs
            long v0 = System.nanoTime();
            gemmColumns(false, true, 4 * MR, 2 * NR, KC, a, b, c, 0, 2 * NR);
            long v1 = System.nanoTime();
            ScalarGemm.gemm(one, false, true, 4 * MR, 2 * NR, KC, a, b, c);
            long v2 = System.nanoTime();
            return 2 * (v1 - v0) < v2 - v1;
        });
    }

    static String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit vectors (" + L + " doubles), " + MR + "x" + NR + " tile";
    }

    @Override
    public void mult(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        gemm(false, false, a.numRows, b.numCols, a.numCols, a.data, b.data, c.data);
    }

    @Override
    public void multTransA(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        gemm(true, false, a.numCols, b.numCols, a.numRows, a.data, b.data, c.data);
    }

    @Override
    public void multTransB(DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj c) {
        gemm(false, true, a.numRows, b.numRows, a.numCols, a.data, b.data, c.data);
    }

    /**
     * {@code C (m x n) = op(A) · op(B)} with {@code op(A)} {@code m x k} and {@code op(B)} {@code k x n}; A is stored
     * {@code k x m} when {@code ta}, B {@code n x k} when {@code tb}; all row-major and dense.
     */
    private void gemm(boolean ta, boolean tb, int m, int n, int k, double[] a, double[] b, double[] c) {
        if (m == 0 || n == 0 || k == 0) {
            Arrays.fill(c, 0, m * n, 0.0);
            return;
        }
        workers.splitColumns(n, L, (n + NR - 1) / NR, (long) m * n * k >= PARALLEL_WORK,
                (from, to) -> gemmColumns(ta, tb, m, n, k, a, b, c, from, to));
    }

    /** The columns {@code [j0, j1)} of C. */
    private static void gemmColumns(boolean ta, boolean tb, int m, int n, int k, double[] a, double[] b, double[] c,
            int j0, int j1) {
        int width = j1 - j0;
        int panelsN = (width + NR - 1) / NR;
        double[][] scratch = SCRATCH.get();
        int needB = panelsN * NR * KC;
        int needA = ta ? ((Math.min(MC, m) + MR - 1) / MR) * MR * KC : 0;
        if (scratch[0].length < needB) {
            scratch[0] = new double[needB];
        }
        if (scratch[1].length < needA) {
            scratch[1] = new double[needA];
        }
        double[] bp = scratch[0];
        double[] ap = scratch[1];
        double[] tile = new double[MR * NR];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            packB(tb, n, k, b, pc, kc, j0, width, bp);
            for (int ic = 0; ic < m; ic += MC) {
                int mc = Math.min(MC, m - ic);
                if (ta) {
                    packA(m, a, ic, mc, pc, kc, ap);
                }
                for (int jp = 0; jp < panelsN; jp++) {
                    int j = j0 + jp * NR;
                    int nr = Math.min(NR, j1 - j);
                    for (int ip = 0; ip < mc; ip += MR) {
                        int mr = Math.min(MR, mc - ip);
                        int ci = (ic + ip) * n + j;
                        int bo = jp * NR * kc;
                        boolean full = mr == MR && nr == NR;
                        if (ta) {
                            int o = ip * kc;
                            if (full) {
                                micro(kc, ap, o, o + 1, o + 2, o + 3, MR, bp, bo, c, ci, n, pc == 0);
                            } else {
                                edge(kc, ap, o, o + 1, o + 2, o + 3, MR, bp, bo, c, ci, n, mr, nr, tile, pc == 0);
                            }
                        } else {
                            // A is row-major m x k: its rows are read in place, no packing; rows past the edge
                            // repeat the tile's first row (valid memory, results never stored)
                            int r = (ic + ip) * k + pc;
                            if (full) {
                                micro(kc, a, r, r + k, r + 2 * k, r + 3 * k, 1, bp, bo, c, ci, n, pc == 0);
                            } else {
                                edge(kc, a, r, mr > 1 ? r + k : r, mr > 2 ? r + 2 * k : r, mr > 3 ? r + 3 * k : r, 1,
                                        bp, bo, c, ci, n, mr, nr, tile, pc == 0);
                            }
                        }
                    }
                }
            }
        }
    }

    /** B's rows {@code [pc, pc+kc)}, columns {@code [j0, j0+width)}, as panels {@code kc x NR}, zero-padded. */
    private static void packB(boolean tb, int n, int k, double[] b, int pc, int kc, int j0, int width, double[] bp) {
        int panels = (width + NR - 1) / NR;
        for (int jp = 0; jp < panels; jp++) {
            int base = jp * NR * kc;
            int j = j0 + jp * NR;
            int nr = Math.min(NR, j0 + width - j);
            if (tb) {
                // B is stored n x k: read each of its rows contiguously, write the panel with stride NR
                for (int jj = 0; jj < nr; jj++) {
                    int src = (j + jj) * k + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + jj] = b[src + p];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    System.arraycopy(b, (pc + p) * n + j, bp, base + p * NR, nr);
                }
            }
            if (nr < NR) {
                for (int p = 0; p < kc; p++) {
                    Arrays.fill(bp, base + p * NR + nr, base + (p + 1) * NR, 0.0);
                }
            }
        }
    }

    /** A's rows {@code [ic, ic+mc)}, columns {@code [pc, pc+kc)}, from A stored {@code k x m}, as zero-padded panels
     * {@code kc x MR}. */
    private static void packA(int m, double[] a, int ic, int mc, int pc, int kc, double[] ap) {
        for (int ip = 0; ip < mc; ip += MR) {
            int base = ip * kc;
            int mr = Math.min(MR, mc - ip);
            // the MR values of one p are adjacent in A
            for (int p = 0; p < kc; p++) {
                int src = (pc + p) * m + ic + ip;
                int o = base + p * MR;
                for (int ii = 0; ii < mr; ii++) {
                    ap[o + ii] = a[src + ii];
                }
                for (int ii = mr; ii < MR; ii++) {
                    ap[o + ii] = 0;
                }
            }
        }
    }

    /**
     * {@code C[ci.., ..] += Ap · Bp} for one full {@code MR x NR} tile ({@code =} on the first block of k, so C need
     * not be zeroed); flat, so that every vector stays in a register. Edge tiles go to {@link #edge}, so that this
     * hot method never sees their branches.
     */
    private static void micro(int kc, double[] ap, int a0, int a1, int a2, int a3, int aStep, double[] bp, int bo,
            double[] c, int ci, int ldc, boolean first) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = DoubleVector.zero(S);
        DoubleVector c02 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S);
        DoubleVector c11 = DoubleVector.zero(S);
        DoubleVector c12 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S);
        DoubleVector c21 = DoubleVector.zero(S);
        DoubleVector c22 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S);
        DoubleVector c31 = DoubleVector.zero(S);
        DoubleVector c32 = DoubleVector.zero(S);
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bo);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bo + L);
            DoubleVector b2 = DoubleVector.fromArray(S, bp, bo + 2 * L);
            DoubleVector v0 = DoubleVector.broadcast(S, ap[a0]);
            c00 = v0.lanewise(VectorOperators.FMA, b0, c00);
            c01 = v0.lanewise(VectorOperators.FMA, b1, c01);
            c02 = v0.lanewise(VectorOperators.FMA, b2, c02);
            DoubleVector v1 = DoubleVector.broadcast(S, ap[a1]);
            c10 = v1.lanewise(VectorOperators.FMA, b0, c10);
            c11 = v1.lanewise(VectorOperators.FMA, b1, c11);
            c12 = v1.lanewise(VectorOperators.FMA, b2, c12);
            DoubleVector v2 = DoubleVector.broadcast(S, ap[a2]);
            c20 = v2.lanewise(VectorOperators.FMA, b0, c20);
            c21 = v2.lanewise(VectorOperators.FMA, b1, c21);
            c22 = v2.lanewise(VectorOperators.FMA, b2, c22);
            DoubleVector v3 = DoubleVector.broadcast(S, ap[a3]);
            c30 = v3.lanewise(VectorOperators.FMA, b0, c30);
            c31 = v3.lanewise(VectorOperators.FMA, b1, c31);
            c32 = v3.lanewise(VectorOperators.FMA, b2, c32);
            a0 += aStep;
            a1 += aStep;
            a2 += aStep;
            a3 += aStep;
            bo += NR;
        }
        if (first) {
            c00.intoArray(c, ci);
            c01.intoArray(c, ci + L);
            c02.intoArray(c, ci + 2 * L);
            c10.intoArray(c, ci + ldc);
            c11.intoArray(c, ci + ldc + L);
            c12.intoArray(c, ci + ldc + 2 * L);
            c20.intoArray(c, ci + 2 * ldc);
            c21.intoArray(c, ci + 2 * ldc + L);
            c22.intoArray(c, ci + 2 * ldc + 2 * L);
            c30.intoArray(c, ci + 3 * ldc);
            c31.intoArray(c, ci + 3 * ldc + L);
            c32.intoArray(c, ci + 3 * ldc + 2 * L);
            return;
        }
        c00.add(DoubleVector.fromArray(S, c, ci)).intoArray(c, ci);
        c01.add(DoubleVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c02.add(DoubleVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c10.add(DoubleVector.fromArray(S, c, ci + ldc)).intoArray(c, ci + ldc);
        c11.add(DoubleVector.fromArray(S, c, ci + ldc + L)).intoArray(c, ci + ldc + L);
        c12.add(DoubleVector.fromArray(S, c, ci + ldc + 2 * L)).intoArray(c, ci + ldc + 2 * L);
        c20.add(DoubleVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
        c21.add(DoubleVector.fromArray(S, c, ci + 2 * ldc + L)).intoArray(c, ci + 2 * ldc + L);
        c22.add(DoubleVector.fromArray(S, c, ci + 2 * ldc + 2 * L)).intoArray(c, ci + 2 * ldc + 2 * L);
        c30.add(DoubleVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
        c31.add(DoubleVector.fromArray(S, c, ci + 3 * ldc + L)).intoArray(c, ci + 3 * ldc + L);
        c32.add(DoubleVector.fromArray(S, c, ci + 3 * ldc + 2 * L)).intoArray(c, ci + 3 * ldc + 2 * L);
    }

    /**
     * As {@link #micro} for a tile cut by the edge of C ({@code mr x nr}): computed whole, spilled to {@code tile},
     * and only the part inside C stored.
     */
    private static void edge(int kc, double[] ap, int a0, int a1, int a2, int a3, int aStep, double[] bp, int bo,
            double[] c, int ci, int ldc, int mr, int nr, double[] tile, boolean first) {
        DoubleVector c00 = DoubleVector.zero(S);
        DoubleVector c01 = DoubleVector.zero(S);
        DoubleVector c02 = DoubleVector.zero(S);
        DoubleVector c10 = DoubleVector.zero(S);
        DoubleVector c11 = DoubleVector.zero(S);
        DoubleVector c12 = DoubleVector.zero(S);
        DoubleVector c20 = DoubleVector.zero(S);
        DoubleVector c21 = DoubleVector.zero(S);
        DoubleVector c22 = DoubleVector.zero(S);
        DoubleVector c30 = DoubleVector.zero(S);
        DoubleVector c31 = DoubleVector.zero(S);
        DoubleVector c32 = DoubleVector.zero(S);
        for (int p = 0; p < kc; p++) {
            DoubleVector b0 = DoubleVector.fromArray(S, bp, bo);
            DoubleVector b1 = DoubleVector.fromArray(S, bp, bo + L);
            DoubleVector b2 = DoubleVector.fromArray(S, bp, bo + 2 * L);
            DoubleVector v0 = DoubleVector.broadcast(S, ap[a0]);
            c00 = v0.lanewise(VectorOperators.FMA, b0, c00);
            c01 = v0.lanewise(VectorOperators.FMA, b1, c01);
            c02 = v0.lanewise(VectorOperators.FMA, b2, c02);
            DoubleVector v1 = DoubleVector.broadcast(S, ap[a1]);
            c10 = v1.lanewise(VectorOperators.FMA, b0, c10);
            c11 = v1.lanewise(VectorOperators.FMA, b1, c11);
            c12 = v1.lanewise(VectorOperators.FMA, b2, c12);
            DoubleVector v2 = DoubleVector.broadcast(S, ap[a2]);
            c20 = v2.lanewise(VectorOperators.FMA, b0, c20);
            c21 = v2.lanewise(VectorOperators.FMA, b1, c21);
            c22 = v2.lanewise(VectorOperators.FMA, b2, c22);
            DoubleVector v3 = DoubleVector.broadcast(S, ap[a3]);
            c30 = v3.lanewise(VectorOperators.FMA, b0, c30);
            c31 = v3.lanewise(VectorOperators.FMA, b1, c31);
            c32 = v3.lanewise(VectorOperators.FMA, b2, c32);
            a0 += aStep;
            a1 += aStep;
            a2 += aStep;
            a3 += aStep;
            bo += NR;
        }
        // an edge tile: spill to a small buffer and add only the part inside C
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c02.intoArray(tile, 2 * L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c12.intoArray(tile, NR + 2 * L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c22.intoArray(tile, 2 * NR + 2 * L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c32.intoArray(tile, 3 * NR + 2 * L);
        for (int i = 0; i < mr; i++) {
            for (int j = 0; j < nr; j++) {
                int o = ci + i * ldc + j;
                c[o] = first ? tile[i * NR + j] : c[o] + tile[i * NR + j];
            }
        }
    }

    @Override
    public void map(DMatrixRMaj in, DoubleUnaryOperator f, DMatrixRMaj out) {
        JavaKernels.INSTANCE.map(in, f, out);
    }

    @Override
    public void zip(DMatrixRMaj a, DMatrixRMaj b, DoubleBinaryOperator f, DMatrixRMaj out) {
        JavaKernels.INSTANCE.zip(a, b, f, out);
    }

    @Override
    public void binary(Binary op, DMatrixRMaj a, DMatrixRMaj b, DMatrixRMaj out) {
        JavaKernels.INSTANCE.binary(op, a, b, out);
    }

    @Override
    public void relu(DMatrixRMaj in, DMatrixRMaj out) {
        JavaKernels.INSTANCE.relu(in, out);
    }

    @Override
    public void reluBackward(DMatrixRMaj g, DMatrixRMaj out, DMatrixRMaj gradIn) {
        JavaKernels.INSTANCE.reluBackward(g, out, gradIn);
    }

    // exp and tanh stay scalar: measured here, the Vector API's EXP and TANH (not intrinsified on this JDK and CPU)
    // ran at 0.6x and 0.75x the speed of Math.exp and Math.tanh
    @Override
    public void exp(DMatrixRMaj in, DMatrixRMaj out) {
        JavaKernels.INSTANCE.exp(in, out);
    }

    @Override
    public void tanh(DMatrixRMaj in, DMatrixRMaj out) {
        JavaKernels.INSTANCE.tanh(in, out);
    }

    @Override
    public void transpose(DMatrixRMaj a, DMatrixRMaj out) {
        JavaKernels.INSTANCE.transpose(a, out);
    }

    // ---- float32 ----

    /**
     * The float32 warm-up: {@link FloatVectorGemm#warmUp}, then every path of the float32 elementwise kernels (each op
     * on operands of the same shape, a repeated row, a repeated column and a repeated scalar on either side; relu and
     * its backward) on small matrices, until they run faster than the plain-Java loops three times in a row (or
     * {@code limitNanos} have passed in all).
     *
     * @return whether the float32 vector kernels are now the faster ones
     */
    boolean warmUpFloat(long limitNanos) {
        long t0 = System.nanoTime();
        if (!floatGemm.warmUp(limitNanos)) {
            return false;
        }
        int cols = 2 * FL + 3;
        FMatrixRMaj full = new FMatrixRMaj(3, cols);
        FMatrixRMaj row = new FMatrixRMaj(1, cols);
        FMatrixRMaj col = new FMatrixRMaj(3, 1);
        FMatrixRMaj one = new FMatrixRMaj(1, 1);
        FMatrixRMaj out = new FMatrixRMaj(3, cols);
        for (int i = 0; i < full.data.length; i++) {
            full.data[i] = (i % 7) - 3.5f;
        }
        row.data[0] = 1.5f;
        col.data[0] = -2.5f;
        one.data[0] = 0.75f;
        FMatrixRMaj x = new FMatrixRMaj(16, 256);
        FMatrixRMaj y = new FMatrixRMaj(16, 256);
        FMatrixRMaj z = new FMatrixRMaj(16, 256);
        for (int i = 0; i < x.data.length; i++) {
            x.data[i] = (i % 11) - 5;
            y.data[i] = (i % 5) + 1;
        }
        return WarmUp.untilFaster(limitNanos - (System.nanoTime() - t0), 1000, 10, calls -> {
            for (int r = 0; r < calls; r++) {
                for (Binary op : Binary.values()) {
                    binary(op, full, full, out);
                    binary(op, full, row, out);
                    binary(op, full, col, out);
                    binary(op, full, one, out);
                    binary(op, row, full, out);
                    binary(op, col, full, out);
                    binary(op, one, full, out);
                }
                relu(full, out);
                reluBackward(full, full, out);
            }
        }, () -> {
            long v0 = System.nanoTime();
            binary(Binary.MUL, x, y, z);
            relu(x, z);
            reluBackward(y, x, z);
            long v1 = System.nanoTime();
            JavaKernels.INSTANCE.binary(Binary.MUL, x, y, z);
            JavaKernels.INSTANCE.relu(x, z);
            JavaKernels.INSTANCE.reluBackward(y, x, z);
            long v2 = System.nanoTime();
            return v1 - v0 < v2 - v1;
        });
    }

    static String describeFloat() {
        return FloatVectorGemm.describe();
    }

    @Override
    public void mult(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        floatGemm.gemm(false, false, a.numRows, b.numCols, a.numCols, a.data, b.data, c.data);
    }

    @Override
    public void multTransA(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        floatGemm.gemm(true, false, a.numCols, b.numCols, a.numRows, a.data, b.data, c.data);
    }

    @Override
    public void multTransB(FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        floatGemm.gemm(false, true, a.numRows, b.numRows, a.numCols, a.data, b.data, c.data);
    }

    @Override
    public void map(FMatrixRMaj in, DoubleUnaryOperator f, FMatrixRMaj out) {
        JavaKernels.INSTANCE.map(in, f, out);
    }

    @Override
    public void zip(FMatrixRMaj a, FMatrixRMaj b, DoubleBinaryOperator f, FMatrixRMaj out) {
        JavaKernels.INSTANCE.zip(a, b, f, out);
    }

    @Override
    public void binary(Binary op, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj out) {
        JavaKernels.broadcastRows(a, b, out,
                (xi, xStep, yi, yStep, o, n) -> binaryLanes(op, a.data, xi, xStep, b.data, yi, yStep, out.data, o, n));
    }

    /**
     * {@link JavaKernels#binaryRange} over {@code [0, n)} on whole vectors where one side or both are contiguous (a
     * step of 0 is one value, broadcast once), the rest on the scalar loop. One loop per op and case: the Vector API
     * compiles an operation to one instruction only where the operation is a constant.
     */
    private static void binaryLanes(Binary op, float[] x, int xi, int xStep, float[] y, int yi, int yStep, float[] z,
            int o, int n) {
        int j = 0;
        int upper = F.loopBound(n);
        if (upper > 0 && xStep == 1 && yStep == 1) {
            switch (op) {
                case ADD: for (; j < upper; j += FL) { at(x, xi + j).add(at(y, yi + j)).intoArray(z, o + j); } break;
                case SUB: for (; j < upper; j += FL) { at(x, xi + j).sub(at(y, yi + j)).intoArray(z, o + j); } break;
                case MUL: for (; j < upper; j += FL) { at(x, xi + j).mul(at(y, yi + j)).intoArray(z, o + j); } break;
                default: for (; j < upper; j += FL) { at(x, xi + j).div(at(y, yi + j)).intoArray(z, o + j); } break;
            }
        } else if (upper > 0 && xStep == 1) {
            FloatVector w = FloatVector.broadcast(F, y[yi]);
            switch (op) {
                case ADD: for (; j < upper; j += FL) { at(x, xi + j).add(w).intoArray(z, o + j); } break;
                case SUB: for (; j < upper; j += FL) { at(x, xi + j).sub(w).intoArray(z, o + j); } break;
                case MUL: for (; j < upper; j += FL) { at(x, xi + j).mul(w).intoArray(z, o + j); } break;
                default: for (; j < upper; j += FL) { at(x, xi + j).div(w).intoArray(z, o + j); } break;
            }
        } else if (upper > 0 && yStep == 1) {
            FloatVector v = FloatVector.broadcast(F, x[xi]);
            switch (op) {
                case ADD: for (; j < upper; j += FL) { v.add(at(y, yi + j)).intoArray(z, o + j); } break;
                case SUB: for (; j < upper; j += FL) { v.sub(at(y, yi + j)).intoArray(z, o + j); } break;
                case MUL: for (; j < upper; j += FL) { v.mul(at(y, yi + j)).intoArray(z, o + j); } break;
                default: for (; j < upper; j += FL) { v.div(at(y, yi + j)).intoArray(z, o + j); } break;
            }
        }
        JavaKernels.binaryRange(op, x, xi, xStep, y, yi, yStep, z, o, j, n);
    }

    private static FloatVector at(float[] x, int i) {
        return FloatVector.fromArray(F, x, i);
    }

    @Override
    public void relu(FMatrixRMaj in, FMatrixRMaj out) {
        float[] x = in.data;
        float[] z = out.data;
        int n = in.getNumElements();
        int upper = F.loopBound(n);
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (; i < upper; i += FL) {
            FloatVector v = at(x, i);
            // x < 0 is false for -0.0 and NaN, which pass unchanged, as in the scalar loop
            v.blend(zero, v.lt(0f)).intoArray(z, i);
        }
        JavaKernels.reluRange(x, z, i, n);
    }

    @Override
    public void reluBackward(FMatrixRMaj g, FMatrixRMaj out, FMatrixRMaj gradIn) {
        float[] gv = g.data;
        float[] r = out.data;
        float[] z = gradIn.data;
        int n = gradIn.getNumElements();
        int upper = F.loopBound(n);
        FloatVector zero = FloatVector.zero(F);
        int i = 0;
        for (; i < upper; i += FL) {
            at(gv, i).blend(zero, at(r, i).compare(VectorOperators.LE, 0f)).intoArray(z, i);
        }
        JavaKernels.reluBackwardRange(gv, r, z, i, n);
    }

    @Override
    public void transpose(FMatrixRMaj a, FMatrixRMaj out) {
        JavaKernels.INSTANCE.transpose(a, out);
    }

    @Override
    public void sumTo(FMatrixRMaj g, FMatrixRMaj out) {
        JavaKernels.INSTANCE.sumTo(g, out);
    }
}
