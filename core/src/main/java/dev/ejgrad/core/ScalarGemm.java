package dev.ejgrad.core;

/**
 * The scalar twin of the Vector API micro-kernel: the same tile, the same blocks of {@code k}, and every element of C
 * summed in the same order with {@code Math.fma}, so it gives the vector kernel's bits exactly. It runs while the
 * vector kernel is not yet compiled: interpreted or C1-compiled Vector API code is far slower than plain scalar code,
 * and which of the two runs then changes only the speed, never a result.
 */
final class ScalarGemm {

    private ScalarGemm() {
    }

    /**
     * {@code C[ci.., ..] (=|+=) A · Bp} for one tile of {@code mr x nr} elements ({@code =} on the first block of k):
     * row {@code i} of A starts at {@code a0 + i·rowStride} and steps by {@code aStep} along k; the packed panel of B
     * starts at {@code bo}, {@code ldb} values per k. Each element is {@code fma}-accumulated from 0 over
     * {@code p = 0 .. kc-1}, then stored or added to C, as the vector kernel does.
     */
    static void micro(int kc, double[] a, int a0, int rowStride, int aStep, double[] bp, int bo, int ldb, double[] c,
            int ci, int ldc, int mr, int nr, double[] acc, boolean first) {
        int j = 0;
        if (mr == 4) {
            for (; j + 4 <= nr; j += 4) {
                block4x4(kc, a, a0, rowStride, aStep, bp, bo + j, ldb, c, ci + j, ldc, first);
            }
        }
        if (j < nr) {
            edge(kc, a, a0, rowStride, aStep, bp, bo + j, ldb, c, ci + j, ldc, mr, nr - j, acc, first);
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
