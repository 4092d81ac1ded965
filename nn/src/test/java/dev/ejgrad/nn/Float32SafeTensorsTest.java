package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SafeTensors with float32 tensors: each saved in its own dtype, or all converted; loaded in one dtype. */
class Float32SafeTensorsTest {

    @TempDir
    Path dir;

    /** The JSON header of a safetensors file. */
    static String header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long length = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(bytes, 8, (int) length, StandardCharsets.UTF_8);
    }

    private static Map<String, Tensor> mixed() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("f32", Tensor.ofFloats(2, 2, 0.1f, -0f, Float.MIN_VALUE, Float.MAX_VALUE));
        m.put("f64", Tensor.of(1, 3, 0.1, 1e300, -0.0));
        return m;
    }

    @Test
    void eachTensorIsSavedInItsOwnDtypeAndComesBackBitForBit() throws IOException {
        Path f = dir.resolve("mixed.safetensors");
        SafeTensors.save(mixed(), f);
        String h = header(f);
        assertTrue(h.contains("\"f32\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}"), h);
        assertTrue(h.contains("\"f64\":{\"dtype\":\"F64\",\"shape\":[1,3],\"data_offsets\":[16,40]}"), h);

        Map<String, Tensor> widened = SafeTensors.load(f);   // float64, as before
        assertEquals(DType.FLOAT64, widened.get("f32").dtype());
        assertEquals((double) 0.1f, widened.get("f32").get(0, 0), 0);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(widened.get("f32").get(0, 1)));
        assertEquals((double) Float.MIN_VALUE, widened.get("f32").get(1, 0), 0);

        Map<String, Tensor> floats = SafeTensors.load(f, DType.FLOAT32);
        assertEquals(DType.FLOAT32, floats.get("f32").dtype());
        assertEquals(DType.FLOAT32, floats.get("f64").dtype());
        float[][] back = floats.get("f32").toFloatArray();
        float[][] saved = mixed().get("f32").toFloatArray();
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                assertEquals(Float.floatToRawIntBits(saved[i][j]), Float.floatToRawIntBits(back[i][j]));
            }
        }
        assertEquals((float) 0.1, floats.get("f64").get(0, 0), 0, "float64 values round to nearest");
        assertEquals(Double.POSITIVE_INFINITY, floats.get("f64").get(0, 1), "beyond float's range");

        Map<String, Tensor> doubles = SafeTensors.load(f, DType.FLOAT64);
        assertEquals(DType.FLOAT64, doubles.get("f32").dtype());
        assertEquals(0.1, doubles.get("f64").get(0, 0), 0);
    }

    @Test
    void aGivenFormatConvertsEveryTensor() throws IOException {
        Path f64 = dir.resolve("all64.safetensors");
        SafeTensors.save(mixed(), f64, SafeTensors.DType.F64);
        assertFalse(header(f64).contains("F32"), header(f64));
        assertEquals((double) 0.1f, SafeTensors.load(f64).get("f32").get(0, 0), 0, "float32 widened exactly");
        Path f32 = dir.resolve("all32.safetensors");
        SafeTensors.save(mixed(), f32, SafeTensors.DType.F32);
        assertFalse(header(f32).contains("F64"), header(f32));
        assertEquals((double) (float) 0.1, SafeTensors.load(f32).get("f64").get(0, 0), 0);
    }

    @Test
    void aFloat32ModelRoundTripsIntoAFreshFloat32Model() throws IOException {
        Random rng = new Random(5);
        Module a = new Sequential(new Linear(3, 4, true, rng), new BatchNorm1d(4)).to(DType.FLOAT32);
        a.forward(Tensor.randn(5, 3, rng, DType.FLOAT32));   // running statistics move
        Path f = dir.resolve("model.safetensors");
        SafeTensors.save(a.stateDict(), f);
        String h = header(f);
        assertTrue(h.contains("\"0.weight\":{\"dtype\":\"F32\"") && h.contains("\"1.running_var\":{\"dtype\":\"F32\"")
                && h.contains("\"1.num_batches_tracked\":{\"dtype\":\"I64\""), h);
        Module b = new Sequential(new Linear(3, 4, true, new Random(9)), new BatchNorm1d(4)).to(DType.FLOAT32);
        b.loadStateDict(SafeTensors.load(f));
        a.stateDict().forEach((k, t) -> {
            Tensor u = b.stateDict().get(k);
            assertEquals(t.dtype(), u.dtype(), k);
            double[] x = t.toMatrix().data;
            double[] y = u.toMatrix().data;
            for (int i = 0; i < x.length; i++) {
                assertEquals(Double.doubleToRawLongBits(x[i]), Double.doubleToRawLongBits(y[i]), k + "[" + i + "]");
            }
        });
    }

    @Test
    void halfPrecisionFilesWidenExactlyToFloat32() throws IOException {
        String json = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[6,12]}}";
        byte[] hj = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + hj.length + 12).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(hj.length).put(hj);
        for (int bits : new int[] {0x3E00, 0x7BFF, 0x0001, 0x3F80, 0x4049, 0x0001}) {
            buf.putShort((short) bits);
        }
        Path f = dir.resolve("half.safetensors");
        Files.write(f, buf.array());
        Map<String, Tensor> t = SafeTensors.load(f, DType.FLOAT32);
        assertEquals(DType.FLOAT32, t.get("h").dtype());
        float[] h = t.get("h").toFloatArray()[0];
        assertEquals(1.5f, h[0], 0);
        assertEquals(65504f, h[1], 0);
        assertEquals(0x1p-24f, h[2], 0, "an F16 subnormal");
        float[] b = t.get("b").toFloatArray()[0];
        assertEquals(1f, b[0], 0);
        assertEquals(3.140625f, b[1], 0);
        assertEquals(Float.intBitsToFloat(0x00010000), b[2], 0, "a BF16 subnormal");
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsWritten() throws IOException {
        Path f = dir.resolve("never.safetensors");
        Map<String, Tensor> withNull = new LinkedHashMap<>(mixed());
        withNull.put("gone", null);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(withNull, f));
        assertFalse(Files.exists(f));
        SafeTensors.save(mixed(), f);
        assertThrows(NullPointerException.class, () -> SafeTensors.load(f, null));
    }
}
