package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A layer or a model: a function of one tensor with named parameters, as {@code torch.nn.Module}.
 *
 * <p>Subclasses register their parameters and sub-modules in their constructors with {@link #registerParameter} and
 * {@link #registerModule}; names are joined with dots as PyTorch's ({@code 0.weight}, {@code 2.bias}), so state
 * dicts line up with PyTorch's.
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
    private final Map<String, Module> children = new LinkedHashMap<>();
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

    private void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("module: a name must be non-empty and have no dot, got '" + name + "'");
        }
        if (parameters.containsKey(name) || children.containsKey(name)) {
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
     * A snapshot of the parameters' values by name, as {@code state_dict()}: detached copies, so later training does
     * not change it.
     *
     * @return insertion-ordered name to values
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((name, p) -> out.put(name, p.detach()));
        return out;
    }

    /**
     * Copies values into the parameters, strictly: the names must be exactly this module's and every shape must
     * match. Everything is checked before anything is copied, so a rejected load changes nothing.
     *
     * @param state name to values; not modified
     * @throws IllegalArgumentException naming every missing, unexpected or mis-shaped entry
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Objects.requireNonNull(state, "state");
        Map<String, Tensor> own = namedParameters();
        List<String> problems = new ArrayList<>();
        for (String name : own.keySet()) {
            if (!state.containsKey(name)) {
                problems.add("missing key '" + name + "'");
            }
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor mine = own.get(e.getKey());
            Tensor given = e.getValue();
            if (mine == null) {
                problems.add("unexpected key '" + e.getKey() + "'");
            } else if (given == null) {
                problems.add("'" + e.getKey() + "' is null");
            } else if (given.rows() != mine.rows() || given.cols() != mine.cols()) {
                problems.add("'" + e.getKey() + "' has shape " + given.rows() + "x" + given.cols()
                        + " but the parameter is " + mine.rows() + "x" + mine.cols());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("loadStateDict: " + String.join("; ", problems));
        }
        own.forEach((name, p) -> {
            double[] values = state.get(name).toMatrix().data;
            p.updateInPlace((v, g) -> System.arraycopy(values, 0, v, 0, v.length));
        });
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
        if (!parameters.isEmpty()) {
            StringBuilder shapes = new StringBuilder();
            parameters.forEach((name, p) -> shapes.append(shapes.length() == 0 ? "" : ", ").append(name).append(' ')
                    .append(p.rows()).append('x').append(p.cols()));
            sb.append("  ").append(shapes).append(": ").append(count(parameters.values())).append(" parameters");
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

    /** {@return this module's own settings for {@link #toString()}, e.g. {@code in_features=3, out_features=2}} */
    protected String extraRepr() {
        return "";
    }
}
