package dev.ejgrad.core;

/**
 * The element type of a {@link Tensor}, as PyTorch's {@code torch.float64} and {@code torch.float32}.
 *
 * <p>Float64 is the default of every factory, layer and loss. A float32 tensor stores 4 bytes an element (an EJML
 * {@code FMatrixRMaj}); its values are float32 values, and reading them ({@link Tensor#get}, {@link Tensor#item},
 * {@link Tensor#toArray}) widens them exactly.
 *
 * <p>Promotion follows {@code torch.result_type}: an op on float32 tensors gives float32; an elementwise op,
 * comparison, {@code where} or {@code cat} that mixes float32 and float64 tensors computes and returns float64; a
 * {@code double} argument never promotes; {@code matmul} and {@code matmulT} refuse mixed dtypes.
 */
public enum DType {
    /** 64-bit IEEE 754 values ({@code double}), PyTorch's {@code torch.float64}; the default. */
    FLOAT64,
    /** 32-bit IEEE 754 values ({@code float}), PyTorch's {@code torch.float32}. */
    FLOAT32;

    /**
     * The dtype of an op that mixes two tensors, as {@code torch.promote_types}: float64 if either is.
     *
     * @param a one operand's dtype
     * @param b the other's
     * @return the wider of the two
     */
    public static DType promote(DType a, DType b) {
        return a == FLOAT64 || b == FLOAT64 ? FLOAT64 : FLOAT32;
    }

    /** {@return PyTorch's name, {@code torch.float64} or {@code torch.float32}} */
    public String torchName() {
        return this == FLOAT64 ? "torch.float64" : "torch.float32";
    }
}
