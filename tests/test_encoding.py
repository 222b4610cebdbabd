from eventcoder.schema import Document
from eventcoder.training.encoding import (IGNORE, RELATION_CLASSES, TAGS, EncodingConfig, EncodingReport,
                                          decode_tags, encode_document, token_windows)

from samples import mark, multilingual


def spans_of(doc):
    return sorted((e.label, e.start, e.end) for e in doc.entities)


def decoded(windows, doc):
    found = set()
    for w in windows:
        tags = [t if t != IGNORE else 0 for t in w.tag_ids]
        found.update(decode_tags(tags, w.char_offsets, doc.text))
    return sorted(found)


def test_windows_cover_everything_with_the_configured_overlap():
    cfg = EncodingConfig(window_length=12, window_stride=4)
    ranges = token_windows(30, cfg)
    assert ranges[0] == (0, 10) and ranges[-1][1] == 30
    assert all(b[0] == a[1] - 4 for a, b in zip(ranges, ranges[1:]))
    assert token_windows(5, cfg) == [(0, 5)]


def test_spans_survive_tags_and_back_in_every_script(wordpiece_tokenizer):
    for doc in multilingual():
        report = EncodingReport()
        windows = encode_document(doc, wordpiece_tokenizer, EncodingConfig(), report)
        assert len(windows) == 1
        widened = {e.id for _, e_id, _ in report.misaligned for e in doc.entities if e.id == e_id}
        exact = sorted((e.label, e.start, e.end) for e in doc.entities if e.id not in widened)
        assert [s for s in decoded(windows, doc) if s in exact] == exact, doc.id


def test_a_boundary_inside_a_sub_word_is_reported_and_widened_to_it(wordpiece_tokenizer):
    doc = multilingual()[1]  # `لقوات النظام`: the span leaves out the fused preposition ل
    report = EncodingReport()
    windows = encode_document(doc, wordpiece_tokenizer, EncodingConfig(), report)
    assert report.misaligned == [("ar-test-1", "a2", "قوات النظام")]
    actor = doc.entity("a2")
    assert ("ACTOR", actor.start - 1, actor.end) in decoded(windows, doc)


def test_the_first_sub_word_of_each_span_says_whether_the_span_starts_one_letter_into_it(wordpiece_tokenizer):
    doc = multilingual()[1]  # `لقوات النظام`: ل is fused into the span's first sub-word
    (window,) = encode_document(doc, wordpiece_tokenizer, EncodingConfig(), EncodingReport())
    first_tokens = {s.entity_id: s.token_start for s in window.spans}
    assert window.prefix_targets[first_tokens["a2"]] == 1
    assert all(window.prefix_targets[t] == 0 for e, t in first_tokens.items() if e != "a2")
    assert sum(t != IGNORE for t in window.prefix_targets) == len(doc.entities)  # first sub-words only
    tags = [t if t != IGNORE else 0 for t in window.tag_ids]
    split = [t == 1 for t in window.prefix_targets]
    assert sorted(decode_tags(tags, window.char_offsets, doc.text, doc.lang, split)) == spans_of(doc)


def test_long_report_in_small_windows_loses_nothing(wordpiece_tokenizer):
    doc = multilingual()[0]
    report = EncodingReport()
    windows = encode_document(doc, wordpiece_tokenizer, EncodingConfig(window_length=16, window_stride=8), report)
    assert len(windows) > 3
    assert all(len(w.input_ids) <= 16 for w in windows)
    assert report.entities_in_no_window == 0
    assert decoded(windows, doc) == spans_of(doc)


def test_relation_candidates_follow_the_signatures(wordpiece_tokenizer):
    doc = multilingual()[0]
    (window,) = encode_document(doc, wordpiece_tokenizer, EncodingConfig(), EncodingReport())
    labelled = {(window.spans[h].entity_id, window.spans[t].entity_id): RELATION_CLASSES[c] for h, t, c in window.pairs}
    assert labelled[("k1", "a1")] == "VICTIM" and labelled[("c1", "a2")] == "PERPETRATOR"
    assert labelled[("a1", "a2")] == "none"  # ACTOR-ACTOR pair allowed, not related
    assert ("l1", "k1") not in labelled  # LOCATION cannot head any relation
    assert sum(c > 0 for _, _, c in window.pairs) == len(doc.relations)


def test_relations_farther_apart_than_the_pair_distance_are_reported_out_of_reach(wordpiece_tokenizer):
    doc = multilingual()[0]
    for distance in (1000, 0):
        report = EncodingReport()
        (window,) = encode_document(doc, wordpiece_tokenizer, EncodingConfig(max_pair_distance=distance), report)
        scored = sum(c > 0 for _, _, c in window.pairs)
        assert report.relations_out_of_reach == len(doc.relations) - scored
    assert 0 < report.relations_out_of_reach < len(doc.relations)  # at distance 0 only adjacent spans pair


