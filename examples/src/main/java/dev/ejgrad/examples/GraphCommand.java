package dev.ejgrad.examples;

import dev.ejgrad.core.GraphExport;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.examples.data.Mnist;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The graph of one MLP training step, as Graphviz DOT and Mermaid text, and as SVG when Graphviz is installed. */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = {"Draw the graph of one MLP step (784-256-10 on 32 MNIST images) after its backward.",
            "Writes DOT and Mermaid text, and an SVG when Graphviz's dot is installed.",
            "--values draws a tiny MLP (2-3-2 on 2 points) instead, with every value and gradient."})
final class GraphCommand implements Callable<Integer> {

    @Option(names = "--out", defaultValue = "target/ejgrad-graph", paramLabel = "DIR",
            description = "Where to write the files (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--dot", defaultValue = "dot", paramLabel = "PROGRAM", description = "Graphviz's dot program.")
    String dot;

    @Option(names = "--values", description = {"Draw a tiny MLP (2-3-2, ReLU, cross-entropy on 2 points) "
        + "micrograd-style: each op in a node of its own, each tensor with its values and gradient."})
    boolean values;

    /** The files written, and the SVG or why there is none. */
    static final class Result {
        Path dotFile;
        Path mermaidFile;
        Path svg;
        String message;
    }

    /** The MLP step of the compact drawing: 784-256-10 on 32 embedded MNIST images. */
    static Result draw(Path out, String dotProgram) throws IOException, InterruptedException {
        return draw(out, dotProgram, false);
    }

    static Result draw(Path out, String dotProgram, boolean values) throws IOException, InterruptedException {
        Random rng = new Random(1);
        Sequential model;
        Tensor x;
        int[] labels;
        if (values) {
            model = new Sequential(new Linear(2, 3, true, rng), new ReLU(), new Linear(3, 2, true, rng));
            x = Tensor.of(new double[][] {{0.5, -1.0}, {-0.8, 0.3}});
            labels = new int[] {0, 1};
        } else {
            Mnist mnist = Mnist.embedded().limit(32, 1);
            int[] order = new int[32];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            model = new Sequential(new Linear(784, 256, true, rng), new ReLU(), new Linear(256, 10, true, rng));
            x = mnist.trainBatch(order, 0, 32);
            labels = mnist.trainLabels(order, 0, 32);
        }
        Tensor loss = new CrossEntropyLoss().forward(model.forward(x), labels);
        if (values) {
            GraphExport.retainGrads(loss);   // every tensor's gradient, not only the parameters'
        }
        loss.backward(Tensor.scalar(1), true);   // keep the graph, so the drawing shows it with its gradients

        Map<String, Tensor> names = new LinkedHashMap<>(model.namedParameters());
        names.put(values ? "x" : "images", x);
        names.put("loss", loss);
        GraphExport.Options options = GraphExport.options().names(names)
                .extraInput("labels", labels.length + " class indices (int[]), no gradient", loss)
                .values(values ? 12 : 0);
        Files.createDirectories(out);
        Result r = new Result();
        String base = values ? "mlp-values" : "mlp-step";
        r.dotFile = out.resolve(base + ".dot");
        r.mermaidFile = out.resolve(base + ".mmd");
        Files.writeString(r.dotFile, GraphExport.toDot(loss, options));
        Files.writeString(r.mermaidFile, GraphExport.toMermaid(loss, options));
        Path svg = out.resolve(base + ".svg");
        try {
            Process p = new ProcessBuilder(dotProgram, "-Tsvg", r.dotFile.toString(), "-o", svg.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                r.message = "Graphviz failed: " + output.trim();
            } else {
                r.svg = svg;
                r.message = "svg:     " + svg;
            }
        } catch (IOException notFound) {
            r.message = "Graphviz's '" + dotProgram + "' is not installed, so there is no SVG. Install it "
                    + "(Debian/Ubuntu: sudo apt-get install graphviz; macOS: brew install graphviz) and run again, or "
                    + "paste the Mermaid file into any Mermaid viewer.";
        }
        return r;
    }

    @Override
    public Integer call() throws Exception {
        Result r = draw(out, dot, values);
        System.out.println("dot:     " + r.dotFile);
        System.out.println("mermaid: " + r.mermaidFile);
        System.out.println(r.message);
        return 0;
    }
}
