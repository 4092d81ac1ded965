package dev.ejgrad.data;

import dev.ejgrad.core.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

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
 * <p>Apache Commons CSV splits the text into records and fields; this class adds what it leaves open: the byte-order
 * mark, the strict quoting rules above (Commons CSV accepts a quote inside an unquoted field and spaces after a
 * closing quote), the line of every field, the typed columns and the messages. {@code CsvTest} covers quoting, line
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
        List<Record> records = records(in, source);
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
    private record Record(int line, String[] fields, int[] fieldLines) {
    }

    /**
     * The records of the text, split by Commons CSV, with the line of each field; lines that are empty or hold only
     * spaces are skipped. Commons CSV reads leniently (text after a closing quote, a quote left open); a walk over
     * the text beside its fields then finds the field of each record and refuses what RFC 4180 does not allow.
     */
    private List<Record> records(Reader in, String source) throws IOException {
        StringWriter all = new StringWriter();
        in.transferTo(all);
        String text = all.toString();
        text = text.startsWith("\uFEFF") ? text.substring(1) : text;
        Lines lines = new Lines(text);
        CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setTrailingData(true)
                .setLenientEof(true).get();
        List<Record> out = new ArrayList<>();
        int at = 0;
        try (CSVParser parser = CSVParser.parse(text, format)) {
            for (CSVRecord r : parser) {
                while (at < text.length() && (text.charAt(at) == '\n' || text.charAt(at) == '\r')) {
                    at++;   // the previous record's line break and the empty lines Commons CSV skipped
                }
                String[] fields = new String[r.size()];
                int[] fieldLines = new int[r.size()];
                boolean blank = r.size() == 1 && !quoted(text, at)
                        && r.get(0).chars().allMatch(c -> c == ' ' || c == '\t');
                int line = lines.line(at);
                for (int j = 0; j < r.size(); j++) {
                    at += j > 0 ? 1 : 0;   // the delimiter
                    fieldLines[j] = lines.line(at);
                    fields[j] = r.get(j).replace("\r\n", "\n").replace('\r', '\n');
                    at = fieldEnd(text, at, r.get(j), j + 1, lines, source);
                }
                if (!blank) {
                    out.add(new Record(line, fields, fieldLines));
                }
            }
        }
        return out;
    }

    private static boolean quoted(String text, int at) {
        return at < text.length() && text.charAt(at) == '"';
    }

    /** Where the field that starts at {@code at} ends in the text, refusing stray, unclosed and early quotes. */
    private int fieldEnd(String text, int at, String value, int column, Lines lines, String source) {
        if (!quoted(text, at)) {
            int quote = value.indexOf('"');
            if (quote >= 0) {
                throw new FormatException(source, lines.line(at + quote), column, null, "a quote inside an unquoted "
                        + "field, at character " + lines.character(at + quote) + "; quote the whole field");
            }
            return at + value.length();
        }
        int close = at + 1;
        while (close < text.length() && (text.charAt(close) != '"' || quoted(text, close + 1))) {
            close += text.charAt(close) == '"' ? 2 : 1;   // a quote written twice stands for one
        }
        if (close >= text.length()) {
            throw new FormatException(source, lines.line(at), column, null, "the quote opened at character "
                    + lines.character(at) + " is never closed");
        }
        int next = close + 1;
        if (next < text.length() && text.charAt(next) != delimiter && text.charAt(next) != '\n'
                && text.charAt(next) != '\r') {
            throw new FormatException(source, lines.line(next), column, null, "text after the closing quote, at "
                    + "character " + lines.character(next) + " (a quote inside a quoted field is written \"\")");
        }
        return next;
    }

    /** The 1-based line and character of a position in a text whose lines end with LF, CRLF or CR. */
    private static final class Lines {
        private final List<Integer> starts = new ArrayList<>(List.of(0));

        Lines(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                    starts.add(i + 1);
                }
            }
        }

        int line(int at) {
            int found = Collections.binarySearch(starts, at);
            return found >= 0 ? found + 1 : -found - 1;
        }

        int character(int at) {
            return at - starts.get(line(at) - 1) + 1;
        }
    }
}
