/**
 * Data for training, as {@code torch.utils.data}: {@link dev.ejgrad.data.TensorDataset} holds features with class
 * labels or real-valued targets, {@link dev.ejgrad.data.DataLoader} cuts it into {@link dev.ejgrad.data.Batch}es in
 * a seeded order that is a pure function of the seed and the epoch (so a resumed run sees the same batches), and
 * {@link dev.ejgrad.data.Csv} reads numeric CSV files with a label column.
 *
 * <pre>{@code
 * Csv.Table table = Csv.read(Path.of("wine.csv"), "class");
 * DataLoader loader = new DataLoader(table.dataset(), 32).shuffle(42).dropLast(true);
 * for (int epoch = 0; epoch < 10; epoch++) {
 *     for (Batch b : loader) {            // each pass is the next epoch: 0, 1, 2, ...
 *         Tensor loss = ce.forward(model.forward(b.features()), b.labels());
 *         ...
 *     }
 * }
 * }</pre>
 */
package dev.ejgrad.data;
