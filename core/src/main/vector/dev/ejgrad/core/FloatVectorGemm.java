package dev.ejgrad.core;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The float32 matrix product on the JDK Vector API's {@link FloatVector}: the float32 twin of the GEMM in
 * {@link VectorKernels}, with twice the lanes, and exactly the bits of {@link FloatScalarGemm} (whose javadoc gives
 * the summation order both follow, the precision, and how to wire the two into the staged kernels).
 *
 * <p>One BLIS-style GEMM: {@code B} is packed into panels {@code NR} columns wide and {@code KC} deep, a transposed
 * {@code A} into panels {@code MR} rows high (a row-major {@code A} is read in place), and a flat micro-kernel keeps
 * an {@code MR x NR} tile of {@code C} in {@code 3·MR} vector registers while it walks {@code k}, one
 * {@code FMA} per vector and {@code k}. The tile is {@code 4 x 3L} for a species of {@code L} lanes, chosen for
 * AVX-512's 16 float lanes: 4 x 48, twelve accumulators, three loads of B and one broadcast of A live at once (16 of
 * the 32 registers), and a 128 x 48 panel of B (24 KB) stays in a 32 KB L1
 * data cache. The code names no vector size: on AVX2 it is 4 x 24 in 16 registers. Transposed operands are read
 * transposed while packing, so no transpose is ever materialised. Large products are split over column ranges of
 * {@code C}, one range per thread, cut at vector boundaries; every element is summed in the same order whatever the
 * split, so results do not depend on the thread count.
 */
