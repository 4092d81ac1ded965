package dev.ejgrad.nn;

import dev.ejgrad.core.Tensor;
import java.util.Objects;
import java.util.Random;

/**
 * Initialisers that fill a parameter in place, as {@code torch.nn.init}, through {@link Tensor#updateInPlace} (the
 * gradient is left as it is). Random ones draw from the given {@link Random}, one draw per element, row by row:
 * {@link Random#nextDouble()} for the uniform ones, {@link Random#nextGaussian()} for the normal ones. Each returns
 * the tensor it filled. A tensor with no elements is left as it is, as PyTorch.
 *
 * <p>Fans of a 2-D weight {@code out x in}, as PyTorch's {@code _calculate_fan_in_and_fan_out}: {@code fan_in = in}
 * (columns), {@code fan_out = out} (rows). A {@code 1 x n} row counts as a {@code 1 x n} weight.
 *
 * <pre>{@code
 * Linear layer = new Linear(784, 256, true, rng);
 * Init.kaimingNormal(layer.weight(), 0, Init.FanMode.FAN_IN, Init.Nonlinearity.RELU, rng);
 * Init.zeros(layer.bias());
 * }</pre>
 */
public final class Init {

    private Init() {
    }

    /** Which fan scales the Kaiming initialisers, as PyTorch's {@code mode}. */
    public enum FanMode {
        /** The number of inputs (columns): preserves the variance of the forward pass (the default). */
        FAN_IN,
        /** The number of outputs (rows): preserves the variance of the backward pass. */
        FAN_OUT
    }

    /** The nonlinearities {@link #calculateGain} knows, as PyTorch's {@code nonlinearity} strings. */
    public enum Nonlinearity {
        /** {@code linear}: gain 1. */
        LINEAR,
        /** {@code conv1d}: gain 1. */
        CONV1D,
        /** {@code conv2d}: gain 1. */
        CONV2D,
        /** {@code conv3d}: gain 1. */
        CONV3D,
        /** {@code conv_transpose1d}: gain 1. */
        CONV_TRANSPOSE1D,
        /** {@code conv_transpose2d}: gain 1. */
        CONV_TRANSPOSE2D,
        /** {@code conv_transpose3d}: gain 1. */
        CONV_TRANSPOSE3D,
        /** {@code sigmoid}: gain 1. */
        SIGMOID,
        /** {@code tanh}: gain 5/3. */
        TANH,
        /** {@code relu}: gain √2. */
        RELU,
        /** {@code leaky_relu}: gain √(2/(1 + slope²)), slope 0.01 by default. */
        LEAKY_RELU,
        /** {@code selu}: gain 3/4. */
        SELU
    }

    /**
     * The recommended gain for a nonlinearity, as {@code torch.nn.init.calculate_gain(nonlinearity)}; LEAKY_RELU
     * uses PyTorch's default slope 0.01.
     *
     * @param nonlinearity the nonlinearity
     * @return 1 for the linear, convolution and sigmoid ones, 5/3 for tanh, √2 for relu, √(2/(1 + 0.01²)) for
     *     leaky_relu, 3/4 for selu
     */
    public static double calculateGain(Nonlinearity nonlinearity) {
        Objects.requireNonNull(nonlinearity, "nonlinearity");
        return nonlinearity == Nonlinearity.LEAKY_RELU ? calculateGain(nonlinearity, 0.01) : gain(nonlinearity, 0);
    }

    /**
     * The recommended gain for a nonlinearity with a parameter, as
     * {@code torch.nn.init.calculate_gain(nonlinearity, param)}: only LEAKY_RELU takes one, its negative slope.
     *
     * @param nonlinearity {@link Nonlinearity#LEAKY_RELU}
     * @param param the negative slope
     * @return √(2/(1 + param²))
     * @throws IllegalArgumentException if the nonlinearity is not LEAKY_RELU (PyTorch ignores the parameter then) or
     *     the parameter is not finite
     */
    public static double calculateGain(Nonlinearity nonlinearity, double param) {
        Objects.requireNonNull(nonlinearity, "nonlinearity");
        if (nonlinearity != Nonlinearity.LEAKY_RELU) {
            throw new IllegalArgumentException("calculateGain: only LEAKY_RELU takes a parameter, got " + nonlinearity
                    + " with param " + param);
        }
        if (!Double.isFinite(param)) {
            throw new IllegalArgumentException("calculateGain: the negative slope must be finite, got " + param);
        }
        return gain(nonlinearity, param);
    }

    private static double gain(Nonlinearity nonlinearity, double slope) {
        switch (nonlinearity) {
            case TANH:
                return 5.0 / 3;
            case RELU:
                return Math.sqrt(2.0);
            case LEAKY_RELU:
                return Math.sqrt(2.0 / (1 + slope * slope));
            case SELU:
                return 3.0 / 4;
            default:
                return 1;
        }
    }

