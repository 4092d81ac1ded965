/**
 * Readers for the examples' data: MNIST's IDX files ({@link dev.ejgrad.examples.data.Idx},
 * {@link dev.ejgrad.examples.data.Mnist}), the CSV files shipped in the jar
 * ({@link dev.ejgrad.examples.data.Embedded}, read with the library's {@link dev.ejgrad.data.Csv}) and dense ARFF
 * ({@link dev.ejgrad.examples.data.Arff}). A malformed file is rejected with its name and the line or byte offset of
 * the problem, never read in part.
 */
package dev.ejgrad.examples.data;