final class FloatVectorGemm {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = 4;
    private static final int NR = 3 * L;
    private static final int KC = FloatScalarGemm.KC;
    private static final int MC = 128;
    /** Below this many multiply-adds a product stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 20;

    /** Packing buffers, one pair per thread, grown as needed and reused: a product allocates nothing. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private final Workers workers;

    FloatVectorGemm(Workers workers) {
        this.workers = workers;
    }

    /**
     * As {@link VectorKernels#warmUp}, for the float32 GEMM: runs every path of the vector GEMM (the three
     * transposes, full and edge tiles, first and later blocks of k, more than one block of rows) on small products,
     * so that C2 compiles it once with complete profiles, until a product on it runs clearly faster than on the
     * scalar GEMM three times in a row (or {@code limitNanos} have passed).
     *
     * @return whether the vector GEMM is now the faster one
     */
    boolean warmUp(long limitNanos) {
        int[][] shapes = {{2 * MR + 1, 2 * NR + 3, 4}, {2 * MR + 1, 2 * NR + 3, KC + 4}, {MC + MR + 1, NR + 1, 2}};
        float[] a = new float[(MC + MR + 1) * (KC + 4)];
        float[] b = new float[(2 * NR + 3) * (KC + 4)];
        float[] c = new float[(MC + MR + 1) * (2 * NR + 3)];
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
            FloatScalarGemm.gemm(one, false, true, 4 * MR, 2 * NR, KC, a, b, c);
            long v2 = System.nanoTime();
            return 2 * (v1 - v0) < v2 - v1;
        });
    }

    /** {@return the species and the tile, for a log line} */
    static String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit vectors (" + L + " floats), " + MR + "x" + NR + " tile";
    }

    /**
     * {@code C (m x n) = op(A) · op(B)} with {@code op(A)} {@code m x k} and {@code op(B)} {@code k x n}; A is stored
     * {@code k x m} when {@code ta}, B {@code n x k} when {@code tb}; all row-major and dense. The same contract and
     * the same bits as {@link FloatScalarGemm#gemm}.
     */
    void gemm(boolean ta, boolean tb, int m, int n, int k, float[] a, float[] b, float[] c) {
        if (m == 0 || n == 0 || k == 0) {
            Arrays.fill(c, 0, m * n, 0f);
            return;
        }
        workers.splitColumns(n, L, (n + NR - 1) / NR, (long) m * n * k >= PARALLEL_WORK,
                (from, to) -> gemmColumns(ta, tb, m, n, k, a, b, c, from, to));
    }

    /** The columns {@code [j0, j1)} of C. */
    private static void gemmColumns(boolean ta, boolean tb, int m, int n, int k, float[] a, float[] b, float[] c,
            int j0, int j1) {
        int width = j1 - j0;
        int panelsN = (width + NR - 1) / NR;
        float[][] scratch = SCRATCH.get();
        int needB = panelsN * NR * KC;
        int needA = ta ? ((Math.min(MC, m) + MR - 1) / MR) * MR * KC : 0;
        if (scratch[0].length < needB) {
            scratch[0] = new float[needB];
        }
        if (scratch[1].length < needA) {
            scratch[1] = new float[needA];
        }
        float[] bp = scratch[0];
        float[] ap = scratch[1];
        float[] tile = new float[MR * NR];
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
    private static void packB(boolean tb, int n, int k, float[] b, int pc, int kc, int j0, int width, float[] bp) {
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
                    Arrays.fill(bp, base + p * NR + nr, base + (p + 1) * NR, 0f);
                }
            }
        }
    }

    /** A's rows {@code [ic, ic+mc)}, columns {@code [pc, pc+kc)}, from A stored {@code k x m}, as zero-padded panels
     * {@code kc x MR}. */
    private static void packA(int m, float[] a, int ic, int mc, int pc, int kc, float[] ap) {
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
    private static void micro(int kc, float[] ap, int a0, int a1, int a2, int a3, int aStep, float[] bp, int bo,
            float[] c, int ci, int ldc, boolean first) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c32 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
            FloatVector v0 = FloatVector.broadcast(S, ap[a0]);
            c00 = v0.lanewise(VectorOperators.FMA, b0, c00);
            c01 = v0.lanewise(VectorOperators.FMA, b1, c01);
            c02 = v0.lanewise(VectorOperators.FMA, b2, c02);
            FloatVector v1 = FloatVector.broadcast(S, ap[a1]);
            c10 = v1.lanewise(VectorOperators.FMA, b0, c10);
            c11 = v1.lanewise(VectorOperators.FMA, b1, c11);
            c12 = v1.lanewise(VectorOperators.FMA, b2, c12);
            FloatVector v2 = FloatVector.broadcast(S, ap[a2]);
            c20 = v2.lanewise(VectorOperators.FMA, b0, c20);
            c21 = v2.lanewise(VectorOperators.FMA, b1, c21);
            c22 = v2.lanewise(VectorOperators.FMA, b2, c22);
            FloatVector v3 = FloatVector.broadcast(S, ap[a3]);
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
        c00.add(FloatVector.fromArray(S, c, ci)).intoArray(c, ci);
        c01.add(FloatVector.fromArray(S, c, ci + L)).intoArray(c, ci + L);
        c02.add(FloatVector.fromArray(S, c, ci + 2 * L)).intoArray(c, ci + 2 * L);
        c10.add(FloatVector.fromArray(S, c, ci + ldc)).intoArray(c, ci + ldc);
        c11.add(FloatVector.fromArray(S, c, ci + ldc + L)).intoArray(c, ci + ldc + L);
        c12.add(FloatVector.fromArray(S, c, ci + ldc + 2 * L)).intoArray(c, ci + ldc + 2 * L);
        c20.add(FloatVector.fromArray(S, c, ci + 2 * ldc)).intoArray(c, ci + 2 * ldc);
        c21.add(FloatVector.fromArray(S, c, ci + 2 * ldc + L)).intoArray(c, ci + 2 * ldc + L);
        c22.add(FloatVector.fromArray(S, c, ci + 2 * ldc + 2 * L)).intoArray(c, ci + 2 * ldc + 2 * L);
        c30.add(FloatVector.fromArray(S, c, ci + 3 * ldc)).intoArray(c, ci + 3 * ldc);
        c31.add(FloatVector.fromArray(S, c, ci + 3 * ldc + L)).intoArray(c, ci + 3 * ldc + L);
        c32.add(FloatVector.fromArray(S, c, ci + 3 * ldc + 2 * L)).intoArray(c, ci + 3 * ldc + 2 * L);
    }

    /**
     * As {@link #micro} for a tile cut by the edge of C ({@code mr x nr}): computed whole, spilled to {@code tile},
     * and only the part inside C stored.
     */
    private static void edge(int kc, float[] ap, int a0, int a1, int a2, int a3, int aStep, float[] bp, int bo,
            float[] c, int ci, int ldc, int mr, int nr, float[] tile, boolean first) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = FloatVector.zero(S);
        FloatVector c02 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S);
        FloatVector c11 = FloatVector.zero(S);
        FloatVector c12 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S);
        FloatVector c21 = FloatVector.zero(S);
        FloatVector c22 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S);
        FloatVector c31 = FloatVector.zero(S);
        FloatVector c32 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bo + 2 * L);
            FloatVector v0 = FloatVector.broadcast(S, ap[a0]);
            c00 = v0.lanewise(VectorOperators.FMA, b0, c00);
            c01 = v0.lanewise(VectorOperators.FMA, b1, c01);
            c02 = v0.lanewise(VectorOperators.FMA, b2, c02);
            FloatVector v1 = FloatVector.broadcast(S, ap[a1]);
            c10 = v1.lanewise(VectorOperators.FMA, b0, c10);
            c11 = v1.lanewise(VectorOperators.FMA, b1, c11);
            c12 = v1.lanewise(VectorOperators.FMA, b2, c12);
            FloatVector v2 = FloatVector.broadcast(S, ap[a2]);
            c20 = v2.lanewise(VectorOperators.FMA, b0, c20);
            c21 = v2.lanewise(VectorOperators.FMA, b1, c21);
            c22 = v2.lanewise(VectorOperators.FMA, b2, c22);
            FloatVector v3 = FloatVector.broadcast(S, ap[a3]);
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
}
