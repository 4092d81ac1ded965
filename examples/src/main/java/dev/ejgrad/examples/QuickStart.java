package dev.ejgrad.examples;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.SafeTensors;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * A complete training loop: an MLP learns XOR-like quadrants (a problem no linear model solves) with
 * cross-entropy and Adam, then its weights go to a safetensors file and back.
 *
 * <p>Run it with {@code mvn -q -pl examples -am compile exec:java -Dexec.args="quickstart"}.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "A complete training loop: an MLP, cross-entropy, Adam, and weights saved and reloaded.")
public final class QuickStart implements Callable<Integer> {

    /** The {@code quickstart} subcommand. */
    public QuickStart() {
    }

    @Override
    public Integer call() throws IOException {
        main(new String[0]);
        return 0;
    }

    /**
     * Trains, prints the loss and accuracy, saves and reloads the weights.
     *
     * @param args ignored
     * @throws IOException if the weights cannot be written or read
     */
    public static void main(String[] args) throws IOException {
        Random rng = new Random(42);
        int n = 256;
        double[] xs = new double[n * 2];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            double a = rng.nextDouble() * 2 - 1;
            double b = rng.nextDouble() * 2 - 1;
            xs[2 * i] = a;
            xs[2 * i + 1] = b;
            labels[i] = a * b > 0 ? 1 : 0;            // class 1 in the first and third quadrants
        }
        Tensor x = Tensor.of(n, 2, xs);

        Sequential model = new Sequential(new Linear(2, 16, true, rng), new ReLU(), new Linear(16, 2, true, rng));
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        Optimizer opt = new Adam(model.parameters(), 0.05);

        for (int step = 1; step <= 200; step++) {
            opt.zeroGrad();
            Tensor loss = lossFn.forward(model.forward(x), labels);
            loss.backward();
            opt.step();
            if (step % 50 == 0) {
                System.out.printf("step %3d  loss %.4f  accuracy %.3f%n", step, loss.item(), accuracy(model, x, labels));
            }
        }

        Path file = Files.createTempFile("quickstart", ".safetensors");
        SafeTensors.save(model.stateDict(), file);
        Sequential copy = new Sequential(new Linear(2, 16, true, rng), new ReLU(), new Linear(16, 2, true, rng));
        copy.loadStateDict(SafeTensors.load(file));
        System.out.printf("reloaded from safetensors: accuracy %.3f%n", accuracy(copy, x, labels));
        Files.delete(file);
    }

    /** The fraction of rows whose largest logit is at the label. */
    static double accuracy(Sequential model, Tensor x, int[] labels) {
        try (NoGrad scope = NoGrad.enter()) {
            int[] predicted = model.forward(x).argmax(1);
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
            return (double) correct / labels.length;
        }
    }
}
