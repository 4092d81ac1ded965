package dev.ejgrad.core;

import java.util.Arrays;
import java.util.Objects;

/**
 * The shape under which PyTorch holds a tensor that ejgrad keeps as a {@code rows x cols} matrix of the same values
 * in row-major order, and, for a count, PyTorch's integer dtype: what a saved file records (safetensors'
 * {@code "shape"} and {@code "dtype"}), so that PyTorch's {@code load_state_dict(strict=True)} takes the file.
 *
 * <p>The 2-D form of a shape, the one ejgrad reads a file's tensor into:
 * <ul>
 *   <li>{@code []} (rank 0, a scalar): {@code 1x1};</li>
 *   <li>{@code [n]} (rank 1, PyTorch's vectors: biases, norm weights, running statistics): {@code 1 x n};</li>
 *   <li>{@code [d0, d1, …, dk]} (rank 2 or more): {@code d0 x (d1·…·dk)}, e.g. a convolution weight
 *       {@code [outC, C, k, k]} as {@code outC x (C·k·k)}.</li>
 * </ul>
 *
 * <p>A module declares the shape of each parameter and buffer it registers ({@code Module.registerParameter(name,
 * tensor, shape)}); the tensors of its state dict carry it ({@link Tensor#torchShape()}) and {@code SafeTensors.save}
 * writes it. A tensor that declares none is saved as {@code [rows, cols]}.
 *
 * <pre>{@code
 * TorchShape.of(out)                 // a Linear bias, 1 x out
 * TorchShape.of(outC, c, k, k)       // a Conv2d weight, outC x (c·k·k)
 * TorchShape.int64Scalar()           // BatchNorm's num_batches_tracked, 1x1
 * }</pre>
 */
public final class TorchShape {

    private final int[] dims;
    private final boolean int64;
    private final int rows;
    private final int cols;

    private TorchShape(int[] dims, boolean int64) {
        long cols = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0) {
                throw new IllegalArgumentException("TorchShape: a dimension is negative in " + Arrays.toString(dims));
            }
            if (i > 0 || dims.length == 1) {
                cols *= dims[i];
                if (cols > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("TorchShape: " + Arrays.toString(dims)
                            + " has more than " + Integer.MAX_VALUE + " columns in its 2-D form");
                }
            }
        }
        this.dims = dims;
        this.int64 = int64;
        this.rows = dims.length >= 2 ? dims[0] : 1;
        this.cols = (int) cols;
    }

    /**
     * A floating-point tensor of PyTorch's shape {@code dims}.
     *
     * @param dims the sizes, none negative: none for a scalar, one for a vector, two or more for a matrix or a
     *     stack of them; copied
     * @return the shape
     * @throws IllegalArgumentException if a size is negative or the 2-D form has more than
     *     {@link Integer#MAX_VALUE} columns
     */
    public static TorchShape of(int... dims) {
        return new TorchShape(Objects.requireNonNull(dims, "dims").clone(), false);
    }

    /**
     * PyTorch's int64 scalar (shape {@code []}, dtype {@code int64}), as a batch norm's {@code num_batches_tracked}:
     * a count that ejgrad holds as a 1x1 tensor and saves as {@code I64}.
     *
     * @return the shape
     */
    public static TorchShape int64Scalar() {
        return new TorchShape(new int[0], true);
    }

    /** {@return the sizes, PyTorch's {@code tensor.shape} (a copy)} */
    public int[] dims() {
        return dims.clone();
    }

    /** {@return whether PyTorch holds the values as int64 (saved as {@code I64}) rather than floating point} */
    public boolean isInt64() {
        return int64;
    }

    /** {@return the rows of the 2-D form: {@code d0} for rank 2 or more, else 1} */
    public int rows() {
        return rows;
    }

    /** {@return the columns of the 2-D form: {@code d1·…·dk} for rank 2 or more, {@code n} for {@code [n]}, 1 for
     * {@code []}} */
    public int cols() {
        return cols;
    }

    /**
     * Whether a tensor of this shape is held by ejgrad as {@code rows x cols}.
     *
     * @param tensor a tensor; not modified
     * @return whether its rows and columns are those of this shape's 2-D form
     */
    public boolean fits(Tensor tensor) {
        return tensor.rows() == rows && tensor.cols() == cols;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchShape s && s.int64 == int64 && Arrays.equals(s.dims, dims);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Boolean.hashCode(int64);
    }

    /** {@return the shape as PyTorch prints a list of sizes, e.g. {@code [4, 1, 3, 3]}, and {@code int64 []}} */
    @Override
    public String toString() {
        return (int64 ? "int64 " : "") + Arrays.toString(dims);
    }
}
