package dev.ejgrad.core;

import java.util.Objects;
import org.ejml.data.DMatrixRMaj;

/**
 * Records an op in the graph: the extension point for defining new differentiable ops, as
 * {@code torch.autograd.Function}. Every built-in op of {@link Tensor} is recorded through here, and so are the fused
 * loss nodes of {@code ejgrad-nn}.
 *
 * <pre>{@code
 * // y = x^3, with its derivative 3x^2 as the rule for the input
 * DMatrixRMaj x = Autograd.valuesOf(input);
 * DMatrixRMaj y = ...;                        // computed from x
 * Tensor out = Autograd.op("cube", y, input, g -> ...);   // g ⊙ 3x^2
 * }</pre>
 *
 * <p>If grad mode is off ({@link NoGrad}) or no input requires grad, the result is a leaf that does not require
 * grad and the rules are dropped unused. The engine calls a rule only for an input that requires grad, and sums a
 * gradient of the output's shape back to a broadcast input's shape.
 */
public final class Autograd {

    private Autograd() {
    }

    /**
     * Records a one-input op.
     *
     * @param name the op's name, used in error messages and graph printouts
     * @param value the op's result; the returned tensor owns it, so it must not be modified afterwards
     * @param input the op's input; not modified
     * @param rule the gradient of {@code input} given the gradient of the result
     * @return a tensor holding {@code value}, recording the op when {@code input} requires grad
     * @throws NullPointerException if an argument is null
     */
    public static Tensor op(String name, DMatrixRMaj value, Tensor input, GradFn rule) {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(rule, "rule");
        return op(name, value, new Tensor[] {input}, new GradFn[] {rule});
    }

    /**
     * Records a two-input op.
     *
     * @param name the op's name
     * @param value the op's result, owned by the returned tensor
     * @param a the first input; not modified
     * @param ruleA the gradient of {@code a} given the gradient of the result
     * @param b the second input; not modified
     * @param ruleB the gradient of {@code b} given the gradient of the result
     * @return a tensor holding {@code value}, recording the op when an input requires grad
     * @throws NullPointerException if an argument is null
     */
    public static Tensor op(String name, DMatrixRMaj value, Tensor a, GradFn ruleA, Tensor b, GradFn ruleB) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(ruleA, "ruleA");
        Objects.requireNonNull(b, "b");
        Objects.requireNonNull(ruleB, "ruleB");
        return op(name, value, new Tensor[] {a, b}, new GradFn[] {ruleA, ruleB});
    }

    /**
     * Records an op with any number of inputs, one rule per input ({@code null} for an input that never takes a
     * gradient, such as a target; such an input must not require grad).
     *
     * @param name the op's name
     * @param value the op's result, owned by the returned tensor
     * @param inputs the op's inputs; not modified
     * @param rules one rule per input
     * @return a tensor holding {@code value}, recording the op when an input requires grad
     * @throws IllegalArgumentException if the counts differ or an input that requires grad has no rule
     */
    public static Tensor op(String name, DMatrixRMaj value, Tensor[] inputs, GradFn[] rules) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(rules, "rules");
        if (inputs.length != rules.length) {
            throw new IllegalArgumentException(
                    name + ": " + inputs.length + " inputs but " + rules.length + " derivative rules");
        }
        boolean record = false;
        for (int i = 0; i < inputs.length; i++) {
            Objects.requireNonNull(inputs[i], "inputs[" + i + "]");
            if (inputs[i].requiresGrad()) {
                if (rules[i] == null) {
                    throw new IllegalArgumentException(name + ": input " + i + " requires grad but the op has no "
                            + "derivative for it; detach() it first");
                }
                record = true;
            }
        }
        int[] modes = ThreadModes.get();
        String site = null;
        if (modes[ThreadModes.ANOMALY] > 0) {
            site = Anomaly.callerSite();
            Anomaly.check(value, "the forward output", name, inputs, site);
        }
        if (!record || modes[ThreadModes.NO_GRAD] > 0) {
            return new Tensor(value);
        }
        return new Tensor(value, new Node(name, inputs.clone(), rules.clone(), site));
    }

    /**
     * The values of a tensor without a copy, for op implementations. The matrix must not be modified: tensors are
     * immutable, and the graph may have saved it.
     *
     * @param t the tensor; not modified
     * @return its backing matrix
     */
    public static DMatrixRMaj valuesOf(Tensor t) {
        return Objects.requireNonNull(t, "t").data;
    }
}
