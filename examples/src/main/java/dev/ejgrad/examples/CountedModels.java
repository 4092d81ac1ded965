package dev.ejgrad.examples;

import static dev.ejgrad.examples.Words.SYMBOLS;

import dev.ejgrad.examples.BitsPerCharacter.Model;
import dev.ejgrad.examples.BitsPerCharacter.Result;
import dev.ejgrad.examples.Words.Tokens;
import java.util.HashMap;
import java.util.Map;

/**
 * The counted models of the {@code bits-per-character} lesson (unigram and bigram) and the measures every model is
 * read by: the mean negative log-likelihood, and on the training tokens {@code CE = H(next | context) + KL(p̂‖q)}.
 */
final class CountedModels {

    private CountedModels() {
    }

    /** log U(c) from the training counts, with {@code add} added to each count. */
    static double[] logUnigram(Tokens tr, double add) {
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
    static double[][] logBigram(Tokens tr, double add) {
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
    static void counted(Result r, Tokens tr, Tokens te) {
        double[] logU = logUnigram(tr, 0);
        double[][] logB = logBigram(tr, 0);
        double[] logU1 = logUnigram(tr, 1);
        double[][] logB1 = logBigram(tr, 1);
        r.unigram = BitsPerCharacter.model("unigram", "none", SYMBOLS - 1);
        r.bigram = BitsPerCharacter.model("bigram", "previous 1", SYMBOLS * (SYMBOLS - 1));
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

    static double meanNll(double[][] logq, int[] target) {
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
    static void decompose(Model m, Tokens tr, int contextLength, double[][] logq, double[][] logU) {
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
}
