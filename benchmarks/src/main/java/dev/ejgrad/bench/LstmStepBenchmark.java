package dev.ejgrad.bench;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.LSTM;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The LSTM step of {@code shared/torch-ref}'s {@code bench --only lstm}, written the natural way with the public
 * API: {@code LSTM(28, 128)} over 28 steps of a batch of 64 (inputs U[0, 1)), the last step's hidden state
 * ({@code hidden().get(0)}) through {@code Linear(128, 10)}, cross-entropy (mean), backward, SGD lr 0.01 on the six
 * parameters, gradients set to null. Float64, as libtorch's row it is compared with.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar LstmStepBenchmark \
 *     -jvmArgsAppend -Dejgrad.threads=1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 7, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LstmStepBenchmark {

    private LSTM lstm;
    private Linear head;
    private SGD opt;
    private CrossEntropyLoss loss;
    private List<Tensor> steps;
    private int[] y;

    /** The model, the optimizer and one fixed batch. */
    @Setup
    public void setup() {
        Random rng = new Random(42);
        lstm = new LSTM(28, 128, rng);
        head = new Linear(128, 10, true, rng);
        List<Tensor> params = new ArrayList<>(lstm.parameters());
        params.addAll(head.parameters());
        opt = new SGD(params, 0.01);
        loss = new CrossEntropyLoss();
        steps = new ArrayList<>();
        for (int t = 0; t < 28; t++) {
            steps.add(Tensor.rand(64, 28, rng));
        }
        y = new int[64];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(10);
        }
    }

    /** One step; returns the loss so the JIT cannot drop the work. */
    @Benchmark
    public double step() {
        opt.zeroGrad();
        Tensor l = loss.forward(head.forward(lstm.forward(steps).hidden().get(0)), y);
        l.backward();
        opt.step();
        return l.item();
    }
}
