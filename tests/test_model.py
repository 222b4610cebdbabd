import torch
from transformers import BertConfig, BertModel

from eventcoder.training.encoding import (TAG_IDS, TAGS, EncodingConfig, EncodingReport, collate_windows,
                                          encode_documents)
from eventcoder.training.model import (EventCoderModel, ModelConfig, _partial_label_loss, numeric_pair_features,
                                       viterbi_decode)

from samples import multilingual


def tiny_model(tokenizer, seed=0, **config):
    torch.manual_seed(seed)
    encoder = BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                   intermediate_size=64, max_position_embeddings=512), add_pooling_layer=False)
    return EventCoderModel(encoder, ModelConfig(**config), meta={"backbone": "tiny"})


def batch_of(tokenizer):
    windows = encode_documents(multilingual(), tokenizer, EncodingConfig(), EncodingReport())
    return collate_windows(windows, tokenizer.pad_token_id)


def test_collate_pads_dynamically_and_opens_unannotated_labels(wordpiece_tokenizer):
    batch = batch_of(wordpiece_tokenizer)
    assert batch.input_ids.shape[1] == int(batch.attention_mask.sum(1).max())
    partial_row = 3  # the German document annotates LOCATION only
    o_tokens = batch.allowed_tags[partial_row, :, TAG_IDS["O"]]
    assert batch.allowed_tags[partial_row][o_tokens][:, TAG_IDS["B-ACTOR"]].all()
    assert not batch.allowed_tags[partial_row][o_tokens][:, TAG_IDS["B-LOCATION"]].any()
    full_row = 0
    assert (batch.allowed_tags[full_row].sum(-1) <= 1).all()  # fully annotated: one tag or ignored


def test_partial_label_loss_is_cross_entropy_when_one_tag_is_allowed():
    logits = torch.randn(1, 4, len(TAGS))
    gold = torch.tensor([[0, 3, 4, 0]])
    allowed = torch.nn.functional.one_hot(gold, len(TAGS)).bool()
    expected = torch.nn.functional.cross_entropy(logits.view(-1, len(TAGS)), gold.view(-1))
    assert torch.allclose(_partial_label_loss(logits, allowed), expected)
    allowed[:] = True  # everything allowed: nothing to learn
    assert _partial_label_loss(logits, allowed).abs() < 1e-6


def test_training_steps_reduce_every_loss(wordpiece_tokenizer):
    model = tiny_model(wordpiece_tokenizer, prefix_head=True)
    batch = batch_of(wordpiece_tokenizer)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    first = model(batch)
    for _ in range(30):
        out = model(batch)
        out.loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    last = model(batch)
    assert last.tag_loss < first.tag_loss * 0.5 and last.relation_loss < first.relation_loss * 0.5
    assert last.prefix_loss < first.prefix_loss * 0.5
    assert torch.allclose(last.loss, last.tag_loss + last.relation_loss + last.prefix_loss)


def test_constrained_decoding_never_starts_with_inside():
    logits = torch.full((5, len(TAGS)), -5.0)
    logits[:, TAG_IDS["I-ACTOR"]] = 5.0  # greedy decoding would give I-ACTOR everywhere
    logits[:, TAG_IDS["B-ACTOR"]] = 4.0
    logits[3, TAG_IDS["I-LOCATION"]] = 9.0  # and a label switch inside
    path = [TAGS[t] for t in viterbi_decode(logits.log_softmax(-1))]
    assert path[:3] == ["B-ACTOR", "I-ACTOR", "I-ACTOR"] and path[3] != "I-LOCATION"


def test_save_and_load_give_the_same_outputs(tmp_path, wordpiece_tokenizer):
    model = tiny_model(wordpiece_tokenizer, numeric_features=True).eval()
    batch = batch_of(wordpiece_tokenizer)
    model.save_pretrained(tmp_path, wordpiece_tokenizer)
    loaded = EventCoderModel.from_pretrained(tmp_path)
    with torch.no_grad():
        a, b = model(batch), loaded(batch)
    assert torch.allclose(a.tag_logits, b.tag_logits) and torch.allclose(a.relation_logits, b.relation_logits)
    assert loaded.meta["backbone"] == "tiny"


def test_relation_features_pool_the_words_between_the_spans_in_either_order(wordpiece_tokenizer):
    model = tiny_model(wordpiece_tokenizer).eval()
    hidden = torch.zeros(1, 10, 32)
    hidden[0, 4:6] = 1.0  # the words between span [1, 3) and span [6, 8)
    spans = torch.tensor([[0, 1, 3], [0, 6, 8], [0, 8, 9]])
    labels = torch.tensor([3, 0, 0])
    seen = {}

    def keep(_module, inputs, _output):
        seen["features"] = inputs[0]

    model.relation_head.register_forward_hook(keep)
    model.score_pairs(hidden, spans, labels, torch.tensor([[0, 1], [1, 0], [1, 2]]))
    between = seen["features"][:, 3 * 32:4 * 32]
    assert torch.allclose(between[0], torch.full((32,), 2 / 3))  # tokens 3, 4, 5: two of them are ones
    assert torch.equal(between[0], between[1])  # the same words whichever span is the head
    assert torch.equal(between[2], torch.zeros(32))  # adjacent spans: nothing between


def test_numeric_features_compare_the_two_figures_where_both_are_known():
    figures = torch.tensor([12.0, 40.0, float("nan"), 40.0])
    features = numeric_pair_features(figures, torch.tensor([[0, 1], [1, 0], [1, 3], [2, 1]]))
    assert features[0, :4].tolist() == [1, 1, 0, 0] and features[0, 4] > 0  # 12 under 40: a possible part
    assert features[1, :4].tolist() == [1, 0, 0, 1] and features[1, 4] == -features[0, 4]
    assert features[2, :4].tolist() == [1, 0, 1, 0] and features[2, 4] == 0  # the same figure
    assert features[3].tolist() == [0, 0, 0, 0, 0]  # `dozens` has no figure: nothing to compare


def test_windows_carry_the_figures_of_their_counts(wordpiece_tokenizer):
    docs = multilingual()
    windows = encode_documents(docs, wordpiece_tokenizer, EncodingConfig(), EncodingReport())
    values = {(d.id, e.id): e.value for d in docs for e in d.entities}
    spans = [(w.doc_id, s) for w in windows for s in w.spans]
    assert all(s.value == values[(doc_id, s.entity_id)] for doc_id, s in spans)
    assert any(s.value is not None for _, s in spans)
    batch = collate_windows(windows, wordpiece_tokenizer.pad_token_id)
    figures = [float("nan") if s.value is None else s.value for _, s in spans]
    assert torch.equal(batch.span_values.isnan(), torch.tensor(figures).isnan())
    assert torch.equal(batch.span_values.nan_to_num(-1), torch.tensor(figures).nan_to_num(-1))


def test_a_model_saved_without_numeric_features_or_prefix_head_still_loads(tmp_path, wordpiece_tokenizer):
    model = tiny_model(wordpiece_tokenizer).eval()  # both off, as in models saved before they existed
    model.save_pretrained(tmp_path, wordpiece_tokenizer)
    loaded = EventCoderModel.from_pretrained(tmp_path)
    assert not loaded.config.numeric_features and loaded.prefix_head is None
    with torch.no_grad():
        assert torch.allclose(model(batch_of(wordpiece_tokenizer)).relation_logits,
                              loaded(batch_of(wordpiece_tokenizer)).relation_logits)
