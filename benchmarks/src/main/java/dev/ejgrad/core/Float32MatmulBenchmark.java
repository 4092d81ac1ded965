package dev.ejgrad.core;

import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * The float32 GEMMs on {@code float[]} operands, at the shapes of {@link GemmBenchmark} (run both to put float32
 * beside float64): {@code vector} is {@link FloatVectorGemm}, the path float32 tensors will take once warm,
 * {@code scalar} is {@link FloatScalarGemm}, the one they start on. Threads: {@code -Dejgrad.threads} in the forked
 * JVM, as for float64. GFLOPS = 2·m·n·k · ops/s / 1e9; the shape name gives m x k · k x n and which operand is read
 * transposed. Its name does not contain {@code GemmBenchmark}, so that {@code bench/compare.sh}'s JMH pattern for
 * the float64 products does not pick it up.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 7, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class Float32MatmulBenchmark {

    /** {@code kind:m:k:n}: kind AB, AtB or ABt. */
    @Param({"ABt:128:784:256", "AtB:256:128:784", "ABt:128:256:10", "AtB:10:128:256", "AB:128:10:256",
        "AB:512:512:512"})
    public String shape;

    /** Which GEMM: {@code vector} or {@code scalar}. */
    @Param({"vector", "scalar"})
    public String path;

    private Workers workers;
    private FloatVectorGemm vector;
    private float[] a;
    private float[] b;
    private float[] c;
    private boolean ta;
    private boolean tb;
    private int m;
    private int n;
    private int k;

    /** Random operands of the shape. */
    @Setup
    public void setup() {
        String[] p = shape.split(":");
        ta = p[0].equals("AtB");
        tb = p[0].equals("ABt");
        m = Integer.parseInt(p[1]);
        k = Integer.parseInt(p[2]);
        n = Integer.parseInt(p[3]);
        Random rng = new Random(1);
        a = random(m * k, rng);
        b = random(k * n, rng);
        c = new float[m * n];
        workers = new Workers(Workers.configured());
        vector = path.equals("vector") ? new FloatVectorGemm(workers) : null;
    }

    private static float[] random(int size, Random rng) {
        float[] x = new float[size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /** One product into a reused output. */
    @Benchmark
    public float[] product() {
        if (vector != null) {
            vector.gemm(ta, tb, m, n, k, a, b, c);
        } else {
            FloatScalarGemm.gemm(workers, ta, tb, m, n, k, a, b, c);
        }
        return c;
    }
}
