import torch

from eventcoder.inference.predictor import _may_be_part_of, _one_total_per_count
from eventcoder.schema import Relation
from eventcoder.training.encoding import figure_or_nan


def test_each_count_keeps_one_total_and_no_loop():
    predicted = [Relation("SAME_AS", "k1", "k2", 0.9), Relation("SAME_AS", "k2", "k1", 0.8),  # a loop
                 Relation("PART_OF", "k3", "k1", 0.6), Relation("PART_OF", "k3", "k2", 0.7),  # two totals
                 Relation("PART_OF", "k2", "k4", 0.5), Relation("PART_OF", "k4", "k3", 0.95),  # closes k3>k2>k4>k3
                 Relation("VICTIM", "k1", "a1", 0.4)]
    kept = _one_total_per_count(predicted)
    assert [(r.label, r.head, r.tail) for r in kept] == [
        ("SAME_AS", "k1", "k2"), ("PART_OF", "k3", "k2"), ("PART_OF", "k4", "k3"), ("VICTIM", "k1", "a1")]


def test_count_links_are_drawn_at_their_bar_and_other_relations_at_theirs():
    import pytest

    from eventcoder.inference.predictor import pair_classes
    from eventcoder.training.encoding import RELATION_CLASSES

    def decide(count_link_threshold, relation_threshold=None, **probs):
        row = torch.tensor([[probs.get(c, 0.0) for c in RELATION_CLASSES]])
        kept, classes = pair_classes(row, count_link_threshold, relation_threshold)
        return RELATION_CLASSES[int(classes[0])], float(kept[0])

    assert decide(0.28, none=0.6, PART_OF=0.3, SAME_AS=0.1) == ("PART_OF", pytest.approx(0.3))  # under "none"
    assert decide(0.28, none=0.45, SAME_AS=0.3, PART_OF=0.25) == ("SAME_AS", pytest.approx(0.3))
    assert decide(0.5, none=0.35, PART_OF=0.4, SAME_AS=0.25)[0] == "none"  # the argmax, but under the bar
    assert decide(0.1, none=0.3, VICTIM=0.7) == ("VICTIM", pytest.approx(0.7))  # not a pair of counts
    assert decide(None, none=0.35, PART_OF=0.4, SAME_AS=0.25)[0] == "PART_OF"  # no bar: the argmax
    # other relations: drawn at their own bar, which count links do not answer to
    assert decide(None, 0.7, none=0.4, VICTIM=0.6)[0] == "none"
    assert decide(None, 0.5, none=0.4, VICTIM=0.6)[0] == "VICTIM"
    assert decide(0.3, 0.7, none=0.6, PART_OF=0.35)[0] == "PART_OF"
    assert decide(None, 0.7, none=0.1, PART_OF=0.5, SAME_AS=0.4)[0] == "PART_OF"


def test_a_part_is_smaller_than_its_total_where_both_figures_are_known():
    def may_be_part_of(part, total):
        return bool(_may_be_part_of(torch.tensor([figure_or_nan(part)]), torch.tensor([figure_or_nan(total)]))[0])

    assert may_be_part_of(12, 40)
    assert not may_be_part_of(40, 12) and not may_be_part_of(4, 4)
    assert may_be_part_of(None, 12) and may_be_part_of(40, None)  # `dozens`


def test_prediction_scores_the_pairs_that_training_scores(wordpiece_tokenizer):
    from eventcoder.inference.predictor import candidate_pairs
    from eventcoder.training.encoding import (EncodingConfig, EncodingReport, encode_document, entity_token_range,
                                              offset_arrays, token_windows, tokenize_text)
    from samples import multilingual

    config = EncodingConfig(window_length=48, window_stride=16, max_pair_distance=6, max_count_pair_distance=30)
    for doc in multilingual():
        trained = {(w.spans[h].entity_id, w.spans[t].entity_id)
                   for w in encode_document(doc, wordpiece_tokenizer, config, EncodingReport()) for h, t, _ in w.pairs}
        ids, offsets = tokenize_text(doc.text, wordpiece_tokenizer)
        starts, ends = offset_arrays(offsets)
        ranges = [entity_token_range(starts, ends, e.start, e.end) for e in doc.entities]
        by_window = candidate_pairs(token_windows(len(ids), config), doc.entities, ranges, config)
        predicted = {(doc.entities[h].id, doc.entities[t].id) for pairs in by_window.values() for h, t in pairs}
        if doc.annotated_labels is None:  # partial documents train on their gold pairs only
            assert predicted == trained, doc.id
