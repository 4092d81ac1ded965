package dev.ejgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Every user error ends an example with one line on standard error and a non-zero code; --verbose adds the trace. */
class UserErrorsTest {

    @TempDir
    Path tmp;

    private record Outcome(int code, String out, String err) {

        /** The one line an error must print, after checking that it is the only one. */
        String line() {
            List<String> lines = err.lines().toList();
            assertEquals(1, lines.size(), "one line on standard error:\n" + err);
            assertFalse(err.contains("\tat "), err);
            return lines.get(0);
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

    @Test
    void aMissingMnistFolderIsOneLine() {
        Outcome o = run("mnist", "--data", tmp.resolve("nowhere").toString());
        assertEquals(1, o.code());
        String line = o.line();
        assertTrue(line.startsWith("mnist: ") && line.contains("train-images-idx3-ubyte") && line.contains("nowhere"),
                line);
    }

    @Test
    void malformedMnistFilesAreNamedOnOneLine() throws Exception {
        for (String f : dev.ejgrad.examples.data.Mnist.FILES) {
            Files.writeString(tmp.resolve(f.replace(".gz", "")), "not an IDX file");
        }
        String line = run("mnist", "--data", tmp.toString()).line();
        assertTrue(line.startsWith("mnist: " + tmp.resolve("train-images-idx3-ubyte")), line);
    }

    @Test
    void aDownloadWithoutNetworkIsOneLineAndLeavesNoFolderBehind() {
        Path target = tmp.resolve("new").resolve("mnist");
        Outcome o = run("mnist", "--download", target.toString(), "--mirror", "http://127.0.0.1:1");
        assertEquals(1, o.code());
        String line = o.line();
        assertTrue(line.contains("could not download train-images-idx3-ubyte.gz from any mirror (http://127.0.0.1:1/"
                + "train-images-idx3-ubyte.gz: cannot connect"), line);
        assertFalse(Files.exists(tmp.resolve("new")), "the folders the download created are removed again");
        assertTrue(Files.isDirectory(tmp));
    }

    @Test
    void badOptionsAreOneLineWithExitCode2() {
        for (String[] args : new String[][] {{"mnist", "--epochs", "many"}, {"mnist", "--optimizer", "rmsprop"},
            {"mnist", "--limit", "0"}, {"mnist", "--lr", "-1"}, {"mnist", "--bogus"}, {"why-cross-entropy", "--x"},
            {"mnist", "--mirror", "http://localhost/"}, {"mnist", "--data", "a", "--download", "b"},
            {"graph", "--out"}, {"no-such-command"}, {"mnist", "--dtype", "float16"},
            {"sequence-mnist", "--limit", "0"}}) {
            Outcome o = run(args);
            assertEquals(2, o.code(), String.join(" ", args) + ": " + o.err());
            String line = o.line();
            assertTrue(line.endsWith("lists the options)"), line);
        }
        assertTrue(run("mnist", "--epochs", "many").line().startsWith("mnist: Invalid value for option '--epochs'"));
        assertTrue(run("no-such-command").line().startsWith("ejgrad-examples: Unmatched argument"));
        String dtype = run("sequence-mnist", "--dtype", "half").line();
        assertTrue(dtype.startsWith("sequence-mnist: Invalid value for option '--dtype'") && dtype.contains("half")
                && dtype.contains("FLOAT32"), dtype);
    }

    @Test
    void multilabelTakesAFolderAndSaysSoWhenGivenAFile() throws Exception {
        Path file = Path.of("../../shared/data/multilabel-yeast/yeast-train.arff");
        String line = run("multilabel", "--data", file.toString()).line();
        assertTrue(line.contains("--data takes the folder") && line.contains("is a file (try --data "
                + file.getParent() + ")"), line);
        assertTrue(run("multilabel", "--data", tmp.toString()).line().contains("found none"));
        assertTrue(run("multilabel", "--data", tmp.resolve("absent").toString()).line()
                .endsWith("absent: no such file or folder"));
    }

    @Test
    void malformedArffNamesTheLine() throws Exception {
        Files.writeString(tmp.resolve("toy-train.arff"), "@relation toy\n@attribute a numeric\n"
                + "@attribute l {0,1}\n@data\n1,0\n2,x\n");
        Files.writeString(tmp.resolve("toy-test.arff"), "@relation toy\n@attribute a numeric\n"
                + "@attribute l {0,1}\n@data\n1,0\n");
        Outcome o = run("multilabel", "--data", tmp.toString());
        assertEquals(1, o.code());
        assertEquals("multilabel: " + tmp.resolve("toy-train.arff") + ", line 6: value 2 ('x', attribute l) is not a "
                + "number", o.line());
    }

    @Test
    void graphIntoAFileIsOneLine() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        String line = run("graph", "--out", file.toString()).line();
        assertEquals("graph: " + file + ": exists and is not a folder", line);
    }

    @Test
    void verboseAddsTheStackTrace() {
        Outcome o = run("mnist", "--verbose", "--data", tmp.resolve("nowhere").toString());
        assertEquals(1, o.code());
        assertTrue(o.err().startsWith("mnist: MNIST: neither "), o.err());
        assertTrue(o.err().contains("java.io.IOException: MNIST: neither") && o.err().contains("\tat dev.ejgrad."),
                o.err());
        Outcome bad = run("mnist", "--epochs", "many", "--verbose");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("\tat picocli."), bad.err());
    }

    @Test
    void anUnexpectedErrorSaysSoAndPointsToVerbose() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine().getSubcommands().get("mnist");
        cli.setErr(new PrintWriter(err));
        assertEquals(1, Main.failed(new NullPointerException("model"), cli, false));
        assertEquals("mnist: NullPointerException: model (an unexpected error; --verbose shows where)",
                err.toString().strip());
    }

    @Test
    void theProgramExitsWithTheCodeAndPrintsOnlyTheLine() throws Exception {
        Process p = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator
                + "java", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "mnist", "--data",
                tmp.resolve("nowhere").toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), err);
        assertEquals("", out);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("mnist: MNIST: neither "), err);
    }

    @Test
    void aBadWordListIsOneLine() throws Exception {
        String missing = run("bits-per-character", "--data", tmp.resolve("nowhere.txt").toString()).line();
        assertTrue(missing.startsWith("bits-per-character: ") && missing.contains("nowhere.txt")
                && missing.contains("no such file"), missing);
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'});
        Outcome o = run("bits-per-character", "--data", latin1.toString());
        assertEquals(1, o.code());
        assertTrue(o.line().contains("latin1.txt: not UTF-8 text"), o.line());
        Path few = tmp.resolve("few.txt");
        Files.writeString(few, "cat\ndog\n");
        String line = run("bits-per-character", "--data", few.toString()).line();
        assertTrue(line.contains("has 2 words of letters a-z") && line.contains("at least 20"), line);
    }
}
