package dev.ejgrad.examples;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.examples.data.Mnist;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.SafeTensors;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.Optimizer;
import dev.ejgrad.optim.SGD;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an MLP (784-hidden-10, ReLU) on MNIST with cross-entropy, then saves its weights and a chart. Seeded: the
 * same settings give the same numbers.
 */
final class MnistTraining {

    private static final Logger LOG = LoggerFactory.getLogger(MnistTraining.class);

    /** Which optimizer to train with. */
    enum OptimizerKind { ADAM, SGD }

    /** The settings of a run. */
    static final class Settings {
        int epochs = 5;
        int batchSize = 128;
        int hidden = 256;
        OptimizerKind optimizer = OptimizerKind.ADAM;
        double lr = Double.NaN;      // NaN: 1e-3 for Adam, 0.1 for SGD
        double momentum = 0.9;
        double lrDecay = 0.7;
        long seed = 1;
        Path out = Path.of("target", "ejgrad-mnist");
        boolean progressBar;
        /** The data set's name in the chart's title. */
        String dataSet = "MNIST";

        double learningRate() {
            return Double.isNaN(lr) ? (optimizer == OptimizerKind.ADAM ? 1e-3 : 0.1) : lr;
        }
    }

    /** What a run produced. */
    static final class Result {
        final List<Double> losses = new ArrayList<>();
        final List<Double> accuracies = new ArrayList<>();
        Path weights;
        Path chart;
    }

    /** A line per epoch, for the caller to print. */
    interface EpochListener {
        void epoch(int epoch, int epochs, double loss, double accuracy, double samplesPerSecond);
    }

    private MnistTraining() {
    }