    /**
     * Fills {@code tensor} with values from U(a, b), as {@code torch.nn.init.uniform_}.
     *
     * @param tensor a parameter (a leaf); modified
     * @param a the lower bound
     * @param b the upper bound
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalArgumentException if {@code a > b} or a bound is not finite
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor uniform(Tensor tensor, double a, double b, Random rng) {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(rng, "rng");
        if (!(a <= b) || !Double.isFinite(a) || !Double.isFinite(b)) {
            throw new IllegalArgumentException("Init.uniform: expected finite bounds with a <= b, got a=" + a + ", b="
                    + b);
        }
        return fillUniform(tensor, a, b, rng);
    }

    /**
     * A new {@code rows x cols} parameter (a leaf requiring grad) drawn from U(-bound, bound): the default init of
     * PyTorch's {@code Linear}, recurrent cells and layers, with the draws of {@link #uniform(Tensor, double, double,
     * Random)}.
     */
    static Tensor uniform(int rows, int cols, double bound, Random rng) {
        return uniform(Tensor.zeros(rows, cols).requiresGrad(true), -bound, bound, rng);
    }

    /**
     * Fills {@code tensor} with values from U(0, 1), PyTorch's default bounds.
     *
     * @param tensor a parameter (a leaf); modified
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor uniform(Tensor tensor, Random rng) {
        return uniform(tensor, 0, 1, rng);
    }

    /**
     * Fills {@code tensor} with values from N(mean, std²), as {@code torch.nn.init.normal_}.
     *
     * @param tensor a parameter (a leaf); modified
     * @param mean the mean
     * @param std the standard deviation, at least 0
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalArgumentException if {@code std} is negative or a value is not finite
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor normal(Tensor tensor, double mean, double std, Random rng) {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(rng, "rng");
        if (!(std >= 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new IllegalArgumentException("Init.normal: expected a finite mean and std >= 0, got mean=" + mean
                    + ", std=" + std);
        }
        return fillNormal(tensor, mean, std, rng);
    }

    /**
     * Fills {@code tensor} with values from N(0, 1), PyTorch's default.
     *
     * @param tensor a parameter (a leaf); modified
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor normal(Tensor tensor, Random rng) {
        return normal(tensor, 0, 1, rng);
    }

    /**
     * Fills {@code tensor} with {@code value}, as {@code torch.nn.init.constant_}.
     *
     * @param tensor a parameter (a leaf); modified
     * @param value the value
     * @return {@code tensor}
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor constant(Tensor tensor, double value) {
        Objects.requireNonNull(tensor, "tensor");
        tensor.updateInPlace((v, g) -> java.util.Arrays.fill(v, value));
        return tensor;
    }

    /**
     * Fills {@code tensor} with zeros, as {@code torch.nn.init.zeros_}.
     *
     * @param tensor a parameter (a leaf); modified
     * @return {@code tensor}
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor zeros(Tensor tensor) {
        return constant(tensor, 0);
    }

    /**
     * Fills {@code tensor} with ones, as {@code torch.nn.init.ones_}.
     *
     * @param tensor a parameter (a leaf); modified
     * @return {@code tensor}
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor ones(Tensor tensor) {
        return constant(tensor, 1);
    }

    /**
     * Glorot uniform, as {@code torch.nn.init.xavier_uniform_}: U(-bound, bound) with
     * {@code bound = gain·√(6/(fan_in + fan_out))}.
     *
     * @param tensor a parameter (a leaf), {@code fan_out x fan_in}; modified
     * @param gain the scale, e.g. {@link #calculateGain} (PyTorch's default 1)
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalArgumentException if {@code gain} is negative or not finite
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor xavierUniform(Tensor tensor, double gain, Random rng) {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(rng, "rng");
        checkGain("xavierUniform", gain);
        double bound = gain * Math.sqrt(6.0 / (tensor.cols() + tensor.rows()));
        return fillUniform(tensor, -bound, bound, rng);
    }

    /**
     * Glorot uniform with gain 1, PyTorch's default.
     *
     * @param tensor a parameter (a leaf), {@code fan_out x fan_in}; modified
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor xavierUniform(Tensor tensor, Random rng) {
        return xavierUniform(tensor, 1, rng);
    }

    /**
     * Glorot normal, as {@code torch.nn.init.xavier_normal_}: N(0, std²) with
     * {@code std = gain·√(2/(fan_in + fan_out))}.
     *
     * @param tensor a parameter (a leaf), {@code fan_out x fan_in}; modified
     * @param gain the scale (PyTorch's default 1)
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalArgumentException if {@code gain} is negative or not finite
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor xavierNormal(Tensor tensor, double gain, Random rng) {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(rng, "rng");
        checkGain("xavierNormal", gain);
        return fillNormal(tensor, 0, gain * Math.sqrt(2.0 / (tensor.cols() + tensor.rows())), rng);
    }

    /**
     * Glorot normal with gain 1, PyTorch's default.
     *
     * @param tensor a parameter (a leaf), {@code fan_out x fan_in}; modified
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor xavierNormal(Tensor tensor, Random rng) {
        return xavierNormal(tensor, 1, rng);
    }

    /**
     * He uniform, as {@code torch.nn.init.kaiming_uniform_}: U(-bound, bound) with {@code bound = √3·gain/√fan},
     * {@code gain = calculateGain(nonlinearity, a)}.
     *
     * @param tensor a parameter (a leaf), {@code fan_out x fan_in}; modified
     * @param a the negative slope of the leaky ReLU after this layer (PyTorch's default 0); must be 0 unless the
     *     nonlinearity is LEAKY_RELU
     * @param mode which fan to use (PyTorch's default FAN_IN)
     * @param nonlinearity the nonlinearity after this layer (PyTorch's default LEAKY_RELU)
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalArgumentException if {@code a} is not finite, or non-zero for a nonlinearity other than
     *     LEAKY_RELU
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor kaimingUniform(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity,
            Random rng) {
        double std = kaimingStd("kaimingUniform", tensor, a, mode, nonlinearity);
        Objects.requireNonNull(rng, "rng");
        double bound = Math.sqrt(3.0) * std;
        return fillUniform(tensor, -bound, bound, rng);
    }

    /**
     * He uniform with PyTorch's defaults: {@code a = 0}, FAN_IN, LEAKY_RELU, so {@code bound = √(6/fan_in)}.
     *
     * @param tensor a parameter (a leaf), {@code fan_out x fan_in}; modified
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor kaimingUniform(Tensor tensor, Random rng) {
        return kaimingUniform(tensor, 0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, rng);
    }

    /**
     * He normal, as {@code torch.nn.init.kaiming_normal_}: N(0, std²) with {@code std = gain/√fan},
     * {@code gain = calculateGain(nonlinearity, a)}.
     *
     * @param tensor a parameter (a leaf), {@code fan_out x fan_in}; modified
     * @param a the negative slope of the leaky ReLU after this layer (PyTorch's default 0); must be 0 unless the
     *     nonlinearity is LEAKY_RELU
     * @param mode which fan to use (PyTorch's default FAN_IN)
     * @param nonlinearity the nonlinearity after this layer (PyTorch's default LEAKY_RELU)
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalArgumentException if {@code a} is not finite, or non-zero for a nonlinearity other than
     *     LEAKY_RELU
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor kaimingNormal(Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity,
            Random rng) {
        double std = kaimingStd("kaimingNormal", tensor, a, mode, nonlinearity);
        Objects.requireNonNull(rng, "rng");
        return fillNormal(tensor, 0, std, rng);
    }

    /**
     * He normal with PyTorch's defaults: {@code a = 0}, FAN_IN, LEAKY_RELU, so {@code std = √(2/fan_in)}.
     *
     * @param tensor a parameter (a leaf), {@code fan_out x fan_in}; modified
     * @param rng the source of the values; advanced
     * @return {@code tensor}
     * @throws IllegalStateException if {@code tensor} is not a leaf whose values may change
     */
    public static Tensor kaimingNormal(Tensor tensor, Random rng) {
        return kaimingNormal(tensor, 0, FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, rng);
    }

