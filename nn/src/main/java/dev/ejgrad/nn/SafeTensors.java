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
 * each tensor in its own dtype ({@code F64} for a float64 tensor, {@code F32} for a float32 one, both bit for bit)
 * or all in one format ({@code F32}, PyTorch's default dtype, or {@code F64}; see {@link DType}), each tensor in
 * its {@link Tensor#torchShape()}: the shape PyTorch's module holds it in, which a module declares for each parameter
 * and buffer it registers and its {@link Module#stateDict()} carries ({@code [C]} for a bias or a norm's weight and
 * running statistics, {@code [rows, cols]} for a weight, {@code I64 []} for a batch norm's
 * {@code num_batches_tracked}), so that PyTorch's {@code load_state_dict(strict=True)} takes a saved model as it is.
 * A tensor that declares no shape (any other tensor) is written {@code [rows, cols]}; no rule reads the shape from a
 * name. On reading, {@code []} becomes 1x1, {@code [C]} becomes {@code 1 x C} and {@code [d0, d1, …, dk]} becomes
 * {@code d0 x (d1·…·dk)} (the same row-major values, e.g. a convolution weight {@code [outC, C, k, k]} as
 * {@code outC x (C·k·k)}), so both PyTorch's shapes and ejgrad's older {@code [1, C]} forms load into a module.
 *
 * <pre>{@code
 * SafeTensors.save(model.stateDict(), Path.of("mlp.safetensors"));
 * model.loadStateDict(SafeTensors.load(Path.of("mlp.safetensors")));
 * // what torch.save_file(model.state_dict(), ...) writes from a float32 model loads the same way:
 * model.loadStateDict(SafeTensors.load(Path.of("trained_in_pytorch.safetensors")));
 * }</pre>
 *
 * <p>Reading takes {@code F64}, {@code F32}, {@code F16} and {@code BF16} tensors, each widened exactly to
 * {@code double} by {@link #load(Path)} (every value of the three narrower formats is a {@code double}), or
 * converted to one dtype by {@link #load(Path, dev.ejgrad.core.DType)}: normal numbers, subnormals, ±0.0
 * (the sign kept), ±infinity, and NaN (as a NaN); and the integer tensors {@code I64} and {@code I32} (PyTorch's
 * {@code int64} and {@code int32}, e.g. {@code num_batches_tracked}) as their values, exact up to 2^53 in magnitude
 * and rounded to the nearest {@code double} beyond. The file may mix dtypes, as PyTorch's state dicts do. Other
 * dtypes (other integers, booleans, F8) are rejected with the tensor's name.
 *
 * <p>Saving writes a temporary file in the target's directory and moves it over the target atomically, so a failed or
 * interrupted save leaves the previous file as it was: a JVM killed mid-save leaves the old file whole (and may leave
 * its temporary file, named {@code .<file>.<random>.tmp}, behind).
 *
 * <p>F64 values are stored and loaded bit for bit: NaN (with its payload), infinities and -0.0 come back as they were
 * saved. Loading does not reject them; run under {@link dev.ejgrad.core.Anomaly#detect()} to stop at the first op
 * they make non-finite. Loading checks the whole header (dtypes, shapes, offsets, sizes) against the file before
 * reading any values, and rejects a file whose bytes do not match its header (a dtype and shape that need another
 * number of bytes, gaps, overlaps, truncation, a malformed header) with an {@link IllegalArgumentException} naming
 * the file and the problem; an {@link IOException} means the file system failed (a missing or unreadable file).
 */
public final class SafeTensors {

    /** The largest header accepted: far above any real state dict's, far below a harmful allocation. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private static final JsonFactory JSON = new JsonFactory();

    private SafeTensors() {
    }

    /**
     * The floating-point formats {@link #save(Map, Path, DType)} writes, by their safetensors names. A tensor that
     * PyTorch holds as int64 ({@code num_batches_tracked}) is written {@code I64} whatever the format, as PyTorch's
     * {@code model.float()} keeps it int64.
     */
    public enum DType {
        /** IEEE binary64, ejgrad's own: values saved bit for bit. */
        F64(8),
        /** IEEE binary32, PyTorch's default dtype: each value rounded to the nearest float (ties to even), as
         * {@code tensor.float()}; beyond the float range to ±infinity, below it through the subnormals to ±0.0. */
        F32(4);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * Writes tensors to a file, each in its own dtype, bit for bit, replacing it atomically: a float64 tensor as
     * {@code F64}, a float32 one as {@code F32} (and a count declared PyTorch's int64 as {@code I64}), as
     * {@code safetensors.torch.save_file} writes each tensor in its dtype.
     *
     * @param tensors name to tensor, written in this order; not modified
     * @param file the target; its directory must exist
     * @throws IllegalArgumentException if a name is empty or {@code __metadata__}, a tensor is null, or a tensor
     *     declared PyTorch's int64 ({@link dev.ejgrad.core.TorchShape#isInt64()}) holds a value that is not a
     *     64-bit integer; nothing is written then
     * @throws IOException if the file cannot be written, naming it and the reason (the previous file, if any, is
     *     left intact)
     */
    public static void save(Map<String, Tensor> tensors, Path file) throws IOException {
        write(tensors, file, null);
    }

    /**
     * Writes tensors to a file in the given dtype, replacing it atomically: {@code F32} is what PyTorch's
     * {@code model.state_dict()} holds by default, so {@code safetensors.torch.load_file} gives float32 tensors, as
     * {@code {k: v.float() for k, v in state.items()}} would.
     *
     * @param tensors name to tensor, written in this order; not modified
     * @param file the target; its directory must exist
     * @param dtype the stored format: {@code F64} exactly, {@code F32} rounded to nearest (see {@link DType#F32})
     * @throws IllegalArgumentException if a name is empty or {@code __metadata__}, a tensor is null, or a tensor
     *     declared PyTorch's int64 ({@link dev.ejgrad.core.TorchShape#isInt64()}) holds a value that is not a
     *     64-bit integer; nothing is written then
     * @throws IOException if the file cannot be written, naming it and the reason (the previous file, if any, is
     *     left intact)
     */
    public static void save(Map<String, Tensor> tensors, Path file, DType dtype) throws IOException {
        write(tensors, file, Objects.requireNonNull(dtype, "dtype"));
    }

    /** Checks, then writes every tensor in {@code all}, or each in its own dtype if {@code all} is null. */
    private static void write(Map<String, Tensor> tensors, Path file, DType all) throws IOException {
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(file, "file");
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey() == null || e.getKey().isEmpty() || "__metadata__".equals(e.getKey())) {
                throw new IllegalArgumentException("save: invalid tensor name '" + e.getKey() + "'");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("save: tensor '" + e.getKey() + "' is null");
            }
            if (e.getValue().torchShape().isInt64()) {
                for (double v : e.getValue().toMatrix().data) {
                    if (v != Math.rint(v) || Math.abs(v) >= 0x1p63) {
                        throw new IllegalArgumentException("save: tensor '" + e.getKey() + "' is PyTorch's int64 ("
                                + e.getValue().torchShape() + ") but holds " + v + ", not a 64-bit integer");
                    }
                }
            }
        }
        byte[] header = header(tensors, all);
        Path target = file.toAbsolutePath();
        try {
            writeAtomically(tensors, header, target, all);
        } catch (IOException e) {
            throw new IOException("could not save " + target + " (" + e + "); the previous file, if any, is unchanged",
                    e);
        }
    }

    private static void writeAtomically(Map<String, Tensor> tensors, byte[] header, Path target, DType all)
            throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tmp");
        try {
            keepPermissions(target, tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
                writeFully(ch, len.flip());
                writeFully(ch, ByteBuffer.wrap(header));
                for (Tensor t : tensors.values()) {
                    double[] v = t.toMatrix().data;
                    DType dtype = format(t, all);
                    ByteBuffer buf = ByteBuffer.allocate(v.length * bytes(t, dtype)).order(ByteOrder.LITTLE_ENDIAN);
                    if (t.torchShape().isInt64()) {
                        for (double x : v) {
                            buf.putLong((long) x);
                        }
                        buf.flip();
                    } else if (dtype == DType.F64) {
                        buf.asDoubleBuffer().put(v);
                    } else {
                        // Java's double-to-float conversion is IEEE round-to-nearest-even, as tensor.float(); a
                        // float32 tensor's widened values convert back exactly
                        for (double x : v) {
                            buf.putFloat((float) x);
                        }
                        buf.flip();
                    }
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

    private static byte[] header(Map<String, Tensor> tensors, DType all) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            long offset = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor t = e.getValue();
                DType dtype = format(t, all);
                long size = (long) t.numel() * bytes(t, dtype);
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", t.torchShape().isInt64() ? "I64" : dtype.name());
                g.writeArrayFieldStart("shape");
                for (int d : t.torchShape().dims()) {
                    g.writeNumber(d);
                }
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

    /** The format a tensor is written in: {@code all}, or its own dtype's if {@code all} is null. */
    private static DType format(Tensor t, DType all) {
        return all != null ? all : t.dtype() == dev.ejgrad.core.DType.FLOAT32 ? DType.F32 : DType.F64;
    }

    /** The bytes of one stored value: 8 for PyTorch's int64 counts, whatever the floating-point dtype. */
    private static int bytes(Tensor t, DType dtype) {
        return t.torchShape().isInt64() ? 8 : dtype.bytes;
    }

    /**
     * Reads every tensor of a file, widening F32, F16 and BF16 values exactly to {@code double} and reading I64 and
     * I32 values as {@code double}s.
     *
     * @param file a safetensors file with F64, F32, F16, BF16, I64 or I32 tensors
     * @return name to tensor (leaves that do not require grad), in the order of their values in the file; a 0-D
     *     shape as 1x1, a 1-D shape {@code [n]} as {@code 1 x n}, {@code [d0, d1, …, dk]} as {@code d0 x (d1·…·dk)}
     * @throws IllegalArgumentException if the file's bytes are not a safetensors file of this form: a dtype ejgrad
     *     does not read, a tensor too large for ejgrad, data offsets that do not match the dtype and shape,
     *     gaps or overlaps, a truncated file, a malformed header (the message names the file, the tensor and the
     *     problem)
     * @throws IOException if the file system fails: the file is missing or cannot be read
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
                out.put(e.name, Tensor.of(e.rows, e.cols, e.format.widen(values.flip(), e.rows * e.cols)));
            }
            return out;
        }
    }

    /**
     * Reads every tensor of a file in one dtype, as {@code safetensors.torch.load_file} followed by
     * {@code .to(dtype)}: F32, F16 and BF16 values widen exactly to either dtype (F16 and BF16 values are all float32
     * values), F64 values round to the nearest float32 value for {@link dev.ejgrad.core.DType#FLOAT32}, and I64 and
     * I32 values become the nearest value of the dtype (exact up to 2^24 in magnitude for float32).
     *
     * <pre>{@code
     * Map<String, Tensor> weights = SafeTensors.load(Path.of("trained_in_pytorch.safetensors"), DType.FLOAT32);
     * }</pre>
     *
     * @param file a safetensors file with F64, F32, F16, BF16, I64 or I32 tensors
     * @param dtype the dtype of every returned tensor
     * @return name to tensor (leaves that do not require grad), in the order of their values in the file, shaped as
     *     by {@link #load(Path)}
     * @throws IllegalArgumentException as {@link #load(Path)}
     * @throws IOException if the file system fails: the file is missing or cannot be read
     */
    public static Map<String, Tensor> load(Path file, dev.ejgrad.core.DType dtype) throws IOException {
        Objects.requireNonNull(dtype, "dtype");
        Map<String, Tensor> out = load(file);
        out.replaceAll((name, t) -> t.to(dtype));
        return out;
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

    /** The dtypes {@link #load} reads, each with its widening to {@code double} (exact for the floating ones). */
    enum Format {
        F64(8) {
            @Override
            double read(ByteBuffer b) {
                return b.getDouble();
            }

            @Override
            double[] widen(ByteBuffer b, int n) {
                double[] v = new double[n];
                b.asDoubleBuffer().get(v);   // in bulk: ejgrad's own files are F64
                return v;
            }
        },
        F32(4) {
            @Override
            double read(ByteBuffer b) {
                return b.getFloat();   // float to double is exact, subnormals and signs included
            }
        },
        BF16(2) {
            @Override
            double read(ByteBuffer b) {
                return Float.intBitsToFloat((b.getShort() & 0xffff) << 16);   // the upper half of a binary32
            }
        },
        F16(2) {
            @Override
            double read(ByteBuffer b) {
                return halfToDouble(b.getShort() & 0xffff);
            }
        },
        /** PyTorch's int64: exact up to 2^53 in magnitude, then rounded to the nearest double. */
        I64(8) {
            @Override
            double read(ByteBuffer b) {
                return b.getLong();
            }
        },
        /** PyTorch's int32: every value exact. */
        I32(4) {
            @Override
            double read(ByteBuffer b) {
                return b.getInt();
            }
        };

        final int bytes;

        Format(int bytes) {
            this.bytes = bytes;
        }

        /** The value at the buffer's position, little-endian, as a {@code double}; advances the buffer. */
        abstract double read(ByteBuffer b);

        /** The {@code n} values at the buffer's position, little-endian. */
        double[] widen(ByteBuffer b, int n) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = read(b);
            }
            return v;
        }

        static Format of(String dtype) {
            for (Format f : values()) {
                if (f.name().equals(dtype)) {
                    return f;
                }
            }
            return null;
        }
    }

    /**
     * An IEEE binary16 value (1 sign bit, 5 exponent bits of bias 15, 10 fraction bits) as the {@code double} it is.
     *
     * @param bits the 16 bits, in the low half
     * @return the value, exactly
     */
    static double halfToDouble(int bits) {
        int exponent = (bits >>> 10) & 0x1f;
        int fraction = bits & 0x3ff;
        double magnitude;
        if (exponent == 0) {
            magnitude = fraction * 0x1p-24;   // zero or subnormal: fraction · 2^-24
        } else if (exponent == 0x1f) {
            magnitude = fraction == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            magnitude = Math.scalb((double) (0x400 | fraction), exponent - 25);
        }
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    private static final class Entry {
        String name;
        String dtype;
        Format format;
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
        e.format = Format.of(e.dtype);
        if (e.format == null) {
            throw bad(file, "tensor '" + e.name + "' has dtype " + e.dtype + "; ejgrad reads F64, F32, F16, BF16, I64 "
                    + "and I32 (in PyTorch, save {k: v.float() for k, v in model.state_dict().items()})");
        }
        if (e.begin < 0 || e.end < 0) {
            throw bad(file, "tensor '" + e.name + "' has no data_offsets");
        }
        // the 2-D form: [] is 1x1, [n] is 1 x n, [d0, d1, ..., dk] is d0 x (d1 ... dk)
        long rows = e.shape.size() >= 2 ? e.shape.get(0) : 1;
        long cols = 1;
        for (int i = e.shape.size() >= 2 ? 1 : 0; i < e.shape.size() && cols <= Integer.MAX_VALUE; i++) {
            cols = e.shape.get(i) > Integer.MAX_VALUE ? Long.MAX_VALUE : cols * e.shape.get(i);
        }
        if (rows > Integer.MAX_VALUE || cols > Integer.MAX_VALUE || rows * cols > Integer.MAX_VALUE / 8) {
            throw bad(file, "tensor '" + e.name + "' of shape " + e.shape + " is too large");
        }
        long bytes = rows * cols * e.format.bytes;
        if (e.end - e.begin != bytes) {
            throw bad(file, "tensor '" + e.name + "' of dtype " + e.dtype + " and shape " + e.shape + " needs "
                    + bytes + " bytes but its data_offsets [" + e.begin + ", " + e.end + "] span "
                    + (e.end - e.begin));
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

    /** A file whose bytes are not what its header says: bad input, not a failure of the file system. */
    private static IllegalArgumentException bad(Path file, String problem) {
        return new IllegalArgumentException("not a readable safetensors file: " + file + ": " + problem);
    }
}
