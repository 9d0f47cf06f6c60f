package io.rtml.scoring.http;

/**
 * What a feature handler gives back for a request: a finished {@link Reply}, or a prediction that
 * is parsed and validated but still has to run ({@code io.rtml.scoring.runtime.Prediction}), so
 * that the event loop can merge the predictions it read in one iteration into one model run.
 */
public interface Answer {}
