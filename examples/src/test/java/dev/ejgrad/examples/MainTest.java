package dev.ejgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

    @Test
    void helpListsEverySubcommand() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        assertEquals(0, cli.execute("--help"));
        for (String name : new String[] {"mnist", "why-cross-entropy", "four-losses", "kl-vs-cross-entropy",
            "logistic-regression", "multilabel", "mse-as-likelihood", "fisher-information", "likelihoods",
            "bits-per-character", "explain-losses", "graph", "quickstart", "train-csv"}) {
            assertTrue(out.toString().contains(name), name + " in\n" + out);
        }
    }

    @Test
    void aBadOptionIsReportedWithAnErrorCode() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("mnist", "--epochs", "many"));
        assertTrue(err.toString().contains("--epochs"), err.toString());
        assertEquals(2, cli.execute("mnist", "--optimizer", "rmsprop"));
        assertTrue(err.toString().contains("rmsprop") && err.toString().contains("ADAM"), err.toString());
        assertEquals(2, cli.execute("mnist", "--lr-decay", "1.5"));
        assertTrue(err.toString().contains("--lr-decay in (0, 1]"), err.toString());
    }
}
