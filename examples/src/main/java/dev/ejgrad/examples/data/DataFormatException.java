package dev.ejgrad.examples.data;

import java.io.IOException;

/** A data file that is not of the expected form; the message names the file and the line or byte offset. */
public final class DataFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    /**
     * A malformed-data error at a place in a file.
     *
     * @param source the file or resource read
     * @param where "line 12" or "byte 16"
     * @param problem what is wrong there
     */
    public DataFormatException(String source, String where, String problem) {
        super(source + ", " + where + ": " + problem);
    }
}
