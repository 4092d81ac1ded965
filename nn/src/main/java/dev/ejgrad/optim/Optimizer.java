package dev.ejgrad.optim;

/** Updates parameters from their gradients, as {@code torch.optim.Optimizer}. */
public interface Optimizer {

    /** Updates every parameter whose gradient is not {@code null}, in place. */
    void step();

    /** Sets every parameter's gradient to {@code null} (PyTorch's default, {@code set_to_none=True}). */
    void zeroGrad();
}
