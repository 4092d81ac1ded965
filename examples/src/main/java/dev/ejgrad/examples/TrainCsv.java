package dev.ejgrad.examples;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.data.Batch;
import dev.ejgrad.data.Csv;
import dev.ejgrad.data.DataLoader;
import dev.ejgrad.data.TensorDataset;
import dev.ejgrad.nn.BatchNorm1d;
import dev.ejgrad.nn.Checkpoint;
import dev.ejgrad.nn.Dropout;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.ReLU;
import dev.ejgrad.nn.SafeTensors;
import dev.ejgrad.nn.Sequential;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.AdamW;
import dev.ejgrad.optim.ReduceLROnPlateau;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import me.tongfei.progressbar.ProgressBar;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Trains a classifier on a numeric CSV: a seeded split into training, validation and test rows, features
 * standardised with the training rows' statistics, an MLP {@code d-hidden-classes} with BatchNorm1d, ReLU and
 * Dropout, AdamW with ReduceLROnPlateau on the validation loss, early stopping on the validation loss (the best
 * epoch's weights are kept), and a checkpoint after every epoch from which {@code --resume} continues exactly: a
 * run stopped and resumed ends with the weights of an uninterrupted one, bit for bit. With {@code --dtype float32}
 * the model (made in float64) is converted with {@code model.to(FLOAT32)} before the optimizer is made, and every
 * batch with {@code to(FLOAT32)}; the checkpoint then holds float32 weights and optimizer state.
 */
final class TrainCsv {

    /** The settings of a run. */
    static final class Settings {
        int epochs = 100;
        int batchSize = 32;
        int hidden = 32;
        double dropout = 0.2;
        double lr = 1e-2;
        double weightDecay = 1e-2;
        int patience = 15;
        double validation = 0.2;
        double test = 0.2;
        long seed = 1;
        /** The dtype the model is converted to and trained in; the rows are converted too. */
        DType dtype = DType.FLOAT64;
        Path out = Path.of("target", "ejgrad-train-csv");
        Path checkpoint;
        boolean resume;
        boolean progressBar;
        String dataSet = "data";

        Path checkpointFile() {
            return checkpoint != null ? checkpoint : out.resolve("checkpoint.safetensors");
        }

        /** What a checkpoint must have been made with for a resume to continue the same run. */
        Map<String, Double> identity(int rows) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("seed", (double) seed);
            m.put("rows", (double) rows);
            m.put("batch-size", (double) batchSize);
            m.put("validation", validation);
            m.put("test", test);
            m.put("dropout", dropout);
            m.put("lr", lr);
            m.put("weight-decay", weightDecay);
            m.put("patience", (double) patience);
            m.put("dtype", dtype == DType.FLOAT32 ? 32.0 : 64.0);
            return m;
        }
    }

    /** One epoch's numbers. */
    record Epoch(int epoch, double trainLoss, double valLoss, double valAccuracy, double lr, boolean best) {
    }

    /** Called after each epoch (also for the epochs a resumed run restored, with {@code restored} true). */
    interface Listener {
        void epoch(Epoch e, int epochs, boolean restored);
    }

    /** What a run produced. */
    static final class Result {
        final List<Epoch> history = new ArrayList<>();
        int startEpoch;
        int bestEpoch;
        double bestValLoss;
        double valAccuracy;
        double testAccuracy;
        int trainRows;
        int valRows;
        int testRows;
        boolean stoppedEarly;
        Path model;
        Path chart;
        Path checkpoint;
    }

    private TrainCsv() {
    }

    /** The seeded split: a permutation of the rows, then the test rows, the validation rows, the training rows. */
    record Split(TensorDataset train, TensorDataset val, TensorDataset test) {
    }

    static Split split(Csv.Table table, Settings s) {
        int n = table.labels().length;
        int nTest = (int) Math.round(n * s.test);
        int nVal = (int) Math.round(n * s.validation);
        int nTrain = n - nTest - nVal;
        if (nTest < 1 || nVal < 1 || nTrain < 2) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%d rows are too few to split into "
                    + "training (%d, at least 2), validation (%d, at least 1) and test (%d, at least 1) rows; change "
                    + "--validation or --test", n, nTrain, nVal, nTest));
        }
        if (table.classes().size() < 2) {
            throw new IllegalArgumentException("the target column has only one class (" + table.classes()
                    + "); a classifier needs at least two");
        }
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random rng = new Random(s.seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        TensorDataset all = table.dataset();
        Batch test = all.batch(java.util.Arrays.copyOfRange(order, 0, nTest));
        Batch val = all.batch(java.util.Arrays.copyOfRange(order, nTest, nTest + nVal));
        Batch train = all.batch(java.util.Arrays.copyOfRange(order, nTest + nVal, n));
        // standardise with the training rows' statistics only, so nothing of the held-out rows leaks into training
        Standardizer standardizer = Standardizer.fit(train.features());
        return new Split(standardised(train, standardizer), standardised(val, standardizer),
                standardised(test, standardizer));
    }

    private static TensorDataset standardised(Batch b, Standardizer standardizer) {
        return new TensorDataset(standardizer.apply(b.features()), b.labels());
    }

    static Result run(Csv.Table table, Settings s, Listener listener) throws IOException {
        Split split = split(table, s);
        int d = table.features().cols();
        int classes = table.classes().size();
        Random init = new Random(s.seed + 1);
        Random dropoutRng = new Random();
        Sequential model = new Sequential(new Linear(d, s.hidden, true, init), new BatchNorm1d(s.hidden),
                new ReLU(), new Dropout(s.dropout, dropoutRng), new Linear(s.hidden, classes, true, init));
        model.to(s.dtype);
        AdamW opt = new AdamW(model.parameters(), s.lr).weightDecay(s.weightDecay);
        ReduceLROnPlateau sched = new ReduceLROnPlateau(opt, ReduceLROnPlateau.Mode.MIN, 0.5,
                Math.max(1, s.patience / 3), 1e-4, ReduceLROnPlateau.ThresholdMode.REL, 0, 1e-5, 1e-8);
        CrossEntropyLoss lossFn = new CrossEntropyLoss();
        int nTrain = split.train().size();
        // a batch norm cannot normalise a batch of one row: drop a last batch that would be one
        DataLoader loader = new DataLoader(split.train(), s.batchSize).shuffle(s.seed + 2)
                .dropLast(nTrain % s.batchSize == 1);

        Result r = new Result();
        r.trainRows = nTrain;
        r.valRows = split.val().size();
        r.testRows = split.test().size();
        r.checkpoint = s.checkpointFile();
        Map<String, Tensor> best = model.stateDict();
        r.bestValLoss = Double.POSITIVE_INFINITY;
        int badEpochs = 0;
        Map<String, Double> identity = s.identity(table.labels().length);
        if (s.resume) {
            if (!Files.exists(r.checkpoint)) {
                throw new IllegalArgumentException("--resume: no checkpoint to resume from at " + r.checkpoint
                        + " (run once without --resume, or give --checkpoint)");
            }
            Map<String, Tensor> extra = Checkpoint.extra(r.checkpoint);
            checkIdentity(r.checkpoint, identity, extra);
            Checkpoint.load(r.checkpoint, model, opt, sched);
            r.startEpoch = (int) extra.get("epoch").item();
            r.bestEpoch = (int) extra.get("best_epoch").item();
            r.bestValLoss = extra.get("best_val_loss").item();
            badEpochs = (int) extra.get("bad_epochs").item();
            Tensor h = extra.get("history");
            for (int i = 0; i < h.rows(); i++) {
                Epoch e = new Epoch(i + 1, h.get(i, 0), h.get(i, 1), h.get(i, 2), h.get(i, 3), h.get(i, 4) != 0);
                r.history.add(e);
                listener.epoch(e, s.epochs, true);
            }
            best = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : extra.entrySet()) {
                if (e.getKey().startsWith("best.")) {
                    best.put(e.getKey().substring(5), e.getValue());
                }
            }
        }
        r.stoppedEarly = badEpochs >= s.patience;
        Files.createDirectories(s.out);
        if (r.checkpoint.toAbsolutePath().getParent() != null) {
            Files.createDirectories(r.checkpoint.toAbsolutePath().getParent());
        }
        for (int epoch = r.startEpoch + 1; epoch <= s.epochs && !r.stoppedEarly; epoch++) {
            model.train();
            // the dropout masks are a function of the seed and the epoch, so a resumed run draws the same ones
            dropoutRng.setSeed(s.seed * 1_000_003L + epoch);
            loader.setEpoch(epoch - 1);
            double sum = 0;
            int seen = 0;
            try (ProgressBar bar = s.progressBar ? TrainingChart.progressBar(epoch, s.epochs, loader.batches()) : null) {
                for (Batch b : loader) {
                    opt.zeroGrad();
                    Tensor loss = lossFn.forward(model.forward(b.features().to(s.dtype)), b.labels());
                    loss.backward();
                    opt.step();
                    sum += loss.item() * b.size();
                    seen += b.size();
                    if (bar != null) {
                        bar.step();
                        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", sum / seen));
                    }
                }
            }
            double lr = opt.lr();
            double[] val = evaluate(model, split.val(), lossFn, s.dtype);
            sched.step(val[0]);
            boolean improved = val[0] < r.bestValLoss;
            if (improved) {
                r.bestValLoss = val[0];
                r.bestEpoch = epoch;
                best = model.stateDict();
                badEpochs = 0;
            } else {
                badEpochs++;
            }
            r.stoppedEarly = badEpochs >= s.patience;
            Epoch e = new Epoch(epoch, sum / seen, val[0], val[1], lr, improved);
            r.history.add(e);
            listener.epoch(e, s.epochs, false);
            Checkpoint.save(r.checkpoint, model, opt, sched, extra(identity, r, badEpochs, best));
        }
        // the model of the best epoch is the one early stopping chose
        model.loadStateDict(best);
        r.valAccuracy = evaluate(model, split.val(), lossFn, s.dtype)[1];
        r.testAccuracy = evaluate(model, split.test(), lossFn, s.dtype)[1];
        r.model = s.out.resolve("model.safetensors");
        SafeTensors.save(best, r.model);
        r.chart = s.out.resolve("train-csv.png");
        TrainingChart.save(chart(r, String.format(Locale.ROOT, "%s (%d training, %d validation rows): MLP %d-%d-%d, "
                + "BatchNorm, Dropout %s, AdamW", s.dataSet, r.trainRows, r.valRows, d, s.hidden, classes,
                trim(s.dropout))), r.chart);
        return r;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static Map<String, Tensor> extra(Map<String, Double> identity, Result r, int badEpochs,
            Map<String, Tensor> best) {
        Map<String, Tensor> extra = new LinkedHashMap<>();
        identity.forEach((k, v) -> extra.put("run." + k, Tensor.scalar(v)));
        extra.put("epoch", Tensor.scalar(r.history.size()));
        extra.put("best_epoch", Tensor.scalar(r.bestEpoch));
        extra.put("best_val_loss", Tensor.scalar(r.bestValLoss));
        extra.put("bad_epochs", Tensor.scalar(badEpochs));
        double[] h = new double[r.history.size() * 5];
        for (int i = 0; i < r.history.size(); i++) {
            Epoch e = r.history.get(i);
            System.arraycopy(new double[] {e.trainLoss(), e.valLoss(), e.valAccuracy(), e.lr(), e.best() ? 1 : 0},
                    0, h, 5 * i, 5);
        }
        extra.put("history", Tensor.of(r.history.size(), 5, h));
        best.forEach((k, v) -> extra.put("best." + k, v));
        return extra;
    }

    /** A resume must continue the same run: the same data size, split, seed and training settings. */
    private static void checkIdentity(Path file, Map<String, Double> identity, Map<String, Tensor> extra) {
        for (String k : List.of("epoch", "best_epoch", "best_val_loss", "bad_epochs", "history")) {
            if (!extra.containsKey(k)) {
                throw new IllegalArgumentException("--resume: " + file + " is a checkpoint of another program (it "
                        + "has no " + k + ")");
            }
        }
        identity.forEach((k, v) -> {
            Tensor t = extra.get("run." + k);
            if (t == null || t.item() != v) {
                throw new IllegalArgumentException("--resume: " + file + " was made " + (t == null ? "without --" + k
                        : setting(k, t.item())) + ", not " + setting(k, v).replaceFirst("^(with|on) ", "") + "; resume with the settings "
                        + "it was made with, or start afresh without --resume");
            }
        });
    }

    private static String setting(String key, double v) {
        return key.equals("rows") ? "on " + trim(v) + " rows" : key.equals("dtype") ? "with --dtype float" + trim(v)
                : "with --" + key + " " + trim(v);
    }

    /**
     * The mean cross-entropy and the accuracy of the model (in evaluation mode) on a data set, its rows given in
     * {@code dtype}.
     */
    static double[] evaluate(Sequential model, TensorDataset data, CrossEntropyLoss lossFn, DType dtype) {
        model.eval();
        try (NoGrad scope = NoGrad.enter()) {
            Tensor logits = model.forward(data.features().to(dtype));
            int[] labels = data.labels();
            int[] predicted = logits.argmax(1);
            int correct = 0;
            for (int i = 0; i < labels.length; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
            return new double[] {lossFn.forward(logits, labels).item(), (double) correct / labels.length};
        } finally {
            model.train();
        }
    }

    private static final Color VAL_COLOR = new Color(0x2a, 0x8a, 0x4a);

    /**
     * The chart of a run: the training and validation losses (left axis, from zero) and the validation error in %
     * (right axis, from zero), per epoch, with the epoch early stopping chose marked on the validation loss.
     */
    static XYChart chart(Result r, String title) {
        int n = r.history.size();
        double[] epochs = new double[n];
        double[] train = new double[n];
        double[] val = new double[n];
        double[] error = new double[n];
        for (int i = 0; i < n; i++) {
            Epoch e = r.history.get(i);
            epochs[i] = e.epoch();
            train[i] = e.trainLoss();
            val[i] = e.valLoss();
            error[i] = 100 * (1 - e.valAccuracy());
        }
        XYChart chart = TrainingChart.chart(title, n, 14f);
        chart.getStyler().setMarkerSize(5);
        TrainingChart.addSeries(chart, "training loss (mean cross-entropy, dropout on), left axis", epochs, train, 0,
                TrainingChart.LOSS_COLOR, SeriesMarkers.CIRCLE, SeriesLines.SOLID);
        TrainingChart.addSeries(chart, "validation loss, left axis", epochs, val, 0, VAL_COLOR, SeriesMarkers.CIRCLE,
                SeriesLines.SOLID);
        TrainingChart.addSeries(chart, "validation error (% misclassified), right axis", epochs, error, 1,
                TrainingChart.ERROR_COLOR, SeriesMarkers.CIRCLE, SeriesLines.DASH_DASH);
        if (r.bestEpoch > 0) {
            XYSeries b = chart.addSeries("epoch kept by early stopping (" + r.bestEpoch + ")",
                    new double[] {r.bestEpoch}, new double[] {r.history.get(r.bestEpoch - 1).valLoss()});
            b.setYAxisGroup(0);
            b.setMarker(SeriesMarkers.DIAMOND);
            b.setMarkerColor(Color.BLACK);
            b.setLineStyle(SeriesLines.NONE);
        }
        chart.setYAxisGroupTitle(0, "loss");
        chart.setYAxisGroupTitle(1, "validation error (%)");
        TrainingChart.fitYAxes(chart, Math.max(TrainingChart.max(train), TrainingChart.max(val)),
                TrainingChart.max(error), null);
        return chart;
    }
}
