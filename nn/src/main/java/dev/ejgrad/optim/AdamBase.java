package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Adam's rule and options, shared by {@link Adam} and {@link AdamW}, which differ only in how weight decay is
 * applied (tinygrad's "AdamW is Adam with a flag"); the setters return the concrete optimizer {@code T}. The state
 * per parameter is {@code step}, {@code exp_avg}, {@code exp_avg_sq} and, once amsgrad has been used,
 * {@code max_exp_avg_sq}.
 *
 * @param <T> the concrete optimizer
 */
abstract class AdamBase<T extends AdamBase<T>> extends Optimizer {

    private final boolean decoupled;
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double eps = 1e-8;
    private double weightDecay;
    private boolean amsgrad;

    AdamBase(List<Tensor> params, double lr, boolean decoupled, double weightDecay) {
        super(params, lr, List.of("step", "exp_avg", "exp_avg_sq"), List.of("max_exp_avg_sq"));
        this.decoupled = decoupled;
        this.weightDecay = weightDecay;
    }

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    @Override
    public T lr(double lr) {
        super.lr(lr);
        return self();
    }

    /**
     * {@return this optimizer, with the moments' decay rates set}
     * @param beta1 decay of the first moment, in [0, 1)
     * @param beta2 decay of the second moment, in [0, 1)
     */
    public T betas(double beta1, double beta2) {
        String name = getClass().getSimpleName();
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException(name + ": Invalid beta parameter at index 0: " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException(name + ": Invalid beta parameter at index 1: " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        return self();
    }

    /**
     * {@return this optimizer, with the term added to the denominator set}
     * @param eps term added to the denominator after the square root, at least 0
     */
    public T eps(double eps) {
        this.eps = nonNegative("epsilon", eps);
        return self();
    }

    /**
     * {@return this optimizer, with the weight decay set}
     * @param weightDecay weight decay, at least 0 (added to the gradient for Adam, decoupled for AdamW)
     */
    public T weightDecay(double weightDecay) {
        this.weightDecay = nonNegative("weight_decay", weightDecay);
        return self();
    }

    /**
     * {@return this optimizer, with the AMSGrad variant on or off}
     * @param amsgrad whether to divide by the running maximum of the second moment; switched on after some steps,
     *     the maximum starts from zero at the next step (so from that step's second moment)
     */
    public T amsgrad(boolean amsgrad) {
        this.amsgrad = amsgrad;
        return self();
    }

    @Override
    protected final void update(double[] p, double[] grad, int t, Map<String, double[]> state) {
        double lr = lr();
        double[] m = state.computeIfAbsent("exp_avg", name -> new double[p.length]);
        double[] v = state.computeIfAbsent("exp_avg_sq", name -> new double[p.length]);
        // the maximum starts from zero when amsgrad is first on, possibly after some steps
        double[] vMax = amsgrad ? state.computeIfAbsent("max_exp_avg_sq", name -> new double[p.length]) : null;
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
        for (int i = 0; i < p.length; i++) {
            double g = decoupled || weightDecay == 0 ? grad[i] : grad[i] + weightDecay * p[i];
            m[i] = lerp(m[i], g, w1);
            v[i] = v[i] * beta2 + w2 * g * g;
            double second = v[i];
            if (amsgrad) {
                vMax[i] = Math.max(vMax[i], v[i]);
                second = vMax[i];
            }
            double denom = Math.sqrt(second) / bias2Sqrt + eps;
            p[i] = p[i] + -stepSize * m[i] / denom;
        }
    }

    /** ATen's lerp: {@code start + w·(end - start)}, computed from the nearer end for accuracy. */
    private static double lerp(double start, double end, double w) {
        return w < 0.5 ? start + w * (end - start) : end - (end - start) * (1 - w);
    }
}
