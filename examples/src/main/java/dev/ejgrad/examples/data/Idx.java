package dev.ejgrad.examples.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST (big-endian header, then unsigned bytes), plain or gzip-compressed: images have the
 * magic number 2051 and three dimensions, labels 2049 and one.
 */
public final class Idx {

    private static final int IMAGES = 2051;
    private static final int LABELS = 2049;

    private Idx() {
    }

    /** Images as unsigned bytes, image after image, row-major. */
    public static final class Images {
        private final int count;
        private final int rows;
        private final int cols;
        private final byte[] pixels;

        Images(int count, int rows, int cols, byte[] pixels) {
            this.count = count;
            this.rows = rows;
            this.cols = cols;
            this.pixels = pixels;
        }

        /** {@return the number of images} */
        public int count() {
            return count;
        }

        /** {@return pixels per image ({@code rows * cols})} */
        public int size() {
            return rows * cols;
        }

        /**
         * Returns the pixel's value scaled to [0, 1].
         *
         * @param image image index
         * @param pixel pixel index within the image
         * @return the pixel's value scaled to [0, 1]
         */
        public double pixel(int image, int pixel) {
            return (pixels[image * size() + pixel] & 0xff) / 255.0;
        }

        /**
         * Returns a view-free copy of those images.
         *
         * @param first the first image to keep
         * @param count how many to keep
         * @return a view-free copy of those images
         */
        public Images slice(int first, int count) {
            byte[] p = new byte[count * size()];
            System.arraycopy(pixels, first * size(), p, 0, p.length);
            return new Images(count, rows, cols, p);
        }
    }

    /**
     * Returns the images.
     *
     * @param file an IDX image file, optionally gzip-compressed
     * @return the images
     * @throws IOException if the file cannot be read or is not an IDX image file (the message names the byte offset)
     */
    public static Images readImages(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readImages(in, file.toString());
        }
    }

    /**
     * Returns the labels.
     *
     * @param file an IDX label file, optionally gzip-compressed
     * @return the labels
     * @throws IOException if the file cannot be read or is not an IDX label file
     */
    public static int[] readLabels(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return readLabels(in, file.toString());
        }
    }

    /**
     * Returns the images.
     *
     * @param raw the bytes, optionally gzip-compressed; not closed
     * @param source the name to use in messages
     * @return the images
     * @throws IOException if the stream is not an IDX image file
     */
    public static Images readImages(InputStream raw, String source) throws IOException {
        DataInputStream in = new DataInputStream(decompress(raw));
        int magic = header(in, source, 0);
        if (magic != IMAGES) {
            throw new DataFormatException(source, "byte 0", "magic number " + magic + ", expected " + IMAGES
                    + " for an IDX image file" + (magic == LABELS ? " (this is a label file)" : ""));
        }
        int count = header(in, source, 4);
        int rows = header(in, source, 8);
        int cols = header(in, source, 12);
        if (count < 0 || rows <= 0 || cols <= 0 || (long) count * rows * cols > Integer.MAX_VALUE - 16) {
            throw new DataFormatException(source, "byte 4", "implausible dimensions " + count + " x " + rows + " x "
                    + cols);
        }
        byte[] pixels = new byte[count * rows * cols];
        body(in, pixels, source, 16);
        return new Images(count, rows, cols, pixels);
    }

    /**
     * Returns the labels.
     *
     * @param raw the bytes, optionally gzip-compressed; not closed
     * @param source the name to use in messages
     * @return the labels
     * @throws IOException if the stream is not an IDX label file
     */
    public static int[] readLabels(InputStream raw, String source) throws IOException {
        DataInputStream in = new DataInputStream(decompress(raw));
        int magic = header(in, source, 0);
        if (magic != LABELS) {
            throw new DataFormatException(source, "byte 0", "magic number " + magic + ", expected " + LABELS
                    + " for an IDX label file" + (magic == IMAGES ? " (this is an image file)" : ""));
        }
        int count = header(in, source, 4);
        if (count < 0) {
            throw new DataFormatException(source, "byte 4", "negative label count " + count);
        }
        byte[] bytes = new byte[count];
        body(in, bytes, source, 8);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = bytes[i] & 0xff;
        }
        return labels;
    }

    private static InputStream decompress(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in) : in;
    }

    private static int header(DataInputStream in, String source, int offset) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            throw new DataFormatException(source, "byte " + offset, "file ends inside the header");
        }
    }

    private static void body(DataInputStream in, byte[] into, String source, int offset) throws IOException {
        int read = 0;
        while (read < into.length) {
            int n = in.read(into, read, into.length - read);
            if (n < 0) {
                throw new DataFormatException(source, "byte " + (offset + read), "file ends after " + read + " of the "
                        + into.length + " data bytes its header declares (truncated)");
            }
            read += n;
        }
        if (in.read() >= 0) {
            throw new DataFormatException(source, "byte " + (offset + read), "data continues past the "
                    + into.length + " bytes its header declares");
        }
    }
}
