import copy

import pytest

from eventcoder.annotations.agreement import agreement, read_second_annotations
from eventcoder.annotations.drafts import render_draft
from eventcoder.schema import AnnotationError

from samples import multilingual


def test_identical_annotations_agree_fully_and_a_missed_span_costs(tmp_path):
    first = multilingual()
    second = copy.deepcopy(first)
    dropped = second[0].entities.pop()  # the second annotator missed `soldiers`
    second[0].relations = [r for r in second[0].relations if dropped.id not in (r.head, r.tail)]
    for doc in second:
        (tmp_path / f"{doc.id}.second").write_text(render_draft(doc), encoding="utf-8")
    result = agreement(first, read_second_annotations(tmp_path))
    assert result.entities_exact["ACTOR"].recall < 1.0 and result.entities_exact["LOCATION"].f1 == 1.0
    assert result.relations["VICTIM"].recall < 1.0


def test_a_changed_text_is_refused():
    first = multilingual()
    second = copy.deepcopy(first[:1])
    second[0].text = second[0].text.replace("Fighting", "Fihgting")
    with pytest.raises(AnnotationError, match="text differs .* at character 2"):
        agreement(first, second)
