package dev.ejgrad.optim;

/** Argument checks the schedulers share. */
final class Schedules {

    private Schedules() {
    }

    static double factor(String scheduler, String name, double v) {
        if (!(v >= 0) || v == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException(scheduler + ": " + name + " must be finite and at least 0, got " + v);
        }
        return v;
    }
}
