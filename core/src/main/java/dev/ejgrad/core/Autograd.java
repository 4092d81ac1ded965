package dev.ejgrad.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;

/**
 * Records an op in the graph: the extension point for defining new differentiable ops, as
 * {@code torch.autograd.Function}. Every built-in op of {@link Tensor} is recorded through here, and so are the fused
 * loss nodes of {@code ejgrad-nn}.
 *
 * <p>A rule is a formula over tensors, so a custom op can be differentiated twice when its rule is built from
 * differentiable ops:
 *
 * <pre>{@code
 * // y = x^3 computed by hand, with the rule g ⊙ 3x^2 written as tensor ops
 * static Tensor cube(Tensor x) {
 *     DMatrixRMaj v = Autograd.valuesOf(x);
 *     DMatrixRMaj y = new DMatrixRMaj(v.numRows, v.numCols);
 *     for (int i = 0; i < v.data.length; i++) {
 *         y.data[i] = v.data[i] * v.data[i] * v.data[i];
 *     }
 *     return Autograd.op("cube", y, x, g -> g.mul(x.pow(2).mul(3)));
 * }
 * }</pre>
 *
 * <p>Dtypes: {@link #valuesOf} gives a float32 tensor's values widened to float64, and {@code op} gives its result
 * the dtype of its inputs as {@code torch.result_type} does (float64 if any input is float64, else float32, with
 * {@code value} rounded to nearest), so a custom op written once in double works on float32 tensors. The engine hands
 * each input a gradient of that input's dtype.
 *
 * <p>{@link #grad(Tensor, List)} computes gradients without touching any {@link Tensor#grad()}, as
 * {@code torch.autograd.grad}.
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
        for (int i = 0; i < inputs.length; i++) {
            Objects.requireNonNull(inputs[i], "inputs[" + i + "]");
            if (inputs[i].requiresGrad() && rules[i] == null) {
                throw new IllegalArgumentException(name + ": input " + i + " requires grad but the op has no "
                        + "derivative for it; detach() it first");
            }
        }
        return record(name, Tensor.of(value, resultType(inputs)), inputs, out -> rules.clone());
    }

    /**
     * The dtype of an op's result, as {@code torch.result_type}: float64 if any input is float64, else float32. So a
     * custom op on float32 inputs gives float32 values (its {@code value} rounded to nearest).
     */
    static DType resultType(Tensor... inputs) {
        DType out = DType.FLOAT32;
        for (Tensor in : inputs) {
            out = DType.promote(out, in.dtype());
        }
        return inputs.length == 0 ? DType.FLOAT64 : out;
    }

    /** Records a one-input op whose result was made in its own dtype. */
    static Tensor op(String name, Tensor value, Tensor input, GradFn rule) {
        return record(name, value, new Tensor[] {input}, out -> new GradFn[] {rule});
    }

    /** Records a two-input op whose result was made in its own dtype. */
    static Tensor op(String name, Tensor value, Tensor a, GradFn ruleA, Tensor b, GradFn ruleB) {
        return record(name, value, new Tensor[] {a, b}, out -> new GradFn[] {ruleA, ruleB});
    }

    /**
     * A derivative rule that also reads the op's result, as {@code result} in a line of {@code derivatives.yaml}: exp's
     * rule is {@code (g, e) -> g.mul(e)}. The result is the recorded tensor itself, so the rule stays differentiable.
     */
    @FunctionalInterface
    interface ResultRule {
        Tensor apply(Tensor gradOutput, Tensor result);
    }

    /** Records a one-input op whose rule reads its result, made in its own dtype. */
    static Tensor op(String name, Tensor value, Tensor input, ResultRule rule) {
        return record(name, value, new Tensor[] {input}, out -> new GradFn[] {g -> rule.apply(g, out)});
    }

    /** Records a two-input op whose rules read its result, made in its own dtype. */
    static Tensor op(String name, Tensor value, Tensor a, ResultRule ruleA, Tensor b, ResultRule ruleB) {
        return record(name, value, new Tensor[] {a, b},
                out -> new GradFn[] {g -> ruleA.apply(g, out), g -> ruleB.apply(g, out)});
    }

    /**
     * The engine's one place that decides whether a node is recorded: every form of {@code op} ends here. The rules
     * are made from the result tensor, so that a rule may read it. Inputs that require grad must have a rule
     * (checked by the public forms).
     */
    private static Tensor record(String name, Tensor out, Tensor[] inputs, Function<Tensor, GradFn[]> rules) {
        boolean record = false;
        for (Tensor in : inputs) {
            record |= in.requiresGrad();
        }
        int[] modes = ThreadModes.get();
        String site = null;
        if (modes[ThreadModes.ANOMALY] > 0) {
            site = Anomaly.callerSite();
            Anomaly.check(out.values(), "the forward output", name, inputs, site);
        }
        if (record && modes[ThreadModes.NO_GRAD] == 0) {
            out.attach(new Node(name, inputs.clone(), rules.apply(out), site));
        }
        return out;
    }

    /**
     * The gradients of a 1x1 {@code output} with respect to {@code inputs}, as {@code torch.autograd.grad(output,
     * inputs)}: no {@link Tensor#grad()} is touched, and the graph is released afterwards.
     *
     * @param output a 1x1 tensor with a history
     * @param inputs tensors that require grad (leaves or not)
     * @return one gradient per input, in order, each of that input's shape; zeros for an input the output does not
     *     depend on
     * @throws IllegalArgumentException if the output is not 1x1 or has no history, or an input does not require grad
     */
    public static List<Tensor> grad(Tensor output, List<Tensor> inputs) {
        return grad(output, inputs, null, false);
    }

    /**
     * The vector-Jacobian products of {@code output} with respect to {@code inputs}, as {@code
     * torch.autograd.grad(output, inputs, grad_outputs, create_graph=createGraph)}. With {@code createGraph} the
     * results have a history, so they can be differentiated again, and the graph is kept (PyTorch's default
     * {@code retain_graph = create_graph}); without it the graph is released.
     *
     * <pre>{@code
     * Tensor x = Tensor.row(1, 2, 3).requiresGrad(true);
     * Tensor y = x.pow(3).sum();
     * Tensor g = Autograd.grad(y, List.of(x), null, true).get(0);     // 3x^2, with a history
     * Tensor h = Autograd.grad(g.sum(), List.of(x)).get(0);           // 6x
     * }</pre>
     *
     * @param output the tensor to differentiate, with a history
     * @param inputs tensors that require grad (leaves or not)
     * @param gradOutput the seed, of the output's shape; {@code null} for a 1x1 output (seed 1)
     * @param createGraph record the backward pass so that the results can be differentiated
     * @return one gradient per input, in order, each of that input's shape; zeros for an input the output does not
     *     depend on
     * @throws IllegalArgumentException if the output has no history, a seed is missing or of the wrong shape, or an
     *     input does not require grad
     */
    public static List<Tensor> grad(Tensor output, List<Tensor> inputs, Tensor gradOutput, boolean createGraph) {
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(inputs, "inputs");
        if (!output.requiresGrad()) {
            throw new IllegalArgumentException("grad: the output does not require grad and has no grad_fn (no input "
                    + "of the ops that made it requires grad, or it was made under NoGrad)");
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("grad: no inputs given");
        }
        for (int i = 0; i < inputs.size(); i++) {
            Tensor in = Objects.requireNonNull(inputs.get(i), "inputs[" + i + "]");
            if (!in.requiresGrad()) {
                throw new IllegalArgumentException("grad: input " + i + " (" + Shapes.of(in) + ") does not require "
                        + "grad; call requiresGrad(true) on it before building the output");
            }
        }
        Tensor seed;
        if (gradOutput == null) {
            if (output.rows() != 1 || output.cols() != 1) {
                throw new IllegalArgumentException("grad: grad can be implicitly created only for scalar outputs; the "
                        + "output is " + Shapes.of(output) + ", pass a gradOutput of that shape");
            }
            seed = Tensor.full(1, 1, 1.0, output.dtype());
        } else {
            if (gradOutput.rows() != output.rows() || gradOutput.cols() != output.cols()) {
                throw new IllegalArgumentException("grad: gradOutput has shape " + Shapes.of(gradOutput)
                        + " but the output has shape " + Shapes.of(output));
            }
            seed = gradOutput;
        }
        Tensor[] found = Backward.capture(output, seed, inputs.toArray(new Tensor[0]), createGraph, createGraph);
        List<Tensor> out = new ArrayList<>(found.length);
        for (int i = 0; i < found.length; i++) {
            Tensor in = inputs.get(i);
            out.add(found[i] != null ? found[i] : Tensor.zeros(in.rows(), in.cols(), in.dtype()));
        }
        return out;
    }

    /**
     * The values of a tensor as float64, for op implementations: a float64 tensor's backing matrix without a copy,
     * which must not be modified (tensors are immutable, and the graph may have saved it), or a float32 tensor's values
     * widened exactly into a new matrix. An op computes in double and hands its result to {@code op}, which rounds
     * it to float32 when its inputs are float32.
     *
     * @param t the tensor; not modified
     * @return its values
     */
    public static DMatrixRMaj valuesOf(Tensor t) {
        return Objects.requireNonNull(t, "t").values();
    }
}
