package dev.ejgrad.nn;

import dev.ejgrad.core.Shapes;
import dev.ejgrad.core.Tensor;
import dev.ejgrad.optim.LRScheduler;
import dev.ejgrad.optim.Optimizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Saves and restores everything a stopped training run needs to resume exactly: the model's parameters and buffers
 * (its {@link Module#stateDict()}), the optimizer's step counts and buffers ({@link Optimizer#stateDict()}), the
 * scheduler's progress ({@link LRScheduler#stateDict()}) and, optionally, the caller's own values (the epoch, the
 * best validation loss...), as PyTorch's {@code torch.save({'model': model.state_dict(), 'optimizer': ...})} idiom.
 *
 * <p>Format: one <a href="https://github.com/huggingface/safetensors">safetensors</a> file, each tensor in its own
 * dtype (a float32 model's parameters and its optimizer's buffers as {@code F32}, bit for bit; counts, steps and
 * learning rates as {@code F64}), written by {@link SafeTensors#save(Map, Path)} and so atomic: a failed or killed
 * save leaves the previous file whole. Loading copies each value into its parameter's, buffer's or optimizer
 * buffer's own dtype, so a float32 run resumes bit for bit. The model's entries have PyTorch's shapes, as its {@link Module#stateDict()} declares them ({@code [n]}
 * biases, an {@code I64 []} {@code num_batches_tracked}); the older {@code [1, n]} forms load too. Keys: {@code checkpoint.version} (1x1, 1), {@code model.<name>}, {@code optimizer.<key>},
 * {@code scheduler.<key>} (if a scheduler was saved) and {@code extra.<key>} (the caller's entries). PyTorch's
 * {@code safetensors.torch.load_file} reads it.
 *
 * <p>What the caller keeps: the epoch or step to continue from (save it in {@code extra}, or read
 * {@code last_epoch} from the scheduler's state dict), the {@link dev.ejgrad.data.DataLoader}'s epoch (its order is
 * a function of its seed and {@link dev.ejgrad.data.DataLoader#setEpoch}, so set the epoch again) and the
 * {@link java.util.Random} of each {@link Dropout}, whose state is not saved: for an exact resume, reseed it at a
 * point both runs share, e.g. at the start of each epoch from a base seed and the epoch number
 * ({@code rng.setSeed(seed * 1_000_003L + epoch)}). The training/evaluation mode is not saved either.
 *
 * <pre>{@code
 * Random dropoutRng = new Random();
 * Module model = new Sequential(new Linear(4, 16, true, new Random(1)), new BatchNorm1d(16), new ReLU(),
 *         new Dropout(0.2, dropoutRng), new Linear(16, 3, true, new Random(2)));
 * AdamW opt = new AdamW(model.parameters(), 1e-2);
 * LRScheduler sched = new CosineAnnealingLR(opt, 50);
 * int start = 0;
 * if (Files.exists(file)) {
 *     Checkpoint.load(file, model, opt, sched);
 *     start = (int) Checkpoint.extra(file).get("epoch").item() + 1;
 * }
 * for (int epoch = start; epoch < 50; epoch++) {
 *     dropoutRng.setSeed(seed * 1_000_003L + epoch);
 *     loader.setEpoch(epoch);
 *     for (Batch b : loader) { ... opt.step(); }
 *     sched.step();
 *     Checkpoint.save(file, model, opt, sched, Map.of("epoch", Tensor.scalar(epoch)));
 * }
 * }</pre>
 *
 * <p>Loading is strict: a checkpoint for another model (other parameter or buffer names or shapes), for an optimizer
 * over other parameters (another count or shapes) or of another kind with other state keys, with or without a
 * scheduler part where the call expects the opposite, is rejected with an {@link IllegalArgumentException}, and the
 * model, the optimizer and the scheduler are left unchanged. (The state dicts hold values, not kinds: an Adam state
 * loads into an AdamW, a StepLR state into a CosineAnnealingLR, as in PyTorch.)
 */
public final class Checkpoint {

    /** The version written in {@code checkpoint.version}. */
    private static final double VERSION = 1;
    private static final String VERSION_KEY = "checkpoint.version";
    private static final String MODEL = "model.";
    private static final String OPTIMIZER = "optimizer.";
    private static final String SCHEDULER = "scheduler.";
    private static final String EXTRA = "extra.";

    private Checkpoint() {
    }

    /**
     * Saves the model and the optimizer, atomically.
     *
     * @param file the file to write (replaced if it exists)
     * @param model the model; not modified
     * @param optimizer its optimizer; not modified
     * @throws IOException if the file cannot be written; the previous file, if any, is then unchanged
     */
    public static void save(Path file, Module model, Optimizer optimizer) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        write(file, model, optimizer, null, Map.of());
    }

    /**
     * Saves the model, the optimizer and the scheduler, atomically.
     *
     * @param file the file to write (replaced if it exists)
     * @param model the model; not modified
     * @param optimizer its optimizer; not modified
     * @param scheduler the optimizer's scheduler; not modified
     * @throws IOException if the file cannot be written; the previous file, if any, is then unchanged
     */
    public static void save(Path file, Module model, Optimizer optimizer, LRScheduler scheduler) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(scheduler, "scheduler");
        write(file, model, optimizer, scheduler, Map.of());
    }

    /**
     * Saves the model, the optimizer, the scheduler if any and the caller's own entries (read back with
     * {@link #extra(Path)}), atomically.
     *
     * @param file the file to write (replaced if it exists)
     * @param model the model; not modified
     * @param optimizer its optimizer; not modified
     * @param scheduler the optimizer's scheduler, or {@code null} for none; not modified
     * @param extra the caller's values by name, e.g. {@code epoch} or {@code best_loss} as 1x1 tensors; not modified
     * @throws IllegalArgumentException if a name in {@code extra} is empty
     * @throws IOException if the file cannot be written; the previous file, if any, is then unchanged
     */
    public static void save(Path file, Module model, Optimizer optimizer, LRScheduler scheduler,
            Map<String, Tensor> extra) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(extra, "extra");
        extra.forEach((k, v) -> {
            Objects.requireNonNull(k, "extra key");
            Objects.requireNonNull(v, "extra[" + k + "]");
            if (k.isEmpty()) {
                throw new IllegalArgumentException("Checkpoint: an extra entry has an empty name");
            }
        });
        write(file, model, optimizer, scheduler, extra);
    }

    private static void write(Path file, Module model, Optimizer optimizer, LRScheduler scheduler,
            Map<String, Tensor> extra) throws IOException {
        Map<String, Tensor> all = new LinkedHashMap<>();
        all.put(VERSION_KEY, Tensor.scalar(VERSION));
        model.stateDict().forEach((k, v) -> all.put(MODEL + k, v));
        optimizer.stateDict().forEach((k, v) -> all.put(OPTIMIZER + k, v));
        if (scheduler != null) {
            scheduler.stateDict().forEach((k, v) -> all.put(SCHEDULER + k, v));
        }
        extra.forEach((k, v) -> all.put(EXTRA + k, v.detach()));
        SafeTensors.save(all, file);
    }

    /**
     * Restores the model and the optimizer from a checkpoint saved without a scheduler.
     *
     * @param file a checkpoint written by {@link #save}
     * @param model the model to restore: parameters copied in place, buffers replaced
     * @param optimizer its optimizer, over {@code model}'s parameters or others of the same shapes
     * @throws IllegalArgumentException if the file is not a checkpoint, is for another model or optimizer, or holds a
     *     scheduler state; nothing is changed then
     * @throws IOException if the file cannot be read
     */
    public static void load(Path file, Module model, Optimizer optimizer) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        restore(file, model, optimizer, null);
    }

    /**
     * Restores the model, the optimizer and the scheduler from a checkpoint saved with a scheduler. The optimizer's
     * learning rate comes from its own saved state.
     *
     * @param file a checkpoint written by {@link #save}
     * @param model the model to restore: parameters copied in place, buffers replaced
     * @param optimizer its optimizer, over {@code model}'s parameters or others of the same shapes
     * @param scheduler the optimizer's scheduler, of the kind saved
     * @throws IllegalArgumentException if the file is not a checkpoint, is for another model, optimizer or scheduler,
     *     or holds no scheduler state; nothing is changed then
     * @throws IOException if the file cannot be read
     */
    public static void load(Path file, Module model, Optimizer optimizer, LRScheduler scheduler) throws IOException {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(optimizer, "optimizer");
        Objects.requireNonNull(scheduler, "scheduler");
        restore(file, model, optimizer, scheduler);
    }

    /**
     * The caller's entries of a checkpoint, as given to {@link #save(Path, Module, Optimizer, LRScheduler, Map)}.
     *
     * @param file a checkpoint written by {@link #save}
     * @return name to value (empty if none were saved), in the file's order
     * @throws IllegalArgumentException if the file is not a checkpoint
     * @throws IOException if the file cannot be read
     */
    public static Map<String, Tensor> extra(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        return parts(file, read(file)).get(EXTRA);
    }

    private static Map<String, Tensor> read(Path file) throws IOException {
        Map<String, Tensor> all = SafeTensors.load(file);
        Tensor version = all.get(VERSION_KEY);
        if (version == null) {
            throw new IllegalArgumentException("Checkpoint: " + file + " is not a checkpoint (it has no "
                    + VERSION_KEY + "; a plain state dict loads with SafeTensors.load and Module.loadStateDict)");
        }
        if (version.numel() != 1 || version.item() != VERSION) {
            throw new IllegalArgumentException("Checkpoint: " + file + " has checkpoint version "
                    + (version.numel() == 1 ? Double.toString(version.item()) : Shapes.of(version))
                    + "; this ejgrad reads version 1");
        }
        return all;
    }

    /** The file's entries by part, prefixes removed; a key of no known part is rejected. */
    private static Map<String, Map<String, Tensor>> parts(Path file, Map<String, Tensor> all) {
        Map<String, Map<String, Tensor>> parts = new LinkedHashMap<>();
        for (String p : List.of(MODEL, OPTIMIZER, SCHEDULER, EXTRA)) {
            parts.put(p, new LinkedHashMap<>());
        }
        for (Map.Entry<String, Tensor> e : all.entrySet()) {
            String key = e.getKey();
            if (key.equals(VERSION_KEY)) {
                continue;
            }
            String part = parts.keySet().stream().filter(key::startsWith).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("Checkpoint: " + file + " has an entry '" + key
                            + "' outside the model., optimizer., scheduler. and extra. parts"));
            parts.get(part).put(key.substring(part.length()), e.getValue());
        }
        return parts;
    }

    /**
     * Checks the model part in full, then loads the optimizer (which checks its state before changing anything),
     * then the scheduler (the optimizer is put back from a snapshot if the scheduler rejects its state), then the
     * model, whose load cannot fail after the check.
     */
    private static void restore(Path file, Module model, Optimizer optimizer, LRScheduler scheduler)
            throws IOException {
        Map<String, Map<String, Tensor>> parts = parts(file, read(file));
        Map<String, Tensor> modelState = parts.get(MODEL);
        Map<String, Tensor> schedulerState = parts.get(SCHEDULER);
        if (scheduler != null && schedulerState.isEmpty()) {
            throw new IllegalArgumentException("Checkpoint: " + file + " holds no scheduler state (it was saved "
                    + "without a scheduler); load it without one");
        }
        if (scheduler == null && !schedulerState.isEmpty()) {
            throw new IllegalArgumentException("Checkpoint: " + file + " holds a scheduler state " + schedulerState
                    .keySet() + "; pass the scheduler to load");
        }
        checkModel(file, model, modelState);
        Map<String, Tensor> optimizerBefore = optimizer.stateDict();
        try {
            optimizer.loadStateDict(parts.get(OPTIMIZER));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Checkpoint: " + file + " is for another optimizer: "
                    + e.getMessage(), e);
        }
        if (scheduler != null) {
            try {
                scheduler.loadStateDict(schedulerState);
            } catch (IllegalArgumentException e) {
                optimizer.loadStateDict(optimizerBefore);
                throw new IllegalArgumentException("Checkpoint: " + file + " is for another scheduler: "
                        + e.getMessage(), e);
            }
        }
        model.loadStateDict(modelState);
    }

    /** The checks of {@link Module#loadStateDict}, made before anything else is loaded. */
    private static void checkModel(Path file, Module model, Map<String, Tensor> state) {
        List<String> problems = new ArrayList<>();
        for (Module.Mismatch m : model.mismatches(state)) {
            problems.add(switch (m.kind()) {
                case MISSING -> "missing '" + m.key() + "'";
                case UNEXPECTED -> "unexpected '" + m.key() + "'";
                case NULL -> "'" + m.key() + "' is null";
                case SHAPE -> "'" + m.key() + "' is " + Shapes.of(m.given()) + " but the model's is "
                        + Shapes.of(m.own());
            });
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Checkpoint: " + file + " is for another model: "
                    + String.join("; ", problems));
        }
    }
}