    static Result run(Mnist data, Settings s, EpochListener listener) throws IOException {
        Random rng = new Random(s.seed);
        Sequential model = new Sequential(new Linear(data.features(), s.hidden, true, rng), new ReLU(),
                new Linear(s.hidden, 10, true, rng));
        Optimizer opt = s.optimizer == OptimizerKind.ADAM
                ? new Adam(model.parameters(), s.learningRate())
                : new SGD(model.parameters(), s.learningRate()).momentum(s.momentum);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        Random shuffle = new Random(s.seed + 1);
        int n = data.trainSize();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Result result = new Result();
        for (int epoch = 1; epoch <= s.epochs; epoch++) {
            // as PyTorch's MNIST example (StepLR, gamma 0.7): a smaller step each epoch settles the weights
            opt.lr(s.learningRate() * Math.pow(s.lrDecay, epoch - 1));
            shuffle(order, shuffle);
            int steps = (n + s.batchSize - 1) / s.batchSize;
            double sum = 0;
            long start = System.nanoTime();
            try (ProgressBar bar = s.progressBar ? bar(epoch, s.epochs, steps) : null) {
                for (int k = 0; k < steps; k++) {
                    int from = k * s.batchSize;
                    int to = Math.min(n, from + s.batchSize);
                    opt.zeroGrad();
                    Tensor loss = lossFn.forward(model.forward(data.trainBatch(order, from, to)),
                            data.trainLabels(order, from, to));
                    loss.backward();
                    opt.step();
                    sum += loss.item() * (to - from);
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(" loss %.4f, %,.0f samples/s", sum / to,
                                to / ((System.nanoTime() - start) / 1e9)));
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double accuracy = accuracy(model, data);
            result.losses.add(sum / n);
            result.accuracies.add(accuracy);
            if (!s.progressBar) {
                LOG.info("epoch {}/{}: {} steps in {} s, {} samples/s", epoch, s.epochs, steps,
                        String.format("%.1f", seconds), String.format("%,.0f", n / seconds));
            }
            listener.epoch(epoch, s.epochs, sum / n, accuracy, n / seconds);
        }
        Files.createDirectories(s.out);
        result.weights = s.out.resolve("mnist-mlp.safetensors");
        SafeTensors.save(model.stateDict(), result.weights);
        result.chart = s.out.resolve("mnist-training.png");
        chart(chart(result, s.dataSet, n, data.testSize(), String.format(Locale.ROOT, "MLP %d-%d-10, %s",
                data.features(), s.hidden, s.optimizer.name().toLowerCase(Locale.ROOT).replace("adam", "Adam")
                        .replace("sgd", "SGD"))), result.chart);
        return result;
    }

    private static ProgressBar bar(int epoch, int epochs, int steps) {
        return new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
    }

    private static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The fraction of test images whose largest logit is at their label. */
    static double accuracy(Sequential model, Mnist data) {
        int[] labels = data.testLabels();
        int correct = 0;
        try (NoGrad scope = NoGrad.enter()) {
            for (int from = 0; from < labels.length; from += 1000) {
                int to = Math.min(labels.length, from + 1000);
                int[] predicted = model.forward(data.testBatch(from, to)).argmax(1);
                for (int i = 0; i < predicted.length; i++) {
                    correct += predicted[i] == labels[from + i] ? 1 : 0;
                }
            }
        }
        return (double) correct / labels.length;
    }

    /** The loss's colour, and the test error's: dark enough for tick labels, apart for colour-blind readers. */
    static final Color LOSS_COLOR = new Color(0x1f, 0x5f, 0xa8);
    static final Color ERROR_COLOR = new Color(0xc4, 0x5a, 0x00);

    /**
     * The chart of a run: the training loss (left axis) and the test error, 100 − accuracy (right axis), per epoch.
     * Both axes start at zero, so a curve's height is its size; the error rather than the accuracy, because an
     * accuracy axis from zero would squeeze 96-98% into a flat line at the top, and one that starts at 96% makes a
     * 0.02-point dip look like a fall. The last accuracy is written beside its point.
     */
    static XYChart chart(Result r, String dataSet, int trainImages, int testImages, String model) {
        int n = r.losses.size();
        double[] epochs = new double[n];
        double[] loss = new double[n];
        double[] error = new double[n];
        for (int i = 0; i < n; i++) {
            epochs[i] = i + 1;
            loss[i] = r.losses.get(i);
            error[i] = 100 * (1 - r.accuracies.get(i));
        }
        String title = String.format(Locale.ROOT, "%s (%,d training, %,d test images): %s", dataSet, trainImages,
                testImages, model);
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("epoch").build();
        XYSeries l = chart.addSeries("training loss (mean cross-entropy over the epoch), left axis", epochs, loss);
        l.setYAxisGroup(0);
        l.setLineColor(LOSS_COLOR);
        l.setMarkerColor(LOSS_COLOR);
        l.setMarker(SeriesMarkers.CIRCLE);
        l.setLineStyle(SeriesLines.SOLID);
        XYSeries e = chart.addSeries("test error (% of test images misclassified), right axis", epochs, error);
        e.setYAxisGroup(1);
        e.setLineColor(ERROR_COLOR);
        e.setMarkerColor(ERROR_COLOR);
        e.setMarker(SeriesMarkers.DIAMOND);
        e.setLineStyle(SeriesLines.DASH_DASH);
        chart.setYAxisGroupTitle(0, "training loss");
        chart.setYAxisGroupTitle(1, "test error (%)");

        XYStyler st = chart.getStyler();
        st.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBorderVisible(false);
        st.setPlotGridVerticalLinesVisible(false);
        st.setLegendPosition(Styler.LegendPosition.InsideNE);
        st.setLegendBorderColor(Color.LIGHT_GRAY);
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(st.getChartTitleFont().deriveFont(Font.BOLD, 15f));
        st.setXAxisMin(n > 1 ? 1.0 : 0.5);
        st.setXAxisMax(n > 1 ? (double) n : 1.5);
        st.setXAxisDecimalPattern("0");
        st.setXAxisTickMarkSpacingHint(Math.max(40, 700 / Math.max(1, n)));
        // both axes from zero, with the same number of intervals so that their ticks share the grid lines
        Axes axes = Axes.fit(max(loss), max(error));
        st.setYAxisMin(0, 0.0);
        st.setYAxisMax(0, axes.top(0));
        st.setYAxisMin(1, 0.0);
        st.setYAxisMax(1, axes.top(1));
        // XChart picks a 1-2-5 tick step near span x hint / tick space; this hint makes it pick the step chosen here
        st.setYAxisTickMarkSpacingHint((int) Math.round(PLOT_HEIGHT * st.getPlotContentSize() / axes.intervals()));
        // one pattern for both axes (XChart 3.8.8 applies group 0's to every y axis), with the decimals the finer
        // step needs: every label of an axis then has the same number of decimals
        st.setYAxisDecimalPattern(pattern(decimalsOf(axes.step(0)) >= decimalsOf(axes.step(1))
                ? axes.step(0) : axes.step(1)));
        st.setYAxisGroupTickLabelsColorMap(0, LOSS_COLOR);
        st.setYAxisGroupTickMarksColorMap(0, LOSS_COLOR);
        st.setYAxisGroupTickLabelsColorMap(1, ERROR_COLOR);
        st.setYAxisGroupTickMarksColorMap(1, ERROR_COLOR);
        st.setAnnotationTextFontColor(ERROR_COLOR);
        st.setAnnotationTextFont(st.getAnnotationTextFont().deriveFont(Font.BOLD, 12f));
        // above the last error point the accuracy the run ended with; annotations are placed in the left axis's units
        // (centred on its x, so moved left by about half its width to stay inside the plot)
        double x = n > 1 ? epochs[n - 1] - 0.08 * (n - 1) : epochs[0];
        AnnotationText last = new AnnotationText(String.format(Locale.ROOT, "accuracy %.2f%%",
                100 * r.accuracies.get(n - 1)), x, (error[n - 1] / axes.top(1) + 0.06) * axes.top(0), false);
        if (n > 1) {
            chart.addAnnotation(last);   // XChart 3.8.8 misplaces it on a one-point x axis
        }
        return chart;
    }

    private static double max(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, v);
        }
        return m;
    }

    /** The height in pixels of the plot area of a 520-pixel chart (the title and the x axis take the rest). */
    static final double PLOT_HEIGHT = 435;

    /**
     * Two y axes from zero with the same number of intervals, each interval a 1, 2 or 5 x 10^k, each top at least 5%
     * above its series' largest value: the number of intervals (4 to 8) that wastes the least height.
     */
    record Axes(int intervals, double[] steps) {

        static Axes fit(double... maxima) {
            Axes best = null;
            double bestWaste = Double.POSITIVE_INFINITY;
            for (int k = 4; k <= 8; k++) {
                double[] steps = new double[maxima.length];
                double waste = 0;
                for (int i = 0; i < maxima.length; i++) {
                    double need = maxima[i] > 0 && Double.isFinite(maxima[i]) ? 1.05 * maxima[i] : 1;
                    steps[i] = niceStep(need / k);
                    waste += k * steps[i] / need;
                }
                if (waste < bestWaste - 1e-9) {
                    bestWaste = waste;
                    best = new Axes(k, steps);
                }
            }
            return best;
        }

        double step(int axis) {
            return steps[axis];
        }

        double top(int axis) {
            return intervals * steps[axis];
        }
    }

    /** The smallest 1, 2 or 5 x 10^k at or above {@code v > 0}. */
    static double niceStep(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5}) {
            if (m * p >= v * (1 - 1e-12)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    /** The tick-label pattern for a step: as many decimals as it needs, the same on every label. */
    static String pattern(double step) {
        int decimals = decimalsOf(step);
        return decimals == 0 ? "0" : "0." + "0".repeat(decimals);
    }

    private static int decimalsOf(double step) {
        int decimals = 0;
        while (decimals < 8 && Math.abs(step * Math.pow(10, decimals) - Math.rint(step * Math.pow(10, decimals)))
                > 1e-9 * Math.pow(10, decimals)) {
            decimals++;
        }
        return decimals;
    }

    private static void chart(XYChart chart, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
