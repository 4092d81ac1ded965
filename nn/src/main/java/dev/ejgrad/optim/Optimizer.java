package dev.ejgrad.optim;

import dev.ejgrad.core.DType;
import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Updates parameters from their gradients, as {@code torch.optim.Optimizer}. This base owns what every optimizer
 * shares: the parameters and their checks, the learning rate, skipping a parameter whose gradient is {@code null},
 * each parameter's step count and buffers, and {@link #stateDict()} / {@link #loadStateDict}. An optimizer is its
 * options and its {@link #update update rule}; messages start with its class name.
 *
 * <p>Dtypes: a parameter's state is kept in the parameter's dtype, as PyTorch's. The rule is written once, on
 * {@code double} values: a float64 parameter's storage and buffers are handed to it as they are; a float32 one's
 * (and its float32 buffers') are widened exactly into {@code double} slices of up to 1024 elements, the
 * rule runs on each slice, and every value it stores is rounded to the nearest float32 value. So each element of a
 * float32 step is computed in double and rounded once when stored, where PyTorch rounds each intermediate to
 * float32: within float32's rounding of PyTorch's step, and never less exact. A rule must therefore be elementwise
 * (element i of the results depends on element i of the parameter, gradient and buffers and on the options only),
 * as every optimizer here is. A parameter converted by {@code Module.to} after it had state takes its state along
 * to its new dtype at its next step, as {@code load_state_dict} casts state to the parameter's dtype.
 *
 * <p>A new optimizer is a subclass, e.g.:
 *
 * <pre>{@code
 * final class MomentumSGD extends Optimizer {
 *     private final double momentum;
 *
 *     MomentumSGD(List<Tensor> params, double lr, double momentum) {
 *         super(params, lr, List.of(), List.of("momentum_buffer"));   // state.i.momentum_buffer, as PyTorch
 *         this.momentum = nonNegative("momentum", momentum);
 *     }
 *
 *     @Override
 *     protected void update(double[] p, double[] g, int step, Map<String, double[]> state) {
 *         double[] b = state.computeIfAbsent("momentum_buffer", name -> new double[p.length]);
 *         for (int i = 0; i < p.length; i++) {
 *             b[i] = b[i] * momentum + g[i];
 *             p[i] = p[i] - lr() * b[i];
 *         }
 *     }
 * }
 * }</pre>
 */
public abstract class Optimizer {

    private static final String LR = "param_groups.lr";
    private static final String NUM_PARAMS = "param_groups.num_params";
    /** The number of elements of a float32 parameter that its rule sees at a time, widened to double. */
    private static final int SLICE = 1024;

    private final String name = getClass().getSimpleName();
    private final List<Tensor> params;
    private final List<String> required;
    private final List<String> entries = new ArrayList<>();
    private int[] steps;
    /** Each float64 parameter's buffers (empty for a float32 parameter). */
    private List<Map<String, double[]>> buffers;
    /** Each float32 parameter's buffers (empty for a float64 parameter). */
    private List<Map<String, float[]>> floatBuffers;
    private double lr;

    /**
     * Checks and keeps the parameters and the learning rate, and declares each parameter's state entries.
     *
     * @param params the parameters to update, leaves, each once; not modified
     * @param lr learning rate, at least 0
     * @param required the entries a parameter with state always has, under PyTorch's names: {@code "step"} for an
     *     optimizer that counts steps, then buffers
     * @param optional the buffers a parameter may have, depending on the options
     * @throws IllegalArgumentException if the list is empty, has a non-leaf or a duplicate, or lr is negative or NaN
     */
    protected Optimizer(List<Tensor> params, double lr, List<String> required, List<String> optional) {
        Objects.requireNonNull(params, "params");
        if (params.isEmpty()) {
            throw new IllegalArgumentException(name + ": got an empty parameter list");
        }
        Map<Tensor, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Tensor p = Objects.requireNonNull(params.get(i), "params[" + i + "]");
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(name + ": can't optimize a non-leaf tensor (params[" + i
                        + "] was made by " + p.opName() + ")");
            }
            Integer first = seen.put(p, i);
            if (first != null) {
                throw new IllegalArgumentException(name + ": params[" + first + "] and params[" + i
                        + "] are the same tensor");
            }
        }
        this.params = List.copyOf(params);
        this.lr = checkedLr(lr);
        this.required = List.copyOf(required);
        entries.addAll(required);
        entries.addAll(optional);
        steps = new int[params.size()];
        buffers = emptyBuffers();
        floatBuffers = emptyBuffers();
    }

    /**
     * The update rule: changes one parameter's values in place from its gradient and its state. {@link #step()} calls
     * it for each parameter whose gradient is not {@code null}.
     *
     * <p>For a float32 parameter the arrays are a slice of it, widened (see the class comment): the rule must be
     * elementwise, and must size the buffers it creates by {@code p.length}.
     *
     * @param p the parameter's values, row-major (modified)
     * @param g its gradient, row-major (not modified)
     * @param step how many steps this parameter has taken, this one included
     * @param state its buffers by PyTorch's names ({@code optimizer.state[p]}), each of {@code p}'s length,
     *     row-major; the rule creates and changes them (a buffer under an undeclared name is not saved)
     */
    protected abstract void update(double[] p, double[] g, int step, Map<String, double[]> state);

    /** Updates every parameter whose gradient is not {@code null}, in place, in its dtype. */
    public void step() {
        for (int k = 0; k < params.size(); k++) {
            Tensor param = params.get(k);
            if (param.grad() == null) {
                continue;   // no gradient, no step, and no state change (as torch.optim)
            }
            int step = ++steps[k];
            moveState(k, param.dtype());
            Map<String, double[]> state = buffers.get(k);
            Map<String, float[]> floatState = floatBuffers.get(k);
            if (param.dtype() == DType.FLOAT64) {
                param.updateInPlace((p, g) -> update(p, g, step, state));
            } else {
                param.updateFloatsInPlace((p, g) -> {
                    if (!updateInFloats(p, g, step, floatState)) {
                        updateSlices(p, g, step, floatState);
                    }
                });
            }
        }
    }

    /**
     * The rule on a float32 parameter without widened slices, for a built-in optimizer whose rule has a direct form
     * here with the same bits (each element computed in double and rounded once); {@code false} (the default) leaves
     * the step to {@link #update} on widened slices.
     */
    boolean updateInFloats(float[] p, float[] g, int step, Map<String, float[]> state) {
        return false;
    }

    /**
     * The rule on a float32 parameter, a slice at a time: the parameter, gradient and buffers widened to double, and
     * what the rule stores rounded to nearest. A buffer that the rule creates during this step is created afresh for
     * each slice, as it would be for the whole parameter at once.
     */
    private void updateSlices(float[] p, float[] g, int step, Map<String, float[]> stored) {
        List<String> existing = new ArrayList<>(stored.keySet());
        Map<String, double[]> state = new HashMap<>();
        Map<String, double[]> scratch = new HashMap<>();
        double[] ps = new double[0];
        double[] gs = new double[0];
        for (int from = 0; from < p.length; from += SLICE) {
            int len = Math.min(SLICE, p.length - from);
            if (ps.length != len) {
                ps = new double[len];
                gs = new double[len];
                scratch.clear();
            }
            widen(p, from, ps);
            widen(g, from, gs);
            state.clear();
            for (String e : existing) {
                double[] s = scratch.computeIfAbsent(e, name -> new double[len]);
                widen(stored.get(e), from, s);
                state.put(e, s);
            }
            update(ps, gs, step, state);
            round(ps, p, from);
            for (Map.Entry<String, double[]> e : state.entrySet()) {
                round(e.getValue(), stored.computeIfAbsent(e.getKey(), name -> new float[p.length]), from);
            }
        }
    }

    private static void widen(float[] from, int offset, double[] to) {
        for (int i = 0; i < to.length; i++) {
            to[i] = from[offset + i];
        }
    }

    private static void round(double[] from, float[] to, int offset) {
        for (int i = 0; i < from.length; i++) {
            to[offset + i] = (float) from[i];
        }
    }

    /** Puts parameter k's buffers in {@code dtype}, if a cast of the parameter left them in the other one. */
    private void moveState(int k, DType dtype) {
        Map<String, double[]> doubles = buffers.get(k);
        Map<String, float[]> floats = floatBuffers.get(k);
        if (dtype == DType.FLOAT32 && !doubles.isEmpty()) {
            doubles.forEach((e, b) -> {
                float[] f = new float[b.length];
                round(b, f, 0);
                floats.put(e, f);
            });
            doubles.clear();
        } else if (dtype == DType.FLOAT64 && !floats.isEmpty()) {
            floats.forEach((e, f) -> {
                double[] b = new double[f.length];
                widen(f, 0, b);
                doubles.put(e, b);
            });
            floats.clear();
        }
    }

    /** Sets every parameter's gradient to {@code null} (PyTorch's default, {@code set_to_none=True}). */
    public void zeroGrad() {
        params.forEach(Tensor::zeroGrad);
    }

    /** {@return the learning rate} */
    public double lr() {
        return lr;
    }

    /**
     * Changes the learning rate, e.g. from a schedule (as setting {@code param_groups[0]["lr"]}); every other
     * setting and all state are kept.
     *
     * @param lr learning rate, at least 0
     * @return this optimizer
     * @throws IllegalArgumentException if lr is negative or NaN
     */
    public Optimizer lr(double lr) {
        this.lr = checkedLr(lr);
        return this;
    }

    private double checkedLr(double lr) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException(name + ": Invalid learning rate: " + lr);
        }
        return lr;
    }

    /**
     * Checks an option that must be at least 0.
     *
     * @param what the option's name in PyTorch, for the message
     * @param value the option
     * @return {@code value}
     * @throws IllegalArgumentException if value is negative or NaN
     */
    protected final double nonNegative(String what, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(name + ": Invalid " + what + " value: " + value);
        }
        return value;
    }

    /**
     * The optimizer's state, as {@code optimizer.state_dict()}: {@code param_groups.lr} and
     * {@code param_groups.num_params} (1x1), and for each parameter i that has state its step count
     * {@code state.i.step} (1x1, for optimizers that count steps) and its buffers {@code state.i.<name>} under
     * PyTorch's names, each the parameter's shape and dtype. A parameter that has not taken a step has no entries.
     * The other
     * settings (betas, momentum...) are not included: they are the constructor's and the configuration methods'.
     *
     * @return a new map of new tensors (copies); changing it changes nothing here
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(LR, Tensor.scalar(lr));
        out.put(NUM_PARAMS, Tensor.scalar(params.size()));
        for (int k = 0; k < params.size(); k++) {
            Tensor p = params.get(k);
            for (String e : entries) {
                double[] b = buffers.get(k).get(e);
                float[] f = floatBuffers.get(k).get(e);
                if (e.equals("step") && steps[k] > 0) {
                    out.put("state." + k + ".step", Tensor.scalar(steps[k]));
                } else if (b != null) {
                    out.put("state." + k + "." + e, Tensor.of(p.rows(), p.cols(), b.clone()));
                } else if (f != null) {
                    out.put("state." + k + "." + e, Tensor.ofFloats(p.rows(), p.cols(), f.clone()));
                }
            }
        }
        return out;
    }

    /**
     * Replaces the learning rate, step counts and buffers with a state from {@link #stateDict()} of an optimizer of
     * the same kind, possibly over other parameter tensors of the same shapes, as {@code optimizer.load_state_dict}.
     * A parameter absent from the state starts afresh. Each buffer takes its parameter's dtype, as PyTorch's
     * {@code load_state_dict} casts it (float64 values for a float32 parameter round to nearest).
     *
     * @param state the state; not modified (its tensors are copied)
     * @throws IllegalArgumentException if the state is for another number of parameters, has a key this optimizer
     *     does not know, lacks a required entry or has a buffer of another shape; nothing is changed then
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Objects.requireNonNull(state, "state");
        int n = params.size();
        double count = scalar(state, NUM_PARAMS);
        if (count != n) {
            throw new IllegalArgumentException(name + ": the state is for " + format(count)
                    + " parameters, this optimizer has " + n);
        }
        double loadedLr = scalar(state, LR);
        if (!(loadedLr >= 0)) {
            throw new IllegalArgumentException(name + ": the state's learning rate is invalid: " + loadedLr);
        }
        int[] loadedSteps = new int[n];
        List<Map<String, double[]>> loaded = emptyBuffers();
        List<Map<String, float[]>> loadedFloats = emptyBuffers();
        boolean[] seen = new boolean[n];
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "state key");
            Tensor t = Objects.requireNonNull(e.getValue(), "state[" + key + "]");
            if (key.equals(LR) || key.equals(NUM_PARAMS)) {
                continue;
            }
            String[] parts = key.split("\\.", -1);
            boolean perParam = parts.length == 3 && parts[0].equals("state");
            int k = perParam ? index(parts[1], n) : -1;
            if (k < 0 || !entries.contains(parts[2])) {
                throw new IllegalArgumentException(name + ": unexpected key in the state: " + key
                        + (k < 0 && perParam ? " (this optimizer has " + n + " parameters)" : ""));
            }
            seen[k] = true;
            Tensor p = params.get(k);
            if (parts[2].equals("step")) {
                double s = scalar(state, key);
                if (!(s >= 1 && s == Math.rint(s) && s <= Integer.MAX_VALUE)) {
                    throw new IllegalArgumentException(name + ": " + key + " must be a positive whole number, got "
                            + s);
                }
                loadedSteps[k] = (int) s;
            } else if (t.rows() != p.rows() || t.cols() != p.cols()) {
                throw new IllegalArgumentException(name + ": " + key + " is " + Shapes.of(t) + " but parameter " + k
                        + " is " + Shapes.of(p));
            } else if (p.dtype() == DType.FLOAT64) {
                loaded.get(k).put(parts[2], Arrays.copyOf(t.toMatrix().data, t.numel()));
            } else {
                float[] f = new float[t.numel()];
                round(t.toMatrix().data, f, 0);
                loadedFloats.get(k).put(parts[2], f);
            }
        }
        for (int k = 0; k < n; k++) {
            for (String r : required) {
                boolean has = loaded.get(k).containsKey(r) || loadedFloats.get(k).containsKey(r);
                if (seen[k] && (r.equals("step") ? loadedSteps[k] == 0 : !has)) {
                    throw new IllegalArgumentException(name + ": the state of parameter " + k + " has no state."
                            + k + "." + r);
                }
            }
        }
        lr = loadedLr;
        steps = loadedSteps;
        buffers = loaded;
        floatBuffers = loadedFloats;
    }

    private <A> List<Map<String, A>> emptyBuffers() {
        List<Map<String, A>> out = new ArrayList<>();
        params.forEach(p -> out.add(new HashMap<>()));
        return out;
    }

    private static int index(String s, int n) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int k = Integer.parseInt(s);
        return k < n ? k : -1;
    }

    private double scalar(Map<String, Tensor> state, String key) {
        Tensor t = state.get(key);
        if (t == null) {
            throw new IllegalArgumentException(name + ": the state has no " + key);
        }
        if (t.rows() != 1 || t.cols() != 1) {
            throw new IllegalArgumentException(name + ": " + key + " must be 1x1, got " + Shapes.of(t));
        }
        return t.item();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
