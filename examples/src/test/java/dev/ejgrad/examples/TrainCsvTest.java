package dev.ejgrad.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.Checkpoint;
import dev.ejgrad.nn.SafeTensors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** train-csv: learns the shipped and a given CSV, resumes exactly, and reports bad input on one line. */
class TrainCsvTest {

    @TempDir
    Path tmp;

    private record Outcome(int code, String out, String err) {

        String line() {
            List<String> lines = err.lines().toList();
            assertEquals(1, lines.size(), "one line on standard error:\n" + err);
            assertFalse(err.contains("\tat "), err);
            return lines.get(0);
        }

        double accuracy(String which) {
            Matcher m = Pattern.compile(which + " accuracy ([0-9.]+)% \\(").matcher(out);
            assertTrue(m.find(), out);
            return Double.parseDouble(m.group(1)) / 100;
        }
    }

    private static Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Outcome(code, out.toString(), err.toString());
    }

    private Outcome ok(String... args) {
        Outcome o = run(args);
        assertEquals(0, o.code(), o.err());
        assertEquals("", o.err());
        return o;
    }

    @ParameterizedTest
    @ValueSource(strings = {"float64", "float32"})
    void learnsTheShippedBreastCancerSet(String dtype) throws Exception {
        Path out = tmp.resolve("bc");
        Outcome o = ok("train-csv", "--out", out.toString(), "--dtype", dtype);
        assertTrue(o.out().startsWith("embedded breast-cancer set: 569 rows, 30 features, 2 classes [malignant, "
                + "benign]"), o.out());
        assertTrue(o.out().contains("\nMLP 30-32-2 (BatchNorm1d, ReLU, Dropout 0.2), " + dtype + ", AdamW lr 0.01 "),
                o.out());
        assertTrue(o.out().contains("epoch 1/100  loss "), o.out());
        assertTrue(o.accuracy("test") > 0.9, o.out());
        assertTrue(o.accuracy("val") > 0.9, o.out());
        for (String f : new String[] {"model.safetensors", "train-csv.png", "checkpoint.safetensors"}) {
            assertTrue(Files.size(out.resolve(f)) > 1000, f);
        }
        byte[] png = Files.readAllBytes(out.resolve("train-csv.png"));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertTrue(SafeTensors.load(out.resolve("model.safetensors")).containsKey("1.running_mean"));
        String header = new String(Files.readAllBytes(out.resolve("model.safetensors")), 0, 400,
                java.nio.charset.StandardCharsets.ISO_8859_1);
        String saved = dtype.equals("float32") ? "F32" : "F64";
        assertTrue(header.contains("\"0.weight\":{\"dtype\":\"" + saved + "\""), "the model is saved in " + saved
                + ": " + header);
    }

    /** Two Gaussian blobs in 3 features, the label in the middle column, named classes. */
    private Path blobs() throws Exception {
        Random rng = new Random(5);
        StringBuilder sb = new StringBuilder("x1,x2,kind,x3\n");
        for (int i = 0; i < 120; i++) {
            boolean b = i % 2 == 0;
            double shift = b ? 1.5 : -1.5;
            sb.append(String.format(Locale.ROOT, "%.6f,%.6f,%s,%.6f%n", 100 + 10 * (rng.nextGaussian() + shift),
                    rng.nextGaussian() - shift, b ? "yes" : "no", 0.01 * rng.nextGaussian()));
        }
        return Files.writeString(tmp.resolve("blobs.csv"), sb);
    }

    @Test
    void learnsACsvGivenByPathWithANamedTarget() throws Exception {
        Outcome o = ok("train-csv", "--data", blobs().toString(), "--target", "kind", "--out",
                tmp.resolve("o").toString(), "--epochs", "30");
        assertTrue(o.out().contains("120 rows, 3 features, 2 classes [no, yes]"), o.out());
        assertTrue(o.accuracy("test") > 0.9, o.out());
    }

    @Test
    void learnsIrisInScikitLearnsLayoutByItself() {
        Outcome o = ok("train-csv", "--data", "../../shared/data/iris/iris.csv", "--out", tmp.toString(),
                "--epochs", "40");
        assertTrue(o.out().contains("150 rows, 4 features, 3 classes [setosa, versicolor, virginica]"), o.out());
        assertTrue(o.accuracy("test") > 0.85, o.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"float64", "float32"})
    void aResumedRunEndsBitIdenticalToAnUninterruptedOne(String dtype) throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        String data = blobs().toString();
        String target = "kind";
        Outcome straight = ok("train-csv", "--data", data, "--target", target, "--out", a.toString(), "--epochs", "8", "--patience",
                "100", "--dtype", dtype);
        Outcome first = ok("train-csv", "--data", data, "--target", target, "--out", b.toString(), "--epochs", "4", "--patience", "100",
                "--dtype", dtype);
        assertTrue(first.out().contains("epoch 4/4") && !first.out().contains("resumed"), first.out());
        Outcome rest = ok("train-csv", "--data", data, "--target", target, "--out", b.toString(), "--epochs", "8", "--patience", "100",
                "--resume", "--dtype", dtype);
        assertFalse(rest.out().contains("epoch 4/8"), rest.out());
        assertTrue(rest.out().contains("epoch 5/8") && rest.out().contains("resumed after epoch 4 from "),
                rest.out());
        // the epochs after the checkpoint print the same numbers, and the final line is the same
        for (int e = 5; e <= 8; e++) {
            assertEquals(line(straight.out(), "epoch " + e + "/8"), line(rest.out(), "epoch " + e + "/8"));
        }
        assertEquals(line(straight.out(), "best epoch"), line(rest.out(), "best epoch"));
        assertBitIdentical(SafeTensors.load(a.resolve("model.safetensors")),
                SafeTensors.load(b.resolve("model.safetensors")));
        assertBitIdentical(SafeTensors.load(a.resolve("checkpoint.safetensors")),
                SafeTensors.load(b.resolve("checkpoint.safetensors")));
        assertEquals(8.0, Checkpoint.extra(b.resolve("checkpoint.safetensors")).get("epoch").item());
        assertTrue(rest.out().indexOf("resumed after epoch 4") < rest.out().indexOf("epoch 5/8"), rest.out());
        Outcome again = ok("train-csv", "--data", data, "--target", target, "--out", b.toString(), "--epochs", "8",
                "--patience", "100", "--resume", "--dtype", dtype);
        assertTrue(again.out().contains("resumed after epoch 8 from " + b.resolve("checkpoint.safetensors")
                + ": nothing left to train"), again.out());
        assertEquals(line(straight.out(), "best epoch"), line(again.out(), "best epoch"));
    }

    private static String line(String text, String start) {
        return text.lines().filter(l -> l.startsWith(start)).findFirst().orElseThrow(() ->
                new AssertionError("no line '" + start + "' in\n" + text));
    }

    private static void assertBitIdentical(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((k, e) -> assertArrayEquals(e.toMatrix().data, actual.get(k).toMatrix().data, 0.0, k));
    }

    @Test
    void badInputIsOneLine() throws Exception {
        String out = tmp.resolve("o").toString();
        Outcome missing = run("train-csv", "--data", tmp.resolve("none.csv").toString(), "--out", out);
        assertEquals(1, missing.code());
        assertEquals("train-csv: " + tmp.resolve("none.csv") + ": no such file or folder", missing.line());

        Path bad = Files.writeString(tmp.resolve("bad.csv"), "a,b,y\n1,2,0\n3,x,1\n");
        assertEquals("train-csv: " + bad + ", line 3, column 2 ('b'): 'x' is not a number",
                run("train-csv", "--data", bad.toString(), "--out", out).line());

        String line = run("train-csv", "--data", blobs().toString(), "--target", "colour", "--out", out).line();
        assertTrue(line.startsWith("train-csv: ") && line.contains("no column named 'colour'"), line);

        Path one = Files.writeString(tmp.resolve("one.csv"), "a,y\n1,k\n2,k\n3,k\n4,k\n5,k\n6,k\n");
        line = run("train-csv", "--data", one.toString(), "--out", out).line();
        assertTrue(line.contains("only one class ([k])"), line);

        Path tiny = Files.writeString(tmp.resolve("tiny.csv"), "a,y\n1,0\n2,1\n");
        line = run("train-csv", "--data", tiny.toString(), "--out", out).line();
        assertTrue(line.contains("2 rows are too few to split"), line);

        line = run("train-csv", "--data", blobs().toString(), "--target", "kind", "--resume", "--out",
                tmp.resolve("fresh").toString()).line();
        assertTrue(line.contains("no checkpoint to resume from at "), line);
    }

    @Test
    void aResumeWithOtherSettingsOrAnotherModelIsOneLine() throws Exception {
        String data = blobs().toString();
        String target = "kind";
        String out = tmp.resolve("o").toString();
        ok("train-csv", "--data", data, "--target", target, "--out", out, "--epochs", "2");
        Path ckpt = tmp.resolve("o").resolve("checkpoint.safetensors");
        byte[] before = Files.readAllBytes(ckpt);
        Outcome seed = run("train-csv", "--data", data, "--target", target, "--out", out, "--epochs", "3", "--resume", "--seed", "2");
        assertEquals(1, seed.code());
        assertTrue(seed.line().contains("was made with --seed 1, not --seed 2; resume with the settings"), seed.line());
        Outcome dtype = run("train-csv", "--data", data, "--target", target, "--out", out, "--epochs", "3", "--resume",
                "--dtype", "float32");
        assertEquals(1, dtype.code());
        assertTrue(dtype.line().contains("was made with --dtype float64, not --dtype float32; resume with the settings"),
                dtype.line());
        String line = run("train-csv", "--data", data, "--target", target, "--out", out, "--epochs", "3", "--resume", "--hidden", "8")
                .line();
        assertTrue(line.contains("is for another model") && line.contains("'0.weight' is 32x3 but the model's is 8x3"),
                line);
        assertArrayEquals(before, Files.readAllBytes(ckpt), "a refused resume leaves the checkpoint as it was");
    }

    @Test
    void badOptionsAreOneLineWithExitCode2() {
        for (String[] args : new String[][] {{"train-csv", "--epochs", "0"}, {"train-csv", "--patience", "0"},
            {"train-csv", "--validation", "0.6", "--test", "0.5"}, {"train-csv", "--dropout", "1"},
            {"train-csv", "--target", "y"}, {"train-csv", "--header", "xml", "--data", "a.csv"},
            {"train-csv", "--dtype", "float16"}}) {
            Outcome o = run(args);
            assertEquals(2, o.code(), String.join(" ", args) + ": " + o.err());
            assertTrue(o.line().startsWith("train-csv: ") && o.line().endsWith("lists the options)"), o.line());
        }
    }
}
