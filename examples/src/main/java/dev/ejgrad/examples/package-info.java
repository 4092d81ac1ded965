/**
 * Runnable ejgrad programs, one subcommand each of {@link dev.ejgrad.examples.Main}: a full MNIST training run and
 * the lessons behind cross-entropy (negative log-likelihood, PyTorch's four variants, KL divergence, logistic
 * regression, multilabel heads, least squares as maximum likelihood). They use only the public API of ejgrad.
 */
package dev.ejgrad.examples;
