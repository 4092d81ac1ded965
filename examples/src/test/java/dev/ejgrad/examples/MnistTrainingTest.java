package dev.ejgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.examples.data.Mnist;
import dev.ejgrad.nn.SafeTensors;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A smoke test of the mnist job on a small slice: it learns, saves loadable weights and a chart, repeatably. */
class MnistTrainingTest {

    @TempDir
    Path dir;

    private MnistTraining.Result train(Path out, List<String> lines) throws Exception {
        MnistTraining.Settings s = new MnistTraining.Settings();
        s.epochs = 2;
        s.hidden = 32;
        s.batchSize = 50;
        s.out = out;
        return MnistTraining.run(Mnist.embedded().limit(500, 200), s,
                (epoch, total, loss, acc, speed) -> lines.add(epoch + " " + loss + " " + acc));
    }

    @Test
    void trainsSavesAndRepeats() throws Exception {
        List<String> first = new ArrayList<>();
        MnistTraining.Result r = train(dir.resolve("a"), first);
        assertEquals(2, r.losses.size());
        assertTrue(r.losses.get(1) < r.losses.get(0), "the loss falls: " + r.losses);
        assertTrue(r.accuracies.get(1) > 0.5, "better than chance by far: " + r.accuracies);

        Map<String, Tensor> weights = SafeTensors.load(r.weights);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(weights.keySet()));
        assertEquals(784, weights.get("0.weight").cols());
        assertEquals(10, weights.get("2.weight").rows());

        BufferedImage chart = ImageIO.read(r.chart.toFile());
        assertNotNull(chart, "the chart is a readable PNG");
        assertEquals(800, chart.getWidth());

        List<String> second = new ArrayList<>();
        train(dir.resolve("b"), second);
        assertEquals(first, second, "the same seed prints the same numbers");
    }
}
