package dev.ejgrad.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The kernel threads never hold up the end of a program: {@code exec:java} and containers that own their threads
 * interrupt and join every thread of the application's thread group at exit, so no kernel thread may live in it, and
 * an idle kernel thread ends by itself.
 */
class WorkersTest {

    /** Threads of {@code group} and its subgroups that are alive. */
    private static List<Thread> alive(ThreadGroup group) {
        Thread[] all = new Thread[group.activeCount() + 16];
        int n = group.enumerate(all, true);
        List<Thread> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (all[i].isAlive()) {
                out.add(all[i]);
            }
        }
        return out;
    }

    @Test
    void kernelThreadsLiveOutsideTheCallersThreadGroupAndEndWhenIdle() throws Exception {
        ThreadGroup app = new ThreadGroup("app");
        AtomicReference<Thread> worker = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Workers workers = new Workers(2, 200);
        int[] done = new int[2];
        Thread main = new Thread(app, () -> {
            try {
                workers.run(2, part -> {
                    done[part] = part + 1;
                    if (part == 1) {
                        worker.set(Thread.currentThread());
                    }
                });
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "app-main");
        main.start();
        main.join();
        assertNull(failure.get());
        assertArrayEquals(new int[] {1, 2}, done);

        Thread w = worker.get();
        assertSame(Workers.GROUP, w.getThreadGroup());
        assertEquals("ejgrad-kernel", w.getName());
        assertTrue(w.isDaemon());
        assertNull(w.getContextClassLoader());
        assertEquals(List.of(), alive(app), "threads left in the caller's group");

        w.join(10_000);   // idle for 200 ms, it ends
        assertTrue(!w.isAlive(), "an idle kernel thread ended");

        // the next run starts a fresh thread
        int[] again = new int[2];
        workers.run(2, part -> again[part] = part + 1);
        assertArrayEquals(new int[] {1, 2}, again);
    }

    @Test
    void theGroupOfTheKernelThreadsHangsFromTheJvmsRootGroup() {
        assertNull(Workers.GROUP.getParent().getParent(), "the parent of ejgrad's group is the root group");
        assertEquals("ejgrad", Workers.GROUP.getName());
    }
}
