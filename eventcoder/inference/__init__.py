"""Batch inference: predictor, casualty numbers, dates, events."""
