package dev.ejgrad.bench;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.SGD;
import java.util.Locale;
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
 * The reference training step of {@code shared/torch-ref}'s bench, written the natural way with the public API: MLP
 * 784-256-10 (Linear, ReLU, Linear), batch 128, cross-entropy (mean), backward, SGD lr 0.01, gradients set to null.
 *
 * <p>In either dtype ({@code -p dtype=float64} or {@code float32}, both by default): the model is made as always,
 * then converted with {@code model.to(dtype)}, and the batch is drawn as always, then converted, as torch-ref's
 * float32 rows convert theirs.
 *
 * <p>Steady state: 12 s of warm-up, well past the end of the JIT's work (a fresh JVM reaches full speed after 2-5 s
 * on the 2-core machine of the README; {@code Cold --curve} shows the curve).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 12, time = 1)
@Measurement(iterations = 7, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainStepBenchmark {

    /** The dtype of the weights, the batch and the step: {@code float64} or {@code float32}. */
    @Param({"float64", "float32"})
    public String dtype;

    private Sequential model;
    private SGD opt;
    private CrossEntropyLoss loss;
    private Tensor x;
    private int[] y;

    /** The model, the optimizer and one fixed batch. */
    @Setup
    public void setup() {
        Random rng = new Random(0);
        DType d = DType.valueOf(dtype.toUpperCase(Locale.ROOT));
        model = new Sequential(new Linear(784, 256, true, rng), new ReLU(), new Linear(256, 10, true, rng));
        model.to(d);
        opt = new SGD(model.parameters(), 0.01);
        loss = new CrossEntropyLoss();
        x = Tensor.rand(128, 784, rng).to(d);
        y = new int[128];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(10);
        }
    }

    /** One step; returns the loss so the JIT cannot drop the work. */
    @Benchmark
    public double step() {
        opt.zeroGrad();
        Tensor l = loss.forward(model.forward(x), y);
        l.backward();
        opt.step();
        return l.item();
    }
}
