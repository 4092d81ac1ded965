package dev.ejgrad.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernels once, when first needed: the Vector API kernels if the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (and {@code ejgrad.kernels} is not {@code java}), reached through
 * {@link StagedKernels} (which logs the choice from its warm-up thread), else the plain-Java ones. Logs the choice
 * once at INFO.
 */
final class KernelSelection {

    static final Kernels KERNELS = choose();

    private KernelSelection() {
    }

    private static Kernels choose() {
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean wanted = !"java".equalsIgnoreCase(System.getProperty("ejgrad.kernels", ""));
        if (vectorModule && wanted) {
            // the Vector API is loaded, and the choice logged, on the warm-up thread
            return new StagedKernels(new Workers(Workers.configured()));
        }
        Logger log = LoggerFactory.getLogger(KernelSelection.class);
        log.info("ejgrad kernels: plain Java and EJML, one thread ({})", vectorModule
                ? "ejgrad.kernels=java" : "start the JVM with --add-modules jdk.incubator.vector for the fast ones");
        return JavaKernels.INSTANCE;
    }

    /** {@return a one-line description of the kernels in use} */
    static String describe() {
        return KERNELS instanceof JavaKernels ? "plain Java" : StagedKernels.describe();
    }
}
