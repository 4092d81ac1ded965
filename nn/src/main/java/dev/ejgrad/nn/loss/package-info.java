/**
 * PyTorch's loss family with its exact numbers in float64: {@link dev.ejgrad.nn.loss.CrossEntropyLoss}
 * (LogSoftmax and NLL in one loss), {@link dev.ejgrad.nn.loss.NLLLoss}, {@link dev.ejgrad.nn.loss.BCEWithLogitsLoss}
 * (sigmoid and BCE in one loss), {@link dev.ejgrad.nn.loss.BCELoss}, {@link dev.ejgrad.nn.loss.MSELoss},
 * {@link dev.ejgrad.nn.loss.KLDivLoss}, and the likelihood losses {@link dev.ejgrad.nn.loss.GaussianNLLLoss} (a
 * predicted mean and variance) and {@link dev.ejgrad.nn.loss.PoissonNLLLoss} (a predicted rate of counts), each
 * reduced by a {@link dev.ejgrad.nn.loss.Reduction}.
 *
 * <p>Which to use: on logits, {@code CrossEntropyLoss} for one class per example and {@code BCEWithLogitsLoss} for
 * independent labels; {@code NLLLoss} and {@code BCELoss} take log-probabilities and probabilities, for models that
 * end in {@code LogSoftmax} or {@code Sigmoid}. The one-loss forms on logits stay exact where the composed ones
 * saturate. Every loss computes its terms once (for {@code forward} and {@code explain}) and reduces them through
 * one differentiable reduction, so all are twice differentiable as in libtorch.
 */
package dev.ejgrad.nn.loss;
