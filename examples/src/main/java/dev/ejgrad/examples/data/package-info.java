/**
 * Readers for the examples' data: MNIST's IDX files ({@link dev.ejgrad.examples.data.Idx},
 * {@link dev.ejgrad.examples.data.Mnist}), scikit-learn's CSV layout ({@link dev.ejgrad.examples.data.Csv}) and dense
 * ARFF ({@link dev.ejgrad.examples.data.Arff}). A malformed file is rejected with its name and the line or byte
 * offset of the problem, never read in part.
 */
package dev.ejgrad.examples.data;
