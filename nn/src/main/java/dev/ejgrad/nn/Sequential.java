package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Modules applied one after another, as {@code torch.nn.Sequential}; the i-th module's parameters are named
 * {@code i.weight}, {@code i.bias}, ...
 *
 * <pre>{@code
 * Module mlp = new Sequential(new Linear(784, 256, true, rng), new ReLU(), new Linear(256, 10, true, rng));
 * }</pre>
 */
public final class Sequential extends Module {

    private final List<Module> modules = new ArrayList<>();

    /**
     * The modules, applied in the order given.
     *
     * @param modules the modules, in order of application
     */
    public Sequential(Module... modules) {
        Objects.requireNonNull(modules, "modules");
        for (int i = 0; i < modules.length; i++) {
            this.modules.add(registerModule(Integer.toString(i), Objects.requireNonNull(modules[i], "modules[" + i + "]")));
        }
    }

    /**
     * Returns the module at {@code index}.
     *
     * @param index position, from 0
     * @return the module at {@code index}
     * @throws IndexOutOfBoundsException if there is none
     */
    public Module get(int index) {
        return modules.get(index);
    }

    /** {@return the number of modules} */
    public int size() {
        return modules.size();
    }

    @Override
    public Tensor forward(Tensor input) {
        Tensor x = Objects.requireNonNull(input, "input");
        for (Module m : modules) {
            x = m.forward(x);
        }
        return x;
    }
}
