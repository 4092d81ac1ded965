package dev.ejgrad.examples;

import static dev.ejgrad.examples.Words.SYMBOLS;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.data.Batch;
import dev.ejgrad.data.DataLoader;
import dev.ejgrad.data.TensorDataset;
import dev.ejgrad.examples.BitsPerCharacter.Settings;
import dev.ejgrad.examples.Words.Tokens;
import dev.ejgrad.nn.Embedding;
import dev.ejgrad.nn.GRU;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.loss.CrossEntropyLoss;
import dev.ejgrad.optim.Adam;
import dev.ejgrad.optim.CosineAnnealingLR;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The networks of the {@code bits-per-character} lesson: an {@link Embedding} + MLP on the previous 3 symbols, and
 * an embedding + {@link GRU} + {@link Linear} over each word (a padded batch with the words' lengths); each trains with Adam and a cosine schedule,
 * gives the log-probabilities of every token, and samples words.
 */
final class CharacterModels {

    /** The MLP's context: the previous 3 symbols. */
    static final int CONTEXT = 3;
    /** The MLP's embedding size per symbol. */
    static final int EMBED = 10;
    /** The MLP's hidden units. */
    static final int MLP_HIDDEN = 96;
    /** The GRU's embedding size. */
    static final int GRU_EMBED = 12;
    /** The GRU's hidden units. */
    static final int GRU_HIDDEN = 48;
    /** The target past a word's end in a padded batch, which the GRU's loss skips. */
    private static final int IGNORE = -100;

    private CharacterModels() {
    }

    /**
     * Adam (learning rate 0.01, annealed to 0.001 by a cosine over the run) for {@code steps} steps, cycling through
     * the loader's batches.
     *
     * @param loss the loss of a batch
     * @return each step's loss, in nats per character
     */
    private static double[] train(List<Tensor> parameters, DataLoader loader, int steps, Function<Batch, Tensor> loss) {
        Adam opt = new Adam(parameters, 0.01);
        CosineAnnealingLR schedule = new CosineAnnealingLR(opt, steps, 0.001);
        double[] curve = new double[steps];
        Iterator<Batch> batches = loader.iterator();
        for (int step = 0; step < steps; step++) {
            if (!batches.hasNext()) {
                batches = loader.iterator();
            }
            Tensor l = loss.apply(batches.next());
            opt.zeroGrad();
            l.backward();
            opt.step();
            schedule.step();
            curve[step] = l.item();
        }
        return curve;
    }

    /** log-softmax of the logits, as rows. */
    static double[][] rows(Tensor logits) {
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
            CrossEntropyLoss ce = new CrossEntropyLoss();
            return CharacterModels.train(parameters(), loader, s.mlpSteps,
                    b -> ce.forward(forward(flatten(b.features()), b.labels().length), b.labels()));
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
                int c = CharacterModels.sample(rows(forward(ctx, 1))[0], rng);
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

    /** Embedding(27, 12), GRU(12, 48), Linear(48, 27), over each word from {@code .}. */
    static final class Gru {
        final Embedding embedding;
        final GRU gru;
        final Linear output;

        Gru(Random rng) {
            embedding = new Embedding(SYMBOLS, GRU_EMBED, rng);
            gru = new GRU(GRU_EMBED, GRU_HIDDEN, rng);
            output = new Linear(GRU_HIDDEN, SYMBOLS, true, rng);
        }

        List<Tensor> parameters() {
            return concat(concat(embedding.parameters(), gru.parameters()), output.parameters());
        }

        int parameterCount() {
            return parameters().stream().mapToInt(Tensor::numel).sum();
        }

        /**
         * Logits for a batch of words, step-major: row {@code t·B + i} predicts symbol t of word i (rows past a
         * word's end are the output layer's bias: the GRU's outputs there are 0, and the loss skips them). The inputs
         * are {@code B x T} symbols ({@code .} first, then the letters, padded with {@code .}); word i has
         * {@code lengths[i]} of them.
         */
        Tensor forward(int[][] inputs, int[] lengths) {
            int b = inputs.length;
            int steps = inputs[0].length;
            List<Tensor> embedded = new ArrayList<>();
            int[] x = new int[b];
            for (int t = 0; t < steps; t++) {
                for (int i = 0; i < b; i++) {
                    x[i] = inputs[i][t];
                }
                embedded.add(embedding.forward(x));
            }
            return output.forward(Tensor.cat(0, gru.forward(embedded, lengths).outputs()));
        }

        /** Each word's steps: {@code .} and its letters. */
        static int[] lengths(List<int[]> words) {
            int[] lengths = new int[words.size()];
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = words.get(i).length + 1;
            }
            return lengths;
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
            CrossEntropyLoss ce = new CrossEntropyLoss().ignoreIndex(IGNORE);
            return CharacterModels.train(parameters(), loader, s.gruSteps, b -> {
                List<int[]> words = new ArrayList<>();
                for (int i : flatten(b.features())) {
                    words.add(train.get(i));
                }
                int[] targets = new int[steps(words) * words.size()];
                return ce.forward(forward(inputs(words, targets), lengths(words)), targets);
            });
        }

        /** The log-probabilities of every token, in the order of {@code t}. */
        double[][] logProbs(Tokens t) {
            double[][] out = new double[t.n][];
            int k = 0;
            for (int from = 0; from < t.words.size(); from += 512) {
                List<int[]> words = t.words.subList(from, Math.min(t.words.size(), from + 512));
                int b = words.size();
                int[] targets = new int[steps(words) * b];
                double[][] all = rows(forward(inputs(words, targets), lengths(words)));
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
                h = gru.forward(List.of(embedding.forward(c)), null, List.of(h)).hidden().get(0);
                c = CharacterModels.sample(rows(output.forward(h))[0], rng);
                if (c == 0) {
                    break;
                }
                sb.append((char) ('a' + c - 1));
            }
            return sb.toString();
        }
    }
}
