package dev.ejgrad.core;

import java.util.Arrays;

/**
 * The float32 matrix product in scalar code, with exactly the bits of the float32 Vector API GEMM
 * ({@code FloatVectorGemm}, in the {@code src/main/vector} source root): the float32 twin of {@link ScalarGemm}, on
 * the row-major {@code float[]} arrays of float32 tensors (issue 21).
 *
 * <p><b>Precision.</b> Every element is accumulated in float32, as PyTorch's CPU {@code mm} does for float32 tensors
 * (OpenBLAS's and MKL's {@code sgemm} keep float32 accumulators; checked with PyTorch 1.13: 1 + 4096·2⁻²⁵ sums to
 * 1.0, not 1.00012, and about 94% of the elements of a random 128x784·784x256 product differ from the correctly
 * rounded one). Each term goes in with one float32 {@code Math.fma}, so an element of C carries at most
 * {@code k + ⌈k/KC⌉} roundings: {@code |c − exact| ≤ (k + ⌈k/KC⌉)·2⁻²⁴·Σₚ|aᵢₚ·bₚⱼ|} to first order.
 *
 * <p><b>Order, and why both paths give the same bits.</b> Element {@code C[i][j]} is summed over {@code p} in
 * ascending order, in blocks of {@link #KC}: within a block from 0 by {@code acc = fma(a[i][p], b[p][j], acc)}; the
 * first block's sum is stored into C, each later block's added to it ({@code c += acc}, one float32 addition). Which
 * elements are computed together (tiles, panels, the split of columns over threads) changes no element's sum, so the
 * tiling here is the one that suits scalar code (4 x 4 tiles in sixteen registers) and the vector GEMM's is the one
 * that suits vectors. Results never depend on the thread count or on which of the two GEMMs ran.
 *
 * <p><b>Where it runs.</b> Behind the float32 products of {@link Kernels}: always in {@link JavaKernels} (one
 * thread), and in {@link StagedKernels} as {@link ScalarGemm} is for float64, until the vector GEMM's {@code warmUp}
 * has seen it compiled and faster, then the vector GEMM. It uses no Vector API class, so the first products load
 * none. The three product shapes of {@code matmul}, {@code matmulT} and their gradients
 * are {@code gemm(w, false, false, ..)} ({@code A·B}), {@code gemm(w, true, false, ..)} ({@code Aᵀ·B}, A stored
 * {@code k x m}) and {@code gemm(w, false, true, ..)} ({@code A·Bᵀ}, B stored {@code n x k}); no transpose is ever
 * materialised.
 *
 * <p>The code is {@link ScalarGemm}'s with {@code float} for {@code double}: Java has no generics over primitive
 * arrays, and a shared loop over boxed or widened values would be neither fast nor float32 arithmetic.
 */
final class FloatScalarGemm {

    /**
     * The depth of a block of k, shared with the vector GEMM: it fixes every element's summation order. 128 as in
     * float64: a 128-deep panel of B as wide as the vector GEMM's tile (48 floats at 16 lanes) fills 24 KB of a
     * 32 KB L1 data cache.
     */
    static final int KC = 128;
    private static final int MR = 4;
    private static final int NR = 4;
    private static final int MC = 128;
    /** Below this many multiply-adds a product stays on the calling thread. */
    private static final long PARALLEL_WORK = 1L << 20;

    /** Packing buffers, one pair per thread, grown as needed and reused. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private FloatScalarGemm() {
    }

    /**
     * {@code C (m x n) = op(A) · op(B)} with {@code op(A)} {@code m x k} and {@code op(B)} {@code k x n}; A is stored
     * {@code k x m} when {@code ta}, B {@code n x k} when {@code tb}; all row-major and dense. C is overwritten (its
     * old values are never read); A and B are not modified. Products of at least 2²⁰ multiply-adds split C's columns
     * over up to {@code workers.threads()} threads.
     */
    static void gemm(Workers workers, boolean ta, boolean tb, int m, int n, int k, float[] a, float[] b,
            float[] c) {
        if (m == 0 || n == 0 || k == 0) {
            Arrays.fill(c, 0, m * n, 0f);
            return;
        }
        workers.splitColumns(n, NR, (n + NR - 1) / NR, (long) m * n * k >= PARALLEL_WORK,
                (from, to) -> columns(ta, tb, m, n, k, a, b, c, from, to));
    }

    /** The columns {@code [j0, j1)} of C. */
    private static void columns(boolean ta, boolean tb, int m, int n, int k, float[] a, float[] b, float[] c,
            int j0, int j1) {
        int width = j1 - j0;
        int panels = (width + NR - 1) / NR;
        float[][] scratch = SCRATCH.get();
        int needB = panels * NR * KC;
        int needA = ta ? ((Math.min(MC, m) + MR - 1) / MR) * MR * KC : 0;
        if (scratch[0].length < needB) {
            scratch[0] = new float[needB];
        }
        if (scratch[1].length < needA) {
            scratch[1] = new float[needA];
        }
        float[] bp = scratch[0];
        float[] ap = scratch[1];
        float[] acc = new float[NR];
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
    private static void panel(boolean ta, int n, int k, float[] a, float[] ap, float[] bp, int bo, float[] c,
            int ic, int mc, int pc, int kc, int j, int nr, float[] acc, boolean first) {
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
    private static void packB(boolean tb, int n, int k, float[] b, int pc, int kc, int j0, int width, float[] bp) {
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
                        bp[base + p * NR + jj] = 0f;
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
                        bp[o + jj] = 0f;
                    }
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
    private static void micro(int kc, float[] a, int a0, int rowStride, int aStep, float[] bp, int bo, float[] c,
            int ci, int ldc, int mr, int nr, float[] acc, boolean first) {
        if (mr == MR && nr == NR) {
            block4x4(kc, a, a0, rowStride, aStep, bp, bo, NR, c, ci, ldc, first);
        } else {
            edge(kc, a, a0, rowStride, aStep, bp, bo, NR, c, ci, ldc, mr, nr, acc, first);
        }
    }

    /** Four rows by four columns, in sixteen registers. */
    private static void block4x4(int kc, float[] a, int a0, int rowStride, int aStep, float[] bp, int bo, int ldb,
            float[] c, int ci, int ldc, boolean first) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        int r0 = a0;
        int r1 = a0 + rowStride;
        int r2 = a0 + 2 * rowStride;
        int r3 = a0 + 3 * rowStride;
        int b = bo;
        for (int p = 0; p < kc; p++) {
            float b0 = bp[b];
            float b1 = bp[b + 1];
            float b2 = bp[b + 2];
            float b3 = bp[b + 3];
            float v = a[r0];
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
    private static void edge(int kc, float[] a, int a0, int rowStride, int aStep, float[] bp, int bo, int ldb,
            float[] c, int ci, int ldc, int mr, int nr, float[] acc, boolean first) {
        for (int i = 0; i < mr; i++) {
            for (int j = 0; j < nr; j++) {
                acc[j] = 0f;
            }
            int ai = a0 + i * rowStride;
            int bb = bo;
            for (int p = 0; p < kc; p++) {
                float av = a[ai];
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
