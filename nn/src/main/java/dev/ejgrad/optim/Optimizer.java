package dev.ejgrad.optim;

/** Updates parameters from their gradients, as {@code torch.optim.Optimizer}. */
public interface Optimizer {

    /** Updates every parameter whose gradient is not {@code null}, in place. */
    void step();

    /** Sets every parameter's gradient to {@code null} (PyTorch's default, {@code set_to_none=True}). */
    void zeroGrad();

    /** {@return the learning rate} */
    double lr();

    /**
     * Changes the learning rate, for schedules; every other setting and all state are kept.
     *
     * @param lr learning rate, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if lr is negative or NaN
     */
    Optimizer lr(double lr);
}
