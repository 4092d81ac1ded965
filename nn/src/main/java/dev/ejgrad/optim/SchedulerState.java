package dev.ejgrad.optim;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** The 1x1 entries of a scheduler's state dict, written and checked in one place. */
final class SchedulerState {

    private SchedulerState() {
    }

    /** A state dict of the given names and values, in that order. */
    static Map<String, Tensor> of(String[] names, double... values) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            out.put(names[i], Tensor.scalar(values[i]));
        }
        return out;
    }

    /**
     * Reads exactly the given keys, each 1x1, in order.
     *
     * @throws IllegalArgumentException naming the scheduler and the key if one is missing, extra or not 1x1
     */
    static double[] read(String scheduler, Map<String, Tensor> state, String... names) {
        Objects.requireNonNull(state, "state");
        Set<String> extra = new TreeSet<>(state.keySet());
        double[] out = new double[names.length];
        for (int i = 0; i < names.length; i++) {
            Tensor t = state.get(names[i]);
            if (t == null) {
                throw new IllegalArgumentException(scheduler + ": the state has no " + names[i] + " (keys: "
                        + new TreeSet<>(state.keySet()) + ")");
            }
            if (t.rows() != 1 || t.cols() != 1) {
                throw new IllegalArgumentException(scheduler + ": " + names[i] + " must be 1x1, got " + Shapes.of(t));
            }
            out[i] = t.item();
            extra.remove(names[i]);
        }
        if (!extra.isEmpty()) {
            throw new IllegalArgumentException(scheduler + ": unexpected keys in the state: " + extra);
        }
        return out;
    }

    /** Checks that a value is a whole number in [min, Integer.MAX_VALUE]. */
    static int whole(String scheduler, String name, double v, int min) {
        if (!(v >= min && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
            throw new IllegalArgumentException(scheduler + ": " + name + " must be a whole number at least " + min
                    + ", got " + v);
        }
        return (int) v;
    }

    /** Checks that a learning rate from a state is at least 0. */
    static double lr(String scheduler, String name, double v) {
        if (!(v >= 0)) {
            throw new IllegalArgumentException(scheduler + ": " + name + " must be at least 0, got " + v);
        }
        return v;
    }
}
