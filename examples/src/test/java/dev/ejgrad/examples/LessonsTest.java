package dev.ejgrad.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each lesson's claim, asserted on the numbers it prints. */
class LessonsTest {

    @Test
    void crossEntropyIsTheNegativeLogLikelihoodAndItsGradientIsSoftmaxMinusOneHot() {
        WhyCrossEntropy.Result r = WhyCrossEntropy.compute();
        assertEquals(-Math.log(0.5), r.crossEntropy, 1e-15);
        assertEquals(0.5, r.likelihood, 1e-15);
        assertEquals(-Math.log(r.likelihood), r.lossFromLogits, 1e-15);
        double[] expected = {0.2, 0.3, -0.5};
        for (int k = 0; k < 3; k++) {
            assertEquals(expected[k], r.autograd[k], 1e-15, "softmax - one-hot at " + k);
        }
        assertTrue(r.lossAfterStep < r.lossFromLogits, "one gradient step lowers the loss");
        for (WhyCrossEntropy.Bernoulli row : r.bernoulli) {
            assertEquals(row.negativeLogLikelihood(), row.bce(), 1e-15, "BCE is the Bernoulli negative log-likelihood");
        }
    }

    @Test
    void theFusedAndComposedLossesAgreeUntilTheComposedOneSaturates() {
        FourLosses.Result r = FourLosses.compute();
        assertEquals(r.nllOfLogSoftmax, r.crossEntropy, 1e-15);
        assertTrue(r.softmaxGradDiff < 1e-15);
        assertEquals(r.bceOfSigmoid, r.bceWithLogits, 1e-14);
        assertTrue(r.sigmoidGradDiff < 1e-12);
        for (FourLosses.Extreme row : r.extreme) {
            double z = row.z();
            assertEquals(z + Math.log1p(Math.exp(-z)), row.fusedLoss(), 1e-12 * z,
                    "fused loss is softplus(z) at z = " + z);
            assertEquals(1 / (1 + Math.exp(-z)), row.fusedGrad(), 1e-15, "fused gradient is sigmoid(z)");
            if (z >= 40) {
                assertEquals(100, row.composedLoss(), 0, "the composed loss clamps at 100");
                assertEquals(0, row.composedGrad(), 0, "and passes no gradient");
            }
        }
    }

    @Test
    void crossEntropyIsEntropyPlusKlSoBothTrainTheSameWeights() {
        KlVsCrossEntropy.Result r = KlVsCrossEntropy.compute();
        assertEquals(r.crossEntropy, r.entropy + r.kl, 1e-14);
        assertTrue(r.maxGradDiff < 1e-15, "gradients: " + r.maxGradDiff);
        assertTrue(r.maxWeightDiff < 1e-12, "weights after training: " + r.maxWeightDiff);
        assertEquals(r.ceAfter - r.entropy, r.klAfter, 1e-12);
        assertTrue(r.ceAfter < r.crossEntropy);
    }

    @Test
    void aNetworkWithNoHiddenLayerReachesTheNewtonSolution() throws Exception {
        LogisticRegression.Result r = LogisticRegression.compute();
        assertTrue(r.binary().distance < 1e-10, "logistic: " + r.binary().distance);
        assertTrue(r.multinomial().distance < 1e-10, "softmax: " + r.multinomial().distance);
        assertTrue(r.binary().accuracy > 0.95);
        assertTrue(r.multinomial().accuracy > 0.9);
    }

    @Test
    void sigmoidHeadsBeatASoftmaxHeadWhenLabelsCoOccur() throws Exception {
        Multilabel.Result r = Multilabel.compute(Path.of("../../shared/data/multilabel-emotions"));
        assertTrue(r.trueLabelsPerExample > 1.5, "labels co-occur: " + r.trueLabelsPerExample);
        assertEquals(1.0, r.softmax.labelsPerExample, 0, "a softmax head names one label");
        assertTrue(r.sigmoid.macroF1 > r.softmax.macroF1 + 0.1,
                r.sigmoid.macroF1 + " vs " + r.softmax.macroF1);
        assertTrue(r.sigmoid.hamming < r.softmax.hamming, r.sigmoid.hamming + " vs " + r.softmax.hamming);
    }

