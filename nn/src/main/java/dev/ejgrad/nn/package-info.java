/**
 * Layers and models: {@link dev.ejgrad.nn.Module}, {@link dev.ejgrad.nn.Linear}, {@link dev.ejgrad.nn.Sequential},
 * the activations, {@link dev.ejgrad.nn.MultiheadAttention}, {@link dev.ejgrad.nn.Functional} (the counterpart of
 * {@code torch.nn.functional}), and {@link dev.ejgrad.nn.SafeTensors} for weights on disk.
 */
package dev.ejgrad.nn;
