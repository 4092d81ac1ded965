package dev.ejgrad.examples;

import dev.ejgrad.core.Tensor;
import java.util.function.Function;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Newton's method, shared by the {@code logistic-regression} lesson (IRLS: the gradient and Hessian of the penalised
 * likelihood written by hand) and the {@code fisher-information} lesson (the same method driven by autograd's
 * gradient and Hessian). Both stop the same way: at most 50 iterations, and no coefficient moving by 1e-14.
 */
final class Newton {

    /** The ridge penalty {@code (λ/2)·|θ|²} both lessons add to the likelihood. */
    static final double LAMBDA = 1e-2;

    private static final int MAX_ITERATIONS = 50;
    private static final double TOLERANCE = 1e-14;

    /**
     * The gradient and the Hessian of an objective at a point.
     *
     * @param gradient p x 1
     * @param hessian p x p
     */
    record Derivatives(DMatrixRMaj gradient, DMatrixRMaj hessian) {
    }

    /**
     * Newton's method's result.
     *
     * @param theta the coefficients, in the shape of the start
     * @param iterations the iterations it took
     */
    record Result(DMatrixRMaj theta, int iterations) {
    }

    private Newton() {
    }

    /**
     * Minimises an objective from {@code start}: {@code θ ← θ - H⁻¹g} until no coefficient moves by 1e-14 (at most
     * 50 iterations).
     *
     * @param start the first point (any shape; its elements in row-major order are the coefficients)
     * @param at the gradient and Hessian at a point, in the order of the point's elements
     */
    static Result minimize(DMatrixRMaj start, Function<DMatrixRMaj, Derivatives> at) {
        DMatrixRMaj theta = start.copy();
        int iterations = 0;
        for (int it = 1; it <= MAX_ITERATIONS; it++) {
            Derivatives d = at.apply(theta);
            DMatrixRMaj step = new DMatrixRMaj(theta.getNumElements(), 1);
            CommonOps_DDRM.solve(d.hessian(), d.gradient(), step);
            for (int i = 0; i < step.data.length; i++) {
                theta.data[i] -= step.data[i];
            }
            iterations = it;
            if (CommonOps_DDRM.elementMaxAbs(step) < TOLERANCE) {
                break;
            }
        }
        return new Result(theta, iterations);
    }

    /**
     * IRLS: Newton's method on {@code J(θ) = mean BCE + (λ/2)|θ|²}, {@code θ = (w, b)}, with the Hessian written by
     * hand.
     *
     * @param a the features with a column of ones, N x (d+1)
     * @param yv the 0/1 labels
     */
    static Result irlsBinary(DMatrixRMaj a, double[] yv) {
        int n = a.numRows;
        int d = a.numCols - 1;
        return minimize(new DMatrixRMaj(d + 1, 1), theta -> {
            DMatrixRMaj z = new DMatrixRMaj(n, 1);
            CommonOps_DDRM.mult(a, theta, z);
            DMatrixRMaj grad = new DMatrixRMaj(d + 1, 1);
            DMatrixRMaj hess = new DMatrixRMaj(d + 1, d + 1);
            for (int i = 0; i < n; i++) {
                double p = 1 / (1 + Math.exp(-z.data[i]));
                double s = p * (1 - p);
                for (int j = 0; j <= d; j++) {
                    grad.data[j] += (p - yv[i]) * a.get(i, j) / n;
                    for (int k = 0; k <= d; k++) {
                        hess.data[j * (d + 1) + k] += s * a.get(i, j) * a.get(i, k) / n;
                    }
                }
            }
            return ridge(theta, grad, hess);
        });
    }

    /**
     * Newton's method on {@code J(Θ) = mean CE + (λ/2)|Θ|²} with the full K(d+1) Hessian written by hand; the
     * coefficients are ordered (w_c, b_c) per class.
     *
     * @param a the features with a column of ones, N x (d+1)
     * @param labels the classes
     * @param k the number of classes
     */
    static Result irlsSoftmax(DMatrixRMaj a, int[] labels, int k) {
        int n = a.numRows;
        int m = a.numCols;
        return minimize(new DMatrixRMaj(k * m, 1), theta -> {
            DMatrixRMaj grad = new DMatrixRMaj(k * m, 1);
            DMatrixRMaj hess = new DMatrixRMaj(k * m, k * m);
            for (int i = 0; i < n; i++) {
                double[] p = new double[k];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    for (int j = 0; j < m; j++) {
                        p[c] += theta.data[c * m + j] * a.get(i, j);
                    }
                    max = Math.max(max, p[c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    p[c] = Math.exp(p[c] - max);
                    sum += p[c];
                }
                for (int c = 0; c < k; c++) {
                    p[c] /= sum;
                }
                for (int c = 0; c < k; c++) {
                    double r = p[c] - (labels[i] == c ? 1 : 0);
                    for (int j = 0; j < m; j++) {
                        grad.data[c * m + j] += r * a.get(i, j) / n;
                        for (int e = 0; e < k; e++) {
                            double w = p[c] * ((c == e ? 1 : 0) - p[e]) / n;
                            for (int l = 0; l < m; l++) {
                                hess.data[(c * m + j) * k * m + e * m + l] += w * a.get(i, j) * a.get(i, l);
                            }
                        }
                    }
                }
            }
            return ridge(theta, grad, hess);
        });
    }

    /** Adds the ridge term {@code λ·θ} to the likelihood's gradient and {@code λ·I} to its Hessian. */
    private static Derivatives ridge(DMatrixRMaj theta, DMatrixRMaj grad, DMatrixRMaj hess) {
        int p = theta.getNumElements();
        for (int j = 0; j < p; j++) {
            grad.data[j] += LAMBDA * theta.data[j];
            hess.data[j * p + j] += LAMBDA;
        }
        return new Derivatives(grad, hess);
    }

    /** The features with a column of ones appended, for the bias. */
    static DMatrixRMaj withOnes(Tensor x) {
        DMatrixRMaj a = new DMatrixRMaj(x.rows(), x.cols() + 1);
        for (int i = 0; i < x.rows(); i++) {
            for (int j = 0; j < x.cols(); j++) {
                a.set(i, j, x.get(i, j));
            }
            a.set(i, x.cols(), 1);
        }
        return a;
    }

    /** The Euclidean distance between two coefficient vectors. */
    static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }
}
