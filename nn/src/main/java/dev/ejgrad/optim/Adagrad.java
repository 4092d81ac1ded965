package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

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
 * <p>Defaults: lr decay 0, weight decay 0, initial accumulator value 0, eps 1e-10. State per parameter:
 * {@code step} and {@code sum}.
 *
 * <pre>{@code
 * Optimizer opt = new Adagrad(model.parameters(), 0.01).lrDecay(1e-3);
 * }</pre>
 */
public final class Adagrad extends Optimizer {

    private double lrDecay;
    private double weightDecay;
    private double initialAccumulatorValue;
    private double eps = 1e-10;

    /**
     * An Adagrad optimizer with no lr decay, no weight decay, accumulators starting at 0 and eps 1e-10.
     *
     * @param params the parameters to update, leaves, each once
     * @param lr learning rate, at least 0 (PyTorch's default is 0.01)
     * @throws IllegalArgumentException if the list is empty, has a non-leaf or a duplicate, or lr is negative
     */
    public Adagrad(List<Tensor> params, double lr) {
        super(params, lr, List.of("step", "sum"), List.of());
    }

    @Override
    public Adagrad lr(double lr) {
        super.lr(lr);
        return this;
    }

    /**
     * {@return this optimizer, with the learning-rate decay set}
     * @param lrDecay the step t uses lr / (1 + (t - 1)·lrDecay), at least 0
     */
    public Adagrad lrDecay(double lrDecay) {
        this.lrDecay = nonNegative("lr_decay", lrDecay);
        return this;
    }

    /**
     * {@return this optimizer, with the L2 penalty set}
     * @param weightDecay added to the gradient times the parameter, at least 0
     */
    public Adagrad weightDecay(double weightDecay) {
        this.weightDecay = nonNegative("weight_decay", weightDecay);
        return this;
    }

    /**
     * {@return this optimizer, with the accumulators' starting value set (for parameters yet to take a step)}
     * @param initialAccumulatorValue the starting sum of squares, at least 0
     */
    public Adagrad initialAccumulatorValue(double initialAccumulatorValue) {
        this.initialAccumulatorValue = nonNegative("initial_accumulator_value", initialAccumulatorValue);
        return this;
    }

    /**
     * {@return this optimizer, with the term added to the denominator set}
     * @param eps added after the square root, at least 0
     */
    public Adagrad eps(double eps) {
        this.eps = nonNegative("epsilon", eps);
        return this;
    }

    @Override
    protected void update(double[] p, double[] grad, int t, Map<String, double[]> state) {
        double[] s = state.computeIfAbsent("sum", name -> new double[p.length]);
        if (t == 1) {
            Arrays.fill(s, initialAccumulatorValue);   // a parameter's first step: a new accumulator
        }
        double clr = lr() / (1 + (t - 1) * lrDecay);
        for (int i = 0; i < p.length; i++) {
            double g = weightDecay == 0 ? grad[i] : grad[i] + weightDecay * p[i];
            s[i] = s[i] + 1 * g * g;
            double std = Math.sqrt(s[i]) + eps;
            p[i] = p[i] + -clr * g / std;   // ATen addcdiv: self + (value·t1)/t2
        }
    }
}
