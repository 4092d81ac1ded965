package dev.ejgrad.examples;

import dev.ejgrad.data.Csv;
import dev.ejgrad.examples.data.Embedded;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** The {@code train-csv} subcommand: train a classifier on any numeric CSV, with checkpoints and early stopping. */
@Command(name = "train-csv", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a classifier (MLP with BatchNorm1d and Dropout, AdamW, ReduceLROnPlateau) on a numeric "
            + "CSV, with a seeded training/validation/test split, features standardised on the training rows, early "
            + "stopping on the validation loss and a checkpoint after every epoch that --resume continues from.",
            "Without --data it uses the breast-cancer set shipped with the examples (569 rows, 30 features)."})
final class TrainCsvCommand implements Callable<Integer> {

    /** What the first line of the CSV is. */
    enum HeaderKind {
        /** NAMES if the first line is column names, SKLEARN if it is scikit-learn's "rows,features,classes...". */
        AUTO, NAMES, SKLEARN, NONE
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "FILE", description = "A CSV of numeric features and a label column.")
    Path data;

    @Option(names = "--target", paramLabel = "COLUMN",
            description = "The label column: its header name, or its 0-based index (default: the last column).")
    String target;

    @Option(names = "--header", defaultValue = "auto", description = "What the first line is: auto, names, sklearn "
            + "(scikit-learn's 'rows,features,class names') or none (default: ${DEFAULT-VALUE}).")
    HeaderKind header;

    @Option(names = "--epochs", defaultValue = "100",
            description = "At most this many passes over the training rows (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience", defaultValue = "15", description = "Stop after this many epochs without a lower "
            + "validation loss; the learning rate halves after a third as many (default: ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--batch-size", defaultValue = "32", description = "Rows per step (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--hidden", defaultValue = "32", description = "Hidden units (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--dropout", defaultValue = "0.2", description = "Dropout probability (default: ${DEFAULT-VALUE}).")
    double dropout;

    @Option(names = "--lr", defaultValue = "0.01", description = "AdamW's learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--weight-decay", defaultValue = "0.01",
            description = "AdamW's weight decay (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--validation", defaultValue = "0.2", paramLabel = "FRACTION",
            description = "Fraction of the rows held out for early stopping (default: ${DEFAULT-VALUE}).")
    double validation;

    @Option(names = "--test", defaultValue = "0.2", paramLabel = "FRACTION",
            description = "Fraction of the rows held out for the final accuracy (default: ${DEFAULT-VALUE}).")
    double test;

    @Option(names = "--seed", defaultValue = "1",
            description = "Seed for the split, the initial weights, the shuffling and the dropout masks.")
    long seed;

