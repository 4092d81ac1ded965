package dev.ejgrad.nn;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ejgrad.core.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and writes state dicts in the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * so weights move between ejgrad and PyTorch ({@code safetensors.torch.save_file} / {@code load_file}).
 *
 * <p>Layout: an 8-byte little-endian header length, a JSON header mapping each name to
 * {@code {"dtype":"F64","shape":[...],"data_offsets":[begin,end]}}, then the little-endian values. ejgrad writes
 * {@code F64} only, shape {@code [rows, cols]}, except a {@code 1 x C} tensor named {@code bias} (or ending in
 * {@code .bias}), which is written as PyTorch's 1-D {@code [C]} so a saved model loads straight into a
 * {@code torch.nn.Linear}. On reading, {@code [C]} becomes {@code 1 x C} and {@code []} becomes 1x1.
 *
 * <pre>{@code
 * SafeTensors.save(model.stateDict(), Path.of("mlp.safetensors"));
 * model.loadStateDict(SafeTensors.load(Path.of("mlp.safetensors")));
 * }</pre>
 *
 * <p>Saving writes a temporary file in the target's directory and moves it over the target atomically, so a failed or
 * interrupted save leaves the previous file as it was: a JVM killed mid-save leaves the old file whole (and may leave
 * its temporary file, named {@code .<file>.<random>.tmp}, behind).
 *
 * <p>Values are stored and loaded bit for bit: NaN (with its payload), infinities and -0.0 come back as they were
 * saved. Loading does not reject them; run under {@link dev.ejgrad.core.Anomaly#detect()} to stop at the first op
 * they make non-finite. Loading checks the whole header (dtypes, shapes, offsets,
 * sizes) against the file before reading any values, and rejects a bad file with an {@link IOException} naming the
 * file and the problem.
 */
public final class SafeTensors {

    /** The largest header accepted: far above any real state dict's, far below a harmful allocation. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final JsonFactory JSON = new JsonFactory();

    private SafeTensors() {
    }

    /**
     * Writes tensors to a file, replacing it atomically.
     *
     * @param tensors name to tensor, written in this order; not modified
     * @param file the target; its directory must exist
     * @throws IllegalArgumentException if a name is empty or {@code __metadata__}, or a tensor is null
     * @throws IOException if the file cannot be written, naming it and the reason (the previous file, if any, is
     *     left intact)
     */
    public static void save(Map<String, Tensor> tensors, Path file) throws IOException {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(file, "file");
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || "__metadata__".equals(e.getKey())) {
                throw new IllegalArgumentException("save: invalid tensor name '" + e.getKey() + "'");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("save: tensor '" + e.getKey() + "' is null");
            }
        }
        byte[] header = header(tensors);
        Path target = file.toAbsolutePath();
        try {
            writeAtomically(tensors, header, target);
        } catch (IOException e) {
            throw new IOException("could not save " + target + " (" + e + "); the previous file, if any, is unchanged",
                    e);
        }
    }

    private static void writeAtomically(Map<String, Tensor> tensors, byte[] header, Path target) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            keepPermissions(target, tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
                writeFully(ch, len.flip());
                writeFully(ch, ByteBuffer.wrap(header));
                for (Tensor t : tensors.values()) {
                    double[] v = t.toMatrix().data;
                    ByteBuffer buf = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asDoubleBuffer().put(v);
                    writeFully(ch, buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A temporary file is created readable by its owner only; the saved file should have the permissions the old
     * one had, or those of an ordinary new file (rw-r--r--).
     */
    private static void keepPermissions(Path target, Path tmp) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        view.setPermissions(Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static byte[] header(Map<String, Tensor> tensors) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            long offset = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue();
                long size = (long) t.numel() * 8;
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", "F64");
                g.writeArrayFieldStart("shape");
                if (!isBias(e.getKey(), t)) {
                    g.writeNumber(t.rows());
                }
                g.writeNumber(t.cols());
                g.writeEndArray();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(offset + size);
                g.writeEndArray();
                g.writeEndObject();
                offset += size;
            }
            g.writeEndObject();
        }
        // pad with spaces so the values start 8-byte aligned, as the reference writer does
        int pad = (8 - bytes.size() % 8) % 8;
        for (int i = 0; i < pad; i++) {
            bytes.write(' ');
        }
        return bytes.toByteArray();
    }

    private static boolean isBias(String name, Tensor t) {
        return t.rows() == 1 && (name.equals("bias") || name.endsWith(".bias"));
    }

    /**
     * Reads every tensor of a file.
     *
     * @param file a safetensors file with F64 tensors of at most two dimensions
     * @return name to tensor (leaves that do not require grad), in the order of their values in the file
     * @throws IOException if the file cannot be read, or is truncated, corrupt or not of this form (the message
     *     names the file and the problem)
     */
    public static Map<String, Tensor> load(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = ch.size();
            if (fileSize < 8) {
                throw bad(file, "it has " + fileSize + " bytes, fewer than the 8 of the header length");
            }
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, 0, file);
            long headerSize = len.flip().getLong();
            if (headerSize < 2 || headerSize > MAX_HEADER_BYTES || headerSize > fileSize - 8) {
                throw bad(file, "its header length " + Long.toUnsignedString(headerSize) + " does not fit a file of "
                        + fileSize + " bytes");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerSize);
            readFully(ch, headerBytes, 8, file);
            List<Entry> entries = parseHeader(file, headerBytes.array());
            long dataSize = fileSize - 8 - headerSize;
            checkOffsets(file, entries, dataSize);

            Map<String, Tensor> out = new LinkedHashMap<>();
            for (Entry e : entries) {
                ByteBuffer values = ByteBuffer.allocate((int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, values, 8 + headerSize + e.begin, file);
                double[] v = new double[e.rows * e.cols];
                values.flip().asDoubleBuffer().get(v);
                out.put(e.name, Tensor.of(e.rows, e.cols, v));
            }
            return out;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw bad(file, "it ends at byte " + pos + ", before the data its header declares");
            }
            pos += n;
        }
    }

    private static final class Entry {
        String name;
        String dtype;
        List<Long> shape = new ArrayList<>();
        long begin = -1;
        long end = -1;
        int rows;
        int cols;
    }

    private static List<Entry> parseHeader(Path file, byte[] header) throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (JsonParser p = JSON.createParser(header)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad(file, "its header is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw bad(file, "header entry '" + name + "' is not an object");
                }
                if ("__metadata__".equals(name)) {
                    p.skipChildren();
                    continue;
                }
                Entry e = new Entry();
                e.name = name;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    switch (field) {
                        case "dtype":
                            e.dtype = p.getValueAsString();
                            break;
                        case "shape":
                            e.shape = longs(file, p, value, name, field);
                            break;
                        case "data_offsets":
                            List<Long> offsets = longs(file, p, value, name, field);
                            if (offsets.size() != 2) {
                                throw bad(file, "tensor '" + name + "' has " + offsets.size() + " data offsets, not 2");
                            }
                            e.begin = offsets.get(0);
                            e.end = offsets.get(1);
                            break;
                        default:
                            p.skipChildren();
                    }
                }
                entries.add(check(file, e));
            }
            if (p.currentToken() != JsonToken.END_OBJECT) {
                throw bad(file, "its header is not a well-formed JSON object");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw bad(file, "its header is not valid JSON (" + ex.getOriginalMessage() + ")");
        }
        return entries;
    }

    private static List<Long> longs(Path file, JsonParser p, JsonToken start, String name, String field)
            throws IOException {
        if (start != JsonToken.START_ARRAY) {
            throw bad(file, "tensor '" + name + "' has a " + field + " that is not an array");
        }
        List<Long> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
                throw bad(file, "tensor '" + name + "' has a " + field + " entry that is not a non-negative integer");
            }
            out.add(p.getLongValue());
        }
        return out;
    }

    private static Entry check(Path file, Entry e) throws IOException {
        if (!"F64".equals(e.dtype)) {
            throw bad(file, "tensor '" + e.name + "' has dtype " + e.dtype + "; ejgrad reads F64 only (in PyTorch, "
                    + "save model.double().state_dict())");
        }
        if (e.begin < 0 || e.end < 0) {
            throw bad(file, "tensor '" + e.name + "' has no data_offsets");
        }
        if (e.shape.size() > 2) {
            throw bad(file, "tensor '" + e.name + "' has " + e.shape.size() + " dimensions " + e.shape
                    + "; ejgrad tensors have at most 2");
        }
        long rows = e.shape.size() == 2 ? e.shape.get(0) : 1;
        long cols = e.shape.isEmpty() ? 1 : e.shape.get(e.shape.size() - 1);
        if (rows * cols > Integer.MAX_VALUE / 8 || rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE) {
            throw bad(file, "tensor '" + e.name + "' of shape " + e.shape + " is too large");
        }
        if (e.end - e.begin != rows * cols * 8) {
            throw bad(file, "tensor '" + e.name + "' of shape " + e.shape + " needs " + rows * cols * 8
                    + " bytes but its data_offsets [" + e.begin + ", " + e.end + "] span " + (e.end - e.begin));
        }
        e.rows = (int) rows;
        e.cols = (int) cols;
        return e;
    }

    private static void checkOffsets(Path file, List<Entry> entries, long dataSize) throws IOException {
        entries.sort(Comparator.comparingLong(e -> e.begin));
        long expected = 0;
        for (Entry e : entries) {
            if (e.begin != expected) {
                throw bad(file, "tensor '" + e.name + "' starts at byte " + e.begin + " of the data, expected "
                        + expected + " (data must be contiguous, without gaps or overlaps)");
            }
            expected = e.end;
        }
        if (expected != dataSize) {
            throw bad(file, "the header declares " + expected + " bytes of data but the file holds " + dataSize
                    + (expected > dataSize ? " (truncated?)" : ""));
        }
    }

    private static IOException bad(Path file, String problem) {
        return new IOException("not a readable safetensors file: " + file + ": " + problem);
    }
}