def test_two_counts_pair_across_a_longer_distance_than_other_spans(wordpiece_tokenizer):
    text = "ISIS killed 40 people. " + "The town was quiet later. " * 8 + "Of the dead, 12 were soldiers."
    doc = Document("d", "en", text, [mark(text, "ISIS", "ACTOR", "a1"), mark(text, "40", "KILLED", "k1", 40),
                                     mark(text, "12", "KILLED", "k2", 12), mark(text, "soldiers", "ACTOR", "a2")])
    config = EncodingConfig(window_length=128, max_pair_distance=10, max_count_pair_distance=100)
    (window,) = encode_document(doc, wordpiece_tokenizer, config, EncodingReport())
    pairs = {(window.spans[h].entity_id, window.spans[t].entity_id) for h, t, _ in window.pairs}
    assert ("k2", "k1") in pairs and ("k1", "k2") in pairs  # a breakdown sentences after its total
    assert ("k1", "a1") in pairs and ("k2", "a2") in pairs  # neighbours
    assert ("k1", "a2") not in pairs and ("k2", "a1") not in pairs  # far apart, and not two counts


def test_partial_documents_leave_other_labels_open_and_keep_only_gold_pairs(wordpiece_tokenizer):
    doc = multilingual()[3]  # annotates LOCATION only
    (window,) = encode_document(doc, wordpiece_tokenizer, EncodingConfig(), EncodingReport())
    assert "LOCATION" not in window.open_labels and "ACTOR" in window.open_labels
    assert window.pairs == []


def test_cut_entity_is_ignored_in_the_window_that_cuts_it(wordpiece_tokenizer):
    text = "x " * 6 + "Hayat Tahrir al-Sham attacked"
    doc = Document("d", "en", text, [mark(text, "Hayat Tahrir al-Sham", "ACTOR", "a")])
    windows = encode_document(doc, wordpiece_tokenizer, EncodingConfig(window_length=14, window_stride=10),
                              EncodingReport())
    whole = [w for w in windows if w.spans]
    cut = [w for w in windows if not w.spans and any(s < 32 and e > 12 for s, e in w.char_offsets[1:-1])]
    assert whole and cut
    for w in cut:
        inside = [t for t, (s, e) in zip(w.tag_ids, w.char_offsets) if s >= 12 and e <= 32 and e > s]
        assert inside and all(t == IGNORE for t in inside)


def test_decoding_is_strict_iob2():
    text = "aa bb cc"
    offsets = [(0, 2), (3, 5), (6, 8)]
    i_actor, b_loc, i_loc = TAGS.index("I-ACTOR"), TAGS.index("B-LOCATION"), TAGS.index("I-LOCATION")
    assert decode_tags([i_actor, b_loc, i_loc], offsets, text) == [("LOCATION", 3, 8)]
    assert decode_tags([b_loc, i_actor, i_loc], offsets, text) == [("LOCATION", 0, 2)]


def test_decoded_spans_lose_edge_punctuation_but_not_hausa_apostrophes():
    b_k, b_a, i_a = TAGS.index("B-KILLED"), TAGS.index("B-ACTOR"), TAGS.index("I-ACTOR")
    text = "killed 27, «soldiers»"
    offsets = [(0, 6), (6, 10), (10, 21)]  # pieces that carry the comma and the quotes
    assert decode_tags([0, b_k, b_a], offsets, text) == [("KILLED", 7, 9), ("ACTOR", 12, 20)]
    hausa = "'yan bindiga"
    assert decode_tags([b_a, i_a], [(0, 4), (4, 12)], hausa, "ha") == [("ACTOR", 0, 12)]
    assert decode_tags([b_a, i_a], [(0, 4), (4, 12)], hausa, "en") == [("ACTOR", 1, 12)]
    assert decode_tags([b_k], [(0, 1)], ",") == []  # nothing left of a span of punctuation


def test_a_full_stop_after_a_figure_leaves_the_span_but_abbreviations_keep_theirs():
    b_k, b_a = TAGS.index("B-KILLED"), TAGS.index("B-ACTOR")
    text = "killing 11. U.S."
    offsets = [(0, 7), (7, 11), (11, 16)]  # sentencepiece pieces: `▁11.` and `▁U.S.`
    assert decode_tags([0, b_k, b_a], offsets, text) == [("KILLED", 8, 10), ("ACTOR", 12, 16)]


def test_a_split_prefix_moves_the_start_one_letter_and_only_at_the_start_of_a_word():
    b_a, i_a = TAGS.index("B-ACTOR"), TAGS.index("I-ACTOR")
    text = "ضد والقوات (وقوات و"
    offsets = [(0, 2), (2, 7), (7, 10), (10, 17), (17, 19)]  # pieces like `▁والق`, whose offsets take the space
    split = [False, True, False, True, True]
    assert decode_tags([0, b_a, i_a, 0, 0], offsets, text, "ar", split) == [("ACTOR", 4, 10)]
    assert decode_tags([0, b_a, i_a, 0, 0], offsets, text, "ar") == [("ACTOR", 3, 10)]
    # where a bracket was trimmed the span no longer starts at the piece's start: nothing more is split off
    assert decode_tags([0, 0, 0, b_a, 0], offsets, text, "ar", split) == [("ACTOR", 12, 17)]
    assert decode_tags([0, 0, 0, 0, b_a], offsets, text, "ar", split) == [("ACTOR", 18, 19)]  # a lone letter stays
