package dev.ejgrad.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The calibration lesson's pictures: a grid of reliability diagrams, one per model (drawn with Java 2D: per
 * confidence bin a bar at its accuracy, the gap to its mean confidence outlined, the diagonal of perfect calibration,
 * and the bin's count in a strip below), and the proper-scoring curves over the temperature (XChart).
 */
final class ReliabilityDiagram {

    private static final Color BAR = TrainingChart.LOSS_COLOR;
    private static final Color GAP = TrainingChart.ERROR_COLOR;
    private static final Color GRID = new Color(0xe4, 0xe4, 0xe4);
    private static final int PANEL_W = 390;
    private static final int PANEL_H = 400;
    private static final int COLUMNS = 3;
    private static final int HEADER = 56;

    private ReliabilityDiagram() {
    }

    /** One panel: a title and the bins. */
    private record Panel(String title, String subtitle, List<Calibration.Bin> bins) {
    }

    /** The models' reliability diagrams, and the overtrained model's after temperature scaling, as one PNG. */
    static void write(Calibration.DataSetResult d, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Panel> panels = new ArrayList<>();
        for (Calibration.Model m : d.models()) {
            panels.add(panel(m.name(), m.test()));
        }
        Calibration.Model over = d.model(Calibration.OVERTRAINED);
        panels.add(panel(String.format(Locale.ROOT, "overtrained, temperature %.2f", over.scaling().temperature()),
                over.scaling().after()));
        int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
        BufferedImage img = new BufferedImage(COLUMNS * PANEL_W, HEADER + rows * PANEL_H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString("Reliability diagrams, " + d.name(), 14, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("test set; bars: accuracy of the predictions whose top-class confidence falls in each of 15 "
                + "bins; outlined: the gap to their mean confidence; dashed: perfect calibration", 14, 44);
        for (int i = 0; i < panels.size(); i++) {
            Graphics2D p = (Graphics2D) g.create((i % COLUMNS) * PANEL_W, HEADER + (i / COLUMNS) * PANEL_H, PANEL_W,
                    PANEL_H);
            draw(p, panels.get(i));
            p.dispose();
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static Panel panel(String name, Calibration.Scores s) {
        return new Panel(name, String.format(Locale.ROOT, "ECE %.2f%%   accuracy %.2f%%   NLL %.3f", 100 * s.ece(),
                100 * s.accuracy(), s.nll()), s.bins());
    }

    private static void draw(Graphics2D g, Panel panel) {
        int left = 52;
        int top = 48;
        int w = PANEL_W - left - 26;
        int h = 230;
        int stripTop = top + h + 34;
        int stripH = 46;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(panel.title(), left, 18);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(panel.subtitle(), left, 35);
        // grid and tick labels
        for (int k = 0; k <= 5; k++) {
            double v = k / 5.0;
            int x = left + (int) Math.round(v * w);
            int y = top + h - (int) Math.round(v * h);
            g.setColor(GRID);
            g.drawLine(left, y, left + w, y);
            g.drawLine(x, top, x, top + h);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%.1f", v);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(label, left - 6 - fm.stringWidth(label), y + 4);
            g.drawString(label, x - fm.stringWidth(label) / 2, top + h + 14);
        }
        double binW = (double) w / Calibration.BINS;
        for (int b = 0; b < panel.bins().size(); b++) {
            Calibration.Bin bin = panel.bins().get(b);
            if (bin.count() == 0) {
                continue;
            }
            int x0 = left + (int) Math.round(b * binW);
            int x1 = left + (int) Math.round((b + 1) * binW);
            int yAcc = top + h - (int) Math.round(bin.accuracy() * h);
            int yConf = top + h - (int) Math.round(bin.confidence() * h);
            g.setColor(BAR);
            g.fillRect(x0 + 1, yAcc, x1 - x0 - 2, top + h - yAcc);
            g.setColor(GAP);
            g.setStroke(new BasicStroke(1.6f));
            g.drawRect(x0 + 1, Math.min(yAcc, yConf), x1 - x0 - 2, Math.abs(yAcc - yConf));
            g.setStroke(new BasicStroke(1f));
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {5, 4}, 0));
        g.drawLine(left, top + h, left + w, top);
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.BLACK);
        g.drawRect(left, top, w, h);
        g.drawString("confidence (top-class probability)", left + w / 2 - 90, top + h + 28);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString("accuracy", -(top + h / 2 + 24), 14);
        g.drawString("count", -(stripTop + stripH - 4), 14);
        g.setTransform(saved);
        // the counts: bar heights on a square-root scale, so that a bin of 5 still shows beside one of 5,000
        int max = 1;
        for (Calibration.Bin bin : panel.bins()) {
            max = Math.max(max, bin.count());
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, stripTop + stripH, left + w, stripTop + stripH);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        for (int b = 0; b < panel.bins().size(); b++) {
            Calibration.Bin bin = panel.bins().get(b);
            int x0 = left + (int) Math.round(b * binW);
            int x1 = left + (int) Math.round((b + 1) * binW);
            int bh = (int) Math.round(Math.sqrt((double) bin.count() / max) * stripH);
            g.setColor(Color.GRAY);
            g.fillRect(x0 + 1, stripTop + stripH - bh, x1 - x0 - 2, bh);
            g.setColor(Color.BLACK);
            String n = Integer.toString(bin.count());
            AffineTransform t = g.getTransform();
            g.translate(x0 + (x1 - x0) / 2 + 4, stripTop + stripH + 4 + g.getFontMetrics().stringWidth(n));
            g.rotate(-Math.PI / 2);
            g.drawString(n, 0, 0);
            g.setTransform(t);
        }
    }

    /** The excess expected scores over their values at the true probabilities, against T (on a log axis). */
    static void writeCurve(Calibration.ProperScoring p, Path file) throws IOException {
        List<Calibration.CurvePoint> c = p.curve();
        double[] t = new double[c.size()];
        double[][] y = new double[4][c.size()];
        Calibration.CurvePoint one = p.at(1);
        for (int i = 0; i < c.size(); i++) {
            Calibration.CurvePoint q = c.get(i);
            t[i] = Math.log(q.temperature()) / Math.log(2);   // log2 T on a linear axis, labelled with T
            y[0][i] = q.crossEntropy() - one.crossEntropy();
            y[1][i] = q.brier() - one.brier();
            y[2][i] = q.zeroOne() - one.zeroOne();
            y[3][i] = q.hinge() - one.hinge();
        }
        XYChart chart = new XYChartBuilder().width(900).height(540)
                .title(String.format(Locale.ROOT, "Proper scoring: %,d examples, %d classes, predictions softmax(z/T) "
                        + "of the true probabilities softmax(z)", p.examples(), p.classes()))
                .xAxisTitle("temperature T (log scale; T < 1 overconfident, T > 1 underconfident)")
                .yAxisTitle("expected score − its value at T = 1").build();
        String[] names = {"cross-entropy (proper: smallest at T = 1)", "Brier score (proper: smallest at T = 1)",
            "0-1 loss (flat: the argmax does not change)", "multiclass hinge (not proper: smallest away from T = 1)"};
        Color[] colors = {BAR, new Color(0x2a, 0x8a, 0x4a), Color.DARK_GRAY, GAP};
        BasicStroke[] lines = {SeriesLines.SOLID, SeriesLines.DASH_DASH, SeriesLines.DOT_DOT, SeriesLines.DASH_DOT};
        for (int s = 0; s < 4; s++) {
            TrainingChart.addSeries(chart, names[s], t, y[s], 0, colors[s], SeriesMarkers.NONE, lines[s])
                    .setLineWidth(2.2f);
        }
        XYStyler st = chart.getStyler();
        st.setxAxisTickLabelsFormattingFunction(x -> {
            double v = Math.pow(2, x);
            return Math.abs(v - Math.rint(v)) < 1e-9 ? String.format(Locale.ROOT, "%.0f", v)
                    : String.format(Locale.ROOT, "%.2f", v);
        });
        st.setXAxisTickMarkSpacingHint(180);   // one tick per doubling: 0.25, 0.5, 1, 2, 4
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBorderVisible(false);
        st.setLegendPosition(Styler.LegendPosition.InsideN);
        st.setLegendBorderColor(Color.LIGHT_GRAY);
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(st.getChartTitleFont().deriveFont(Font.BOLD, 14f));
        st.setYAxisDecimalPattern("0.00");
        TrainingChart.save(chart, file);
    }
}
