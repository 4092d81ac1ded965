package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adam, with {@code torch.optim.Adam}'s update rule step for step (Kingma and Ba, "Adam: A Method for Stochastic
 * Optimization", 2015; amsgrad from Reddi et al., "On the Convergence of Adam and Beyond", 2018):
 *
 * <pre>
 * g = g + weightDecay·p                          (Adam; AdamW instead multiplies p by 1 - lr·weightDecay first)
 * m = lerp(m, g, 1 - β1);  v = β2·v + (1 - β2)·g²
 * denom = sqrt(amsgrad ? max(v) : v) / sqrt(1 - β2^t) + eps
 * p = p - (lr / (1 - β1^t))·m / denom
 * </pre>
 *
 * <p>Each parameter counts its own steps, so one whose gradient was {@code null} at a step lags in its bias
 * correction. Defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0, no amsgrad.
 */
public class Adam implements Optimizer {

    private final String name;
    private final List<Tensor> params;
    private double lr;
    private final boolean decoupled;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay;
    private boolean amsgrad;
    private int[] steps;
    private double[][] m;
    private double[][] v;
    private double[][] vMax;

    /**
     * An Adam optimizer with the default betas (0.9, 0.999), eps 1e-8, no weight decay.
     *
     * @param params the parameters to update, leaves, each once
     * @param lr learning rate, at least 0
     * @throws IllegalArgumentException if the list is empty, has a non-leaf or a duplicate, or lr is negative
     */
    public Adam(List<Tensor> params, double lr) {
        this("Adam", params, lr, false, 0);
    }

    Adam(String name, List<Tensor> params, double lr, boolean decoupled, double weightDecay) {
        this.name = name;
        this.params = Parameters.check(name, params);
        this.lr = Parameters.checkLr(name, lr);
        this.decoupled = decoupled;
        this.weightDecay = weightDecay;
        int n = this.params.size();
        steps = new int[n];
        m = new double[n][];
        v = new double[n][];
        vMax = new double[n][];
    }

    /**
     * Changes the learning rate, e.g. from a schedule between epochs (as setting {@code param_groups[0]["lr"]}).
     * The moments and step counts are kept.
     *
     * @param lr learning rate, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if lr is negative or NaN
     */
    public Adam lr(double lr) {
        this.lr = Parameters.checkLr(name, lr);
        return this;
    }

    /** {@return the learning rate} */
    public double lr() {
        return lr;
    }

    /**
     * Returns this optimizer.
     *
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     * @return this optimizer
     * @throws IllegalArgumentException if a beta is outside [0, 1)
     */
    public Adam betas(double beta1, double beta2) {
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException(name + ": Invalid beta parameter at index 0: " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(name + ": Invalid beta parameter at index 1: " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        return this;
    }

    /**
     * Returns this optimizer.
     *
     * @param eps term added to the denominator after the square root, at least 0
     * @return this optimizer
     */
    public Adam eps(double eps) {
        this.eps = Parameters.checkNonNegative(name, "epsilon", eps);
        return this;
    }

    /**
     * Returns this optimizer.
     *
     * @param weightDecay weight decay, at least 0 (added to the gradient for Adam, decoupled for AdamW)
     * @return this optimizer
     */
    public Adam weightDecay(double weightDecay) {
        this.weightDecay = Parameters.checkNonNegative(name, "weight_decay", weightDecay);
        return this;
    }

    /**
     * Returns this optimizer.
     *
     * @param amsgrad whether to divide by the running maximum of the second moment; switched on after some steps,
     *     the maximum starts from zero at the next step (so from that step's second moment)
     * @return this optimizer
     */
    public Adam amsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
        return this;
    }

    @Override
    public void step() {
        for (int k = 0; k < params.size(); k++) {
            if (params.get(k).grad() == null) {
                continue;   // no gradient, no step, and no step count (as torch.optim)
            }
            int index = k;
            params.get(k).updateInPlace((p, grad) -> update(index, p, grad));
        }
    }

    private void update(int k, double[] p, double[] grad) {
        if (m[k] == null) {
            m[k] = new double[p.length];
            v[k] = new double[p.length];
        }
        if (amsgrad && vMax[k] == null) {
            vMax[k] = new double[p.length];   // created when amsgrad is first on, possibly after some steps
        }
        int t = ++steps[k];
        if (decoupled) {
            for (int i = 0; i < p.length; i++) {
                p[i] *= 1 - lr * weightDecay;
            }
        }
        double bias1 = 1 - Math.pow(beta1, t);
        double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / bias1;
        double w1 = 1 - beta1;
        double w2 = 1 - beta2;
        double[] mk = m[k];
        double[] vk = v[k];
        for (int i = 0; i < p.length; i++) {
            double g = decoupled || weightDecay == 0 ? grad[i] : grad[i] + weightDecay * p[i];
            mk[i] = lerp(mk[i], g, w1);
            vk[i] = vk[i] * beta2 + w2 * g * g;
            double second = vk[i];
            if (amsgrad) {
                vMax[k][i] = Math.max(vMax[k][i], vk[i]);
                second = vMax[k][i];
            }
            double denom = Math.sqrt(second) / bias2Sqrt + eps;
            p[i] = p[i] + -stepSize * mk[i] / denom;
        }
    }

    /** ATen's lerp: {@code start + w·(end - start)}, computed from the nearer end for accuracy. */
    private static double lerp(double start, double end, double w) {
        return w < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w);
    }

    /**
     * {@inheritDoc} Adam's entries per parameter are {@code state.i.step}, {@code state.i.exp_avg},
     * {@code state.i.exp_avg_sq} and, once amsgrad has been used, {@code state.i.max_exp_avg_sq}.
     */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, double[][]> buffers = new LinkedHashMap<>();
        buffers.put("exp_avg", m);
        buffers.put("exp_avg_sq", v);
        buffers.put("max_exp_avg_sq", vMax);
        return OptimizerState.save(params, lr, steps, buffers);
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        OptimizerState.Loaded loaded = OptimizerState.load(name, params, state, true,
                Set.of("exp_avg", "exp_avg_sq"), Set.of("max_exp_avg_sq"));
        lr = loaded.lr;
        steps = loaded.steps;
        m = loaded.buffer("exp_avg");
        v = loaded.buffer("exp_avg_sq");
        vMax = loaded.buffer("max_exp_avg_sq");
    }

    @Override
    public void zeroGrad() {
        Parameters.zeroGrad(params);
    }
}
