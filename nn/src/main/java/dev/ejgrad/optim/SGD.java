package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.List;
import java.util.Map;

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
 * initialization and momentum in deep learning" (2013), for the momentum form. SGD counts no steps; its one buffer
 * is {@code state.i.momentum_buffer}, present once parameter i has taken a step with momentum.
 *
 * <pre>{@code
 * Optimizer opt = new SGD(model.parameters(), 0.1).momentum(0.9).nesterov(true);
 * }</pre>
 */
public final class SGD extends Optimizer {

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
        super(params, lr, List.of(), List.of("momentum_buffer"));
    }

    @Override
    public SGD lr(double lr) {
        super.lr(lr);
        return this;
    }

    /**
     * {@return this optimizer, with the momentum factor set}
     * @param momentum momentum factor, at least 0
     */
    public SGD momentum(double momentum) {
        this.momentum = nonNegative("momentum", momentum);
        return this;
    }

    /**
     * {@return this optimizer, with the momentum's dampening set}
     * @param dampening dampening of the momentum, at least 0
     */
    public SGD dampening(double dampening) {
        this.dampening = nonNegative("dampening", dampening);
        return this;
    }

    /**
     * {@return this optimizer, with the L2 penalty set}
     * @param weightDecay L2 penalty added to the gradient, at least 0
     */
    public SGD weightDecay(double weightDecay) {
        this.weightDecay = nonNegative("weight_decay", weightDecay);
        return this;
    }

    /**
     * {@return this optimizer, with Nesterov momentum on or off}
     * @param nesterov whether to use Nesterov momentum (needs momentum &gt; 0 and dampening 0, checked at
     *     {@link #step()})
     */
    public SGD nesterov(boolean nesterov) {
        this.nesterov = nesterov;
        return this;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if Nesterov momentum is on without momentum or with dampening
     */
    @Override
    public void step() {
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("SGD: Nesterov momentum requires a momentum and zero dampening "
                    + "(momentum " + momentum + ", dampening " + dampening + ")");
        }
        super.step();
    }

    /** Plain SGD on float32 values, the rule below element by element (no widened copies): the reference step's. */
    @Override
    boolean updateInFloats(float[] p, float[] g, int step, Map<String, float[]> state) {
        if (weightDecay != 0 || momentum != 0) {
            return false;
        }
        double lr = lr();
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (p[i] + -lr * g[i]);
        }
        return true;
    }

    @Override
    protected void update(double[] p, double[] g, int step, Map<String, double[]> state) {
        double lr = lr();
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
            double[] b = state.get("momentum_buffer");
            if (b == null) {
                state.put("momentum_buffer", b = d.clone());
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
    }
}
