package dev.ejgrad.nn;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import java.util.Objects;

/**
 * Batch normalisation over the rows of a batch, as {@code torch.nn.BatchNorm1d(features)} on {@code N x C}:
 * {@code y = (x - mean) / sqrt(var + eps) · weight + bias}, per column.
 *
 * <ul>
 *   <li>In training, {@code mean} and {@code var} are the batch's (the variance biased, divided by N), and each
 *       forward updates the running statistics: {@code running_mean = (1 - m)·running_mean + m·mean} and
 *       {@code running_var = (1 - m)·running_var + m·var_unbiased} (divided by N - 1), and adds 1 to
 *       {@code num_batches_tracked}, as PyTorch. A batch of one row is refused, as PyTorch ("Expected more than 1
 *       value per channel when training").</li>
 *   <li>In eval, {@code mean} and {@code var} are {@code running_mean} and {@code running_var}; nothing changes.</li>
 * </ul>
 *
 * <p>Shape: input {@code N x features}, output {@code N x features}; parameters {@code weight}, {@code bias} and
 * buffers {@code running_mean}, {@code running_var}, all {@code 1 x features} (PyTorch's 1-D {@code (features,)},
 * and saved so); buffer {@code num_batches_tracked} a 1x1 tensor holding the count as a double, saved as PyTorch's
 * 0-dim int64 ({@link dev.ejgrad.core.TorchShape#int64Scalar()}).
 *
 * <p>Init, as PyTorch's: {@code weight} ones, {@code bias} zeros, {@code running_mean} zeros, {@code running_var}
 * ones, {@code num_batches_tracked} 0. Defaults {@code eps} 1e-5, {@code momentum} 0.1. (PyTorch's
 * {@code momentum=None}, a cumulative average, is not offered.)
 */
public final class BatchNorm1d extends BatchNorm {

    /**
     * A batch norm with PyTorch's defaults, {@code eps = 1e-5} and {@code momentum = 0.1}.
     *
     * @param features the number of features (columns)
     * @throws IllegalArgumentException if {@code features} is not positive
     */
    public BatchNorm1d(int features) {
        this(features, 1e-5, 0.1);
    }

    /**
     * A batch norm.
     *
     * @param features the number of features (columns)
     * @param eps added to the variance for stability, at least 0
     * @param momentum the weight of the new batch in the running statistics, in {@code [0, 1]}
     * @throws IllegalArgumentException if {@code features} is not positive, {@code eps} is negative or not finite,
     *     or {@code momentum} is not in {@code [0, 1]}
     */
    public BatchNorm1d(int features, double eps, double momentum) {
        super(features, eps, momentum);
    }

    /** {@return the number of features} */
    public int features() {
        return channels();
    }

    @Override
    void checkInput(Tensor input) {
        Objects.requireNonNull(input, "input");
        if (input.cols() != features()) {
            throw new IllegalArgumentException("BatchNorm1d: input of shape " + Shapes.of(input)
                    + " has " + input.cols() + " features, but the layer has " + features());
        }
    }

    /** A feature is a column: the batch is its own view. */
    @Override
    Tensor view(Tensor input) {
        return input;
    }

    @Override
    Tensor unview(Tensor normalised, Tensor input) {
        return normalised;
    }

    @Override
    long valuesPerChannel(Tensor input) {
        return input.rows();
    }

    @Override
    String describe(Tensor input) {
        return "of shape " + Shapes.of(input);
    }

    @Override
    Moments moments(Tensor x) {
        return new Moments(x.mean(0), x.var(0, 0), x.detach().var(0, 1));
    }

    @Override
    Tensor normalise(Tensor x, Tensor mean, Tensor var) {
        return normalise(x, mean, var, weight(), bias(), eps());
    }
}
