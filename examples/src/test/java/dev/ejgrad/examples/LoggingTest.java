package dev.ejgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A training loop logs one line, the kernels in use, at INFO; nothing else above DEBUG. */
class LoggingTest {

    @Test
    void aTrainingLoopLogsOnlyTheKernelChoice() throws Exception {
        Process p = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                QuickStart.class.getName()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.contains("step 200"), out);
        // slf4j-simple, as configured for the examples, writes "[LEVEL] Logger - message" to standard error
        List<String> logLines = Arrays.stream(err.split("\n")).filter(l -> l.startsWith("[")).toList();
        assertEquals(1, logLines.size(), err);
        assertTrue(logLines.get(0).startsWith("[INFO] KernelSelection - ejgrad kernels: Vector API"), logLines.get(0));
    }
}
