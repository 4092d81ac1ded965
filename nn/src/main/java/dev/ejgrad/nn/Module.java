package dev.ejgrad.nn;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.core.TorchShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A layer or a model: a function of one tensor with named parameters, as {@code torch.nn.Module}.
 *
 * <p>Subclasses register their parameters, buffers and sub-modules in their constructors with
 * {@link #registerParameter}, {@link #registerBuffer} and {@link #registerModule}; names are joined with dots as
 * PyTorch's ({@code 0.weight}, {@code 2.bias}, {@code 1.running_mean}), so state dicts line up with PyTorch's. A
 * parameter or buffer that PyTorch holds in another shape than ejgrad's 2-D one (a bias {@code [n]}, a count
 * {@code int64 []}, a convolution weight {@code [outC, C, k, k]}) is registered with its {@link TorchShape}, which
 * {@link #stateDict()} carries and {@link SafeTensors#save(Map, java.nio.file.Path)} writes, so that PyTorch's
 * {@code load_state_dict(strict=True)} takes the saved file.
 *
 * <p>Threads (serving): a trained model's {@link #forward} under {@link dev.ejgrad.core.NoGrad} may be called from
 * many threads at once, each thread opening its own scope (grad mode is per thread), and every call gives the values
 * one thread would, bit for bit. Such a forward only reads the parameters and builds no graph; the kernels keep
 * their scratch buffers per thread and share one pool for large products, and each value is summed in an order that
 * depends neither on the thread count nor on other callers ({@code ConcurrentInferenceTest} checks 8 threads against
 * one). A module whose forward changes its own state (a training-mode batch norm's running statistics) is not
 * shareable this way: call {@link #eval()} first. Everything else must not overlap with any other use of the same
 * module: a forward with grad on (the graphs would share the parameters' gradients), {@code backward}, optimizer
 * steps, {@link #loadStateDict}, {@link #train()} and {@link #eval()}.
 */
public abstract class Module {

    /** A module with no parameters or sub-modules yet, in training mode. */
    protected Module() {
    }

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    /** The PyTorch shapes declared for own parameters and buffers; the others are saved as {@code [rows, cols]}. */
    private final Map<String, TorchShape> torchShapes = new LinkedHashMap<>();
    private boolean training = true;

    /**
     * Applies the module.
     *
     * @param input the input batch, one example per row; not modified
     * @return the output batch
     */
    public abstract Tensor forward(Tensor input);

    /**
     * Registers a parameter under a name; it should be a leaf that requires grad.
     *
     * @param name the parameter's name within this module, without dots
     * @param parameter the parameter itself (not copied)
     * @return {@code parameter}
     * @throws IllegalArgumentException if the name is empty, has a dot, or is taken
     */
    protected final Tensor registerParameter(String name, Tensor parameter) {
        checkName(name);
        parameters.put(name, Objects.requireNonNull(parameter, "parameter"));
        return parameter;
    }

    /**
     * Registers a parameter that PyTorch holds in another shape, e.g. a {@code 1 x n} bias as {@code [n]}: it is
     * saved in that shape (see {@link TorchShape}).
     *
     * @param name the parameter's name within this module, without dots
     * @param parameter the parameter itself (not copied)
     * @param shape PyTorch's shape of it, whose 2-D form is the parameter's {@code rows x cols}
     * @return {@code parameter}
     * @throws IllegalArgumentException if the name is empty, has a dot, or is taken, or the shape does not fit
     */
    protected final Tensor registerParameter(String name, Tensor parameter, TorchShape shape) {
        checkTorchShape(name, Objects.requireNonNull(parameter, "parameter"), shape);
        registerParameter(name, parameter);
        torchShapes.put(name, shape);
        return parameter;
    }

    /**
     * Registers a sub-module under a name.
     *
     * @param name the sub-module's name, without dots
     * @param module the sub-module
     * @param <M> its type
     * @return {@code module}
     * @throws IllegalArgumentException if the name is empty, has a dot, or is taken
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, Objects.requireNonNull(module, "module"));
        return module;
    }

    /**
     * Registers a buffer: state that is saved in {@link #stateDict()} but is not a parameter (no gradient, not
     * trained), as {@code register_buffer}, e.g. BatchNorm's {@code running_mean}. Buffers are values: the module
     * replaces a buffer with {@link #setBuffer} rather than changing it in place, so a graph that used the old value
     * stays valid.
     *
     * @param name the buffer's name within this module, without dots
     * @param value its initial value; copied, without history
     * @throws IllegalArgumentException if the name is empty, has a dot, or is taken
     */
    protected final void registerBuffer(String name, Tensor value) {
        Objects.requireNonNull(value, "value");
        checkName(name);
        buffers.put(name, value.detach());
    }

    /**
     * Registers a buffer that PyTorch holds in another shape or dtype, e.g. a running mean {@code [n]} or a count
     * {@link TorchShape#int64Scalar()}: it is saved in that form.
     *
     * @param name the buffer's name within this module, without dots
     * @param value its initial value; copied, without history
     * @param shape PyTorch's shape of it, whose 2-D form is the value's {@code rows x cols}
     * @throws IllegalArgumentException if the name is empty, has a dot, or is taken, or the shape does not fit
     */
    protected final void registerBuffer(String name, Tensor value, TorchShape shape) {
        checkTorchShape(name, Objects.requireNonNull(value, "value"), shape);
        registerBuffer(name, value);
        torchShapes.put(name, shape);
    }

    private void checkTorchShape(String name, Tensor t, TorchShape shape) {
        Objects.requireNonNull(shape, "shape");
        if (!shape.fits(t)) {
            throw new IllegalArgumentException("module: '" + name + "' is " + Shapes.of(t) + " but its PyTorch shape "
                    + shape + " reads as " + Shapes.of(shape.rows(), shape.cols()));
        }
    }

    /**
     * Returns this module's own buffer {@code name}.
     *
     * @param name a buffer registered by this module
     * @return its current value (never changed in place)
     * @throws IllegalArgumentException if this module has no such buffer
     */
    protected final Tensor buffer(String name) {
        Tensor b = buffers.get(Objects.requireNonNull(name, "name"));
        if (b == null) {
            throw new IllegalArgumentException("module: no buffer '" + name + "' in " + getClass().getSimpleName());
        }
        return b;
    }

    /**
     * Replaces the value of this module's own buffer {@code name}, as assigning {@code self.name = value} in PyTorch.
     *
     * @param name a buffer registered by this module
     * @param value the new value, of the buffer's shape; copied, without history
     * @throws IllegalArgumentException if this module has no such buffer, or the shape differs
     */
    protected final void setBuffer(String name, Tensor value) {
        Objects.requireNonNull(value, "value");
        Tensor old = buffer(name);
        if (old.rows() != value.rows() || old.cols() != value.cols()) {
            throw new IllegalArgumentException("module: buffer '" + name + "' is " + Shapes.of(old)
                    + ", got " + Shapes.of(value));
        }
        buffers.put(name, value.detach());
    }

    private void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module: a name must be non-empty and have no dot, got '" + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("module: the name '" + name + "' is already registered");
        }
    }

    /** {@return every parameter of this module and its sub-modules, in registration order} */
    public List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** {@return every parameter by its dotted PyTorch name, in registration order (the tensors themselves)} */
    public Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collect("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Tensor> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p));
        children.forEach((name, m) -> m.collect(prefix + name + ".", out));
    }

    /**
     * Every buffer of this module and its sub-modules by its dotted PyTorch name ({@code 1.running_mean}), in
     * registration order, as {@code named_buffers()}. The tensors are the current values, which the module replaces
     * rather than changes: later training does not change a map already returned.
     *
     * @return insertion-ordered name to value
     */
    public Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collectBuffers(String prefix, Map<String, Tensor> out) {
        buffers.forEach((name, b) -> out.put(prefix + name, b));
        children.forEach((name, m) -> m.collectBuffers(prefix + name + ".", out));
    }

    /** Each module's own parameters, then its own buffers, then its children's: PyTorch's state_dict order. */
    private void collectState(String prefix, Map<String, Tensor> out) {
        parameters.forEach((name, p) -> out.put(prefix + name, p));
        buffers.forEach((name, b) -> out.put(prefix + name, b));
        children.forEach((name, m) -> m.collectState(prefix + name + ".", out));
    }

    private void collectTorchShapes(String prefix, Map<String, TorchShape> out) {
        torchShapes.forEach((name, s) -> out.put(prefix + name, s));
        children.forEach((name, m) -> m.collectTorchShapes(prefix + name + ".", out));
    }

    /** {@return the sub-modules by name, in registration order} */
    protected final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Sets every parameter's gradient to {@code null}. */
    public void zeroGrad() {
        for (Tensor p : parameters()) {
            p.zeroGrad();
        }
    }

    /**
     * Converts every parameter and floating buffer of this module and its sub-modules to a dtype, in place, as
     * PyTorch's {@code model.to(torch.float32)}. A parameter stays the same {@link Tensor} object (converted with
     * {@link Tensor#toInPlace}), so an optimizer made before keeps working; its gradient is cleared. A buffer saved
     * as an integer ({@link TorchShape#isInt64()}: a batch norm's {@code num_batches_tracked}, a count) keeps its
     * dtype, as PyTorch keeps it int64. Float64 values round to the nearest float32 value.
     *
     * <pre>{@code
     * Module model = new Sequential(new Linear(784, 256, true, rng), new ReLU(), new Linear(256, 10, true, rng))
     *         .to(DType.FLOAT32);
     * }</pre>
     *
     * @param dtype the new element type
     * @return this module
     */
    public Module to(DType dtype) {
        Objects.requireNonNull(dtype, "dtype");
        parameters.values().forEach(p -> p.toInPlace(dtype));
        buffers.replaceAll((name, b) -> isCount(name) ? b : b.to(dtype).detach());
        children.values().forEach(m -> m.to(dtype));
        return this;
    }

    private boolean isCount(String buffer) {
        TorchShape shape = torchShapes.get(buffer);
        return shape != null && shape.isInt64();
    }

    /**
     * Puts this module and its sub-modules in training mode.
     *
     * @return this module
     */
    public Module train() {
        setTraining(true);
        return this;
    }

    /**
     * Puts this module and its sub-modules in evaluation mode.
     *
     * @return this module
     */
    public Module eval() {
        setTraining(false);
        return this;
    }

    private void setTraining(boolean mode) {
        training = mode;
        children.values().forEach(m -> m.setTraining(mode));
    }

    /** {@return whether this module is in training mode (the default)} */
    public boolean isTraining() {
        return training;
    }

    /**
     * A snapshot of the parameters' and buffers' values by name, as {@code state_dict()}: detached copies, so later
     * training does not change it. PyTorch's order and names: each module's parameters, then its buffers, then its
     * sub-modules' ({@code 0.weight}, {@code 0.bias}, {@code 1.weight}, {@code 1.bias}, {@code 1.running_mean}, ...).
     * Each value carries PyTorch's shape of its entry ({@link Tensor#torchShape()}: {@code [n]} for a bias,
     * {@code int64 []} for a count), which {@link SafeTensors#save(Map, java.nio.file.Path)} and {@link Checkpoint}
     * write, in this map or in a copy of it.
     *
     * @return insertion-ordered name to values
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> own = new LinkedHashMap<>();
        collectState("", own);
        Map<String, TorchShape> shapes = new LinkedHashMap<>();
        collectTorchShapes("", shapes);
        Map<String, Tensor> out = new LinkedHashMap<>();
        own.forEach((name, t) -> out.put(name, shapes.containsKey(name) ? t.withTorchShape(shapes.get(name))
                : t.detach()));
        return out;
    }

    /**
     * Copies values into the parameters (in place) and the buffers, strictly: the names must be exactly those of
     * {@link #stateDict()} and every shape must match. Each value takes its parameter's or buffer's own dtype, as
     * PyTorch's {@code copy_}: float64 values loaded into a float32 module round to nearest. Everything is checked before anything is copied, so a rejected
     * load changes nothing.
     *
     * @param state name to values; not modified
     * @throws IllegalArgumentException naming every missing, unexpected or mis-shaped entry
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Objects.requireNonNull(state, "state");
        List<String> problems = new ArrayList<>();
        for (Mismatch m : mismatches(state)) {
            problems.add(switch (m.kind()) {
                case MISSING -> "missing key '" + m.key() + "'";
                case UNEXPECTED -> "unexpected key '" + m.key() + "'";
                case NULL -> "'" + m.key() + "' is null";
                case SHAPE -> "'" + m.key() + "' has shape " + Shapes.of(m.given()) + " but the "
                        + (m.buffer() ? "buffer" : "parameter") + " is " + Shapes.of(m.own());
            });
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: " + String.join("; ", problems));
        }
        load("", state);
    }

    /**
     * One entry of a state dict that {@link #loadStateDict} refuses: missing from it, unexpected in it, null, or of
     * another shape than this module's ({@code given} and {@code own} the two tensors; {@code buffer} whether the
     * module's entry is a buffer).
     */
    record Mismatch(Kind kind, String key, Tensor given, Tensor own, boolean buffer) {
        /** What is wrong with the entry. */
        enum Kind { MISSING, UNEXPECTED, NULL, SHAPE }
    }

    /**
     * The strict check of a state dict against this module's, the one that {@link #loadStateDict} and
     * {@link Checkpoint} make: the missing keys in this module's order, then the unexpected, null and mis-shaped
     * entries in {@code state}'s order. A shape matches when the rows and columns agree, so PyTorch's {@code [n]},
     * read as {@code 1 x n}, fits a {@code 1 x n} parameter.
     */
    final List<Mismatch> mismatches(Map<String, Tensor> state) {
        Map<String, Tensor> own = new LinkedHashMap<>();
        collectState("", own);
        Map<String, Tensor> ownBuffers = namedBuffers();
        List<Mismatch> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : own.entrySet()) {
            if (!state.containsKey(e.getKey())) {
                out.add(new Mismatch(Mismatch.Kind.MISSING, e.getKey(), null, e.getValue(),
                        ownBuffers.containsKey(e.getKey())));
            }
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor mine = own.get(e.getKey());
            Tensor given = e.getValue();
            boolean buffer = ownBuffers.containsKey(e.getKey());
            if (mine == null) {
                out.add(new Mismatch(Mismatch.Kind.UNEXPECTED, e.getKey(), given, null, false));
            } else if (given == null) {
                out.add(new Mismatch(Mismatch.Kind.NULL, e.getKey(), null, mine, buffer));
            } else if (given.rows() != mine.rows() || given.cols() != mine.cols()) {
                out.add(new Mismatch(Mismatch.Kind.SHAPE, e.getKey(), given, mine, buffer));
            }
        }
        return out;
    }

    private void load(String prefix, Map<String, Tensor> state) {
        parameters.forEach((name, p) -> {
            double[] values = state.get(prefix + name).toMatrix().data;
            p.updateInPlace((v, g) -> System.arraycopy(values, 0, v, 0, v.length));   // rounded to p's dtype
        });
        buffers.replaceAll((name, b) -> Tensor.from(state.get(prefix + name).toMatrix()).to(b.dtype()));
        children.forEach((name, m) -> m.load(prefix + name + ".", state));
    }

    /**
     * The module as PyTorch prints it, with each layer's parameter shapes and counts and, for a module with
     * sub-modules, the total:
     *
     * <pre>
     * Sequential(
     *   (0): Linear(in_features=784, out_features=256, bias=true)  weight 256x784, bias 1x256: 200,960 parameters
     *   (1): ReLU()
     *   (2): Linear(in_features=256, out_features=10, bias=true)  weight 10x256, bias 1x10: 2,570 parameters
     * )  203,530 parameters
     * </pre>
     *
     * @return the description
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(').append(extraRepr());
        if (!children.isEmpty()) {
            sb.append('\n');
            children.forEach((name, m) -> sb.append("  (").append(name).append("): ")
                    .append(m.toString().replace("\n", "\n  ")).append('\n'));
        }
        sb.append(')');
        String maps = shapeRepr();
        if (!maps.isEmpty()) {
            sb.append("  ").append(maps);
        }
        if (!parameters.isEmpty()) {
            StringBuilder shapes = new StringBuilder();
            parameters.forEach((name, p) -> shapes.append(shapes.length() == 0 ? "" : ", ").append(name).append(' ')
                    .append(Shapes.of(p)));
            sb.append("  ").append(shapes).append(": ").append(count(parameters.values())).append(" parameters");
            if (!children.isEmpty()) {
                sb.append(", ").append(count(parameters())).append(" with its children");
            }
        } else if (!children.isEmpty()) {
            sb.append("  ").append(count(parameters())).append(" parameters");
        }
        return sb.toString();
    }

    private static String count(java.util.Collection<Tensor> params) {
        long n = 0;
        for (Tensor p : params) {
            n += p.numel();
        }
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    /**
     * {@return what this module maps, shown by {@link #toString()} after its settings, e.g.
     * {@code 1x28x28 -> 16x24x24} for a layer on images; empty (nothing shown) by default}
     */
    protected String shapeRepr() {
        return "";
    }

    /** {@return this module's own settings for {@link #toString()}, e.g. {@code in_features=3, out_features=2}} */
    protected String extraRepr() {
        return "";
    }
}
