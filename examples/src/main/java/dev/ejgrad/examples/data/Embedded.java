package dev.ejgrad.examples.data;

import dev.ejgrad.data.Csv;
import java.io.IOException;
import java.io.InputStream;

/** The small data sets shipped inside the examples jar, read with the library's {@link Csv}. */
public final class Embedded {

    private Embedded() {
    }

    /**
     * Reads one of the CSV files shipped with the examples, in scikit-learn's layout ({@link Csv.Header#SKLEARN}).
     *
     * @param resource the path below {@code dev/ejgrad/examples/data/}, e.g. {@code iris/iris.csv}
     * @return the data
     * @throws IOException if it is missing
     * @throws Csv.FormatException if it is malformed (naming the resource, line and column)
     */
    public static Csv.Table csv(String resource) throws IOException {
        String path = "/dev/ejgrad/examples/data/" + resource;
        try (InputStream in = Embedded.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("no embedded data set " + path);
            }
            return Csv.reader().header(Csv.Header.SKLEARN).read(in, path);
        }
    }
}
