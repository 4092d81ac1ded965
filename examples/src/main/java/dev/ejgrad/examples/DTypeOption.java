package dev.ejgrad.examples;

import dev.ejgrad.core.DType;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The {@code --dtype} option of the training commands (a picocli mixin): the dtype a model and its batches are
 * trained in. The model is made as always (in float64), then converted with {@code model.to(dtype)}, as PyTorch's
 * {@code model.to(torch.float32)}; each batch is converted with {@code batch.to(dtype)}.
 */
final class DTypeOption {

    @Option(names = "--dtype", defaultValue = "float64", paramLabel = "float64|float32",
            description = "The dtype of the weights, the batches and the optimizer's state: float64 (ejgrad's "
                    + "default) or float32 (PyTorch's) (default: ${DEFAULT-VALUE}).")
    DType dtype;

    /** {@return the dtype as the header lines print it: {@code float64} or {@code float32}} */
    String label() {
        return label(dtype);
    }

    /** {@return the name of a dtype as the header lines print it: {@code float64} or {@code float32}} */
    static String label(DType dtype) {
        return dtype.name().toLowerCase(Locale.ROOT);
    }
}
