package dev.ejgrad.data;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Random;

/**
 * Cuts a {@link TensorDataset} into batches, in dataset order or in a seeded shuffled order, as
 * {@code torch.utils.data.DataLoader(dataset, batch_size, shuffle, drop_last)} with a sampler whose epoch is set as
 * {@code DistributedSampler.set_epoch} does.
 *
 * <p>Each call of {@link #iterator()} (each {@code for (Batch b : loader)}) runs the next epoch: the first is epoch
 * 0, then 1, 2, ...; {@link #setEpoch(int)} sets the epoch the next iteration uses, so a run resumed at epoch
 * {@code e} calls {@code setEpoch(e)} and sees exactly the batches the uninterrupted run saw. An iterator keeps the
 * order, batch size and {@code dropLast} it was made with.
 *
 * <p>The order of an epoch is a pure function of the seed and the epoch number, never of earlier epochs or of the
 * calls made in between:
 * <ol>
 *   <li>the epoch's generator seed is the {@code (epoch + 1)}-th output of SplitMix64 (Steele, Lea and Flood, 2014)
 *   started from {@code seed}: with {@code z = seed + (epoch + 1) * 0x9E3779B97F4A7C15L},
 *   {@code z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L}, {@code z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL},
 *   {@code z ^= z >>> 31} (all arithmetic mod 2^64), so that every bit of the seed and the epoch reaches the 48 bits
 *   {@link Random} keeps;</li>
 *   <li>with {@code rng = new java.util.Random(z)} and {@code order = [0, 1, ..., N-1]}, a Fisher–Yates shuffle from
 *   the end: for {@code i = N-1} down to 1, swap {@code order[i]} with {@code order[rng.nextInt(i + 1)]} (the
 *   permutation {@code Collections.shuffle(list, rng)} makes of the same list);</li>
 *   <li>batch {@code k} is rows {@code order[k*B] .. order[k*B + B - 1]}; the last batch is smaller when {@code B}
 *   does not divide {@code N}, and is left out with {@code dropLast(true)}.</li>
 * </ol>
 * Without {@link #shuffle(long)} the order is {@code 0 .. N-1} in every epoch. The generator is not PyTorch's, so
 * the batches are not those of a PyTorch {@code DataLoader} with the same seed.
 *
 * <p>Each batch's features are {@code features.indexSelect(0, rows)} of the dataset's (detached) features, so no
 * gradient is involved. A loader is not thread-safe (its epoch counter advances on each iteration); its iterators
 * are independent of one another.
 */
public final class DataLoader implements Iterable<Batch> {

    private final TensorDataset dataset;
    private final int batchSize;
    private boolean shuffled;
    private long seed;
    private boolean dropLast;
    private int epoch;

    /**
     * A loader that gives the dataset in order, {@code batchSize} rows at a time, the last batch possibly smaller.
     *
     * @param dataset the examples; not modified
     * @param batchSize the rows per batch, at least 1
     * @throws IllegalArgumentException if {@code batchSize < 1}
     */
    public DataLoader(TensorDataset dataset, int batchSize) {
        Objects.requireNonNull(dataset, "dataset");
        if (batchSize < 1) {
            throw new IllegalArgumentException("DataLoader: batchSize must be at least 1, got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
    }

    /**
     * Shuffles each epoch, in the order the class description defines from this seed and the epoch number.
     *
     * @param seed any value; equal seeds give equal orders
     * @return this loader
     */
    public DataLoader shuffle(long seed) {
        this.shuffled = true;
        this.seed = seed;
        return this;
    }

    /**
     * Leaves out the last batch of each epoch when it would be smaller than the batch size (PyTorch's
     * {@code drop_last}); off by default.
     *
     * @param drop whether to leave out a smaller last batch
     * @return this loader
     */
    public DataLoader dropLast(boolean drop) {
        this.dropLast = drop;
        return this;
    }

    /**
     * Sets the epoch the next {@link #iterator()} runs; later iterations go on from there.
     *
     * @param epoch the epoch number, at least 0
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public void setEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("DataLoader: epoch must be at least 0, got " + epoch);
        }
        this.epoch = epoch;
    }

    /** {@return the epoch the next {@link #iterator()} runs} */
    public int epoch() {
        return epoch;
    }

    /** {@return the rows per batch} */
    public int batchSize() {
        return batchSize;
    }

    /** {@return the dataset this loader reads} */
    public TensorDataset dataset() {
        return dataset;
    }

    /** {@return the number of batches in an epoch: {@code N / B} rounded up, or down with {@code dropLast}} */
    public int batches() {
        int n = dataset.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /**
     * The row order of an epoch: {@code 0 .. N-1} without shuffling, else the permutation the class description
     * defines. Does not change which epoch the next iteration runs.
     *
     * @param epoch the epoch number, at least 0
     * @return a new array of the {@code N} row indices in the order the epoch visits them
     * @throws IllegalArgumentException if {@code epoch} is negative
     */
    public int[] order(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("DataLoader: epoch must be at least 0, got " + epoch);
        }
        int n = dataset.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffled) {
            Random rng = new Random(epochSeed(seed, epoch));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return order;
    }

    /** The {@code (epoch + 1)}-th output of SplitMix64 started from {@code seed}. */
    static long epochSeed(long seed, int epoch) {
        long z = seed + (epoch + 1L) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Runs the next epoch (the first call runs epoch 0, or the one {@link #setEpoch} set) and advances the epoch.
     *
     * @return the epoch's batches, each made when {@code next()} is called
     */
    @Override
    public Iterator<Batch> iterator() {
        int[] order = order(epoch);
        epoch++;
        int size = batchSize;
        int count = batches();
        return new Iterator<>() {
            private int k;

            @Override
            public boolean hasNext() {
                return k < count;
            }

            @Override
            public Batch next() {
                if (k >= count) {
                    throw new NoSuchElementException("DataLoader: the epoch has " + count + " batches");
                }
                int from = k++ * size;
                int to = Math.min(order.length, from + size);
                int[] rows = new int[to - from];
                System.arraycopy(order, from, rows, 0, rows.length);
                return dataset.batch(rows);
            }
        };
    }

    @Override
    public String toString() {
        return "DataLoader(" + dataset.size() + " examples, batchSize=" + batchSize + ", shuffle="
                + (shuffled ? "seed " + seed : "off") + ", dropLast=" + dropLast + ", next epoch " + epoch + ")";
    }
}
