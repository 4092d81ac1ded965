package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.ImageShape;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;
import dev.ejgrad.optim.SGD;
import dev.ejgrad.testing.Golden;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every layer family saves its state dict in the shapes and dtypes PyTorch's module holds, so that PyTorch's
 * {@code load_state_dict(strict=True)} takes the file, and reads back from them, from the older {@code [1, n]}
 * forms, and from PyTorch's own files with int64 counts.
 */
class SavedShapesTest {

    @TempDir
    Path dir;

    /** A layer family: how to make one (from a seed) and PyTorch's state_dict of the same module. */
    private record Family(String name, Supplier<Module> make, String torchHeader) {
    }

    /**
     * PyTorch's (1.13) state dicts of the same modules, as name, shape and dtype, printed by this command
     * (/usr/bin/python3, torch 1.13.0a0), then written as ejgrad saves them (float64: F64):
     *
     * <pre>
     * import torch
     * mods = {
     *  'Linear': torch.nn.Linear(3, 2),
     *  'Embedding': torch.nn.Embedding(5, 3),
     *  'LayerNorm': torch.nn.LayerNorm(4),
     *  'BatchNorm1d': torch.nn.BatchNorm1d(4),
     *  'RNNCell': torch.nn.RNNCell(3, 2),
     *  'GRUCell': torch.nn.GRUCell(3, 2),
     *  'LSTMCell': torch.nn.LSTMCell(3, 2),
     *  'MultiheadAttention': torch.nn.MultiheadAttention(4, 2),
     *  'LSTM': torch.nn.LSTM(3, 2, bidirectional=True),
     *  'TransformerEncoderLayer': torch.nn.TransformerEncoderLayer(4, 2, 6),
     *  'Conv2d': torch.nn.Conv2d(2, 3, 2),
     *  'BatchNorm2d': torch.nn.BatchNorm2d(4),
     *  'ConvNet': torch.nn.Sequential(torch.nn.Conv2d(2, 3, 2), torch.nn.BatchNorm2d(3), torch.nn.ReLU(),
     *      torch.nn.MaxPool2d(2), torch.nn.Linear(12, 5)),
     * }
     * for n, m in mods.items():
     *     print(n, [(k, list(v.shape), str(v.dtype).replace('torch.', '')) for k, v in m.state_dict().items()])
     * </pre>
     *
     * <p>which printed:
     *
     * <pre>
     * Linear [('weight', [2, 3], 'float32'), ('bias', [2], 'float32')]
     * Embedding [('weight', [5, 3], 'float32')]
     * LayerNorm [('weight', [4], 'float32'), ('bias', [4], 'float32')]
     * BatchNorm1d [('weight', [4], 'float32'), ('bias', [4], 'float32'), ('running_mean', [4], 'float32'),
     *     ('running_var', [4], 'float32'), ('num_batches_tracked', [], 'int64')]
     * RNNCell [('weight_ih', [2, 3], 'float32'), ('weight_hh', [2, 2], 'float32'), ('bias_ih', [2], 'float32'),
     *     ('bias_hh', [2], 'float32')]
     * GRUCell [('weight_ih', [6, 3], 'float32'), ('weight_hh', [6, 2], 'float32'), ('bias_ih', [6], 'float32'),
     *     ('bias_hh', [6], 'float32')]
     * LSTMCell [('weight_ih', [8, 3], 'float32'), ('weight_hh', [8, 2], 'float32'), ('bias_ih', [8], 'float32'),
     *     ('bias_hh', [8], 'float32')]
     * MultiheadAttention [('in_proj_weight', [12, 4], 'float32'), ('in_proj_bias', [12], 'float32'),
     *     ('out_proj.weight', [4, 4], 'float32'), ('out_proj.bias', [4], 'float32')]
     * LSTM [('weight_ih_l0', [8, 3]), ('weight_hh_l0', [8, 2]), ('bias_ih_l0', [8]), ('bias_hh_l0', [8]),
     *     ('weight_ih_l0_reverse', [8, 3]), ('weight_hh_l0_reverse', [8, 2]), ('bias_ih_l0_reverse', [8]),
     *     ('bias_hh_l0_reverse', [8])]
     * TransformerEncoderLayer [('self_attn.in_proj_weight', [12, 4]), ('self_attn.in_proj_bias', [12]),
     *     ('self_attn.out_proj.weight', [4, 4]), ('self_attn.out_proj.bias', [4]), ('linear1.weight', [6, 4]),
     *     ('linear1.bias', [6]), ('linear2.weight', [4, 6]), ('linear2.bias', [4]), ('norm1.weight', [4]),
     *     ('norm1.bias', [4]), ('norm2.weight', [4]), ('norm2.bias', [4])]
     * Conv2d [('weight', [3, 2, 2, 2], 'float32'), ('bias', [3], 'float32')]
     * BatchNorm2d [('weight', [4], 'float32'), ('bias', [4], 'float32'), ('running_mean', [4], 'float32'),
     *     ('running_var', [4], 'float32'), ('num_batches_tracked', [], 'int64')]
     * ConvNet [('0.weight', [3, 2, 2, 2], 'float32'), ('0.bias', [3], 'float32'), ('1.weight', [3], 'float32'),
     *     ('1.bias', [3], 'float32'), ('1.running_mean', [3], 'float32'), ('1.running_var', [3], 'float32'),
     *     ('1.num_batches_tracked', [], 'int64'), ('4.weight', [5, 12], 'float32'), ('4.bias', [5], 'float32')]
     * </pre>
     *
     * <p>(ejgrad's rows are already flat, so the ConvNet's Linear follows the pooling directly, as child 4.)
     */
    private static List<Family> families(long seed) {
        return List.of(
                new Family("Linear", () -> new Linear(3, 2, true, new Random(seed)),
                        "weight F64 [2, 3]; bias F64 [2]"),
                new Family("Embedding", () -> new Embedding(5, 3, new Random(seed)),
                        "weight F64 [5, 3]"),
                new Family("LayerNorm", () -> trained(new LayerNorm(4), seed),
                        "weight F64 [4]; bias F64 [4]"),
                new Family("BatchNorm1d", () -> trained(new BatchNorm1d(4), seed),
                        "weight F64 [4]; bias F64 [4]; running_mean F64 [4]; running_var F64 [4]; "
                                + "num_batches_tracked I64 []"),
                new Family("RNNCell", () -> new RNNCell(3, 2, new Random(seed)),
                        "weight_ih F64 [2, 3]; weight_hh F64 [2, 2]; bias_ih F64 [2]; bias_hh F64 [2]"),
                new Family("GRUCell", () -> new GRUCell(3, 2, new Random(seed)),
                        "weight_ih F64 [6, 3]; weight_hh F64 [6, 2]; bias_ih F64 [6]; bias_hh F64 [6]"),
                new Family("LSTMCell", () -> new LSTMCell(3, 2, new Random(seed)),
                        "weight_ih F64 [8, 3]; weight_hh F64 [8, 2]; bias_ih F64 [8]; bias_hh F64 [8]"),
                new Family("MultiheadAttention", () -> trained(new MultiheadAttention(4, 2, new Random(seed)), seed),
                        "in_proj_weight F64 [12, 4]; in_proj_bias F64 [12]; out_proj.weight F64 [4, 4]; "
                                + "out_proj.bias F64 [4]"),
                new Family("LSTM", () -> new LSTM(3, 2, 1, true, 0.0, new Random(seed)),
                        "weight_ih_l0 F64 [8, 3]; weight_hh_l0 F64 [8, 2]; bias_ih_l0 F64 [8]; bias_hh_l0 F64 [8]; "
                                + "weight_ih_l0_reverse F64 [8, 3]; weight_hh_l0_reverse F64 [8, 2]; "
                                + "bias_ih_l0_reverse F64 [8]; bias_hh_l0_reverse F64 [8]"),
                new Family("TransformerEncoderLayer",
                        () -> trained(new TransformerEncoderLayer(4, 2, 6, 0.0, new Random(seed)), seed),
                        "self_attn.in_proj_weight F64 [12, 4]; self_attn.in_proj_bias F64 [12]; "
                                + "self_attn.out_proj.weight F64 [4, 4]; self_attn.out_proj.bias F64 [4]; "
                                + "linear1.weight F64 [6, 4]; linear1.bias F64 [6]; linear2.weight F64 [4, 6]; "
                                + "linear2.bias F64 [4]; norm1.weight F64 [4]; norm1.bias F64 [4]; norm2.weight F64 [4]; "
                                + "norm2.bias F64 [4]"),
                new Family("Conv2d", () -> new Conv2d(new ImageShape(2, 5, 5), 3, 2, new Random(seed)),
                        "weight F64 [3, 2, 2, 2]; bias F64 [3]"),
                new Family("BatchNorm2d", () -> trained(new BatchNorm2d(new ImageShape(4, 2, 3)), seed),
                        "weight F64 [4]; bias F64 [4]; running_mean F64 [4]; running_var F64 [4]; "
                                + "num_batches_tracked I64 []"),
                new Family("ConvNet", () -> trained(convNet(seed), seed),
                        "0.weight F64 [3, 2, 2, 2]; 0.bias F64 [3]; 1.weight F64 [3]; 1.bias F64 [3]; "
                                + "1.running_mean F64 [3]; 1.running_var F64 [3]; 1.num_batches_tracked I64 []; "
                                + "4.weight F64 [5, 12]; 4.bias F64 [5]"));
    }

