package dev.ejgrad.examples.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The IDX and ARFF readers on small files, well formed and malformed; the shipped CSV files. */
class ReadersTest {

    private static byte[] idxImages(int count, int rows, int cols, int pixelBytes) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixelBytes);
        b.putInt(2051).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < pixelBytes; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    private static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        }
        return out.toByteArray();
    }

    private static String idxError(byte[] bytes, boolean labels) {
        IOException e = assertThrows(IOException.class, () -> {
            if (labels) {
                Idx.readLabels(new ByteArrayInputStream(bytes), "test.idx");
            } else {
                Idx.readImages(new ByteArrayInputStream(bytes), "test.idx");
            }
        });
        assertTrue(e.getMessage().startsWith("test.idx, byte "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void idxImagesPlainAndGzipReadTheSame() throws IOException {
        byte[] raw = idxImages(2, 2, 3, 12);
        Idx.Images plain = Idx.readImages(new ByteArrayInputStream(raw), "plain");
        Idx.Images gz = Idx.readImages(new ByteArrayInputStream(gzip(raw)), "gz");
        assertEquals(2, plain.count());
        assertEquals(6, plain.size());
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(plain.pixel(i, j), gz.pixel(i, j));
            }
        }
        assertEquals((37 & 0xff) / 255.0, plain.pixel(0, 1), 0);
        assertEquals(((byte) (7 * 37) & 0xff) / 255.0, plain.pixel(1, 1), 0);
    }

    @Test
    void idxLabels() throws IOException {
        byte[] raw = ByteBuffer.allocate(11).putInt(2049).putInt(3).put((byte) 7).put((byte) 0).put((byte) 9).array();
        assertArrayEquals(new int[] {7, 0, 9}, Idx.readLabels(new ByteArrayInputStream(raw), "l"));
    }

    @Test
    void malformedIdxFilesNameTheByteOffset() {
        assertEquals("test.idx, byte 28: file ends after 12 of the 24 data bytes its header declares (truncated)",
                idxError(idxImages(2, 3, 4, 12), false));
        assertTrue(idxError(idxImages(1, 2, 2, 5), false).contains("byte 20: data continues past the 4 bytes"));
        assertTrue(idxError(new byte[] {0, 0, 8, 4, 0, 0}, false).contains("byte 0: magic number 2052, expected 2051"));
        assertTrue(idxError(Arrays.copyOf(idxImages(1, 2, 2, 4), 10), false).contains("byte 8: file ends inside"));
        assertTrue(idxError(idxImages(1, 2, 2, 4), true).contains("magic number 2051, expected 2049")
                && idxError(idxImages(1, 2, 2, 4), true).contains("this is an image file"));
        assertTrue(idxError(idxImages(-5, 2, 2, 0), false).contains("implausible dimensions -5"));
    }

    @Test
    void theShippedCsvFilesReadWithTheLibrarysReader() throws IOException {
        dev.ejgrad.data.Csv.Table iris = Embedded.csv("iris/iris.csv");
        assertEquals("150x4", iris.features().rows() + "x" + iris.features().cols());
        assertEquals(java.util.List.of("setosa", "versicolor", "virginica"), iris.classes());
        assertEquals(5.1, iris.features().get(0, 0));
        dev.ejgrad.data.Csv.Table cancer = Embedded.csv("breast-cancer/breast_cancer.csv");
        assertEquals("569x30", cancer.features().rows() + "x" + cancer.features().cols());
        assertEquals(212, Arrays.stream(cancer.labels()).filter(l -> l == 0).count(), "malignant");
        IOException e = assertThrows(IOException.class, () -> Embedded.csv("no/such.csv"));
        assertTrue(e.getMessage().contains("no/such.csv"), e.getMessage());
    }

    private static final String ARFF = "@relation t\n% a comment\n@attribute f1 numeric\n@attribute f2 real\n"
            + "@attribute l1 {0,1}\n@attribute l2 {0,1}\n@data\n";

    private static Arff.MultiLabel arff(String text) throws IOException {
        return Arff.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.arff", 2);
    }

    private static String arffError(String text) {
        return assertThrows(DataFormatException.class, () -> arff(text)).getMessage();
    }

    @Test
    void denseArff() throws IOException {
        Arff.MultiLabel d = arff(ARFF + "0.5,-1,1,0\n2,3,1,1\n");
        assertEquals(2, d.features().cols());
        assertEquals(-1, d.features().get(0, 1));
        assertEquals(1, d.labels().get(1, 1));
        assertEquals(java.util.List.of("l1", "l2"), d.labelNames());
    }

    @Test
    void malformedArffNamesTheLine() {
        assertEquals("t.arff, line 9: expected 4 values, got 3", arffError(ARFF + "1,2,1,0\n1,2,1\n"));
        assertEquals("t.arff, line 8: value 2 ('abc', attribute f2) is not a number", arffError(ARFF + "1,abc,1,0\n"));
        assertEquals("t.arff, line 8: value 3 of {0,1} attribute l1 is 2", arffError(ARFF + "1,2,2,0\n"));
        assertEquals("t.arff, line 8: sparse ARFF rows are not supported", arffError(ARFF + "{0 1, 3 1}\n"));
        assertTrue(arffError("@relation t\n@attribute f string\n").contains("line 2: attribute f has type string"));
        assertTrue(arffError("@relation t\n@attribute f numeric\n").contains("no @data section"));
        assertTrue(arffError("@relation t\n@attribute f numeric\n@attribute l {0,1}\n@attribute m numeric\n@data\n")
                .contains("label attribute m is not {0,1}"));
    }
}
