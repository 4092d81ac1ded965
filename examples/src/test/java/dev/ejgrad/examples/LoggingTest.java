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

    /** The log lines (slf4j-simple, as configured for the examples, writes "[LEVEL] Logger - message") and stderr. */
    private static List<String> quickStartLogLines(String... jvmOptions) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(Arrays.asList(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), QuickStart.class.getName()));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertTrue(out.contains("step 200"), out);
        assertTrue(!out.contains("ejgrad kernels") && !err.contains("ejgrad: the fast"), out + err);
        return Arrays.stream(err.split("\n")).filter(l -> !l.startsWith("WARNING: Using incubator")).toList();
    }

    @Test
    void aTrainingLoopLogsOnlyTheKernelChoice() throws Exception {
        List<String> logLines = quickStartLogLines("--add-modules", "jdk.incubator.vector");
        assertEquals(1, logLines.size(), logLines.toString());
        assertTrue(logLines.get(0).startsWith("[INFO] KernelSelection - ejgrad kernels: Vector API"), logLines.get(0));
    }

    @Test
    void withAProviderTheMissingFastPathIsAWarningThroughSlf4j() throws Exception {
        List<String> logLines = quickStartLogLines();
        assertEquals(1, logLines.size(), logLines.toString());
        assertTrue(logLines.get(0).startsWith("[WARN] KernelSelection - ejgrad kernels: plain Java and EJML, one "
                + "thread (start the JVM with --add-modules jdk.incubator.vector"), logLines.get(0));
    }
}