    /** Conv2d(2, 3, 2), BatchNorm2d(3), ReLU, MaxPool2d(2), Linear(12, 5) on 2x5x5 images. */
    private static Sequential convNet(long seed) {
        Random rng = new Random(seed);
        Conv2d conv = new Conv2d(new ImageShape(2, 5, 5), 3, 2, rng);
        BatchNorm2d bn = new BatchNorm2d(conv.outputShape());
        MaxPool2d pool = new MaxPool2d(bn.outputShape(), 2);
        return new Sequential(conv, bn, new ReLU(), pool, new Linear(pool.outputShape().size(), 5, true, rng));
    }

    /**
     * The module with every parameter moved off its init (ones, zeros) and, for a batch norm, three training
     * forwards, so that a round trip that lost or swapped a value would show.
     */
    private static Module trained(Module m, long seed) {
        Random rng = new Random(seed);
        for (Tensor p : m.parameters()) {
            Init.uniform(p, -2, 2, rng);
        }
        int width = m instanceof BatchNorm1d ? 4 : m instanceof BatchNorm2d b ? b.inputShape().size()
                : m instanceof Sequential s && s.get(0) instanceof Conv2d c ? c.inputShape().size() : 0;
        for (int i = 0; width > 0 && i < 3; i++) {
            m.forward(Tensor.randn(5, width, rng));
        }
        return m;
    }

