package dev.ejgrad.bench;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.Module;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.openjdk.jol.info.GraphLayout;

/**
 * The heap a model and its Adam state hold, in float64 and in float32: for an MLP (784-256-10 and 784-1024-1024-10,
 * ReLU), made as always, converted with {@code model.to(dtype)}, given an Adam optimizer and one training step on a
 * batch of 128 (so that Adam's two buffers per parameter exist), it prints the bytes of every object reachable from
 * the model and the optimizer, walked by JOL's {@code GraphLayout} (object headers, fields, padding and arrays, as the
 * running JVM lays them out), once with the gradients the step left and once after {@code zeroGrad()} sets them to
 * null, and how many of those bytes are {@code double[]} and {@code float[]} arrays.
 *
 * <p>Run on demand, never as a test: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.ejgrad.bench.MemoryFootprint} after {@code mvn -Pbench -pl benchmarks -am package -DskipTests}.
 */
public final class MemoryFootprint {

    private MemoryFootprint() {
    }

    /** What one measurement found. */
    private record Footprint(long parameters, long withGrads, long withoutGrads, long doubles, long floats) {
    }

    /**
     * Prints a table of the two models in the two dtypes.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.out.printf(Locale.ROOT, "JVM: %s %s, max heap %,d MB%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
        System.out.printf(Locale.ROOT, "%-20s %-8s %11s %16s %16s %14s %14s%n", "MLP + Adam, 1 step", "dtype",
                "parameters", "heap with grads", "heap, grads null", "double[] bytes", "float[] bytes");
        for (int[] sizes : new int[][] {{784, 256, 10}, {784, 1024, 1024, 10}}) {
            Footprint f64 = measure(sizes, DType.FLOAT64);
            Footprint f32 = measure(sizes, DType.FLOAT32);
            for (DType d : DType.values()) {
                Footprint f = d == DType.FLOAT64 ? f64 : f32;
                System.out.printf(Locale.ROOT, "%-20s %-8s %,11d %,16d %,16d %,14d %,14d%n", name(sizes),
                        d.name().toLowerCase(Locale.ROOT), f.parameters(), f.withGrads(), f.withoutGrads(),
                        f.doubles(), f.floats());
            }
            System.out.printf(Locale.ROOT, "%-20s %-8s %11s %15.3fx %15.3fx%n", name(sizes), "f32/f64", "",
                    (double) f32.withGrads() / f64.withGrads(), (double) f32.withoutGrads() / f64.withoutGrads());
        }
    }

    private static String name(int[] sizes) {
        StringBuilder sb = new StringBuilder();
        for (int s : sizes) {
            sb.append(sb.length() == 0 ? "" : "-").append(s);
        }
        return sb.toString();
    }

    private static Footprint measure(int[] sizes, DType dtype) {
        Random rng = new Random(0);
        List<Module> layers = new ArrayList<>();
        for (int i = 0; i + 1 < sizes.length; i++) {
            layers.add(new Linear(sizes[i], sizes[i + 1], true, rng));
            if (i + 2 < sizes.length) {
                layers.add(new ReLU());
            }
        }
        Sequential model = new Sequential(layers.toArray(new Module[0]));
        model.to(dtype);
        Adam opt = new Adam(model.parameters(), 1e-3);
        Tensor x = Tensor.rand(128, sizes[0], rng).to(dtype);
        int[] y = new int[128];
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(sizes[sizes.length - 1]);
        }
        Tensor loss = new CrossEntropyLoss().forward(model.forward(x), y);
        loss.backward();
        opt.step();
        loss = null;
        long parameters = 0;
        for (Tensor p : model.parameters()) {
            parameters += (long) p.rows() * p.cols();
        }
        long withGrads = GraphLayout.parseInstance(model, opt).totalSize();
        opt.zeroGrad();
        GraphLayout layout = GraphLayout.parseInstance(model, opt);
        return new Footprint(parameters, withGrads, layout.totalSize(),
                layout.getClassSizes().count(double[].class), layout.getClassSizes().count(float[].class));
    }
}
