package dev.ejgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ejgrad.core.Tensor;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saves that die: a JVM killed in the middle of writing never leaves a damaged file behind. */
class SafeTensorsCrashTest {

    @TempDir
    Path dir;

    /** 5 million values (40 MB), all equal to {@code value}, under one name. */
    static Map<String, Tensor> big(double value) {
        return Map.of("w", Tensor.full(1000, 5000, value));
    }

    /** Run in a child JVM: saves 40 MB to the file given, over and over, until killed. */
    public static final class Saver {
        /**
         * @param args the target file
         * @throws Exception if a save fails
         */
        public static void main(String[] args) throws Exception {
            Path target = Path.of(args[0]);
            Files.writeString(target.resolveSibling("started"), "yes");
            for (int i = 0; ; i++) {
                SafeTensors.save(big(2.0), target);
            }
        }
    }

    @Test
    void aJvmKilledWhileSavingLeavesTheOldOrTheNewFileWhole() throws Exception {
        Path file = dir.resolve("weights.safetensors");
        SafeTensors.save(big(1.0), file);
        Process child = new ProcessBuilder(System.getProperty("java.home") + File.separator + "bin" + File.separator
                + "java", "-cp", System.getProperty("java.class.path"), Saver.class.getName(), file.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 200 && !Files.exists(dir.resolve("started")); i++) {
                Thread.sleep(50);
            }
            assertTrue(Files.exists(dir.resolve("started")), "the child started saving");
            Thread.sleep(700);   // several saves in, and very likely in the middle of one
        } finally {
            child.destroyForcibly();   // SIGKILL: no finally blocks, no shutdown hooks
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        Tensor w = SafeTensors.load(file).get("w");
        double v = w.get(0, 0);
        assertTrue(v == 1.0 || v == 2.0, "either the old or a new file, got " + v);
        assertEquals(v, w.get(999, 4999), "whole: the last value matches the first");
        assertEquals(5_000_000, w.numel());
        try (var files = Files.list(dir)) {
            List<Path> left = files.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertTrue(left.size() <= 1, "at most the one temporary file the killed save was writing: " + left);
        }
    }

    /** Run in a child JVM: one save of 40 MB, reporting how it ended. */
    public static final class OneSave {
        /**
         * @param args the target file
         */
        public static void main(String[] args) {
            try {
                SafeTensors.save(big(2.0), Path.of(args[0]));
                System.out.println("saved");
            } catch (java.io.IOException e) {
                System.out.println("failed: " + e);
            }
        }
    }

    @Test
    void aSaveThatRunsOutOfSpaceFailsClearlyAndKeepsTheOldFile() throws Exception {
        Path file = dir.resolve("weights.safetensors");
        SafeTensors.save(Map.of("w", Tensor.full(10, 10, 1.0)), file);
        byte[] before = Files.readAllBytes(file);
        // a file-size limit of 4 MB: writing past it fails as a full disk does (EFBIG rather than ENOSPC)
        String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder("bash", "-c", "ulimit -f 4096 && exec \"$0\" -cp \"$1\" \"$2\" \"$3\"",
                javaBin, System.getProperty("java.class.path"), OneSave.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertTrue(out.contains("failed: java.io.IOException: could not save " + file) && out.contains("File too large")
                && out.contains("the previous file, if any, is unchanged"), out);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "the old file is untouched");
        assertEquals(1.0, SafeTensors.load(file).get("w").get(9, 9));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "the failed save removed its temporary file");
        }
    }

    @Test
    void aSaveIntoAReadOnlyDirectoryFailsClearlyAndKeepsTheOldFile() throws Exception {
        Path file = dir.resolve("weights.safetensors");
        SafeTensors.save(Map.of("w", Tensor.full(10, 10, 1.0)), file);
        byte[] before = Files.readAllBytes(file);
        // root ignores permission bits, so the directory is made read-only by a read-only bind mount, in a user and
        // mount namespace of the child's own (no privilege needed, nothing changes outside the child)
        String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder("unshare", "-rm", "sh", "-c",
                "mount --bind -o ro \"$0\" \"$0\" && exec \"$1\" -cp \"$2\" \"$3\" \"$4\"",
                dir.toString(), javaBin, System.getProperty("java.class.path"), OneSave.class.getName(),
                file.toString()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS));
        assertTrue(out.contains("failed: java.io.IOException: could not save " + file)
                && out.contains("Read-only file system"), out);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "the old file is untouched");
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "nothing else was written");
        }
    }

    @Test
    void nanAndInfinitiesRoundTripBitForBit() throws Exception {
        double quietNaN = Double.longBitsToDouble(0x7ff8000000000123L);
        Tensor t = Tensor.row(Double.NaN, quietNaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0);
        Path file = dir.resolve("special.safetensors");
        SafeTensors.save(Map.of("t", t), file);
        Tensor back = SafeTensors.load(file).get("t");
        for (int j = 0; j < t.cols(); j++) {
            assertEquals(Double.doubleToRawLongBits(t.get(0, j)), Double.doubleToRawLongBits(back.get(0, j)), "col " + j);
        }
    }
}
