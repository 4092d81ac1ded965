package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.loss.BCEWithLogitsLoss;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.Optimizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * An MLP with BatchNorm1d and Dropout learns the breast cancer data (569 x 30, UCI / scikit-learn, in the test
 * resources): trained in training mode on 80% of the rows with a fixed seed, evaluated in eval mode on the held-out
 * 20%. A model whose normalisation or dropout were broken (no running statistics, dropout left on or unscaled at
 * evaluation) would not reach the accuracy asserted here; the majority class alone gives 0.63.
 * 140 steps of Adam on batches of 64.
 */
class BreastCancerLearnsTest {

    private static final class Data {
        final double[][] x;
        final double[] y;

        Data(double[][] x, double[] y) {
            this.x = x;
            this.y = y;
        }
    }

    private static Data load() throws IOException {
        try (InputStream raw = BreastCancerLearnsTest.class.getResourceAsStream(
                "/data/breast-cancer/breast_cancer.csv.gz");
                BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                        StandardCharsets.UTF_8))) {
            in.readLine();   // 569,30,malignant,benign
            List<double[]> rows = new ArrayList<>();
            List<Double> labels = new ArrayList<>();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] f = line.split(",");
                double[] row = new double[30];
                for (int j = 0; j < 30; j++) {
                    row[j] = Double.parseDouble(f[j]);
                }
                rows.add(row);
                labels.add(Double.parseDouble(f[30]));
            }
            double[] y = new double[labels.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = labels.get(i);
            }
            return new Data(rows.toArray(new double[0][]), y);
        }
    }

    private static Tensor rows(double[][] x, List<Integer> idx) {
        double[][] out = new double[idx.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[idx.get(i)];
        }
        return Tensor.of(out);
    }

    private static Tensor labels(double[] y, List<Integer> idx) {
        double[] out = new double[idx.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = y[idx.get(i)];
        }
        return Tensor.column(out);
    }

    private static double accuracy(Tensor logits, Tensor y) {
        int right = 0;
        for (int i = 0; i < y.rows(); i++) {
            right += (logits.get(i, 0) > 0) == (y.get(i, 0) == 1) ? 1 : 0;
        }
        return right / (double) y.rows();
    }

    @Test
    void anMlpWithBatchNormAndDropoutLearnsBreastCancer() throws IOException {
        Data data = load();
        assertEquals(569, data.y.length);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < data.y.length; i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(14));
        List<Integer> trainIdx = order.subList(0, 455);
        List<Integer> testIdx = order.subList(455, 569);
        Tensor xTrain = rows(data.x, trainIdx);
        Tensor yTrain = labels(data.y, trainIdx);
        Tensor xTest = rows(data.x, testIdx);
        Tensor yTest = labels(data.y, testIdx);
        // the features span 1e-3 to 4e3; the first BatchNorm1d standardises them from the batch (no hand scaling)
        Random rng = new Random(2026);
        Sequential model = new Sequential(new BatchNorm1d(30), new Linear(30, 32, true, rng), new BatchNorm1d(32),
                new ReLU(), new Dropout(0.3, rng), new Linear(32, 1, true, rng));
        Optimizer opt = new Adam(model.parameters(), 0.01);
        BCEWithLogitsLoss loss = new BCEWithLogitsLoss();

        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        int steps = 0;
        List<Integer> batchOrder = new ArrayList<>();
        for (int i = 0; i < trainIdx.size(); i++) {
            batchOrder.add(i);
        }
        model.train();
        for (int epoch = 0; epoch < 20; epoch++) {
            Collections.shuffle(batchOrder, rng);
            for (int start = 0; start + 64 <= batchOrder.size(); start += 64) {
                int[] b = batchOrder.subList(start, start + 64).stream().mapToInt(Integer::intValue).toArray();
                opt.zeroGrad();
                Tensor l = loss.forward(model.forward(xTrain.indexSelect(0, b)), yTrain.indexSelect(0, b));
                l.backward();
                opt.step();
                firstLoss = steps == 0 ? l.item() : firstLoss;
                lastLoss = l.item();
                steps++;
            }
        }
        assertEquals(140, steps);
        BatchNorm1d bn = (BatchNorm1d) model.get(2);
        assertEquals(140, bn.numBatchesTracked());
        assertTrue(lastLoss < 0.3 * firstLoss, "loss " + firstLoss + " -> " + lastLoss);

        model.eval();
        Tensor testLogits;
        Tensor again;
        Tensor trainLogits;
        try (NoGrad scope = NoGrad.enter()) {
            testLogits = model.forward(xTest);
            again = model.forward(xTest);
            trainLogits = model.forward(xTrain);
        }
        // eval: dropout off and the running statistics used, so predictions are deterministic and change no state
        assertArrayEquals(testLogits.toArray(), again.toArray());
        assertEquals(140, bn.numBatchesTracked());
        double test = accuracy(testLogits, yTest);
        double train = accuracy(trainLogits, yTrain);
        assertTrue(test > 0.93, "test accuracy " + test);
        assertTrue(train > 0.95, "train accuracy " + train);
        // a single example can be classified in eval (training mode would refuse one row)
        assertEquals(1, model.forward(xTest.narrow(0, 0, 1)).rows());
    }
}
