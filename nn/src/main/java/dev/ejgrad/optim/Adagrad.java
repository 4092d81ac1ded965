package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adagrad, with {@code torch.optim.Adagrad}'s update rule step for step (Duchi, Hazan and Singer, "Adaptive
 * Subgradient Methods for Online Learning and Stochastic Optimization", 2011):
 *
 * <pre>
 * t = t + 1                                        (each parameter counts its own steps)
 * g = g + weightDecay·p
 * clr = lr / (1 + (t - 1)·lrDecay)
 * s = s + g²                                       (s starts at initialAccumulatorValue)
 * p = p - clr·g / (sqrt(s) + eps)                  (eps after the root)
 * </pre>
 *
 * <p>A parameter whose gradient is {@code null} at a step is skipped and its state does not advance. Defaults: lr
 * decay 0, weight decay 0, initial accumulator value 0, eps 1e-10.
 *
 * <pre>{@code
 * Optimizer opt = new Adagrad(model.parameters(), 0.01).lrDecay(1e-3);
 * }</pre>
 */
public final class Adagrad implements Optimizer {

    private static final String NAME = "Adagrad";

    private final List<Tensor> params;
    private double lr;
    private double lrDecay;
    private double weightDecay;
    private double initialAccumulatorValue;
    private double eps = 1e-10;
    private int[] steps;
    private double[][] sums;

    /**
     * An Adagrad optimizer with no lr decay, no weight decay, accumulators starting at 0 and eps 1e-10.
     *
     * @param params the parameters to update, leaves, each once
     * @param lr learning rate, at least 0 (PyTorch's default is 0.01)
     * @throws IllegalArgumentException if the list is empty, has a non-leaf or a duplicate, or lr is negative
     */
    public Adagrad(List<Tensor> params, double lr) {
        this.params = Parameters.check(NAME, params);
        this.lr = Parameters.checkLr(NAME, lr);
        steps = new int[this.params.size()];
        sums = new double[this.params.size()][];
    }

    /**
     * Changes the learning rate, e.g. from a schedule (as setting {@code param_groups[0]["lr"]}); the state is kept.
     *
     * @param lr learning rate, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if lr is negative or NaN
     */
    @Override
    public Adagrad lr(double lr) {
        this.lr = Parameters.checkLr(NAME, lr);
        return this;
    }

    /** {@return the learning rate} */
    @Override
    public double lr() {
        return lr;
    }

    /**
     * Sets the learning-rate decay.
     *
     * @param lrDecay the step t uses lr / (1 + (t - 1)·lrDecay), at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if lrDecay is negative or NaN
     */
    public Adagrad lrDecay(double lrDecay) {
        this.lrDecay = Parameters.checkNonNegative(NAME, "lr_decay", lrDecay);
        return this;
    }

    /**
     * Sets the L2 penalty.
     *
     * @param weightDecay added to the gradient times the parameter, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if weightDecay is negative or NaN
     */
    public Adagrad weightDecay(double weightDecay) {
        this.weightDecay = Parameters.checkNonNegative(NAME, "weight_decay", weightDecay);
        return this;
    }

    /**
     * Sets the accumulators' starting value, used by parameters that have not taken a step yet.
     *
     * @param initialAccumulatorValue the starting sum of squares, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if the value is negative or NaN
     */
    public Adagrad initialAccumulatorValue(double initialAccumulatorValue) {
        this.initialAccumulatorValue = Parameters.checkNonNegative(NAME, "initial_accumulator_value",
                initialAccumulatorValue);
        return this;
    }

    /**
     * Sets the term added to the denominator.
     *
     * @param eps added after the square root, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if eps is negative or NaN
     */
    public Adagrad eps(double eps) {
        this.eps = Parameters.checkNonNegative(NAME, "epsilon", eps);
        return this;
    }

    /** Takes one step, updating every parameter whose gradient is not null. */
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
        if (sums[k] == null) {
            sums[k] = new double[p.length];
            Arrays.fill(sums[k], initialAccumulatorValue);
        }
        int t = ++steps[k];
        double clr = lr / (1 + (t - 1) * lrDecay);
        double[] s = sums[k];
        for (int i = 0; i < p.length; i++) {
            double g = weightDecay == 0 ? grad[i] : grad[i] + weightDecay * p[i];
            s[i] = s[i] + 1 * g * g;
            double std = Math.sqrt(s[i]) + eps;
            p[i] = p[i] + -clr * g / std;   // ATen addcdiv: self + (value·t1)/t2
        }
    }

    /**
     * {@inheritDoc} Adagrad's entries per parameter are {@code state.i.step} and {@code state.i.sum}.
     */
    @Override
    public Map<String, Tensor> stateDict() {
        return OptimizerState.save(params, lr, steps, Map.of("sum", sums));
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        OptimizerState.Loaded loaded = OptimizerState.load(NAME, params, state, true, Set.of("sum"), Set.of());
        lr = loaded.lr;
        steps = loaded.steps;
        sums = loaded.buffer("sum");
    }

    @Override
    public void zeroGrad() {
        Parameters.zeroGrad(params);
    }
}