    @Option(names = "--out", defaultValue = "target/ejgrad-train-csv", paramLabel = "DIR",
            description = "Where to write the best model and the chart (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "The checkpoint written after every epoch (default: DIR/checkpoint.safetensors).")
    Path checkpoint;

    @Mixin
    DTypeOption dtype;

    @Option(names = "--resume", description = "Continue the run saved in the checkpoint (same data and settings; "
            + "--epochs may be raised).")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        if (epochs < 1 || patience < 1 || batchSize < 2 || hidden < 1) {
            throw new ParameterException(spec.commandLine(), "--epochs, --patience and --hidden must be at least 1, "
                    + "--batch-size at least 2");
        }
        if (!(dropout >= 0 && dropout < 1) || !(lr > 0) || !(weightDecay >= 0) || !(validation > 0)
                || !(test > 0) || !(validation + test < 1)) {
            throw new ParameterException(spec.commandLine(), "--dropout must be in [0, 1), --lr positive, "
                    + "--weight-decay at least 0, and --validation and --test positive with a sum below 1");
        }
        if (data == null && (target != null || header != HeaderKind.AUTO)) {
            throw new ParameterException(spec.commandLine(), "--target and --header describe the file of --data");
        }
        Csv.Table table = data == null ? Embedded.csv("breast-cancer/breast_cancer.csv") : read(data);
        TrainCsv.Settings s = new TrainCsv.Settings();
        s.epochs = epochs;
        s.patience = patience;
        s.batchSize = batchSize;
        s.hidden = hidden;
        s.dropout = dropout;
        s.lr = lr;
        s.weightDecay = weightDecay;
        s.validation = validation;
        s.test = test;
        s.seed = seed;
        s.out = out;
        s.checkpoint = checkpoint;
        s.resume = resume;
        s.dtype = dtype.dtype;
        s.progressBar = System.console() != null;
        s.dataSet = data == null ? "breast cancer (shipped)" : data.getFileName().toString();
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "%s: %d rows, %d features, %d classes %s%n", data == null
                ? "embedded breast-cancer set" : data, table.labels().length, table.features().cols(),
                table.classes().size(), table.classes());
        o.printf(Locale.ROOT, "MLP %d-%d-%d (BatchNorm1d, ReLU, Dropout %s), %s, AdamW lr %s weight decay %s, "
                + "ReduceLROnPlateau, batch %d, patience %d, seed %d%n", table.features().cols(), hidden,
                table.classes().size(), dropout, dtype.label(), lr, weightDecay, batchSize, patience, seed);
        o.flush();
        int[] restoredEpochs = {0};
        boolean[] announced = {!resume};
        TrainCsv.Result r = TrainCsv.run(table, s, (e, total, restored) -> {
            if (restored) {
                restoredEpochs[0] = e.epoch();
                return;
            }
            if (!announced[0]) {
                announced[0] = true;
                o.printf(Locale.ROOT, "resumed after epoch %d from %s%n", restoredEpochs[0], s.checkpointFile());
            }
            o.printf(Locale.ROOT, "epoch %d/%d  loss %.4f  val loss %.4f  val accuracy %.2f%%  lr %.3g%s%n",
                    e.epoch(), total, e.trainLoss(), e.valLoss(), 100 * e.valAccuracy(), e.lr(),
                    e.best() ? "  *" : "");
            o.flush();
        });
        if (!announced[0]) {
            o.printf(Locale.ROOT, "resumed after epoch %d from %s: nothing left to train%n", r.startEpoch,
                    r.checkpoint);
        }
        if (r.stoppedEarly) {
            o.printf(Locale.ROOT, "early stop: no lower validation loss in the last %d epochs%n", patience);
        }
        o.printf(Locale.ROOT, "best epoch %d: val loss %.4f, val accuracy %.2f%% (%d rows), test accuracy %.2f%% "
                + "(%d rows)%n", r.bestEpoch, r.bestValLoss, 100 * r.valAccuracy, r.valRows, 100 * r.testAccuracy,
                r.testRows);
        o.println("model:      " + r.model);
        o.println("chart:      " + r.chart);
        o.println("checkpoint: " + r.checkpoint);
        o.flush();
        return 0;
    }

    private Csv.Table read(Path file) throws IOException {
        Csv.Header h = header == HeaderKind.NAMES ? Csv.Header.NAMES : header == HeaderKind.SKLEARN
                ? Csv.Header.SKLEARN : header == HeaderKind.NONE ? Csv.Header.NONE : detect(file);
        Csv reader = Csv.reader().header(h);
        if (target != null) {
            String t = target.trim();
            if (!t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() < 10) {
                reader = reader.target(Integer.parseInt(t));
            } else if (h == Csv.Header.NAMES) {
                reader = reader.target(target);
            } else {
                throw new IllegalArgumentException("--target " + target + ": " + file + " has no header of names ("
                        + h.name().toLowerCase(Locale.ROOT) + "); give the label column's 0-based index");
            }
        }
        return reader.read(file);
    }

    /** scikit-learn's layout if the first line is "rows,features,name,..." with whole numbers, else names. */
    private static Csv.Header detect(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            if (first == null) {
                return Csv.Header.NAMES;   // the reader reports the empty file
            }
            String[] f = first.replace("\uFEFF", "").split(",", -1);
            return f.length >= 3 && f[0].trim().matches("\\d+") && f[1].trim().matches("\\d+")
                    ? Csv.Header.SKLEARN : Csv.Header.NAMES;
        } catch (java.nio.charset.MalformedInputException e) {
            return Csv.Header.NAMES;
        }
    }
}
