package dev.ejgrad.bench;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.Conv2d;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.MaxPool2d;
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
 * The reference CNN step of {@code shared/torch-ref}'s bench (its row {@code CNN 1x28x28 conv16-conv32 train step,
 * batch 64}), written with the public API: Conv2d(1, 16, 5), ReLU, MaxPool2d(2), Conv2d(16, 32, 5), ReLU,
 * MaxPool2d(2), Linear(512, 10); batch 64 of 1x28x28 images U[0, 1), cross-entropy (mean), backward, SGD lr 0.01,
 * gradients set to null.
 *
 * <p>In either dtype ({@code -p dtype=float64} or {@code float32}, both by default), as {@link TrainStepBenchmark}:
 * the model made as always, then {@code model.to(dtype)}, and the batch drawn as always, then converted.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 12, time = 1)
@Measurement(iterations = 7, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class CnnStepBenchmark {

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
        Conv2d c1 = new Conv2d(new ImageShape(1, 28, 28), 16, 5, rng);
        MaxPool2d p1 = new MaxPool2d(c1.outputShape(), 2);
        Conv2d c2 = new Conv2d(p1.outputShape(), 32, 5, rng);
        MaxPool2d p2 = new MaxPool2d(c2.outputShape(), 2);
        model = new Sequential(c1, new ReLU(), p1, c2, new ReLU(), p2, new Linear(p2.outputShape().size(), 10, true,
                rng));
        DType d = DType.valueOf(dtype.toUpperCase(Locale.ROOT));
        model.to(d);
        opt = new SGD(model.parameters(), 0.01);
        loss = new CrossEntropyLoss();
        x = Tensor.rand(64, 28 * 28, rng).to(d);
        y = new int[64];
        Random labels = new Random(42);
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.nextInt(10);
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
