package dev.ejgrad.core;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the kernels once, when first needed: the Vector API kernels if the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (and {@code ejgrad.kernels} is not {@code java}), else the plain-Java
 * ones. Logs the choice once at INFO.
 */
final class KernelSelection {

    private static final Logger LOG = LoggerFactory.getLogger(KernelSelection.class);

    static final Kernels KERNELS = choose();

    private KernelSelection() {
    }

    private static Kernels choose() {
        boolean vectorModule = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean wanted = !"java".equalsIgnoreCase(System.getProperty("ejgrad.kernels", ""));
        if (vectorModule && wanted) {
            try {
                Workers workers = new Workers(Workers.configured());
                Kernels k = new VectorKernels(workers);
                LOG.info("ejgrad kernels: {}, up to {} thread(s)", VectorKernels.describe(), workers.threads());
                return k;
            } catch (LinkageError e) {
                LOG.info("ejgrad kernels: plain Java (the Vector API failed to load: {})", e.toString());
                return JavaKernels.INSTANCE;
            }
        }
        LOG.info("ejgrad kernels: plain Java and EJML, one thread ({})", vectorModule
                ? "ejgrad.kernels=java" : "start the JVM with --add-modules jdk.incubator.vector for the fast ones");
        return JavaKernels.INSTANCE;
    }

    /** {@return a one-line description of the kernels in use} */
    static String describe() {
        return KERNELS instanceof JavaKernels ? "plain Java" : VectorKernels.describe();
    }
}
