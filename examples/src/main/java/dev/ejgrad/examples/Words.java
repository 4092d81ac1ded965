package dev.ejgrad.examples;

import dev.ejgrad.examples.Words.Tokens;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The words of the {@code bits-per-character} lesson as symbols: reading a word list, coding its words as 27
 * symbols (a-z and {@code .} for the start and the end), and the tokens of a set of words.
 */
final class Words {

    /** The 27 symbols: {@code .} (start and end) is 0, a-z are 1-26. */
    static final int SYMBOLS = 27;
    /** The shipped word list, under the examples' data resources. */
    static final String EMBEDDED = "english-words/words.txt";

    private Words() {
    }

    /** The words of a list as symbol codes 1-26, keeping those of letters a-z only (case folded). */
    static List<int[]> encode(List<String> lines, int[] skipped) {
        List<int[]> words = new ArrayList<>();
        for (String line : lines) {
            String w = line.strip().toLowerCase(Locale.ROOT);
            if (w.isEmpty()) {
                continue;
            }
            if (!w.matches("[a-z]+")) {
                skipped[0]++;
                continue;
            }
            int[] codes = new int[w.length()];
            for (int i = 0; i < codes.length; i++) {
                codes[i] = w.charAt(i) - 'a' + 1;
            }
            words.add(codes);
        }
        return words;
    }

    static List<String> embeddedLines() throws IOException {
        String path = "/dev/ejgrad/examples/data/" + EMBEDDED;
        try (InputStream in = Words.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("no embedded data set " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    static String decode(int[] codes, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + codes[i] - 1));
        }
        return sb.toString();
    }

    /** The tokens of a set of words: each position's target and its previous symbols. */
    static final class Tokens {
        final int n;
        final int[] target;
        final int[] word;
        final int[] position;
        final List<int[]> words;

        Tokens(List<int[]> words) {
            this.words = words;
            int total = 0;
            for (int[] w : words) {
                total += w.length + 1;
            }
            n = total;
            target = new int[n];
            word = new int[n];
            position = new int[n];
            int k = 0;
            for (int i = 0; i < words.size(); i++) {
                int[] w = words.get(i);
                for (int t = 0; t <= w.length; t++) {
                    target[k] = t < w.length ? w[t] : 0;
                    word[k] = i;
                    position[k] = t;
                    k++;
                }
            }
        }

        /** The symbol {@code back} places before token k ({@code .} before the start). */
        int previous(int k, int back) {
            int t = position[k] - back;
            return t < 0 ? 0 : words.get(word[k])[t];
        }

        /** The symbols before token k, as a key: the last {@code length} of them, or all if {@code length < 0}. */
        String context(int k, int length) {
            int[] w = words.get(word[k]);
            int t = position[k];
            StringBuilder sb = new StringBuilder();
            if (length < 0) {
                sb.append('.').append(decode(w, t));
                return sb.toString();
            }
            for (int back = length; back >= 1; back--) {
                int s = previous(k, back);
                sb.append(s == 0 ? '.' : (char) ('a' + s - 1));
            }
            return sb.toString();
        }
    }

    /** The lines of a word list file, which must be UTF-8. */
    static List<String> readLines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text (a word list is one word a line)", e);
        }
    }
}
