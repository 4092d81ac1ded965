package dev.ejgrad.examples;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.data.Batch;
import dev.ejgrad.data.DataLoader;
import dev.ejgrad.data.TensorDataset;
import dev.ejgrad.nn.Embedding;
import dev.ejgrad.nn.GRUCell;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.CosineAnnealingLR;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lesson 9: bits per character. Character-level language models of English words (makemore-style): 27 symbols, a-z
 * and {@code .} marking the start and the end of a word, so a word of L letters makes L + 1 predictions.
 *
 * <ul>
 *   <li>the counted unigram and bigram models; on their own training data, without smoothing, their cross-entropy
 *       (the average of {@code -log q} over the tokens) is their entropy (a sum over the distribution);</li>
 *   <li>an {@link Embedding} + MLP model on the previous 3 symbols (Bengio et al. 2003) and an embedding + {@link GRUCell}
 *       + {@link Linear} model unrolled over the word, both trained with {@link CrossEntropyLoss};</li>
 *   <li>test cross-entropy in nats, in bits ({@code nats / ln 2}) and as perplexity ({@code e^nats});</li>
 *   <li>the KL reading, on the training data: with {@code p̂} the counted distribution of the next symbol given a
 *       model's context, {@code CE(q) = H(next | context) + KL(p̂‖q)}, and the bits a model saves over the unigram
 *       code are {@code KL(p̂‖U) - KL(p̂‖q)}; for the bigram, {@code H(U) - H(B) = Σ_a P(a) KL(B(·|a)‖U)}, the
 *       mutual information of consecutive symbols.</li>
 * </ul>
 */
@Command(name = "bits-per-character", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Character-level language models of English words: unigram, bigram, an Embedding+MLP and a "
            + "GRU; test loss in nats, bits per character and perplexity; CE = H + KL on the training data.",
            "Without --data it uses the 4,021-word subset of SCOWL shipped with the examples."})
final class BitsPerCharacter implements Callable<Integer> {

