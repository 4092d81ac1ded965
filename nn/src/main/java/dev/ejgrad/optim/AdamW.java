package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.List;

/**
 * Adam with decoupled weight decay, with {@code torch.optim.AdamW}'s rule (Loshchilov and Hutter, "Decoupled Weight
 * Decay Regularization", 2019): each step first multiplies the parameter by {@code 1 - lr·weightDecay}, then takes
 * an {@link Adam} step on the plain gradient. Defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01, no amsgrad.
 */
public final class AdamW extends AdamBase<AdamW> {

    /**
     * An AdamW optimizer with the default betas (0.9, 0.999), eps 1e-8 and weight decay 0.01.
     *
     * @param params the parameters to update, leaves, each once
     * @param lr learning rate, at least 0
     * @throws IllegalArgumentException if the list is empty, has a non-leaf or a duplicate, or lr is negative
     */
    public AdamW(List<Tensor> params, double lr) {
        super(params, lr, true, 0.01);
    }
}
