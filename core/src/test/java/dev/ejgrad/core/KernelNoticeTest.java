package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a program that uses ejgrad with no SLF4J provider (core's test class path has none) sees, in a child JVM:
 * one line on standard error when the fast kernels are off, nothing otherwise, nothing on standard output, and none
 * of SLF4J's "no providers" lines.
 */
class KernelNoticeTest {

    /** A user's program: one matrix product, its value on standard output. */
    public static final class Program {
        public static void main(String[] args) {
            Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}});
            System.out.println(a.matmul(a).sum().item());
        }
    }

    private record Run(String out, List<String> err) {
    }

    private static Run run(String... jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(Arrays.asList(jvmOptions));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Program.class.getName()));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertEquals("54.0", out.trim(), "standard output holds the program's output only");
        // the JVM's own line about incubator modules is not ejgrad's
        List<String> lines = err.lines().filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
        assertFalse(err.contains("SLF4J"), err);
        return new Run(out, lines);
    }

    @Test
    void withoutTheVectorModuleOneLineOnStandardErrorSaysHowToTurnTheFastPathOn() throws Exception {
        Run r = run();
        assertEquals(List.of(KernelSelection.FAST_PATH_OFF), r.err());
        assertTrue(r.err().get(0).contains("--add-modules jdk.incubator.vector"), r.err().get(0));
    }

    @Test
    void thePropertyHidesTheLine() throws Exception {
        assertEquals(List.of(), run("-D" + KernelSelection.NOTICE_PROPERTY + "=false").err());
    }

    @Test
    void theFastPathAndADeliberatePlainJavaChoiceSayNothing() throws Exception {
        assertEquals(List.of(), run("--add-modules", "jdk.incubator.vector").err());
        assertEquals(List.of(), run("-Dejgrad.kernels=java").err());
    }

    @Test
    void noProviderIsFoundOnCoresClassPathAndTheNoticeObeysItsProperty() {
        assertFalse(KernelSelection.slf4jHasProvider());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(buf, true, StandardCharsets.UTF_8);
        KernelSelection.notice(err, " FALSE ", "hidden");
        KernelSelection.notice(err, null, "shown");
        KernelSelection.notice(err, "true", "shown too");
        assertEquals("shown\nshown too\n", buf.toString(StandardCharsets.UTF_8).replace("\r", ""));
    }
}