    @Test
    void multilabelReadsYeastAndSceneToo() throws Exception {
        Multilabel.Result yeast = Multilabel.compute(Path.of("../../shared/data/multilabel-yeast"));
        assertEquals("yeast", yeast.dataSet);
        assertEquals(14, yeast.names.size());
        assertEquals(103, yeast.features);
        assertEquals(917, yeast.testRows);
        assertTrue(yeast.sigmoid.macroF1 > yeast.softmax.macroF1, yeast.sigmoid.macroF1 + " vs " + yeast.softmax.macroF1);
        Multilabel.Result scene = Multilabel.compute(Path.of("../../shared/data/multilabel-scene"));
        assertEquals(List.of("Beach", "Sunset", "FallFoliage", "Field", "Mountain", "Urban"), scene.names);
        assertEquals(1196, scene.testRows);
        assertTrue(Multilabel.report(scene).startsWith("scene: 1211 training and 1196 test examples, 6 labels, "),
                Multilabel.report(scene));
    }

    @Test
    void minimisingMseIsMaximisingTheGaussianLikelihood() {
        MseAsLikelihood.Result r = MseAsLikelihood.compute();
        for (int i = 0; i < 4; i++) {
            assertEquals(r.normalEquations[i], r.byMse[i], 1e-9, "MSE fit, parameter " + i);
            assertEquals(r.normalEquations[i], r.byLikelihood[i], 1e-9, "likelihood fit, parameter " + i);
        }
        assertEquals(r.meanSquaredResidual, r.sigma2Likelihood, 1e-9, "σ² is the mean squared residual");
    }

    @Test
    void theHessianOfTheNllIsTheFisherInformationAndDrivesNewton() throws Exception {
        FisherInformation.Result r = FisherInformation.compute();
        FisherInformation.Binary b = r.binary();
        assertTrue(b.hessianVsFisher < 1e-15, "Hessian vs Xᵀdiag(p(1-p))X/N: " + b.hessianVsFisher);
        assertEquals(0, b.labelsChangeNothing, 1e-15, "the labels do not enter the Hessian (canonical link)");
        assertEquals(b.irlsIterations, b.newtonIterations, "Newton iterations");
        assertTrue(b.distance < 1e-12, "logistic: |θ_autograd - θ_IRLS| = " + b.distance);
        for (int j = 0; j < b.sePlain.length; j++) {
            assertTrue(b.seRidge[j] < b.sePlain[j], "the ridge narrows interval " + j);
        }
        FisherInformation.Softmax s = r.softmax();
        assertTrue(s.blockError < 1e-15, "softmax blocks: " + s.blockError);
        assertEquals(0, s.outsideBlocks, "rows do not interact");
        assertEquals(s.irlsIterations, s.newtonIterations, "Newton iterations");
        assertTrue(s.distance < 1e-12, "softmax: |Θ_autograd - Θ_IRLS| = " + s.distance);
    }

    @Test
    void eachLossIsANegativeLogLikelihoodAndGradientDescentFindsTheMle() throws Exception {
        Likelihoods.Result r = Likelihoods.compute();
        assertEquals(14, r.estimates.size());
        for (Likelihoods.Estimate e : r.estimates) {
            for (int i = 0; i < e.mle().length; i++) {
                assertEquals(e.mle()[i], e.fitted()[i], 1e-12, e.distribution() + " " + e.parameter() + " " + i);
            }
            if (!Double.isNaN(e.truth())) {
                // the seeded data's generating parameters, recovered to sampling error
                assertEquals(e.truth(), e.mle()[0], 0.2 * Math.max(1, Math.abs(e.truth())), e.parameter());
            }
        }
        assertEquals(8, r.values.size());
        for (Likelihoods.Value v : r.values) {
            assertEquals(v.byHand(), v.restored(), 1e-12, v.loss() + " vs the NLL by hand");
        }
        assertEquals(r.values.get(0).byHand(), r.values.get(0).value(), 1e-12, "BCE leaves nothing out");
        assertEquals(Math.log(3), r.values.get(2).value(), 1e-12, "iris: the CE at the MLE is the entropy log 3");
        assertEquals(0.5 * Math.log(2 * Math.PI), r.values.get(4).byHand() - r.values.get(4).value(), 1e-12,
                "GaussianNLLLoss drops 0.5·log 2π");
        assertEquals(r.stirlingGapByHand, r.stirlingGap, 1e-12, "full(true) adds Stirling's log y!, not log y!");
        assertTrue(Math.abs(r.stirlingGap) > 1e-4, "Stirling's error is visible: " + r.stirlingGap);
    }

