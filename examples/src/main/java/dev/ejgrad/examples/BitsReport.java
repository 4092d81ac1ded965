package dev.ejgrad.examples;

import static dev.ejgrad.examples.BitsPerCharacter.LN2;
import static dev.ejgrad.examples.CharacterModels.CONTEXT;
import static dev.ejgrad.examples.CharacterModels.EMBED;
import static dev.ejgrad.examples.CharacterModels.GRU_EMBED;
import static dev.ejgrad.examples.CharacterModels.GRU_HIDDEN;
import static dev.ejgrad.examples.CharacterModels.MLP_HIDDEN;

import dev.ejgrad.examples.BitsPerCharacter.Model;
import dev.ejgrad.examples.BitsPerCharacter.Result;
import java.awt.Color;
import java.awt.Font;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The {@code bits-per-character} lesson's printed report and its chart of the training losses. */
final class BitsReport {

    private BitsReport() {
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %,d words of letters a-z%s; %,d training and %,d test words "
                + "(seeded split)%n", r.source, r.words, r.skipped == 0 ? "" : " (" + r.skipped + " others skipped)",
                r.trainWords, r.testWords));
        sb.append(String.format(Locale.ROOT, "27 symbols, a-z and '.' for start and end: a word of L letters is L + 1 "
                + "predictions (%,d training, %,d test)%n", r.trainTokens, r.testTokens));
        sb.append(String.format(Locale.ROOT, "MLP: Embedding(27, %d) of the previous %d symbols, Linear(%d, %d), "
                + "tanh, Linear(%d, 27); %d Adam steps of %d predictions%n", EMBED, CONTEXT, CONTEXT * EMBED,
                MLP_HIDDEN, MLP_HIDDEN, r.mlpCurve.length, r.mlpBatch));
        sb.append(String.format(Locale.ROOT, "GRU: Embedding(27, %d), GRU(%d, %d) over each word (padded batch, lengths), "
                + "Linear(%d, 27); %d Adam steps of %d words%n%n", GRU_EMBED, GRU_EMBED, GRU_HIDDEN, GRU_HIDDEN,
                r.gruCurve.length, r.gruBatch));

        sb.append("test words (counted models with add-one smoothing); bits = nats / ln 2, perplexity = e^nats\n");
        TextTable t = new TextTable("model", "context", "parameters", "nats/char", "bits/char", "perplexity");
        for (Model m : new Model[] {r.unigram, r.bigram, r.mlp, r.gru}) {
            t.row(m.name, m.context, String.format(Locale.ROOT, "%,d", m.parameters), m.testNats, m.testBits(),
                    m.perplexity());
        }
        sb.append(t);

        sb.append("\ntraining words, counted models without smoothing: cross-entropy = entropy (nats)\n");
        sb.append(new TextTable("model", "CE = mean -log q over tokens", "H from the distribution", "CE - H")
                .row("unigram U", r.unigramCe, r.unigramEntropy, r.unigramCe - r.unigramEntropy)
                .row("bigram B", r.bigramCe, r.bigramEntropy, r.bigramCe - r.bigramEntropy));
        sb.append(String.format(Locale.ROOT, "bits the bigram saves over the unigram code, the mutual information of "
                + "consecutive symbols:%n  H(U) - H(B) = %s   Σ_a P(a) KL(B(·|a)‖U) = %s   difference %s%n",
                TextTable.number(bits(r.unigramEntropy - r.bigramEntropy)),
                TextTable.number(bits(r.bigramKlFromUnigram)),
                TextTable.number(bits(r.unigramEntropy - r.bigramEntropy - r.bigramKlFromUnigram))));
        sb.append("\ntraining words, bits/char: CE(q) = H(next | context) + KL(p̂‖q), p̂ the counted next symbol given "
                + "the model's context;\nthe bits saved over the unigram code, CE(U) - CE(q), are KL(p̂‖U) - KL(p̂‖q)\n");
        TextTable k = new TextTable("model", "CE(q)", "H(next|ctx)", "KL(p̂‖q)", "H + KL - CE", "CE(U) - CE(q)",
                "KL(p̂‖U) - KL(p̂‖q)");
        for (Model m : new Model[] {r.unigram, r.bigram, r.mlp, r.gru}) {
            k.row(m.name, bits(m.trainCe), bits(m.trainH), bits(m.trainKl), bits(m.trainH + m.trainKl - m.trainCe),
                    bits(r.unigram.trainCe - m.trainCe), bits(m.trainKlFromUnigram - m.trainKl));
        }
        sb.append(k);
        sb.append("\nsamples (seeded)\n");
        sb.append("MLP: ").append(String.join(" ", r.mlp.samples)).append('\n');
        sb.append("GRU: ").append(String.join(" ", r.gru.samples)).append('\n');
        return sb.toString();
    }

    private static double bits(double nats) {
        return nats / LN2;
    }

    /**
     * The training loss of both networks in bits per character (means over windows of 25 steps) against passes over
     * the training words (an MLP step sees 128 predictions, a GRU step 32 words), and the test losses as lines.
     */
    static XYChart chart(Result r) {
        XYChart chart = new XYChartBuilder().width(960).height(560)
                .title(String.format(Locale.ROOT, "%s: %,d training words, character-level models", r.source,
                        r.trainWords))
                .xAxisTitle("epochs (passes over the training words)").yAxisTitle("bits per character").build();
        double mlpEpochs = (double) r.mlpBatch / r.trainTokens;
        double gruEpochs = (double) r.gruBatch / r.trainWords;
        addCurve(chart, "MLP, training loss", r.mlpCurve, mlpEpochs, TrainingChart.LOSS_COLOR);
        addCurve(chart, "GRU, training loss", r.gruCurve, gruEpochs, TrainingChart.ERROR_COLOR);
        double last = Math.max(r.mlpCurve.length * mlpEpochs, r.gruCurve.length * gruEpochs);
        for (Model m : new Model[] {r.unigram, r.bigram, r.mlp, r.gru}) {
            XYSeries s = chart.addSeries(String.format(Locale.ROOT, "%s test %.3f", m.name, m.testBits()),
                    new double[] {0, last}, new double[] {m.testBits(), m.testBits()});
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(SeriesLines.DASH_DASH);
            s.setLineColor(m == r.mlp ? TrainingChart.LOSS_COLOR : m == r.gru ? TrainingChart.ERROR_COLOR
                    : m == r.bigram ? Color.DARK_GRAY : Color.GRAY);
        }
        XYStyler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBorderVisible(false);
        st.setPlotGridVerticalLinesVisible(false);
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setLegendBorderColor(Color.WHITE);
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(st.getChartTitleFont().deriveFont(Font.BOLD, 15f));
        st.setXAxisMin(0.0);
        st.setXAxisMax(last);
        st.setXAxisDecimalPattern("0.0");
        // from zero, so that a curve's height is its size (as the mnist chart)
        st.setYAxisMin(0.0);
        st.setYAxisMax(Math.ceil(Math.max(bits(r.unigram.testNats), max(r.mlpCurve, r.gruCurve)) + 0.2));
        st.setYAxisDecimalPattern("0.0");
        return chart;
    }

    private static double max(double[] a, double[] b) {
        double m = 0;
        for (double[] c : new double[][] {a, b}) {
            for (int i = 0; i + 25 <= c.length; i += 25) {
                double s = 0;
                for (int j = i; j < i + 25; j++) {
                    s += c[j];
                }
                m = Math.max(m, bits(s / 25));
            }
        }
        return m;
    }

    private static void addCurve(XYChart chart, String name, double[] curve, double epochsPerStep, Color color) {
        int window = 25;
        int n = curve.length / window;
        if (n == 0) {
            return;
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = i * window; j < (i + 1) * window; j++) {
                s += curve[j];
            }
            x[i] = (i + 1) * window * epochsPerStep;
            y[i] = bits(s / window);
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(SeriesLines.SOLID);
    }
}
