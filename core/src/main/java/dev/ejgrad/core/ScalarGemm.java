package dev.ejgrad.core;

import java.util.Arrays;

/**
 * A scalar GEMM that gives the Vector API GEMM's bits exactly: every element of C is summed in the same order, with
 * {@code Math.fma}, over the same blocks of {@code k} ({@link #KC} deep: accumulated from 0 within a block, stored on
 * the first block and added to C on the later ones). Which elements are computed together (the tiles, the panels,
 * the split over threads) does not change any element's sum, so the tiling here is the one that suits scalar code:
 * 4 x 4 tiles in sixteen registers.
 *
 * <p>It runs while the vector GEMM is not yet compiled: interpreted or C1-compiled Vector API code is far slower than
 * plain scalar code, and which of the two runs changes only the speed, never a result. It uses no Vector API class,
 * so the first products load none.
 */
final class ScalarGemm {

    /** The depth of a block of k, shared with the vector GEMM: it fixes every element's summation order. */
    static final int KC = 128;
    private static final int MR = 4;
    private static final int NR = 4;
    private static final int MC = 128;
    /** Below this many multiply-adds a product stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 20;

    /** Packing buffers, one pair per thread, grown as needed and reused. */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[2][0]);

    private ScalarGemm() {
    }

    /**
     * {@code C (m x n) = op(A) · op(B)} with {@code op(A)} {@code m x k} and {@code op(B)} {@code k x n}; A is stored
     * {@code k x m} when {@code ta}, B {@code n x k} when {@code tb}; all row-major and dense.
     */
    static void gemm(Workers workers, boolean ta, boolean tb, int m, int n, int k, double[] a, double[] b,
            double[] c) {
        if (m == 0 || n == 0 || k == 0) {
            Arrays.fill(c, 0, m * n, 0.0);
            return;
        }
        workers.splitColumns(n, NR, (n + NR - 1) / NR, (long) m * n * k >= PARALLEL_WORK,
                (from, to) -> columns(ta, tb, m, n, k, a, b, c, from, to));
    }

    /** The columns {@code [j0, j1)} of C. */
    private static void columns(boolean ta, boolean tb, int m, int n, int k, double[] a, double[] b, double[] c,
            int j0, int j1) {
        int width = j1 - j0;
        int panels = (width + NR - 1) / NR;
        double[][] scratch = SCRATCH.get();
        int needB = panels * NR * KC;
        int needA = ta ? ((Math.min(MC, m) + MR - 1) / MR) * MR * KC : 0;
        if (scratch[0].length < needB) {
            scratch[0] = new double[needB];
        }
        if (scratch[1].length < needA) {
            scratch[1] = new double[needA];
        }
        double[] bp = scratch[0];
        double[] ap = scratch[1];
        double[] acc = new double[NR];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean first = pc == 0;
            packB(tb, n, k, b, pc, kc, j0, width, bp);
            for (int ic = 0; ic < m; ic += MC) {
                int mc = Math.min(MC, m - ic);
                if (ta) {
                    packA(m, a, ic, mc, pc, kc, ap);
                }
                for (int jp = 0; jp < panels; jp++) {
                    int j = j0 + jp * NR;
                    panel(ta, n, k, a, ap, bp, jp * NR * kc, c, ic, mc, pc, kc, j, Math.min(NR, j1 - j), acc, first);
                }
            }
        }
    }

    /**
     * One panel of columns {@code [j, j+nr)} for the rows {@code [ic, ic+mc)}: a method of its own, called often and
     * looping briefly, so that the JIT compiles it (and the tiles it calls) early instead of replacing a long-running
     * loop of {@link #columns} on the stack.
     */
    private static void panel(boolean ta, int n, int k, double[] a, double[] ap, double[] bp, int bo, double[] c,
            int ic, int mc, int pc, int kc, int j, int nr, double[] acc, boolean first) {
        for (int ip = 0; ip < mc; ip += MR) {
            int mr = Math.min(MR, mc - ip);
            int ci = (ic + ip) * n + j;
            if (ta) {
                micro(kc, ap, ip * kc, 1, MR, bp, bo, c, ci, n, mr, nr, acc, first);
            } else {
                micro(kc, a, (ic + ip) * k + pc, k, 1, bp, bo, c, ci, n, mr, nr, acc, first);
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
                for (int jj = 0; jj < nr; jj++) {
                    int src = (j + jj) * k + pc;
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + jj] = b[src + p];
                    }
                }
                for (int jj = nr; jj < NR; jj++) {
                    for (int p = 0; p < kc; p++) {
                        bp[base + p * NR + jj] = 0.0;
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = (pc + p) * n + j;
                    int o = base + p * NR;
                    for (int jj = 0; jj < nr; jj++) {
                        bp[o + jj] = b[src + jj];
                    }
                    for (int jj = nr; jj < NR; jj++) {
                        bp[o + jj] = 0.0;
                    }
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
     * {@code C[ci.., ..] (=|+=) A · Bp} for one tile of {@code mr x nr} elements ({@code =} on the first block of k):
     * row {@code i} of A starts at {@code a0 + i·rowStride} and steps by {@code aStep} along k; the packed panel of B
     * starts at {@code bo}, {@code NR} values per k.
     */
    private static void micro(int kc, double[] a, int a0, int rowStride, int aStep, double[] bp, int bo, double[] c,
            int ci, int ldc, int mr, int nr, double[] acc, boolean first) {
        if (mr == MR && nr == NR) {
            block4x4(kc, a, a0, rowStride, aStep, bp, bo, NR, c, ci, ldc, first);
        } else {
            edge(kc, a, a0, rowStride, aStep, bp, bo, NR, c, ci, ldc, mr, nr, acc, first);
        }
    }

    /** Four rows by four columns, in sixteen registers. */
    private static void block4x4(int kc, double[] a, int a0, int rowStride, int aStep, double[] bp, int bo, int ldb,
            double[] c, int ci, int ldc, boolean first) {
        double c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        double c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        double c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        double c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        int r0 = a0;
        int r1 = a0 + rowStride;
        int r2 = a0 + 2 * rowStride;
        int r3 = a0 + 3 * rowStride;
        int b = bo;
        for (int p = 0; p < kc; p++) {
            double b0 = bp[b];
            double b1 = bp[b + 1];
            double b2 = bp[b + 2];
            double b3 = bp[b + 3];
            double v = a[r0];
            c00 = Math.fma(v, b0, c00);
            c01 = Math.fma(v, b1, c01);
            c02 = Math.fma(v, b2, c02);
            c03 = Math.fma(v, b3, c03);
            v = a[r1];
            c10 = Math.fma(v, b0, c10);
            c11 = Math.fma(v, b1, c11);
            c12 = Math.fma(v, b2, c12);
            c13 = Math.fma(v, b3, c13);
            v = a[r2];
            c20 = Math.fma(v, b0, c20);
            c21 = Math.fma(v, b1, c21);
            c22 = Math.fma(v, b2, c22);
            c23 = Math.fma(v, b3, c23);
            v = a[r3];
            c30 = Math.fma(v, b0, c30);
            c31 = Math.fma(v, b1, c31);
            c32 = Math.fma(v, b2, c32);
            c33 = Math.fma(v, b3, c33);
            r0 += aStep;
            r1 += aStep;
            r2 += aStep;
            r3 += aStep;
            b += ldb;
        }
        if (first) {
            c[ci] = c00;
            c[ci + 1] = c01;
            c[ci + 2] = c02;
            c[ci + 3] = c03;
            ci += ldc;
            c[ci] = c10;
            c[ci + 1] = c11;
            c[ci + 2] = c12;
            c[ci + 3] = c13;
            ci += ldc;
            c[ci] = c20;
            c[ci + 1] = c21;
            c[ci + 2] = c22;
            c[ci + 3] = c23;
            ci += ldc;
            c[ci] = c30;
            c[ci + 1] = c31;
            c[ci + 2] = c32;
            c[ci + 3] = c33;
        } else {
            c[ci] += c00;
            c[ci + 1] += c01;
            c[ci + 2] += c02;
            c[ci + 3] += c03;
            ci += ldc;
            c[ci] += c10;
            c[ci + 1] += c11;
            c[ci + 2] += c12;
            c[ci + 3] += c13;
            ci += ldc;
            c[ci] += c20;
            c[ci + 1] += c21;
            c[ci + 2] += c22;
            c[ci + 3] += c23;
            ci += ldc;
            c[ci] += c30;
            c[ci + 1] += c31;
            c[ci + 2] += c32;
            c[ci + 3] += c33;
        }
    }

    /** Any {@code mr x nr} part of a tile, one row at a time. */
    private static void edge(int kc, double[] a, int a0, int rowStride, int aStep, double[] bp, int bo, int ldb,
            double[] c, int ci, int ldc, int mr, int nr, double[] acc, boolean first) {
        for (int i = 0; i < mr; i++) {
            for (int j = 0; j < nr; j++) {
                acc[j] = 0.0;
            }
            int ai = a0 + i * rowStride;
            int bb = bo;
            for (int p = 0; p < kc; p++) {
                double av = a[ai];
                for (int j = 0; j < nr; j++) {
                    acc[j] = Math.fma(av, bp[bb + j], acc[j]);
                }
                ai += aStep;
                bb += ldb;
            }
            int o = ci + i * ldc;
            if (first) {
                System.arraycopy(acc, 0, c, o, nr);
            } else {
                for (int j = 0; j < nr; j++) {
                    c[o + j] += acc[j];
                }
            }
        }
    }
}
