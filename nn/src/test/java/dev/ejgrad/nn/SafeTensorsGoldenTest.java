package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The nn2 golden file's SafeTensors cases: PyTorch's F32, F16 and BF16 files widen bit for bit; F32 saves round. */
class SafeTensorsGoldenTest {

    @TempDir
    Path dir;

    static Stream<Arguments> loads() {
        return Golden.nn2Cases("safetensors_load");
    }

    static Stream<Arguments> saves() {
        return Golden.nn2Cases("safetensors_save_f32");
    }

    @Test
    void everyCaseIsThere() {
        assertEquals(4, Golden.nn2Count("safetensors_load"));
        assertEquals(2, Golden.nn2Count("safetensors_save_f32"));
    }

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(SafeTensorsGoldenTest.class.getResource("/golden/safetensors/" + name).toURI());
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s.substring(2), 16);
    }

    /** Row-major cells of a nested array (a 1-D shape is one row). */
    private static List<JsonNode> cells(JsonNode rows) {
        List<JsonNode> out = new ArrayList<>();
        rows.forEach(r -> r.forEach(out::add));
        return out;
    }

    private static void assertWidened(String what, JsonNode expectedBits, Tensor actual) {
        double[] v = actual.toMatrix().data;
        List<JsonNode> bits = cells(expectedBits);
        assertEquals(bits.size(), v.length, what);
        for (int i = 0; i < v.length; i++) {
            String b = bits.get(i).asText();
            if (b.equals("NaN")) {
                assertTrue(Double.isNaN(v[i]), what + "[" + i + "] should be NaN, got " + v[i]);
            } else {
                assertEquals(b, String.format("0x%016x", Double.doubleToRawLongBits(v[i])),
                        what + "[" + i + "] = " + v[i]);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loads")
    void pyTorchsFilesWidenExactly(String name, JsonNode c) throws Exception {
        Path file = fixture(c.get("file").asText());
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(c.get("file_bytes").asLong(), bytes.length, "the fixture is the one the case describes");
        assertEquals(c.get("file_sha256").asText(), sha256(bytes));
        Map<String, Tensor> loaded = SafeTensors.load(file);
        JsonNode tensors = c.get("tensors");
        assertEquals(tensors.size(), loaded.size(), name + ": tensor count");
        for (Iterator<Map.Entry<String, JsonNode>> it = tensors.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Tensor t = loaded.get(e.getKey());
            JsonNode spec = e.getValue();
            JsonNode shape = spec.get("shape");
            int rows = shape.size() == 2 ? shape.get(0).asInt() : 1;
            int cols = shape.get(shape.size() - 1).asInt();
            assertEquals(rows + "x" + cols, t.rows() + "x" + t.cols(), name + " " + e.getKey() + " shape " + shape);
            assertWidened(name + " " + e.getKey(), spec.get("expected_bits"), t);
            Golden.assertClose(name + " " + e.getKey(), spec.get("expected"), t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("saves")
    void f32SavesRoundToNearestAsTensorFloat(String name, JsonNode c) throws IOException {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("input_bits").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode rows = e.getValue();
            int r = rows.size();
            int k = rows.get(0).size();
            double[] v = new double[r * k];
            List<JsonNode> bits = cells(rows);
            for (int i = 0; i < v.length; i++) {
                String b = bits.get(i).asText();
                v[i] = b.equals("NaN") ? Double.NaN : Double.longBitsToDouble(hex(b));
            }
            inputs.put(e.getKey(), Tensor.of(r, k, v));
            Golden.assertClose(name + " input " + e.getKey(), c.get("inputs").get(e.getKey()), inputs.get(e.getKey()));
        }
        Path file = dir.resolve("f32.safetensors");
        SafeTensors.save(inputs, file, SafeTensors.DType.F32);

        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) b.getLong();
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
            JsonNode h = header.get(e.getKey());
            assertEquals("F32", h.get("dtype").asText(), name);
            assertEquals("[" + e.getValue().rows() + "," + e.getValue().cols() + "]", h.get("shape").toString());
            long begin = h.get("data_offsets").get(0).asLong();
            List<JsonNode> words = cells(c.get("expected_f32_bits").get(e.getKey()));
            assertEquals(words.size() * 4L, h.get("data_offsets").get(1).asLong() - begin);
            for (int i = 0; i < words.size(); i++) {
                int word = b.getInt((int) (8 + headerLength + begin + 4L * i));
                String expected = words.get(i).asText();
                if (expected.equals("NaN")) {
                    assertTrue(Float.isNaN(Float.intBitsToFloat(word)), name + " " + e.getKey() + "[" + i + "]");
                } else {
                    assertEquals(expected, String.format("0x%08x", word), name + " " + e.getKey() + "[" + i + "]");
                }
            }
        }
        Map<String, Tensor> back = SafeTensors.load(file);
        assertEquals(List.copyOf(inputs.keySet()), List.copyOf(back.keySet()));
        for (String k : inputs.keySet()) {
            assertWidened(name + " reloaded " + k, c.get("expected_bits").get(k), back.get(k));
            Golden.assertClose(name + " reloaded " + k, c.get("expected").get(k), back.get(k));
        }
    }

    private static String sha256(byte[] bytes) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
