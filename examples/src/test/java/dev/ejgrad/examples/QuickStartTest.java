package dev.ejgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickStartTest {

    @Test
    void theMlpLearnsTheQuadrantsAndTheReloadedCopyAgrees() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertEquals(5, lines.length, String.join("\n", lines));
        double finalLoss = Double.parseDouble(lines[3].replaceAll(".*loss ([0-9.]+).*", "$1"));
        double trained = Double.parseDouble(lines[3].replaceAll(".*accuracy ([0-9.]+).*", "$1"));
        double reloaded = Double.parseDouble(lines[4].replaceAll(".*accuracy ([0-9.]+).*", "$1"));
        assertTrue(finalLoss < 0.2, "loss " + finalLoss);
        assertTrue(trained >= 0.95, "accuracy " + trained);
        assertEquals(trained, reloaded, 0, "the reloaded model predicts as the trained one");
    }
}
