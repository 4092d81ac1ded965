package dev.ejgrad.examples.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistTest {

    /** The full MNIST files beside the project, as in CI and on a developer's machine. */
    private static final Path FULL = Path.of("../../shared/data/mnist").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void theEmbeddedSubsetHasItsDocumentedCountsAndLabels() throws IOException {
        Mnist m = Mnist.embedded();
        assertEquals(2000, m.trainSize());
        assertEquals(500, m.testSize());
        assertEquals(784, m.features());
        int[] counts = new int[10];
        for (int label : m.testLabels()) {
            counts[label]++;
        }
        // shared/data/mnist-small/README.md: test label counts 42 67 55 45 55 50 43 49 40 54
        assertEquals(List.of(42, 67, 55, 45, 55, 50, 43, 49, 40, 54), java.util.Arrays.stream(counts).boxed().toList());
    }

    @Test
    void aMissingFileIsNamed() {
        IOException e = assertThrows(IOException.class, () -> Mnist.fromDirectory(dir));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    /** Serves a folder on the loopback address; files absent from it answer 404. */
    private static HttpServer serve(Path folder) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Path f = folder.resolve(exchange.getRequestURI().getPath().substring(1));
            if (!Files.isRegularFile(f)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(f);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    @Test
    void downloadTriesEachMirrorAndVerifiesChecksums() throws IOException {
        Path wrong = Files.createDirectories(dir.resolve("wrong"));
        for (String f : Mnist.FILES) {
            Files.write(wrong.resolve(f), new byte[] {1, 2, 3});     // served, but the wrong content
        }
        HttpServer good = serve(FULL);
        HttpServer bad = serve(wrong);
        HttpServer empty = serve(Files.createDirectories(dir.resolve("empty")));
        try {
            String goodUrl = "http://127.0.0.1:" + good.getAddress().getPort() + "/";
            String badUrl = "http://127.0.0.1:" + bad.getAddress().getPort() + "/";
            String emptyUrl = "http://127.0.0.1:" + empty.getAddress().getPort() + "/";

            IOException e = assertThrows(IOException.class,
                    () -> Mnist.download(dir.resolve("fail"), List.of(emptyUrl, badUrl)));
            assertTrue(e.getMessage().contains("could not download train-images-idx3-ubyte.gz from any mirror"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(emptyUrl + "train-images-idx3-ubyte.gz: HTTP 404"), e.getMessage());
            assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("fail")), "no partial or unverified file, nor the folder, is kept");
            assertTrue(Files.isDirectory(dir), "a folder that existed before stays");
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());

            Mnist m = Mnist.download(dir.resolve("ok"), List.of(emptyUrl, badUrl, goodUrl));
            assertEquals(60000, m.trainSize());
            assertEquals(10000, m.testSize());
        } finally {
            good.stop(0);
            bad.stop(0);
            empty.stop(0);
        }
    }
}
