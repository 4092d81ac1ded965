package dev.ejgrad.examples;

import dev.ejgrad.core.Tensor;

/**
 * Column standardisation, {@code (x - mean) / std}, with the statistics of the rows it was fitted on: fit it on the
 * training rows and apply it to every split, so nothing of the held-out rows leaks into training. The standard
 * deviation is the population one ({@code correction} 0); a constant column keeps a scale of 1, so it stays centred
 * rather than turning into NaN.
 *
 * @param mean the column means, 1 x d
 * @param scale the column standard deviations (1 for a constant column), 1 x d
 */
record Standardizer(Tensor mean, Tensor scale) {

    /** The statistics of {@code x}'s columns. */
    static Standardizer fit(Tensor x) {
        Tensor mean = x.mean(0);
        double[] sd = x.var(0, 0).sqrt().toMatrix().data.clone();
        for (int j = 0; j < sd.length; j++) {
            sd[j] = sd[j] > 0 && Double.isFinite(sd[j]) ? sd[j] : 1;   // a constant column stays centred, not NaN
        }
        return new Standardizer(mean, Tensor.of(1, sd.length, sd));
    }

    /** {@code x}'s columns standardised with its own statistics: mean 0 and standard deviation 1 each. */
    static Tensor standardize(Tensor x) {
        return fit(x).apply(x);
    }

    /** {@code (x - mean) / scale}, detached from any graph. */
    Tensor apply(Tensor x) {
        return x.sub(mean).div(scale).detach();
    }
}
