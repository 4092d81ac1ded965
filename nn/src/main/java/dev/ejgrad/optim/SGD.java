package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and weight decay, with
 * {@code torch.optim.SGD}'s update rule step for step:
 *
 * <pre>
 * d = g + weightDecay·p
 * b = d on the first step, else momentum·b + (1 - dampening)·d      (when momentum ≠ 0)
 * d = nesterov ? d + momentum·b : b
 * p = p - lr·d
 * </pre>
 *
 * <p>Defaults: momentum 0, dampening 0, weight decay 0, no Nesterov. Sutskever et al., "On the importance of
 * initialization and momentum in deep learning" (2013), for the momentum form.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(model.parameters(), 0.1).momentum(0.9).nesterov(true);
 * }</pre>
 */
public final class SGD implements Optimizer {

    private static final String NAME = "SGD";

    private final List<Tensor> params;
    private double[][] buffers;
    private double lr;
    private double momentum;
    private double dampening;
    private double weightDecay;
    private boolean nesterov;

    /**
     * Plain SGD; momentum, dampening, weight decay and Nesterov are set by the methods below.
     *
     * @param params the parameters to update, leaves, each once
     * @param lr learning rate, at least 0
     * @throws IllegalArgumentException if the list is empty, has a non-leaf or a duplicate, or lr is negative
     */
    public SGD(List<Tensor> params, double lr) {
        this.params = Parameters.check(NAME, params);
        this.lr = Parameters.checkLr(NAME, lr);
        this.buffers = new double[this.params.size()][];
    }

    /**
     * Changes the learning rate, e.g. from a schedule between epochs (as setting {@code param_groups[0]["lr"]}).
     *
     * @param lr learning rate, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if lr is negative or NaN
     */
    public SGD lr(double lr) {
        this.lr = Parameters.checkLr(NAME, lr);
        return this;
    }

    /** {@return the learning rate} */
    public double lr() {
        return lr;
    }

    /**
     * Returns this optimizer.
     *
     * @param momentum momentum factor, at least 0
     * @return this optimizer
     */
    public SGD momentum(double momentum) {
        this.momentum = Parameters.checkNonNegative(NAME, "momentum", momentum);
        return this;
    }

    /**
     * Returns this optimizer.
     *
     * @param dampening dampening of the momentum, at least 0
     * @return this optimizer
     */
    public SGD dampening(double dampening) {
        this.dampening = Parameters.checkNonNegative(NAME, "dampening", dampening);
        return this;
    }

    /**
     * Returns this optimizer.
     *
     * @param weightDecay L2 penalty added to the gradient, at least 0
     * @return this optimizer
     */
    public SGD weightDecay(double weightDecay) {
        this.weightDecay = Parameters.checkNonNegative(NAME, "weight_decay", weightDecay);
        return this;
    }

    /**
     * Returns this optimizer.
     *
     * @param nesterov whether to use Nesterov momentum (needs momentum &gt; 0 and dampening 0, checked at
     *     {@link #step()})
     * @return this optimizer
     */
    public SGD nesterov(boolean nesterov) {
        this.nesterov = nesterov;
        return this;
    }

    /**
     * Takes one step, updating every parameter whose gradient is not null.
     *
     * @throws IllegalArgumentException if Nesterov momentum is on without momentum or with dampening
     */
    @Override
    public void step() {
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException(NAME + ": Nesterov momentum requires a momentum and zero dampening "
                    + "(momentum " + momentum + ", dampening " + dampening + ")");
        }
        for (int k = 0; k < params.size(); k++) {
            if (params.get(k).grad() == null) {
                continue;   // no gradient, no step (as torch.optim)
            }
            int index = k;
            params.get(k).updateInPlace((p, g) -> {
                if (weightDecay == 0 && momentum == 0) {
                    for (int i = 0; i < p.length; i++) {
                        p[i] = p[i] + -lr * g[i];   // plain SGD: no copy of the gradient
                    }
                    return;
                }
                double[] d = g.clone();
                if (weightDecay != 0) {
                    for (int i = 0; i < d.length; i++) {
                        d[i] = d[i] + weightDecay * p[i];
                    }
                }
                if (momentum != 0) {
                    double[] b = buffers[index];
                    if (b == null) {
                        buffers[index] = b = d.clone();
                    } else {
                        for (int i = 0; i < b.length; i++) {
                            b[i] = b[i] * momentum + (1 - dampening) * d[i];
                        }
                    }
                    for (int i = 0; i < d.length; i++) {
                        d[i] = nesterov ? d[i] + momentum * b[i] : b[i];
                    }
                }
                for (int i = 0; i < p.length; i++) {
                    p[i] = p[i] + -lr * d[i];
                }
            });
        }
    }

    /**
     * {@inheritDoc} SGD has no step count; its one buffer is {@code state.i.momentum_buffer}, present once parameter
     * i has taken a step with momentum.
     */
    @Override
    public Map<String, Tensor> stateDict() {
        return OptimizerState.save(params, lr, null, Map.of("momentum_buffer", buffers));
    }

    @Override
    public void loadStateDict(Map<String, Tensor> state) {
        OptimizerState.Loaded loaded = OptimizerState.load(NAME, params, state, false, Set.of(),
                Set.of("momentum_buffer"));
        lr = loaded.lr;
        buffers = loaded.buffer("momentum_buffer");
    }

    @Override
    public void zeroGrad() {
        Parameters.zeroGrad(params);
    }
}
