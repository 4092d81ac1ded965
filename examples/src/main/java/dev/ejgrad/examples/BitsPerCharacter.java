package dev.ejgrad.examples;

import dev.ejgrad.core.NoGrad;
import dev.ejgrad.examples.CharacterModels.Gru;
import dev.ejgrad.examples.CharacterModels.Mlp;
import dev.ejgrad.examples.Words.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Lesson 9: bits per character. Character-level language models of English words (makemore-style): 27 symbols, a-z
 * and {@code .} marking the start and the end of a word, so a word of L letters makes L + 1 predictions.
 *
 * <ul>
 *   <li>the counted unigram and bigram models; on their own training data, without smoothing, their cross-entropy
 *       (the average of {@code -log q} over the tokens) is their entropy (a sum over the distribution);</li>
 *   <li>an {@link Embedding} + MLP model on the previous 3 symbols (Bengio et al. 2003) and an embedding + {@link GRU}
 *       + {@link Linear} model over the word (a padded batch of words with their lengths), both trained with
 *       {@link CrossEntropyLoss};</li>
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

    /** {@code ln 2}: bits = nats / ln 2. */
    static final double LN2 = Math.log(2);

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

    static Result compute(List<String> lines, String source, Settings s) {
        long start = System.nanoTime();
        int[] skipped = new int[1];
        List<int[]> all = Words.encode(lines, skipped);
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
        CountedModels.counted(r, tr, te);

        Random rng = new Random(s.seed);
        Mlp mlp = new Mlp(rng);
        r.mlpCurve = mlp.train(tr, s, rng);
        r.mlp = model("MLP", "previous 3", mlp.parameterCount());
        Gru gru = new Gru(rng);
        r.gruCurve = gru.train(train, s, rng);
        r.gru = model("GRU", "whole prefix", gru.parameterCount());

        double[][] unigramRows = new double[tr.n][];
        double[] logU = CountedModels.logUnigram(tr, 0);
        java.util.Arrays.fill(unigramRows, logU);
        try (NoGrad scope = NoGrad.enter()) {
            r.mlp.testNats = CountedModels.meanNll(mlp.logProbs(te), te.target);
            r.gru.testNats = CountedModels.meanNll(gru.logProbs(te), te.target);
            CountedModels.decompose(r.mlp, tr, CharacterModels.CONTEXT, mlp.logProbs(tr), unigramRows);
            CountedModels.decompose(r.gru, tr, -1, gru.logProbs(tr), unigramRows);
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

    /** A model's numbers, with its name, its context and its number of parameters filled in. */
    static Model model(String name, String context, int parameters) {
        Model m = new Model();
        m.name = name;
        m.context = context;
        m.parameters = parameters;
        return m;
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
        Result r = data == null ? compute(Words.embeddedLines(), "english words (SCOWL subset)", s)
                : compute(Words.readLines(data), data.toString(), s);
        System.out.print(BitsReport.report(r));
        Files.createDirectories(out);
        Path chart = out.resolve("bits-per-character.png");
        TrainingChart.save(BitsReport.chart(r), chart);
        System.out.printf(Locale.ROOT, "%nchart: %s (%.1f s of training and evaluation)%n", chart, r.seconds);
        return 0;
    }
}
