package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {

    @TempDir
    Path dir;

    private static Sequential mlp(long seed) {
        Random rng = new Random(seed);
        return new Sequential(new Linear(5, 4, true, rng), new Tanh(), new Linear(4, 3, true, rng));
    }

    /** A file as the reference writer makes it: length, JSON header padded with spaces, little-endian values. */
    private static byte[] file(String header, double... values) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    @Test
    void aStateDictRoundTripsBitExactly() throws IOException {
        Sequential a = mlp(1);
        Path f = dir.resolve("mlp.safetensors");
        SafeTensors.save(a.stateDict(), f);
        Map<String, Tensor> loaded = SafeTensors.load(f);
        assertEquals(List.copyOf(a.stateDict().keySet()), List.copyOf(loaded.keySet()));
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            double[][] expected = e.getValue().toArray();
            double[][] actual = loaded.get(e.getKey()).toArray();
            for (int i = 0; i < expected.length; i++) {
                for (int j = 0; j < expected[i].length; j++) {
                    assertEquals(Double.doubleToRawLongBits(expected[i][j]), Double.doubleToRawLongBits(actual[i][j]),
                            e.getKey());
                }
            }
        }
        Sequential b = mlp(2);
        b.loadStateDict(loaded);
        Tensor x = Tensor.randn(3, 5, new Random(0));
        assertArrayEquals(a.forward(x).toArray(), b.forward(x).toArray());
    }

    @Test
    void aSavedFileHasOrdinaryPermissionsAndAReplacedOneKeepsItsOwn() throws IOException {
        Path f = dir.resolve("p.safetensors");
        SafeTensors.save(mlp(1).stateDict(), f);
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(f)));
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw----"));
        SafeTensors.save(mlp(2).stateDict(), f);
        assertEquals("rw-rw----", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(f)));
    }

    @Test
    void biasesAreWrittenOneDimensionalAsPyTorchHoldsThem() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.save(mlp(1).stateDict(), f);
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"0.weight\":{\"dtype\":\"F64\",\"shape\":[4,5]"), header);
        assertTrue(header.contains("\"0.bias\":{\"dtype\":\"F64\",\"shape\":[4]"), header);
        assertEquals(0, (8 + n) % 8, "values start 8-byte aligned");
    }

    @Test
    void readsAFileAsPyTorchWritesItWithMetadataAndOneDimensionalTensors() throws IOException {
        Path f = dir.resolve("torch.safetensors");
        Files.write(f, file("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"bias\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[32,48]},"
                + "\"weight\":{\"dtype\":\"F64\",\"shape\":[2,2],\"data_offsets\":[0,32]}}", 1, 2, 3, 4, -0.5, 0.5));
        Map<String, Tensor> m = SafeTensors.load(f);
        assertEquals(List.of("weight", "bias"), List.copyOf(m.keySet()), "in data order");
        assertArrayEquals(new double[][] {{1, 2}, {3, 4}}, m.get("weight").toArray());
        assertArrayEquals(new double[][] {{-0.5, 0.5}}, m.get("bias").toArray());
    }

    private String rejection(byte[] content) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, content);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.load(f));
        assertTrue(e.getMessage().startsWith("not a readable safetensors file: " + f), e.getMessage());
        return e.getMessage();
    }

    @Test
    void corruptAndTruncatedFilesAreRejectedWithTheProblemNamed() throws IOException {
        String ok = "{\"w\":{\"dtype\":\"F64\",\"shape\":[1,2],\"data_offsets\":[0,16]}}";
        byte[] good = file(ok, 1, 2);
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        assertTrue(rejection(truncated).contains("truncated"));
        assertTrue(rejection(new byte[] {1, 2, 3}).contains("fewer than the 8"));
        byte[] hugeHeader = good.clone();
        ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertTrue(rejection(hugeHeader).contains("does not fit"));
        assertTrue(rejection(file("{\"w\":{\"dtype\":\"F64\",", 1, 2)).contains("not valid JSON"));
        // I64 and I32 load (PyTorch's num_batches_tracked); booleans do not
        assertTrue(rejection(file(ok.replace("F64", "BOOL"), 1, 2)).contains("'w' has dtype BOOL"));
        assertTrue(rejection(file(ok.replace("[1,2]", "[1,3]"), 1, 2)).contains("needs 24 bytes"));
        // the same 16 bytes read as narrower dtypes: the shape no longer matches them
        assertTrue(rejection(file(ok.replace("F64", "F32"), 1, 2)).contains("dtype F32 and shape [1, 2] needs 8 bytes"));
        assertTrue(rejection(file(ok.replace("F64", "F16"), 1, 2)).contains("dtype F16 and shape [1, 2] needs 4 bytes"));
        assertTrue(rejection(file(ok.replace("F64", "BF16"), 1, 2)).contains("dtype BF16 and shape [1, 2] needs 4"));
        // rank 3 and more load as d0 x (d1 ... dk), within ejgrad's sizes
        assertTrue(rejection(file(ok.replace("[1,2]", "[1,65536,65536]"), 1, 2)).contains("is too large"));
        assertTrue(rejection(file(ok.replace("[0,16]", "[8,24]"), 1, 2)).contains("starts at byte 8"));
        assertTrue(rejection(file(ok.replace("[0,16]", "[-1,16]"), 1, 2)).contains("non-negative"));
    }

    @Test
    void aMissingFileIsAnIOException() {
        Path missing = dir.resolve("missing.safetensors");
        IOException e = assertThrows(IOException.class, () -> SafeTensors.load(missing));
        assertTrue(e.getMessage().contains("missing.safetensors"), e.getMessage());
    }

    @Test
    void everyHalfWidensToItsValue() {
        // the finite positive halves, in bit order, are strictly increasing, with steps of 2^-24 in the first two
        // binades and doubling each binade after; the sign bit only negates
        double previous = -1;
        for (int bits = 0; bits < 0x7c00; bits++) {
            double v = SafeTensors.halfToDouble(bits);
            int binade = Math.max(0, ((bits - 1) >>> 10) - 1);
            if (bits > 0) {
                assertEquals(Math.scalb(1.0, binade - 24), v - previous, "step below 0x" + Integer.toHexString(bits));
            }
            assertEquals(Double.doubleToRawLongBits(-v), Double.doubleToRawLongBits(SafeTensors.halfToDouble(
                    bits | 0x8000)));
            previous = v;
        }
        assertEquals(65504.0, SafeTensors.halfToDouble(0x7bff));
        assertEquals(Double.POSITIVE_INFINITY, SafeTensors.halfToDouble(0x7c00));
        assertEquals(Double.NEGATIVE_INFINITY, SafeTensors.halfToDouble(0xfc00));
        for (int f = 1; f < 0x400; f++) {
            assertTrue(Double.isNaN(SafeTensors.halfToDouble(0x7c00 | f)));
        }
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(SafeTensors.halfToDouble(0x8000)));
    }

    @Test
    void anF32SaveIsAtomicAndNamesItsDtype() throws IOException {
        Path f = dir.resolve("f32.safetensors");
        SafeTensors.save(mlp(1).stateDict(), f, SafeTensors.DType.F32);
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"0.weight\":{\"dtype\":\"F32\",\"shape\":[4,5],\"data_offsets\":[0,80]}"),
                header);
        assertTrue(header.contains("\"0.bias\":{\"dtype\":\"F32\",\"shape\":[4]"), header);
        Map<String, Tensor> back = SafeTensors.load(f);
        mlp(1).stateDict().forEach((k, t) -> {
            double[] a = t.toMatrix().data;
            double[] b = back.get(k).toMatrix().data;
            for (int i = 0; i < a.length; i++) {
                assertEquals((double) (float) a[i], b[i], k);
            }
        });
        Map<String, Tensor> failing = new FailingMap(mlp(2).stateDict());
        assertThrows(IllegalStateException.class, () -> SafeTensors.save(failing, f, SafeTensors.DType.F32));
        assertArrayEquals(bytes, Files.readAllBytes(f), "a failed F32 save leaves the previous file");
    }

    @Test
    void aFailedSaveLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("weights.safetensors");
        SafeTensors.save(mlp(1).stateDict(), f);
        byte[] before = Files.readAllBytes(f);

        // a failure in the middle of writing the values: the second pass over the map throws
        Map<String, Tensor> failing = new FailingMap(mlp(2).stateDict());
        assertThrows(IllegalStateException.class, () -> SafeTensors.save(failing, f));
        assertArrayEquals(before, Files.readAllBytes(f));

        // a rejected argument: nothing is written at all
        Map<String, Tensor> withNull = new LinkedHashMap<>(mlp(2).stateDict());
        withNull.put("extra", null);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(withNull, f));
        assertArrayEquals(before, Files.readAllBytes(f));

        // a directory that does not exist
        assertThrows(IOException.class, () -> SafeTensors.save(mlp(2).stateDict(), dir.resolve("no/such/file")));

        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList(), "no temporary file is left behind");
        }
        SafeTensors.load(f);
    }

    /** A map whose values can be listed once (for the header) and fail on the second listing (the values). */
    private static final class FailingMap extends AbstractMap<String, Tensor> {
        private final Map<String, Tensor> inner;
        private int passes;

        FailingMap(Map<String, Tensor> inner) {
            this.inner = inner;
        }

        @Override
        public Set<Entry<String, Tensor>> entrySet() {
            if (++passes > 2) {
                return new AbstractSet<>() {
                    @Override
                    public Iterator<Entry<String, Tensor>> iterator() {
                        Iterator<Entry<String, Tensor>> it = inner.entrySet().iterator();
                        return new Iterator<>() {
                            int n;

                            @Override
                            public boolean hasNext() {
                                return it.hasNext();
                            }

                            @Override
                            public Entry<String, Tensor> next() {
                                if (++n > 1) {
                                    throw new IllegalStateException("injected failure while writing");
                                }
                                return it.next();
                            }
                        };
                    }

                    @Override
                    public int size() {
                        return inner.size();
                    }
                };
            }
            return inner.entrySet();
        }
    }
}
