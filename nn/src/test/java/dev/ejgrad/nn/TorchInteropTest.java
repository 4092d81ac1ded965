package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.testing.Golden;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained in PyTorch and saved as PyTorch saves it by default (a float32 state_dict, made by
 * {@code tools/torch_interop/make_model.py}) loads straight into the matching ejgrad model and gives PyTorch's
 * outputs: exactly the float32 weights, and the outputs torch computes in float64 from them.
 */
class TorchInteropTest {

    @TempDir
    Path dir;

    private static JsonNode reference() throws Exception {
        try (InputStream in = TorchInteropTest.class.getResourceAsStream("/interop/torch_mlp.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static Sequential mlp() {
        Random rng = new Random(99);
        return new Sequential(new Linear(4, 8, true, rng), new ReLU(), new Linear(8, 3, true, rng));
    }

    @Test
    void aFloat32StateDictFromPyTorchLoadsStraightIn() throws Exception {
        JsonNode ref = reference();
        Path file = Path.of(TorchInteropTest.class.getResource("/interop/torch_mlp.safetensors").toURI());
        Map<String, Tensor> state = SafeTensors.load(file);
        Sequential model = mlp();
        model.loadStateDict(state);   // PyTorch's names and (1-D bias) shapes, unchanged

        for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
            Tensor expected = Golden.tensor(ref.get("weights").get(p.getKey()));
            double[] e = expected.toMatrix().data;
            double[] a = p.getValue().toMatrix().data;
            assertEquals(e.length, a.length, p.getKey());
            for (int i = 0; i < e.length; i++) {
                assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]), p.getKey() + "[" + i
                        + "] is torch's float32 weight, widened exactly");
                assertEquals(e[i], (double) (float) e[i], "a float32 value");
            }
        }

        Tensor x = Golden.tensor(ref.get("inputs"));
        Tensor out;
        try (NoGrad scope = NoGrad.enter()) {
            out = model.forward(x);
        }
        Golden.assertClose("outputs of model.double()(inputs)", ref.get("output64"), out);
        // and they are float64 arithmetic, not float32: the float32 outputs differ from them by far more
        Tensor out32 = Golden.tensor(ref.get("output32"));
        double gap = out.sub(out32).abs().max(0).max(1).item();
        assertTrue(gap > 1e-8 && gap < 1e-5, "float32 rounding of the outputs: " + gap);
        // the trained model classifies the way its training made it: the first input is nearest class 0's centre
        assertEquals(0, out.argmax(1)[0]);
    }

    @Test
    void aModelSavedAsF32ByEjgradReloadsAsFloat32Weights() throws Exception {
        Sequential model = mlp();
        Path file = dir.resolve("for_torch.safetensors");
        SafeTensors.save(model.stateDict(), file, SafeTensors.DType.F32);
        Sequential back = mlp();
        back.loadStateDict(SafeTensors.load(file));
        model.namedParameters().forEach((k, p) -> {
            double[] a = p.toMatrix().data;
            double[] b = back.namedParameters().get(k).toMatrix().data;
            for (int i = 0; i < a.length; i++) {
                assertEquals((double) (float) a[i], b[i], k);
            }
        });
    }
}