    /** The 27 symbols: {@code .} (start and end) is 0, a-z are 1-26. */
    static final int SYMBOLS = 27;
    static final int CONTEXT = 3;
    static final int EMBED = 10;
    static final int MLP_HIDDEN = 96;
    static final int GRU_EMBED = 12;
    static final int GRU_HIDDEN = 48;
    private static final int IGNORE = -100;
    private static final double LN2 = Math.log(2);
    static final String EMBEDDED = "english-words/words.txt";

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "FILE",
            description = "A word list, one word a line; words of letters a-z only are kept (case is folded), the "
                + "others skipped.")
    Path data;

    @Option(names = "--mlp-steps", defaultValue = "2000", description = "Adam steps for the MLP (default: "
            + "${DEFAULT-VALUE}).")
    int mlpSteps;

    @Option(names = "--gru-steps", defaultValue = "800", description = "Adam steps for the GRU (default: "
            + "${DEFAULT-VALUE}).")
    int gruSteps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for the split, the weights, the batches and "
            + "the samples (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", defaultValue = "target/ejgrad-bits-per-character", paramLabel = "DIR",
            description = "Where to write the training chart (default: ${DEFAULT-VALUE}).")
    Path out;

    /** How long to train. */
    static final class Settings {
        int mlpSteps = 2000;
        int mlpBatch = 128;
        int gruSteps = 800;
        int gruBatch = 32;
        long seed = 1;
    }

    /** One model's numbers. */
    static final class Model {
        String name;
        String context;
        int parameters;
        /** On the test words (the counted models with add-one smoothing). */
        double testNats;
        /** On the training words, in nats: the cross-entropy, H(next | context), KL(p̂‖q), KL(p̂‖U). */
        double trainCe;
        double trainH;
        double trainKl;
        double trainKlFromUnigram;
        List<String> samples = new ArrayList<>();

        double testBits() {
            return testNats / LN2;
        }

        double perplexity() {
            return Math.exp(testNats);
        }
    }

    /** The lesson's numbers. */
    static final class Result {
        String source;
        int words;
        int skipped;
        int trainWords;
        int testWords;
        int trainTokens;
        int testTokens;
        Model unigram;
        Model bigram;
        Model mlp;
        Model gru;
        /** The counted models on their training data: CE as a token average and H from the distribution. */
        double unigramCe;
        double unigramEntropy;
        double bigramCe;
        double bigramEntropy;
        /** Σ_a P(a) KL(B(·|a)‖U), summed directly. */
        double bigramKlFromUnigram;
        /** Training loss (nats per character) of each step. */
        double[] mlpCurve;
        double[] gruCurve;
        int mlpBatch;
        int gruBatch;
        double seconds;
    }

    // ---------------------------------------------------------------- data

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
        try (InputStream in = BitsPerCharacter.class.getResourceAsStream(path)) {
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

    // ---------------------------------------------------------------- the lesson

    static Result compute(List<String> lines, String source, Settings s) {
        long start = System.nanoTime();
        int[] skipped = new int[1];
        List<int[]> all = encode(lines, skipped);
        if (all.size() < 20) {
            throw new IllegalArgumentException(source + " has " + all.size()
                    + " words of letters a-z (" + skipped[0] + " others skipped); at least 20 are needed");
        }
        List<int[]> shuffled = new ArrayList<>(all);
        java.util.Collections.shuffle(shuffled, new Random(s.seed));
        int nTest = Math.max(1, shuffled.size() / 10);
        List<int[]> test = shuffled.subList(0, nTest);
        List<int[]> train = shuffled.subList(nTest, shuffled.size());
        Tokens tr = new Tokens(train);
        Tokens te = new Tokens(test);

        Result r = new Result();
        r.source = source;
        r.words = all.size();
        r.skipped = skipped[0];
        r.trainWords = train.size();
        r.testWords = test.size();
        r.trainTokens = tr.n;
        r.testTokens = te.n;
        r.mlpBatch = s.mlpBatch;
        r.gruBatch = s.gruBatch;
        counted(r, tr, te);

        Random rng = new Random(s.seed);
        Mlp mlp = new Mlp(rng);
        r.mlpCurve = mlp.train(tr, s, rng);
        r.mlp = model("MLP", "previous 3", mlp.parameterCount());
        Gru gru = new Gru(rng);
        r.gruCurve = gru.train(train, s, rng);
        r.gru = model("GRU", "whole prefix", gru.parameterCount());

        double[][] unigramRows = new double[tr.n][];
        double[] logU = logUnigram(tr, 0);
        java.util.Arrays.fill(unigramRows, logU);
        try (NoGrad scope = NoGrad.enter()) {
            r.mlp.testNats = meanNll(mlp.logProbs(te), te.target);
            r.gru.testNats = meanNll(gru.logProbs(te), te.target);
            decompose(r.mlp, tr, CONTEXT, mlp.logProbs(tr), unigramRows);
            decompose(r.gru, tr, -1, gru.logProbs(tr), unigramRows);
            Random sampler = new Random(s.seed);
            for (int i = 0; i < 10; i++) {
                r.mlp.samples.add(mlp.sample(sampler));
            }
            for (int i = 0; i < 10; i++) {
                r.gru.samples.add(gru.sample(sampler));
            }
        }
        r.seconds = (System.nanoTime() - start) / 1e9;
        return r;
    }

    private static Model model(String name, String context, int parameters) {
        Model m = new Model();
        m.name = name;
        m.context = context;
        m.parameters = parameters;
        return m;
    }

    /** log U(c) from the training counts, with {@code add} added to each count. */
    private static double[] logUnigram(Tokens tr, double add) {
        double[] count = new double[SYMBOLS];
        for (int k = 0; k < tr.n; k++) {
            count[tr.target[k]]++;
        }
        double[] log = new double[SYMBOLS];
        for (int c = 0; c < SYMBOLS; c++) {
            log[c] = Math.log((count[c] + add) / (tr.n + add * SYMBOLS));
        }
        return log;
    }

    /** log B(c | a) from the training counts, with {@code add} added to each count. */
    private static double[][] logBigram(Tokens tr, double add) {
        double[][] count = new double[SYMBOLS][SYMBOLS];
        for (int k = 0; k < tr.n; k++) {
            count[tr.previous(k, 1)][tr.target[k]]++;
        }
        double[][] log = new double[SYMBOLS][SYMBOLS];
        for (int a = 0; a < SYMBOLS; a++) {
            double rowSum = 0;
            for (double v : count[a]) {
                rowSum += v;
            }
            for (int c = 0; c < SYMBOLS; c++) {
                log[a][c] = Math.log((count[a][c] + add) / (rowSum + add * SYMBOLS));
            }
        }
        return log;
    }

    /** The counted models: their test loss (add-one), and their entropy and cross-entropy on the training data. */
    private static void counted(Result r, Tokens tr, Tokens te) {
        double[] logU = logUnigram(tr, 0);
        double[][] logB = logBigram(tr, 0);
        double[] logU1 = logUnigram(tr, 1);
        double[][] logB1 = logBigram(tr, 1);
        r.unigram = model("unigram", "none", SYMBOLS - 1);
        r.bigram = model("bigram", "previous 1", SYMBOLS * (SYMBOLS - 1));
        double su = 0;
        double sb = 0;
        for (int k = 0; k < te.n; k++) {
            su -= logU1[te.target[k]];
            sb -= logB1[te.previous(k, 1)][te.target[k]];
        }
        r.unigram.testNats = su / te.n;
        r.bigram.testNats = sb / te.n;

        // on the training data: CE as the average over the tokens, H as a sum over the distributions
        Sum ceU = new Sum();
        Sum ceB = new Sum();
        double[] contextCount = new double[SYMBOLS];
        for (int k = 0; k < tr.n; k++) {
            ceU.add(-logU[tr.target[k]]);
            ceB.add(-logB[tr.previous(k, 1)][tr.target[k]]);
            contextCount[tr.previous(k, 1)]++;
        }
        r.unigramCe = ceU.value() / tr.n;
        r.bigramCe = ceB.value() / tr.n;
        double hU = 0;
        for (int c = 0; c < SYMBOLS; c++) {
            hU -= plogp(logU[c]);
        }
        double hB = 0;
        double kl = 0;
        for (int a = 0; a < SYMBOLS; a++) {
            double pa = contextCount[a] / tr.n;
            double h = 0;
            double d = 0;
            for (int c = 0; c < SYMBOLS; c++) {
                h -= plogp(logB[a][c]);
                d += Math.exp(logB[a][c]) > 0 ? Math.exp(logB[a][c]) * (logB[a][c] - logU[c]) : 0;
            }
            hB += pa * h;
            kl += pa * d;
        }
        r.unigramEntropy = hU;
        r.bigramEntropy = hB;
        r.bigramKlFromUnigram = kl;

        double[][] uRows = new double[tr.n][];
        double[][] bRows = new double[tr.n][];
        for (int k = 0; k < tr.n; k++) {
            uRows[k] = logU;
            bRows[k] = logB[tr.previous(k, 1)];
        }
        decompose(r.unigram, tr, 0, uRows, uRows);
        decompose(r.bigram, tr, 1, bRows, uRows);
    }

    /** A compensated (Kahan-Babuška) sum, so that a sum over 10^5-10^6 tokens keeps its last digits. */
    static final class Sum {
        private double sum;
        private double compensation;

        void add(double v) {
            double t = sum + v;
            compensation += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
            sum = t;
        }

        double value() {
            return sum + compensation;
        }
    }

    private static double plogp(double logp) {
        return logp == Double.NEGATIVE_INFINITY ? 0 : Math.exp(logp) * logp;
    }

    private static double meanNll(double[][] logq, int[] target) {
        double s = 0;
        for (int k = 0; k < target.length; k++) {
            s -= logq[k][target[k]];
        }
        return s / target.length;
    }

    /**
     * CE, H(next | context) and KL(p̂‖q) on the training tokens, with p̂ the counted distribution of the next symbol
     * given the model's context ({@code contextLength} symbols, or the whole prefix if negative), and q the model's
     * prediction there (the first token's row of each context; the model gives every token of a context the same).
     */
    private static void decompose(Model m, Tokens tr, int contextLength, double[][] logq, double[][] logU) {
        Map<String, int[]> counts = new HashMap<>();
        Map<String, Integer> first = new HashMap<>();
        for (int k = 0; k < tr.n; k++) {
            String key = tr.context(k, contextLength);
            counts.computeIfAbsent(key, x -> new int[SYMBOLS])[tr.target[k]]++;
            first.putIfAbsent(key, k);
        }
        Sum ce = new Sum();
        for (int k = 0; k < tr.n; k++) {
            ce.add(-logq[k][tr.target[k]]);
        }
        Sum h = new Sum();
        Sum kl = new Sum();
        Sum klU = new Sum();
        for (Map.Entry<String, int[]> e : counts.entrySet()) {
            int[] c = e.getValue();
            int k = first.get(e.getKey());
            double total = 0;
            for (int v : c) {
                total += v;
            }
            for (int y = 0; y < SYMBOLS; y++) {
                if (c[y] == 0) {
                    continue;
                }
                double logp = Math.log(c[y] / total);
                h.add(-c[y] * logp);
                kl.add(c[y] * (logp - logq[k][y]));
                klU.add(c[y] * (logp - logU[k][y]));
            }
        }
        m.trainCe = ce.value() / tr.n;
        m.trainH = h.value() / tr.n;
        m.trainKl = kl.value() / tr.n;
        m.trainKlFromUnigram = klU.value() / tr.n;
    }

    /** log-softmax of the logits, as rows. */
    private static double[][] rows(Tensor logits) {
        return logits.logSoftmax(1).toArray();
    }

    private static int sample(double[] logp, Random rng) {
        double u = rng.nextDouble();
        double acc = 0;
        for (int c = 0; c < logp.length; c++) {
            acc += Math.exp(logp[c]);
            if (u < acc) {
                return c;
            }
        }
        return logp.length - 1;
    }

    private static List<Tensor> concat(List<Tensor> a, List<Tensor> b) {
        List<Tensor> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    // ---------------------------------------------------------------- the MLP

    /** Embedding(27, 10) of each of the previous 3 symbols, concatenated; Linear(30, 96), tanh, Linear(96, 27). */
    static final class Mlp {
        final Embedding embedding;
        final Linear hidden;
        final Linear output;

        Mlp(Random rng) {
            embedding = new Embedding(SYMBOLS, EMBED, rng);
            hidden = new Linear(CONTEXT * EMBED, MLP_HIDDEN, true, rng);
            output = new Linear(MLP_HIDDEN, SYMBOLS, true, rng);
        }

        List<Tensor> parameters() {
            return concat(concat(embedding.parameters(), hidden.parameters()), output.parameters());
        }

        int parameterCount() {
            return parameters().stream().mapToInt(Tensor::numel).sum();
        }

        /** Logits for contexts given as {@code n} rows of 3 symbols, flattened. */
        Tensor forward(int[] contexts, int n) {
            Tensor x = embedding.forward(contexts).reshape(n, CONTEXT * EMBED);
            return output.forward(hidden.forward(x).tanh());
        }

        double[] train(Tokens tr, Settings s, Random rng) {
            double[][] ctx = new double[tr.n][CONTEXT];
            for (int k = 0; k < tr.n; k++) {
                for (int j = 0; j < CONTEXT; j++) {
                    ctx[k][j] = tr.previous(k, CONTEXT - j);
                }
            }
            DataLoader loader = new DataLoader(new TensorDataset(Tensor.of(ctx), tr.target), s.mlpBatch)
                    .shuffle(rng.nextLong()).dropLast(true);
            Adam opt = new Adam(parameters(), 0.01);
            CosineAnnealingLR schedule = new CosineAnnealingLR(opt, s.mlpSteps, 0.001);
            CrossEntropyLoss ce = new CrossEntropyLoss();
            double[] curve = new double[s.mlpSteps];
            Iterator<Batch> batches = loader.iterator();
            for (int step = 0; step < s.mlpSteps; step++) {
                if (!batches.hasNext()) {
                    batches = loader.iterator();
                }
                Batch b = batches.next();
                int n = b.labels().length;
                Tensor loss = ce.forward(forward(flatten(b.features()), n), b.labels());
                opt.zeroGrad();
                loss.backward();
                opt.step();
                schedule.step();
                curve[step] = loss.item();
            }
            return curve;
        }

        /** The log-probabilities of every token, in chunks of 4096 tokens. */
        double[][] logProbs(Tokens t) {
            double[][] out = new double[t.n][];
            for (int from = 0; from < t.n; from += 4096) {
                int n = Math.min(t.n, from + 4096) - from;
                int[] ctx = new int[n * CONTEXT];
                for (int k = 0; k < n; k++) {
                    for (int j = 0; j < CONTEXT; j++) {
                        ctx[k * CONTEXT + j] = t.previous(from + k, CONTEXT - j);
                    }
                }
                System.arraycopy(rows(forward(ctx, n)), 0, out, from, n);
            }
            return out;
        }

        String sample(Random rng) {
            int[] ctx = new int[CONTEXT];
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 20) {
                int c = BitsPerCharacter.sample(rows(forward(ctx, 1))[0], rng);
                if (c == 0) {
                    break;
                }
                sb.append((char) ('a' + c - 1));
                System.arraycopy(ctx, 1, ctx, 0, CONTEXT - 1);
                ctx[CONTEXT - 1] = c;
            }
            return sb.toString();
        }
    }

    private static int[] flatten(Tensor t) {
        double[][] a = t.toArray();
        int[] out = new int[a.length * a[0].length];
        int k = 0;
        for (double[] row : a) {
            for (double v : row) {
                out[k++] = (int) v;
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- the GRU

    /** Embedding(27, 12), GRUCell(12, 48), Linear(48, 27), unrolled over each word from {@code .}. */
    static final class Gru {
        final Embedding embedding;
        final GRUCell cell;
        final Linear output;

        Gru(Random rng) {
            embedding = new Embedding(SYMBOLS, GRU_EMBED, rng);
            cell = new GRUCell(GRU_EMBED, GRU_HIDDEN, rng);
            output = new Linear(GRU_HIDDEN, SYMBOLS, true, rng);
        }

        List<Tensor> parameters() {
            return concat(concat(embedding.parameters(), cell.parameters()), output.parameters());
        }

        int parameterCount() {
            return parameters().stream().mapToInt(Tensor::numel).sum();
        }

        /**
         * Logits for a batch of words, step-major: row {@code t·B + i} predicts symbol t of word i. The inputs are
         * {@code B x T} symbols ({@code .} first, then the letters, padded with {@code .}).
         */
        Tensor forward(int[][] inputs) {
            int b = inputs.length;
            int steps = inputs[0].length;
            Tensor h = Tensor.zeros(b, GRU_HIDDEN);
            List<Tensor> states = new ArrayList<>();
            int[] x = new int[b];
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < b; i++) {
                    x[i] = inputs[i][t];
                }
                h = cell.forward(embedding.forward(x), h);
                states.add(h);
            }
            return output.forward(Tensor.cat(0, states));
        }

        /** The padded inputs of some words, and their step-major targets ({@code IGNORE} past each word's end). */
        static int[][] inputs(List<int[]> words, int[] targetsOut) {
            int steps = 0;
            for (int[] w : words) {
                steps = Math.max(steps, w.length + 1);
            }
            int b = words.size();
            int[][] in = new int[b][steps];
            for (int i = 0; i < b; i++) {
                int[] w = words.get(i);
                for (int t = 0; t < steps; t++) {
                    in[i][t] = t == 0 || t > w.length ? 0 : w[t - 1];
                    targetsOut[t * b + i] = t < w.length ? w[t] : t == w.length ? 0 : IGNORE;
                }
            }
            return in;
        }

        static int steps(List<int[]> words) {
            int steps = 0;
            for (int[] w : words) {
                steps = Math.max(steps, w.length + 1);
            }
            return steps;
        }

        double[] train(List<int[]> train, Settings s, Random rng) {
            double[][] index = new double[train.size()][1];
            int[] lengths = new int[train.size()];
            for (int i = 0; i < index.length; i++) {
                index[i][0] = i;
                lengths[i] = train.get(i).length;
            }
            DataLoader loader = new DataLoader(new TensorDataset(Tensor.of(index), lengths), s.gruBatch)
                    .shuffle(rng.nextLong()).dropLast(true);
            Adam opt = new Adam(parameters(), 0.01);
            CosineAnnealingLR schedule = new CosineAnnealingLR(opt, s.gruSteps, 0.001);
            CrossEntropyLoss ce = new CrossEntropyLoss().ignoreIndex(IGNORE);
            double[] curve = new double[s.gruSteps];
            Iterator<Batch> batches = loader.iterator();
            for (int step = 0; step < s.gruSteps; step++) {
                if (!batches.hasNext()) {
                    batches = loader.iterator();
                }
                int[] rowsOf = flatten(batches.next().features());
                List<int[]> words = new ArrayList<>();
                for (int i : rowsOf) {
                    words.add(train.get(i));
                }
                int[] targets = new int[steps(words) * words.size()];
                Tensor loss = ce.forward(forward(inputs(words, targets)), targets);
                opt.zeroGrad();
                loss.backward();
                opt.step();
                schedule.step();
                curve[step] = loss.item();
            }
            return curve;
        }

        /** The log-probabilities of every token, in the order of {@code t}. */
        double[][] logProbs(Tokens t) {
            double[][] out = new double[t.n][];
            int k = 0;
            for (int from = 0; from < t.words.size(); from += 512) {
                List<int[]> words = t.words.subList(from, Math.min(t.words.size(), from + 512));
                int b = words.size();
                int[] targets = new int[steps(words) * b];
                double[][] all = rows(forward(inputs(words, targets)));
                for (int i = 0; i < b; i++) {
                    for (int s = 0; s <= words.get(i).length; s++) {
                        out[k++] = all[s * b + i];
                    }
                }
            }
            return out;
        }

        String sample(Random rng) {
            Tensor h = Tensor.zeros(1, GRU_HIDDEN);
            int c = 0;
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 20) {
                h = cell.forward(embedding.forward(c), h);
                c = BitsPerCharacter.sample(rows(output.forward(h))[0], rng);
                if (c == 0) {
                    break;
                }
                sb.append((char) ('a' + c - 1));
            }
            return sb.toString();
        }
    }

    // ---------------------------------------------------------------- printing

    static String report(Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%s: %,d words of letters a-z%s; %,d training and %,d test words "
                + "(seeded split)%n", r.source, r.words, r.skipped == 0 ? "" : " (" + r.skipped + " others skipped)",
                r.trainWords, r.testWords));
        sb.append(String.format(Locale.ROOT, "27 symbols, a-z and '.' for start and end: a word of L letters is L + 1 "
                + "predictions (%,d training, %,d test)%n", r.trainTokens, r.testTokens));
        sb.append(String.format(Locale.ROOT, "MLP: Embedding(27, %d) of the previous %d symbols, Linear(%d, %d), "
                + "tanh, Linear(%d, 27); %d Adam steps of %d predictions%n", EMBED, CONTEXT, CONTEXT * EMBED,
                MLP_HIDDEN, MLP_HIDDEN, r.mlpCurve.length, r.mlpBatch));
        sb.append(String.format(Locale.ROOT, "GRU: Embedding(27, %d), GRUCell(%d, %d) unrolled over the word, "
                + "Linear(%d, 27); %d Adam steps of %d words%n%n", GRU_EMBED, GRU_EMBED, GRU_HIDDEN, GRU_HIDDEN,
                r.gruCurve.length, r.gruBatch));

        sb.append("test words (counted models with add-one smoothing); bits = nats / ln 2, perplexity = e^nats\n");
        TextTable t = new TextTable("model", "context", "parameters", "nats/char", "bits/char", "perplexity");
        for (Model m : new Model[] {r.unigram, r.bigram, r.mlp, r.gru}) {
            t.row(m.name, m.context, String.format(Locale.ROOT, "%,d", m.parameters), m.testNats, m.testBits(),
                    m.perplexity());
        }
        sb.append(t);

        sb.append("\ntraining words, counted models without smoothing: cross-entropy = entropy (nats)\n");
        sb.append(new TextTable("model", "CE = mean -log q over tokens", "H from the distribution", "CE - H")
                .row("unigram U", r.unigramCe, r.unigramEntropy, r.unigramCe - r.unigramEntropy)
                .row("bigram B", r.bigramCe, r.bigramEntropy, r.bigramCe - r.bigramEntropy));
        sb.append(String.format(Locale.ROOT, "bits the bigram saves over the unigram code, the mutual information of "
                + "consecutive symbols:%n  H(U) - H(B) = %s   Σ_a P(a) KL(B(·|a)‖U) = %s   difference %s%n",
                TextTable.number(bits(r.unigramEntropy - r.bigramEntropy)),
                TextTable.number(bits(r.bigramKlFromUnigram)),
                TextTable.number(bits(r.unigramEntropy - r.bigramEntropy - r.bigramKlFromUnigram))));
        sb.append("\ntraining words, bits/char: CE(q) = H(next | context) + KL(p̂‖q), p̂ the counted next symbol given "
                + "the model's context;\nthe bits saved over the unigram code, CE(U) - CE(q), are KL(p̂‖U) - KL(p̂‖q)\n");
        TextTable k = new TextTable("model", "CE(q)", "H(next|ctx)", "KL(p̂‖q)", "H + KL - CE", "CE(U) - CE(q)",
                "KL(p̂‖U) - KL(p̂‖q)");
        for (Model m : new Model[] {r.unigram, r.bigram, r.mlp, r.gru}) {
            k.row(m.name, bits(m.trainCe), bits(m.trainH), bits(m.trainKl), bits(m.trainH + m.trainKl - m.trainCe),
                    bits(r.unigram.trainCe - m.trainCe), bits(m.trainKlFromUnigram - m.trainKl));
        }
        sb.append(k);
        sb.append("\nsamples (seeded)\n");
        sb.append("MLP: ").append(String.join(" ", r.mlp.samples)).append('\n');
        sb.append("GRU: ").append(String.join(" ", r.gru.samples)).append('\n');
        return sb.toString();
    }

    private static double bits(double nats) {
        return nats / LN2;
    }

    /**
     * The training loss of both networks in bits per character (means over windows of 25 steps) against passes over
     * the training words (an MLP step sees 128 predictions, a GRU step 32 words), and the test losses as lines.
     */
    static XYChart chart(Result r) {
        XYChart chart = new XYChartBuilder().width(960).height(560)
                .title(String.format(Locale.ROOT, "%s: %,d training words, character-level models", r.source,
                        r.trainWords))
                .xAxisTitle("epochs (passes over the training words)").yAxisTitle("bits per character").build();
        double mlpEpochs = (double) r.mlpBatch / r.trainTokens;
        double gruEpochs = (double) r.gruBatch / r.trainWords;
        addCurve(chart, "MLP, training loss", r.mlpCurve, mlpEpochs, TrainingChart.LOSS_COLOR);
        addCurve(chart, "GRU, training loss", r.gruCurve, gruEpochs, TrainingChart.ERROR_COLOR);
        double last = Math.max(r.mlpCurve.length * mlpEpochs, r.gruCurve.length * gruEpochs);
        for (Model m : new Model[] {r.unigram, r.bigram, r.mlp, r.gru}) {
            XYSeries s = chart.addSeries(String.format(Locale.ROOT, "%s test %.3f", m.name, m.testBits()),
                    new double[] {0, last}, new double[] {m.testBits(), m.testBits()});
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(SeriesLines.DASH_DASH);
            s.setLineColor(m == r.mlp ? TrainingChart.LOSS_COLOR : m == r.gru ? TrainingChart.ERROR_COLOR
                    : m == r.bigram ? Color.DARK_GRAY : Color.GRAY);
        }
        XYStyler st = chart.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBorderVisible(false);
        st.setPlotGridVerticalLinesVisible(false);
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setLegendBorderColor(Color.WHITE);
        st.setChartTitleBoxVisible(false);
        st.setChartTitleFont(st.getChartTitleFont().deriveFont(Font.BOLD, 15f));
        st.setXAxisMin(0.0);
        st.setXAxisMax(last);
        st.setXAxisDecimalPattern("0.0");
        // from zero, so that a curve's height is its size (as the mnist chart)
        st.setYAxisMin(0.0);
        st.setYAxisMax(Math.ceil(Math.max(bits(r.unigram.testNats), max(r.mlpCurve, r.gruCurve)) + 0.2));
        st.setYAxisDecimalPattern("0.0");
        return chart;
    }

    private static double max(double[] a, double[] b) {
        double m = 0;
        for (double[] c : new double[][] {a, b}) {
            for (int i = 0; i + 25 <= c.length; i += 25) {
                double s = 0;
                for (int j = i; j < i + 25; j++) {
                    s += c[j];
                }
                m = Math.max(m, bits(s / 25));
            }
        }
        return m;
    }

    private static void addCurve(XYChart chart, String name, double[] curve, double epochsPerStep, Color color) {
        int window = 25;
        int n = curve.length / window;
        if (n == 0) {
            return;
        }
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = i * window; j < (i + 1) * window; j++) {
                s += curve[j];
            }
            x[i] = (i + 1) * window * epochsPerStep;
            y[i] = bits(s / window);
        }
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineStyle(SeriesLines.SOLID);
    }

    private static List<String> readLines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text (a word list is one word a line)", e);
        }
    }

    @Override
    public Integer call() throws IOException {
        if (mlpSteps < 1 || gruSteps < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--mlp-steps and --gru-steps must be at least 1");
        }
        Settings s = new Settings();
        s.mlpSteps = mlpSteps;
        s.gruSteps = gruSteps;
        s.seed = seed;
        Result r = data == null ? compute(embeddedLines(), "english words (SCOWL subset)", s)
                : compute(readLines(data), data.toString(), s);
        System.out.print(report(r));
        Files.createDirectories(out);
        Path chart = out.resolve("bits-per-character.png");
        System.setProperty("java.awt.headless", "true");
        BitmapEncoder.saveBitmap(chart(r), chart.toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.printf(Locale.ROOT, "%nchart: %s (%.1f s of training and evaluation)%n", chart, r.seconds);
        return 0;
    }
}
