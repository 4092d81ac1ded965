package dev.ejgrad.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reverse-mode engine: orders the graph below a root topologically (iteratively, so a chain of any depth works),
 * then hands each tensor's gradient to its op's rules, root first.
 *
 * <p>Rules are tensor formulas. Without {@code createGraph} they run under no-grad, so the pass records nothing;
 * with it they run with grad mode on, so the gradients have a history and can be differentiated again.
 */
final class Backward {

    private Backward() {
    }

    /** {@code tensor.backward(seed, retainGraph, createGraph)}: adds the gradients to the leaves' {@code grad()}. */
    static void accumulate(Tensor root, Tensor seed, boolean retainGraph, boolean createGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: this tensor does not require grad and has no grad_fn (no "
                    + "input of the ops that made it requires grad, or it was made under NoGrad)");
        }
        run(root, seed, null, retainGraph, createGraph);
    }

    /**
     * {@code torch.autograd.grad}: the gradients of {@code root} with respect to {@code targets}, touching no
     * {@code grad()}; {@code null} for a target the root does not depend on.
     */
    static Tensor[] capture(Tensor root, Tensor seed, Tensor[] targets, boolean retainGraph, boolean createGraph) {
        return run(root, seed, targets, retainGraph, createGraph);
    }

    private static Tensor[] run(Tensor root, Tensor seed, Tensor[] targets, boolean retainGraph, boolean createGraph) {
        List<Tensor> order = topologicalOrder(root);
        Map<Tensor, Boolean> needed = targets == null ? null : needed(order, targets);
        Tensor[] found = targets == null ? null : new Tensor[targets.length];
        boolean anomaly = Anomaly.isEnabled();
        Map<Tensor, Tensor> pending = new IdentityHashMap<>();
        pending.put(root, seed);
        int[] modes = ThreadModes.get();
        int savedNoGrad = modes[ThreadModes.NO_GRAD];
        int savedAnomaly = modes[ThreadModes.ANOMALY];
        modes[ThreadModes.NO_GRAD] = createGraph ? 0 : 1;
        // a rule's own ops are not checked as forwards: a non-finite gradient is reported below, as the backward of
        // the op whose rule made it
        modes[ThreadModes.ANOMALY] = 0;
        try {
            for (int k = order.size() - 1; k >= 0; k--) {
                Tensor t = order.get(k);
                Tensor g = pending.remove(t);
                if (g == null) {
                    continue;   // below no requested input (grad), so nothing reached it
                }
                if (targets != null) {
                    for (int i = 0; i < targets.length; i++) {
                        if (targets[i] == t) {
                            found[i] = g;
                        }
                    }
                } else if (t.isLeaf() || t.retainsGrad()) {
                    t.accumulateGrad(g);
                }
                if (t.isLeaf()) {
                    continue;
                }
                Node node = t.node;
                Tensor[] inputs = node.inputs();
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    if (!in.requiresGrad() || (needed != null && !needed.containsKey(in))) {
                        continue; // e.g. a data batch: its gradient is never computed
                    }
                    // a gradient has its input's dtype, as PyTorch's engine casts it (a float32 input of a float64 op)
                    Tensor gi = Broadcast.sumTo(node.name, node.rule(i).apply(g), in.rows(), in.cols()).to(in.dtype());
                    if (anomaly || node.site != null) {
                        Anomaly.check(gi.values(), "the backward's gradient for input " + i, node.name, inputs,
                                node.site != null ? node.site : "an unknown place (anomaly detection was off then)");
                    }
                    pending.merge(in, gi, Tensor::add);
                }
                if (!retainGraph) {
                    node.release();
                }
            }
        } finally {
            modes[ThreadModes.NO_GRAD] = savedNoGrad;
            modes[ThreadModes.ANOMALY] = savedAnomaly;
        }
        return found;
    }

    /** The tensors of {@code order} (inputs before outputs) that are a target or lead to one. */
    private static Map<Tensor, Boolean> needed(List<Tensor> order, Tensor[] targets) {
        Map<Tensor, Boolean> needed = new IdentityHashMap<>();
        for (Tensor target : targets) {
            needed.put(target, Boolean.TRUE);
        }
        for (Tensor t : order) {
            if (!t.isLeaf() && !needed.containsKey(t)) {
                for (Tensor in : t.node.inputs()) {
                    if (needed.containsKey(in)) {
                        needed.put(t, Boolean.TRUE);
                        break;
                    }
                }
            }
        }
        return needed;
    }

    /** Post-order of the tensors that require grad below {@code root}; checks every node is still alive. */
    private static List<Tensor> topologicalOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Tensor> stack = new ArrayDeque<>();
        ArrayDeque<int[]> next = new ArrayDeque<>();
        seen.put(root, Boolean.TRUE);
        stack.push(root);
        next.push(new int[1]);
        while (!stack.isEmpty()) {
            Tensor t = stack.peek();
            int[] cursor = next.peek();
            if (!t.isLeaf()) {
                Tensor[] inputs = t.node.inputs(); // throws if released
                if (cursor[0] < inputs.length) {
                    Tensor in = inputs[cursor[0]++];
                    if (in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) {
                        stack.push(in);
                        next.push(new int[1]);
                    }
                    continue;
                }
            }
            stack.pop();
            next.pop();
            order.add(t);
        }
        return order;
    }
}
