package dev.ejgrad.optim;

import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Checks an optimizer's parameter list once, as torch.optim does on construction. */
final class Parameters {

    private Parameters() {
    }

    static List<Tensor> check(String optimizer, List<Tensor> params) {
        Objects.requireNonNull(params, "params");
        if (params.isEmpty()) {
            throw new IllegalArgumentException(optimizer + ": got an empty parameter list");
        }
        Map<Tensor, Integer> seen = new IdentityHashMap<>();
        List<Tensor> out = new ArrayList<>(params.size());
        for (int i = 0; i < params.size(); i++) {
            Tensor p = Objects.requireNonNull(params.get(i), "params[" + i + "]");
            if (!p.isLeaf()) {
                throw new IllegalArgumentException(optimizer + ": can't optimize a non-leaf tensor (params[" + i
                        + "] was made by " + p.opName() + ")");
            }
            Integer first = seen.put(p, i);
            if (first != null) {
                throw new IllegalArgumentException(optimizer + ": params[" + first + "] and params[" + i
                        + "] are the same tensor");
            }
            out.add(p);
        }
        return out;
    }

    static double checkLr(String optimizer, double lr) {
        if (!(lr >= 0)) {
            throw new IllegalArgumentException(optimizer + ": Invalid learning rate: " + lr);
        }
        return lr;
    }

    static double checkNonNegative(String optimizer, String what, double v) {
        if (!(v >= 0)) {
            throw new IllegalArgumentException(optimizer + ": Invalid " + what + " value: " + v);
        }
        return v;
    }

    static void zeroGrad(List<Tensor> params) {
        for (Tensor p : params) {
            p.zeroGrad();
        }
    }
}
