/**
 * Layers and models: {@link dev.ejgrad.nn.Module} (parameters, buffers, train/eval), {@link dev.ejgrad.nn.Linear},
 * {@link dev.ejgrad.nn.Sequential}, regularisation and normalisation ({@link dev.ejgrad.nn.Dropout},
 * {@link dev.ejgrad.nn.LayerNorm}, {@link dev.ejgrad.nn.BatchNorm1d}, {@link dev.ejgrad.nn.BatchNorm2d}), layers on
 * images as rows ({@link dev.ejgrad.nn.Conv2d}, {@link dev.ejgrad.nn.MaxPool2d}, {@link dev.ejgrad.nn.AvgPool2d}),
 * the activations, {@link dev.ejgrad.nn.MultiheadAttention},
 * the recurrent cells, the sequence layers {@link dev.ejgrad.nn.RNN}, {@link dev.ejgrad.nn.GRU} and
 * {@link dev.ejgrad.nn.LSTM} over padded batches (with {@link dev.ejgrad.nn.SequenceOutput}),
 * {@link dev.ejgrad.nn.TransformerEncoderLayer} and {@link dev.ejgrad.nn.TransformerEncoder},
 * {@link dev.ejgrad.nn.Embedding}, {@link dev.ejgrad.nn.Init}
 * (the counterpart of {@code torch.nn.init}), {@link dev.ejgrad.nn.Functional} (the counterpart of
 * {@code torch.nn.functional}), {@link dev.ejgrad.nn.SafeTensors} for weights on disk and
 * {@link dev.ejgrad.nn.Checkpoint} for resumable training runs.
 */
package dev.ejgrad.nn;
