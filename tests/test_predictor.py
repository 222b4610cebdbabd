from eventcoder.inference.predictor import _one_total_per_count
from eventcoder.schema import Relation


def test_each_count_keeps_one_total_and_no_loop():
    predicted = [Relation("SAME_AS", "k1", "k2", 0.9), Relation("SAME_AS", "k2", "k1", 0.8),  # a loop
                 Relation("PART_OF", "k3", "k1", 0.6), Relation("PART_OF", "k3", "k2", 0.7),  # two totals
                 Relation("PART_OF", "k2", "k4", 0.5), Relation("PART_OF", "k4", "k3", 0.95),  # closes k3>k2>k4>k3
                 Relation("VICTIM", "k1", "a1", 0.4)]
    kept = _one_total_per_count(predicted)
    assert [(r.label, r.head, r.tail) for r in kept] == [
        ("SAME_AS", "k1", "k2"), ("PART_OF", "k3", "k2"), ("PART_OF", "k4", "k3"), ("VICTIM", "k1", "a1")]
