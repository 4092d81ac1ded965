package dev.ejgrad.examples.data;

import dev.ejgrad.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * MNIST: training and test images with their labels, from the embedded 2,000/500 subset, a folder of the four IDX
 * files, or a download verified by checksum.
 */
public final class Mnist {

    /** The four files, in the order train images, train labels, test images, test labels. */
    public static final List<String> FILES = List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");

    /**
     * SHA-256 of each file's decompressed IDX content (so a mirror that recompresses still verifies), as published
     * with the original MNIST files.
     */
    static final List<String> SHA256 = List.of(
            "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /** The public mirrors tried in order, as torchvision does. */
    public static final List<String> MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");

    /** The mean and standard deviation of MNIST's training pixels in [0, 1], as torchvision's Normalize uses. */
    static final double MEAN = 0.1307;
    static final double STD = 0.3081;

    private final Idx.Images trainImages;
    private final int[] trainLabels;
    private final Idx.Images testImages;
    private final int[] testLabels;

    private Mnist(Idx.Images trainImages, int[] trainLabels, Idx.Images testImages, int[] testLabels, String source)
            throws DataFormatException {
        if (trainImages.count() != trainLabels.length || testImages.count() != testLabels.length) {
            throw new DataFormatException(source, "byte 4", "image and label counts differ: train "
                    + trainImages.count() + "/" + trainLabels.length + ", test " + testImages.count() + "/"
                    + testLabels.length);
        }
        this.trainImages = trainImages;
        this.trainLabels = trainLabels;
        this.testImages = testImages;
        this.testLabels = testLabels;
    }

    /**
     * The subset shipped in the examples' resources: the first 2,000 training and 500 test images.
     *
     * @return the subset
     * @throws IOException if the resources are missing or damaged
     */
    public static Mnist embedded() throws IOException {
        String base = "/dev/ejgrad/examples/data/mnist-small/";
        Object[] parts = new Object[4];
        for (int i = 0; i < 4; i++) {
            try (InputStream in = Mnist.class.getResourceAsStream(base + FILES.get(i))) {
                if (in == null) {
                    throw new IOException("missing embedded resource " + base + FILES.get(i));
                }
                parts[i] = i % 2 == 0 ? Idx.readImages(in, base + FILES.get(i)) : Idx.readLabels(in, base + FILES.get(i));
            }
        }
        return new Mnist((Idx.Images) parts[0], (int[]) parts[1], (Idx.Images) parts[2], (int[]) parts[3], base);
    }

    /**
     * Reads the four IDX files (gzip-compressed or not, named as {@link #FILES} or without {@code .gz}).
     *
     * @param dir the folder
     * @return the data
     * @throws IOException if a file is missing or malformed, naming it
     */
    public static Mnist fromDirectory(Path dir) throws IOException {
        Path[] f = new Path[4];
        for (int i = 0; i < 4; i++) {
            Path gz = dir.resolve(FILES.get(i));
            Path plain = dir.resolve(FILES.get(i).replace(".gz", ""));
            f[i] = Files.exists(gz) ? gz : plain;
            if (!Files.exists(f[i])) {
                throw new IOException("MNIST: neither " + gz + " nor " + plain + " exists");
            }
        }
        return new Mnist(Idx.readImages(f[0]), Idx.readLabels(f[1]), Idx.readImages(f[2]), Idx.readLabels(f[3]),
                dir.toString());
    }

    /**
     * Downloads any of the four files missing from {@code dir}, trying each mirror in turn, verifies every file's
     * checksum, then reads them.
     *
     * @param dir the folder to download into (created if needed, and removed again if the download fails)
     * @param mirrors base URLs ending in {@code /}
     * @return the data
     * @throws IOException if no mirror delivers a file with the right checksum, saying on one line what each one did
     */
    public static Mnist download(Path dir, List<String> mirrors) throws IOException {
        // the folders this call creates, outermost first, so that a failed download leaves none of them behind
        List<Path> created = new ArrayList<>();
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) {
            created.add(0, p);
        }
        Files.createDirectories(dir);
        try {
            fetchMissing(dir, mirrors);
            return fromDirectory(dir);
        } catch (IOException | RuntimeException e) {
            for (int i = created.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(created.get(i));
                } catch (IOException notEmpty) {
                    break;   // something else was put there meanwhile: keep it
                }
            }
            throw e;
        }
    }

    private static void fetchMissing(Path dir, List<String> mirrors) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (int i = 0; i < 4; i++) {
            Path target = dir.resolve(FILES.get(i));
            if (Files.exists(target) && SHA256.get(i).equals(contentSha256(target))) {
                continue;
            }
            List<String> failures = new ArrayList<>();
            boolean done = false;
            for (String mirror : mirrors) {
                String url = mirror + FILES.get(i);
                Path tmp = Files.createTempFile(dir, FILES.get(i), ".part");
                try {
                    HttpResponse<Path> r = http.send(HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofFile(tmp));
                    if (r.statusCode() != 200) {
                        failures.add(url + ": HTTP " + r.statusCode());
                        continue;
                    }
                    String sha = contentSha256(tmp);
                    if (!SHA256.get(i).equals(sha)) {
                        failures.add(url + ": checksum mismatch (content sha256 " + sha + ", expected "
                                + SHA256.get(i) + ")");
                        continue;
                    }
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                    done = true;
                    break;
                } catch (IOException e) {
                    failures.add(url + ": " + describe(e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("MNIST: download interrupted", e);
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            if (!done) {
                throw new IOException("MNIST: could not download " + FILES.get(i) + " from any mirror ("
                        + String.join("; ", failures) + ")");
            }
        }
    }

    /** An I/O failure in a few words; {@code ConnectException} alone says little, its causes say more. */
    private static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "host not found (no network?)";
            }
            if (t instanceof java.net.http.HttpConnectTimeoutException) {
                return "connection timed out";
            }
        }
        if (e instanceof java.net.ConnectException) {
            return "cannot connect" + (e.getMessage() == null ? "" : " (" + e.getMessage().strip() + ")");
        }
        String m = e.getMessage();
        return (e.getClass().getSimpleName() + (m == null ? "" : " " + m)).replaceAll("\\s+", " ").strip();
    }

    /** SHA-256 of a file's content after gzip decompression (or of the file itself when not compressed). */
    static String contentSha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = raw;
            byte[] head = raw.readNBytes(2);
            in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), raw);
            if (head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                in = new GZIPInputStream(in);
            }
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        } catch (java.util.zip.ZipException e) {
            return "not-gzip: " + e.getMessage();
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * Keeps the first examples only (for quick runs and tests).
     *
     * @param train how many training examples to keep, at most all
     * @param test how many test examples to keep, at most all
     * @return the smaller set
     */
    public Mnist limit(int train, int test) {
        int tr = Math.min(train, trainLabels.length);
        int te = Math.min(test, testLabels.length);
        try {
            return new Mnist(trainImages.slice(0, tr), java.util.Arrays.copyOf(trainLabels, tr),
                    testImages.slice(0, te), java.util.Arrays.copyOf(testLabels, te), "limit");
        } catch (DataFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return the number of training examples} */
    public int trainSize() {
        return trainLabels.length;
    }

    /** {@return the number of test examples} */
    public int testSize() {
        return testLabels.length;
    }

    /** {@return pixels per image (784)} */
    public int features() {
        return trainImages.size();
    }

    /**
     * A batch of training images, pixels scaled to [0, 1] then standardised: {@code (p - 0.1307) / 0.3081}.
     *
     * @param order a permutation of the training indices
     * @param from first position in {@code order}
     * @param to one past the last position
     * @return {@code (to - from) x 784}
     */
    public Tensor trainBatch(int[] order, int from, int to) {
        return batch(trainImages, order, from, to);
    }

    /**
     * Returns the labels of that batch.
     *
     * @param order a permutation of the training indices
     * @param from first position in {@code order}
     * @param to one past the last position
     * @return the labels of that batch
     */
    public int[] trainLabels(int[] order, int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = trainLabels[order[i]];
        }
        return out;
    }

    /**
     * Returns test images {@code from..to}, standardised as the training batches.
     *
     * @param from first test index
     * @param to one past the last
     * @return test images {@code from..to}, standardised as the training batches
     */
    public Tensor testBatch(int from, int to) {
        int[] order = new int[to - from];
        for (int i = 0; i < order.length; i++) {
            order[i] = from + i;
        }
        return batch(testImages, order, 0, order.length);
    }

    /** {@return a copy of the test labels} */
    public int[] testLabels() {
        return testLabels.clone();
    }

    private static Tensor batch(Idx.Images images, int[] order, int from, int to) {
        int d = images.size();
        double[] x = new double[(to - from) * d];
        for (int i = from; i < to; i++) {
            for (int j = 0; j < d; j++) {
                x[(i - from) * d + j] = (images.pixel(order[i], j) - MEAN) / STD;
            }
        }
        return Tensor.of(to - from, d, x);
    }
}
