/** JMH benchmarks of the public API: the reference training step and the cross-entropy loss. */
package dev.ejgrad.bench;
