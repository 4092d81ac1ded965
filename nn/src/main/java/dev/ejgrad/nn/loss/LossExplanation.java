package dev.ejgrad.nn.loss;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One evaluation of a loss, taken apart: what each row contributed, the denominator the reduction divided by and why,
 * which rows were ignored, and notes on what shaped the number (label smoothing, the BCE clamp, positive weights,
 * the entropy and KL parts). Made by each loss's {@code explain}; immutable; {@link #toString()} prints it.
 *
 * <p>For MEAN, SUM and BATCHMEAN, {@code value() == Σ rows' contribution / denominator()} up to rounding; for NONE
 * the denominator is 1 and {@code value()} is their sum (the loss itself is the per-row or per-element tensor).
 */
public final class LossExplanation {

    /** One row's share of the loss, before the reduction divides. */
    public static final class Row {
        private final int index;
        private final double contribution;
        private final String detail;
        private final boolean ignored;

        /**
         * One row of an explanation.
         *
         * @param index the row's index in the batch
         * @param contribution what it adds before the reduction divides
         * @param detail how the contribution arose
         * @param ignored whether the row's target was the ignore index
         */
        Row(int index, double contribution, String detail, boolean ignored) {
            this.index = index;
            this.contribution = contribution;
            this.detail = detail;
            this.ignored = ignored;
        }

        /** {@return the row's index in the batch} */
        public int index() {
            return index;
        }

        /** {@return what the row adds to the sum before the reduction divides (0 for an ignored row)} */
        public double contribution() {
            return contribution;
        }

        /** {@return how the contribution arose, e.g. {@code target 2, weight 1.5, -log p = 0.693}} */
        public String detail() {
            return detail;
        }

        /** {@return whether the row's target was the ignore index} */
        public boolean ignored() {
            return ignored;
        }
    }

    private final String loss;
    private final Reduction reduction;
    private final double value;
    private final double denominator;
    private final String denominatorRule;
    private final List<Row> rows;
    private final List<String> notes;

    LossExplanation(String loss, Reduction reduction, double value, double denominator, String denominatorRule,
            List<Row> rows, List<String> notes) {
        this.loss = loss;
        this.reduction = reduction;
        this.value = value;
        this.denominator = denominator;
        this.denominatorRule = denominatorRule;
        this.rows = Collections.unmodifiableList(new ArrayList<>(rows));
        this.notes = Collections.unmodifiableList(new ArrayList<>(notes));
    }

    /** {@return the loss's class name} */
    public String loss() {
        return loss;
    }

    /** {@return the reduction used} */
    public Reduction reduction() {
        return reduction;
    }

    /** {@return the loss value (for NONE, the sum of the per-row values)} */
    public double value() {
        return value;
    }

    /** {@return what the reduction divided the sum by (1 for SUM and NONE)} */
    public double denominator() {
        return denominator;
    }

    /** {@return how the denominator was formed, e.g. {@code Σ weight[target] over the 3 rows not ignored}} */
    public String denominatorRule() {
        return denominatorRule;
    }

    /** {@return every row, in batch order} */
    public List<Row> rows() {
        return rows;
    }

    /** {@return the indices of the ignored rows} */
    public List<Integer> ignoredRows() {
        List<Integer> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.ignored) {
                out.add(r.index);
            }
        }
        return out;
    }

    /** {@return notes on label smoothing, clamping, positive weights or the entropy/KL split, as they apply} */
    public List<String> notes() {
        return notes;
    }

    /** {@return a table of the rows, then the denominator, the value and the notes} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(loss).append(", reduction ").append(reduction).append('\n');
        sb.append(String.format(Locale.ROOT, "%5s  %14s  %s%n", "row", "contribution", "detail"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%5d  %14.8g  %s%s%n", r.index, r.contribution, r.detail,
                    r.ignored ? " (ignored)" : ""));
        }
        sb.append(String.format(Locale.ROOT, "sum %.10g / denominator %.10g (%s) = %.10g%n", sum(), denominator,
                denominatorRule, value));
        for (String note : notes) {
            sb.append("note: ").append(note).append('\n');
        }
        return sb.toString();
    }

    private double sum() {
        double s = 0;
        for (Row r : rows) {
            s += r.contribution;
        }
        return s;
    }

    static String number(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
