package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.List;

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
 * correction. Defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0, no amsgrad. State per parameter:
 * {@code step}, {@code exp_avg}, {@code exp_avg_sq} and, once amsgrad has been used, {@code max_exp_avg_sq}.
 */
public final class Adam extends AdamBase<Adam> {

    /**
     * An Adam optimizer with the default betas (0.9, 0.999), eps 1e-8, no weight decay.
     *
     * @param params the parameters to update, leaves, each once
     * @param lr learning rate, at least 0
     * @throws IllegalArgumentException if the list is empty, has a non-leaf or a duplicate, or lr is negative
     */
    public Adam(List<Tensor> params, double lr) {
        super(params, lr, false, 0);
    }
}
