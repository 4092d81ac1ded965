package dev.ejgrad.core;

import java.util.Objects;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * A 2-D matrix of {@code double} (or {@code float}, see {@link DType}) that records the ops applied to it, so that
 * {@link #backward()} can compute gradients by reverse-mode automatic differentiation, with PyTorch's semantics.
 *
 * <p>A tensor is {@code rows x cols}, backed by an EJML {@link DMatrixRMaj}, or by an {@link FMatrixRMaj} (4 bytes an
 * element) for a {@link DType#FLOAT32} tensor; a scalar is 1x1. Its values never change
 * after creation, except those of a leaf changed through {@link #updateInPlace} (the path of optimizers and of
 * loading weights) or converted by {@link #toInPlace} (the path of {@code Module.to}). Ops are instance methods that
 * return new tensors:
 *
 * <pre>{@code
 * Tensor w = Tensor.randn(3, 2, new Random(0)).requiresGrad(true);
 * Tensor x = Tensor.of(new double[][] {{1, 2, 3}});
 * Tensor loss = x.matmul(w).tanh().sum();
 * loss.backward();
 * Tensor dw = w.grad();   // d loss / d w, 3x2
 * }</pre>
 *
 * <p>Binary ops broadcast as NumPy does in two dimensions: each side is equal, or 1 on one of the two tensors.
 *
 * <p>Threads: a tensor's values may be read from any thread. Building or differentiating one graph from several
 * threads at once is not supported; independent graphs on different threads are. Grad mode ({@link NoGrad}) is per
 * thread.
 */
public final class Tensor {

    /** The float64 values, or {@code null} for a float32 tensor; replaced only by {@link #toInPlace}. */
    private DMatrixRMaj data;
    /** The float32 values, or {@code null} for a float64 tensor; replaced only by {@link #toInPlace}. */
    private FMatrixRMaj floats;
    /** The op that made this tensor, or {@code null} for a leaf; set once, by {@link Autograd}, at creation. */
    Node node;
    private boolean requiresGrad;
    private boolean retainsGrad;
    /** A gradient, or a detached view of an op's result: its storage may be shared, so it never changes. */
    private boolean readOnly;
    private Tensor grad;
    /** The shape a module declared for saving ({@link #withTorchShape}), or {@code null} for {@code [rows, cols]}. */
    private TorchShape torchShape;

    /** A leaf that does not require grad; takes ownership of {@code data}. */
    Tensor(DMatrixRMaj data) {
        this.data = data;
        this.floats = null;
    }

    /** A float32 leaf that does not require grad; takes ownership of {@code floats}. */
    Tensor(FMatrixRMaj floats) {
        this.data = null;
        this.floats = floats;
    }

    /**
     * A leaf holding {@code values} in {@code dtype}: the matrix itself for float64 (owned), its values rounded to
     * nearest for float32.
     */
    static Tensor of(DMatrixRMaj values, DType dtype) {
        return dtype == DType.FLOAT64 ? new Tensor(values) : new Tensor(round(values));
    }

    /** {@code values} rounded to the nearest float32 values. */
    static FMatrixRMaj round(DMatrixRMaj values) {
        FMatrixRMaj out = new FMatrixRMaj(values.numRows, values.numCols);
        double[] in = values.data;
        float[] f = out.data;
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) in[i];
        }
        return out;
    }

    /** {@code values} widened exactly to float64. */
    static DMatrixRMaj widen(FMatrixRMaj values) {
        DMatrixRMaj out = new DMatrixRMaj(values.numRows, values.numCols);
        float[] f = values.data;
        double[] d = out.data;
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return out;
    }

    /**
     * The values as float64, for op implementations: a float64 tensor's own storage (which must not be modified),
     * or a float32 tensor's values widened exactly into a new matrix.
     */
    DMatrixRMaj values() {
        return data != null ? data : widen(floats);
    }

    /** The storage of a float32 tensor (which must not be modified); {@code null} for a float64 tensor. */
    FMatrixRMaj floats() {
        return floats;
    }

    /** A new tensor sharing this one's storage, without history or flags. */
    private Tensor sharingStorage() {
        return data != null ? new Tensor(data) : new Tensor(floats);
    }

    /** A new tensor with a copy of this one's storage, without history or flags. */
    private Tensor copyingStorage() {
        return data != null ? new Tensor(data.copy()) : new Tensor(floats.copy());
    }

    /** Makes this new tensor the result of a recorded op (called once, right after construction). */
    void attach(Node node) {
        this.node = node;
        this.requiresGrad = true;
    }

    // ---------------------------------------------------------------- creation

    /**
     * A tensor with the given rows.
     *
     * @param rows the values, one array per row, all of one length; copied
     * @return a new leaf tensor {@code rows.length x rows[0].length}
     * @throws IllegalArgumentException if the rows differ in length
     */
    public static Tensor of(double[][] rows) {
        Objects.requireNonNull(rows, "rows");
        int cols = rows.length == 0 ? 0 : Objects.requireNonNull(rows[0], "rows[0]").length;
        DMatrixRMaj m = new DMatrixRMaj(rows.length, cols);
        for (int i = 0; i < rows.length; i++) {
            Objects.requireNonNull(rows[i], "rows[" + i + "]");
            if (rows[i].length != cols) {
                throw new IllegalArgumentException("of: ragged rows: row 0 has " + cols + " values but row " + i
                        + " has " + rows[i].length);
            }
            System.arraycopy(rows[i], 0, m.data, i * cols, cols);
        }
        return new Tensor(m);
    }

    /**
     * A tensor from values in row-major order.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param rowMajor {@code rows * cols} values, row after row; copied
     * @return a new leaf tensor
     * @throws IllegalArgumentException if a size is negative or the number of values is not {@code rows * cols}
     */
    public static Tensor of(int rows, int cols, double... rowMajor) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        Shapes.checkSize(rows, cols);
        if ((long) rows * cols != rowMajor.length) {
            throw new IllegalArgumentException("of: shape " + Shapes.of(rows, cols) + " needs " + (long) rows * cols
                    + " values, got " + rowMajor.length);
        }
        return new Tensor(new DMatrixRMaj(rows, cols, true, rowMajor));
    }

    /**
     * A 1x1 tensor.
     *
     * @param value the value
     * @return a new leaf tensor
     */
    public static Tensor scalar(double value) {
        return of(1, 1, value);
    }

    /**
     * A 1xn row vector.
     *
     * @param values the values; copied
     * @return a new leaf tensor
     */
    public static Tensor row(double... values) {
        Objects.requireNonNull(values, "values");
        return of(1, values.length, values);
    }

    /**
     * An nx1 column vector.
     *
     * @param values the values; copied
     * @return a new leaf tensor
     */
    public static Tensor column(double... values) {
        Objects.requireNonNull(values, "values");
        return of(values.length, 1, values);
    }

    /**
     * A tensor holding a copy of an EJML matrix.
     *
     * @param matrix the values; not modified
     * @return a new leaf tensor
     */
    public static Tensor from(DMatrixRMaj matrix) {
        Objects.requireNonNull(matrix, "matrix");
        return new Tensor(matrix.copy());
    }

    /**
     * A tensor of zeros.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @return a new leaf tensor
     */
    public static Tensor zeros(int rows, int cols) {
        Shapes.checkSize(rows, cols);
        return new Tensor(new DMatrixRMaj(rows, cols));
    }

    /**
     * A tensor of zeros in the given dtype.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param dtype the element type
     * @return a new leaf tensor
     */
    public static Tensor zeros(int rows, int cols, DType dtype) {
        return full(rows, cols, 0.0, dtype);
    }

    /**
     * A tensor of ones in the given dtype.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param dtype the element type
     * @return a new leaf tensor
     */
    public static Tensor ones(int rows, int cols, DType dtype) {
        return full(rows, cols, 1.0, dtype);
    }

    /**
     * A tensor with every entry equal to {@code value} in the given dtype (rounded to nearest for float32).
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param value the value of every entry
     * @param dtype the element type
     * @return a new leaf tensor
     */
    public static Tensor full(int rows, int cols, double value, DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        Shapes.checkSize(rows, cols);
        if (dtype == DType.FLOAT64) {
            return full(rows, cols, value);
        }
        FMatrixRMaj m = new FMatrixRMaj(rows, cols);
        m.fill((float) value);
        return new Tensor(m);
    }

    /**
     * Standard normal values in the given dtype: drawn as {@link #randn(int, int, Random)} draws, then rounded to
     * nearest for float32.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param rng the source of randomness; advanced
     * @param dtype the element type
     * @return a new leaf tensor
     */
    public static Tensor randn(int rows, int cols, Random rng, DType dtype) {
        return randn(rows, cols, rng).to(Objects.requireNonNull(dtype, "dtype"));
    }

    /**
     * Uniform values in [0, 1) in the given dtype: drawn as {@link #rand(int, int, Random)} draws, then rounded to
     * nearest for float32 (a value just below 1 may round to 1).
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param rng the source of randomness; advanced
     * @param dtype the element type
     * @return a new leaf tensor
     */
    public static Tensor rand(int rows, int cols, Random rng, DType dtype) {
        return rand(rows, cols, rng).to(Objects.requireNonNull(dtype, "dtype"));
    }

    /**
     * A float32 tensor with the given rows.
     *
     * @param rows the values, one array per row, all of one length; copied
     * @return a new float32 leaf tensor {@code rows.length x rows[0].length}
     * @throws IllegalArgumentException if the rows differ in length
     */
    public static Tensor of(float[][] rows) {
        Objects.requireNonNull(rows, "rows");
        int cols = rows.length == 0 ? 0 : Objects.requireNonNull(rows[0], "rows[0]").length;
        FMatrixRMaj m = new FMatrixRMaj(rows.length, cols);
        for (int i = 0; i < rows.length; i++) {
            Objects.requireNonNull(rows[i], "rows[" + i + "]");
            if (rows[i].length != cols) {
                throw new IllegalArgumentException("of: ragged rows: row 0 has " + cols + " values but row " + i
                        + " has " + rows[i].length);
            }
            System.arraycopy(rows[i], 0, m.data, i * cols, cols);
        }
        return new Tensor(m);
    }

    /**
     * A float32 tensor from values in row-major order. It has a name of its own: an overload of
     * {@link #of(int, int, double...)} would capture calls with {@code int} values.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param rowMajor {@code rows * cols} values, row after row; copied
     * @return a new float32 leaf tensor
     * @throws IllegalArgumentException if a size is negative or the number of values is not {@code rows * cols}
     */
    public static Tensor ofFloats(int rows, int cols, float... rowMajor) {
        Objects.requireNonNull(rowMajor, "rowMajor");
        Shapes.checkSize(rows, cols);
        if ((long) rows * cols != rowMajor.length) {
            throw new IllegalArgumentException("ofFloats: shape " + Shapes.of(rows, cols) + " needs "
                    + (long) rows * cols + " values, got " + rowMajor.length);
        }
        return new Tensor(new FMatrixRMaj(rows, cols, true, rowMajor));
    }

    /**
     * A tensor of ones.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @return a new leaf tensor
     */
    public static Tensor ones(int rows, int cols) {
        return full(rows, cols, 1.0);
    }

    /**
     * A tensor with every entry equal to {@code value}.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param value the value of every entry
     * @return a new leaf tensor
     */
    public static Tensor full(int rows, int cols, double value) {
        Shapes.checkSize(rows, cols);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        m.fill(value);
        return new Tensor(m);
    }

    /**
     * Standard normal values, N(0, 1), drawn row by row with {@link Random#nextGaussian()}.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param rng the source of randomness; advanced
     * @return a new leaf tensor
     */
    public static Tensor randn(int rows, int cols, Random rng) {
        Objects.requireNonNull(rng, "rng");
        Shapes.checkSize(rows, cols);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextGaussian();
        }
        return new Tensor(m);
    }

    /**
     * Uniform values in [0, 1), drawn row by row with {@link Random#nextDouble()}.
     *
     * @param rows number of rows
     * @param cols number of columns
     * @param rng the source of randomness; advanced
     * @return a new leaf tensor
     */
    public static Tensor rand(int rows, int cols, Random rng) {
        Objects.requireNonNull(rng, "rng");
        Shapes.checkSize(rows, cols);
        DMatrixRMaj m = new DMatrixRMaj(rows, cols);
        for (int i = 0; i < m.data.length; i++) {
            m.data[i] = rng.nextDouble();
        }
        return new Tensor(m);
    }

    // ---------------------------------------------------------------- reading

    /** {@return the number of rows} */
    public int rows() {
        return data != null ? data.numRows : floats.numRows;
    }

    /** {@return the number of columns} */
    public int cols() {
        return data != null ? data.numCols : floats.numCols;
    }

    /** {@return {@code rows() * cols()}} */
    public int numel() {
        return rows() * cols();
    }

    /** {@return the element type: {@link DType#FLOAT64} unless made float32} */
    public DType dtype() {
        return data != null ? DType.FLOAT64 : DType.FLOAT32;
    }

    /**
     * One value.
     *
     * @param row row index, from 0
     * @param col column index, from 0
     * @return the value at ({@code row}, {@code col})
     * @throws IllegalArgumentException if an index is out of range
     */
    public double get(int row, int col) {
        if (row < 0 || row >= rows() || col < 0 || col >= cols()) {
            throw new IllegalArgumentException(
                    "get: index (" + row + ", " + col + ") is out of range for shape " + Shapes.of(this));
        }
        int i = row * cols() + col;
        return data != null ? data.data[i] : floats.data[i];
    }

    /**
     * The value of a 1x1 tensor.
     *
     * @return the only value
     * @throws IllegalStateException if this tensor is not 1x1
     */
    public double item() {
        if (numel() != 1 || rows() != 1) {
            throw new IllegalStateException("item: only a 1x1 tensor has an item, this one is " + Shapes.of(this));
        }
        return data != null ? data.data[0] : floats.data[0];
    }

    /** {@return a copy of the values, one array per row (a float32 tensor's widened exactly)} */
    public double[][] toArray() {
        DMatrixRMaj values = values();
        double[][] out = new double[rows()][cols()];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(values.data, i * cols(), out[i], 0, cols());
        }
        return out;
    }

    /**
     * A copy of a float32 tensor's values.
     *
     * @return one array per row
     * @throws IllegalStateException if this tensor is float64 (convert it with {@code to(DType.FLOAT32)} first)
     */
    public float[][] toFloatArray() {
        if (floats == null) {
            throw new IllegalStateException("toFloatArray: this tensor is " + dtype() + ", not " + DType.FLOAT32
                    + "; convert it with to(DType.FLOAT32) first, or read it with toArray()");
        }
        float[][] out = new float[rows()][cols()];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(floats.data, i * cols(), out[i], 0, cols());
        }
        return out;
    }

    /** {@return a copy of the values as an EJML matrix (a float32 tensor's widened exactly)} */
    public DMatrixRMaj toMatrix() {
        return data != null ? data.copy() : widen(floats);
    }

    /**
     * This tensor in another dtype, as PyTorch's {@code x.to(torch.float32)} or {@code x.double()}: float64 values
     * round to the nearest float32 value, float32 values widen exactly. Casting to the tensor's own dtype returns the
     * tensor itself.
     *
     * <p>Gradient: {@code g} cast back to this tensor's dtype.
     *
     * @param dtype the dtype of the result
     * @return this tensor if it has that dtype, else a new tensor
     */
    public Tensor to(DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        if (dtype == dtype()) {
            return this;
        }
        DType from = dtype();
        return Autograd.op("to", Tensor.of(values(), dtype), this, g -> g.to(from));
    }

    /** {@return the shape, the op that made this tensor, and the values (up to 6x6, then ellipses)} */
    @Override
    public String toString() {
        return TensorFormat.format(this);
    }

    // ---------------------------------------------------------------- autograd

    /** {@return whether gradients are computed for this tensor} */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Sets whether a leaf takes gradients, as {@code requires_grad_()}.
     *
     * @param requiresGrad the new flag
     * @return this tensor
     * @throws IllegalStateException if this tensor is not a leaf
     */
    public Tensor requiresGrad(boolean requiresGrad) {
        if (!isLeaf()) {
            throw new IllegalStateException("requiresGrad: only a leaf's flag can be changed; this tensor was made "
                    + "by " + node.name + ". Use detach() to get a leaf with the same values");
        }
        this.requiresGrad = requiresGrad;
        return this;
    }

    /** {@return {@code true} if this tensor was not made by a recorded op (created, detached, or made under NoGrad)} */
    public boolean isLeaf() {
        return node == null;
    }

    /** {@return the name of the op that made this tensor, or {@code null} for a leaf} */
    public String opName() {
        return node == null ? null : node.name;
    }

    /**
     * Backward from a 1x1 tensor, seeding its gradient with 1.
     *
     * @throws IllegalStateException if this tensor is not 1x1, does not require grad, or its graph was released
     */
    public void backward() {
        if (rows() != 1 || cols() != 1) {
            throw new IllegalStateException("backward: grad can be implicitly created only for scalar outputs; this "
                    + "tensor is " + Shapes.of(this) + ", pass a gradient of that shape");
        }
        Backward.accumulate(this, Tensor.full(1, 1, 1.0, dtype()), false, false);
    }

    /**
     * Backward seeded with {@code gradient}, releasing the graph's saved values afterwards.
     *
     * @param gradient the gradient of the final result with respect to this tensor, this tensor's shape; not modified
     * @throws IllegalArgumentException if the shapes differ
     * @throws IllegalStateException if this tensor does not require grad or its graph was released
     */
    public void backward(Tensor gradient) {
        backward(gradient, false, false);
    }

    /**
     * Backward seeded with {@code gradient}.
     *
     * @param gradient the gradient of the final result with respect to this tensor, this tensor's shape; not modified
     * @param retainGraph keep the graph's saved values so that another backward can pass through it
     * @throws IllegalArgumentException if the shapes differ
     * @throws IllegalStateException if this tensor does not require grad or its graph was released
     */
    public void backward(Tensor gradient, boolean retainGraph) {
        backward(gradient, retainGraph, false);
    }

    /**
     * Backward seeded with {@code gradient}, as {@code tensor.backward(gradient, retain_graph, create_graph)}.
     *
     * <p>With {@code createGraph} the backward pass is itself recorded: the gradients that reach {@link #grad()} have
     * a history (they require grad where any input of their path does) and can be differentiated again, e.g. for a
     * Hessian-vector product. PyTorch users usually pass {@code retainGraph = createGraph}.
     *
     * <pre>{@code
     * Tensor x = Tensor.row(1, 2).requiresGrad(true);
     * x.pow(3).sum().backward(Tensor.scalar(1), true, true);   // x.grad() = 3x^2, with a history
     * Tensor g = x.grad();
     * x.zeroGrad();
     * g.sum().backward();                                         // x.grad() = 6x
     * }</pre>
     *
     * @param gradient the gradient of the final result with respect to this tensor, this tensor's shape; not modified
     * @param retainGraph keep the graph's saved values so that another backward can pass through it
     * @param createGraph record the backward pass so that the gradients can be differentiated
     * @throws IllegalArgumentException if the shapes differ
     * @throws IllegalStateException if this tensor does not require grad or its graph was released
     */
    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Objects.requireNonNull(gradient, "gradient");
        if (gradient.rows() != rows() || gradient.cols() != cols()) {
            throw new IllegalArgumentException("backward: gradient has shape " + Shapes.of(gradient)
                    + " but the tensor has shape " + Shapes.of(this));
        }
        Backward.accumulate(this, gradient, retainGraph, createGraph);
    }

    /**
     * The gradient accumulated by backward passes: {@code null} until a backward reaches this tensor (a leaf, or a
     * non-leaf after {@link #retainGrad()}).
     *
     * @return the gradient, this tensor's shape, or {@code null}
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Replaces the gradient with a copy of {@code grad}'s values, as assigning {@code p.grad} in PyTorch; for
     * gradient clipping and other changes to a gradient between backward and an optimizer step. The copy has no
     * history and is read-only, as a gradient from backward.
     *
     * @param grad the new gradient, this tensor's shape; not modified
     * @throws IllegalArgumentException if grad's shape differs from this tensor's
     */
    public void setGrad(Tensor grad) {
        Objects.requireNonNull(grad, "grad");
        if (grad.rows() != rows() || grad.cols() != cols()) {
            throw new IllegalArgumentException("setGrad: the gradient of a " + Shapes.of(this)
                    + " tensor can't be " + Shapes.of(grad));
        }
        if (grad.dtype() != dtype()) {
            throw new IllegalArgumentException("setGrad: the gradient of a " + dtype() + " tensor must be "
                    + dtype() + ", not " + grad.dtype() + " (as PyTorch's assigned grad); convert it with to("
                    + dtype() + ")");
        }
        Tensor view = grad.copyingStorage();
        view.readOnly = true;
        this.grad = view;
    }

    /** Sets the gradient back to {@code null}, as {@code zero_grad(set_to_none=True)}. */
    public void zeroGrad() {
        grad = null;
    }

    /**
     * Makes this non-leaf keep its gradient during backward (leaves always do).
     *
     * @return this tensor
     * @throws IllegalStateException if this tensor does not require grad
     */
    public Tensor retainGrad() {
        if (!requiresGrad) {
            throw new IllegalStateException("retainGrad: can't retain the gradient of a tensor that does not require "
                    + "grad");
        }
        if (!isLeaf()) {
            retainsGrad = true;
        }
        return this;
    }

    boolean retainsGrad() {
        return retainsGrad;
    }

    /**
     * Adds {@code g} to the stored gradient (the engine's only write to it). A gradient without history is kept as a
     * read-only view, since its storage may be another input's gradient or the caller's seed; with history (a
     * recorded backward) it is the recorded tensor itself, and the sum is recorded too.
     */
    void accumulateGrad(Tensor g) {
        Tensor total = grad == null ? g : grad.add(g);
        if (total.isLeaf()) {
            Tensor view = total.sharingStorage();
            view.readOnly = true;
            total = view;
        }
        grad = total;
    }

    /**
     * A leaf with the same values and no history. The values are copied from a leaf (whose values an optimizer may
     * change in place) and shared with a non-leaf (whose values never change; the view refuses
     * {@link #updateInPlace}).
     *
     * @return a new leaf that does not require grad
     */
    public Tensor detach() {
        Tensor out;
        if (isLeaf()) {
            out = copyingStorage();
        } else {
            out = sharingStorage();
            out.readOnly = true;
        }
        out.torchShape = torchShape;
        return out;
    }

    /**
     * A leaf with the same values and no history, as {@link #detach()}, that is saved under PyTorch's shape
     * {@code shape}: the form of a module's {@code stateDict()} values, so that {@code SafeTensors.save} writes,
     * for example, a {@code 1 x n} bias as PyTorch's {@code [n]}. The values and the 2-D shape are unchanged.
     *
     * @param shape the PyTorch shape, whose 2-D form is this tensor's {@code rows x cols}
     * @return a new leaf that does not require grad, whose {@link #torchShape()} is {@code shape}
     * @throws IllegalArgumentException if the shape's 2-D form is not this tensor's shape
     */
    public Tensor withTorchShape(TorchShape shape) {
        Objects.requireNonNull(shape, "shape");
        if (!shape.fits(this)) {
            throw new IllegalArgumentException("withTorchShape: a " + Shapes.of(this) + " tensor cannot be held as "
                    + shape + ", which reads as " + Shapes.of(shape.rows(), shape.cols()));
        }
        Tensor out = detach();
        out.torchShape = shape;
        return out;
    }

    /**
     * The shape under which this tensor is saved, as PyTorch holds it: the one given to {@link #withTorchShape}
     * (kept by {@link #detach()}), else {@code [rows, cols]}. The result of an op declares none.
     *
     * @return the PyTorch shape
     */
    public TorchShape torchShape() {
        return torchShape != null ? torchShape : TorchShape.of(rows(), cols());
    }

    /**
     * Changes a leaf's values in place: the one path by which optimizers and {@code loadStateDict} update
     * parameters. A float32 tensor's values are widened for the update and rounded back to nearest after it (see
     * {@link #updateFloatsInPlace} for an update in float32). Gradients and detached views of op results, whose storage other tensors may share, refuse it. The update receives the row-major values (modified) and the row-major gradient (not modified;
     * {@code null} when {@link #grad()} is null). Nothing is recorded in the graph.
     *
     * @param update the change to make
     * @throws IllegalStateException if this tensor is not a leaf, or is a gradient or a detached view of an op's
     *     result
     */
    public void updateInPlace(InPlaceUpdate update) {
        Objects.requireNonNull(update, "update");
        if (!isLeaf()) {
            throw new IllegalStateException("updateInPlace: only a leaf's values can change; this tensor was made by "
                    + node.name);
        }
        if (readOnly) {
            throw new IllegalStateException("updateInPlace: this tensor is a gradient or a detached view of an op's "
                    + "result, whose storage other tensors may share; copy it first (Tensor.from(t.toMatrix()))");
        }
        if (data != null) {
            update.apply(data.data, grad == null ? null : grad.data.data);
            return;
        }
        // float32: the update computes in double on the widened values, which are then rounded back
        DMatrixRMaj values = widen(floats);
        update.apply(values.data, grad == null ? null : grad.values().data);
        float[] f = floats.data;
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values.data[i];
        }
    }

    /**
     * Changes a float32 leaf's values in place, in float32: as {@link #updateInPlace}, with the float storage itself.
     *
     * @param update the change to make
     * @throws IllegalStateException if this tensor is not float32, not a leaf, or is a gradient or a detached view
     */
    public void updateFloatsInPlace(FloatInPlaceUpdate update) {
        Objects.requireNonNull(update, "update");
        if (floats == null) {
            throw new IllegalStateException("updateFloatsInPlace: this tensor is " + dtype() + ", not "
                    + DType.FLOAT32 + "; use updateInPlace");
        }
        if (!isLeaf() || readOnly) {
            updateInPlace((v, g) -> { });   // throws the leaf/read-only message
        }
        update.apply(floats.data, grad == null ? null : grad.floats.data);
    }

    /**
     * Converts a leaf's storage to another dtype in place, as PyTorch's {@code param.data = param.data.to(dtype)}: the
     * path by which {@code Module.to(DType)} converts parameters, so that a parameter stays the same object (an
     * optimizer made before keeps working). Float64 values round to the nearest float32 value, float32 values widen
     * exactly. The gradient is cleared (it would have the old dtype). Graphs built before the cast are not valid
     * after it. Converting to the tensor's own dtype changes nothing.
     *
     * @param dtype the new element type
     * @throws IllegalStateException if this tensor is not a leaf, or is a gradient or a detached view of an op's
     *     result
     */
    public void toInPlace(DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        if (!isLeaf() || readOnly) {
            updateInPlace((v, g) -> { });   // throws the leaf/read-only message
        }
        if (dtype == dtype()) {
            return;
        }
        if (dtype == DType.FLOAT32) {
            floats = round(data);
            data = null;
        } else {
            data = widen(floats);
            floats = null;
        }
        grad = null;
    }

    /**
     * A change to a float32 leaf's values, given its gradient: see {@link Tensor#updateFloatsInPlace}.
     */
    @FunctionalInterface
    public interface FloatInPlaceUpdate {
        /**
         * Changes the values.
         *
         * @param values the row-major values; modified
         * @param grad the row-major gradient, or {@code null}; not modified
         */
        void apply(float[] values, float[] grad);
    }

    /** A 1x1 constant in this tensor's dtype: a {@code double} argument never promotes, as PyTorch's numbers. */
    private Tensor constant(double value) {
        return full(1, 1, value, dtype());
    }

    /**
     * A change to a leaf's values, given its gradient: see {@link Tensor#updateInPlace}.
     */
    @FunctionalInterface
    public interface InPlaceUpdate {
        /**
         * Changes the values.
         *
         * @param values the row-major values; modified
         * @param grad the row-major gradient, or {@code null}; not modified
         */
        void apply(double[] values, double[] grad);
    }

    // ---------------------------------------------------------------- ArithmeticOps
    // Elementwise over two tensors, broadcasting, and with a number (ArithmeticOps.java).

    /**
     * Elementwise sum with broadcasting.
     *
     * <p>Gradient: {@code g} to both, each summed back to its own shape.
     *
     * @param other the other operand
     * @return {@code this + other}, of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor add(Tensor other) {
        return ArithmeticOps.add(this, other);
    }

    /**
     * Adds a constant to every element.
     *
     * <p>Gradient: {@code g}.
     *
     * @param value the constant
     * @return {@code this + value}
     */
    public Tensor add(double value) {
        return ArithmeticOps.add(this, constant(value));
    }

    /**
     * Elementwise difference with broadcasting.
     *
     * <p>Gradient: {@code g} to this and {@code -g} to {@code other}, each summed back to its own shape.
     *
     * @param other the other operand
     * @return {@code this - other}, of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor sub(Tensor other) {
        return ArithmeticOps.sub(this, other);
    }

    /**
     * Subtracts a constant from every element.
     *
     * <p>Gradient: {@code g}.
     *
     * @param value the constant
     * @return {@code this - value}
     */
    public Tensor sub(double value) {
        return ArithmeticOps.sub(this, constant(value));
    }

    /**
     * Elementwise product with broadcasting.
     *
     * <p>Gradient: {@code g·other} to this and {@code g·this} to {@code other}, each summed back to its own shape.
     *
     * @param other the other operand
     * @return {@code this ⊙ other}, of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor mul(Tensor other) {
        return ArithmeticOps.mul(this, other);
    }

    /**
     * Multiplies every element by a constant.
     *
     * <p>Gradient: {@code g·value}.
     *
     * @param value the constant
     * @return {@code this * value}
     */
    public Tensor mul(double value) {
        return ArithmeticOps.mul(this, constant(value));
    }

    /**
     * Elementwise quotient with broadcasting.
     *
     * <p>Gradient: {@code g/other} to this and {@code -g·(this/other)/other} to {@code other}, each summed back to its
     * own shape.
     *
     * @param other the divisor
     * @return {@code this / other}, of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor div(Tensor other) {
        return ArithmeticOps.div(this, other);
    }

    /**
     * Divides every element by a constant.
     *
     * <p>Gradient: {@code g/value}.
     *
     * @param value the divisor
     * @return {@code this / value}
     */
    public Tensor div(double value) {
        return ArithmeticOps.div(this, constant(value));
    }

    /**
     * The elementwise maximum, broadcasting, as {@code torch.maximum}: NaN wins.
     *
     * <p>Gradient: {@code g} to the larger side and 0 to the other; on a tie {@code g/2} to each.
     *
     * @param other the other operand
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor maximum(Tensor other) {
        return ArithmeticOps.maximum(this, other);
    }

    /**
     * The elementwise minimum, broadcasting, as {@code torch.minimum}: NaN wins.
     *
     * <p>Gradient: {@code g} to the smaller side and 0 to the other; on a tie {@code g/2} to each.
     *
     * @param other the other operand
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor minimum(Tensor other) {
        return ArithmeticOps.minimum(this, other);
    }

    /**
     * {@code this^exponent} elementwise, broadcasting, as {@code torch.pow(Tensor, Tensor)}.
     *
     * <p>Gradient: {@code g·b·a^(b-1)} to the base (0 where {@code b = 0}) and {@code g·a^b·log a} to the exponent (0
     * where {@code a = 0} and {@code b >= 0}), each summed back to its own shape.
     *
     * @param exponent the exponents
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor pow(Tensor exponent) {
        return ArithmeticOps.pow(this, exponent);
    }

    /**
     * {@return {@code -x}}
     *
     * <p>Gradient: {@code -g}.
     */
    public Tensor neg() {
        return ArithmeticOps.neg(this);
    }

    // ---------------------------------------------------------------- MatrixOps
    // Products and the transpose (MatrixOps.java).

    /**
     * Matrix product.
     *
     * <p>Gradient: {@code g·otherᵀ} to this and {@code thisᵀ·g} to {@code other}.
     *
     * @param other the right factor, {@code cols() x k}
     * @return {@code this · other}, {@code rows() x k}
     * @throws IllegalArgumentException if {@code cols() != other.rows()}
     */
    public Tensor matmul(Tensor other) {
        return MatrixOps.matmul(this, other);
    }

    /**
     * Matrix product with the transpose of {@code other}, without forming the transpose: the product of a linear
     * layer, {@code x · weightᵀ}.
     *
     * <p>Gradient: {@code g·other} to this and {@code gᵀ·this} to {@code other}, a weight's gradient in the weight's
     * own shape.
     *
     * @param other the right factor, {@code k x cols()}
     * @return {@code this · otherᵀ}, {@code rows() x k}
     * @throws IllegalArgumentException if {@code cols() != other.cols()}
     */
    public Tensor matmulT(Tensor other) {
        return MatrixOps.matmulT(this, other);
    }

    /**
     * {@return the transpose, {@code cols() x rows()}}
     *
     * <p>Gradient: {@code gᵀ}.
     */
    public Tensor t() {
        return MatrixOps.transpose(this);
    }

    // ---------------------------------------------------------------- UnaryOps
    // Elementwise functions (UnaryOps.java).

    /**
     * {@return {@code e^x}}
     *
     * <p>Gradient: {@code g·e^x}.
     */
    public Tensor exp() {
        return UnaryOps.exp(this);
    }

    /**
     * {@return the natural logarithm; {@code log(0) = -inf}, {@code log(x < 0) = NaN}}
     *
     * <p>Gradient: {@code g/x}.
     */
    public Tensor log() {
        return UnaryOps.log(this);
    }

    /**
     * {@return the square root}
     *
     * <p>Gradient: {@code g/(2·√x)}.
     */
    public Tensor sqrt() {
        return UnaryOps.sqrt(this);
    }

    /**
     * {@return {@code |x|}}
     *
     * <p>Gradient: {@code g·sgn(x)}, 0 at ±0 and NaN.
     */
    public Tensor abs() {
        return UnaryOps.abs(this);
    }

    /**
     * Elementwise power with a constant exponent.
     *
     * <p>Gradient: {@code g·p·x^(p-1)}; 0 everywhere when {@code p == 0}.
     *
     * @param exponent the exponent
     * @return {@code x^exponent}
     */
    public Tensor pow(double exponent) {
        return UnaryOps.pow(this, exponent);
    }

    /**
     * {@code x²}, as {@code torch.square} (which is {@code pow(x, 2)}).
     *
     * <p>Gradient: {@code g·2·x}.
     *
     * @return a new tensor of this shape
     */
    public Tensor square() {
        return pow(2);
    }

    /**
     * {@code log(1 + x)}, exact near 0.
     *
     * <p>Gradient: {@code g/(1 + x)}.
     *
     * @return a new tensor of this shape
     */
    public Tensor log1p() {
        return UnaryOps.log1p(this);
    }

    /**
     * {@code e^x - 1}, exact near 0.
     *
     * <p>Gradient: {@code g·e^x}.
     *
     * @return a new tensor of this shape
     */
    public Tensor expm1() {
        return UnaryOps.expm1(this);
    }

    /**
     * {@code 1/x}.
     *
     * <p>Gradient: {@code -g/x²}.
     *
     * @return a new tensor of this shape
     */
    public Tensor reciprocal() {
        return UnaryOps.reciprocal(this);
    }

    /**
     * {@code 1/√x}.
     *
     * <p>Gradient: {@code -g·x^(-3/2)/2}.
     *
     * @return a new tensor of this shape
     */
    public Tensor rsqrt() {
        return UnaryOps.rsqrt(this);
    }

    /**
     * {@code sin x}.
     *
     * <p>Gradient: {@code g·cos x}.
     *
     * @return a new tensor of this shape
     */
    public Tensor sin() {
        return UnaryOps.sin(this);
    }

    /**
     * {@code cos x}.
     *
     * <p>Gradient: {@code -g·sin x}.
     *
     * @return a new tensor of this shape
     */
    public Tensor cos() {
        return UnaryOps.cos(this);
    }

    /**
     * The error function {@code erf x = 2/√π ∫₀ˣ e^(-t²) dt}, within 3 ulps of the exact value (as the C library's,
     * which libtorch calls).
     *
     * <p>Gradient: {@code g·2/√π·e^(-x²)}.
     *
     * @return a new tensor of this shape
     */
    public Tensor erf() {
        return UnaryOps.erf(this);
    }

    /**
     * {@return the logistic function {@code 1/(1+e^-x)}, computed without overflow}
     *
     * <p>Gradient: {@code g·(1 - σ(x))·σ(x)}.
     */
    public Tensor sigmoid() {
        return UnaryOps.sigmoid(this);
    }

    /**
     * {@return the hyperbolic tangent}
     *
     * <p>Gradient: {@code g·(1 - tanh²x)}.
     */
    public Tensor tanh() {
        return UnaryOps.tanh(this);
    }

    /**
     * {@return {@code max(x, 0)}}
     *
     * <p>Gradient: {@code g} where the result is positive, else 0.
     */
    public Tensor relu() {
        return UnaryOps.relu(this);
    }

    /**
     * {@return {@code log(sigmoid(x)) = min(x, 0) - log1p(e^-|x|)}, finite for any finite x}
     *
     * <p>Gradient: {@code g·σ(-x)}, computed as ATen: {@code g·z/(1+z)} for {@code x >= 0} and {@code g·(1 - z/(1+z))}
     * for {@code x < 0}, {@code z = e^-|x|}.
     */
    public Tensor logSigmoid() {
        return UnaryOps.logSigmoid(this);
    }

    /**
     * Softplus with beta 1 and threshold 20, as {@code torch.nn.functional.softplus}.
     *
     * <p>Gradient: {@code g·σ(x)}, and {@code g} where {@code x > 20}.
     *
     * @return {@code log1p(e^x)}, or {@code x} itself where {@code x > 20}
     */
    public Tensor softplus() {
        return UnaryOps.softplus(this, 1, 20);
    }

    /**
     * Softplus with a sharpness and a linear threshold, as {@code torch.nn.functional.softplus(x, beta, threshold)}:
     * {@code log(1 + e^(βx))/β}, and {@code x} itself where {@code βx > threshold}.
     *
     * <p>Gradient: {@code g·σ(βx)}, and {@code g} where {@code βx > threshold}; at {@code βx = threshold} still
     * {@code g·σ(βx)}, with a second derivative of 0, as libtorch.
     *
     * @param beta the sharpness β, positive
     * @param threshold where the result becomes {@code x}
     * @return a new tensor of this shape
     * @throws IllegalArgumentException if beta is not positive or the threshold is NaN
     */
    public Tensor softplus(double beta, double threshold) {
        return UnaryOps.softplus(this, beta, threshold);
    }

    /**
     * Clamps every element into {@code [min, max]}.
     *
     * <p>Gradient: {@code g} where {@code min <= x <= max} (the bounds included), else 0.
     *
     * @param min the lower bound
     * @param max the upper bound
     * @return the clamped values
     * @throws IllegalArgumentException if {@code min > max} or a bound is NaN
     */
    public Tensor clamp(double min, double max) {
        return UnaryOps.clamp(this, min, max);
    }

    // ---------------------------------------------------------------- Activations
    // The activations beyond the MLP's (Activations.java).

    /**
     * GELU, exact: {@code x·Φ(x) = x·(1 + erf(x/√2))/2}, as {@code torch.nn.functional.gelu(x)}.
     *
     * <p>Gradient: {@code g·(Φ(x) + x·φ(x))}.
     *
     * @return a new tensor of this shape
     */
    public Tensor gelu() {
        return Activations.gelu(this);
    }

    /**
     * GELU's tanh approximation {@code x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))/2}, as
     * {@code torch.nn.functional.gelu(x, approximate='tanh')}.
     *
     * <p>Gradient: {@code g} times the derivative of the approximation, as ATen's {@code gelu_backward}.
     *
     * @return a new tensor of this shape
     */
    public Tensor geluTanh() {
        return Activations.geluTanh(this);
    }

    /**
     * {@code x > 0 ? x : negativeSlope·x}, as {@code torch.nn.functional.leaky_relu}; at ±0 the slope
     * applies.
     *
     * <p>Gradient: {@code g} where {@code x > 0}, else {@code negativeSlope·g}.
     *
     * @param negativeSlope the slope for {@code x <= 0} (PyTorch's default is 0.01)
     * @return a new tensor of this shape
     * @throws IllegalArgumentException if the slope is NaN
     */
    public Tensor leakyRelu(double negativeSlope) {
        return Activations.leakyRelu(this, negativeSlope);
    }

    /**
     * {@code x > 0 ? x : α·(e^x - 1)}, as {@code torch.nn.functional.elu}.
     *
     * <p>Gradient: {@code g} where {@code x > 0}, else {@code g·α·e^x} (α·g at 0, where the second derivative is 0, as
     * libtorch).
     *
     * @param alpha α (PyTorch's default is 1)
     * @return a new tensor of this shape
     * @throws IllegalArgumentException if alpha is NaN
     */
    public Tensor elu(double alpha) {
        return Activations.elu(this, alpha);
    }

    /**
     * SiLU (swish), {@code x·σ(x)}, as {@code torch.nn.functional.silu}.
     *
     * <p>Gradient: {@code g·σ(x)·(1 + x·(1 - σ(x)))}.
     *
     * @return a new tensor of this shape
     */
    public Tensor silu() {
        return Activations.silu(this);
    }

    /**
     * {@code x} clamped to {@code [min, max]}, as {@code torch.nn.functional.hardtanh}.
     *
     * <p>Gradient: {@code g} where {@code min < x < max}, else 0: unlike {@link #clamp}, none at the bounds themselves.
     *
     * @param min the lower bound (PyTorch's default is -1)
     * @param max the upper bound (PyTorch's default is 1)
     * @return a new tensor of this shape
     * @throws IllegalArgumentException if {@code min > max} or a bound is NaN
     */
    public Tensor hardtanh(double min, double max) {
        return Activations.hardtanh(this, min, max);
    }

    // ---------------------------------------------------------------- Reductions
    // Over everything or along a dim (Reductions.java).

    /**
     * {@return the sum of all elements, 1x1}
     *
     * <p>Gradient: {@code g} to every element.
     */
    public Tensor sum() {
        return Reductions.sum(this);
    }

    /**
     * {@return the mean of all elements, 1x1 (NaN for an empty tensor, as PyTorch)}
     *
     * <p>Gradient: {@code g/n} to every element.
     */
    public Tensor mean() {
        return Reductions.mean(this);
    }

    /**
     * Sums along a dimension.
     *
     * <p>Gradient: {@code g} to every element of its row or column.
     *
     * @param dim 0 sums over rows (result {@code 1 x cols}), 1 over columns (result {@code rows x 1})
     * @return the sums
     * @throws IllegalArgumentException if {@code dim} is not 0 or 1
     */
    public Tensor sum(int dim) {
        return Reductions.sum(this, dim);
    }

    /**
     * Means along a dimension.
     *
     * <p>Gradient: {@code g/n} to every element of its row or column.
     *
     * @param dim 0 over rows (result {@code 1 x cols}), 1 over columns (result {@code rows x 1})
     * @return the means
     * @throws IllegalArgumentException if {@code dim} is not 0 or 1
     */
    public Tensor mean(int dim) {
        return Reductions.mean(this, dim);
    }

    /**
     * Maxima along a dimension.
     *
     * <p>Gradient: {@code g} to the first maximal element of each row or column, 0 elsewhere.
     *
     * @param dim 0 over rows (result {@code 1 x cols}), 1 over columns (result {@code rows x 1})
     * @return the maxima (NaN where a NaN is present)
     * @throws IllegalArgumentException if {@code dim} is not 0 or 1, or that dimension is empty
     */
    public Tensor max(int dim) {
        return Reductions.max(this, dim);
    }

    /**
     * The minimum along a dim, as {@code torch.min(x, dim, keepdim=True).values}: NaN wins.
     *
     * <p>Gradient: {@code g} to the first minimal element of each row or column, 0 elsewhere.
     *
     * @param dim 0 (over rows: 1 x cols) or 1 (over columns: rows x 1)
     * @return the minima
     * @throws IllegalArgumentException for a bad dim or a dim of size 0
     */
    public Tensor min(int dim) {
        return Reductions.min(this, dim);
    }

    /**
     * {@code log(Σ exp(x))} along a dimension, computed after subtracting the maximum so nothing overflows.
     *
     * <p>Gradient: {@code g·e^(x - logSumExp)}, the softmax along the dim.
     *
     * @param dim 0 over rows (result {@code 1 x cols}), 1 over columns (result {@code rows x 1})
     * @return the log-sum-exp values
     * @throws IllegalArgumentException if {@code dim} is not 0 or 1
     */
    public Tensor logSumExp(int dim) {
        return Reductions.logSumExp(this, dim);
    }

    /**
     * The variance along a dim, {@code Σ(x - mean)²/(N - correction)}, as {@code torch.var(x, dim, correction=c,
     * keepdim=True)}: correction 1 is the unbiased estimate, 0 the biased one.
     *
     * <p>Gradient: {@code g·2·(x - mean)/(N - correction)}.
     *
     * @param dim 0 (1 x cols) or 1 (rows x 1)
     * @param correction subtracted from N in the denominator, >= 0
     * @return the variances
     * @throws IllegalArgumentException for a bad dim or a negative correction
     */
    public Tensor var(int dim, int correction) {
        return Reductions.var(this, dim, correction);
    }

    /**
     * The standard deviation along a dim, {@code √var(dim, correction)}, as {@code torch.std}.
     *
     * <p>Gradient: {@code g·(x - mean)/((N - correction)·std)}, 0 where {@code std = 0}.
     *
     * @param dim 0 (1 x cols) or 1 (rows x 1)
     * @param correction subtracted from N in the denominator, >= 0
     * @return the standard deviations
     * @throws IllegalArgumentException for a bad dim or a negative correction
     */
    public Tensor std(int dim, int correction) {
        return Reductions.std(this, dim, correction);
    }

    /**
     * The 2-norm of all entries, {@code √Σx²}, 1x1, as {@code torch.linalg.vector_norm}.
     *
     * <p>Gradient: {@code g·x/‖x‖}, 0 at the zero tensor.
     *
     * @return a 1x1 tensor
     */
    public Tensor norm() {
        return Reductions.norm(this);
    }

    /**
     * The index of the largest element along a dim, as {@code torch.argmax}: the first on ties, a NaN if there is
     * one.
     *
     * <p>Gradient: none: not differentiable.
     *
     * @param dim 0 (one index per column) or 1 (one per row)
     * @return the indices
     * @throws IllegalArgumentException for a bad dim or a dim of size 0
     */
    public int[] argmax(int dim) {
        return Reductions.argExtreme("argmax", this, dim, true);
    }

    /**
     * The index of the smallest element along a dim, as {@code torch.argmin}: the first on ties, a NaN if there is
     * one.
     *
     * <p>Gradient: none: not differentiable.
     *
     * @param dim 0 (one index per column) or 1 (one per row)
     * @return the indices
     * @throws IllegalArgumentException for a bad dim or a dim of size 0
     */
    public int[] argmin(int dim) {
        return Reductions.argExtreme("argmin", this, dim, false);
    }

    // ---------------------------------------------------------------- Softmax
    // Normalising along a dim (Softmax.java).

    /**
     * Softmax along a dimension: {@code exp(x - max) / Σ exp(x - max)}.
     *
     * <p>Gradient: {@code (g - Σ g·s)·s} along the dim, {@code s} the result.
     *
     * @param dim 1 normalises each row, 0 each column
     * @return probabilities of this tensor's shape
     * @throws IllegalArgumentException if {@code dim} is not 0 or 1
     */
    public Tensor softmax(int dim) {
        return Softmax.softmax(this, dim);
    }

    /**
     * Log-softmax along a dimension: {@code x - max - log Σ exp(x - max)}, never {@code log(softmax(x))}.
     *
     * <p>Gradient: {@code g - e^y·Σ g} along the dim, {@code y} the result.
     *
     * @param dim 1 normalises each row, 0 each column
     * @return log-probabilities of this tensor's shape
     * @throws IllegalArgumentException if {@code dim} is not 0 or 1
     */
    public Tensor logSoftmax(int dim) {
        return Softmax.logSoftmax(this, dim);
    }

    // ---------------------------------------------------------------- Comparisons
    // 0/1 results that never require grad (Comparisons.java).

    /**
     * {@code this > other} as 0/1, broadcasting. NaN compares false.
     *
     * <p>Gradient: none: the result never requires grad.
     *
     * @param other the other operand
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor gt(Tensor other) {
        return Comparisons.compare(Comparisons.Op.GT, this, other);
    }

    /**
     * {@code this > value} as 0/1.
     *
     * <p>Gradient: none: the result never requires grad.
     *
     * @param value the number compared with
     * @return a new tensor of this shape
     */
    public Tensor gt(double value) {
        return gt(constant(value));
    }

    /**
     * {@code this >= other} as 0/1, broadcasting. NaN compares false.
     *
     * <p>Gradient: none: the result never requires grad.
     *
     * @param other the other operand
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor ge(Tensor other) {
        return Comparisons.compare(Comparisons.Op.GE, this, other);
    }

    /**
     * {@code this >= value} as 0/1.
     *
     * <p>Gradient: none: the result never requires grad.
     *
     * @param value the number compared with
     * @return a new tensor of this shape
     */
    public Tensor ge(double value) {
        return ge(constant(value));
    }

    /**
     * {@code this < other} as 0/1, broadcasting. NaN compares false.
     *
     * <p>Gradient: none: the result never requires grad.
     *
     * @param other the other operand
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor lt(Tensor other) {
        return Comparisons.compare(Comparisons.Op.LT, this, other);
    }

    /**
     * {@code this < value} as 0/1.
     *
     * <p>Gradient: none: the result never requires grad.
     *
     * @param value the number compared with
     * @return a new tensor of this shape
     */
    public Tensor lt(double value) {
        return lt(constant(value));
    }

    /**
     * {@code this <= other} as 0/1, broadcasting. NaN compares false.
     *
     * <p>Gradient: none: the result never requires grad.
     *
     * @param other the other operand
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor le(Tensor other) {
        return Comparisons.compare(Comparisons.Op.LE, this, other);
    }

    /**
     * {@code this <= value} as 0/1.
     *
     * <p>Gradient: none: the result never requires grad.
     *
     * @param value the number compared with
     * @return a new tensor of this shape
     */
    public Tensor le(double value) {
        return le(constant(value));
    }

    /**
     * {@code this == other} as 0/1, broadcasting. NaN == NaN is 0, -0.0 == 0.0 is 1.
     *
     * <p>Gradient: none: the result never requires grad.
     *
     * @param other the other operand
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Tensor eq(Tensor other) {
        return Comparisons.compare(Comparisons.Op.EQ, this, other);
    }

    /**
     * {@code this == value} as 0/1.
     *
     * <p>Gradient: none: the result never requires grad.
     *
     * @param value the number compared with
     * @return a new tensor of this shape
     */
    public Tensor eq(double value) {
        return eq(constant(value));
    }

    // ---------------------------------------------------------------- IndexOps
    // Selecting by index or by mask (IndexOps.java).

    /**
     * Values picked along a dim by an index of the result's shape, as {@code torch.gather}:
     * {@code out[i][j] = this[index[i][j]][j]} for dim 0 and {@code this[i][index[i][j]]} for dim 1.
     *
     * <p>Shape: {@code index} is {@code R x C} with {@code R <= rows()} (dim 1) or {@code C <= cols()} (dim 0); the
     * result is {@code R x C}.
     *
     * <p>Gradient: {@code g} added back at the picked positions (repeats add up).
     *
     * @param dim 0 or 1
     * @param index the indices, all rows of one length; copied
     * @return the picked values
     * @throws IllegalArgumentException for a bad dim, a ragged index, an index out of range (named with its
     *     position), or an index larger than the input outside {@code dim}
     */
    public Tensor gather(int dim, int[][] index) {
        return IndexOps.gather(this, dim, index);
    }

    /**
     * The rows (dim 0) or columns (dim 1) at {@code index}, in that order, as {@code torch.index_select}; an index may
     * repeat.
     *
     * <p>Gradient: {@code g} added back at the indices (repeats add up).
     *
     * @param dim 0 or 1
     * @param index the rows or columns to take; copied
     * @return a new tensor with {@code index.length} rows (dim 0) or columns (dim 1)
     * @throws IllegalArgumentException for a bad dim or an index out of range (named with its position)
     */
    public Tensor indexSelect(int dim, int... index) {
        return IndexOps.indexSelect(this, dim, index);
    }

    /**
     * This tensor with {@code value} wherever {@code mask} is nonzero, as {@code torch.Tensor.masked_fill}.
     *
     * <p>Gradient: {@code g} where the mask is 0, 0 in the filled entries.
     *
     * @param mask a tensor that broadcasts to this tensor's shape (0 keeps, nonzero fills); must not require grad
     * @param value the fill value
     * @return a new tensor of this shape
     * @throws IllegalArgumentException if the mask does not broadcast to this shape or requires grad
     */
    public Tensor maskedFill(Tensor mask, double value) {
        return IndexOps.maskedFill(this, mask, value);
    }

    /**
     * {@code condition != 0 ? a : b} elementwise, broadcasting all three, as {@code torch.where}.
     *
     * <p>Gradient: {@code g} to the side chosen, 0 to the other, each summed back to its own shape.
     *
     * @param condition nonzero picks {@code a} (NaN is nonzero); must not require grad
     * @param a the values where the condition holds
     * @param b the values elsewhere
     * @return a new tensor of the broadcast shape
     * @throws IllegalArgumentException if the shapes do not broadcast or the condition requires grad
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return IndexOps.where(condition, a, b);
    }

    // ---------------------------------------------------------------- ShapeOps
    // Reshaping, slicing and joining (ShapeOps.java).

    /**
     * The same entries, row-major, in another shape, as {@code torch.reshape}; one side may be -1 (inferred).
     *
     * <p>Gradient: {@code g} in this tensor's shape.
     *
     * @param rows the new row count, or -1
     * @param cols the new column count, or -1
     * @return a new tensor {@code rows x cols}
     * @throws IllegalArgumentException if the sizes do not multiply to {@code numel()}
     */
    public Tensor reshape(int rows, int cols) {
        return ShapeOps.reshape(this, rows, cols);
    }

    /**
     * {@code length} rows (dim 0) or columns (dim 1) from {@code start}, as {@code torch.narrow}; a negative start
     * counts from the end.
     *
     * <p>Gradient: {@code g} in the narrowed rows or columns, 0 elsewhere.
     *
     * @param dim 0 or 1
     * @param start the first row or column
     * @param length how many
     * @return a new tensor
     * @throws IllegalArgumentException for a bad dim or a range outside the tensor
     */
    public Tensor narrow(int dim, int start, int length) {
        return ShapeOps.narrow(this, dim, start, length);
    }

    /**
     * The parts joined along a dim, as {@code torch.cat}: their other side must agree.
     *
     * <p>Gradient: each part its own rows (dim 0) or columns (dim 1) of {@code g}.
     *
     * @param dim 0 (stack rows) or 1 (stack columns)
     * @param parts one or more tensors
     * @return a new tensor
     * @throws IllegalArgumentException for a bad dim, no parts, or parts whose other side differs
     */
    public static Tensor cat(int dim, Tensor... parts) {
        Objects.requireNonNull(parts, "parts");
        return ShapeOps.cat(dim, java.util.Arrays.asList(parts));
    }

    /**
     * The parts joined along a dim, as {@code torch.cat}.
     *
     * <p>Gradient: each part its own rows (dim 0) or columns (dim 1) of {@code g}.
     *
     * @param dim 0 (stack rows) or 1 (stack columns)
     * @param parts one or more tensors
     * @return a new tensor
     * @throws IllegalArgumentException for a bad dim, no parts, or parts whose other side differs
     */
    public static Tensor cat(int dim, java.util.List<Tensor> parts) {
        return ShapeOps.cat(dim, parts);
    }

    // ---------------------------------------------------------------- images as rows

    /**
     * Every {@code kernel x kernel} patch of every image, as PyTorch's {@code F.unfold} (im2col): this tensor is a
     * batch of images {@code N x (C·H·W)} (a row per image, NCHW order), the padding is zeros, and the result is
     * PyTorch's {@code N x (C·k·k) x L} flattened row-major, {@code out[n][((c·k + ki)·k + kj)·L + l]} the pixel
     * that patch {@code l} (row-major over the {@code outH x outW} blocks) reads at {@code (c, ki, kj)}.
     *
     * <p>Gradient: {@code g.fold(shape, kernel, dilation, padding, stride)}, the adjoint.
     *
     * <p>Shape: {@code N x (C·H·W)} to {@code N x (C·k·k·L)}, {@code L = outH·outW}, each side
     * {@code floor((H + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1}.
     *
     * @param shape the geometry of an image
     * @param kernel the patch side, at least 1
     * @param dilation the spacing of a patch's pixels, at least 1
     * @param padding zeros added on every side, at least 0
     * @param stride the step between patches, at least 1
     * @return the patches
     * @throws IllegalArgumentException if a row is not {@code shape.size()} long, a size is out of range or the
     *     patches do not fit the padded image
     */
    public Tensor unfold(ImageShape shape, int kernel, int dilation, int padding, int stride) {
        return ImageOps.unfold(this, shape, kernel, dilation, padding, stride);
    }

    /**
     * Patches added back into images, as PyTorch's {@code F.fold} (col2im): the adjoint of {@link #unfold}, so
     * overlapping values add up and values that fall on the padding are dropped.
     *
     * <p>Gradient: {@code g.unfold(output, kernel, dilation, padding, stride)}, the adjoint.
     *
     * <p>Shape: {@code N x (C·k·k·L)} (the layout {@link #unfold} returns) to {@code N x (C·H·W)}.
     *
     * @param output the geometry of the images made
     * @param kernel the patch side, at least 1
     * @param dilation the spacing of a patch's pixels, at least 1
     * @param padding the padding the patches were taken with, at least 0
     * @param stride the step between patches, at least 1
     * @return the images
     * @throws IllegalArgumentException if a row is not {@code C·k·k·L} long, a size is out of range or the patches
     *     do not fit the padded image
     */
    public Tensor fold(ImageShape output, int kernel, int dilation, int padding, int stride) {
        return ImageOps.fold(this, output, kernel, dilation, padding, stride);
    }

    /**
     * A 2-D convolution (cross-correlation) of this batch of images, as PyTorch's {@code F.conv2d}:
     * {@code out[n, o, l] = Σ_{c, ki, kj} weight[o, (c·k + ki)·k + kj] · patch_l(x_n)[c, ki, kj] + bias[o]}, computed
     * as one matrix product of the weight with the patches of the whole batch, {@code W · unfold(x)}.
     *
     * <p>Gradient: {@code fold(Wᵀ · g)} to this (a transposed convolution), {@code g · unfold(x)ᵀ} to the weight
     * and {@code g} summed over the pixels of each output channel to the bias, each through the product's rules.
     *
     * <p>Shape: this {@code N x (C·H·W)}; weight {@code outC x (C·k·k)} (PyTorch's {@code weight.reshape(outC, -1)},
     * so {@code k} follows from its width and C); bias {@code 1 x outC}; result {@code N x (outC·outH·outW)}, each
     * side {@code floor((H + 2·padding − dilation·(k − 1) − 1) / stride) + 1}.
     *
     * @param shape the geometry of an image
     * @param weight the kernels, {@code outC x (C·k·k)}
     * @param bias {@code 1 x outC}, or {@code null}
     * @param stride the step between patches, at least 1
     * @param padding zeros added on every side, at least 0
     * @param dilation the spacing of a kernel's pixels, at least 1
     * @return the output images
     * @throws IllegalArgumentException if a row is not {@code shape.size()} long, the weight's width is not
     *     {@code C·k·k}, the bias is not {@code 1 x outC}, a size is out of range or the kernel does not fit the
     *     padded image
     */
    public Tensor conv2d(ImageShape shape, Tensor weight, Tensor bias, int stride, int padding, int dilation) {
        return ImageOps.conv2d(this, shape, weight, bias, stride, padding, dilation);
    }

    /**
     * The largest value of each {@code kernel x kernel} window of each channel, as PyTorch's {@code F.max_pool2d}
     * (padding is −∞). The gradient goes to the element PyTorch's CPU kernel picks: windows are scanned row by row,
     * a value is taken when it is greater than the maximum so far or NaN, so the first of tied maxima and the last
     * NaN get it; a window of −∞ sends it to its first pixel inside the image.
     *
     * <p>Gradient: each window's {@code g} added at the pixel it took.
     *
     * <p>Shape: {@code N x (C·H·W)} to {@code N x (C·outH·outW)}.
     *
     * @param shape the geometry of an image
     * @param kernel the window side, at least 1
     * @param stride the step between windows, at least 1
     * @param padding −∞ added on every side, at most {@code kernel / 2}
     * @return the pooled images
     * @throws IllegalArgumentException if a row is not {@code shape.size()} long or a size is out of range
     */
    public Tensor maxPool2d(ImageShape shape, int kernel, int stride, int padding) {
        return ImageOps.maxPool2d(this, shape, kernel, stride, padding);
    }

    /**
     * The mean of each {@code kernel x kernel} window of each channel, as PyTorch's {@code F.avg_pool2d} with
     * {@code count_include_pad=True} and {@code ceil_mode=False}: every window's sum (padding zeros included) divided
     * by {@code kernel²}.
     *
     * <p>Gradient: each window's {@code g / kernel²} added to every pixel of the window (padding dropped).
     *
     * <p>Shape: {@code N x (C·H·W)} to {@code N x (C·outH·outW)}.
     *
     * @param shape the geometry of an image
     * @param kernel the window side, at least 1
     * @param stride the step between windows, at least 1
     * @param padding zeros added on every side, at most {@code kernel / 2}
     * @return the pooled images
     * @throws IllegalArgumentException if a row is not {@code shape.size()} long or a size is out of range
     */
    public Tensor avgPool2d(ImageShape shape, int kernel, int stride, int padding) {
        return ImageOps.avgPool2d(this, shape, kernel, stride, padding);
    }
}
