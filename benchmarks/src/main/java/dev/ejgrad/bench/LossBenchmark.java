package dev.ejgrad.bench;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
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

/** CrossEntropyLoss forward and backward (the fused node), and exp and tanh throughput. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 7, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LossBenchmark {

    /** rows x classes. */
    @Param({"128x10", "1024x1000"})
    public String shape;

    private Tensor logits;
    private int[] targets;
    private final CrossEntropyLoss loss = new CrossEntropyLoss();
    private Tensor million;

    /** Random logits and targets; a 1000x1000 tensor for the elementwise ops. */
    @Setup
    public void setup() {
        String[] p = shape.split("x");
        int n = Integer.parseInt(p[0]);
        int c = Integer.parseInt(p[1]);
        Random rng = new Random(2);
        logits = Tensor.randn(n, c, rng).requiresGrad(true);
        targets = new int[n];
        for (int i = 0; i < n; i++) {
            targets[i] = rng.nextInt(c);
        }
        million = Tensor.randn(1000, 1000, rng);
    }

    /** Forward and backward of the mean cross-entropy. */
    @Benchmark
    public Tensor crossEntropy() {
        logits.zeroGrad();
        loss.forward(logits, targets).backward();
        return logits.grad();
    }

    /** exp of 1e6 elements (ops/s x 1e6 = elements/s). */
    @Benchmark
    public Tensor exp() {
        return million.exp();
    }

    /** tanh of 1e6 elements. */
    @Benchmark
    public Tensor tanh() {
        return million.tanh();
    }
}
