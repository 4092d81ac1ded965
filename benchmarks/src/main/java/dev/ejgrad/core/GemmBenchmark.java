package dev.ejgrad.core;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each matrix product of the reference training step, through the kernels in use (the Vector API ones under
 * {@code --add-modules jdk.incubator.vector}, else plain Java). GFLOPS = 2·m·n·k · ops/s / 1e9; the shape name gives
 * m x k · k x n and which operand is read transposed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 7, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {

    /** {@code kind:m:k:n}: kind AB, AtB or ABt. */
    @Param({"ABt:128:784:256", "AtB:256:128:784", "ABt:128:256:10", "AtB:10:128:256", "AB:128:10:256",
        "AB:512:512:512"})
    public String shape;

    private Kernels kernels;
    private DMatrixRMaj a;
    private DMatrixRMaj b;
    private DMatrixRMaj c;
    private String kind;

    /** Random operands of the shape. */
    @Setup
    public void setup() {
        String[] p = shape.split(":");
        kind = p[0];
        int m = Integer.parseInt(p[1]);
        int k = Integer.parseInt(p[2]);
        int n = Integer.parseInt(p[3]);
        Random rng = new Random(1);
        a = kind.equals("AtB") ? random(k, m, rng) : random(m, k, rng);
        b = kind.equals("ABt") ? random(n, k, rng) : random(k, n, rng);
        c = new DMatrixRMaj(m, n);
        kernels = Kernels.get();
    }

    private static DMatrixRMaj random(int r, int cols, Random rng) {
        DMatrixRMaj m = new DMatrixRMaj(r, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextGaussian();
        }
        return m;
    }

    /** One product into a reused output. */
    @Benchmark
    public DMatrixRMaj product() {
        switch (kind) {
            case "AtB":
                kernels.multTransA(a, b, c);
                break;
            case "ABt":
                kernels.multTransB(a, b, c);
                break;
            default:
                kernels.mult(a, b, c);
        }
        return c;
    }
}
