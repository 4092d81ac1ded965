/**
 * PyTorch's loss family with its exact numbers in float64: {@link dev.ejgrad.nn.loss.CrossEntropyLoss} (a fused
 * LogSoftmax+NLL node), {@link dev.ejgrad.nn.loss.NLLLoss}, {@link dev.ejgrad.nn.loss.BCEWithLogitsLoss} (a fused
 * sigmoid+BCE node), {@link dev.ejgrad.nn.loss.BCELoss}, {@link dev.ejgrad.nn.loss.MSELoss},
 * {@link dev.ejgrad.nn.loss.KLDivLoss}, and the likelihood losses {@link dev.ejgrad.nn.loss.GaussianNLLLoss} (a
 * predicted mean and variance) and {@link dev.ejgrad.nn.loss.PoissonNLLLoss} (a predicted rate of counts), each
 * reduced by a {@link dev.ejgrad.nn.loss.Reduction}.
 *
 * <p>Which to use: on logits, {@code CrossEntropyLoss} for one class per example and {@code BCEWithLogitsLoss} for
 * independent labels; {@code NLLLoss} and {@code BCELoss} take log-probabilities and probabilities, for models that
 * end in {@code LogSoftmax} or {@code Sigmoid}. The fused forms stay exact where the composed ones saturate.
 */
package dev.ejgrad.nn.loss;