    /** The file's header as {@code name dtype shape} entries joined by "; ", in the file's order. */
    private static String header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode h = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        List<String> entries = new ArrayList<>();
        h.fields().forEachRemaining(e -> {
            List<String> dims = new ArrayList<>();
            e.getValue().get("shape").forEach(d -> dims.add(d.asText()));
            entries.add(e.getKey() + " " + e.getValue().get("dtype").asText() + " [" + String.join(", ", dims) + "]");
        });
        return String.join("; ", entries);
    }

    private static void assertSameBits(Map<String, Tensor> expected, Map<String, Tensor> actual, String what) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), what);
        expected.forEach((k, e) -> {
            Tensor a = actual.get(k);
            assertEquals(e.rows() + "x" + e.cols(), a.rows() + "x" + a.cols(), what + " " + k);
            double[] ev = e.toMatrix().data;
            double[] av = a.toMatrix().data;
            for (int i = 0; i < ev.length; i++) {
                assertEquals(Double.doubleToRawLongBits(ev[i]), Double.doubleToRawLongBits(av[i]),
                        what + " " + k + "[" + i + "]");
            }
        });
    }

    @Test
    void everyLayerFamilySavesPyTorchsShapesAndReadsThemBack() throws IOException {
        for (Family f : families(3)) {
            Module m = f.make().get();
            Path file = dir.resolve(f.name() + ".safetensors");
            SafeTensors.save(m.stateDict(), file);
            assertEquals(f.torchHeader(), header(file), f.name());

            Module fresh = families(4).stream().filter(g -> g.name().equals(f.name())).findFirst().orElseThrow()
                    .make().get();
            fresh.loadStateDict(SafeTensors.load(file));
            assertSameBits(m.stateDict(), fresh.stateDict(), f.name());
        }
    }

    @Test
    void aCopyOfTheStateDictAndAFloat32SaveKeepTheShapesAndTheInt64Count() throws IOException {
        Module bn = trained(new BatchNorm1d(4), 1);
        Path file = dir.resolve("copy.safetensors");
        SafeTensors.save(new LinkedHashMap<>(bn.stateDict()), file, SafeTensors.DType.F32);
        assertEquals("weight F32 [4]; bias F32 [4]; running_mean F32 [4]; running_var F32 [4]; "
                + "num_batches_tracked I64 []", header(file), "PyTorch's model.float() keeps the count int64");
        assertEquals(3.0, SafeTensors.load(file).get("num_batches_tracked").item());
    }

    @Test
    void aCheckpointWritesTheModelInPyTorchsShapesAndRestoresIt() throws IOException {
        Random rng = new Random(2);
        Sequential model = new Sequential(new Linear(3, 4, true, rng), trained(new BatchNorm1d(4), 5));
        SGD opt = new SGD(model.parameters(), 0.1);
        Path file = dir.resolve("ckpt.safetensors");
        Checkpoint.save(file, model, opt);
        String h = header(file);
        assertTrue(h.contains("model.0.weight F64 [4, 3]; model.0.bias F64 [4]; model.1.weight F64 [4]; "
                + "model.1.bias F64 [4]; model.1.running_mean F64 [4]; model.1.running_var F64 [4]; "
                + "model.1.num_batches_tracked I64 []"), h);
        assertTrue(h.startsWith("checkpoint.version F64 [1, 1]"), h);

        Random other = new Random(9);
        Sequential restored = new Sequential(new Linear(3, 4, true, other), new BatchNorm1d(4));
        Checkpoint.load(file, restored, new SGD(restored.parameters(), 0.1));
        assertSameBits(model.stateDict(), restored.stateDict(), "checkpoint");
    }

    @Test
    void theOlderOneByNFormsStillLoad() throws IOException {
        for (Family f : families(6)) {
            Module m = f.make().get();
            Map<String, Tensor> plain = new LinkedHashMap<>();
            // as ejgrad wrote them before: every tensor [rows, cols], the count F64 [1, 1]
            m.stateDict().forEach((k, v) -> plain.put(k, Tensor.from(v.toMatrix())));
            Path file = dir.resolve(f.name() + "-old.safetensors");
            SafeTensors.save(plain, file);
            assertFalse(header(file).contains("I64"), f.name());
            Module fresh = families(7).stream().filter(g -> g.name().equals(f.name())).findFirst().orElseThrow()
                    .make().get();
            fresh.loadStateDict(SafeTensors.load(file));
            assertSameBits(m.stateDict(), fresh.stateDict(), f.name());
        }
    }

    @Test
    void pyTorchsBatchNormFileWithItsInt64CountLoads() throws Exception {
        // written by tools/torch_interop/make_state_dicts.py: BatchNorm1d(3) after three training forwards
        Path file = Path.of(SavedShapesTest.class.getResource("/interop/torch_batchnorm1d.safetensors").toURI());
        assertEquals("bias F32 [3]; num_batches_tracked I64 []; running_mean F32 [3]; running_var F32 [3]; "
                + "weight F32 [3]", sortedHeader(file));
        JsonNode ref;
        try (InputStream in = SavedShapesTest.class.getResourceAsStream("/interop/torch_batchnorm1d.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        BatchNorm1d bn = new BatchNorm1d(3);
        bn.loadStateDict(SafeTensors.load(file));
        assertEquals(3, bn.numBatchesTracked());
        ref.get("state_dict").fields().forEachRemaining(e -> Golden.assertClose(e.getKey(), e.getValue(),
                bn.stateDict().get(e.getKey())));
        bn.eval();
        try (NoGrad scope = NoGrad.enter()) {
            Golden.assertClose("eval output", ref.get("output"), bn.forward(Golden.tensor(ref.get("inputs"))));
        }
        // and ejgrad writes it back as PyTorch's file holds it
        Path back = dir.resolve("bn.safetensors");
        SafeTensors.save(bn.stateDict(), back);
        assertEquals(sortedHeader(file).replace("F32", "F64"), sortedHeader(back));
    }

    /** The header's entries sorted by name (PyTorch's writer orders by dtype size, ejgrad by state-dict order). */
    private static String sortedHeader(Path file) throws IOException {
        List<String> entries = new ArrayList<>(List.of(header(file).split("; ")));
        entries.sort(null);
        return String.join("; ", entries);
    }

    @Test
    void integerTensorsLoadAsTheirValuesAndHigherRanksAsD0ByTheRest() throws Exception {
        // written by tools/torch_interop/make_state_dicts.py
        Path file = Path.of(SavedShapesTest.class.getResource("/interop/torch_ints.safetensors").toURI());
        assertEquals("big I64 [3]; count I64 []; i32 I32 [2, 2]; stack I64 [2, 1, 3]", sortedHeader(file));
        Map<String, Tensor> m = SafeTensors.load(file);
        assertArrayEquals(new double[][] {{7}}, m.get("count").toArray());
        // 2^53 + 1 has no double: it reads as the nearest, 2^53 (ties to even)
        assertArrayEquals(new double[][] {{-0x1p62, 0x1p53, -5}}, m.get("big").toArray());
        assertArrayEquals(new double[][] {{Integer.MIN_VALUE, Integer.MAX_VALUE}, {0, -1}}, m.get("i32").toArray());
        assertArrayEquals(new double[][] {{-2, -1, 0}, {1, 2, 3}}, m.get("stack").toArray());
    }

    @Test
    void aDeclaredShapeMustFitAndAnInt64CountMustHoldAnInteger() throws IOException {
        Tensor row = Tensor.row(1, 2, 3);
        assertEquals(TorchShape.of(3), row.withTorchShape(TorchShape.of(3)).torchShape());
        assertEquals(TorchShape.of(1, 3), row.torchShape(), "undeclared: [rows, cols]");
        assertEquals(TorchShape.of(3), row.withTorchShape(TorchShape.of(3)).detach().torchShape(), "detach keeps it");
        assertEquals(TorchShape.of(1, 3), row.withTorchShape(TorchShape.of(3)).mul(2).torchShape(), "an op drops it");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> row.withTorchShape(TorchShape.of(4)));
        assertEquals("withTorchShape: a 1x3 tensor cannot be held as [4], which reads as 1x4", e.getMessage());
        TorchShape conv = TorchShape.of(4, 2, 3, 3);
        assertEquals(4, conv.rows());
        assertEquals(18, conv.cols());
        assertEquals("[4, 2, 3, 3]", conv.toString());
        assertEquals("int64 []", TorchShape.int64Scalar().toString());

        class Bad extends Module {
            Bad() {
                registerParameter("bias", Tensor.zeros(1, 3).requiresGrad(true), TorchShape.of(3, 1));
            }

            @Override
            public Tensor forward(Tensor input) {
                return input;
            }
        }
        assertEquals("module: 'bias' is 1x3 but its PyTorch shape [3, 1] reads as 3x1",
                assertThrows(IllegalArgumentException.class, Bad::new).getMessage());

        Path file = dir.resolve("half.safetensors");
        Map<String, Tensor> half = Map.of("n", Tensor.scalar(2.5).withTorchShape(TorchShape.int64Scalar()));
        assertEquals("save: tensor 'n' is PyTorch's int64 (int64 []) but holds 2.5, not a 64-bit integer",
                assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(half, file)).getMessage());
        assertFalse(Files.exists(file), "nothing written");
    }
}