    private static double kaimingStd(String op, Tensor tensor, double a, FanMode mode, Nonlinearity nonlinearity) {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(nonlinearity, "nonlinearity");
        if (!Double.isFinite(a)) {
            throw new IllegalArgumentException("Init." + op + ": a must be finite, got " + a);
        }
        if (a != 0 && nonlinearity != Nonlinearity.LEAKY_RELU) {
            throw new IllegalArgumentException("Init." + op + ": a is the negative slope of LEAKY_RELU and must be 0"
                    + " for " + nonlinearity + ", got " + a);
        }
        int fan = mode == FanMode.FAN_IN ? tensor.cols() : tensor.rows();
        return gain(nonlinearity, a) / Math.sqrt(fan);
    }

    private static void checkGain(String op, double gain) {
        if (!(gain >= 0) || Double.isInfinite(gain)) {
            throw new IllegalArgumentException("Init." + op + ": gain must be finite and at least 0, got " + gain);
        }
    }

    private static Tensor fillUniform(Tensor tensor, double a, double b, Random rng) {
        tensor.updateInPlace((v, g) -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = a + (b - a) * rng.nextDouble();
            }
        });
        return tensor;
    }

    private static Tensor fillNormal(Tensor tensor, double mean, double std, Random rng) {
        tensor.updateInPlace((v, g) -> {
            for (int i = 0; i < v.length; i++) {
                v[i] = mean + std * rng.nextGaussian();
            }
        });
        return tensor;
    }
}
