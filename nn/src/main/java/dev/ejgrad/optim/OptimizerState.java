package dev.ejgrad.optim;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The state-dict layout every optimizer shares, after PyTorch's {@code optimizer.state_dict()}:
 *
 * <ul>
 *   <li>{@code param_groups.lr}: the learning rate (1x1);
 *   <li>{@code param_groups.num_params}: how many parameters the optimizer updates (1x1);
 *   <li>{@code state.<i>.step}: parameter i's step count (1x1), for optimizers that count steps;
 *   <li>{@code state.<i>.<buffer>}: parameter i's buffers under PyTorch's names, each the parameter's shape.
 * </ul>
 *
 * A parameter that has not taken a step yet has no {@code state.<i>.*} entries, as in PyTorch.
 */
final class OptimizerState {

    static final String LR = "param_groups.lr";
    static final String NUM_PARAMS = "param_groups.num_params";

    private OptimizerState() {
    }

    /** A parsed, validated state: the learning rate, step counts and buffers by name (each [param] possibly null). */
    static final class Loaded {
        final double lr;
        final int[] steps;
        final Map<String, double[][]> buffers = new TreeMap<>();

        Loaded(double lr, int n) {
            this.lr = lr;
            this.steps = new int[n];
        }

        double[][] buffer(String name) {
            return buffers.get(name);
        }
    }

    /**
     * Builds the state dict.
     *
     * @param steps step counts, or null for an optimizer without them (SGD); parameter k's state is written when its
     *     step count is positive or (without steps) when one of its buffers exists
     * @param buffers buffer name to per-parameter arrays (entries null where not created); not modified
     */
    static Map<String, Tensor> save(List<Tensor> params, double lr, int[] steps, Map<String, double[][]> buffers) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(LR, Tensor.scalar(lr));
        out.put(NUM_PARAMS, Tensor.scalar(params.size()));
        for (int k = 0; k < params.size(); k++) {
            if (steps != null && steps[k] > 0) {
                out.put("state." + k + ".step", Tensor.scalar(steps[k]));
            }
            for (Map.Entry<String, double[][]> e : buffers.entrySet()) {
                double[] b = e.getValue()[k];
                if (b != null && (steps == null || steps[k] > 0)) {
                    Tensor p = params.get(k);
                    out.put("state." + k + "." + e.getKey(), Tensor.of(p.rows(), p.cols(), b.clone()));
                }
            }
        }
        return out;
    }

    /**
     * Parses and checks a state dict against the parameters, changing nothing.
     *
     * @param hasSteps whether the optimizer counts steps (then every parameter with state has {@code step} and the
     *     required buffers; without steps, any buffer may be absent)
     * @param required buffers a parameter with state must have
     * @param optional buffers it may have
     * @throws IllegalArgumentException naming the optimizer and the key for an unknown, missing or mis-shaped entry,
     *     or a state for another number of parameters
     */
    static Loaded load(String optimizer, List<Tensor> params, Map<String, Tensor> state, boolean hasSteps,
            Set<String> required, Set<String> optional) {
        Objects.requireNonNull(state, "state");
        int n = params.size();
        double count = scalar(optimizer, state, NUM_PARAMS);
        if (count != n) {
            throw new IllegalArgumentException(optimizer + ": the state is for " + format(count)
                    + " parameters, this optimizer has " + n);
        }
        double lr = scalar(optimizer, state, LR);
        if (!(lr >= 0)) {
            throw new IllegalArgumentException(optimizer + ": the state's learning rate is invalid: " + lr);
        }
        Loaded loaded = new Loaded(lr, n);
        for (String b : required) {
            loaded.buffers.put(b, new double[n][]);
        }
        for (String b : optional) {
            loaded.buffers.put(b, new double[n][]);
        }
        boolean[] seen = new boolean[n];
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "state key");
            Tensor t = Objects.requireNonNull(e.getValue(), "state[" + key + "]");
            if (key.equals(LR) || key.equals(NUM_PARAMS)) {
                continue;
            }
            String[] parts = key.split("\\.", -1);
            int k = parts.length == 3 && parts[0].equals("state") ? index(parts[1], n) : -1;
            String what = k >= 0 ? parts[2] : "";
            boolean known = (hasSteps && what.equals("step")) || loaded.buffers.containsKey(what);
            if (k < 0 || !known) {
                throw new IllegalArgumentException(optimizer + ": unexpected key in the state: " + key
                        + (k < 0 && parts.length == 3 && parts[0].equals("state")
                                ? " (this optimizer has " + n + " parameters)" : ""));
            }
            seen[k] = true;
            if (what.equals("step")) {
                double s = scalar(optimizer, state, key);
                if (!(s >= 1 && s == Math.rint(s) && s <= Integer.MAX_VALUE)) {
                    throw new IllegalArgumentException(optimizer + ": " + key + " must be a positive whole number, got "
                            + s);
                }
                loaded.steps[k] = (int) s;
                continue;
            }
            Tensor p = params.get(k);
            if (t.rows() != p.rows() || t.cols() != p.cols()) {
                throw new IllegalArgumentException(optimizer + ": " + key + " is " + Shapes.of(t)
                        + " but parameter " + k + " is " + Shapes.of(p));
            }
            loaded.buffers.get(what)[k] = flat(t);
        }
        for (int k = 0; k < n; k++) {
            if (!seen[k] || (!hasSteps && required.isEmpty())) {
                continue;
            }
            if (hasSteps && loaded.steps[k] == 0) {
                throw new IllegalArgumentException(optimizer + ": the state of parameter " + k + " has no state." + k
                        + ".step");
            }
            for (String b : required) {
                if (loaded.buffers.get(b)[k] == null) {
                    throw new IllegalArgumentException(optimizer + ": the state of parameter " + k + " has no state."
                            + k + "." + b);
                }
            }
        }
        return loaded;
    }

    private static int index(String s, int n) {
        if (s.isEmpty() || s.length() > 9 || !s.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int k = Integer.parseInt(s);
        return k < n ? k : -1;
    }

    private static double scalar(String optimizer, Map<String, Tensor> state, String key) {
        Tensor t = state.get(key);
        if (t == null) {
            throw new IllegalArgumentException(optimizer + ": the state has no " + key);
        }
        if (t.rows() != 1 || t.cols() != 1) {
            throw new IllegalArgumentException(optimizer + ": " + key + " must be 1x1, got " + Shapes.of(t));
        }
        return t.item();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** A tensor's values, row-major, copied. */
    static double[] flat(Tensor t) {
        return java.util.Arrays.copyOf(t.toMatrix().data, t.numel());
    }

    /** Copies each non-null row of {@code from} (a deep copy of the per-parameter buffers). */
    static double[][] copy(double[][] from) {
        double[][] out = new double[from.length][];
        for (int k = 0; k < from.length; k++) {
            out[k] = from[k] == null ? null : from[k].clone();
        }
        return out;
    }
}
