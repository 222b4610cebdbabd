import copy

from eventcoder.schema import Entity
from eventcoder.training.evaluate import evaluate_documents, format_evaluation

from samples import multilingual


def test_perfect_predictions_score_one():
    gold = multilingual()
    ev = evaluate_documents(gold, copy.deepcopy(gold))
    assert ev.entity_f1 == 1.0 and ev.relation_f1 == 1.0
    assert ev.totals["KILLED"]["exact"] == 1.0 and ev.totals["all_exact"] == 1.0
    assert "micro" in format_evaluation(ev)


def test_a_shifted_span_costs_the_entity_and_its_relations():
    gold = multilingual()
    pred = copy.deepcopy(gold)
    k1 = pred[0].entity("k1")  # `at least 24` predicted as `24`
    pred[0].entities[pred[0].entities.index(k1)] = Entity("k1", "KILLED", k1.end - 2, k1.end, "24", 24)
    ev = evaluate_documents(gold, pred)
    exact = ev.entities_exact["KILLED"]
    assert (exact.tp, exact.fp, exact.fn) == (3, 1, 1)
    assert ev.entities_seqeval["KILLED"]["f1"] < 1.0
    n_k1_relations = sum("k1" in (r.head, r.tail) for r in gold[0].relations)
    assert sum(r.fn for r in ev.relations.values()) == n_k1_relations
    assert ev.totals["KILLED"]["exact"] == 1.0  # the value, and so the total, is still right


def test_a_missed_part_of_changes_the_total():
    gold = multilingual()
    pred = copy.deepcopy(gold)
    pred[1].relations = [r for r in pred[1].relations if r.label != "PART_OF"]  # the child now counts on top
    ev = evaluate_documents(gold, pred)
    assert ev.totals["KILLED"]["exact"] == 0.75
    assert ev.totals["by_language"]["ar"]["KILLED"]["mae"] == 1.0
    assert ev.relations["PART_OF"].recall == 0.0
