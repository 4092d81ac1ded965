package dev.ejgrad.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {

    @TempDir
    Path dir;

    private static Csv.Table read(Csv csv, String text) throws IOException {
        return csv.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.csv");
    }

    private static Csv.FormatException error(Csv csv, String text) {
        return assertThrows(Csv.FormatException.class, () -> read(csv, text));
    }

    @Test
    void aHeaderNamesTheColumnsAndTheTargetIsChosenByName() throws IOException {
        Csv.Table t = read(Csv.reader().target("species"), "a,species,b\n1.5,cat,2\n-3,dog,4e-1\n0,cat,.5\n");
        assertArrayEquals(new double[][] {{1.5, 2}, {-3, 0.4}, {0, 0.5}}, t.features().toArray());
        assertArrayEquals(new int[] {0, 1, 0}, t.labels());
        assertEquals(List.of("a", "b"), t.featureNames());
        assertEquals(List.of("cat", "dog"), t.classes(), "sorted, as LabelEncoder");
        assertEquals(3, t.dataset().size());
    }

    @Test
    void numericLabelsAreSortedByValue() throws IOException {
        Csv.Table t = read(Csv.reader(), "x,y\n1,10\n2,9\n3,1.0\n4,10\n5,1\n");
        assertEquals(List.of("1.0", "9", "10"), t.classes(), "by value, named as first written");
        assertArrayEquals(new int[] {2, 1, 0, 2, 0}, t.labels());
    }

    @Test
    void quotingCrlfCrBomAndEmptyLines() throws IOException {
        String text = "\uFEFF\"first, with comma\",\"say \"\"hi\"\"\",label\r\n"
                + "\r\n"
                + "  1 ,\" 2.5 \",\"multi\nline\"\r"
                + "   \n"
                + "3,4,other\n"
                + "\n";
        Csv.Table t = read(Csv.reader().target("label"), text);
        assertEquals(List.of("first, with comma", "say \"hi\""), t.featureNames());
        assertArrayEquals(new double[][] {{1, 2.5}, {3, 4}}, t.features().toArray());
        assertEquals(List.of("multi\nline", "other"), t.classes());
        // no newline at the end, and the last column by default
        Csv.Table u = read(Csv.reader(), "p,q\n1,a");
        assertArrayEquals(new double[][] {{1}}, u.features().toArray());
    }

    @Test
    void specialNumbersAndAnIndexedTargetWithoutHeader() throws IOException {
        Csv.Table t = read(Csv.reader().header(Csv.Header.NONE).target(0), "1,nan,-Inf,+infinity\n0,1e3,-0,2\n");
        assertArrayEquals(new int[] {1, 0}, t.labels());
        assertEquals(List.of("1", "2", "3"), t.featureNames());
        double[][] x = t.features().toArray();
        assertTrue(Double.isNaN(x[0][0]));
        assertEquals(Double.NEGATIVE_INFINITY, x[0][1]);
        assertEquals(Double.POSITIVE_INFINITY, x[0][2]);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(x[1][1]));
    }

    @Test
    void scikitLearnsLayoutAsShipped() throws IOException {
        Path file = dir.resolve("iris.csv");
        Files.writeString(file, "3,2,setosa,versicolor,virginica\n5.1,3.5,0\n4.9,3.0,2\n6,2.2,1\n");
        Csv.Table t = Csv.reader().header(Csv.Header.SKLEARN).read(file);
        assertEquals(List.of("setosa", "versicolor", "virginica"), t.classes());
        assertArrayEquals(new int[] {0, 2, 1}, t.labels());
        assertEquals("3x2", t.features().rows() + "x" + t.features().cols());

        Csv.FormatException e = error(Csv.reader().header(Csv.Header.SKLEARN), "2,2,a,b\n1,2,0\n");
        assertEquals("t.csv, line 2: the first line declares 2 rows but the file has 1", e.getMessage());
        e = error(Csv.reader().header(Csv.Header.SKLEARN), "1,2,a,b\n1,2,5\n");
        assertEquals(2, e.line());
        assertEquals(3, e.column());
        assertTrue(e.getMessage().contains("'5' is not a class index in [0, 2)"), e.getMessage());
    }

    @Test
    void errorsNameTheFileTheLineAndTheColumn() throws IOException {
        Csv byName = Csv.reader().target("y");
        Csv.FormatException e = error(byName, "a,b,y\n1,2,0\n3,x1,1\n");
        assertEquals("t.csv, line 3, column 2 ('b'): 'x1' is not a number", e.getMessage());
        assertEquals("t.csv", e.source());
        assertEquals(3, e.line());
        assertEquals(2, e.column());

        e = error(byName, "a,b,y\r\n\r\n1,,0\r\n");
        assertEquals("t.csv, line 3, column 2 ('b'): the field is empty (a missing value)", e.getMessage());

        e = error(byName, "a,b,y\n1,2\n");
        assertEquals("t.csv, line 2: this record has 2 fields but the header has 3", e.getMessage());

        e = error(byName, "a,b,y\n1,\"2,0\n3,4,5\n");
        assertEquals(2, e.line(), "the line where the quote opened");
        assertEquals(2, e.column());
        assertTrue(e.getMessage().contains("never closed"), e.getMessage());

        e = error(byName, "a,b,y\n1,\"2\"x,0\n");
        assertEquals(2, e.column());
        assertTrue(e.getMessage().contains("text after the closing quote, at character 6"), e.getMessage());

        e = error(byName, "a,b,y\n1,2\"3,0\n");
        assertTrue(e.getMessage().startsWith("t.csv, line 2, column 2: a quote inside an unquoted field"),
                e.getMessage());

        // a quoted field spanning lines: later errors still count the file's lines
        e = error(Csv.reader(), "a,y\n1,\"x\ny\"\n2,\"z\"\nq,w\n");
        assertEquals(5, e.line());

        e = error(Csv.reader().target("nope"), "a,y\n1,0\n");
        assertTrue(e.getMessage().contains("no column named 'nope'; the columns are [a, y]"), e.getMessage());

        assertTrue(error(Csv.reader(), "").getMessage().contains("empty"));
        assertTrue(error(Csv.reader(), "a,y\n").getMessage().contains("header only"));
        assertThrows(IllegalArgumentException.class,
                () -> read(Csv.reader().header(Csv.Header.NONE).target("y"), "1,2\n"));
        assertThrows(IllegalArgumentException.class, () -> Csv.reader().target(-1));

        Path missing = dir.resolve("missing.csv");
        IOException io = assertThrows(IOException.class, () -> Csv.read(missing, "y"));
        assertTrue(io.getMessage().contains("missing.csv"), io.getMessage());
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "a,y\n1,0\nfoo,1\n");
        e = assertThrows(Csv.FormatException.class, () -> Csv.read(bad, "y"));
        assertEquals(bad + ", line 3, column 1 ('a'): 'foo' is not a number", e.getMessage());
    }

    @Test
    void otherDelimiters() throws IOException {
        Csv.Table t = read(Csv.reader().delimiter(';'), "a;b;y\n1.5;2;k,m\n");
        assertEquals(List.of("a", "b"), t.featureNames());
        assertEquals(List.of("k,m"), t.classes());
        Csv.FormatException e = error(Csv.reader().delimiter(';'), "a;b;y\n1,5;2;k\n");
        assertTrue(e.getMessage().contains("'1,5' is not a number"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Csv.reader().delimiter('"'));
    }
}
