package dev.ejgrad.examples.data;

import dev.ejgrad.core.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads scikit-learn's bundled CSV layout: a first line {@code rows,features,class names...}, then one line per
 * example with the features and an integer class label last.
 */
public final class Csv {

    private Csv() {
    }

    /** Features, class labels and class names. */
    public static final class Labeled {
        private final Tensor features;
        private final int[] labels;
        private final List<String> classes;

        Labeled(Tensor features, int[] labels, List<String> classes) {
            this.features = features;
            this.labels = labels;
            this.classes = classes;
        }

        /** {@return {@code N x D} features} */
        public Tensor features() {
            return features;
        }

        /** {@return N labels in {@code [0, classes)}} */
        public int[] labels() {
            return labels.clone();
        }

        /** {@return the class names, by label} */
        public List<String> classes() {
            return classes;
        }
    }

    /**
     * Returns the data.
     *
     * @param in the CSV text, UTF-8; not closed
     * @param source the name to use in messages
     * @return the data
     * @throws IOException if a line is malformed (the message names the line), or the row count differs from the
     *     header's
     */
    public static Labeled read(InputStream in, String source) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String first = r.readLine();
        if (first == null) {
            throw new DataFormatException(source, "line 1", "empty file");
        }
        String[] head = first.split(",");
        if (head.length < 3) {
            throw new DataFormatException(source, "line 1", "expected 'rows,features,class names...', got '"
                    + first + "'");
        }
        int rows = integer(head[0], source, 1, "row count");
        int features = integer(head[1], source, 1, "feature count");
        List<String> classes = List.copyOf(Arrays.asList(head).subList(2, head.length));
        double[] x = new double[rows * features];
        int[] y = new int[rows];
        int lineNo = 1;
        int row = 0;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            if (row == rows) {
                throw new DataFormatException(source, "line " + lineNo, "more rows than the " + rows + " the header "
                        + "declares");
            }
            String[] f = line.split(",");
            if (f.length != features + 1) {
                throw new DataFormatException(source, "line " + lineNo, "expected " + (features + 1) + " fields ("
                        + features + " features and a label), got " + f.length);
            }
            for (int j = 0; j < features; j++) {
                try {
                    x[row * features + j] = Double.parseDouble(f[j].trim());
                } catch (NumberFormatException e) {
                    throw new DataFormatException(source, "line " + lineNo, "field " + (j + 1) + " '" + f[j]
                            + "' is not a number");
                }
            }
            int label = integer(f[features], source, lineNo, "label");
            if (label < 0 || label >= classes.size()) {
                throw new DataFormatException(source, "line " + lineNo, "label " + label + " is not one of the "
                        + classes.size() + " classes");
            }
            y[row++] = label;
        }
        if (row != rows) {
            throw new DataFormatException(source, "line " + lineNo, "the header declares " + rows + " rows but the "
                    + "file has " + row);
        }
        return new Labeled(Tensor.of(rows, features, x), y, classes);
    }

    private static int integer(String s, String source, int line, String what) throws DataFormatException {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new DataFormatException(source, "line " + line, what + " '" + s + "' is not an integer");
        }
    }

    /**
     * Reads one of the CSV files shipped with the examples.
     *
     * @param resource the path below {@code dev/ejgrad/examples/data/}, e.g. {@code iris/iris.csv}
     * @return the data
     * @throws IOException if it is missing or malformed
     */
    public static Labeled embedded(String resource) throws IOException {
        String path = "/dev/ejgrad/examples/data/" + resource;
        try (InputStream in = Csv.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("no embedded data set " + path);
            }
            return read(in, path);
        }
    }
}