    @Test
    void trainedCharacterModelsBeatTheBigramAndCrossEntropyIsEntropyPlusKl() throws Exception {
        BitsPerCharacter.Settings s = new BitsPerCharacter.Settings();
        s.mlpSteps = 300;   // the lesson runs 2000 and 800; these are enough to pass the bigram clearly
        s.gruSteps = 100;
        BitsPerCharacter.Result r = BitsPerCharacter.compute(Words.embeddedLines(), "words", s);
        assertEquals(4021, r.words);
        assertEquals(0, r.skipped);
        assertEquals(r.words, r.trainWords + r.testWords);
        // the counted models on their own training data: CE (a token average) = H (a sum over the distribution)
        assertEquals(r.unigramEntropy, r.unigramCe, 1e-12);
        assertEquals(r.bigramEntropy, r.bigramCe, 1e-12);
        assertEquals(0, r.unigram.trainKl, 1e-12, "U is the counted distribution");
        assertEquals(0, r.bigram.trainKl, 1e-12, "B is the counted conditional");
        // the bits the bigram saves: H(U) - H(B) = Σ_a P(a) KL(B(·|a)‖U), a mutual information, clearly positive
        assertEquals(r.unigramEntropy - r.bigramEntropy, r.bigramKlFromUnigram, 1e-12);
        assertTrue(r.bigramKlFromUnigram > 0.3, "I(prev; next) = " + r.bigramKlFromUnigram);
        for (BitsPerCharacter.Model m : new BitsPerCharacter.Model[] {r.unigram, r.bigram, r.mlp, r.gru}) {
            assertEquals(m.trainCe, m.trainH + m.trainKl, 1e-12, m.name + ": CE = H + KL");
            assertEquals(r.unigram.trainCe - m.trainCe, m.trainKlFromUnigram - m.trainKl, 1e-12,
                    m.name + ": the bits saved over the unigram code");
            assertTrue(m.trainKl >= 0, m.name + ": KL ≥ 0");
            assertEquals(m.testNats / Math.log(2), m.testBits(), 1e-15);
            assertEquals(Math.exp(m.testNats), m.perplexity(), 1e-12 * m.perplexity());
        }
        // learning: a model that had not learned would sit near the unigram's 4.2 bits or above it
        double bigram = r.bigram.testBits();
        assertTrue(bigram < r.unigram.testBits() - 0.5, bigram + " vs " + r.unigram.testBits());
        assertTrue(r.mlp.testBits() < bigram - 0.1, "MLP " + r.mlp.testBits() + " vs bigram " + bigram);
        assertTrue(r.gru.testBits() < bigram - 0.1, "GRU " + r.gru.testBits() + " vs bigram " + bigram);
        assertTrue(r.mlp.trainKl < r.mlp.trainKlFromUnigram, "the MLP saves bits over the unigram code");
        assertEquals(10, r.mlp.samples.size());
        assertEquals(10, r.gru.samples.size());
        for (String w : r.gru.samples) {
            assertTrue(w.matches("[a-z]{0,20}"), w);
        }
        String report = BitsReport.report(r);
        assertTrue(report.contains(TextTable.number(r.gru.testBits())), report);
        assertTrue(report.contains(String.format(java.util.Locale.ROOT, "%,d training and %,d test words",
                r.trainWords, r.testWords)), report);
    }

    @Test
    void aWordListIsReadLetterWordsOnlyWithCaseFolded() {
        int[] skipped = new int[1];
        java.util.List<int[]> words = Words.encode(List.of("Aaron", "cat's", "", "zoo", "café", " ox "),
                skipped);
        assertEquals(2, skipped[0]);
        assertEquals(List.of("aaron", "zoo", "ox"), words.stream().map(w -> Words.decode(w, w.length))
                .toList());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> BitsPerCharacter.compute(List.of("cat", "dog", "x-ray"), "short.txt",
                        new BitsPerCharacter.Settings()));
        assertEquals("short.txt has 2 words of letters a-z (1 others skipped); at least 20 are needed",
                e.getMessage());
    }

    @Test
    void aConvolutionIsALinearLayerOnEveryPatchToTheLastBit(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        ConvAsMatmul.Result r = ConvAsMatmul.compute(1, dir);
        assertEquals(8 * 16 * 24 * 24, r.valuesCompared());
        assertEquals(0, r.valuesDifferent(), "largest difference " + r.maxAbsDifference());
        assertEquals(16 * 25 + 16, r.convParameters());
        assertEquals(784L * 16 * 24 * 24 + 16 * 24 * 24, r.denseParameters());
        assertEquals(16, r.filters().rows());
        assertEquals(25, r.filters().cols());
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(r.picture().toFile());
        // 4 x 4 filters of 5 x 24 pixels, 12-pixel gaps around each
        assertEquals(4 * (5 * 24 + 12) + 12, png.getWidth());
        assertEquals(4 * (5 * 24 + 12) + 12, png.getHeight());
        assertTrue(r.accuracy() > 0.5, "one epoch learns: " + r.accuracy());
    }
}
