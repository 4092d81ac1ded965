package dev.ejgrad.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ejml.data.DMatrixRMaj;

/**
 * The reverse-mode engine: orders the graph below a root topologically (iteratively, so a chain of any depth works),
 * then hands each tensor's gradient to its op's rules, root first.
 */
final class Backward {

    private Backward() {
    }

    static void run(Tensor root, DMatrixRMaj seed, boolean retainGraph) {
        if (!root.requiresGrad()) {
            throw new IllegalStateException("backward: this tensor does not require grad and has no grad_fn (no "
                    + "input of the ops that made it requires grad, or it was made under NoGrad)");
        }
        List<Tensor> order = topologicalOrder(root);
        boolean anomaly = Anomaly.isEnabled();
        Map<Tensor, DMatrixRMaj> pending = new IdentityHashMap<>();
        pending.put(root, seed);
        for (int k = order.size() - 1; k >= 0; k--) {
            Tensor t = order.get(k);
            DMatrixRMaj g = pending.remove(t);
            if (t.isLeaf() || t.retainsGrad()) {
                t.accumulateGrad(g);
            }
            if (t.isLeaf()) {
                continue;
            }
            Node node = t.node;
            Tensor[] inputs = node.inputs();
            for (int i = 0; i < inputs.length; i++) {
                Tensor in = inputs[i];
                if (!in.requiresGrad()) {
                    continue; // e.g. a data batch: its gradient is never computed
                }
                DMatrixRMaj gi = Broadcast.sumTo(node.name, node.rule(i).apply(g), in.rows(), in.cols());
                if (anomaly || node.site != null) {
                    Anomaly.check(gi, "the backward's gradient for input " + i, node.name, inputs,
                            node.site != null ? node.site : "an unknown place (anomaly detection was off then)");
                }
                pending.merge(in, gi, Backward::sum);
            }
            if (!retainGraph) {
                node.release();
            }
        }
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

    /** A new matrix {@code a + b}: gradients handed on are never modified, so fan-in cannot corrupt them. */
    private static DMatrixRMaj sum(DMatrixRMaj a, DMatrixRMaj b) {
        DMatrixRMaj out = new DMatrixRMaj(a.numRows, a.numCols);
        for (int i = 0; i < out.data.length; i++) {
            out.data[i] = a.data[i] + b.data[i];
        }
        return out;
    }
}
