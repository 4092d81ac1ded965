package dev.ejgrad.core;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
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
 * The elementwise kernels of the reference step's hidden layer (128 x 256), float32 beside float64: {@code addRow}
 * adds a 1 x 256 bias to every row (a broadcast {@code binary}), {@code mul} multiplies two 128 x 256 matrices,
 * {@code relu} and {@code reluBackward}. {@code kernels} is {@code vector} ({@link VectorKernels}, the path once warm)
 * or {@code java} ({@link JavaKernels}, the path before the warm-up and without the Vector API). The float64
 * {@code binary} and {@code relu} are plain Java on both. Throughput in calls per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 7, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ElementwiseBenchmark {

    /** The kernel: {@code addRow}, {@code mul}, {@code relu} or {@code reluBackward}. */
    @Param({"addRow", "mul", "relu", "reluBackward"})
    public String kernel;

    /** {@code float32} or {@code float64}. */
    @Param({"float32", "float64"})
    public String dtype;

    /** {@code vector} or {@code java}. */
    @Param({"vector", "java"})
    public String kernels;

    private Kernels k;
    private DMatrixRMaj dx;
    private DMatrixRMaj dy;
    private DMatrixRMaj drow;
    private DMatrixRMaj dout;
    private FMatrixRMaj fx;
    private FMatrixRMaj fy;
    private FMatrixRMaj frow;
    private FMatrixRMaj fout;

    /** Gaussian operands, half of them negative. */
    @Setup
    public void setup() {
        k = kernels.equals("vector") ? new VectorKernels(new Workers(1)) : JavaKernels.INSTANCE;
        Random rng = new Random(1);
        dx = random(128, 256, rng);
        dy = random(128, 256, rng);
        drow = random(1, 256, rng);
        dout = new DMatrixRMaj(128, 256);
        fx = narrow(dx);
        fy = narrow(dy);
        frow = narrow(drow);
        fout = new FMatrixRMaj(128, 256);
    }

    private static DMatrixRMaj random(int rows, int cols, Random rng) {
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextGaussian();
        }
        return m;
    }

    private static FMatrixRMaj narrow(DMatrixRMaj m) {
        FMatrixRMaj f = new FMatrixRMaj(m.numRows, m.numCols);
        for (int i = 0; i < m.data.length; i++) {
            f.data[i] = (float) m.data[i];
        }
        return f;
    }

    /** One call into a reused output. */
    @Benchmark
    public Object run() {
        boolean f32 = dtype.equals("float32");
        switch (kernel) {
            case "addRow":
                if (f32) {
                    k.binary(Kernels.Binary.ADD, fx, frow, fout);
                } else {
                    k.binary(Kernels.Binary.ADD, dx, drow, dout);
                }
                break;
            case "mul":
                if (f32) {
                    k.binary(Kernels.Binary.MUL, fx, fy, fout);
                } else {
                    k.binary(Kernels.Binary.MUL, dx, dy, dout);
                }
                break;
            case "relu":
                if (f32) {
                    k.relu(fx, fout);
                } else {
                    k.relu(dx, dout);
                }
                break;
            default:
                if (f32) {
                    k.reluBackward(fy, fx, fout);
                } else {
                    k.reluBackward(dy, dx, dout);
                }
                break;
        }
        return f32 ? fout : dout;
    }
}
