package dev.ejgrad.examples;

import dev.ejgrad.core.Tensor;
import dev.ejgrad.nn.Linear;
import dev.ejgrad.nn.loss.MSELoss;
import dev.ejgrad.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import picocli.CommandLine.Command;

/**
 * Lesson 6: minimising the mean squared error and maximising a Gaussian log-likelihood give the same regression
 * weights; the likelihood also estimates the noise, and its estimate is the mean squared residual.
 */
@Command(name = "mse-as-likelihood", mixinStandardHelpOptions = true,
        description = "Least squares is maximum likelihood under Gaussian noise.")
final class MseAsLikelihood implements Callable<Integer> {

    static final double[] TRUE_W = {2.0, -1.0, 0.5};
    static final double TRUE_B = 0.3;
    static final double TRUE_SIGMA = 0.5;
    static final int STEPS = 1000;

    /** The lesson's numbers. */
    static final class Result {
        double[] byMse;
        double[] byLikelihood;
        double[] normalEquations;
        double sigma2Likelihood;
        double meanSquaredResidual;
    }

    static Result compute() {
        Random rng = new Random(5);
        int n = 200;
        Tensor x = Tensor.randn(n, 3, rng);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = TRUE_B + TRUE_SIGMA * rng.nextGaussian();
            for (int j = 0; j < 3; j++) {
                y[i] += TRUE_W[j] * x.get(i, j);
            }
        }
        Tensor target = Tensor.column(y);

        Linear mse = new Linear(3, 1, true, new Random(1));
        MSELoss mseLoss = new MSELoss();
        Linear gauss = new Linear(3, 1, true, new Random(1));
        Tensor logSigma = Tensor.scalar(0).requiresGrad(true);
        // full-batch gradient descent: both objectives are smooth and well conditioned here, so it converges
        // linearly, to the last digits
        SGD byMse = new SGD(mse.parameters(), 0.1);
        List<Tensor> params = new ArrayList<>(gauss.parameters());
        params.add(logSigma);
        SGD byLikelihood = new SGD(params, 0.1);
        for (int step = 0; step < STEPS; step++) {
            byMse.zeroGrad();
            mseLoss.forward(mse.forward(x), target).backward();
            byMse.step();
            byLikelihood.zeroGrad();
            negativeLogLikelihood(gauss.forward(x), target, logSigma).backward();
            byLikelihood.step();
        }
        Result r = new Result();
        r.byMse = params(mse);
        r.byLikelihood = params(gauss);
        r.sigma2Likelihood = Math.exp(2 * logSigma.item());
        Tensor residual = mse.forward(x).sub(target);
        r.meanSquaredResidual = residual.mul(residual).mean().item();

        // least squares in closed form: [X 1] θ = y
        DMatrixRMaj a = new DMatrixRMaj(n, 4);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                a.set(i, j, x.get(i, j));
            }
            a.set(i, 3, 1);
        }
        DMatrixRMaj theta = new DMatrixRMaj(4, 1);
        CommonOps_DDRM.solve(a, new DMatrixRMaj(n, 1, true, y), theta);
        r.normalEquations = theta.data.clone();
        return r;
    }

    /**
     * The mean negative log-likelihood of y under N(prediction, σ²):
     * {@code (y - ŷ)² / (2σ²) + log σ + log(2π)/2}, with σ = e^logSigma so it stays positive.
     */
    static Tensor negativeLogLikelihood(Tensor prediction, Tensor y, Tensor logSigma) {
        Tensor r = prediction.sub(y);
        Tensor variance = logSigma.mul(2).exp();
        return r.mul(r).div(variance.mul(2)).add(logSigma).add(0.5 * Math.log(2 * Math.PI)).mean();
    }

    private static double[] params(Linear l) {
        return new double[] {l.weight().get(0, 0), l.weight().get(0, 1), l.weight().get(0, 2), l.bias().item()};
    }

    static String report(Result r) {
        StringBuilder sb = new StringBuilder("y = 2·x1 - x2 + 0.5·x3 + 0.3 + noise, noise ~ N(0, 0.5²), 200 examples; "
                + STEPS + " steps of gradient descent on each objective\n\n");
        TextTable t = new TextTable("parameter", "true", "min MSE", "max Gaussian likelihood", "least squares");
        String[] names = {"w1", "w2", "w3", "b"};
        double[] truth = {TRUE_W[0], TRUE_W[1], TRUE_W[2], TRUE_B};
        for (int i = 0; i < 4; i++) {
            t.row(names[i], truth[i], r.byMse[i], r.byLikelihood[i], r.normalEquations[i]);
        }
        sb.append(t);
        sb.append('\n').append(new TextTable("noise variance", "value")
                .row("true σ²", TRUE_SIGMA * TRUE_SIGMA)
                .row("σ² that maximises the likelihood", r.sigma2Likelihood)
                .row("mean squared residual of the MSE fit", r.meanSquaredResidual));
        return sb.toString();
    }

    @Override
    public Integer call() {
        System.out.print(report(compute()));
        return 0;
    }
}
