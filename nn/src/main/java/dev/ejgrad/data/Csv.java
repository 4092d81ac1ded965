package dev.ejgrad.data;

import dev.ejgrad.core.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a CSV file of numeric features and one label column into a {@link Table} (features, class labels, names),
 * ready for a {@link TensorDataset}, as {@code pandas.read_csv} followed by a label encoding.
 *
 * <pre>{@code
 * Csv.Table wine = Csv.read(Path.of("wine.csv"), "class");           // a header names the columns
 * Csv.Table iris = Csv.reader().header(Csv.Header.SKLEARN).read(Path.of("iris.csv"));
 * DataLoader loader = new DataLoader(wine.dataset(), 16).shuffle(7);
 * }</pre>
 *
 * <p>The text is RFC 4180 CSV, read as UTF-8: records end with LF, CRLF or CR; a leading byte-order mark is
 * dropped; a field may be quoted with {@code "}, and then holds delimiters, line breaks and quotes written twice
 * ({@code ""}); a quote inside an unquoted field, text after a closing quote, or a quote left open is an error.
 * Lines that are empty or hold only spaces are skipped. Every record must have as many fields as the first.
 *
 * <p>Features are decimal numbers ({@code -1.5}, {@code 2e-3}, {@code .5}), or {@code nan}, {@code inf},
 * {@code infinity} with any case and sign; spaces around a field are ignored; an empty field (a missing value) is
 * an error. The label column's values are the classes: with {@link Header#SKLEARN} they are indices into the class
 * names of the first line; otherwise the distinct values, trimmed, sorted (by value when all are numbers, else as
 * strings, as scikit-learn's {@code LabelEncoder}), and a label is its value's position in that list.
 *
 * <p>Every error is a {@link FormatException} naming the file, the line (1-based, of the file) and the column
 * (1-based, with its header name when there is one), e.g.
 * {@code wine.csv, line 12, column 3 ('ash'): 'x1' is not a number}.
 *
 * <p>The parser is this class's own, about 100 lines, rather than a CSV library: ejgrad's runtime dependencies are
 * EJML and SLF4J (and jackson-core for safetensors headers), and a library would still leave the numeric
 * conversion, the column-level errors and the byte-order mark to this class. {@code CsvTest} covers quoting, line
 * breaks inside quotes, CRLF and CR, the byte-order mark, empty lines and the position of every error.
 *
 * <p>A reader is immutable: each option returns a new reader.
 */
public final class Csv {

    /** What the first non-empty line of the file is. */
    public enum Header {
        /** The column names; the label column may be chosen by name. The default. */
        NAMES,
        /** Already a record of data: the file has no header; columns are chosen by index. */
        NONE,
        /**
         * scikit-learn's bundled-data layout ({@code sklearn/datasets/data/*.csv}): {@code rows,features,class
         * names...}; the label is the last column, an index into the class names; the row and feature counts are
         * checked.
         */
        SKLEARN
    }

    /** A data file that is not of the expected form, with where the problem is. */
    public static final class FormatException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        /** The file or resource read. */
        private final String source;
        /** The 1-based line. */
        private final int line;
        /** The 1-based column, or 0 for the whole line. */
        private final int column;

        /**
         * An error at a place in a file.
         *
         * @param source the file or resource read
         * @param line the 1-based line
         * @param column the 1-based column (field), or 0 when the problem is the whole line
         * @param columnName the column's header name, or {@code null}
         * @param problem what is wrong there
         */
        FormatException(String source, int line, int column, String columnName, String problem) {
            super(source + ", line " + line + (column > 0 ? ", column " + column
                    + (columnName != null ? " ('" + columnName + "')" : "") : "") + ": " + problem);
            this.source = source;
            this.line = line;
            this.column = column;
        }

        /** {@return the file or resource name} */
        public String source() {
            return source;
        }

        /** {@return the 1-based line of the file} */
        public int line() {
            return line;
        }

        /** {@return the 1-based column (field), or 0 when the problem concerns the whole line} */
        public int column() {
            return column;
        }
    }

    /**
     * What a CSV file held.
     *
     * @param features {@code N x D}, one row per record, the label column left out
     * @param labels {@code N} class indices in {@code [0, classes.size())}
     * @param featureNames the {@code D} feature columns' names (their 0-based column index, as text, without a
     *     header of names)
     * @param classes the class of each label value
     */
    public record Table(Tensor features, int[] labels, List<String> featureNames, List<String> classes) {

        /**
         * A table; the labels are copied.
         *
         * @param features the features
         * @param labels the labels
         * @param featureNames the feature names
         * @param classes the class names
         */
        public Table {
            Objects.requireNonNull(features, "features");
            labels = Objects.requireNonNull(labels, "labels").clone();
            featureNames = List.copyOf(Objects.requireNonNull(featureNames, "featureNames"));
            classes = List.copyOf(Objects.requireNonNull(classes, "classes"));
        }

        /** {@return a copy of the labels} */
        @Override
        public int[] labels() {
            return labels.clone();
        }

        /** {@return the features and labels as a dataset} */
        public TensorDataset dataset() {
            return new TensorDataset(features, labels);
        }
    }

    private static final Pattern NUMBER = Pattern.compile(
            "[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|[+-]?(?i:nan|inf|infinity)");

    private final Header header;
    private final String targetName;
    private final int targetIndex;
    private final char delimiter;

    private Csv(Header header, String targetName, int targetIndex, char delimiter) {
        this.header = header;
        this.targetName = targetName;
        this.targetIndex = targetIndex;
        this.delimiter = delimiter;
    }

    /** {@return a reader of comma-separated files with a header of names, the label in the last column} */
    public static Csv reader() {
        return new Csv(Header.NAMES, null, -1, ',');
    }

    /**
     * Reads a file with a header of names, the label in the named column.
     *
     * @param file a UTF-8 CSV file
     * @param target the label column's name
     * @return the table
     * @throws FormatException if the file is not of this form (naming the file, line and column)
     * @throws IOException if the file cannot be read
     */
    public static Table read(Path file, String target) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(target, "target");
        return reader().target(target).read(file);
    }

    /**
     * What the first line is ({@link Header#NAMES} by default).
     *
     * @param header the layout
     * @return a reader like this one with that layout
     */
    public Csv header(Header header) {
        return new Csv(Objects.requireNonNull(header, "header"), targetName, targetIndex, delimiter);
    }

    /**
     * The label column, by its header name (with {@link Header#NAMES} only).
     *
     * @param column the name, matched exactly after trimming spaces
     * @return a reader like this one with that label column
     */
    public Csv target(String column) {
        return new Csv(header, Objects.requireNonNull(column, "column"), -1, delimiter);
    }

    /**
     * The label column, by its 0-based index (as {@code pandas.DataFrame.iloc}); the default is the last column.
     *
     * @param column the index, at least 0
     * @return a reader like this one with that label column
     * @throws IllegalArgumentException if {@code column} is negative
     */
    public Csv target(int column) {
        if (column < 0) {
            throw new IllegalArgumentException("Csv: the target column index must be at least 0, got " + column);
        }
        return new Csv(header, null, column, delimiter);
    }

    /**
     * The field delimiter ({@code ','} by default; {@code ';'} and {@code '\t'} are common).
     *
     * @param delimiter any character but a quote, CR or LF
     * @return a reader like this one with that delimiter
     * @throws IllegalArgumentException for a quote, CR or LF
     */
    public Csv delimiter(char delimiter) {
        if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException("Csv: the delimiter cannot be a quote or a line break");
        }
        return new Csv(header, targetName, targetIndex, delimiter);
    }

    /**
     * Reads a file.
     *
     * @param file a UTF-8 CSV file
     * @return the table
     * @throws FormatException if the file is not of this form (naming the file, line and column)
     * @throws IOException if the file cannot be read
     */
    public Table read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads a stream of UTF-8 text (malformed bytes become U+FFFD, which no number contains).
     *
     * @param in the CSV bytes; read to the end, not closed
     * @param source the name to use in messages
     * @return the table
     * @throws FormatException if the text is not of this form
     * @throws IOException if the stream fails
     */
    public Table read(InputStream in, String source) throws IOException {
        Objects.requireNonNull(in, "in");
        return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), source);
    }

    /**
     * Reads CSV text.
     *
     * @param in the text; read to the end, not closed
     * @param source the name to use in messages
     * @return the table
     * @throws FormatException if the text is not of this form
     * @throws IOException if the reader fails
     */
    public Table read(Reader in, String source) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(source, "source");
        List<Record> records = new Tokenizer(in, source, delimiter).records();
        if (records.isEmpty()) {
            throw new FormatException(source, 1, 0, null, "no data: the file is empty");
        }
        List<String> names = null;
        List<String> sklearnClasses = null;
        int declaredRows = -1;
        int first = 0;
        if (header == Header.NAMES) {
            names = new ArrayList<>();
            for (String n : records.get(0).fields) {
                names.add(n.trim());
            }
            first = 1;
        } else if (header == Header.SKLEARN) {
            Record h = records.get(0);
            if (h.fields.length < 3) {
                throw new FormatException(source, h.line, 0, null, "expected scikit-learn's 'rows,features,class "
                        + "names...', got " + h.fields.length + " field(s)");
            }
            declaredRows = count(source, h, 0, "row count");
            int declaredFeatures = count(source, h, 1, "feature count");
            sklearnClasses = new ArrayList<>();
            for (int j = 2; j < h.fields.length; j++) {
                sklearnClasses.add(h.fields[j].trim());
            }
            if (records.size() > 1 && records.get(1).fields.length != declaredFeatures + 1) {
                Record r = records.get(1);
                throw new FormatException(source, r.line, 0, null, "the first line declares " + declaredFeatures
                        + " features and a label, but this record has " + r.fields.length + " fields");
            }
            first = 1;
        }
        int width = names != null ? names.size() : records.get(first < records.size() ? first : 0).fields.length;
        int target = targetColumn(source, names, width);
        if (records.size() - first == 0) {
            throw new FormatException(source, records.get(0).line, 0, null, "no data: the file has a header only");
        }
        int n = records.size() - first;
        if (declaredRows >= 0 && declaredRows != n) {
            throw new FormatException(source, records.get(records.size() - 1).line, 0, null, "the first line declares "
                    + declaredRows + " rows but the file has " + n);
        }
        int d = width - 1;
        double[] x = new double[n * d];
        String[] raw = new String[n];
        for (int i = 0; i < n; i++) {
            Record r = records.get(first + i);
            if (r.fields.length != width) {
                throw new FormatException(source, r.line, 0, null, "this record has " + r.fields.length
                        + " fields but " + (names != null ? "the header has " : "the first record has ") + width);
            }
            int k = 0;
            for (int j = 0; j < width; j++) {
                if (j == target) {
                    raw[i] = r.fields[j].trim();
                    continue;
                }
                x[i * d + k++] = number(source, r, j, names);
            }
        }
        List<String> featureNames = new ArrayList<>();
        for (int j = 0; j < width; j++) {
            if (j != target) {
                featureNames.add(names != null ? names.get(j) : Integer.toString(j));
            }
        }
        int[] labels = new int[n];
        List<String> classes = sklearnClasses != null
                ? indexLabels(source, records, first, target, raw, sklearnClasses, labels)
                : encodeLabels(raw, labels);
        return new Table(Tensor.of(n, d, x), labels, featureNames, classes);
    }

    private int targetColumn(String source, List<String> names, int width) {
        if (width < 2) {
            throw new FormatException(source, 1, 0, null, "a record needs at least two columns (features and a "
                    + "label), the file has " + width);
        }
        if (targetName != null) {
            if (names == null) {
                throw new IllegalArgumentException("Csv: a target chosen by name ('" + targetName + "') needs "
                        + "Header.NAMES, not " + header + "; choose it by index");
            }
            int at = names.indexOf(targetName.trim());
            if (at < 0) {
                throw new FormatException(source, 1, 0, null, "no column named '" + targetName + "'; the columns are "
                        + names);
            }
            if (names.lastIndexOf(targetName.trim()) != at) {
                throw new FormatException(source, 1, names.lastIndexOf(targetName.trim()) + 1, targetName,
                        "the header names the target column '" + targetName + "' twice");
            }
            return at;
        }
        if (header == Header.SKLEARN && targetIndex >= 0 && targetIndex != width - 1) {
            throw new IllegalArgumentException("Csv: with Header.SKLEARN the label is the last column (" + (width - 1)
                    + "), not " + targetIndex);
        }
        if (targetIndex >= width) {
            throw new FormatException(source, 1, 0, null, "the target column index " + targetIndex
                    + " is past the last column (" + (width - 1) + ")");
        }
        return targetIndex < 0 ? width - 1 : targetIndex;
    }

    private static int count(String source, Record r, int j, String what) {
        String s = r.fields[j].trim();
        try {
            int v = Integer.parseInt(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new FormatException(source, r.line, j + 1, null, "the " + what + " '" + s + "' is not a whole number");
    }

    private static double number(String source, Record r, int j, List<String> names) {
        String s = r.fields[j].trim();
        if (s.isEmpty()) {
            throw new FormatException(source, r.fieldLines[j], j + 1, names == null ? null : names.get(j),
                    "the field is empty (a missing value)");
        }
        if (!NUMBER.matcher(s).matches()) {
            throw new FormatException(source, r.fieldLines[j], j + 1, names == null ? null : names.get(j),
                    "'" + s + "' is not a number");
        }
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        if (lower.endsWith("nan")) {
            return Double.NaN;
        }
        if (lower.endsWith("inf") || lower.endsWith("infinity")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(s);
    }

    private static List<String> indexLabels(String source, List<Record> records, int first, int target, String[] raw,
            List<String> classes, int[] labels) {
        for (int i = 0; i < raw.length; i++) {
            int label = -1;
            try {
                label = Integer.parseInt(raw[i]);
            } catch (NumberFormatException e) {
                // reported below
            }
            if (label < 0 || label >= classes.size()) {
                Record r = records.get(first + i);
                throw new FormatException(source, r.fieldLines[target], target + 1, null, "the label '" + raw[i]
                        + "' is not a class index in [0, " + classes.size() + ") of " + classes);
            }
            labels[i] = label;
        }
        return classes;
    }

    /** Label encoding: the distinct values sorted (numerically when all are numbers), each value its position. */
    private static List<String> encodeLabels(String[] raw, int[] labels) {
        boolean numeric = true;
        for (String s : raw) {
            numeric &= NUMBER.matcher(s).matches() && !s.toLowerCase(java.util.Locale.ROOT).endsWith("nan");
        }
        Map<String, Integer> index = new HashMap<>();
        List<String> classes = new ArrayList<>();
        if (numeric) {
            // by value: "1" and "1.0" are one class, named as first written
            TreeMap<Double, String> byValue = new TreeMap<>();
            for (String s : raw) {
                byValue.putIfAbsent(Double.parseDouble(s.replaceAll("(?i)inf(inity)?$", "Infinity")), s);
            }
            classes.addAll(byValue.values());
            Map<Double, Integer> position = new HashMap<>();
            int k = 0;
            for (Double v : byValue.keySet()) {
                position.put(v, k++);
            }
            for (int i = 0; i < raw.length; i++) {
                labels[i] = position.get(Double.parseDouble(raw[i].replaceAll("(?i)inf(inity)?$", "Infinity")));
            }
            return classes;
        }
        String[] sorted = Arrays.stream(raw).distinct().sorted(Comparator.naturalOrder()).toArray(String[]::new);
        for (String s : sorted) {
            index.put(s, classes.size());
            classes.add(s);
        }
        for (int i = 0; i < raw.length; i++) {
            labels[i] = index.get(raw[i]);
        }
        return classes;
    }

    /** One record: its fields and the line each field starts on (a quoted field may span lines). */
    private static final class Record {
        final int line;
        final String[] fields;
        final int[] fieldLines;

        Record(int line, List<String> fields, List<Integer> fieldLines) {
            this.line = line;
            this.fields = fields.toArray(new String[0]);
            this.fieldLines = fieldLines.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** RFC 4180 records from a character stream, with line numbers. */
    private static final class Tokenizer {
        private final Reader in;
        private final String source;
        private final char delimiter;
        private int line = 1;
        private int col;
        private int pushed = -2;

        Tokenizer(Reader in, String source, char delimiter) {
            this.in = in;
            this.source = source;
            this.delimiter = delimiter;
        }

        /** The next character, with CRLF and CR read as one '\n'; -1 at the end. Counts lines and positions. */
        private int next() throws IOException {
            int c;
            if (pushed != -2) {
                c = pushed;
                pushed = -2;
            } else {
                c = in.read();
            }
            if (c == '\r') {
                int d = in.read();
                if (d != '\n') {
                    pushed = d;
                }
                c = '\n';
            }
            return c;
        }

        List<Record> records() throws IOException {
            List<Record> out = new ArrayList<>();
            int c = next();
            if (c == '\uFEFF') {
                c = next();
            }
            while (c != -1) {
                int recordLine = line;
                List<String> fields = new ArrayList<>();
                List<Integer> lines = new ArrayList<>();
                StringBuilder field = new StringBuilder();
                boolean blank = true;
                col = 1;
                int fieldNo = 1;
                while (true) {
                    lines.add(line);
                    if (c == '"') {
                        blank = false;
                        int openLine = line;
                        int openCol = col;
                        while (true) {
                            c = next();
                            col++;
                            if (c == -1) {
                                throw new FormatException(source, openLine, fieldNo, null, "the quote opened at "
                                        + "character " + openCol + " is never closed");
                            }
                            if (c == '\n') {
                                line++;
                                col = 0;
                            }
                            if (c == '"') {
                                c = next();
                                col++;
                                if (c != '"') {
                                    break;
                                }
                            }
                            field.append((char) c);
                        }
                        if (c != delimiter && c != '\n' && c != -1) {
                            throw new FormatException(source, line, fieldNo, null, "text after the closing quote, "
                                    + "at character " + col + " (a quote inside a quoted field is written \"\")");
                        }
                    } else {
                        while (c != delimiter && c != '\n' && c != -1) {
                            if (c == '"') {
                                throw new FormatException(source, line, fieldNo, null, "a quote inside an unquoted "
                                        + "field, at character " + col + "; quote the whole field");
                            }
                            if (c != ' ' && c != '\t') {
                                blank = false;
                            }
                            field.append((char) c);
                            c = next();
                            col++;
                        }
                    }
                    fields.add(field.toString());
                    field.setLength(0);
                    if (c == delimiter) {
                        blank = false;
                        fieldNo++;
                        c = next();
                        col++;
                        continue;
                    }
                    break;
                }
                if (!blank) {
                    out.add(new Record(recordLine, fields, lines));
                }
                if (c == '\n') {
                    line++;
                    c = next();
                }
            }
            return out;
        }
    }
}
