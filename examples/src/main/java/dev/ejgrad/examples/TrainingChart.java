package dev.ejgrad.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * What the training commands share to show a run: the epoch's progress bar, and a 900 x 520 PNG chart of the
 * losses (left axis) and the error in % (right axis) per epoch, both axes from zero with ticks on the same grid
 * lines.
 *
 * <p>A new training command (a CNN or an LSTM on MNIST, say) shows its run in a few lines:
 *
 * <pre>{@code
 * List<Double> losses = new ArrayList<>();
 * List<Double> accuracies = new ArrayList<>();
 * for (int epoch = 1; epoch <= epochs; epoch++) {
 *     try (ProgressBar bar = TrainingChart.progressBar(epoch, epochs, steps)) {
 *         for (...) {   // one training step
 *             bar.step();
 *         }
 *     }
 *     losses.add(meanLoss);
 *     accuracies.add(testAccuracy);
 * }
 * TrainingChart.save(TrainingChart.lossAndError("MNIST: CNN, Adam", losses, accuracies), out.resolve("cnn.png"));
 * }</pre>
 *
 * <p>A chart with other series (as {@code train-csv}'s, with a validation loss) starts from {@link #chart}, adds
 * them with {@link #addSeries}, and ends with {@link #fitYAxes}.
 */
final class TrainingChart {

    /** The loss's colour, and the test error's: dark enough for tick labels, apart for colour-blind readers. */
    static final Color LOSS_COLOR = new Color(0x1f, 0x5f, 0xa8);
    static final Color ERROR_COLOR = new Color(0xc4, 0x5a, 0x00);

    /** The height in pixels of the plot area of a 520-pixel chart (the title and the x axis take the rest). */
    static final double PLOT_HEIGHT = 435;

    private TrainingChart() {
    }

    /** The progress bar of one epoch of {@code steps} steps, named "epoch e/E". */
    static ProgressBar progressBar(int epoch, int epochs, int steps) {
        return new ProgressBarBuilder().setTaskName("epoch " + epoch + "/" + epochs).setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).continuousUpdate().build();
    }

    /**
     * The chart of a run: the training loss (left axis) and the test error, 100 − accuracy (right axis), per epoch.
     * Both axes start at zero, so a curve's height is its size; the error rather than the accuracy, because an
     * accuracy axis from zero would squeeze 96-98% into a flat line at the top, and one that starts at 96% makes a
     * 0.02-point dip look like a fall. The last accuracy is written beside its point.
     *
     * @param title the chart's title
     * @param losses the mean training cross-entropy of each epoch
     * @param accuracies the test accuracy after each epoch, in [0, 1]
     * @return the chart, for {@link #save}
     */
    static XYChart lossAndError(String title, List<Double> losses, List<Double> accuracies) {
        int n = losses.size();
        double[] epochs = new double[n];
        double[] loss = new double[n];
        double[] error = new double[n];
        for (int i = 0; i < n; i++) {
            epochs[i] = i + 1;
            loss[i] = losses.get(i);
            error[i] = 100 * (1 - accuracies.get(i));
        }
        XYChart chart = chart(title, n, 15f);
        addSeries(chart, "training loss (mean cross-entropy over the epoch), left axis", epochs, loss, 0, LOSS_COLOR,
                SeriesMarkers.CIRCLE, SeriesLines.SOLID);
        addSeries(chart, "test error (% of test images misclassified), right axis", epochs, error, 1, ERROR_COLOR,
                SeriesMarkers.DIAMOND, SeriesLines.DASH_DASH);
        chart.setYAxisGroupTitle(0, "training loss");
        chart.setYAxisGroupTitle(1, "test error (%)");
        XYStyler st = chart.getStyler();
        st.setXAxisTickMarkSpacingHint(Math.max(40, 700 / Math.max(1, n)));
        Axes axes = fitYAxes(chart, max(loss), max(error), LOSS_COLOR);
        st.setAnnotationTextFontColor(ERROR_COLOR);
        st.setAnnotationTextFont(st.getAnnotationTextFont().deriveFont(Font.BOLD, 12f));
        // above the last error point the accuracy the run ended with; annotations are placed in the left axis's units
        // (centred on its x, so moved left by about half its width to stay inside the plot)
        double x = n > 1 ? epochs[n - 1] - 0.08 * (n - 1) : epochs[0];
        AnnotationText last = new AnnotationText(String.format(Locale.ROOT, "accuracy %.2f%%",
                100 * accuracies.get(n - 1)), x, (error[n - 1] / axes.top(1) + 0.06) * axes.top(0), false);
        if (n > 1) {
            chart.addAnnotation(last);   // XChart 3.8.8 misplaces it on a one-point x axis
        }
        return chart;
    }

    /**
     * An empty chart of {@code epochs} epochs in the shared style: white, the legend inside at the top right, the
     * second y axis on the right, whole epochs on the x axis.
     *
     * @param title the chart's title
     * @param epochs the number of epochs on the x axis
     * @param titleSize the title's font size (bold)
     * @return the chart, for {@link #addSeries} and then {@link #fitYAxes}
     */
    static XYChart chart(String title, int epochs, float titleSize) {
        XYChart chart = new XYChartBuilder().width(900).height(520).title(title).xAxisTitle("epoch").build();
        XYStyler st = chart.getStyler();
        st.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBorderVisible(false);
        st.setPlotGridVerticalLinesVisible(false);
        st.setLegendPosition(Styler.LegendPosition.InsideNE);
        st.setLegendBorderColor(Color.LIGHT_GRAY);
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(st.getChartTitleFont().deriveFont(Font.BOLD, titleSize));
        st.setXAxisMin(epochs > 1 ? 1.0 : 0.5);
        st.setXAxisMax(epochs > 1 ? (double) epochs : 1.5);
        st.setXAxisDecimalPattern("0");
        return chart;
    }

    /**
     * Adds a series on a y axis (0 left, 1 right), in one colour with a marker and a line style.
     *
     * @return the series
     */
    static XYSeries addSeries(XYChart chart, String name, double[] x, double[] y, int axis, Color color,
            Marker marker, BasicStroke line) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setYAxisGroup(axis);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(marker);
        s.setLineStyle(line);
        return s;
    }

    /**
     * Both y axes from zero with the same number of intervals, so that their ticks share the grid lines, each top a
     * round number just above its largest finite value; the right axis's ticks in {@link #ERROR_COLOR}, the left's
     * in {@code leftColor} (null: the default).
     *
     * @return the axes chosen
     */
    static Axes fitYAxes(XYChart chart, double leftMax, double rightMax, Color leftColor) {
        XYStyler st = chart.getStyler();
        Axes axes = Axes.fit(leftMax, rightMax);
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
        if (leftColor != null) {
            st.setYAxisGroupTickLabelsColorMap(0, leftColor);
            st.setYAxisGroupTickMarksColorMap(0, leftColor);
        }
        st.setYAxisGroupTickLabelsColorMap(1, ERROR_COLOR);
        st.setYAxisGroupTickMarksColorMap(1, ERROR_COLOR);
        return axes;
    }

    /** The largest finite value, at least 0. */
    static double max(double[] a) {
        double m = 0;
        for (double v : a) {
            if (Double.isFinite(v)) {
                m = Math.max(m, v);
            }
        }
        return m;
    }

    /** Writes a chart as a PNG. */
    static void save(XYChart chart, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

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
}
