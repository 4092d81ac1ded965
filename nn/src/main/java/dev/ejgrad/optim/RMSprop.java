package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * <p>The buffers v, a and b start at zero. A parameter whose gradient is {@code null} at a step is skipped and its
 * state does not advance. Defaults: alpha 0.99, eps 1e-8, weight decay 0, momentum 0, not centered.
 *
 * <pre>{@code
 * Optimizer opt = new RMSprop(model.parameters(), 0.01).momentum(0.9).centered(true);
 * }</pre>
 */
public final class RMSprop implements Optimizer {

    private static final String NAME = "RMSprop";

    private final List<Tensor> params;
    private double lr;
    private double alpha = 0.99;
    private double eps = 1e-8;
    private double weightDecay;
    private double momentum;
    private boolean centered;
    private int[] steps;
    private double[][] squareAvg;
    private double[][] gradAvg;
    private double[][] momentumBuffer;

    /**
     * An RMSprop optimizer with alpha 0.99, eps 1e-8, no weight decay, no momentum, not centered.
     *
     * @param params the parameters to update, leaves, each once
     * @param lr learning rate, at least 0 (PyTorch's default is 0.01)
     * @throws IllegalArgumentException if the list is empty, has a non-leaf or a duplicate, or lr is negative
     */
    public RMSprop(List<Tensor> params, double lr) {
        this.params = Parameters.check(NAME, params);
        this.lr = Parameters.checkLr(NAME, lr);
        int n = this.params.size();
        steps = new int[n];
        squareAvg = new double[n][];
        gradAvg = new double[n][];
        momentumBuffer = new double[n][];
    }

    /**
     * Changes the learning rate, e.g. from a schedule (as setting {@code param_groups[0]["lr"]}); the state is kept.
     *
     * @param lr learning rate, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if lr is negative or NaN
     */
    @Override
    public RMSprop lr(double lr) {
        this.lr = Parameters.checkLr(NAME, lr);
        return this;
    }

    /** {@return the learning rate} */
    @Override
    public double lr() {
        return lr;
    }

    /**
     * Sets the smoothing constant.
     *
     * @param alpha decay of the running average of g², at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if alpha is negative or NaN
     */
    public RMSprop alpha(double alpha) {
        this.alpha = Parameters.checkNonNegative(NAME, "alpha", alpha);
        return this;
    }

    /**
     * Sets the term added to the denominator.
     *
     * @param eps added after the square root, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if eps is negative or NaN
     */
    public RMSprop eps(double eps) {
        this.eps = Parameters.checkNonNegative(NAME, "epsilon", eps);
        return this;
    }

    /**
     * Sets the L2 penalty.
     *
     * @param weightDecay added to the gradient times the parameter, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if weightDecay is negative or NaN
     */
    public RMSprop weightDecay(double weightDecay) {
        this.weightDecay = Parameters.checkNonNegative(NAME, "weight_decay", weightDecay);
        return this;
    }

    /**
     * Sets the momentum factor.
     *
     * @param momentum momentum factor, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if momentum is negative or NaN
     */
    public RMSprop momentum(double momentum) {
        this.momentum = Parameters.checkNonNegative(NAME, "momentum", momentum);
        return this;
    }

    /**
     * Chooses the centered form, which normalises by an estimate of the gradient's variance.
     *
     * @param centered whether to subtract the squared running mean of the gradient
     * @return this optimizer
     */
    public RMSprop centered(boolean centered) {
        this.centered = centered;
        return this;
    }

    /** Takes one step, updating every parameter whose gradient is not null. */
    @Override
    public void step() {
        for (int k = 0; k < params.size(); k++) {
            if (params.get(k).grad() == null) {
                continue;   // no gradient, no step, and no state change (as torch.optim)
            }
            int index = k;
            params.get(k).updateInPlace((p, grad) -> update(index, p, grad));
        }
    }

    private void update(int k, double[] p, double[] grad) {
        if (squareAvg[k] == null) {
            squareAvg[k] = new double[p.length];
        }
        // buffers switched on after some steps start at zero, as PyTorch's would at the state's creation
        if (centered && gradAvg[k] == null) {
            gradAvg[k] = new double[p.length];
        }
        if (momentum > 0 && momentumBuffer[k] == null) {
            momentumBuffer[k] = new double[p.length];
        }
        steps[k]++;
        double[] v = squareAvg[k];
        double[] a = gradAvg[k];
        double[] b = momentumBuffer[k];
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

    /**
     * {@inheritDoc} RMSprop's entries per parameter are {@code state.i.step}, {@code state.i.square_avg} and, when
     * used, {@code state.i.momentum_buffer} and {@code state.i.grad_avg} (centered).
     */
    @Override
    public Map<String, Tensor> stateDict() {
        Map<String, double[][]> buffers = new LinkedHashMap<>();
        buffers.put("square_avg", squareAvg);
        buffers.put("momentum_buffer", momentumBuffer);
        buffers.put("grad_avg", gradAvg);
        return OptimizerState.save(params, lr, steps, buffers);
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        OptimizerState.Loaded loaded = OptimizerState.load(NAME, params, state, true, Set.of("square_avg"),
                Set.of("momentum_buffer", "grad_avg"));
        lr = loaded.lr;
        steps = loaded.steps;
        squareAvg = loaded.buffer("square_avg");
        momentumBuffer = loaded.buffer("momentum_buffer");
        gradAvg = loaded.buffer("grad_avg");
    }

    @Override
    public void zeroGrad() {
        Parameters.zeroGrad(params);
    }
}
