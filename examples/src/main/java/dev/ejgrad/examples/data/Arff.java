package dev.ejgrad.examples.data;

import dev.ejgrad.core.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads dense Weka ARFF files with numeric and {@code {0,1}} attributes, the form of the MULAN multilabel sets
 * (emotions, yeast, scene): the last {@code labels} attributes are the labels.
 */
public final class Arff {

    private Arff() {
    }

    /** Features and a 0/1 label matrix. */
    public static final class MultiLabel {
        private final Tensor features;
        private final Tensor labels;
        private final List<String> labelNames;

        MultiLabel(Tensor features, Tensor labels, List<String> labelNames) {
            this.features = features;
            this.labels = labels;
            this.labelNames = labelNames;
        }

        /** {@return {@code N x D} features} */
        public Tensor features() {
            return features;
        }

        /** {@return {@code N x L} labels, each 0 or 1} */
        public Tensor labels() {
            return labels;
        }

        /** {@return the label attributes' names} */
        public List<String> labelNames() {
            return labelNames;
        }
    }

    /**
     * Counts the {@code {0,1}} attributes at the end of a file's header: the labels of a MULAN set that comes
     * without its XML label list.
     *
     * @param file an ARFF file
     * @return how many attributes at the end of the header are {@code {0,1}}
     * @throws IOException if the file cannot be read, or has no {@code {0,1}} attribute at its end
     */
    public static int trailingBinaryAttributes(Path file) throws IOException {
        int trailing = 0;
        int lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String raw = r.readLine(); raw != null; raw = r.readLine()) {
                lineNo++;
                String lower = raw.trim().toLowerCase(Locale.ROOT);
                if (lower.startsWith("@data")) {
                    break;
                }
                if (lower.startsWith("@attribute")) {
                    String[] parts = lower.split("\\s+", 3);
                    trailing = parts.length == 3 && parts[2].replace(" ", "").equals("{0,1}") ? trailing + 1 : 0;
                }
            }
        }
        if (trailing == 0) {
            throw new DataFormatException(file.toString(), "line " + lineNo, "no {0,1} label attributes at the end "
                    + "of the header");
        }
        return trailing;
    }

    /**
     * Returns the data.
     *
     * @param file a dense ARFF file
     * @param labels how many trailing attributes are labels
     * @return the data
     * @throws IOException if the file cannot be read or is malformed (the message names the line)
     */
    public static MultiLabel read(Path file, int labels) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), labels);
        }
    }

    /**
     * Returns the data.
     *
     * @param in the ARFF text; not closed
     * @param source the name to use in messages
     * @param labels how many trailing attributes are labels
     * @return the data
     * @throws IOException if the text is malformed (the message names the line)
     */
    public static MultiLabel read(InputStream in, String source, int labels) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<String> names = new ArrayList<>();
        List<Boolean> binary = new ArrayList<>();
        int lineNo = 0;
        boolean data = false;
        List<double[]> rows = new ArrayList<>();
        for (String raw = r.readLine(); raw != null; raw = r.readLine()) {
            lineNo++;
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("%")) {
                continue;
            }
            if (!data) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("@attribute")) {
                    String[] parts = line.split("\\s+", 3);
                    if (parts.length < 3) {
                        throw new DataFormatException(source, "line " + lineNo, "attribute without a type: " + line);
                    }
                    String type = parts[2].replace(" ", "").toLowerCase(Locale.ROOT);
                    if (type.equals("{0,1}")) {
                        binary.add(true);
                    } else if (type.equals("numeric") || type.equals("real") || type.equals("integer")) {
                        binary.add(false);
                    } else {
                        throw new DataFormatException(source, "line " + lineNo, "attribute " + parts[1] + " has type "
                                + parts[2] + "; only numeric and {0,1} attributes are supported");
                    }
                    names.add(parts[1].replace("'", ""));
                } else if (lower.startsWith("@data")) {
                    data = true;
                    if (labels <= 0 || labels >= names.size()) {
                        throw new DataFormatException(source, "line " + lineNo, labels + " labels requested but the "
                                + "file has " + names.size() + " attributes");
                    }
                    for (int k = names.size() - labels; k < names.size(); k++) {
                        if (!binary.get(k)) {
                            throw new DataFormatException(source, "line " + lineNo, "label attribute " + names.get(k)
                                    + " is not {0,1}");
                        }
                    }
                } else if (!lower.startsWith("@relation")) {
                    throw new DataFormatException(source, "line " + lineNo, "unexpected header line: " + line);
                }
                continue;
            }
            if (line.startsWith("{")) {
                throw new DataFormatException(source, "line " + lineNo, "sparse ARFF rows are not supported");
            }
            String[] f = line.split(",");
            if (f.length != names.size()) {
                throw new DataFormatException(source, "line " + lineNo, "expected " + names.size() + " values, got "
                        + f.length);
            }
            double[] row = new double[f.length];
            for (int j = 0; j < f.length; j++) {
                try {
                    row[j] = Double.parseDouble(f[j].trim());
                } catch (NumberFormatException e) {
                    throw new DataFormatException(source, "line " + lineNo, "value " + (j + 1) + " ('" + f[j]
                            + "', attribute " + names.get(j) + ") is not a number");
                }
                if (binary.get(j) && row[j] != 0 && row[j] != 1) {
                    throw new DataFormatException(source, "line " + lineNo, "value " + (j + 1) + " of {0,1} attribute "
                            + names.get(j) + " is " + f[j]);
                }
            }
            rows.add(row);
        }
        if (!data) {
            throw new DataFormatException(source, "line " + lineNo, "no @data section");
        }
        int d = names.size() - labels;
        double[] x = new double[rows.size() * d];
        double[] y = new double[rows.size() * labels];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, x, i * d, d);
            System.arraycopy(rows.get(i), d, y, i * labels, labels);
        }
        return new MultiLabel(Tensor.of(rows.size(), d, x), Tensor.of(rows.size(), labels, y),
                List.copyOf(names.subList(d, names.size())));
    }
}
