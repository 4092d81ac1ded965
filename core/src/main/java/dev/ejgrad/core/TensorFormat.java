package dev.ejgrad.core;

import java.util.Locale;

/**
 * Prints a tensor as PyTorch does: values in aligned columns, at most 6x6 shown, the rest elided, and the dtype named
 * when it is not float64 (ejgrad's default).
 */
final class TensorFormat {

    private static final int EDGE = 3;

    private TensorFormat() {
    }

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder("tensor(").append(Shapes.of(t));
        if (t.dtype() != DType.FLOAT64) {
            sb.append(", dtype=float32");   // as PyTorch, which names a dtype other than its default
        }
        if (t.opName() != null) {
            sb.append(", grad_fn=").append(t.opName());
        } else if (t.requiresGrad()) {
            sb.append(", requires_grad=true");
        }
        sb.append(")\n");
        int[] rows = shown(t.rows());
        int[] cols = shown(t.cols());
        String[][] cells = new String[rows.length][cols.length];
        int width = 0;
        double[] values = t.values().data;
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < cols.length; j++) {
                cells[i][j] = cols[j] < 0 || rows[i] < 0 ? "..." : number(values[rows[i] * t.cols() + cols[j]]);
                width = Math.max(width, cells[i][j].length());
            }
        }
        sb.append('[');
        for (int i = 0; i < rows.length; i++) {
            sb.append(i == 0 ? "[" : " [");
            for (int j = 0; j < cols.length; j++) {
                String c = cells[i][j];
                sb.append(" ".repeat(width - c.length())).append(c).append(j + 1 < cols.length ? ", " : "");
            }
            sb.append(i + 1 < rows.length ? "],\n" : "]");
        }
        return sb.append(']').toString();
    }

    /** Indices to show; -1 marks the ellipsis. */
    private static int[] shown(int n) {
        if (n <= 2 * EDGE) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        return new int[] {0, 1, 2, -1, n - 3, n - 2, n - 1};
    }

    private static String number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        double a = Math.abs(v);
        if (a != 0 && (a < 1e-4 || a >= 1e6)) {
            return String.format(Locale.ROOT, "%.4e", v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
