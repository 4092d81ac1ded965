package dev.ejgrad.core;

import java.io.PrintStream;
import java.util.ServiceLoader;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Chooses the kernels once, when first needed: the Vector API kernels if the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (and {@code ejgrad.kernels} is not {@code java}), reached through
 * {@link StagedKernels} (which loads them and logs the choice on its warm-up thread), else the plain-Java ones.
 *
 * <p>This is the only place ejgrad logs, once per JVM, through SLF4J: the Vector API choice at INFO, plain Java
 * chosen by {@code -Dejgrad.kernels=java} at INFO, and plain Java because the module is missing (matrix products
 * about 6x slower) at WARN, with the flag that fixes it. ejgrad binds no SLF4J provider. When the application has
 * none either, SLF4J would drop that warning, so it goes to standard error as one line instead (never to standard
 * output), unless {@code -Dejgrad.kernels.notice=false}; ejgrad then does not touch SLF4J at all, so SLF4J prints
 * none of its "no providers" lines on ejgrad's account. The fast path and a deliberate plain-Java choice print
 * nothing without a provider.
 */
final class KernelSelection {

    /** The system property that turns off the standard-error line ({@code false}); any other value keeps it. */
    static final String NOTICE_PROPERTY = "ejgrad.kernels.notice";

    static final String FAST_PATH_OFF = "ejgrad: the fast Vector API kernels are off (matrix products run about 6x "
            + "slower); start the JVM with --add-modules jdk.incubator.vector to turn them on, or set "
            + "-D" + NOTICE_PROPERTY + "=false to hide this line";

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
        if (!wanted) {
            if (slf4jHasProvider()) {
                LoggerFactory.getLogger(KernelSelection.class).info(
                        "ejgrad kernels: plain Java and EJML, one thread (ejgrad.kernels=java)");
            }
        } else {
            fastPathOff("start the JVM with --add-modules jdk.incubator.vector for the Vector API kernels, about 6x "
                    + "faster matrix products", FAST_PATH_OFF);
        }
        return JavaKernels.INSTANCE;
    }

    /** Says, once, that the fast kernels are off and why: through SLF4J at WARN, or on standard error without it. */
    private static void fastPathOff(String why, String line) {
        if (slf4jHasProvider()) {
            LoggerFactory.getLogger(KernelSelection.class).warn("ejgrad kernels: plain Java and EJML, one thread ({})",
                    why);
        } else {
            notice(System.err, System.getProperty(NOTICE_PROPERTY), line);
        }
    }

    /** Prints the line unless the property's value is {@code false}. */
    static void notice(PrintStream err, String property, String line) {
        if (!"false".equalsIgnoreCase(property == null ? "" : property.trim())) {
            err.println(line);
        }
    }

    /**
     * Whether SLF4J would find a provider, by its own rules: the {@code slf4j.provider} property, or a
     * {@link SLF4JServiceProvider} on the class path of SLF4J. Checked without initialising SLF4J, so that without
     * a provider SLF4J stays untouched.
     */
    static boolean slf4jHasProvider() {
        String explicit = System.getProperty("slf4j.provider");
        if (explicit != null && !explicit.isBlank()) {
            return true;
        }
        try {
            return ServiceLoader.load(SLF4JServiceProvider.class, LoggerFactory.class.getClassLoader()).stream()
                    .findAny().isPresent();
        } catch (java.util.ServiceConfigurationError e) {
            return true;   // a broken provider entry: let SLF4J report it in its own words
        }
    }

    /** {@return a one-line description of the kernels in use} */
    static String describe() {
        return KERNELS instanceof JavaKernels ? "plain Java" : StagedKernels.describe();
    }
}
