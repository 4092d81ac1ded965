package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * RMSprop, with {@code torch.optim.RMSprop}'s update rule step for step (Hinton, "Neural Networks for Machine
 * Learning", lecture 6e, 2012; the centered form from Graves, "Generating Sequences With Recurrent Neural Networks",
 * 2013):
 *
 * <pre>
 * g = g + weightDecay·p
 * v = alpha·v + (1 - alpha)·g²
 * a = alpha·a + (1 - alpha)·g                                   (centered)
 * denom = sqrt(centered ? v - a² : v) + eps                      (eps after the root)
 * b = momentum·b + g / denom;  p = p - lr·b                      (momentum &gt; 0)
 * p = p - lr·g / denom                                           (otherwise)
 * </pre>
 *
 * <p>The buffers v, a and b start at zero. Defaults: alpha 0.99, eps 1e-8, weight decay 0, momentum 0, not centered.
 * State per parameter: {@code step}, {@code square_avg} and, when used, {@code momentum_buffer} and {@code grad_avg}.
 *
 * <pre>{@code
 * Optimizer opt = new RMSprop(model.parameters(), 0.01).momentum(0.9).centered(true);
 * }</pre>
 */
public final class RMSprop extends Optimizer {

    private double alpha = 0.99;
    private double eps = 1e-8;
    private double weightDecay;
    private double momentum;
    private boolean centered;

    /**
     * An RMSprop optimizer with alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered.
     *
     * @param params the parameters to update, leaves, each once
     * @param lr learning rate, at least 0 (PyTorch's default is 0.01)
     * @throws IllegalArgumentException if the list is empty, has a non-leaf or a duplicate, or lr is negative
     */
    public RMSprop(List<Tensor> params, double lr) {
        super(params, lr, List.of("step", "square_avg"), List.of("momentum_buffer", "grad_avg"));
    }

    @Override
    public RMSprop lr(double lr) {
        super.lr(lr);
        return this;
    }

    /**
     * {@return this optimizer, with the smoothing constant set}
     * @param alpha decay of the running average of g², at least 0
     */
    public RMSprop alpha(double alpha) {
        this.alpha = nonNegative("alpha", alpha);
        return this;
    }

    /**
     * {@return this optimizer, with the term added to the denominator set}
     * @param eps added after the square root, at least 0
     */
    public RMSprop eps(double eps) {
        this.eps = nonNegative("epsilon", eps);
        return this;
    }

    /**
     * {@return this optimizer, with the L2 penalty set}
     * @param weightDecay added to the gradient times the parameter, at least 0
     */
    public RMSprop weightDecay(double weightDecay) {
        this.weightDecay = nonNegative("weight_decay", weightDecay);
        return this;
    }

    /**
     * {@return this optimizer, with the momentum factor set}
     * @param momentum momentum factor, at least 0
     */
    public RMSprop momentum(double momentum) {
        this.momentum = nonNegative("momentum", momentum);
        return this;
    }

    /**
     * {@return this optimizer, with the centered form (normalising by the gradient's variance) on or off}
     * @param centered whether to subtract the squared running mean of the gradient
     */
    public RMSprop centered(boolean centered) {
        this.centered = centered;
        return this;
    }

    @Override
    protected void update(double[] p, double[] grad, int step, Map<String, double[]> state) {
        // buffers switched on after some steps start at zero, as PyTorch's would at the state's creation
        double[] v = state.computeIfAbsent("square_avg", name -> new double[p.length]);
        double[] a = centered ? state.computeIfAbsent("grad_avg", name -> new double[p.length]) : null;
        double[] b = momentum > 0 ? state.computeIfAbsent("momentum_buffer", name -> new double[p.length]) : null;
        double lr = lr();
        double w = 1 - alpha;
        for (int i = 0; i < p.length; i++) {
            double g = weightDecay == 0 ? grad[i] : grad[i] + weightDecay * p[i];
            v[i] = v[i] * alpha + w * g * g;
            double avg;
            if (centered) {
                a[i] = a[i] * alpha + w * g;
                avg = Math.sqrt(v[i] + -1 * a[i] * a[i]);
            } else {
                avg = Math.sqrt(v[i]);
            }
            avg = avg + eps;
            if (momentum > 0) {
                b[i] = b[i] * momentum + g / avg;
                p[i] = p[i] + -lr * b[i];
            } else {
                p[i] = p[i] + -lr * g / avg;   // ATen addcdiv: self + (value·t1)/t2
            }
        }
    }
}
